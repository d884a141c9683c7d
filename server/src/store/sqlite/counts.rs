//! [`Counts`] on SQLite.
//!
//! Stage: *the store*, under the facade's `counts` methods when the store is a SQLite file.

use rusqlite::OptionalExtension;

use super::Sqlite;
use crate::store::counts::{ADD, Counts, GET};
use crate::store::{Result, lite};

#[async_trait::async_trait]
impl Counts for Sqlite {
    async fn add(&self, name: String, n: i64) -> Result<()> {
        self.blocking(move |c| {
            c.execute(&lite(ADD), rusqlite::params![name, n])
                .map(|_| ())
        })
        .await
    }

    async fn get(&self, name: String) -> Result<i64> {
        self.blocking(move |c| {
            c.query_row(&lite(GET), [name], |r| r.get(0))
                .optional()
                .map(Option::unwrap_or_default)
        })
        .await
    }
}
