//! [`Audit`] on SQLite.
//!
//! Stage: *the store*, under the facade's `audit` methods when the store is a SQLite file.

use rusqlite::params;
use tiendo_shared::api::AccountEvent;

use super::Sqlite;
use crate::store::audit::{Audit, INSERT};
use crate::store::{Result, lite};

#[async_trait::async_trait]
impl Audit for Sqlite {
    async fn record(&self, e: AccountEvent) -> Result<()> {
        self.blocking(move |c| {
            c.execute(
                &lite(INSERT),
                params![e.at, e.actor, e.action, e.username, e.agency_id, e.detail],
            )
            .map(|_| ())
        })
        .await
    }

    async fn latest(&self, agency: Option<String>, limit: i64) -> Result<Vec<AccountEvent>> {
        self.blocking(move |c| {
            let mut q = c.prepare(
                "SELECT at, actor, action, username, agency_id, detail FROM account_events
                 WHERE ?1 IS NULL OR agency_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2",
            )?;
            let rows = q.query_map(params![agency, limit], |r| {
                Ok(AccountEvent {
                    at: r.get(0)?,
                    actor: r.get(1)?,
                    action: r.get(2)?,
                    username: r.get(3)?,
                    agency_id: r.get(4)?,
                    detail: r.get(5)?,
                })
            })?;
            rows.collect()
        })
        .await
    }
}
