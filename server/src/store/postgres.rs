//! The PostgreSQL engine: the connection pool, the schema as numbered migrations (the same tables
//! as SQLite's, in PostgreSQL's types), and creating a database for a new deployment or a test.
//!
//! Stage: *the store*, when a store opens on `postgres://…` (`store` / `TIENDO_STORE`).
//!
//! Each concern's statements are in its own module beside SQLite's ([`super::chunks`],
//! [`super::users`] …). Differences that matter:
//! - chunk keys are compared byte-wise (`COLLATE "C"`), as SQLite compares them: a document's
//!   chunks are the keys between `doc/` and `doc0`, whatever the database's locale;
//! - an edit is acknowledged after PostgreSQL's `COMMIT` returned, which with the default
//!   `synchronous_commit = on` means its WAL record is flushed (a power cut keeps it);
//! - several nodes may open the same database at once: migrations run under an advisory lock.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

use super::{Result, StoreError};

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

/// Numbered migrations of the PostgreSQL schema: version N is migrations 1..=N applied in order.
/// Never edit one that has landed; add a new one. Version 1 is SQLite's version 7.
pub const MIGRATIONS: &[&str] = &[
    // 1: everything SQLite's migrations 1–7 built.
    r#"CREATE TABLE chunks (
        key TEXT COLLATE "C" PRIMARY KEY,
        data BYTEA NOT NULL
    );
    CREATE TABLE documents (
        seq BIGSERIAL NOT NULL,
        doc_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('plan', 'org', 'progress')),
        agency_id TEXT NOT NULL,
        plan_id TEXT,
        unit_id TEXT,
        title TEXT NOT NULL,
        created_at BIGINT NOT NULL DEFAULT extract(epoch FROM now())::bigint
    );
    CREATE INDEX documents_plan ON documents (plan_id, kind);
    CREATE TABLE users (
        id BIGSERIAL PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN
            ('unit_editor', 'unit_head', 'agency_admin', 'province_viewer', 'system_admin')),
        agency_id TEXT,
        unit_id TEXT,
        password_hash TEXT NOT NULL,
        disabled BOOLEAN NOT NULL DEFAULT false,
        created_at BIGINT NOT NULL DEFAULT extract(epoch FROM now())::bigint
    );
    CREATE TABLE sessions (
        token_hash BYTEA PRIMARY KEY,
        user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
    );
    CREATE INDEX sessions_user ON sessions (user_id);
    CREATE TABLE reports (
        id BIGSERIAL PRIMARY KEY,
        plan_id TEXT NOT NULL,
        period TEXT NOT NULL CHECK (period IN ('q1', 'h1', 'q3', 'year')),
        kind TEXT NOT NULL CHECK (kind IN ('docx', 'xlsx')),
        as_of TEXT NOT NULL,
        username TEXT,
        generated_at BIGINT NOT NULL DEFAULT extract(epoch FROM now())::bigint
    );
    CREATE INDEX reports_plan ON reports (plan_id, period);
    CREATE TABLE files (
        sha256 TEXT PRIMARY KEY,
        size BIGINT NOT NULL,
        mime TEXT NOT NULL,
        stored_at BIGINT NOT NULL DEFAULT extract(epoch FROM now())::bigint,
        unreferenced_since BIGINT
    );
    CREATE TABLE file_pieces (
        sha256 TEXT NOT NULL REFERENCES files (sha256) ON DELETE CASCADE,
        "offset" BIGINT NOT NULL,
        data BYTEA NOT NULL,
        PRIMARY KEY (sha256, "offset")
    );
    CREATE TABLE uploads (
        id TEXT PRIMARY KEY,
        sha256 TEXT NOT NULL,
        size BIGINT NOT NULL,
        mime TEXT NOT NULL,
        name TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        user_id BIGINT NOT NULL,
        received BIGINT NOT NULL DEFAULT 0,
        done BOOLEAN NOT NULL DEFAULT false,
        created_at BIGINT NOT NULL DEFAULT extract(epoch FROM now())::bigint
    );
    CREATE TABLE upload_pieces (
        upload_id TEXT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
        "offset" BIGINT NOT NULL,
        data BYTEA NOT NULL,
        PRIMARY KEY (upload_id, "offset")
    );
    CREATE TABLE step_receipts (
        doc_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        received_at BIGINT NOT NULL,
        PRIMARY KEY (doc_id, step_id)
    );
    CREATE TABLE doc_readings (
        doc_id TEXT PRIMARY KEY,
        print TEXT NOT NULL,
        build TEXT NOT NULL,
        data BYTEA NOT NULL
    );
    CREATE TABLE login_failures (
        key TEXT PRIMARY KEY,
        count BIGINT NOT NULL,
        last BIGINT NOT NULL,
        locked_until BIGINT
    );"#,
    // 2: SQLite's 8, the counts every node adds to.
    "CREATE TABLE counts (
        name TEXT PRIMARY KEY,
        value BIGINT NOT NULL
    );",
    // 3: SQLite's 9, the keys bundles are signed with.
    "CREATE TABLE device_keys (
        public_key BYTEA PRIMARY KEY CHECK (length(public_key) = 32),
        user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        label TEXT NOT NULL,
        created_at BIGINT NOT NULL
    );
    CREATE INDEX device_keys_user ON device_keys (user_id);
    CREATE TABLE server_keys (
        name TEXT PRIMARY KEY,
        secret BYTEA NOT NULL
    );",
    // 4: SQLite's 10, the attested record of who delivered each change and when.
    "CREATE TABLE change_attestations (
        doc_id TEXT NOT NULL,
        hash BYTEA NOT NULL CHECK (length(hash) = 32),
        user_id BIGINT NOT NULL,
        username TEXT NOT NULL,
        received_at BIGINT NOT NULL,
        via TEXT NOT NULL CHECK (via IN ('sync', 'bundle')),
        signed_at BIGINT,
        PRIMARY KEY (doc_id, hash)
    );",
    // 5: SQLite's 11, proof of possession of files (seeded the same way).
    "CREATE TABLE file_possession (
        sha256 TEXT NOT NULL,
        user_id BIGINT NOT NULL,
        doc_id TEXT NOT NULL,
        since BIGINT NOT NULL DEFAULT extract(epoch FROM now())::bigint,
        PRIMARY KEY (sha256, user_id, doc_id)
    );
    INSERT INTO file_possession (sha256, user_id, doc_id, since)
        SELECT u.sha256, u.user_id, u.doc_id, min(u.created_at) FROM uploads u
        JOIN files f ON f.sha256 = u.sha256
        WHERE u.done GROUP BY u.sha256, u.user_id, u.doc_id
        ON CONFLICT DO NOTHING;
    INSERT INTO file_possession (sha256, user_id, doc_id, since)
        SELECT sha256, 0, '', stored_at FROM files
        WHERE sha256 NOT IN (SELECT sha256 FROM file_possession)
        ON CONFLICT DO NOTHING;",
    // 6: SQLite's 12, the audit of account actions.
    "CREATE TABLE account_events (
        id BIGSERIAL PRIMARY KEY,
        at BIGINT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        username TEXT NOT NULL,
        agency_id TEXT,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX account_events_agency ON account_events (agency_id, at);",
];

/// Migrations of nodes starting together wait for each other on this advisory lock.
const MIGRATION_LOCK: i64 = 0x7469_656e_646f; // "tiendo"

/// A pool of connections to `url`.
pub(super) fn pool(url: &str) -> Result<Pool> {
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
pub(super) async fn migrate(pool: &Pool) -> Result<()> {
    let mut client = super::pg(pool).await?;
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

/// The schema version of the database behind `pool`.
pub(super) async fn schema_version(pool: &Pool) -> Result<i64> {
    let c = super::pg(pool).await?;
    Ok(c.query_one("SELECT version FROM tiendo_schema", &[])
        .await?
        .get(0))
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
pub(super) const CHANNEL: &str = "tiendo";

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
pub(super) fn announcements(kind: char, node: &str, keys: &[&str]) -> Vec<String> {
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

/// Listens on [`CHANNEL`] until `stop` is cancelled. Each time it (re)connects it lists the
/// stored keys and makes the prints again from them, then applies the announcements (this node's
/// own included: prints ignore a repeat) — so no commit is missed between a listing and the
/// announcements after it. Other nodes' new chunks and catalogue entries are passed on as
/// [`Foreign`]; after a lost connection, [`Foreign::Lost`]. `ready` is sent after the first
/// listing.
pub(super) async fn listen(
    url: String,
    node: Arc<str>,
    prints: Arc<super::prints::Prints>,
    out: tokio::sync::broadcast::Sender<Foreign>,
    stop: tokio_util::sync::CancellationToken,
    ready: tokio::sync::oneshot::Sender<Result<()>>,
) {
    let mut ready = Some(ready);
    let mut pause = std::time::Duration::from_millis(100);
    loop {
        let outcome = listen_once(&url, &node, &prints, &out, &stop, &mut ready).await;
        if let Err(e) = outcome {
            tracing::warn!(error = %e, "listening for other nodes' commits failed; retrying");
            if let Some(r) = ready.take() {
                let _ = r.send(Err(e));
                return;
            }
        }
        if stop.is_cancelled() {
            return;
        }
        let _ = out.send(Foreign::Lost);
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(pause) => {}
        }
        pause = (pause * 2).min(std::time::Duration::from_secs(5));
    }
}

async fn listen_once(
    url: &str,
    node: &str,
    prints: &super::prints::Prints,
    out: &tokio::sync::broadcast::Sender<Foreign>,
    stop: &tokio_util::sync::CancellationToken,
    ready: &mut Option<tokio::sync::oneshot::Sender<Result<()>>>,
) -> Result<()> {
    let config = tokio_postgres::Config::from_str(url)?;
    let (client, mut connection) = config.connect(NoTls).await?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let driver = tokio::spawn(async move {
        let mut messages = futures::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(m) = futures::StreamExt::next(&mut messages).await {
            match m {
                Ok(tokio_postgres::AsyncMessage::Notification(n)) => {
                    let _ = tx.send(n.payload().to_string());
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "the listening connection failed");
                    break;
                }
            }
        }
    });
    let _driver = AbortOnDrop(driver);
    client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
    // Announcements of commits before the listing arrive before its rows: they are queued.
    let keys = client.query("SELECT key FROM chunks", &[]).await?;
    prints.replace(keys.into_iter().map(|r| r.get(0)));
    if let Some(r) = ready.take() {
        let _ = r.send(Ok(()));
    }
    loop {
        let payload = tokio::select! {
            _ = stop.cancelled() => return Ok(()),
            p = rx.recv() => match p {
                Some(p) => p,
                None => return Ok(()), // the connection ended: reconnect
            },
        };
        let mut words = payload.split(' ');
        let (Some(kind), Some(from)) = (words.next(), words.next()) else {
            continue;
        };
        let keys: Vec<&str> = words.collect();
        match kind {
            "c" | "d" => {
                for k in &keys {
                    prints.changed(k, kind == "c");
                }
                if kind == "c" && from != node {
                    let mut by_doc: HashMap<&str, Vec<String>> = HashMap::new();
                    for k in keys {
                        if let Some(doc) = super::prints::content_doc(k) {
                            by_doc.entry(doc).or_default().push(k.to_string());
                        }
                    }
                    for (doc, keys) in by_doc {
                        let _ = out.send(Foreign::Chunks {
                            doc: doc.to_string(),
                            keys,
                        });
                    }
                }
            }
            "r" if from != node => {
                let _ = out.send(Foreign::Catalogue);
            }
            "a" if from != node => {
                let _ = out.send(Foreign::Accounts);
            }
            _ => {}
        }
    }
}

/// Aborts the task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
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
