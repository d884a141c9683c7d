//! Proof of possession: per evidence file, the users who sent the server its bytes — an upload
//! whose bytes hashed as declared, or a bundle file of theirs that did — and the progress
//! document each sent it for, so a file is never had by knowing its SHA-256 alone.
//!
//! Stage: *the store*, written when an upload finishes ([`super::files`], in the same
//! transaction that adopts the bytes) and by the bundle import; read by the file access rule
//! ([`crate::domain::file_access`]) before any byte is served. User 0 with no document stands for "held
//! before possession was recorded" (migration 11 seeds it for stored files no finished upload
//! names any more).

use rusqlite::params;

use super::{Engine, Result, Store, pg};

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

/// Records that `user_id` sent the bytes of `sha256` for `doc_id` (inside an upload's finishing
/// transaction).
pub(super) fn record_sqlite(
    tx: &rusqlite::Transaction<'_>,
    sha256: &str,
    user_id: i64,
    doc_id: &str,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO file_possession (sha256, user_id, doc_id) VALUES (?1, ?2, ?3)",
        params![sha256, user_id, doc_id],
    )
    .map(|_| ())
}

/// [`record_sqlite`] on PostgreSQL.
pub(super) async fn record_postgres(
    tx: &deadpool_postgres::Transaction<'_>,
    sha256: &str,
    user_id: i64,
    doc_id: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO file_possession (sha256, user_id, doc_id) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
        &[&sha256, &user_id, &doc_id],
    )
    .await?;
    Ok(())
}

impl Store {
    /// Records that `user_id` proved it holds the bytes of `sha256`, sent for `doc_id` (a
    /// bundle's file that hashed as its manifest says, the server holding it already).
    pub async fn record_possession(&self, sha256: &str, user_id: i64, doc_id: &str) -> Result<()> {
        let (sha256, doc_id) = (sha256.to_string(), doc_id.to_string());
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    let tx = c.transaction()?;
                    record_sqlite(&tx, &sha256, user_id, &doc_id)?;
                    tx.commit()
                })
                .await
            }
            Engine::Postgres(pool) => {
                let mut c = pg(pool).await?;
                let tx = c.transaction().await?;
                record_postgres(&tx, &sha256, user_id, &doc_id).await?;
                Ok(tx.commit().await?)
            }
        }
    }

    /// Who proved they hold the bytes of `sha256`, and for which documents ([`HELD_BEFORE`]
    /// among them for a file stored before possession was recorded).
    pub async fn possessors(&self, sha256: &str) -> Result<Vec<Holder>> {
        let sha256 = sha256.to_string();
        const SQL: &str = "SELECT user_id, doc_id FROM file_possession WHERE sha256 = $1 ORDER BY user_id, doc_id";
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    let mut stmt = c.prepare_cached(&super::lite(SQL))?;
                    let rows = stmt.query_map([sha256], |r| {
                        Ok(Holder {
                            user_id: r.get(0)?,
                            doc_id: r.get(1)?,
                        })
                    })?;
                    rows.collect()
                })
                .await
            }
            Engine::Postgres(pool) => Ok(pg(pool)
                .await?
                .query(SQL, &[&sha256])
                .await?
                .into_iter()
                .map(|r| Holder {
                    user_id: r.get(0),
                    doc_id: r.get(1),
                })
                .collect()),
        }
    }
}
