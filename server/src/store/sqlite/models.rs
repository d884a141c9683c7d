//! [`Readings`] on SQLite.
//!
//! Stage: *the store*, under the facade's `models` methods when the store is a SQLite file.

use rusqlite::{OptionalExtension, params};

use super::Sqlite;
use crate::store::models::{KEPT, PUT, Readings};
use crate::store::{Result, lite};

#[async_trait::async_trait]
impl Readings for Sqlite {
    async fn kept(
        &self,
        doc_id: String,
        print: String,
        build: &'static str,
    ) -> Result<Option<Vec<u8>>> {
        self.blocking(move |c| {
            c.prepare_cached(&lite(KEPT))?
                .query_row(params![doc_id, print, build], |r| r.get(0))
                .optional()
        })
        .await
    }

    async fn put(&self, slice: Vec<(String, String, Vec<u8>)>, build: &'static str) -> Result<()> {
        self.blocking(move |c| {
            let tx = c.transaction()?;
            {
                let mut put = tx.prepare_cached(&lite(PUT))?;
                for (doc, print, data) in &slice {
                    put.execute(params![doc, print, build, data])?;
                }
            }
            tx.commit()
        })
        .await
    }
}
