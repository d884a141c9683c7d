//! [`Rows`] on PostgreSQL: values by each column's declared type.
//!
//! Stage: *the store*, under the facade's `copy` methods when the store is PostgreSQL.

use tokio_postgres::types::{ToSql, Type};

use super::Postgres;
use crate::store::Result;
use crate::store::copy::{Cell, Rows, insert_sql, page_sql};

#[async_trait::async_trait]
impl Rows for Postgres {
    fn insertion_order(&self) -> &'static str {
        "seq"
    }

    async fn page(
        &self,
        table: &str,
        columns: &str,
        order: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Vec<Cell>>> {
        let rows = self
            .client()
            .await?
            .query(&page_sql(table, columns, order), &[&limit, &offset])
            .await?;
        Ok(rows
            .iter()
            .map(|r| {
                r.columns()
                    .iter()
                    .enumerate()
                    .map(|(i, c)| match *c.type_() {
                        Type::BOOL => r.get::<_, Option<bool>>(i).map_or(Cell::Null, Cell::Bool),
                        Type::INT8 => r.get::<_, Option<i64>>(i).map_or(Cell::Null, Cell::Int),
                        Type::BYTEA => r
                            .get::<_, Option<Vec<u8>>>(i)
                            .map_or(Cell::Null, Cell::Bytes),
                        _ => r.get::<_, Option<String>>(i).map_or(Cell::Null, Cell::Text),
                    })
                    .collect()
            })
            .collect())
    }

    async fn insert(&self, table: &str, columns: &str, rows: Vec<Vec<Cell>>) -> Result<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let stmt = tx.prepare(&insert_sql(table, columns)).await?;
        for row in rows {
            let values: Vec<Box<dyn ToSql + Sync + Send>> = row
                .into_iter()
                .zip(stmt.params())
                .map(|(cell, ty)| -> Box<dyn ToSql + Sync + Send> {
                    match cell {
                        Cell::Null if *ty == Type::BOOL => Box::new(None::<bool>),
                        Cell::Null if *ty == Type::BYTEA => Box::new(None::<Vec<u8>>),
                        Cell::Null if *ty == Type::INT8 => Box::new(None::<i64>),
                        Cell::Null => Box::new(None::<String>),
                        Cell::Int(v) if *ty == Type::BOOL => Box::new(v != 0),
                        Cell::Int(v) => Box::new(v),
                        Cell::Bool(v) => Box::new(v),
                        Cell::Text(v) => Box::new(v),
                        Cell::Bytes(v) => Box::new(v),
                    }
                })
                .collect();
            let refs: Vec<&(dyn ToSql + Sync)> = values
                .iter()
                .map(|v| v.as_ref() as &(dyn ToSql + Sync))
                .collect();
            tx.execute(&stmt, &refs).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn after_copy(&self) -> Result<()> {
        self.client()
            .await?
            .batch_execute(
                "SELECT setval(pg_get_serial_sequence('users', 'id'),
                               coalesce((SELECT max(id) FROM users), 0) + 1, false);
                 SELECT setval(pg_get_serial_sequence('reports', 'id'),
                               coalesce((SELECT max(id) FROM reports), 0) + 1, false);
                 SELECT setval(pg_get_serial_sequence('account_events', 'id'),
                               coalesce((SELECT max(id) FROM account_events), 0) + 1, false);",
            )
            .await?;
        Ok(())
    }
}
