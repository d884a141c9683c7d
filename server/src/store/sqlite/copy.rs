//! [`Rows`] on SQLite: values as SQLite's dynamic types give them.
//!
//! Stage: *the store*, under the facade's `copy` methods when the store is a SQLite file.

use rusqlite::types::{Value, ValueRef};

use super::Sqlite;
use crate::store::copy::{Cell, Rows, insert_sql, page_sql};
use crate::store::{Result, lite};

#[async_trait::async_trait]
impl Rows for Sqlite {
    fn insertion_order(&self) -> &'static str {
        "rowid"
    }

    async fn page(
        &self,
        table: &str,
        columns: &str,
        order: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Vec<Cell>>> {
        let sql = lite(&page_sql(table, columns, order));
        self.blocking(move |c| {
            let mut stmt = c.prepare(&sql)?;
            let n = stmt.column_count();
            let mut rows = stmt.query([limit, offset])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                let mut row = Vec::with_capacity(n);
                for i in 0..n {
                    row.push(match r.get_ref(i)? {
                        ValueRef::Null => Cell::Null,
                        ValueRef::Integer(v) => Cell::Int(v),
                        ValueRef::Real(v) => Cell::Int(v as i64),
                        ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
                        ValueRef::Blob(b) => Cell::Bytes(b.to_vec()),
                    });
                }
                out.push(row);
            }
            Ok(out)
        })
        .await
    }

    async fn insert(&self, table: &str, columns: &str, rows: Vec<Vec<Cell>>) -> Result<()> {
        let sql = lite(&insert_sql(table, columns));
        self.blocking(move |c| {
            let tx = c.transaction()?;
            {
                let mut stmt = tx.prepare(&sql)?;
                for row in rows {
                    let values = row.into_iter().map(|cell| match cell {
                        Cell::Null => Value::Null,
                        Cell::Int(v) => Value::Integer(v),
                        Cell::Bool(v) => Value::Integer(v.into()),
                        Cell::Text(v) => Value::Text(v),
                        Cell::Bytes(v) => Value::Blob(v),
                    });
                    stmt.execute(rusqlite::params_from_iter(values))?;
                }
            }
            tx.commit()
        })
        .await
    }

    async fn after_copy(&self) -> Result<()> {
        // INTEGER PRIMARY KEY continues past the largest id by itself.
        Ok(())
    }
}
