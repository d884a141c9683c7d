//! A consistent copy of the database while the server runs (SQLite's online backup), its
//! check, and putting one back.
//!
//! Stage: *operations* (`tiendo backup`, `tiendo restore`).

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use super::migrations::MIGRATIONS;
use crate::store::{Result, Store, StoreError};

/// Copies the database at `db` to `dest` (which must not exist) with SQLite's online backup API:
/// a consistent copy even while a server is writing to `db`.
pub fn backup(db: &Path, dest: &Path) -> Result<()> {
    if dest.exists() {
        return Err(StoreError::Exists(format!(
            "{} đã tồn tại; chọn tên tệp khác",
            dest.display()
        )));
    }
    if !db.exists() {
        return Err(StoreError::NotFound(format!(
            "cơ sở dữ liệu {}",
            db.display()
        )));
    }
    let conn = Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.backup(rusqlite::MAIN_DB, dest, None)?;
    Ok(())
}

/// Checks that `file` is a sound Tiến độ database this program can open.
pub fn check_backup(file: &Path) -> Result<i64> {
    let conn = Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| StoreError::Invalid(format!("{}: {e}", file.display())))?;
    let bad = |why: String| {
        StoreError::Invalid(format!(
            "{} không phải bản sao lưu hợp lệ: {why}",
            file.display()
        ))
    };
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| bad(e.to_string()))?;
    if ok != "ok" {
        return Err(bad(ok));
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| bad(e.to_string()))?;
    if version < 1 {
        return Err(bad("không có lược đồ Tiến độ".into()));
    }
    if version > MIGRATIONS.len() as i64 {
        return Err(StoreError::SchemaTooNew {
            found: version,
            supported: MIGRATIONS.len() as i64,
        });
    }
    Ok(version)
}

/// Replaces the database at `db` with the backup `src` (checked first). The server must not be
/// running on `db`.
pub fn restore(db: &Path, src: &Path) -> Result<()> {
    check_backup(src)?;
    let mut conn = Connection::open(db)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.restore(
        rusqlite::MAIN_DB,
        src,
        None::<fn(rusqlite::backup::Progress)>,
    )?;
    drop(conn);
    // Bring an older backup's schema up to date.
    drop(Store::open(db)?);
    Ok(())
}
