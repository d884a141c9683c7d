//! Failed sign-ins per key (an account, an account at an address, an address) in the store, so
//! the login throttle holds across a restart and, on a store several nodes share, across nodes: a
//! guesser gains nothing by waiting for a restart or landing on another node. The rule (which
//! keys, how many tries are free, how long a lock-out lasts) is [`crate::domain::accounts`]'s; this keeps
//! the counts.
//!
//! A try is *taken before* the password is checked ([`Store::login_reserve`]): the count grows
//! and the lock-out this try would earn if it fails is set, in one transaction. Parallel guesses
//! therefore see each other's tries, and the free tries are checked exactly once each; a success
//! gives them back ([`Store::login_succeeded`]).
//!
//! Stage: *the store*, asked by [`crate::domain::accounts::Accounts::login`] before and after it checks a
//! password.

use rusqlite::{OptionalExtension, params};

use super::{Engine, Result, Store, lite, pg};

/// Failures older than this are forgotten (a quiet day).
const FORGET_MS: i64 = 86_400_000;

const FORGET: &str = "DELETE FROM login_failures WHERE last < $1";
const ROW: &str = "SELECT count, locked_until FROM login_failures WHERE key = $1";
const PUT: &str =
    "INSERT INTO login_failures (key, count, last, locked_until) VALUES ($1, $2, $3, $4)
                   ON CONFLICT (key) DO UPDATE SET count = excluded.count, last = excluded.last,
                     locked_until = excluded.locked_until";
const ENSURE: &str = "INSERT INTO login_failures (key, count, last, locked_until)
                      VALUES ($1, 0, $2, NULL) ON CONFLICT (key) DO NOTHING";
const SUCCEEDED: &str = "DELETE FROM login_failures WHERE key = $1";

/// A counter a sign-in attempt takes a try from.
#[derive(Debug, Clone)]
pub struct Counter {
    /// Its key (`pair:…`, `user:…`).
    pub key: String,
    /// The failures counted so far, this try included → how long the key is then locked out
    /// (ms), if at all.
    pub lock: fn(u32) -> Option<i64>,
}

/// What [`Store::login_reserve`] decides from each counter's stored count and lock-out: `None`
/// (take a try: the new count and lock-out of each) or the longest lock-out still running (ms).
fn decide(
    counters: &[Counter],
    rows: &[(u32, Option<i64>)],
    now_ms: i64,
) -> Result<Vec<(u32, Option<i64>)>, i64> {
    let running = rows
        .iter()
        .filter_map(|(_, until)| *until)
        .filter(|until| *until > now_ms)
        .map(|until| until - now_ms)
        .max();
    match running {
        Some(ms) => Err(ms),
        None => Ok(counters
            .iter()
            .zip(rows)
            .map(|(c, (count, _))| {
                let count = count + 1;
                (count, (c.lock)(count).map(|ms| now_ms + ms))
            })
            .collect()),
    }
}

impl Store {
    /// Takes one try from each of `counters` at `now_ms`, atomically: when one of them is locked
    /// out, nothing is counted and the longest lock-out still running is returned (ms);
    /// otherwise each count grows by one and its lock-out is set as if this try fails (a success
    /// clears it with [`Store::login_succeeded`]). Counts quiet for a day are forgotten first.
    pub async fn login_reserve(&self, counters: Vec<Counter>, now_ms: i64) -> Result<Option<i64>> {
        match &self.engine {
            // One connection behind a lock: the transaction is alone.
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    let tx =
                        c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                    tx.execute(&lite(FORGET), [now_ms - FORGET_MS])?;
                    let mut rows = Vec::with_capacity(counters.len());
                    for counter in &counters {
                        let row: Option<(u32, Option<i64>)> = tx
                            .query_row(&lite(ROW), [&counter.key], |r| Ok((r.get(0)?, r.get(1)?)))
                            .optional()?;
                        rows.push(row.unwrap_or((0, None)));
                    }
                    let taken = match decide(&counters, &rows, now_ms) {
                        Err(ms) => return Ok(Some(ms)),
                        Ok(taken) => taken,
                    };
                    for (counter, (count, until)) in counters.iter().zip(taken) {
                        tx.execute(&lite(PUT), params![counter.key, count, now_ms, until])?;
                    }
                    tx.commit()?;
                    Ok(None)
                })
                .await
            }
            // Several nodes at once: each key's row exists before it is locked (`FOR UPDATE`),
            // keys are locked in one order (no deadlock), and the tries are counted under the
            // locks.
            Engine::Postgres(pool) => {
                let mut c = pg(pool).await?;
                c.execute(FORGET, &[&(now_ms - FORGET_MS)]).await?;
                let mut counters = counters;
                counters.sort_by(|a, b| a.key.cmp(&b.key));
                let tx = c.transaction().await?;
                let mut rows = Vec::with_capacity(counters.len());
                for counter in &counters {
                    tx.execute(ENSURE, &[&counter.key, &now_ms]).await?;
                    let row = tx
                        .query_one(&format!("{ROW} FOR UPDATE"), &[&counter.key])
                        .await?;
                    rows.push((row.get::<_, i64>(0) as u32, row.get::<_, Option<i64>>(1)));
                }
                let taken = match decide(&counters, &rows, now_ms) {
                    Err(ms) => {
                        tx.rollback().await?;
                        return Ok(Some(ms));
                    }
                    Ok(taken) => taken,
                };
                for (counter, (count, until)) in counters.iter().zip(taken) {
                    tx.execute(PUT, &[&counter.key, &i64::from(count), &now_ms, &until])
                        .await?;
                }
                tx.commit().await?;
                Ok(None)
            }
        }
    }

    /// Counts a failure for `key` at `now_ms` after the fact and sets its lock-out by `lock` (the
    /// failures so far → how long, if at all); returns the count. Counts quiet for a day are
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
                        .query_row(&lite(ROW), [&key], |r| r.get(0))
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
                c.execute(FORGET, &[&(now_ms - FORGET_MS)]).await?;
                let tx = c.transaction().await?;
                tx.execute(ENSURE, &[&key, &now_ms]).await?;
                // Nodes counting the same key at once: the row is locked while counted.
                let count = tx
                    .query_one(&format!("{ROW} FOR UPDATE"), &[&key])
                    .await?
                    .get::<_, i64>(0)
                    + 1;
                let until = lock(count as u32).map(|ms| now_ms + ms);
                tx.execute(PUT, &[&key, &count, &now_ms, &until]).await?;
                tx.commit().await?;
                Ok(count as u32)
            }
        }
    }

    /// Forgets the failures of `keys` (a sign-in succeeded).
    pub async fn login_succeeded(&self, keys: Vec<String>) -> Result<()> {
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    let tx = c.transaction()?;
                    for key in &keys {
                        tx.execute(&lite(SUCCEEDED), [key])?;
                    }
                    tx.commit()
                })
                .await
            }
            Engine::Postgres(pool) => {
                let c = pg(pool).await?;
                for key in &keys {
                    c.execute(SUCCEEDED, &[key]).await?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn five(count: u32) -> Option<i64> {
        (count >= 5).then_some(1_000)
    }

    #[tokio::test]
    async fn a_try_is_taken_before_the_check_and_a_lock_out_takes_none() {
        let store = Store::in_memory().unwrap();
        let now = 1_750_000_000_000;
        let counters = || {
            vec![
                Counter {
                    key: "pair".into(),
                    lock: five,
                },
                Counter {
                    key: "user".into(),
                    lock: |n| (n >= 20).then_some(5_000),
                },
            ]
        };
        // The fifth try is taken and locks the pair as it is taken.
        for _ in 0..5 {
            assert_eq!(store.login_reserve(counters(), now).await.unwrap(), None);
        }
        assert_eq!(
            store.login_reserve(counters(), now + 400).await.unwrap(),
            Some(600)
        );
        // Refused tries count for nothing: the account has five, not six.
        assert_eq!(
            store
                .login_failed("user".into(), now, |_| None)
                .await
                .unwrap(),
            6
        );
        // A success gives the tries back.
        store
            .login_succeeded(vec!["pair".into(), "user".into()])
            .await
            .unwrap();
        assert_eq!(store.login_reserve(counters(), now).await.unwrap(), None);
        // After a quiet day, failures count from one again.
        assert_eq!(
            store
                .login_failed("pair".into(), now + FORGET_MS + 1, five)
                .await
                .unwrap(),
            1
        );
    }
}
