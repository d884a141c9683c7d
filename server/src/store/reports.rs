//! Which report files were generated, by whom and for which day: the reporting calendar's
//! "made on".
//!
//! Stage: *the store*, written by [`crate::reports::generate`].

use rusqlite::params;

use super::{Engine, Result, Store, lite, pg};

/// One generated report file (the API's type, from `shared::api`).
pub use tiendo_shared::api::GeneratedReport;

const INSERT: &str = "INSERT INTO reports (plan_id, period, kind, as_of, username, generated_at)
                      VALUES ($1, $2, $3, $4, $5, $6)";
const OF_PLAN: &str = "SELECT plan_id, period, kind, as_of, username, generated_at FROM reports
                       WHERE plan_id = $1 ORDER BY generated_at DESC, id DESC";
const COUNTS: &str = "SELECT plan_id, count(*) FROM reports GROUP BY plan_id";

impl Store {
    /// Records a generated report.
    pub async fn record_report(&self, r: GeneratedReport) -> Result<()> {
        match &self.engine {
            Engine::Sqlite(_) => {
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
            Engine::Postgres(pool) => {
                pg(pool)
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
        }
    }

    /// The reports generated for `plan_id`, newest first.
    pub async fn generated_reports(&self, plan_id: &str) -> Result<Vec<GeneratedReport>> {
        let plan_id = plan_id.to_string();
        match &self.engine {
            Engine::Sqlite(_) => {
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
            Engine::Postgres(pool) => Ok(pg(pool)
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
                .collect()),
        }
    }

    /// How many reports were generated per plan.
    pub async fn generated_counts(&self) -> Result<std::collections::HashMap<String, usize>> {
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(|c| {
                    let mut stmt = c.prepare(COUNTS)?;
                    let rows = stmt.query_map([], |r| {
                        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as usize))
                    })?;
                    rows.collect()
                })
                .await
            }
            Engine::Postgres(pool) => Ok(pg(pool)
                .await?
                .query(COUNTS, &[])
                .await?
                .into_iter()
                .map(|r| (r.get(0), r.get::<_, i64>(1) as usize))
                .collect()),
        }
    }
}
