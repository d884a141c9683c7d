//! The store the integration suite runs on: each data directory's SQLite file (the default), or,
//! with `TIENDO_TEST_STORE=postgres://user@host:port` (set by `scripts/test`'s second pass), a
//! PostgreSQL database of the data directory's own, made on first use. Every server a test starts
//! — in process ([`crate::TestServer`]) or as a process ([`crate::process::RealServer`], the CLI) —
//! is pointed at it, so a restart or a kill finds the same store.
//!
//! [`Db`] is the tests' raw access to that store (to expire a session, tear a chunk, count rows),
//! the same statements on either engine.

use std::hash::{Hash, Hasher};
use std::path::Path;

/// Whether this run's servers store in PostgreSQL.
pub fn on_postgres() -> bool {
    base_url().is_some()
}

/// For a test that proves something only PostgreSQL makes possible (several nodes on one
/// database, migrating between engines): such a test is `#[ignore = "needs PostgreSQL …"]`, so
/// the SQLite pass counts it as skipped rather than passed, and `scripts/test`'s PostgreSQL pass
/// runs it with `--include-ignored`. Run without a cluster, it fails and says why.
pub fn needs_postgres() {
    assert!(
        on_postgres(),
        "needs TIENDO_TEST_STORE=postgres://… (scripts/test's PostgreSQL pass sets it)"
    );
}

fn base_url() -> Option<String> {
    std::env::var("TIENDO_TEST_STORE")
        .ok()
        .filter(|s| s.starts_with("postgres"))
}

/// Runs `f` to completion on a runtime of its own, on a thread of its own (callable from sync
/// tests and from inside another runtime alike).
fn on_own_runtime<T: Send + 'static>(
    f: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(f)
    })
    .join()
    .expect("the store task ran")
}

/// The `store` setting of the servers over `data_dir`: `None` (its SQLite file) or the URL of
/// its own PostgreSQL database, created if needed.
pub fn store_setting(data_dir: &Path) -> Option<String> {
    let base = base_url()?;
    // The data directory names the database: same directory, same store, across restarts.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    data_dir.hash(&mut h);
    let url = format!("{}/t_{:016x}", base.trim_end_matches('/'), h.finish());
    // Made once per process: every server start and CLI call over the directory asks again.
    static MADE: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut made = MADE.lock().unwrap_or_else(|p| p.into_inner());
    if !made.contains(&url) {
        let create = url.clone();
        on_own_runtime(
            async move { tiendo_server::store::postgres::ensure_database(&create).await },
        )
        .unwrap_or_else(|e| panic!("the test database {url}: {e}"));
        made.push(url.clone());
    }
    Some(url)
}

/// The `TIENDO_STORE` variable for a `tiendo` process over `data_dir` (none on SQLite).
pub fn store_env(data_dir: &Path) -> Vec<(String, String)> {
    store_setting(data_dir)
        .map(|url| vec![("TIENDO_STORE".to_string(), url)])
        .unwrap_or_default()
}

/// The address of the store of the servers over `data_dir`.
pub fn store_address(data_dir: &Path) -> tiendo_server::store::Address {
    match store_setting(data_dir) {
        Some(url) => tiendo_server::store::Address::Postgres(url),
        None => tiendo_server::store::Address::Sqlite(data_dir.join("tiendo.sqlite")),
    }
}

/// Opens the store of the servers over `data_dir` (with none of them running, or beside one).
pub async fn open_store(data_dir: &Path) -> tiendo_server::Store {
    tiendo_server::Store::open_at(&store_address(data_dir))
        .await
        .expect("the store opens")
}

/// A value in or out of a row: the types the schema uses.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// NULL.
    Null,
    /// INTEGER / BIGINT (and PostgreSQL's BOOLEAN, as 0 or 1).
    Int(i64),
    /// TEXT.
    Text(String),
    /// BLOB / BYTEA.
    Bytes(Vec<u8>),
}

impl Val {
    /// The integer; panics on another type.
    pub fn int(&self) -> i64 {
        match self {
            Val::Int(i) => *i,
            v => panic!("not an integer: {v:?}"),
        }
    }

    /// The text; panics on another type.
    pub fn text(&self) -> &str {
        match self {
            Val::Text(s) => s,
            v => panic!("not text: {v:?}"),
        }
    }

    /// The bytes; panics on another type.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Val::Bytes(b) => b,
            v => panic!("not bytes: {v:?}"),
        }
    }
}

impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::Int(v)
    }
}

impl From<&str> for Val {
    fn from(v: &str) -> Val {
        Val::Text(v.to_string())
    }
}

impl From<String> for Val {
    fn from(v: String) -> Val {
        Val::Text(v)
    }
}

impl From<Vec<u8>> for Val {
    fn from(v: Vec<u8>) -> Val {
        Val::Bytes(v)
    }
}

/// Raw statements on the store of the servers over a data directory. Statements are written
/// with `$1`-style parameters in the SQL both engines read (`ON CONFLICT … DO UPDATE`, `LIKE`).
pub struct Db {
    address: tiendo_server::store::Address,
}

impl Db {
    /// The store of the servers over `data_dir`.
    pub fn of(data_dir: &Path) -> Db {
        Db {
            address: store_address(data_dir),
        }
    }

    /// Runs `sql`; the rows it changed.
    pub fn execute(&self, sql: &str, params: &[Val]) -> u64 {
        self.run(sql, params, false).0
    }

    /// The rows `sql` returns.
    pub fn rows(&self, sql: &str, params: &[Val]) -> Vec<Vec<Val>> {
        self.run(sql, params, true).1
    }

    /// The first column of the one row `sql` returns.
    pub fn one(&self, sql: &str, params: &[Val]) -> Val {
        let rows = self.rows(sql, params);
        assert_eq!(rows.len(), 1, "one row from {sql}: {rows:?}");
        rows[0][0].clone()
    }

    fn run(&self, sql: &str, params: &[Val], query: bool) -> (u64, Vec<Vec<Val>>) {
        match &self.address {
            tiendo_server::store::Address::Sqlite(path) => {
                sqlite(path, &sql.replace('$', "?"), params, query)
            }
            tiendo_server::store::Address::Postgres(url) => {
                let (url, sql, params) = (url.clone(), sql.to_string(), params.to_vec());
                on_own_runtime(async move { postgres(&url, &sql, &params, query).await })
            }
        }
    }
}

fn sqlite(path: &Path, sql: &str, params: &[Val], query: bool) -> (u64, Vec<Vec<Val>>) {
    use rusqlite::types::{Value, ValueRef};
    let conn = rusqlite::Connection::open(path).expect("the SQLite file opens");
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .expect("busy timeout");
    let params: Vec<Value> = params
        .iter()
        .map(|v| match v {
            Val::Null => Value::Null,
            Val::Int(i) => Value::Integer(*i),
            Val::Text(s) => Value::Text(s.clone()),
            Val::Bytes(b) => Value::Blob(b.clone()),
        })
        .collect();
    let mut stmt = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    if !query {
        let n = stmt
            .execute(rusqlite::params_from_iter(params))
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        return (n as u64, Vec::new());
    }
    let columns = stmt.column_count();
    let mut rows = stmt
        .query(rusqlite::params_from_iter(params))
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let mut out = Vec::new();
    while let Some(r) = rows.next().expect("a row") {
        out.push(
            (0..columns)
                .map(|i| match r.get_ref(i).expect("a column") {
                    ValueRef::Null => Val::Null,
                    ValueRef::Integer(i) => Val::Int(i),
                    ValueRef::Real(f) => Val::Int(f as i64),
                    ValueRef::Text(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Val::Bytes(b.to_vec()),
                })
                .collect(),
        );
    }
    (0, out)
}

async fn postgres(url: &str, sql: &str, params: &[Val], query: bool) -> (u64, Vec<Vec<Val>>) {
    use tokio_postgres::types::{ToSql, Type};
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("connect {url}: {e}"));
    tokio::spawn(connection);
    let stmt = client
        .prepare(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let owned: Vec<Box<dyn ToSql + Sync + Send>> = params
        .iter()
        .zip(stmt.params())
        .map(|(v, ty)| -> Box<dyn ToSql + Sync + Send> {
            match v {
                Val::Null => Box::new(None::<i64>),
                Val::Int(i) if *ty == Type::BOOL => Box::new(*i != 0),
                Val::Int(i) => Box::new(*i),
                Val::Text(s) => Box::new(s.clone()),
                Val::Bytes(b) => Box::new(b.clone()),
            }
        })
        .collect();
    let refs: Vec<&(dyn ToSql + Sync)> = owned
        .iter()
        .map(|b| b.as_ref() as &(dyn ToSql + Sync))
        .collect();
    if !query {
        let n = client
            .execute(&stmt, &refs)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        return (n, Vec::new());
    }
    let rows = client
        .query(&stmt, &refs)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let out = rows
        .iter()
        .map(|r| {
            r.columns()
                .iter()
                .enumerate()
                .map(|(i, c)| match *c.type_() {
                    Type::INT8 => r.get::<_, Option<i64>>(i).map_or(Val::Null, Val::Int),
                    Type::INT4 => r
                        .get::<_, Option<i32>>(i)
                        .map_or(Val::Null, |v| Val::Int(v.into())),
                    Type::BOOL => r
                        .get::<_, Option<bool>>(i)
                        .map_or(Val::Null, |v| Val::Int(v.into())),
                    Type::BYTEA => r.get::<_, Option<Vec<u8>>>(i).map_or(Val::Null, Val::Bytes),
                    _ => r.get::<_, Option<String>>(i).map_or(Val::Null, Val::Text),
                })
                .collect()
        })
        .collect();
    (0, out)
}

/// Copies the store of the servers over `from` (stopped, or running) to that of `to`, the way an
/// operator backs up and restores: `tiendo backup` + `tiendo restore`'s functions on SQLite,
/// `pg_dump -Fc` + `pg_restore` on PostgreSQL (the README's "Scaling").
pub fn backup_and_restore(from: &Path, to: &Path) {
    match (store_address(from), store_address(to)) {
        (
            tiendo_server::store::Address::Sqlite(src),
            tiendo_server::store::Address::Sqlite(dest),
        ) => {
            let copy = to.join("backup.copy");
            tiendo_server::store::backup(&src, &copy).expect("backup");
            tiendo_server::store::restore(&dest, &copy).expect("restore");
        }
        (
            tiendo_server::store::Address::Postgres(src),
            tiendo_server::store::Address::Postgres(dest),
        ) => {
            let dump = to.join("backup.dump");
            let out = std::process::Command::new("pg_dump")
                .args(["-Fc", "-f"])
                .arg(&dump)
                .arg(format!("--dbname={src}"))
                .output()
                .expect("pg_dump runs");
            assert!(
                out.status.success(),
                "pg_dump: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let out = std::process::Command::new("pg_restore")
                .args(["--no-owner", "--exit-on-error"])
                .arg(format!("--dbname={dest}"))
                .arg(&dump)
                .output()
                .expect("pg_restore runs");
            assert!(
                out.status.success(),
                "pg_restore: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        (a, b) => panic!("one engine for both: {a} and {b}"),
    }
}

/// Copies the store of the (stopped) servers over `from` to `to`: nothing on SQLite (the file is
/// in the data directory, copied with it), `CREATE DATABASE … TEMPLATE …` on PostgreSQL.
pub fn copy_store(from: &Path, to: &Path) {
    let (Some(src), Some(dest)) = (store_setting(from), base_url()) else {
        return;
    };
    let name = |url: &str| url.rsplit('/').next().unwrap_or_default().to_string();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    to.hash(&mut h);
    let (src_db, dest_db) = (name(&src), format!("t_{:016x}", h.finish()));
    let admin = format!("{}/postgres", dest.trim_end_matches('/'));
    on_own_runtime(async move {
        let (client, connection) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
            .await
            .expect("the cluster answers");
        tokio::spawn(connection);
        // The source's servers are stopped; what they left open (a pool, the listener of a
        // library still in memory) is closed here, and may take a moment to go.
        for attempt in 0.. {
            let _ = client
                .execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                     WHERE datname = $1 AND pid <> pg_backend_pid()",
                    &[&src_db],
                )
                .await;
            let made = async {
                client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS \"{dest_db}\""))
                    .await?;
                client
                    .batch_execute(&format!(
                        "CREATE DATABASE \"{dest_db}\" TEMPLATE \"{src_db}\""
                    ))
                    .await
            };
            match made.await {
                Ok(()) => return,
                Err(e) if attempt < 50 => {
                    let _ = e;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(e) => {
                    let who = client
                        .query(
                            "SELECT application_name, state, query FROM pg_stat_activity
                             WHERE datname = $1",
                            &[&src_db],
                        )
                        .await
                        .map(|rows| {
                            rows.iter()
                                .map(|r| {
                                    format!(
                                        "{:?}",
                                        (
                                            r.get::<_, Option<String>>(1),
                                            r.get::<_, Option<String>>(2)
                                        )
                                    )
                                })
                                .collect::<Vec<_>>()
                        });
                    panic!("copying database {src_db}: {e:?}; connected: {who:?}")
                }
            }
        }
    });
}
