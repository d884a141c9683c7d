//! When the server first received each reporting step (`sync::steps`): the bound on a step's
//! effective time ([`tiendo_shared::workflow::Step::effective`]), and the "received" time the
//! office sees beside the device's own.
//!
//! Stage: *the store*, written by the sync gate, read by the reporting views and reports.

use std::collections::BTreeMap;

use rusqlite::params;

use super::{Engine, Result, Store, lite, pg};

impl Store {
    /// Records that the server received reporting steps `step_ids` of `doc_id` now, keeping
    /// the first time for a step seen before.
    pub async fn record_receipts(&self, doc_id: &str, step_ids: &[String]) -> Result<()> {
        let doc_id = doc_id.to_string();
        let ids = step_ids.to_vec();
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    let tx = c.transaction()?;
                    {
                        let mut stmt = tx.prepare(
                            "INSERT OR IGNORE INTO step_receipts (doc_id, step_id, received_at)
                             VALUES (?1, ?2, CAST(unixepoch('subsec') * 1000 AS INTEGER))",
                        )?;
                        for id in &ids {
                            stmt.execute(params![doc_id, id])?;
                        }
                    }
                    tx.commit()
                })
                .await
            }
            Engine::Postgres(pool) => {
                pg(pool)
                    .await?
                    .execute(
                        "INSERT INTO step_receipts (doc_id, step_id, received_at)
                         SELECT $1, step, (extract(epoch FROM clock_timestamp()) * 1000)::bigint
                         FROM unnest($2::text[]) AS step
                         ON CONFLICT DO NOTHING",
                        &[&doc_id, &ids],
                    )
                    .await?;
                Ok(())
            }
        }
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
            .record_receipts("d1", &["s1".into(), "s2".into()])
            .await
            .unwrap();
        let first = store.receipts(&["d1".into()]).await.unwrap();
        assert_eq!(first.len(), 2);
        store
            .blocking(|c| c.execute("UPDATE step_receipts SET received_at = 5", []))
            .await
            .unwrap();
        store.record_receipts("d1", &["s1".into()]).await.unwrap();
        let again = store.receipts(&["d1".into(), "d2".into()]).await.unwrap();
        assert_eq!(again.get("s1"), Some(&5), "the first arrival stands");
    }
}
