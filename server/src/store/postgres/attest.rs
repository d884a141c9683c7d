//! [`Attestations`] on PostgreSQL, and their writing inside the chunks' transaction (one
//! statement for a batch).
//!
//! Stage: *the store*, under the facade's `attest` methods when the store is PostgreSQL.

use super::Postgres;
use crate::store::Result;
use crate::store::attest::{Attestations, Attested, COLUMNS, from_columns};

/// Writes `batch` inside the chunks' transaction `tx` (the first delivery stands).
pub(super) async fn insert(
    tx: &deadpool_postgres::Transaction<'_>,
    batch: &[Attested],
) -> Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let docs: Vec<&str> = batch.iter().map(|a| a.doc_id.as_str()).collect();
    let hashes: Vec<&[u8]> = batch.iter().map(|a| a.hash.0.as_slice()).collect();
    let users: Vec<i64> = batch.iter().map(|a| a.user_id).collect();
    let names: Vec<&str> = batch.iter().map(|a| a.username.as_str()).collect();
    let times: Vec<i64> = batch.iter().map(|a| a.received_at).collect();
    let vias: Vec<&str> = batch.iter().map(|a| a.via.as_str()).collect();
    let signed: Vec<Option<i64>> = batch.iter().map(|a| a.via.signed_at()).collect();
    tx.execute(
        "INSERT INTO change_attestations
             (doc_id, hash, user_id, username, received_at, via, signed_at)
         SELECT * FROM unnest($1::text[], $2::bytea[], $3::bigint[], $4::text[], $5::bigint[],
                              $6::text[], $7::bigint[])
         ON CONFLICT DO NOTHING",
        &[&docs, &hashes, &users, &names, &times, &vias, &signed],
    )
    .await?;
    Ok(())
}

/// A row of [`COLUMNS`] (`None`: a hash that is not one).
fn row(r: &tokio_postgres::Row) -> Option<Attested> {
    from_columns(
        r.get(0),
        r.get(1),
        r.get(2),
        r.get(3),
        r.get(4),
        r.get(5),
        r.get(6),
    )
}

#[async_trait::async_trait]
impl Attestations for Postgres {
    async fn attested(&self, doc_id: String, hashes: Vec<Vec<u8>>) -> Result<Vec<Attested>> {
        Ok(self
            .client()
            .await?
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM change_attestations
                     WHERE doc_id = $1 AND hash = ANY($2)"
                ),
                &[&doc_id, &hashes],
            )
            .await?
            .iter()
            .filter_map(row)
            .collect())
    }

    async fn attestations_of(&self, doc_ids: Vec<String>) -> Result<Vec<Attested>> {
        Ok(self
            .client()
            .await?
            .query(
                &format!("SELECT {COLUMNS} FROM change_attestations WHERE doc_id = ANY($1)"),
                &[&doc_ids],
            )
            .await?
            .iter()
            .filter_map(row)
            .collect())
    }
}
