//! The catalogue: which document is which — its kind, agency, plan and unit — and reading a
//! stored document straight from its chunks (the CLI, beside a running server).
//!
//! Stage: *the store*, read by [`crate::domain::access`] (who may see what) and [`crate::domain::documents`].

use rusqlite::params;
use serde::Serialize;

use super::{Engine, Result, Store, pg};

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

fn record(
    doc_id: String,
    kind: String,
    agency_id: String,
    plan_id: Option<String>,
    unit_id: Option<String>,
    title: String,
) -> DocRecord {
    DocRecord {
        doc_id,
        kind: kind.parse().unwrap_or(DocKind::Progress),
        agency_id,
        plan_id,
        unit_id,
        title,
    }
}

impl Store {
    /// Records what a document is.
    pub async fn register(&self, rec: DocRecord) -> Result<()> {
        match &self.engine {
            Engine::Sqlite(_) => {
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
            Engine::Postgres(pool) => {
                let mut c = pg(pool).await?;
                let tx = c.transaction().await?;
                // The other nodes read the catalogue again when this commits.
                let payload = super::postgres::announcements('r', &self.node, &[]);
                tx.execute(
                    "SELECT pg_notify($1, $2)",
                    &[&super::postgres::CHANNEL, &payload[0]],
                )
                .await?;
                tx.execute(
                    "INSERT INTO documents (doc_id, kind, agency_id, plan_id, unit_id, title)
                         VALUES ($1, $2, $3, $4, $5, $6)
                         ON CONFLICT (doc_id) DO UPDATE SET title = excluded.title",
                    &[
                        &rec.doc_id,
                        &rec.kind.as_str(),
                        &rec.agency_id,
                        &rec.plan_id,
                        &rec.unit_id,
                        &rec.title,
                    ],
                )
                .await?;
                tx.commit().await?;
                Ok(())
            }
        }
    }

    /// Every catalogued document, oldest first.
    pub async fn documents(&self) -> Result<Vec<DocRecord>> {
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(|c| {
                    let mut stmt = c.prepare(
                        "SELECT doc_id, kind, agency_id, plan_id, unit_id, title
                         FROM documents ORDER BY rowid",
                    )?;
                    let rows = stmt.query_map([], |r| {
                        Ok(record(
                            r.get(0)?,
                            r.get(1)?,
                            r.get(2)?,
                            r.get(3)?,
                            r.get(4)?,
                            r.get(5)?,
                        ))
                    })?;
                    rows.collect()
                })
                .await
            }
            Engine::Postgres(pool) => Ok(pg(pool)
                .await?
                .query(
                    "SELECT doc_id, kind, agency_id, plan_id, unit_id, title
                     FROM documents ORDER BY seq",
                    &[],
                )
                .await?
                .into_iter()
                .map(|r| record(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
                .collect()),
        }
    }

    /// Reads a stored document straight from its chunks, without a samod repo (for the CLI,
    /// which may run beside a server).
    pub async fn read_document(&self, doc_id: &str) -> Result<automerge::Automerge> {
        Ok(self.read_printed(doc_id).await?.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use samod::storage::Storage;

    use crate::store::test_key as key;

    #[tokio::test]
    async fn reading_a_document_skips_the_saved_sync_states_beside_it() {
        let s = Store::in_memory().unwrap();
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
