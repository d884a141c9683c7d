//! [`Files`] on PostgreSQL: an upload's row is locked (`FOR UPDATE`) while it is appended to or
//! finished, so two nodes never commit the same offset or adopt the same bytes twice.
//!
//! Stage: *the store*, under the facade's `files` methods when the store is PostgreSQL.

use std::collections::HashSet;

use sha2::{Digest, Sha256};

use super::Postgres;
use crate::store::files::{
    ADOPT_PIECES, ALL_STORED, CREATE_UPLOAD, Collect, DELETE_FILE, DELETE_UPLOAD, DROP_PIECES,
    Files, Finished, IS_STORED, MARK, NewUpload, PIECE, PIECES, PUT_PIECE, SET_RECEIVED, SIZE,
    STORED, StoredFile, UNMARK, UPLOAD_COLUMNS, Upload, collect_step, misplaced, upload_from,
    upload_sql,
};
use crate::store::{Result, StoreError};

fn upload_row(r: &tokio_postgres::Row) -> Upload {
    upload_from(
        r.get(0),
        r.get(1),
        r.get(2),
        r.get(3),
        r.get(4),
        r.get(5),
        r.get(6),
        r.get(7),
        r.get(8),
    )
}

fn stored_row(r: &tokio_postgres::Row) -> StoredFile {
    StoredFile {
        sha256: r.get(0),
        size: r.get::<_, i64>(1) as u64,
        mime: r.get(2),
    }
}

#[async_trait::async_trait]
impl Files for Postgres {
    async fn stored(&self, sha256: String) -> Result<Option<StoredFile>> {
        Ok(self
            .client()
            .await?
            .query_opt(STORED, &[&sha256])
            .await?
            .as_ref()
            .map(stored_row))
    }

    async fn create_upload(&self, u: NewUpload, reuse: bool) -> Result<Upload> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let done = reuse && tx.query_opt(IS_STORED, &[&u.sha256]).await?.is_some();
        let row = tx
            .query_one(
                &format!("{CREATE_UPLOAD} RETURNING {UPLOAD_COLUMNS}"),
                &[
                    &u.id,
                    &u.sha256,
                    &(u.size as i64),
                    &u.mime,
                    &u.name,
                    &u.doc_id,
                    &u.user_id,
                    &(if done { u.size as i64 } else { 0 }),
                    &done,
                ],
            )
            .await?;
        tx.commit().await?;
        Ok(upload_row(&row))
    }

    async fn upload(&self, id: String) -> Result<Option<Upload>> {
        Ok(self
            .client()
            .await?
            .query_opt(&upload_sql(), &[&id])
            .await?
            .as_ref()
            .map(upload_row))
    }

    async fn append(&self, id: String, offset: u64, data: Vec<u8>) -> Result<u64> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let Some(row) = tx
            .query_opt(
                "SELECT received, size FROM uploads WHERE id = $1 AND NOT done FOR UPDATE",
                &[&id],
            )
            .await?
        else {
            return Err(StoreError::NotFound("lượt tải lên đang mở".into()));
        };
        let (received, size): (i64, i64) = (row.get(0), row.get(1));
        if let Some(why) = misplaced(offset, data.len(), received, size) {
            return Err(StoreError::Invalid(why));
        }
        let mut at = offset;
        for piece in data.chunks(PIECE) {
            tx.execute(PUT_PIECE, &[&id, &(at as i64), &piece]).await?;
            at += piece.len() as u64;
        }
        tx.execute(SET_RECEIVED, &[&id, &(at as i64)]).await?;
        tx.commit().await?;
        Ok(at)
    }

    async fn head(&self, id: String, n: usize) -> Result<Vec<u8>> {
        let rows = self
            .client()
            .await?
            .query(
                r#"SELECT substring(data FROM 1 FOR $2) FROM upload_pieces
                   WHERE upload_id = $1 AND "offset" < $2 ORDER BY "offset""#,
                &[&id, &(n as i32)],
            )
            .await?;
        let mut out = Vec::new();
        for r in rows {
            let data: Vec<u8> = r.get(0);
            out.extend_from_slice(&data[..data.len().min(n - out.len())]);
            if out.len() >= n {
                break;
            }
        }
        Ok(out)
    }

    async fn finish(&self, id: String) -> Result<Finished> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let u = upload_row(
            &tx.query_one(&format!("{} FOR UPDATE", upload_sql()), &[&id])
                .await?,
        );
        if u.done {
            return Ok(Finished::Stored);
        }
        let mut hasher = Sha256::new();
        // Piece by piece: a file of tens of MB is not held whole.
        let pieces = tx
            .query(
                r#"SELECT "offset" FROM upload_pieces WHERE upload_id = $1 ORDER BY "offset""#,
                &[&id],
            )
            .await?;
        for p in pieces {
            let at: i64 = p.get(0);
            let row = tx
                .query_one(
                    r#"SELECT data FROM upload_pieces WHERE upload_id = $1 AND "offset" = $2"#,
                    &[&id, &at],
                )
                .await?;
            hasher.update(row.get::<_, &[u8]>(0));
        }
        let actual = hex::encode(hasher.finalize());
        if actual != u.declared.sha256 {
            tx.execute(DELETE_UPLOAD, &[&id]).await?;
            tx.commit().await?;
            return Ok(Finished::HashMismatch { actual });
        }
        let inserted = tx
            .execute(
                "INSERT INTO files (sha256, size, mime) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
                &[
                    &u.declared.sha256,
                    &(u.declared.size as i64),
                    &u.declared.mime,
                ],
            )
            .await?;
        if inserted == 1 {
            tx.execute(ADOPT_PIECES, &[&u.declared.sha256, &id]).await?;
        }
        super::possession::record(
            &tx,
            &u.declared.sha256,
            u.declared.user_id,
            &u.declared.doc_id,
        )
        .await?;
        tx.execute(DROP_PIECES, &[&id]).await?;
        tx.execute("UPDATE uploads SET done = true WHERE id = $1", &[&id])
            .await?;
        tx.commit().await?;
        Ok(Finished::Stored)
    }

    async fn uploaded_for(&self, sha256: String) -> Result<Vec<String>> {
        Ok(self
            .client()
            .await?
            .query(
                "SELECT DISTINCT doc_id FROM uploads WHERE sha256 = $1 AND done",
                &[&sha256],
            )
            .await?
            .into_iter()
            .map(|r| r.get(0))
            .collect())
    }

    async fn delete_upload(&self, id: String) -> Result<()> {
        self.client().await?.execute(DELETE_UPLOAD, &[&id]).await?;
        Ok(())
    }

    async fn read(&self, sha256: String) -> Result<Option<Vec<u8>>> {
        let c = self.client().await?;
        let Some(size) = c
            .query_opt(SIZE, &[&sha256])
            .await?
            .map(|r| r.get::<_, i64>(0))
        else {
            return Ok(None);
        };
        let mut out = Vec::with_capacity(size as usize);
        for r in c.query(PIECES, &[&sha256]).await? {
            out.extend_from_slice(r.get::<_, &[u8]>(0));
        }
        Ok(Some(out))
    }

    async fn all(&self) -> Result<Vec<StoredFile>> {
        Ok(self
            .client()
            .await?
            .query(ALL_STORED, &[])
            .await?
            .iter()
            .map(stored_row)
            .collect())
    }

    async fn collect(&self, named: HashSet<String>, now: i64, grace: i64) -> Result<Vec<String>> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let all: Vec<(String, Option<i64>)> = tx
            .query(
                "SELECT sha256, unreferenced_since FROM files FOR UPDATE",
                &[],
            )
            .await?
            .into_iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let mut deleted = Vec::new();
        for (sha, since) in all {
            match collect_step(&named, &sha, since, now, grace) {
                Some(Collect::Unmark) => {
                    tx.execute(UNMARK, &[&sha]).await?;
                }
                Some(Collect::Mark) => {
                    tx.execute(MARK, &[&sha, &now]).await?;
                }
                Some(Collect::Delete) => {
                    tx.execute(DELETE_FILE, &[&sha]).await?;
                    deleted.push(sha);
                }
                None => {}
            }
        }
        tx.execute(
            "DELETE FROM uploads WHERE created_at <= $1",
            &[&(now - grace)],
        )
        .await?;
        tx.commit().await?;
        Ok(deleted)
    }
}
