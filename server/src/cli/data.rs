//! `tiendo backup` and `tiendo restore`: a consistent copy of the SQLite file, and putting one
//! back (with the server stopped: restore takes the data directory's lock). On PostgreSQL both
//! refuse and name the tools that apply (`pg_dump`, `pg_restore`; the README's "Scaling").
//!
//! Stage: *operations*, over [`crate::store::backup`] and [`crate::store::restore`].

use std::path::Path;

use crate::config::Config;
use crate::store::Address;

/// The SQLite file of the deployment, or why backup and restore do not apply.
fn sqlite_file(cfg: &Config, what: &str) -> anyhow::Result<std::path::PathBuf> {
    match cfg.store_address() {
        Address::Sqlite(path) => Ok(path),
        Address::Postgres(_) => anyhow::bail!(
            "`tiendo {what}` chỉ dùng cho kho SQLite; kho này là PostgreSQL ({}): hãy dùng \
             `pg_dump -Fc` để sao lưu và `pg_restore` để khôi phục (xem README, mục Scaling)",
            cfg.store_address()
        ),
    }
}

/// Copies the database to `file` (consistent while the server runs).
pub fn backup(cfg: &Config, file: &Path) -> anyhow::Result<()> {
    let db = sqlite_file(cfg, "backup")?;
    crate::store::backup(&db, file)?;
    println!("Đã sao lưu {} vào {}", cfg.store_address(), file.display());
    Ok(())
}

/// Replaces the database with the backup `file`.
pub fn restore(cfg: &Config, file: &Path) -> anyhow::Result<()> {
    let db = sqlite_file(cfg, "restore")?;
    let _lock = crate::lock_data_dir(cfg)?;
    crate::store::restore(&db, file)?;
    println!("Đã khôi phục {} từ {}", cfg.store_address(), file.display());
    Ok(())
}
