//! [`Counts`] on PostgreSQL.
//!
//! Stage: *the store*, under the facade's `counts` methods when the store is PostgreSQL.

use super::Postgres;
use crate::store::Result;
use crate::store::counts::{ADD, Counts, GET};

#[async_trait::async_trait]
impl Counts for Postgres {
    async fn add(&self, name: String, n: i64) -> Result<()> {
        self.client().await?.execute(ADD, &[&name, &n]).await?;
        Ok(())
    }

    async fn get(&self, name: String) -> Result<i64> {
        Ok(self
            .client()
            .await?
            .query_opt(GET, &[&name])
            .await?
            .map(|r| r.get(0))
            .unwrap_or_default())
    }
}
