//! [`Possession`] on PostgreSQL, and its recording inside an upload's finishing transaction.
//!
//! Stage: *the store*, under the facade's `possession` methods when the store is PostgreSQL.

use super::Postgres;
use crate::store::Result;
use crate::store::possession::{Holder, OF_FILE, Possession, RECORD};

/// Records a proof inside the transaction `tx`.
pub(super) async fn record(
    tx: &deadpool_postgres::Transaction<'_>,
    sha256: &str,
    user_id: i64,
    doc_id: &str,
) -> Result<()> {
    tx.execute(RECORD, &[&sha256, &user_id, &doc_id]).await?;
    Ok(())
}

#[async_trait::async_trait]
impl Possession for Postgres {
    async fn record(&self, sha256: String, user_id: i64, doc_id: String) -> Result<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        record(&tx, &sha256, user_id, &doc_id).await?;
        Ok(tx.commit().await?)
    }

    async fn of(&self, sha256: String) -> Result<Vec<Holder>> {
        Ok(self
            .client()
            .await?
            .query(OF_FILE, &[&sha256])
            .await?
            .into_iter()
            .map(|r| Holder {
                user_id: r.get(0),
                doc_id: r.get(1),
            })
            .collect())
    }
}
