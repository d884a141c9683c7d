//! The audit of account actions in the store: who did what to whom, and when, appended only.
//! The actions themselves and who may take them are [`crate::domain::accounts::admin`]'s.
//!
//! Stage: *the store*, behind the gate.

use rusqlite::params;
use tiendo_shared::api::AccountEvent;

use super::{Engine, Result, Store, pg};

impl Store {
    /// Appends `event`.
    pub async fn record_account_event(&self, event: &AccountEvent) -> Result<()> {
        let e = event.clone();
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    c.execute(
                        "INSERT INTO account_events (at, actor, action, username, agency_id, detail)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![e.at, e.actor, e.action, e.username, e.agency_id, e.detail],
                    )
                })
                .await?;
            }
            Engine::Postgres(pool) => {
                pg(pool)
                    .await?
                    .execute(
                        "INSERT INTO account_events (at, actor, action, username, agency_id, detail)
                         VALUES ($1, $2, $3, $4, $5, $6)",
                        &[&e.at, &e.actor, &e.action, &e.username, &e.agency_id, &e.detail],
                    )
                    .await?;
            }
        }
        Ok(())
    }

    /// The latest `limit` events, newest first: of agency `agency`'s accounts, or of every
    /// account when `None`.
    pub async fn account_events(
        &self,
        agency: Option<&str>,
        limit: i64,
    ) -> Result<Vec<AccountEvent>> {
        let agency = agency.map(str::to_string);
        match &self.engine {
            Engine::Sqlite(_) => {
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
            Engine::Postgres(pool) => Ok(pg(pool)
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
                .collect()),
        }
    }
}
