//! Which report files were generated, by whom and for which day: the reporting calendar's
//! "made on".
//!
//! Stage: *SQLite*, written by [`crate::reports::generate`].

use rusqlite::params;

use super::Result;
use super::SqliteStore;

/// One generated report file (the API's type, from `shared::api`).
pub use tiendo_shared::api::GeneratedReport;

impl SqliteStore {
    /// Notes that a report file was generated.
    pub async fn record_report(&self, r: GeneratedReport) -> Result<()> {
        self.blocking(move |c| {
            c.execute(
                "INSERT INTO reports (plan_id, period, kind, as_of, username, generated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
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

    /// The reports generated for `plan_id`, newest first.
    pub async fn generated_reports(&self, plan_id: &str) -> Result<Vec<GeneratedReport>> {
        let plan_id = plan_id.to_string();
        self.blocking(move |c| {
            let mut stmt = c.prepare(
                "SELECT plan_id, period, kind, as_of, username, generated_at FROM reports
                 WHERE plan_id = ?1 ORDER BY generated_at DESC, id DESC",
            )?;
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

    /// How many reports were generated for each plan (one query: the province roll-up's
    /// fingerprint of every agency).
    pub async fn generated_counts(&self) -> Result<std::collections::HashMap<String, usize>> {
        self.blocking(|c| {
            let mut stmt = c.prepare("SELECT plan_id, count(*) FROM reports GROUP BY plan_id")?;
            let rows = stmt.query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as usize))
            })?;
            rows.collect()
        })
        .await
    }
}
