//! [`Readings`] on PostgreSQL.
//!
//! Stage: *the store*, under the facade's `models` methods when the store is PostgreSQL.

use super::Postgres;
use crate::store::Result;
use crate::store::models::{KEPT, PUT, Readings};

#[async_trait::async_trait]
impl Readings for Postgres {
    async fn kept(
        &self,
        doc_id: String,
        print: String,
        build: &'static str,
    ) -> Result<Option<Vec<u8>>> {
        Ok(self
            .client()
            .await?
            .query_opt(KEPT, &[&doc_id, &print, &build])
            .await?
            .map(|r| r.get(0)))
    }

    async fn put(&self, slice: Vec<(String, String, Vec<u8>)>, build: &'static str) -> Result<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let put = tx.prepare(PUT).await?;
        for (doc, print, data) in &slice {
            tx.execute(&put, &[doc, print, &build, data]).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
