//! Failed sign-ins per key (an account, an account at an address, an address) in the store, so
//! the login throttle holds across a restart and, on a store several nodes share, across nodes: a
//! guesser gains nothing by waiting for a restart or landing on another node. The rule (which
//! keys, how many tries are free, how long a lock-out lasts) is the accounts module's; this keeps
//! the counts.
//!
//! A try is *taken before* the password is checked ([`Store::login_reserve`]): the count grows
//! and the lock-out this try would earn if it fails is set, in one transaction. Parallel guesses
//! therefore see each other's tries, and the free tries are checked exactly once each; a success
//! gives them back ([`Store::login_succeeded`]).
//!
//! Stage: *the store*, asked by the accounts' sign-in (`Accounts::login`) before and after it checks a
//! password.

use super::{Result, Store};

/// Failures older than this are forgotten (a quiet day).
pub(crate) const FORGET_MS: i64 = 86_400_000;

pub(crate) const FORGET: &str = "DELETE FROM login_failures WHERE last < $1";
pub(crate) const ROW: &str = "SELECT count, locked_until FROM login_failures WHERE key = $1";
pub(crate) const PUT: &str =
    "INSERT INTO login_failures (key, count, last, locked_until) VALUES ($1, $2, $3, $4)
                   ON CONFLICT (key) DO UPDATE SET count = excluded.count, last = excluded.last,
                     locked_until = excluded.locked_until";
pub(crate) const ENSURE: &str = "INSERT INTO login_failures (key, count, last, locked_until)
                      VALUES ($1, 0, $2, NULL) ON CONFLICT (key) DO NOTHING";
pub(crate) const SUCCEEDED: &str = "DELETE FROM login_failures WHERE key = $1";

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
pub(crate) fn decide(
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

/// The contract of the failed sign-ins' counts: each call is one transaction, and on a store
/// several nodes share, one key's count is never lost to a race.
#[async_trait::async_trait]
pub(crate) trait LoginFailures: Send + Sync {
    /// Forgets counts quiet for a day, then takes one try from each of `counters` at `now_ms`
    /// as [`decide`] says; returns the lock-out refusing it (ms), if any.
    async fn reserve(&self, counters: Vec<Counter>, now_ms: i64) -> Result<Option<i64>>;
    /// Forgets counts quiet for a day, then counts a failure for `key` and sets its lock-out;
    /// returns the count.
    async fn failed(&self, key: String, now_ms: i64, lock: fn(u32) -> Option<i64>) -> Result<u32>;
    /// Forgets the counts of `keys`.
    async fn succeeded(&self, keys: Vec<String>) -> Result<()>;
}

impl Store {
    /// Takes one try from each of `counters` at `now_ms`, atomically: when one of them is locked
    /// out, nothing is counted and the longest lock-out still running is returned (ms);
    /// otherwise each count grows by one and its lock-out is set as if this try fails (a success
    /// clears it with [`Store::login_succeeded`]). Counts quiet for a day are forgotten first.
    pub async fn login_reserve(&self, counters: Vec<Counter>, now_ms: i64) -> Result<Option<i64>> {
        self.engine.throttle.reserve(counters, now_ms).await
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
        self.engine.throttle.failed(key, now_ms, lock).await
    }

    /// Forgets the failures of `keys` (a sign-in succeeded).
    pub async fn login_succeeded(&self, keys: Vec<String>) -> Result<()> {
        self.engine.throttle.succeeded(keys).await
    }
}
