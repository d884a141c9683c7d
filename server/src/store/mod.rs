//! Storage: where synced documents rest, and what the server keeps beside them.
//!
//! Stage: *the store*, after the hub has merged a change and before it is acknowledged. One
//! [`Store`] over one of two engines: a SQLite file (WAL, `synchronous = FULL`), the embedded
//! default (`sqlite`), or a PostgreSQL database several nodes share ([`postgres`]).
//!
//! Each concern is a small trait (its contract) in its own module, implemented once per engine
//! in `sqlite/<concern>.rs` and `postgres/<concern>.rs`, with the statements both dialects agree
//! on written once beside the trait. [`Store`] is the facade the rest of the server calls: it
//! holds each concern's trait object, and above them what is not the engines' business — the
//! group commit, the caches (durability, prints, kept readings) and PostgreSQL's listener. The
//! conformance suite (`conformance`) runs one set of behaviours against both engines.
//!
//! - [`chunks`]: samod's document chunks, through the [`samod::storage::Storage`] key/value trait,
//!   committed in groups (the chunks written at the same time share one transaction);
//! - [`durable`]: which changes are committed, so the sync layer announces only those, and
//!   [`attest`] who delivered each change and when (committed with the chunks);
//! - [`prints`]: each document's fingerprint of stored chunks, and [`models`] the models (and
//!   reporting steps) hydrated from exactly those chunks, so a restart need not hydrate again;
//! - [`catalogue`]: which document is which (plan, organisation, a unit's progress);
//! - [`users`]: accounts and sessions (the rules and the password hashing are the accounts
//!   module's: the store receives hashes and validated values), [`throttle`] the failed sign-ins
//!   the login throttle counts, [`keys`] the keys bundles are signed with, and [`audit`] the
//!   account actions;
//! - [`reports`]: which report files were generated, for the reporting calendar, [`receipts`]
//!   when each reporting step arrived, and [`counts`] the figures every node adds to;
//! - [`files`]: evidence files by SHA-256, and the uploads under way; [`possession`] who proved
//!   they hold a file's bytes;
//! - the schema: SQLite's numbered migrations ([`MIGRATIONS`]) with a consistent copy and its
//!   restore ([`backup`], [`restore`]), PostgreSQL's in [`postgres`];
//! - [`copy`]: every row from one store to another (`tiendo migrate-store`).
//!
//! Tests and throw-away runs use the same code on an in-memory SQLite database
//! ([`Store::in_memory`]).

pub mod attest;
pub mod audit;
pub mod catalogue;
pub mod chunks;
#[cfg(test)]
mod conformance;
pub mod copy;
pub mod counts;
pub mod durable;
pub mod files;
pub mod keys;
pub mod models;
pub mod possession;
pub mod postgres;
pub mod prints;
pub mod receipts;
pub mod reports;
mod sqlite;
pub mod throttle;
pub mod users;

use std::path::Path;
use std::sync::{Arc, Mutex};

pub use catalogue::{DocKind, DocRecord};
pub use reports::GeneratedReport;
pub use sqlite::backups::{backup, check_backup, restore};
pub use sqlite::migrations::MIGRATIONS;
pub use users::{NewAccount, User};

/// What the store can fail at.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL failed (or could not be reached).
    /// (Described in full in the message, so not also given as the source.)
    #[error("lỗi PostgreSQL: {}", postgres::describe(.0))]
    Postgres(tokio_postgres::Error),
    /// No PostgreSQL connection could be had from the pool.
    #[error("không kết nối được PostgreSQL: {0}")]
    Pool(String),
    /// This operation does not apply to this engine (`tiendo backup` on PostgreSQL).
    #[error("{0}")]
    Unsupported(String),
    /// A stored document's chunks do not load.
    #[error("tài liệu {doc_id} không đọc được: {source}")]
    Document {
        /// The document.
        doc_id: String,
        /// What automerge said.
        #[source]
        source: Box<automerge::AutomergeError>,
    },
    /// The database was written by a newer release of Tiến độ.
    #[error(
        "cơ sở dữ liệu ở phiên bản {found}, mới hơn chương trình này ({supported}); hãy cập nhật Tiến độ"
    )]
    SchemaTooNew {
        /// The version in the file.
        found: i64,
        /// The newest version this release knows.
        supported: i64,
    },
    /// No such row or file.
    #[error("không tìm thấy {0}")]
    NotFound(String),
    /// It exists already (a user name, a backup file).
    #[error("{0}")]
    Exists(String),
    /// What was to be stored is not acceptable (a user name, a password, a backup file).
    #[error("{0}")]
    Invalid(String),
    /// The blocking task that ran the statement did not finish.
    #[error("tác vụ lưu trữ bị gián đoạn: {0}")]
    Interrupted(String),
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> StoreError {
        StoreError::Postgres(e)
    }
}

/// Result with the store's error.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Where to find a store: `sqlite:PATH` (or a bare path) or `postgres://…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// A SQLite file.
    Sqlite(std::path::PathBuf),
    /// A PostgreSQL database, as a libpq connection URL.
    Postgres(String),
}

impl Address {
    /// Reads `sqlite:PATH`, `postgres://…` / `postgresql://…`, or a bare path (a SQLite file).
    pub fn parse(s: &str) -> Address {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Address::Postgres(s.to_string())
        } else {
            Address::Sqlite(s.strip_prefix("sqlite:").unwrap_or(s).into())
        }
    }
}

impl std::fmt::Display for Address {
    /// The address with any password hidden (for logs and messages).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Address::Sqlite(p) => write!(f, "sqlite:{}", p.display()),
            Address::Postgres(url) => match url::Url::parse(url) {
                Ok(mut u) if u.password().is_some() => {
                    let _ = u.set_password(Some("***"));
                    write!(f, "{u}")
                }
                _ => write!(f, "{url}"),
            },
        }
    }
}

/// One engine's implementation of every concern's contract, as trait objects.
#[derive(Clone)]
pub(crate) struct Engine {
    /// `"sqlite"` or `"postgres"`.
    name: &'static str,
    chunks: Arc<dyn chunks::Chunks>,
    attestations: Arc<dyn attest::Attestations>,
    readings: Arc<dyn models::Readings>,
    catalogue: Arc<dyn catalogue::Catalogue>,
    users: Arc<dyn users::Users>,
    sessions: Arc<dyn users::Sessions>,
    throttle: Arc<dyn throttle::LoginFailures>,
    reports: Arc<dyn reports::Reports>,
    counts: Arc<dyn counts::Counts>,
    files: Arc<dyn files::Files>,
    possession: Arc<dyn possession::Possession>,
    keys: Arc<dyn keys::Keys>,
    audit: Arc<dyn audit::Audit>,
    receipts: Arc<dyn receipts::StepReceipts>,
    schema: Arc<dyn Schema>,
    rows: Arc<dyn copy::Rows>,
}

/// Every concern's contract: what an engine implements.
pub(crate) trait Backend:
    chunks::Chunks
    + attest::Attestations
    + models::Readings
    + catalogue::Catalogue
    + users::Users
    + users::Sessions
    + throttle::LoginFailures
    + reports::Reports
    + counts::Counts
    + files::Files
    + possession::Possession
    + keys::Keys
    + audit::Audit
    + receipts::StepReceipts
    + Schema
    + copy::Rows
    + 'static
{
}

impl<T> Backend for T where
    T: chunks::Chunks
        + attest::Attestations
        + models::Readings
        + catalogue::Catalogue
        + users::Users
        + users::Sessions
        + throttle::LoginFailures
        + reports::Reports
        + counts::Counts
        + files::Files
        + possession::Possession
        + keys::Keys
        + audit::Audit
        + receipts::StepReceipts
        + Schema
        + copy::Rows
        + 'static
{
}

impl Engine {
    fn of<B: Backend>(name: &'static str, b: Arc<B>) -> Engine {
        Engine {
            name,
            chunks: b.clone(),
            attestations: b.clone(),
            readings: b.clone(),
            catalogue: b.clone(),
            users: b.clone(),
            sessions: b.clone(),
            throttle: b.clone(),
            reports: b.clone(),
            counts: b.clone(),
            files: b.clone(),
            possession: b.clone(),
            keys: b.clone(),
            audit: b.clone(),
            receipts: b.clone(),
            schema: b.clone(),
            rows: b,
        }
    }
}

/// The schema's version, and SQLite's count of other connections' commits.
#[async_trait::async_trait]
pub(crate) trait Schema: Send + Sync {
    /// The schema version of the open database.
    async fn schema_version(&self) -> Result<i64>;
    /// SQLite's `data_version` (PostgreSQL: [`StoreError::Unsupported`]).
    async fn data_version(&self) -> Result<i64>;
}

/// The server's storage. Cloning shares the connection (or the pool).
#[derive(Clone)]
pub struct Store {
    engine: Engine,
    durable: Arc<durable::Durable>,
    prints: Arc<prints::Prints>,
    models: Arc<models::Kept>,
    /// How long each chunk's commit took (the metrics register it).
    commit_seconds: prometheus::Histogram,
    /// The documents samod loaded or created since the store opened.
    loaded: Arc<Mutex<std::collections::HashSet<String>>>,
    /// Chunks waiting for their commit ([`chunks::GroupCommit`]).
    group: Arc<chunks::GroupCommit>,
    /// This store's name among the nodes sharing a database (random per open).
    node: Arc<str>,
    /// What other nodes sharing the database committed ([`postgres::listen`]).
    foreign: tokio::sync::broadcast::Sender<postgres::Foreign>,
    /// Stops the listening when the last clone of the store goes.
    _listening: Option<Arc<StopOnDrop>>,
}

/// Cancels its token when dropped.
struct StopOnDrop(tokio_util::sync::CancellationToken);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// The histogram of chunk commits' latency: seconds, from 1 ms to about 16 s.
fn commit_histogram() -> prometheus::Histogram {
    prometheus::Histogram::with_opts(
        prometheus::HistogramOpts::new(
            "tiendo_store_commit_seconds",
            "A chunk's commit, from its handing to the store to durable (group commit).",
        )
        .buckets(prometheus::exponential_buckets(0.001, 2.0, 15).expect("valid buckets")),
    )
    .expect("a valid histogram")
}

/// A random name for this store among the nodes sharing a database.
fn node_name() -> Arc<str> {
    format!("{:016x}", rand::random::<u64>()).into()
}

impl Store {
    /// Opens the store at `address` and brings its schema up to date.
    pub async fn open_at(address: &Address) -> Result<Store> {
        match address {
            Address::Sqlite(path) => Self::open(path),
            Address::Postgres(url) => Self::connect(url).await,
        }
    }

    /// Opens (creating if needed) the SQLite database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        let (db, keys) = sqlite::Sqlite::open(path)?;
        Ok(Self::over(
            Engine::of("sqlite", Arc::new(db)),
            node_name(),
            keys,
        ))
    }

    /// A store in memory, for tests and throw-away runs.
    pub fn in_memory() -> Result<Store> {
        let (db, keys) = sqlite::Sqlite::in_memory()?;
        Ok(Self::over(
            Engine::of("sqlite", Arc::new(db)),
            node_name(),
            keys,
        ))
    }

    /// Connects to the PostgreSQL database at `url` (which must exist) and brings its schema up
    /// to date.
    pub async fn connect(url: &str) -> Result<Store> {
        let node = node_name();
        let db = postgres::Postgres::connect(url, node.clone()).await?;
        let mut store = Self::over(Engine::of("postgres", Arc::new(db)), node, Vec::new());
        // Listening before serving: the prints come from the listener's first listing, and
        // every commit after it is announced.
        let stop = tokio_util::sync::CancellationToken::new();
        let (ready, listening) = tokio::sync::oneshot::channel();
        tokio::spawn(postgres::listen(
            url.to_string(),
            store.node.clone(),
            store.prints.clone(),
            store.foreign.clone(),
            stop.clone(),
            ready,
        ));
        let _stop = StopOnDrop(stop);
        listening
            .await
            .map_err(|_| StoreError::Interrupted("the listener did not start".into()))??;
        store._listening = Some(Arc::new(_stop));
        Ok(store)
    }

    fn over(engine: Engine, node: Arc<str>, keys: Vec<String>) -> Store {
        Store {
            engine,
            durable: Arc::new(durable::Durable::new()),
            prints: Arc::new(prints::Prints::from_keys(keys)),
            models: Arc::new(models::Kept::default()),
            commit_seconds: commit_histogram(),
            loaded: Arc::default(),
            group: Arc::default(),
            node,
            foreign: tokio::sync::broadcast::channel(4096).0,
            _listening: None,
        }
    }

    /// What other nodes sharing this store's database commit, as they commit it (nothing on
    /// SQLite, which one node owns).
    pub fn foreign(&self) -> tokio::sync::broadcast::Receiver<postgres::Foreign> {
        self.foreign.subscribe()
    }

    /// Whether documents samod loaded through this store include `doc_id`.
    pub fn has_loaded(&self, doc_id: &str) -> bool {
        self.loaded
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(doc_id)
    }

    /// The documents samod loaded through this store.
    pub fn loaded_documents(&self) -> Vec<String> {
        self.loaded
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    /// Which engine this store is on: `"sqlite"` or `"postgres"`.
    pub fn engine_name(&self) -> &'static str {
        self.engine.name
    }

    /// The histogram of chunk commits' latency.
    pub fn commit_seconds(&self) -> &prometheus::Histogram {
        &self.commit_seconds
    }

    /// How many documents samod loaded or created through this store since it opened.
    pub fn documents_loaded(&self) -> usize {
        self.loaded.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// The schema version of the open database.
    pub async fn schema_version(&self) -> Result<i64> {
        self.engine.schema.schema_version().await
    }

    /// SQLite's `data_version`: it changes when another connection to the file (a `tiendo`
    /// command beside the server) commits, and not for this store's own commits.
    pub async fn data_version(&self) -> Result<i64> {
        self.engine.schema.data_version().await
    }
}

/// A statement written for PostgreSQL (`$1` parameters) as SQLite reads it (`?1`), for the
/// statements both engines share word for word.
pub(crate) fn lite(sql: &str) -> String {
    sql.replace('$', "?")
}

/// Now, Unix seconds (sessions' clock).
pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// A storage key from its parts, for the store's tests.
#[cfg(test)]
pub(crate) fn test_key(parts: &[&str]) -> samod::storage::StorageKey {
    samod::storage::StorageKey::from_parts(parts).expect("a valid key")
}
