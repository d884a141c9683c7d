//! Storage: where synced documents rest, and what the server keeps beside them.
//!
//! Stage: *the store*, after the hub has merged a change and before it is acknowledged. One
//! [`Store`] over one of two engines ([`Engine`]): a SQLite file (WAL, `synchronous = FULL`), the
//! embedded default, or a PostgreSQL database several nodes share ([`postgres`]). Each concern's
//! module holds both engines' statements side by side, so they change together:
//!
//! - [`chunks`]: samod's document chunks, through the [`samod::storage::Storage`] key/value trait,
//!   committed in groups (the chunks written at the same time share one transaction);
//! - [`durable`]: which changes are committed, so the sync layer announces only those, and
//!   [`attest`] who delivered each change and when (committed with the chunks);
//! - [`prints`]: each document's fingerprint of stored chunks, and [`models`] the models (and
//!   reporting steps) hydrated from exactly those chunks, so a restart need not hydrate again;
//! - [`catalogue`]: which document is which (plan, organisation, a unit's progress);
//! - [`users`]: accounts and sessions (the rules are in [`crate::domain::accounts`]), and [`throttle`]
//!   the failed sign-ins the login throttle counts;
//! - [`reports`]: which report files were generated, for the reporting calendar, and [`counts`]
//!   the figures every node adds to (refused writes);
//! - [`files`]: evidence files by SHA-256, and the uploads under way; [`possession`] who proved
//!   they hold a file's bytes;
//! - [`migrations`]: the numbered schema, and [`backups`] a consistent copy and its restore
//!   (SQLite; PostgreSQL has `pg_dump`);
//! - [`copy`]: every row from one store to another (`tiendo migrate-store`).
//!
//! Tests and throw-away runs use the same code on an in-memory SQLite database
//! ([`Store::in_memory`]).

pub mod attest;
pub mod audit;
pub mod backups;
pub mod catalogue;
pub mod chunks;
pub mod copy;
pub mod counts;
pub mod durable;
pub mod files;
pub mod keys;
pub mod migrations;
pub mod models;
pub mod possession;
pub mod postgres;
pub mod prints;
pub mod receipts;
pub mod reports;
pub mod throttle;
pub mod users;

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

pub use backups::{backup, check_backup, restore};
pub use catalogue::{DocKind, DocRecord};
pub use migrations::MIGRATIONS;
pub use reports::GeneratedReport;

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

/// Where a store's rows are: the engine and its connection(s).
#[derive(Clone)]
pub(crate) enum Engine {
    /// One SQLite connection (the file's writer; statements run on blocking threads).
    Sqlite(Arc<Mutex<Connection>>),
    /// A pool of PostgreSQL connections.
    Postgres(deadpool_postgres::Pool),
}

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

/// The server's storage. Cloning shares the connection (or the pool).
#[derive(Clone)]
pub struct Store {
    engine: Engine,
    durable: Arc<durable::Durable>,
    prints: Arc<prints::Prints>,
    models: Arc<models::Kept>,
    /// How long each chunk's commit took ([`crate::metrics`]).
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
        let conn = Connection::open(path)?;
        Self::init(conn, true)
    }

    /// Connects to the PostgreSQL database at `url` (which must exist) and brings its schema up
    /// to date.
    pub async fn connect(url: &str) -> Result<Store> {
        let pool = postgres::pool(url)?;
        postgres::migrate(&pool).await?;
        let mut store = Self::over(Engine::Postgres(pool), Vec::new());
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
        match self.engine {
            Engine::Sqlite(_) => "sqlite",
            Engine::Postgres(_) => "postgres",
        }
    }

    /// A store in memory, for tests and throw-away runs.
    pub fn in_memory() -> Result<Store> {
        Self::init(Connection::open_in_memory()?, false)
    }

    fn init(mut conn: Connection, wal: bool) -> Result<Store> {
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
        Ok(Self::over(Engine::Sqlite(Arc::new(Mutex::new(conn))), keys))
    }

    fn over(engine: Engine, keys: Vec<String>) -> Store {
        Store {
            engine,
            durable: Arc::new(durable::Durable::new()),
            prints: Arc::new(prints::Prints::from_keys(keys)),
            models: Arc::new(models::Kept::default()),
            commit_seconds: crate::metrics::commit_histogram(),
            loaded: Arc::default(),
            group: Arc::default(),
            node: format!("{:016x}", rand::random::<u64>()).into(),
            foreign: tokio::sync::broadcast::channel(4096).0,
            _listening: None,
        }
    }

    /// The histogram of chunk commits' latency.
    pub fn commit_seconds(&self) -> &prometheus::Histogram {
        &self.commit_seconds
    }

    /// How many documents samod loaded or created through this store since it opened.
    pub fn documents_loaded(&self) -> usize {
        self.loaded.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Runs `f` on the SQLite connection from a blocking thread, off the async workers.
    pub(crate) async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T> {
        let Engine::Sqlite(conn) = &self.engine else {
            return Err(StoreError::Unsupported(
                "câu lệnh SQLite trên kho PostgreSQL".into(),
            ));
        };
        let conn = conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Interrupted(e.to_string()))?
        .map_err(StoreError::from)
    }
}

/// A statement written for PostgreSQL (`$1` parameters) as SQLite reads it (`?1`), for the
/// statements both engines share word for word.
pub(crate) fn lite(sql: &str) -> String {
    sql.replace('$', "?")
}

/// A PostgreSQL connection from the pool.
pub(crate) async fn pg(pool: &deadpool_postgres::Pool) -> Result<deadpool_postgres::Object> {
    pool.get().await.map_err(|e| match e {
        deadpool_postgres::PoolError::Backend(e) => StoreError::Postgres(e),
        e => StoreError::Pool(e.to_string()),
    })
}

/// A storage key from its parts, for the store's tests.
#[cfg(test)]
pub(crate) fn test_key(parts: &[&str]) -> samod::storage::StorageKey {
    samod::storage::StorageKey::from_parts(parts).expect("a valid key")
}
