//! [`StepReceipts`] on PostgreSQL (one statement per call).
//!
//! Stage: *the store*, under the facade's `receipts` methods when the store is PostgreSQL.

use std::collections::BTreeMap;

use super::Postgres;
use crate::store::Result;
use crate::store::receipts::StepReceipts;

#[async_trait::async_trait]
impl StepReceipts for Postgres {
    async fn record(&self, doc_id: String, steps: Vec<(String, i64)>) -> Result<()> {
        let (ids, times): (Vec<String>, Vec<i64>) = steps.into_iter().unzip();
        self.client()
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

    async fn of(&self, doc_ids: Vec<String>) -> Result<BTreeMap<String, i64>> {
        Ok(self
            .client()
            .await?
            .query(
                "SELECT step_id, received_at FROM step_receipts WHERE doc_id = ANY($1)",
                &[&doc_ids],
            )
            .await?
            .into_iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }
}
