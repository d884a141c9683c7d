//! [`StepReceipts`] on SQLite.
//!
//! Stage: *the store*, under the facade's `receipts` methods when the store is a SQLite file.

use std::collections::BTreeMap;

use rusqlite::params;

use super::Sqlite;
use crate::store::Result;
use crate::store::receipts::StepReceipts;

#[async_trait::async_trait]
impl StepReceipts for Sqlite {
    async fn record(&self, doc_id: String, steps: Vec<(String, i64)>) -> Result<()> {
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

    async fn of(&self, doc_ids: Vec<String>) -> Result<BTreeMap<String, i64>> {
        self.blocking(move |c| {
            let mut stmt =
                c.prepare("SELECT step_id, received_at FROM step_receipts WHERE doc_id = ?1")?;
            let mut out = BTreeMap::new();
            for id in &doc_ids {
                for row in stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))? {
                    let (k, v): (String, i64) = row?;
                    out.insert(k, v);
                }
            }
            Ok(out)
        })
        .await
    }
}
