//! Which report files were generated, by whom and for which day: the reporting calendar's
//! "made on".
//!
//! Stage: *the store*, written by the report generation (`reports::generate`).

use super::{Result, Store};

/// One generated report file (the API's type, from `shared::api`).
pub use tiendo_shared::api::GeneratedReport;

pub(crate) const INSERT: &str =
    "INSERT INTO reports (plan_id, period, kind, as_of, username, generated_at)
                      VALUES ($1, $2, $3, $4, $5, $6)";
pub(crate) const OF_PLAN: &str =
    "SELECT plan_id, period, kind, as_of, username, generated_at FROM reports
                       WHERE plan_id = $1 ORDER BY generated_at DESC, id DESC";
pub(crate) const COUNTS: &str = "SELECT plan_id, count(*) FROM reports GROUP BY plan_id";

/// The contract of the generated reports' record.
#[async_trait::async_trait]
pub(crate) trait Reports: Send + Sync {
    /// Records a generated report.
    async fn record(&self, r: GeneratedReport) -> Result<()>;
    /// The reports generated for `plan_id`, newest first.
    async fn of_plan(&self, plan_id: String) -> Result<Vec<GeneratedReport>>;
    /// How many reports were generated per plan.
    async fn counts(&self) -> Result<std::collections::HashMap<String, usize>>;
}

impl Store {
    /// Records a generated report.
    pub async fn record_report(&self, r: GeneratedReport) -> Result<()> {
        self.engine.reports.record(r).await
    }

    /// The reports generated for `plan_id`, newest first.
    pub async fn generated_reports(&self, plan_id: &str) -> Result<Vec<GeneratedReport>> {
        self.engine.reports.of_plan(plan_id.to_string()).await
    }

    /// How many reports were generated per plan.
    pub async fn generated_counts(&self) -> Result<std::collections::HashMap<String, usize>> {
        self.engine.reports.counts().await
    }
}
