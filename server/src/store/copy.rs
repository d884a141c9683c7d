//! Copying a deployment from one store to another (`tiendo migrate-store`): every table's rows
//! as they are, then every document read back from the destination and its heads compared with
//! the source's.
//!
//! Stage: *operations*, with no server running on either store.

use std::collections::BTreeMap;

use super::{Engine, Result, Store, StoreError, lite, pg};

/// Every table a deployment keeps, in an order that respects the foreign keys, with the columns
/// copied (both engines use the same names), the order rows are read in, and how many rows go in
/// one page (file pieces are up to 256 KiB each). `doc_readings` is a cache and is not copied.
const TABLES: &[(&str, &str, &str, i64)] = &[
    ("chunks", "key, data", "key", 200),
    (
        "documents",
        "doc_id, kind, agency_id, plan_id, unit_id, title, created_at",
        // The catalogue's order (oldest first) is kept: SQLite's rowid, PostgreSQL's seq.
        "",
        1000,
    ),
    (
        "users",
        "id, username, display_name, role, agency_id, unit_id, password_hash, disabled, created_at",
        "id",
        1000,
    ),
    (
        "sessions",
        "token_hash, user_id, created_at, expires_at",
        "token_hash",
        1000,
    ),
    (
        "reports",
        "id, plan_id, period, kind, as_of, username, generated_at",
        "id",
        1000,
    ),
    (
        "files",
        "sha256, size, mime, stored_at, unreferenced_since",
        "sha256",
        1000,
    ),
    (
        "file_pieces",
        r#"sha256, "offset", data"#,
        r#"sha256, "offset""#,
        16,
    ),
    (
        "uploads",
        "id, sha256, size, mime, name, doc_id, user_id, received, done, created_at",
        "id",
        1000,
    ),
    (
        "file_possession",
        "sha256, user_id, doc_id, since",
        "sha256, user_id, doc_id",
        1000,
    ),
    (
        "upload_pieces",
        r#"upload_id, "offset", data"#,
        r#"upload_id, "offset""#,
        16,
    ),
    (
        "step_receipts",
        "doc_id, step_id, received_at",
        "doc_id, step_id",
        1000,
    ),
    ("counts", "name, value", "name", 1000),
    (
        "change_attestations",
        "doc_id, hash, user_id, username, received_at, via, signed_at",
        "doc_id, hash",
        1000,
    ),
    (
        "device_keys",
        "public_key, user_id, label, created_at",
        "public_key",
        1000,
    ),
    ("server_keys", "name, secret", "name", 1000),
    (
        "login_failures",
        "key, count, last, locked_until",
        "key",
        1000,
    ),
    (
        "account_events",
        "id, at, actor, action, username, agency_id, detail",
        "id",
        1000,
    ),
];

/// One value of a row, as either engine gives it.
#[derive(Debug, Clone)]
enum Cell {
    Null,
    Int(i64),
    Bool(bool),
    Text(String),
    Bytes(Vec<u8>),
}

/// What a copy did.
#[derive(Debug, Default)]
pub struct Copied {
    /// Rows copied per table.
    pub rows: BTreeMap<&'static str, u64>,
    /// Documents whose heads were compared (all of them matched, or the copy failed).
    pub documents: usize,
}

/// Copies every row of `from` into `to`, which must hold no documents yet, then reads every
/// catalogued document from both and compares their heads.
pub async fn copy(from: &Store, to: &Store) -> Result<Copied> {
    if !to.documents().await?.is_empty() || !to.users().await?.is_empty() {
        return Err(StoreError::Exists(
            "kho đích đã có dữ liệu; chỉ chuyển sang một kho trống".into(),
        ));
    }
    let mut copied = Copied::default();
    for &(table, columns, order, page) in TABLES {
        let order = match (order, &from.engine) {
            ("", Engine::Sqlite(_)) => "rowid",
            ("", Engine::Postgres(_)) => "seq",
            (o, _) => o,
        };
        let mut offset = 0;
        loop {
            let rows = from.page(table, columns, order, page, offset).await?;
            if rows.is_empty() {
                break;
            }
            offset += rows.len() as i64;
            to.insert(table, columns, rows).await?;
        }
        copied.rows.insert(table, offset as u64);
    }
    to.after_copy().await?;
    // Verified: every document reads back from the destination to the same heads.
    for rec in from.documents().await? {
        let (a, b) = (
            from.read_document(&rec.doc_id).await,
            to.read_document(&rec.doc_id).await,
        );
        match (a, b) {
            (Ok(a), Ok(b)) if a.get_heads() == b.get_heads() => {}
            // A catalogued document with no chunks yet (never written): nothing to compare.
            (Err(StoreError::NotFound(_)), Err(StoreError::NotFound(_))) => {}
            (a, b) => {
                return Err(StoreError::Invalid(format!(
                    "tài liệu {} khác nhau sau khi chép: nguồn {:?}, đích {:?}",
                    rec.doc_id,
                    a.map(|d| d.get_heads()),
                    b.map(|d| d.get_heads())
                )));
            }
        }
        copied.documents += 1;
    }
    Ok(copied)
}

impl Store {
    /// Rows `offset..offset + limit` of `table` in `order`.
    async fn page(
        &self,
        table: &str,
        columns: &str,
        order: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Vec<Cell>>> {
        let sql = format!("SELECT {columns} FROM {table} ORDER BY {order} LIMIT $1 OFFSET $2");
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    use rusqlite::types::ValueRef;
                    let mut stmt = c.prepare(&lite(&sql))?;
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
                                ValueRef::Text(t) => {
                                    Cell::Text(String::from_utf8_lossy(t).into_owned())
                                }
                                ValueRef::Blob(b) => Cell::Bytes(b.to_vec()),
                            });
                        }
                        out.push(row);
                    }
                    Ok(out)
                })
                .await
            }
            Engine::Postgres(pool) => {
                use tokio_postgres::types::Type;
                let rows = pg(pool).await?.query(&sql, &[&limit, &offset]).await?;
                Ok(rows
                    .iter()
                    .map(|r| {
                        r.columns()
                            .iter()
                            .enumerate()
                            .map(|(i, c)| match *c.type_() {
                                Type::BOOL => {
                                    r.get::<_, Option<bool>>(i).map_or(Cell::Null, Cell::Bool)
                                }
                                Type::INT8 => {
                                    r.get::<_, Option<i64>>(i).map_or(Cell::Null, Cell::Int)
                                }
                                Type::BYTEA => r
                                    .get::<_, Option<Vec<u8>>>(i)
                                    .map_or(Cell::Null, Cell::Bytes),
                                _ => r.get::<_, Option<String>>(i).map_or(Cell::Null, Cell::Text),
                            })
                            .collect()
                    })
                    .collect())
            }
        }
    }

    /// Inserts `rows` into `table` in one transaction.
    async fn insert(&self, table: &str, columns: &str, rows: Vec<Vec<Cell>>) -> Result<()> {
        let n = columns.split(',').count();
        let marks: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO {table} ({columns}) VALUES ({})",
            marks.join(", ")
        );
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    use rusqlite::types::Value;
                    let tx = c.transaction()?;
                    {
                        let mut stmt = tx.prepare(&lite(&sql))?;
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
            Engine::Postgres(pool) => {
                use tokio_postgres::types::{ToSql, Type};
                let mut c = pg(pool).await?;
                let tx = c.transaction().await?;
                let stmt = tx.prepare(&sql).await?;
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
        }
    }

    /// After rows were copied in with their ids: PostgreSQL's sequences continue past them.
    async fn after_copy(&self) -> Result<()> {
        if let Engine::Postgres(pool) = &self.engine {
            pg(pool)
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
        }
        Ok(())
    }
}
