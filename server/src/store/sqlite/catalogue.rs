//! [`Catalogue`] on SQLite (its order is the rowid's).
//!
//! Stage: *the store*, under the facade's `catalogue` methods when the store is a SQLite file.

use rusqlite::params;

use super::Sqlite;
use crate::store::catalogue::{Catalogue, REGISTER, documents_sql, record};
use crate::store::{DocRecord, Result, lite};

#[async_trait::async_trait]
impl Catalogue for Sqlite {
    async fn register(&self, recs: Vec<DocRecord>) -> Result<()> {
        self.blocking(move |c| {
            let tx = c.transaction()?;
            for rec in recs {
                tx.execute(
                    &lite(REGISTER),
                    params![
                        rec.doc_id,
                        rec.kind.as_str(),
                        rec.agency_id,
                        rec.plan_id,
                        rec.unit_id,
                        rec.title
                    ],
                )?;
            }
            tx.commit()
        })
        .await
    }

    async fn documents(&self) -> Result<Vec<DocRecord>> {
        self.blocking(|c| {
            let mut stmt = c.prepare(&documents_sql("rowid"))?;
            let rows = stmt.query_map([], |r| {
                Ok(record(
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?;
            rows.collect()
        })
        .await
    }
}
