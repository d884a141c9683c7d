//! Proof of possession: per evidence file, the users who sent the server its bytes — an upload
//! whose bytes hashed as declared, or a bundle file of theirs that did — and the progress
//! document each sent it for, so a file is never had by knowing its SHA-256 alone.
//!
//! Stage: *the store*, written when an upload finishes ([`super::files`], in the same
//! transaction that adopts the bytes) and by the bundle import; read by the file access rule
//! (`file_access`) before any byte is served. User 0 with no document stands for "held
//! before possession was recorded" (migration 11 seeds it for stored files no finished upload
//! names any more).

use super::{Result, Store};

/// The user id that stands for a file stored before possession was recorded.
pub const HELD_BEFORE: i64 = 0;

/// One proof: `user_id` sent the file's bytes for progress document `doc_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// The user (`users.id`), or [`HELD_BEFORE`].
    pub user_id: i64,
    /// The progress document the bytes were sent for (empty for [`HELD_BEFORE`]).
    pub doc_id: String,
}

/// Records a proof, once (both engines; SQLite's `INSERT OR IGNORE` is this `ON CONFLICT`).
pub(crate) const RECORD: &str = "INSERT INTO file_possession (sha256, user_id, doc_id)
                                 VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
/// The proofs of a file (both engines).
pub(crate) const OF_FILE: &str = "SELECT user_id, doc_id FROM file_possession WHERE sha256 = $1
                                  ORDER BY user_id, doc_id";

/// The contract of the proofs of possession.
#[async_trait::async_trait]
pub(crate) trait Possession: Send + Sync {
    /// Records that `user_id` sent the bytes of `sha256` for `doc_id`.
    async fn record(&self, sha256: String, user_id: i64, doc_id: String) -> Result<()>;
    /// The proofs of `sha256`, by user and document.
    async fn of(&self, sha256: String) -> Result<Vec<Holder>>;
}

impl Store {
    /// Records that `user_id` proved it holds the bytes of `sha256`, sent for `doc_id` (a
    /// bundle's file that hashed as its manifest says, the server holding it already).
    pub async fn record_possession(&self, sha256: &str, user_id: i64, doc_id: &str) -> Result<()> {
        self.engine
            .possession
            .record(sha256.to_string(), user_id, doc_id.to_string())
            .await
    }

    /// Who proved they hold the bytes of `sha256`, and for which documents ([`HELD_BEFORE`]
    /// among them for a file stored before possession was recorded).
    pub async fn possessors(&self, sha256: &str) -> Result<Vec<Holder>> {
        self.engine.possession.of(sha256.to_string()).await
    }
}
