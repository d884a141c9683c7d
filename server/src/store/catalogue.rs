//! The catalogue: which document is which — its kind, agency, plan and unit — and reading a
//! stored document straight from its chunks (the CLI, beside a running server).
//!
//! Stage: *SQLite*, read by [`crate::access`] (who may see what) and [`crate::reader`].

use rusqlite::params;
use serde::Serialize;

use super::SqliteStore;
use super::{Result, StoreError};

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

impl SqliteStore {
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
            return Err(StoreError::NotFound(format!("tài liệu {doc_id}")));
        }
        let mut doc = automerge::Automerge::new();
        for chunk in chunks {
            doc.load_incremental(&chunk)
                .map_err(|source| StoreError::Document {
                    doc_id: doc_id.to_string(),
                    source: Box::new(source),
                })?;
        }
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use samod::storage::Storage;

    use crate::store::test_key as key;

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
}
