//! [`Audit`] on PostgreSQL.
//!
//! Stage: *the store*, under the facade's `audit` methods when the store is PostgreSQL.

use tiendo_shared::api::AccountEvent;

use super::Postgres;
use crate::store::Result;
use crate::store::audit::{Audit, INSERT};

#[async_trait::async_trait]
impl Audit for Postgres {
    async fn record(&self, e: AccountEvent) -> Result<()> {
        self.client()
            .await?
            .execute(
                INSERT,
                &[
                    &e.at,
                    &e.actor,
                    &e.action,
                    &e.username,
                    &e.agency_id,
                    &e.detail,
                ],
            )
            .await?;
        Ok(())
    }

    async fn latest(&self, agency: Option<String>, limit: i64) -> Result<Vec<AccountEvent>> {
        Ok(self
            .client()
            .await?
            .query(
                "SELECT at, actor, action, username, agency_id, detail FROM account_events
                 WHERE $1::text IS NULL OR agency_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
                &[&agency, &limit],
            )
            .await?
            .iter()
            .map(|r| AccountEvent {
                at: r.get(0),
                actor: r.get(1),
                action: r.get(2),
                username: r.get(3),
                agency_id: r.get(4),
                detail: r.get(5),
            })
            .collect())
    }
}
