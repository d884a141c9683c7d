//! The conformance suite: one set of behaviours every engine must show, each a function run
//! against SQLite (a temporary file, always) and against PostgreSQL (a fresh database of the
//! server `TIENDO_TEST_STORE` names). The PostgreSQL runs are `#[ignore]`d so a run without a
//! server does not count them as passed; `scripts/test`'s PostgreSQL pass runs them with
//! `--ignored`, and one run without `TIENDO_TEST_STORE` fails loudly.
//!
//! Stage: *the store*, tested through the facade ([`Store`]) and, where a contract says more
//! than the facade shows, through the trait objects it holds.

mod accounts;
mod chunks;
mod files;
mod records;

use super::Store;

/// Where a test's store is: a SQLite file (in its temporary directory) or a PostgreSQL URL.
pub(super) enum Place {
    Sqlite(tempfile::TempDir),
    Postgres(String),
}

impl Place {
    /// A new SQLite file.
    pub(super) fn sqlite() -> Place {
        Place::Sqlite(tempfile::tempdir().expect("a temporary directory"))
    }

    /// A new database on the PostgreSQL server `TIENDO_TEST_STORE` names.
    pub(super) async fn postgres() -> Place {
        let base = std::env::var("TIENDO_TEST_STORE")
            .ok()
            .filter(|s| s.starts_with("postgres"))
            .expect(
                "the PostgreSQL conformance tests need TIENDO_TEST_STORE=postgres://… \
                 (scripts/test's PostgreSQL pass sets it)",
            );
        let url = format!(
            "{}/conformance_{:016x}",
            base.trim_end_matches('/'),
            rand::random::<u64>()
        );
        super::postgres::ensure_database(&url)
            .await
            .unwrap_or_else(|e| panic!("the test database {url}: {e}"));
        Place::Postgres(url)
    }

    /// Opens the store here (again: a reopening sees what was committed before).
    pub(super) async fn open(&self) -> Store {
        match self {
            Place::Sqlite(dir) => Store::open(&dir.path().join("t.sqlite")),
            Place::Postgres(url) => Store::connect(url).await,
        }
        .expect("the store opens")
    }
}

/// Runs each named behaviour (an `async fn(&Place)` of the module) on SQLite and, ignored
/// unless asked for, on PostgreSQL; on a current-thread runtime, as the store's tests always
/// were (what a test queues is queued before the group commit runs).
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(&crate::store::conformance::Place::sqlite()).await
                }
            )*
        }

        mod on_postgres {
            $(
                #[tokio::test]
                #[ignore = "needs PostgreSQL (TIENDO_TEST_STORE)"]
                async fn $name() {
                    super::$name(&crate::store::conformance::Place::postgres().await).await
                }
            )*
        }
    };
}

pub(super) use on_both_engines;

/// A storage key from its parts.
pub(super) fn key(parts: &[&str]) -> samod::storage::StorageKey {
    super::test_key(parts)
}

/// Waits until the attestations queued so far are committed: a chunk written now is
/// acknowledged only after the commit that carries them (or a later one). (Their queue empties
/// when a commit takes them, before it is done: on PostgreSQL a reader on another connection
/// does not see them in between.)
pub(super) async fn settled(store: &Store) {
    use samod::storage::Storage;
    store
        .put(key(&["settled", "sync-state", "conformance"]), vec![0])
        .await;
}
