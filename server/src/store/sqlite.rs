//! The SQLite store: samod's chunks and the document catalogue, with numbered migrations.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use automerge::ChangeHash;

use rusqlite::{Connection, OptionalExtension, params};
use samod::storage::StorageKey;
use serde::Serialize;

use crate::error::{Error, Result};

/// Numbered migrations: the schema at version N is migrations 1..=N applied in order. Never
/// edit one that has landed; add a new one.
pub const MIGRATIONS: &[&str] = &[
    // 1: samod's chunks and the catalogue of documents.
    "CREATE TABLE chunks (
        key TEXT PRIMARY KEY NOT NULL,
        data BLOB NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE documents (
        doc_id TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('plan', 'org', 'progress')),
        agency_id TEXT NOT NULL,
        plan_id TEXT,
        unit_id TEXT,
        title TEXT NOT NULL,
        created_at INTEGER NOT NULL DEFAULT (unixepoch())
    );
    CREATE INDEX documents_plan ON documents (plan_id, kind);",
    // 2: accounts and sessions (only the SHA-256 of a session token is kept).
    "CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL
            CHECK (role IN ('unit_editor', 'agency_admin', 'province_viewer', 'system_admin')),
        agency_id TEXT,
        unit_id TEXT,
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL DEFAULT (unixepoch())
    );
    CREATE TABLE sessions (
        token_hash BLOB PRIMARY KEY NOT NULL,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX sessions_user ON sessions (user_id);",
    // 3: the reports generated (for the reporting calendar: was this period's report made?).
    "CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        plan_id TEXT NOT NULL,
        period TEXT NOT NULL CHECK (period IN ('q1', 'h1', 'q3', 'year')),
        kind TEXT NOT NULL CHECK (kind IN ('docx', 'xlsx')),
        as_of TEXT NOT NULL,
        username TEXT,
        generated_at INTEGER NOT NULL DEFAULT (unixepoch())
    );
    CREATE INDEX reports_plan ON reports (plan_id, period);",
];

/// One generated report file (the API's type, from `shared::api`).
pub use tiendo_shared::api::GeneratedReport;

/// What a catalogued document is: the one enum of document kinds, from `shared`.
pub use tiendo_shared::DocKind;

/// A catalogue row: which document is which.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocRecord {
    /// The automerge-repo document id (base58).
    pub doc_id: String,
    /// What it is.
    pub kind: DocKind,
    /// The agency it belongs to.
    pub agency_id: String,
    /// The plan it belongs to (plans: their own id).
    pub plan_id: Option<String>,
    /// For progress documents: the unit.
    pub unit_id: Option<String>,
    /// A human title.
    pub title: String,
}

/// SQLite-backed storage. Cloning shares the connection.
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    durable: Arc<Durable>,
}

/// How many committed change hashes [`Durable`] keeps in memory. The sync layer asks about the
/// heads it is about to announce, which are almost always changes committed moments ago; an
/// older one that has left the window is looked up in SQLite ([`SqliteStore::wait_durable`]).
pub const DURABLE_WINDOW: usize = 50_000;

/// Which changes of each document were committed to SQLite recently, so that the sync layer can
/// hold back a message announcing heads until they are stored (see
/// [`SqliteStore::wait_durable`]). Bounded by [`DURABLE_WINDOW`], oldest first out.
struct Durable {
    recent: Mutex<Recent>,
    version: tokio::sync::watch::Sender<u64>,
}

#[derive(Default)]
struct Recent {
    by_doc: HashMap<String, HashSet<ChangeHash>>,
    order: std::collections::VecDeque<(String, ChangeHash)>,
    /// Documents some of whose committed hashes left the window: only for these is a hash
    /// missing from memory looked up in SQLite (otherwise it is simply not committed yet).
    evicted: HashSet<String>,
}

impl Durable {
    fn new() -> Durable {
        Durable {
            recent: Mutex::default(),
            version: tokio::sync::watch::channel(0).0,
        }
    }

    fn record(&self, doc_id: String, hashes: Vec<ChangeHash>) {
        if hashes.is_empty() {
            return;
        }
        {
            let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
            let Recent {
                by_doc,
                order,
                evicted,
            } = &mut *recent;
            let set = by_doc.entry(doc_id.clone()).or_default();
            for h in hashes {
                if set.insert(h) {
                    order.push_back((doc_id.clone(), h));
                }
            }
            while order.len() > DURABLE_WINDOW {
                let Some((doc, h)) = order.pop_front() else {
                    break;
                };
                evicted.insert(doc.clone());
                if let Some(set) = by_doc.get_mut(&doc) {
                    set.remove(&h);
                    if set.is_empty() {
                        by_doc.remove(&doc);
                    }
                }
            }
        }
        self.version.send_modify(|v| *v += 1);
    }

    /// The hashes of `heads` not known to be committed.
    fn missing(&self, doc_id: &str, heads: &[ChangeHash]) -> Vec<ChangeHash> {
        let recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        let set = recent.by_doc.get(doc_id);
        heads
            .iter()
            .filter(|h| !set.is_some_and(|s| s.contains(h)))
            .copied()
            .collect()
    }

    fn covers(&self, doc_id: &str, heads: &[ChangeHash]) -> bool {
        heads.is_empty() || self.missing(doc_id, heads).is_empty()
    }

    /// Whether some of `doc_id`'s committed hashes left the window.
    fn lost_some(&self, doc_id: &str) -> bool {
        self.recent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .evicted
            .contains(doc_id)
    }

    fn len(&self) -> usize {
        self.recent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .order
            .len()
    }
}

/// The document and the change hashes a stored chunk holds: an incremental chunk names its
/// change in its key; a snapshot is loaded to list its changes.
fn chunk_changes(key: &str, data: &[u8]) -> Option<(String, Vec<ChangeHash>)> {
    let mut parts = key.split('/');
    let (doc, kind, name) = (parts.next()?, parts.next()?, parts.next()?);
    let hashes = match kind {
        "incremental" => match ChangeHash::from_str(name) {
            Ok(h) => vec![h],
            // A chunk of several changes under one key: list them from the bytes.
            Err(_) => all_changes(data),
        },
        "snapshot" => all_changes(data),
        _ => return None,
    };
    Some((doc.to_string(), hashes))
}

fn all_changes(data: &[u8]) -> Vec<ChangeHash> {
    match automerge::Automerge::load(data) {
        Ok(doc) => doc.get_changes(&[]).iter().map(|c| c.hash()).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "a stored chunk does not load");
            Vec::new()
        }
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let conn = Connection::open(path)?;
        Self::init(conn, true)
    }

    /// A store in memory, for tests and throw-away runs.
    pub fn in_memory() -> Result<SqliteStore> {
        Self::init(Connection::open_in_memory()?, false)
    }

    fn init(mut conn: Connection, wal: bool) -> Result<SqliteStore> {
        if wal {
            conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        // FULL: a change acknowledged to a client survives a power cut, not only a crash.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
            durable: Arc::new(Durable::new()),
        })
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
        .map_err(|e| Error::Config(format!("storage task failed: {e}")))?
        .map_err(Error::from)
    }

    /// Records what a document is.
    pub async fn register(&self, rec: DocRecord) -> Result<()> {
        self.blocking(move |c| {
            c.execute(
                "INSERT INTO documents (doc_id, kind, agency_id, plan_id, unit_id, title)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (doc_id) DO UPDATE SET title = excluded.title",
                params![
                    rec.doc_id,
                    rec.kind.as_str(),
                    rec.agency_id,
                    rec.plan_id,
                    rec.unit_id,
                    rec.title
                ],
            )
            .map(|_| ())
        })
        .await
    }

    /// Notes that a report file was generated.
    pub async fn record_report(&self, r: GeneratedReport) -> Result<()> {
        self.blocking(move |c| {
            c.execute(
                "INSERT INTO reports (plan_id, period, kind, as_of, username, generated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    r.plan_id,
                    r.period,
                    r.kind,
                    r.as_of,
                    r.username,
                    r.generated_at
                ],
            )
            .map(|_| ())
        })
        .await
    }

    /// The reports generated for `plan_id`, newest first.
    pub async fn generated_reports(&self, plan_id: &str) -> Result<Vec<GeneratedReport>> {
        let plan_id = plan_id.to_string();
        self.blocking(move |c| {
            let mut stmt = c.prepare(
                "SELECT plan_id, period, kind, as_of, username, generated_at FROM reports
                 WHERE plan_id = ?1 ORDER BY generated_at DESC, id DESC",
            )?;
            let rows = stmt.query_map([plan_id], |r| {
                Ok(GeneratedReport {
                    plan_id: r.get(0)?,
                    period: r.get(1)?,
                    kind: r.get(2)?,
                    as_of: r.get(3)?,
                    username: r.get(4)?,
                    generated_at: r.get(5)?,
                })
            })?;
            rows.collect()
        })
        .await
    }

    /// Every catalogued document, oldest first.
    pub async fn documents(&self) -> Result<Vec<DocRecord>> {
        self.blocking(|c| {
            let mut stmt = c.prepare(
                "SELECT doc_id, kind, agency_id, plan_id, unit_id, title FROM documents ORDER BY rowid",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(DocRecord {
                    doc_id: r.get(0)?,
                    kind: r
                        .get::<_, String>(1)?
                        .parse()
                        .unwrap_or(DocKind::Progress),
                    agency_id: r.get(2)?,
                    plan_id: r.get(3)?,
                    unit_id: r.get(4)?,
                    title: r.get(5)?,
                })
            })?;
            rows.collect()
        })
        .await
    }

    /// Reads a stored document straight from its chunks, without a samod repo (for the CLI,
    /// which may run beside a server).
    pub async fn read_document(&self, doc_id: &str) -> Result<automerge::Automerge> {
        let id = doc_id.to_string();
        let chunks = self
            .blocking(move |c| {
                let (lo, hi) = (format!("{id}/"), format!("{id}0"));
                let mut stmt = c.prepare(
                    "SELECT data FROM chunks WHERE key >= ?1 AND key < ?2
                       AND (instr(key, '/snapshot/') > 0 OR instr(key, '/incremental/') > 0)
                     ORDER BY instr(key, '/snapshot/') DESC, key",
                )?;
                let rows = stmt.query_map(params![lo, hi], |r| r.get::<_, Vec<u8>>(0))?;
                rows.collect::<rusqlite::Result<Vec<_>>>()
            })
            .await?;
        if chunks.is_empty() {
            return Err(Error::NotFound(format!("tài liệu {doc_id}")));
        }
        let mut doc = automerge::Automerge::new();
        for chunk in chunks {
            doc.load_incremental(&chunk)
                .map_err(|e| Error::Shared(tiendo_shared::Error::from(e)))?;
        }
        Ok(doc)
    }

    /// The schema version of the open database.
    pub async fn schema_version(&self) -> Result<i64> {
        self.blocking(|c| c.query_row("PRAGMA user_version", [], |r| r.get(0)))
            .await
    }
}

impl SqliteStore {
    /// Waits until every change in `heads` of `doc_id` is committed to SQLite. `false` if that
    /// did not happen within `timeout`.
    pub async fn wait_durable(
        &self,
        doc_id: &str,
        heads: &[ChangeHash],
        timeout: Duration,
    ) -> bool {
        if self.durable.covers(doc_id, heads) {
            return true;
        }
        // A change committed long ago may have left the in-memory window: SQLite knows. Only
        // then — on the usual path the heads are changes being committed right now, and the
        // lookup would read the document's chunks on every outgoing message.
        if self.durable.lost_some(doc_id) {
            let missing = self.durable.missing(doc_id, heads);
            if self.stored(doc_id, &missing).await {
                self.durable.record(doc_id.to_string(), missing);
                return true;
            }
        }
        let mut version = self.durable.version.subscribe();
        let wait = async {
            loop {
                if self.durable.covers(doc_id, heads) {
                    return;
                }
                if version.changed().await.is_err() {
                    return;
                }
            }
        };
        tokio::time::timeout(timeout, wait).await.is_ok() && self.durable.covers(doc_id, heads)
    }

    /// Whether every change in `hashes` of `doc_id` is in a stored chunk: its own incremental
    /// chunk, or else a snapshot or multi-change chunk that lists it.
    async fn stored(&self, doc_id: &str, hashes: &[ChangeHash]) -> bool {
        let doc = doc_id.to_string();
        let hashes = hashes.to_vec();
        let res = self
            .blocking(move |c| {
                let mut left: Vec<ChangeHash> = Vec::new();
                for h in &hashes {
                    let key = format!("{doc}/incremental/{h}");
                    let found: Option<i64> = c
                        .query_row("SELECT 1 FROM chunks WHERE key = ?1", [key], |r| r.get(0))
                        .optional()?;
                    if found.is_none() {
                        left.push(*h);
                    }
                }
                if left.is_empty() {
                    return Ok(true);
                }
                let (lo, hi) = (format!("{doc}/"), format!("{doc}0"));
                let mut stmt = c.prepare(
                    "SELECT key, data FROM chunks WHERE key >= ?1 AND key < ?2
                     AND (key LIKE '%/snapshot/%' OR key LIKE '%/incremental/%')",
                )?;
                let mut rows = stmt.query(params![lo, hi])?;
                while let Some(row) = rows.next()? {
                    let (key, data): (String, Vec<u8>) = (row.get(0)?, row.get(1)?);
                    if let Some((_, in_chunk)) = chunk_changes(&key, &data) {
                        left.retain(|h| !in_chunk.contains(h));
                    }
                    if left.is_empty() {
                        return Ok(true);
                    }
                }
                Ok(false)
            })
            .await;
        res.unwrap_or(false)
    }

    /// How many committed change hashes the durability record holds in memory.
    pub fn durable_record_len(&self) -> usize {
        self.durable.len()
    }
}

/// Copies the database at `db` to `dest` (which must not exist) with SQLite's online backup API:
/// a consistent copy even while a server is writing to `db`.
pub fn backup(db: &Path, dest: &Path) -> Result<()> {
    if dest.exists() {
        return Err(Error::BadRequest(format!(
            "{} đã tồn tại; chọn tên tệp khác",
            dest.display()
        )));
    }
    if !db.exists() {
        return Err(Error::NotFound(format!("cơ sở dữ liệu {}", db.display())));
    }
    let conn = Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.backup(rusqlite::MAIN_DB, dest, None)?;
    Ok(())
}

/// Checks that `file` is a sound Tiến độ database this program can open.
pub fn check_backup(file: &Path) -> Result<i64> {
    let conn = Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| Error::BadRequest(format!("{}: {e}", file.display())))?;
    let bad = |why: String| {
        Error::BadRequest(format!(
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
        return Err(Error::SchemaTooNew {
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
    drop(SqliteStore::open(db)?);
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let supported = MIGRATIONS.len() as i64;
    if version > supported {
        return Err(Error::SchemaTooNew {
            found: version,
            supported,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
        tracing::info!(version = i + 1, "applied migration");
    }
    Ok(())
}

fn key_string(key: &StorageKey) -> String {
    key.to_string()
}

fn parse_key(s: &str) -> Option<StorageKey> {
    StorageKey::from_parts(s.split('/')).ok()
}

impl samod::storage::Storage for SqliteStore {
    async fn load(&self, key: StorageKey) -> Option<Vec<u8>> {
        let k = key_string(&key);
        let res = self
            .blocking(move |c| {
                c.query_row("SELECT data FROM chunks WHERE key = ?1", [k], |r| r.get(0))
                    .optional()
            })
            .await;
        res.unwrap_or_else(|e| {
            tracing::error!(error = %e, %key, "storage load failed");
            None
        })
    }

    async fn load_range(&self, prefix: StorageKey) -> HashMap<StorageKey, Vec<u8>> {
        let p = key_string(&prefix);
        let res = self
            .blocking(move |c| {
                // Keys under "a/b" sort between "a/b/" and "a/b0" ('0' follows '/').
                let (lo, hi) = (format!("{p}/"), format!("{p}0"));
                let mut stmt = c.prepare(
                    "SELECT key, data FROM chunks WHERE key = ?1 OR (key >= ?2 AND key < ?3)",
                )?;
                let rows = stmt.query_map(params![p, lo, hi], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
                })?;
                rows.collect::<rusqlite::Result<Vec<_>>>()
            })
            .await;
        match res {
            Ok(rows) => {
                // What was loaded is stored: remember it as durable.
                let durable = self.durable.clone();
                tokio::task::spawn_blocking(move || {
                    for (k, v) in &rows {
                        if let Some((doc, hashes)) = chunk_changes(k, v) {
                            durable.record(doc, hashes);
                        }
                    }
                    rows.into_iter()
                        .filter_map(|(k, v)| parse_key(&k).map(|k| (k, v)))
                        .collect()
                })
                .await
                .unwrap_or_default()
            }
            Err(e) => {
                tracing::error!(error = %e, %prefix, "storage range load failed");
                HashMap::new()
            }
        }
    }

    async fn put(&self, key: StorageKey, data: Vec<u8>) {
        let k = key_string(&key);
        let conn = self.conn.clone();
        let durable = self.durable.clone();
        let res = tokio::task::spawn_blocking(move || {
            // Listed before taking the connection, so a large snapshot does not hold up writers.
            let changes = chunk_changes(&k, &data);
            let guard = conn.lock().unwrap_or_else(|p| p.into_inner());
            guard.execute(
                "INSERT INTO chunks (key, data) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET data = excluded.data",
                params![k, data],
            )?;
            drop(guard);
            // Committed (synchronous = FULL): only now may the change be acknowledged.
            if let Some((doc, hashes)) = changes {
                durable.record(doc, hashes);
            }
            Ok::<_, rusqlite::Error>(())
        })
        .await;
        let res = match res {
            Ok(r) => r.map_err(Error::from),
            Err(e) => Err(Error::Config(format!("storage task failed: {e}"))),
        };
        if let Err(e) = res {
            // samod's storage interface cannot report failure; going on would acknowledge a
            // change that is not stored, so stop here instead.
            tracing::error!(error = %e, %key, "storage write failed");
            panic!("storage write failed for {key}: {e}");
        }
    }

    async fn delete(&self, key: StorageKey) {
        let k = key_string(&key);
        if let Err(e) = self
            .blocking(move |c| {
                c.execute("DELETE FROM chunks WHERE key = ?1", [k])
                    .map(|_| ())
            })
            .await
        {
            tracing::error!(error = %e, %key, "storage delete failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use samod::storage::Storage;

    fn key(parts: &[&str]) -> StorageKey {
        StorageKey::from_parts(parts).unwrap()
    }

    #[tokio::test]
    async fn range_loads_only_keys_under_the_prefix() {
        let s = SqliteStore::in_memory().unwrap();
        s.put(key(&["doc1", "incremental", "a"]), vec![1]).await;
        s.put(key(&["doc1", "snapshot", "b"]), vec![2]).await;
        s.put(key(&["doc10", "incremental", "c"]), vec![3]).await;
        let got = s.load_range(key(&["doc1"])).await;
        assert_eq!(got.len(), 2);
        assert_eq!(
            s.load(key(&["doc10", "incremental", "c"])).await,
            Some(vec![3])
        );
        s.delete(key(&["doc1", "snapshot", "b"])).await;
        assert_eq!(s.load_range(key(&["doc1"])).await.len(), 1);
    }

    #[tokio::test]
    async fn the_durability_record_is_bounded_and_older_changes_are_found_in_sqlite() {
        let s = SqliteStore::in_memory().unwrap();
        let mut doc = automerge::AutoCommit::new();
        automerge::transaction::Transactable::put(&mut doc, automerge::ROOT, "k", 1).unwrap();
        let change = doc.get_last_local_change().unwrap();
        let hash = change.hash();
        s.put(
            key(&["doc1", "incremental", &hash.to_string()]),
            change.raw_bytes().to_vec(),
        )
        .await;
        let patience = Duration::from_millis(200);
        assert!(s.durable.covers("doc1", &[hash]));
        // Enough later commits to push it out of the window.
        let filler: Vec<ChangeHash> = (0..DURABLE_WINDOW as u32 + 10)
            .map(|i| {
                let mut b = [0u8; 32];
                b[..4].copy_from_slice(&i.to_be_bytes());
                ChangeHash(b)
            })
            .collect();
        s.durable.record("doc2".into(), filler);
        assert_eq!(s.durable_record_len(), DURABLE_WINDOW);
        assert!(!s.durable.covers("doc1", &[hash]), "left the window");
        assert!(
            s.wait_durable("doc1", &[hash], patience).await,
            "found in SQLite"
        );
        assert!(s.durable.covers("doc1", &[hash]), "and remembered again");
        assert!(
            !s.wait_durable("doc1", &[ChangeHash([7; 32])], patience)
                .await,
            "a change never stored is not durable"
        );
    }

    #[tokio::test]
    async fn reading_a_document_skips_the_saved_sync_states_beside_it() {
        let s = SqliteStore::in_memory().unwrap();
        let mut doc = automerge::AutoCommit::new();
        automerge::transaction::Transactable::put(&mut doc, automerge::ROOT, "k", 1).unwrap();
        s.put(key(&["doc1", "snapshot", "x"]), doc.save()).await;
        s.put(
            key(&["doc1", "sync-state", "tablet-1"]),
            automerge::sync::State::new().encode(),
        )
        .await;
        let read = s.read_document("doc1").await.expect("reads");
        assert_eq!(read.get_heads(), doc.get_heads());
    }

    #[test]
    fn migrations_apply_once_and_reopen_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite");
        drop(SqliteStore::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
        drop(conn);
        // Reopening applies nothing again (a second CREATE TABLE would fail).
        drop(SqliteStore::open(&path).unwrap());
    }

    #[test]
    fn a_newer_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite");
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        assert!(matches!(
            SqliteStore::open(&path),
            Err(Error::SchemaTooNew { found: 99, .. })
        ));
    }
}
