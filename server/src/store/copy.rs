//! Copying a deployment from one store to another (`tiendo migrate-store`): every table's rows
//! as they are, then every document read back from the destination and its heads compared with
//! the source's.
//!
//! Stage: *operations*, with no server running on either store.

use std::collections::BTreeMap;

use super::{Result, Store, StoreError};

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
pub(crate) enum Cell {
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
        let order = match order {
            "" => from.engine.rows.insertion_order(),
            o => o,
        };
        let mut offset = 0;
        loop {
            let rows = from
                .engine
                .rows
                .page(table, columns, order, page, offset)
                .await?;
            if rows.is_empty() {
                break;
            }
            offset += rows.len() as i64;
            to.engine.rows.insert(table, columns, rows).await?;
        }
        copied.rows.insert(table, offset as u64);
    }
    to.engine.rows.after_copy().await?;
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

/// The contract of raw rows, for copying a deployment: each engine reads its values into
/// [`Cell`]s and writes them back in its own types.
#[async_trait::async_trait]
pub(crate) trait Rows: Send + Sync {
    /// The column giving the catalogue's insertion order (SQLite's rowid, PostgreSQL's seq).
    fn insertion_order(&self) -> &'static str;
    /// Rows `offset..offset + limit` of `table` in `order`.
    async fn page(
        &self,
        table: &str,
        columns: &str,
        order: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Vec<Cell>>>;
    /// Inserts `rows` into `table` in one transaction.
    async fn insert(&self, table: &str, columns: &str, rows: Vec<Vec<Cell>>) -> Result<()>;
    /// After rows were copied in with their ids: the ids given next continue past them.
    async fn after_copy(&self) -> Result<()>;
}

/// Rows `offset..offset + limit` of `table` in `order` (both engines).
pub(crate) fn page_sql(table: &str, columns: &str, order: &str) -> String {
    format!("SELECT {columns} FROM {table} ORDER BY {order} LIMIT $1 OFFSET $2")
}

/// Inserts one row of `columns` into `table` (both engines).
pub(crate) fn insert_sql(table: &str, columns: &str) -> String {
    let n = columns.split(',').count();
    let marks: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
    format!(
        "INSERT INTO {table} ({columns}) VALUES ({})",
        marks.join(", ")
    )
}
