//! [`LoginFailures`] on PostgreSQL: several nodes at once, so each key's row exists before it
//! is locked (`FOR UPDATE`), keys are locked in one order (no deadlock), and the tries are
//! counted under the locks.
//!
//! Stage: *the store*, under the facade's `throttle` methods when the store is PostgreSQL.

use super::Postgres;
use crate::store::Result;
use crate::store::throttle::{
    Counter, ENSURE, FORGET, FORGET_MS, LoginFailures, PUT, ROW, SUCCEEDED, decide,
};

#[async_trait::async_trait]
impl LoginFailures for Postgres {
    async fn reserve(&self, counters: Vec<Counter>, now_ms: i64) -> Result<Option<i64>> {
        let mut c = self.client().await?;
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

    async fn failed(&self, key: String, now_ms: i64, lock: fn(u32) -> Option<i64>) -> Result<u32> {
        let mut c = self.client().await?;
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

    async fn succeeded(&self, keys: Vec<String>) -> Result<()> {
        let c = self.client().await?;
        for key in &keys {
            c.execute(SUCCEEDED, &[key]).await?;
        }
        Ok(())
    }
}
