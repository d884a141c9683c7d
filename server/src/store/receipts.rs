//! When the server first received each reporting step (the attested arrival of the changes that
//! wrote it, [`crate::domain::admit`]; for a bundle signed with a key registered before, its signed
//! time): a step's effective time ([`tiendo_shared::workflow::Step::effective`]), and the
//! "received" time the office sees beside the device's own claim.
//!
//! Stage: *the store*, written by the sync gate, read by the reporting views and reports.

use std::collections::BTreeMap;

use rusqlite::params;

use super::{Engine, Result, Store, lite, pg};

/// Receipts by document: document id → step id → when the server first received it (Unix ms).
pub type Receipts = std::collections::HashMap<String, BTreeMap<String, i64>>;

impl Store {
    /// Records when the server received reporting steps of `doc_id` (step id, Unix ms: the
    /// attested arrival of the changes that wrote it), keeping the first time for a step seen
    /// before.
    pub async fn record_receipts(&self, doc_id: &str, steps: &[(String, i64)]) -> Result<()> {
        let doc_id = doc_id.to_string();
        let steps = steps.to_vec();
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    let tx = c.transaction()?;
                    {
                        let mut stmt = tx.prepare(
                            "INSERT OR IGNORE INTO step_receipts (doc_id, step_id, received_at)
                             VALUES (?1, ?2, ?3)",
                        )?;
                        for (id, at) in &steps {
                            stmt.execute(params![doc_id, id, at])?;
                        }
                    }
                    tx.commit()
                })
                .await
            }
            Engine::Postgres(pool) => {
                let (ids, times): (Vec<String>, Vec<i64>) = steps.into_iter().unzip();
                pg(pool)
                    .await?
                    .execute(
                        "INSERT INTO step_receipts (doc_id, step_id, received_at)
                         SELECT $1, step, at FROM unnest($2::text[], $3::bigint[]) AS s(step, at)
                         ON CONFLICT DO NOTHING",
                        &[&doc_id, &ids, &times],
                    )
                    .await?;
                Ok(())
            }
        }
    }

    /// [`Store::receipts`] kept apart by document (document id → step id → Unix ms): what the
    /// server's own reading of a report uses, so a step never takes the receipt of a step of
    /// the same id in another document.
    pub async fn receipts_by_doc(&self, doc_ids: &[String]) -> Result<Receipts> {
        let mut out = Receipts::new();
        for id in doc_ids {
            out.insert(id.clone(), self.receipts(std::slice::from_ref(id)).await?);
        }
        Ok(out)
    }

    /// When each reporting step of `doc_ids` was first received (step id → Unix ms).
    pub async fn receipts(&self, doc_ids: &[String]) -> Result<BTreeMap<String, i64>> {
        let ids = doc_ids.to_vec();
        const SQL: &str = "SELECT step_id, received_at FROM step_receipts WHERE doc_id = $1";
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    let mut stmt = c.prepare(&lite(SQL))?;
                    let mut out = BTreeMap::new();
                    for id in &ids {
                        for row in stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))? {
                            let (k, v): (String, i64) = row?;
                            out.insert(k, v);
                        }
                    }
                    Ok(out)
                })
                .await
            }
            Engine::Postgres(pool) => Ok(pg(pool)
                .await?
                .query(
                    "SELECT step_id, received_at FROM step_receipts WHERE doc_id = ANY($1)",
                    &[&ids],
                )
                .await?
                .into_iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_step_keeps_the_time_it_first_arrived() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.sqlite")).unwrap();
        store
            .record_receipts("d1", &[("s1".into(), 10), ("s2".into(), 11)])
            .await
            .unwrap();
        let first = store.receipts(&["d1".into()]).await.unwrap();
        assert_eq!(first.get("s2"), Some(&11));
        store
            .record_receipts("d1", &[("s1".into(), 99)])
            .await
            .unwrap();
        let again = store.receipts(&["d1".into(), "d2".into()]).await.unwrap();
        assert_eq!(again.get("s1"), Some(&10), "the first arrival stands");
    }
}
