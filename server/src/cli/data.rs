//! `tiendo backup`, `tiendo restore` and `tiendo migrate-store`: a consistent copy of the SQLite file, and putting one
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

/// Copies the deployment in store `from` to the empty store `to` and verifies it
/// ([`crate::store::copy`]).
pub async fn migrate_store(from: &str, to: &str) -> anyhow::Result<()> {
    let (from, to) = (Address::parse(from), Address::parse(to));
    if from == to {
        anyhow::bail!("nguồn và đích là một kho: {from}");
    }
    // A server writing the source meanwhile would leave the copy behind: hold its data
    // directory's lock for the whole copy.
    let _lock = match &from {
        Address::Sqlite(path) => {
            if !path.exists() {
                anyhow::bail!("không có tệp cơ sở dữ liệu {}", path.display());
            }
            let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
            Some(crate::lock_data_dir(&Config {
                data_dir: dir,
                ..Config::default()
            })?)
        }
        Address::Postgres(_) => None,
    };
    if let Address::Postgres(url) = &to {
        crate::store::postgres::ensure_database(url).await?;
    }
    let source = crate::store::Store::open_at(&from).await?;
    let dest = crate::store::Store::open_at(&to).await?;
    let copied = crate::store::copy::copy(&source, &dest).await?;
    println!("Đã chép {from} sang {to}:");
    for (table, rows) in &copied.rows {
        println!("  {table}: {rows} dòng");
    }
    println!(
        "Đã so khớp heads của {} tài liệu: giống nhau. Đặt `store = \"{}\"` (hoặc TIENDO_STORE) rồi chạy lại máy chủ.",
        copied.documents,
        match &to {
            Address::Sqlite(p) => format!("sqlite:{}", p.display()),
            Address::Postgres(_) => to.to_string(),
        }
    );
    Ok(())
}
