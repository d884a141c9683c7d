//! The SQLite engine: one connection (the file's writer) behind a lock, its statements run on
//! blocking threads; each concern's contract implemented in its own file.
//!
//! Stage: *the store*, when a store opens on a SQLite file (the default) or in memory.

mod attest;
mod audit;
pub(crate) mod backups;
mod catalogue;
mod chunks;
mod copy;
mod counts;
mod files;
mod keys;
pub(crate) mod migrations;
mod models;
mod possession;
mod receipts;
mod reports;
mod throttle;
mod users;

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use super::{Result, StoreError};

/// A SQLite database.
pub(crate) struct Sqlite {
    conn: Arc<Mutex<Connection>>,
}

impl Sqlite {
    /// Opens (creating if needed) the database at `path`, brings its schema up to date, and
    /// lists the stored chunk keys (the prints are made from them).
    pub(crate) fn open(path: &Path) -> Result<(Sqlite, Vec<String>)> {
        Self::init(Connection::open(path)?, true)
    }

    /// A database in memory.
    pub(crate) fn in_memory() -> Result<(Sqlite, Vec<String>)> {
        Self::init(Connection::open_in_memory()?, false)
    }

    fn init(mut conn: Connection, wal: bool) -> Result<(Sqlite, Vec<String>)> {
        if wal {
            conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        // FULL: a change acknowledged to a client survives a power cut, not only a crash.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations::migrate(&mut conn)?;
        let keys = {
            let mut stmt = conn.prepare("SELECT key FROM chunks")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        Ok((
            Sqlite {
                conn: Arc::new(Mutex::new(conn)),
            },
            keys,
        ))
    }

    /// Runs `f` on the connection from a blocking thread, off the async workers.
    pub(crate) async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Interrupted(e.to_string()))?
        .map_err(StoreError::from)
    }
}

#[async_trait::async_trait]
impl super::Schema for Sqlite {
    async fn schema_version(&self) -> Result<i64> {
        self.blocking(|c| c.query_row("PRAGMA user_version", [], |r| r.get(0)))
            .await
    }

    async fn data_version(&self) -> Result<i64> {
        self.blocking(|c| c.query_row("PRAGMA data_version", [], |r| r.get(0)))
            .await
    }
}
