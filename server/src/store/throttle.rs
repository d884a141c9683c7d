//! Failed sign-ins per key (a user name, an address) in SQLite, so the login throttle holds
//! across a restart and, on a store several nodes share, across nodes: a guesser gains nothing by
//! waiting for a restart or landing on another node. The rule (how many are free, how long a
//! lock-out lasts) is [`crate::accounts`]'s; this keeps the counts.
//!
//! Stage: *SQLite*, asked by [`crate::accounts::Accounts::login`] before and after it checks a
//! password.

use rusqlite::{OptionalExtension, params};

use super::{Result, SqliteStore};

/// Failures older than this are forgotten (a quiet day).
const FORGET_MS: i64 = 86_400_000;

impl SqliteStore {
    /// How many milliseconds the longest lock-out among `keys` still runs at `now_ms`, if any.
    pub async fn locked_out(&self, keys: Vec<String>, now_ms: i64) -> Result<Option<i64>> {
        self.blocking(move |c| {
            let mut stmt =
                c.prepare_cached("SELECT locked_until FROM login_failures WHERE key = ?1")?;
            let mut longest = None;
            for k in &keys {
                let until: Option<Option<i64>> = stmt.query_row([k], |r| r.get(0)).optional()?;
                if let Some(Some(until)) = until
                    && until > now_ms
                {
                    longest = longest.max(Some(until - now_ms));
                }
            }
            Ok(longest)
        })
        .await
    }

    /// Counts a failure of `key` at `now_ms` (after a quiet day it counts from one again) and
    /// locks the key out for `lock(count)` milliseconds when that says so. The count after it.
    pub async fn login_failed(
        &self,
        key: String,
        now_ms: i64,
        lock: fn(u32) -> Option<i64>,
    ) -> Result<u32> {
        self.blocking(move |c| {
            let tx = c.transaction()?;
            tx.execute(
                "DELETE FROM login_failures WHERE last < ?1",
                [now_ms - FORGET_MS],
            )?;
            let count: u32 = tx
                .query_row(
                    "SELECT count FROM login_failures WHERE key = ?1",
                    [&key],
                    |r| r.get(0),
                )
                .optional()?
                .unwrap_or(0)
                + 1;
            let until = lock(count).map(|ms| now_ms + ms);
            tx.execute(
                "INSERT INTO login_failures (key, count, last, locked_until) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (key) DO UPDATE SET count = excluded.count, last = excluded.last,
                   locked_until = excluded.locked_until",
                params![key, count, now_ms, until],
            )?;
            tx.commit()?;
            Ok(count)
        })
        .await
    }

    /// Forgets the failures of `key` (a successful sign-in).
    pub async fn login_succeeded(&self, key: String) -> Result<()> {
        self.blocking(move |c| {
            c.execute("DELETE FROM login_failures WHERE key = ?1", [key])
                .map(|_| ())
        })
        .await
    }
}
