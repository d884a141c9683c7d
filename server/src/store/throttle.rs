//! Failed sign-ins per key (a user name, an address) in the store, so the login throttle holds
//! across a restart and, on a store several nodes share, across nodes: a guesser gains nothing by
//! waiting for a restart or landing on another node. The rule (how many are free, how long a
//! lock-out lasts) is [`crate::accounts`]'s; this keeps the counts.
//!
//! Stage: *the store*, asked by [`crate::accounts::Accounts::login`] before and after it checks a
//! password.

use rusqlite::{OptionalExtension, params};

use super::{Engine, Result, Store, lite, pg};

/// Failures older than this are forgotten (a quiet day).
const FORGET_MS: i64 = 86_400_000;

const LOCKED_UNTIL: &str = "SELECT locked_until FROM login_failures WHERE key = $1";
const FORGET: &str = "DELETE FROM login_failures WHERE last < $1";
const COUNT: &str = "SELECT count FROM login_failures WHERE key = $1";
const PUT: &str =
    "INSERT INTO login_failures (key, count, last, locked_until) VALUES ($1, $2, $3, $4)
                   ON CONFLICT (key) DO UPDATE SET count = excluded.count, last = excluded.last,
                     locked_until = excluded.locked_until";
const SUCCEEDED: &str = "DELETE FROM login_failures WHERE key = $1";

impl Store {
    /// The longest lock-out still running for any of `keys` at `now_ms`, in ms.
    pub async fn locked_out(&self, keys: Vec<String>, now_ms: i64) -> Result<Option<i64>> {
        let untils: Vec<Option<i64>> = match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    let mut stmt = c.prepare_cached(&lite(LOCKED_UNTIL))?;
                    let mut out = Vec::new();
                    for k in &keys {
                        let until: Option<Option<i64>> =
                            stmt.query_row([k], |r| r.get(0)).optional()?;
                        out.push(until.flatten());
                    }
                    Ok(out)
                })
                .await?
            }
            Engine::Postgres(pool) => {
                let c = pg(pool).await?;
                let mut out = Vec::new();
                for k in &keys {
                    out.push(
                        c.query_opt(LOCKED_UNTIL, &[k])
                            .await?
                            .and_then(|r| r.get(0)),
                    );
                }
                out
            }
        };
        Ok(untils
            .into_iter()
            .flatten()
            .filter(|until| *until > now_ms)
            .map(|until| until - now_ms)
            .max())
    }

    /// Counts a failed sign-in for `key` at `now_ms` and sets its lock-out by `lock` (the
    /// failures so far → how long, if at all); returns the count. Counts older than a day are
    /// forgotten.
    pub async fn login_failed(
        &self,
        key: String,
        now_ms: i64,
        lock: fn(u32) -> Option<i64>,
    ) -> Result<u32> {
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    let tx = c.transaction()?;
                    tx.execute(&lite(FORGET), [now_ms - FORGET_MS])?;
                    let count: u32 = tx
                        .query_row(&lite(COUNT), [&key], |r| r.get(0))
                        .optional()?
                        .unwrap_or(0)
                        + 1;
                    let until = lock(count).map(|ms| now_ms + ms);
                    tx.execute(&lite(PUT), params![key, count, now_ms, until])?;
                    tx.commit()?;
                    Ok(count)
                })
                .await
            }
            Engine::Postgres(pool) => {
                let mut c = pg(pool).await?;
                let tx = c.transaction().await?;
                tx.execute(FORGET, &[&(now_ms - FORGET_MS)]).await?;
                // Nodes counting the same key at once: the row is locked while counted.
                let count = tx
                    .query_opt(&format!("{COUNT} FOR UPDATE"), &[&key])
                    .await?
                    .map(|r| r.get::<_, i64>(0))
                    .unwrap_or(0)
                    + 1;
                let until = lock(count as u32).map(|ms| now_ms + ms);
                tx.execute(PUT, &[&key, &count, &now_ms, &until]).await?;
                tx.commit().await?;
                Ok(count as u32)
            }
        }
    }

    /// Forgets `key`'s failures (it signed in).
    pub async fn login_succeeded(&self, key: String) -> Result<()> {
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| c.execute(&lite(SUCCEEDED), [key]).map(|_| ()))
                    .await
            }
            Engine::Postgres(pool) => {
                pg(pool).await?.execute(SUCCEEDED, &[&key]).await?;
                Ok(())
            }
        }
    }
}
