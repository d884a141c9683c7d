//! [`LoginFailures`] on SQLite: one connection behind a lock, so each transaction is alone.
//!
//! Stage: *the store*, under the facade's `throttle` methods when the store is a SQLite file.

use rusqlite::{OptionalExtension, params};

use super::Sqlite;
use crate::store::throttle::{
    Counter, FORGET, FORGET_MS, LoginFailures, PUT, ROW, SUCCEEDED, decide,
};
use crate::store::{Result, lite};

#[async_trait::async_trait]
impl LoginFailures for Sqlite {
    async fn reserve(&self, counters: Vec<Counter>, now_ms: i64) -> Result<Option<i64>> {
        self.blocking(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
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

    async fn failed(&self, key: String, now_ms: i64, lock: fn(u32) -> Option<i64>) -> Result<u32> {
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

    async fn succeeded(&self, keys: Vec<String>) -> Result<()> {
        self.blocking(move |c| {
            let tx = c.transaction()?;
            for key in &keys {
                tx.execute(&lite(SUCCEEDED), [key])?;
            }
            tx.commit()
        })
        .await
    }
}
