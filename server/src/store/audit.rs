//! The audit of account actions in the store: who did what to whom, and when, appended only.
//! The actions themselves and who may take them are the accounts module's.
//!
//! Stage: *the store*, behind the gate.

use tiendo_shared::api::AccountEvent;

use super::{Result, Store};

/// Appends an event (both engines).
pub(crate) const INSERT: &str = "INSERT INTO account_events
                                   (at, actor, action, username, agency_id, detail)
                                 VALUES ($1, $2, $3, $4, $5, $6)";

/// The contract of the audit of account actions.
#[async_trait::async_trait]
pub(crate) trait Audit: Send + Sync {
    /// Appends `event`.
    async fn record(&self, event: AccountEvent) -> Result<()>;
    /// The latest `limit` events, newest first, of agency `agency` (or every one).
    async fn latest(&self, agency: Option<String>, limit: i64) -> Result<Vec<AccountEvent>>;
}

impl Store {
    /// Appends `event`.
    pub async fn record_account_event(&self, event: &AccountEvent) -> Result<()> {
        self.engine.audit.record(event.clone()).await
    }

    /// The latest `limit` events, newest first: of agency `agency`'s accounts, or of every
    /// account when `None`.
    pub async fn account_events(
        &self,
        agency: Option<&str>,
        limit: i64,
    ) -> Result<Vec<AccountEvent>> {
        self.engine
            .audit
            .latest(agency.map(str::to_string), limit)
            .await
    }
}
