//! [`Reports`] on PostgreSQL.
//!
//! Stage: *the store*, under the facade's `reports` methods when the store is PostgreSQL.

use std::collections::HashMap;

use super::Postgres;
use crate::store::reports::{COUNTS, INSERT, OF_PLAN, Reports};
use crate::store::{GeneratedReport, Result};

#[async_trait::async_trait]
impl Reports for Postgres {
    async fn record(&self, r: GeneratedReport) -> Result<()> {
        self.client()
            .await?
            .execute(
                INSERT,
                &[
                    &r.plan_id,
                    &r.period,
                    &r.kind,
                    &r.as_of,
                    &r.username,
                    &r.generated_at,
                ],
            )
            .await?;
        Ok(())
    }

    async fn of_plan(&self, plan_id: String) -> Result<Vec<GeneratedReport>> {
        Ok(self
            .client()
            .await?
            .query(OF_PLAN, &[&plan_id])
            .await?
            .into_iter()
            .map(|r| GeneratedReport {
                plan_id: r.get(0),
                period: r.get(1),
                kind: r.get(2),
                as_of: r.get(3),
                username: r.get(4),
                generated_at: r.get(5),
            })
            .collect())
    }

    async fn counts(&self) -> Result<HashMap<String, usize>> {
        Ok(self
            .client()
            .await?
            .query(COUNTS, &[])
            .await?
            .into_iter()
            .map(|r| (r.get(0), r.get::<_, i64>(1) as usize))
            .collect())
    }
}
