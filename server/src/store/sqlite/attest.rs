//! [`Attestations`] on SQLite, and their writing inside the chunks' transaction.
//!
//! Stage: *the store*, under the facade's `attest` methods when the store is a SQLite file.

use rusqlite::params;

use super::Sqlite;
use crate::store::Result;
use crate::store::attest::{Attestations, Attested, COLUMNS, from_columns};

/// Writes `batch` inside the chunks' transaction `tx` (the first delivery stands).
pub(super) fn insert(tx: &rusqlite::Transaction<'_>, batch: &[Attested]) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT OR IGNORE INTO change_attestations
             (doc_id, hash, user_id, username, received_at, via, signed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for a in batch {
        stmt.execute(params![
            a.doc_id,
            a.hash.0.as_slice(),
            a.user_id,
            a.username,
            a.received_at,
            a.via.as_str(),
            a.via.signed_at()
        ])?;
    }
    Ok(())
}

/// A row of [`COLUMNS`] (`None`: a hash that is not one).
fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<Attested>> {
    Ok(from_columns(
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

#[async_trait::async_trait]
impl Attestations for Sqlite {
    async fn attested(&self, doc_id: String, hashes: Vec<Vec<u8>>) -> Result<Vec<Attested>> {
        self.blocking(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM change_attestations WHERE doc_id = ?1 AND hash = ?2"
            ))?;
            let mut rows = Vec::new();
            for k in &hashes {
                let mut q = stmt.query(params![doc_id, k])?;
                if let Some(r) = q.next()? {
                    rows.push(row(r)?);
                }
            }
            Ok(rows.into_iter().flatten().collect())
        })
        .await
    }

    async fn attestations_of(&self, doc_ids: Vec<String>) -> Result<Vec<Attested>> {
        self.blocking(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM change_attestations WHERE doc_id = ?1"
            ))?;
            let mut rows = Vec::new();
            for id in &doc_ids {
                for found in stmt.query_map([id], row)? {
                    rows.extend(found?);
                }
            }
            Ok(rows)
        })
        .await
    }
}
