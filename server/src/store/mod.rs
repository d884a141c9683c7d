//! Storage: where synced documents rest.
//!
//! Stage: *SQLite*, after the hub has merged a change and before it is acknowledged. samod asks
//! a key/value [`samod::Storage`] to keep document chunks; [`SqliteStore`] keeps them in one SQLite
//! file (WAL, `synchronous = FULL`), beside the catalogue of which document is which (plan,
//! organisation, a unit's progress). Tests and throw-away runs use the same code on an in-memory
//! SQLite database ([`SqliteStore::in_memory`]).

mod sqlite;

pub use sqlite::{
    DocKind, DocRecord, GeneratedReport, MIGRATIONS, SqliteStore, backup, check_backup, restore,
};
