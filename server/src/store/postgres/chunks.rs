//! [`Chunks`] on PostgreSQL: one statement for a whole batch, and the new content chunks
//! announced to the other nodes in the same transaction.
//!
//! Stage: *the store*, under the facade's `chunks` methods when the store is PostgreSQL.

use std::collections::{HashMap, HashSet};

use super::Postgres;
use crate::store::Result;
use crate::store::attest::Attested;
use crate::store::chunks::{CONTENT_ONLY, Chunks, DELETE, GET, HAS, UNDER};
use crate::store::prints::content_doc;

#[async_trait::async_trait]
impl Chunks for Postgres {
    async fn commit(
        &self,
        batch: Vec<(String, Vec<u8>)>,
        attested: Vec<Attested>,
    ) -> Result<Vec<bool>> {
        // A key written twice in one batch: the last write wins (one row may be upserted only
        // once per statement), and the later writes find it stored.
        let mut last = HashMap::new();
        for (i, (k, _)) in batch.iter().enumerate() {
            last.insert(k.as_str(), i);
        }
        let mut keys = Vec::with_capacity(last.len());
        let mut datas = Vec::with_capacity(last.len());
        for (i, (k, d)) in batch.iter().enumerate() {
            if last.get(k.as_str()) == Some(&i) {
                keys.push(k.as_str());
                datas.push(d.as_slice());
            }
        }
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let stored: HashSet<String> = tx
            .query("SELECT key FROM chunks WHERE key = ANY($1)", &[&keys])
            .await?
            .into_iter()
            .map(|r| r.get(0))
            .collect();
        tx.execute(
            "INSERT INTO chunks (key, data) SELECT * FROM unnest($1::text[], $2::bytea[])
             ON CONFLICT (key) DO UPDATE SET data = excluded.data",
            &[&keys, &datas],
        )
        .await?;
        super::attest::insert(&tx, &attested).await?;
        // Announced to the other nodes sharing the database, delivered when this commits.
        let content: Vec<&str> = keys
            .iter()
            .copied()
            .filter(|k| content_doc(k).is_some())
            .collect();
        if !content.is_empty() {
            self.announce(&tx, 'c', &content).await?;
        }
        tx.commit().await?;
        let mut seen = HashSet::new();
        Ok(batch
            .iter()
            .map(|(k, _)| stored.contains(k) || !seen.insert(k.as_str()))
            .collect())
    }

    async fn get(&self, key: String) -> Result<Option<Vec<u8>>> {
        Ok(self
            .client()
            .await?
            .query_opt(GET, &[&key])
            .await?
            .map(|r| r.get(0)))
    }

    async fn has(&self, key: String) -> Result<bool> {
        Ok(self
            .client()
            .await?
            .query_opt(HAS, &[&key])
            .await?
            .is_some())
    }

    async fn under(
        &self,
        prefix: String,
        lo: String,
        hi: String,
        content: bool,
    ) -> Result<Vec<(String, Vec<u8>)>> {
        let only = if content { CONTENT_ONLY } else { "" };
        Ok(self
            .client()
            .await?
            .query(&format!("{UNDER}{only}"), &[&prefix, &lo, &hi])
            .await?
            .into_iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    async fn by_keys(&self, keys: Vec<String>) -> Result<Vec<(String, Vec<u8>)>> {
        Ok(self
            .client()
            .await?
            .query("SELECT key, data FROM chunks WHERE key = ANY($1)", &[&keys])
            .await?
            .into_iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    async fn delete(&self, key: String) -> Result<bool> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let deleted = tx.execute(DELETE, &[&key]).await? > 0;
        if deleted && content_doc(&key).is_some() {
            self.announce(&tx, 'd', &[&key]).await?;
        }
        tx.commit().await?;
        Ok(deleted)
    }
}
