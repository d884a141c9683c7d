//! `tiendo backup` and `tiendo restore`: a consistent copy of the SQLite file, and putting one
//! back (with the server stopped: restore takes the data directory's lock).
//!
//! Stage: *operations*, over [`crate::store::backup`] and [`crate::store::restore`].

use std::path::Path;

use crate::config::Config;

/// Copies the database to `file` (consistent while the server runs).
pub fn backup(cfg: &Config, file: &Path) -> anyhow::Result<()> {
    crate::store::backup(&cfg.database_path(), file)?;
    println!(
        "Đã sao lưu {} vào {}",
        cfg.database_path().display(),
        file.display()
    );
    Ok(())
}

/// Replaces the database with the backup `file`.
pub fn restore(cfg: &Config, file: &Path) -> anyhow::Result<()> {
    let _lock = crate::lock_data_dir(cfg)?;
    crate::store::restore(&cfg.database_path(), file)?;
    println!(
        "Đã khôi phục {} từ {}",
        cfg.database_path().display(),
        file.display()
    );
    Ok(())
}
