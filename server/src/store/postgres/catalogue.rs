//! [`Catalogue`] on PostgreSQL (its order is the `seq` column's); a new entry is announced.
//!
//! Stage: *the store*, under the facade's `catalogue` methods when the store is PostgreSQL.

use super::Postgres;
use crate::store::catalogue::{Catalogue, REGISTER, documents_sql, record};
use crate::store::{DocRecord, Result};

#[async_trait::async_trait]
impl Catalogue for Postgres {
    async fn register(&self, recs: Vec<DocRecord>) -> Result<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        // The other nodes read the catalogue again when this commits.
        self.announce(&tx, 'r', &[]).await?;
        for rec in &recs {
            tx.execute(
                REGISTER,
                &[
                    &rec.doc_id,
                    &rec.kind.as_str(),
                    &rec.agency_id,
                    &rec.plan_id,
                    &rec.unit_id,
                    &rec.title,
                ],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn documents(&self) -> Result<Vec<DocRecord>> {
        Ok(self
            .client()
            .await?
            .query(&documents_sql("seq"), &[])
            .await?
            .into_iter()
            .map(|r| record(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
            .collect())
    }
}
