//! Counts every node of a deployment adds to (the refused writes `/api/health` shows), so a
//! figure is the deployment's, not one node's since it started.
//!
//! Stage: *the store*, added to by the peers' count of refused writes (`Peers::store_refused`).

use super::{Result, Store};

/// Adds to a count (both engines).
pub(crate) const ADD: &str = "INSERT INTO counts (name, value) VALUES ($1, $2)
                   ON CONFLICT (name) DO UPDATE SET value = counts.value + excluded.value";
/// A count's value (both engines).
pub(crate) const GET: &str = "SELECT value FROM counts WHERE name = $1";

/// The contract of the counts.
#[async_trait::async_trait]
pub(crate) trait Counts: Send + Sync {
    /// Adds `n` to count `name`.
    async fn add(&self, name: String, n: i64) -> Result<()>;
    /// Count `name` (0 if nothing was ever added).
    async fn get(&self, name: String) -> Result<i64>;
}

impl Store {
    /// Adds `n` to count `name`.
    pub async fn add_to_count(&self, name: &str, n: i64) -> Result<()> {
        self.engine.counts.add(name.to_string(), n).await
    }

    /// Count `name` (0 if nothing was ever added).
    pub async fn count(&self, name: &str) -> Result<i64> {
        self.engine.counts.get(name.to_string()).await
    }
}
