//! [`Reports`] on SQLite.
//!
//! Stage: *the store*, under the facade's `reports` methods when the store is a SQLite file.

use std::collections::HashMap;

use rusqlite::params;

use super::Sqlite;
use crate::store::reports::{COUNTS, INSERT, OF_PLAN, Reports};
use crate::store::{GeneratedReport, Result, lite};

#[async_trait::async_trait]
impl Reports for Sqlite {
    async fn record(&self, r: GeneratedReport) -> Result<()> {
        self.blocking(move |c| {
            c.execute(
                &lite(INSERT),
                params![
                    r.plan_id,
                    r.period,
                    r.kind,
                    r.as_of,
                    r.username,
                    r.generated_at
                ],
            )
            .map(|_| ())
        })
        .await
    }

    async fn of_plan(&self, plan_id: String) -> Result<Vec<GeneratedReport>> {
        self.blocking(move |c| {
            let mut stmt = c.prepare(&lite(OF_PLAN))?;
            let rows = stmt.query_map([plan_id], |r| {
                Ok(GeneratedReport {
                    plan_id: r.get(0)?,
                    period: r.get(1)?,
                    kind: r.get(2)?,
                    as_of: r.get(3)?,
                    username: r.get(4)?,
                    generated_at: r.get(5)?,
                })
            })?;
            rows.collect()
        })
        .await
    }

    async fn counts(&self) -> Result<HashMap<String, usize>> {
        self.blocking(|c| {
            let mut stmt = c.prepare(COUNTS)?;
            let rows = stmt.query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as usize))
            })?;
            rows.collect()
        })
        .await
    }
}
