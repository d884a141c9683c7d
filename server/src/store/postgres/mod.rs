//! The PostgreSQL engine: the connection pool, the schema as numbered migrations
//! ([`migrations`]), creating a database for a new deployment or a test, and the announcements
//! nodes sharing a database make to each other (`listen`); each concern's contract implemented
//! in its own file.
//!
//! Stage: *the store*, when a store opens on `postgres://…` (`store` / `TIENDO_STORE`).
//!
//! Differences from SQLite that matter:
//! - chunk keys are compared byte-wise (`COLLATE "C"`), as SQLite compares them: a document's
//!   chunks are the keys between `doc/` and `doc0`, whatever the database's locale;
//! - an edit is acknowledged after PostgreSQL's `COMMIT` returned, which with the default
//!   `synchronous_commit = on` means its WAL record is flushed (a power cut keeps it);
//! - several nodes may open the same database at once: migrations run under an advisory lock,
//!   and what one node commits is announced to the others in the same transaction.

mod attest;
mod audit;
mod catalogue;
mod chunks;
mod copy;
mod counts;
mod files;
mod keys;
mod listen;
pub mod migrations;
mod models;
mod possession;
mod receipts;
mod reports;
mod throttle;
mod users;

use std::str::FromStr;
use std::sync::Arc;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

pub(crate) use listen::listen;
pub use migrations::MIGRATIONS;

use super::{Result, StoreError};

/// A PostgreSQL database, through a pool of connections.
pub(crate) struct Postgres {
    pool: Pool,
    /// This store's name in the announcements it makes.
    node: Arc<str>,
}

impl Postgres {
    /// Connects to `url` and brings its schema up to date.
    pub(crate) async fn connect(url: &str, node: Arc<str>) -> Result<Postgres> {
        let pool = pool(url)?;
        migrate(&pool).await?;
        Ok(Postgres { pool, node })
    }

    /// A connection from the pool.
    pub(crate) async fn client(&self) -> Result<deadpool_postgres::Object> {
        self.pool.get().await.map_err(|e| match e {
            deadpool_postgres::PoolError::Backend(e) => StoreError::Postgres(e),
            e => StoreError::Pool(e.to_string()),
        })
    }

    /// Announces to the other nodes, when `tx` commits, what it did ([`announcements`]).
    pub(crate) async fn announce(
        &self,
        tx: &deadpool_postgres::Transaction<'_>,
        kind: char,
        keys: &[&str],
    ) -> Result<()> {
        for payload in announcements(kind, &self.node, keys) {
            tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &payload])
                .await?;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl super::Schema for Postgres {
    async fn schema_version(&self) -> Result<i64> {
        let c = self.client().await?;
        Ok(c.query_one("SELECT version FROM tiendo_schema", &[])
            .await?
            .get(0))
    }

    async fn data_version(&self) -> Result<i64> {
        Err(StoreError::Unsupported(
            "câu lệnh SQLite trên kho PostgreSQL".into(),
        ))
    }
}

/// What PostgreSQL said, in full: the driver's own message is only "db error" when the server
/// answered with an error (a database that does not exist, a refused password).
pub(super) fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => match std::error::Error::source(e) {
            Some(source) => format!("{e}: {source}"),
            None => e.to_string(),
        },
    }
}

/// Migrations of nodes starting together wait for each other on this advisory lock.
const MIGRATION_LOCK: i64 = 0x7469_656e_646f; // "tiendo"

/// A pool of connections to `url`.
fn pool(url: &str) -> Result<Pool> {
    let config = tokio_postgres::Config::from_str(url)?;
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(16)
        .build()
        .map_err(|e| StoreError::Pool(e.to_string()))
}

/// Brings the schema up to date (refusing a newer one).
async fn migrate(pool: &Pool) -> Result<()> {
    let mut client = pool.get().await.map_err(|e| match e {
        deadpool_postgres::PoolError::Backend(e) => StoreError::Postgres(e),
        e => StoreError::Pool(e.to_string()),
    })?;
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    let versioned: bool = tx
        .query_one("SELECT to_regclass('tiendo_schema') IS NOT NULL", &[])
        .await?
        .get(0);
    if !versioned {
        tx.batch_execute("CREATE TABLE tiendo_schema (version BIGINT NOT NULL)")
            .await?;
    }
    let found: i64 = tx
        .query_opt("SELECT version FROM tiendo_schema", &[])
        .await?
        .map(|r| r.get(0))
        .unwrap_or(0);
    let supported = MIGRATIONS.len() as i64;
    if found > supported {
        return Err(StoreError::SchemaTooNew { found, supported });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.batch_execute(sql).await?;
        tracing::info!(version = i + 1, "applied PostgreSQL migration");
    }
    if found < supported {
        tx.execute("DELETE FROM tiendo_schema", &[]).await?;
        tx.execute("INSERT INTO tiendo_schema VALUES ($1)", &[&supported])
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Creates the database `url` names if it does not exist yet, connecting to the server's
/// `postgres` database to do it (a new deployment, `migrate-store`, each test's own database).
pub async fn ensure_database(url: &str) -> Result<()> {
    let config = tokio_postgres::Config::from_str(url)?;
    let name = config
        .get_dbname()
        .ok_or_else(|| {
            StoreError::Invalid(format!(
                "địa chỉ PostgreSQL không có tên cơ sở dữ liệu: {url}"
            ))
        })?
        .to_string();
    let mut admin = config.clone();
    admin.dbname("postgres");
    let (client, connection) = admin.connect(NoTls).await?;
    let driver = tokio::spawn(connection);
    let exists = client
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .await?
        .is_some();
    if !exists {
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        match client
            .batch_execute(&format!("CREATE DATABASE {quoted}"))
            .await
        {
            Ok(()) => {}
            // Another process created it meanwhile.
            Err(e)
                if e.code() == Some(&tokio_postgres::error::SqlState::DUPLICATE_DATABASE)
                    || e.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) => {}
            Err(e) => return Err(e.into()),
        }
    }
    drop(client);
    let _ = driver.await;
    Ok(())
}

/// The channel nodes sharing a database announce their commits on.
pub(crate) const CHANNEL: &str = "tiendo";

/// What another node sharing the database did, as this node learns it ([`super::Store::foreign`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Foreign {
    /// It committed new chunks of `doc` (their keys).
    Chunks {
        /// The document.
        doc: String,
        /// The chunks' keys.
        keys: Vec<String>,
    },
    /// It catalogued a document (an import, a new unit).
    Catalogue,
    /// It ended sessions or disabled accounts (`tiendo user passwd`/`disable` beside the
    /// servers, a logout on another node): open sync connections are checked again.
    Accounts,
    /// This node may have missed announcements (its listening connection was lost, or it fell
    /// behind): whatever it holds should be read again.
    Lost,
}

/// The announcements of one transaction: `c NODE KEY…` for new chunks, `d NODE KEY…` for deleted
/// ones, `r NODE` for the catalogue, `a NODE` for accounts and sessions, each at most ~7,900 bytes (PostgreSQL's payload limit is
/// 8,000).
pub(crate) fn announcements(kind: char, node: &str, keys: &[&str]) -> Vec<String> {
    let head = format!("{kind} {node}");
    let mut out = Vec::new();
    let mut cur = head.clone();
    for k in keys {
        if cur.len() + 1 + k.len() > 7_900 && cur.len() > head.len() {
            out.push(std::mem::replace(&mut cur, head.clone()));
        }
        cur.push(' ');
        cur.push_str(k);
    }
    if cur.len() > head.len() || keys.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announcements_fit_postgresqls_payload_limit_and_lose_no_key() {
        let keys: Vec<String> = (0..500)
            .map(|i| format!("4PVWFn3oarY4yrXJLSB37HCowcc6/incremental/{i:064}"))
            .collect();
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let out = announcements('c', "node1", &refs);
        assert!(out.len() > 1, "500 keys need several payloads");
        let mut seen = Vec::new();
        for p in &out {
            assert!(p.len() < 8_000, "{} bytes", p.len());
            let mut words = p.split(' ');
            assert_eq!((words.next(), words.next()), (Some("c"), Some("node1")));
            seen.extend(words.map(str::to_string));
        }
        assert_eq!(seen, keys);
        assert_eq!(announcements('r', "node1", &[]), ["r node1"]);
    }
}
