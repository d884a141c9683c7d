//! [`Chunks`] on SQLite: one statement per chunk inside one IMMEDIATE transaction.
//!
//! Stage: *the store*, under the facade's `chunks` methods when the store is a SQLite file.

use rusqlite::{OptionalExtension, params};

use super::Sqlite;
use crate::store::Result;
use crate::store::attest::Attested;
use crate::store::chunks::{CONTENT_ONLY, Chunks, DELETE, GET, HAS, UNDER};
use crate::store::lite;

#[async_trait::async_trait]
impl Chunks for Sqlite {
    async fn commit(
        &self,
        batch: Vec<(String, Vec<u8>)>,
        attested: Vec<Attested>,
    ) -> Result<Vec<bool>> {
        self.blocking(move |conn| {
            // IMMEDIATE: the write lock is taken at the start (waiting out another writer under
            // the busy timeout); a deferred transaction that reads first cannot upgrade past a
            // writer that committed meanwhile — SQLite answers "database is locked" at once.
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let mut existed = Vec::with_capacity(batch.len());
            {
                let mut exists = tx.prepare_cached(&lite(HAS))?;
                let mut put = tx.prepare_cached(
                    "INSERT INTO chunks (key, data) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET data = excluded.data",
                )?;
                for (key, data) in &batch {
                    existed.push(exists.query_row([key], |_| Ok(())).optional()?.is_some());
                    put.execute(params![key, data])?;
                }
            }
            super::attest::insert(&tx, &attested)?;
            tx.commit()?;
            Ok(existed)
        })
        .await
    }

    async fn get(&self, key: String) -> Result<Option<Vec<u8>>> {
        self.blocking(move |c| {
            c.prepare_cached(&lite(GET))?
                .query_row([key], |r| r.get(0))
                .optional()
        })
        .await
    }

    async fn has(&self, key: String) -> Result<bool> {
        self.blocking(move |c| {
            c.prepare_cached(&lite(HAS))?
                .query_row([key], |_| Ok(()))
                .optional()
                .map(|found| found.is_some())
        })
        .await
    }

    async fn under(
        &self,
        prefix: String,
        lo: String,
        hi: String,
        content: bool,
    ) -> Result<Vec<(String, Vec<u8>)>> {
        let only = if content { CONTENT_ONLY } else { "" };
        let sql = lite(&format!("{UNDER}{only}"));
        self.blocking(move |c| {
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![prefix, lo, hi], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })
        .await
    }

    async fn by_keys(&self, keys: Vec<String>) -> Result<Vec<(String, Vec<u8>)>> {
        self.blocking(move |c| {
            let mut stmt = c.prepare_cached(&lite(GET))?;
            let mut out = Vec::new();
            for k in keys {
                if let Some(data) = stmt.query_row([&k], |r| r.get(0)).optional()? {
                    out.push((k, data));
                }
            }
            Ok(out)
        })
        .await
    }

    async fn delete(&self, key: String) -> Result<bool> {
        self.blocking(move |c| Ok(c.execute(&lite(DELETE), [&key])? > 0))
            .await
    }
}
