//! [`Possession`] on SQLite, and its recording inside an upload's finishing transaction.
//!
//! Stage: *the store*, under the facade's `possession` methods when the store is a SQLite file.

use rusqlite::params;

use super::Sqlite;
use crate::store::possession::{Holder, OF_FILE, Possession, RECORD};
use crate::store::{Result, lite};

/// Records a proof inside the transaction `tx`.
pub(super) fn record(
    tx: &rusqlite::Transaction<'_>,
    sha256: &str,
    user_id: i64,
    doc_id: &str,
) -> rusqlite::Result<()> {
    tx.execute(&lite(RECORD), params![sha256, user_id, doc_id])
        .map(|_| ())
}

#[async_trait::async_trait]
impl Possession for Sqlite {
    async fn record(&self, sha256: String, user_id: i64, doc_id: String) -> Result<()> {
        self.blocking(move |c| {
            let tx = c.transaction()?;
            record(&tx, &sha256, user_id, &doc_id)?;
            tx.commit()
        })
        .await
    }

    async fn of(&self, sha256: String) -> Result<Vec<Holder>> {
        self.blocking(move |c| {
            let mut stmt = c.prepare_cached(&lite(OF_FILE))?;
            let rows = stmt.query_map([sha256], |r| {
                Ok(Holder {
                    user_id: r.get(0)?,
                    doc_id: r.get(1)?,
                })
            })?;
            rows.collect()
        })
        .await
    }
}
