//! [`Files`] on SQLite.
//!
//! Stage: *the store*, under the facade's `files` methods when the store is a SQLite file.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::Sqlite;
use crate::store::files::{
    ADOPT_PIECES, ALL_STORED, CREATE_UPLOAD, Collect, DELETE_FILE, DELETE_UPLOAD, DROP_PIECES,
    Files, Finished, IS_STORED, MARK, NewUpload, PIECE, PIECES, PUT_PIECE, SET_RECEIVED, SIZE,
    STORED, StoredFile, UNMARK, Upload, collect_step, misplaced, upload_from, upload_sql,
};
use crate::store::{Result, StoreError, lite};

fn upload_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Upload> {
    Ok(upload_from(
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

fn stored_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredFile> {
    Ok(StoredFile {
        sha256: r.get(0)?,
        size: r.get::<_, i64>(1)? as u64,
        mime: r.get(2)?,
    })
}

/// The pieces of upload `id` in order.
const UPLOAD_PIECES: &str =
    r#"SELECT data FROM upload_pieces WHERE upload_id = ?1 ORDER BY "offset""#;

#[async_trait::async_trait]
impl Files for Sqlite {
    async fn stored(&self, sha256: String) -> Result<Option<StoredFile>> {
        self.blocking(move |c| c.query_row(&lite(STORED), [sha256], stored_row).optional())
            .await
    }

    async fn create_upload(&self, u: NewUpload, reuse: bool) -> Result<Upload> {
        self.blocking(move |c| {
            let tx = c.transaction()?;
            let stored: bool = reuse
                && tx
                    .query_row(&lite(IS_STORED), [&u.sha256], |_| Ok(true))
                    .optional()?
                    .unwrap_or(false);
            tx.execute(
                &lite(CREATE_UPLOAD),
                params![
                    u.id,
                    u.sha256,
                    u.size as i64,
                    u.mime,
                    u.name,
                    u.doc_id,
                    u.user_id,
                    if stored { u.size as i64 } else { 0 },
                    stored
                ],
            )?;
            let row = tx.query_row(&lite(&upload_sql()), [&u.id], upload_row)?;
            tx.commit()?;
            Ok(row)
        })
        .await
    }

    async fn upload(&self, id: String) -> Result<Option<Upload>> {
        self.blocking(move |c| {
            c.query_row(&lite(&upload_sql()), [id], upload_row)
                .optional()
        })
        .await
    }

    async fn append(&self, id: String, offset: u64, data: Vec<u8>) -> Result<u64> {
        self.blocking(move |c| {
            let tx = c.transaction()?;
            let (received, size): (i64, i64) = tx.query_row(
                "SELECT received, size FROM uploads WHERE id = ?1 AND done = 0",
                [&id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if let Some(why) = misplaced(offset, data.len(), received, size) {
                return Err(rusqlite::Error::InvalidParameterName(why));
            }
            let mut at = offset;
            for piece in data.chunks(PIECE) {
                tx.execute(&lite(PUT_PIECE), params![id, at as i64, piece])?;
                at += piece.len() as u64;
            }
            tx.execute(&lite(SET_RECEIVED), params![id, at as i64])?;
            tx.commit()?;
            Ok(at)
        })
        .await
        .map_err(|e| match e {
            StoreError::Sqlite(rusqlite::Error::InvalidParameterName(why)) => {
                StoreError::Invalid(why)
            }
            StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows) => {
                StoreError::NotFound("lượt tải lên đang mở".into())
            }
            e => e,
        })
    }

    async fn head(&self, id: String, n: usize) -> Result<Vec<u8>> {
        self.blocking(move |c| {
            let mut stmt = c.prepare(UPLOAD_PIECES)?;
            let mut rows = stmt.query([id])?;
            let mut out = Vec::new();
            while out.len() < n
                && let Some(r) = rows.next()?
            {
                let data: Vec<u8> = r.get(0)?;
                out.extend_from_slice(&data[..data.len().min(n - out.len())]);
            }
            Ok(out)
        })
        .await
    }

    async fn finish(&self, id: String) -> Result<Finished> {
        self.blocking(move |c| {
            let tx = c.transaction()?;
            let u = tx.query_row(&lite(&upload_sql()), [&id], upload_row)?;
            if u.done {
                return Ok(Finished::Stored);
            }
            let mut hasher = Sha256::new();
            {
                let mut stmt = tx.prepare(UPLOAD_PIECES)?;
                let mut rows = stmt.query([&id])?;
                while let Some(r) = rows.next()? {
                    hasher.update(r.get_ref(0)?.as_blob()?);
                }
            }
            let actual = hex::encode(hasher.finalize());
            if actual != u.declared.sha256 {
                tx.execute(&lite(DELETE_UPLOAD), [&id])?;
                tx.commit()?;
                return Ok(Finished::HashMismatch { actual });
            }
            let inserted = tx.execute(
                "INSERT OR IGNORE INTO files (sha256, size, mime) VALUES (?1, ?2, ?3)",
                params![u.declared.sha256, u.declared.size as i64, u.declared.mime],
            )?;
            if inserted == 1 {
                tx.execute(&lite(ADOPT_PIECES), params![u.declared.sha256, id])?;
            }
            super::possession::record(
                &tx,
                &u.declared.sha256,
                u.declared.user_id,
                &u.declared.doc_id,
            )?;
            tx.execute(&lite(DROP_PIECES), [&id])?;
            tx.execute("UPDATE uploads SET done = 1 WHERE id = ?1", [&id])?;
            tx.commit()?;
            Ok(Finished::Stored)
        })
        .await
    }

    async fn uploaded_for(&self, sha256: String) -> Result<Vec<String>> {
        self.blocking(move |c| {
            let mut stmt =
                c.prepare("SELECT DISTINCT doc_id FROM uploads WHERE sha256 = ?1 AND done = 1")?;
            let rows = stmt.query_map([sha256], |r| r.get(0))?;
            rows.collect()
        })
        .await
    }

    async fn delete_upload(&self, id: String) -> Result<()> {
        self.blocking(move |c| c.execute(&lite(DELETE_UPLOAD), [id]).map(|_| ()))
            .await
    }

    async fn read(&self, sha256: String) -> Result<Option<Vec<u8>>> {
        self.blocking(move |c| {
            let size: Option<i64> = c
                .query_row(&lite(SIZE), [&sha256], |r| r.get(0))
                .optional()?;
            let Some(size) = size else {
                return Ok(None);
            };
            let mut out = Vec::with_capacity(size as usize);
            let mut stmt = c.prepare(&lite(PIECES))?;
            let mut rows = stmt.query([&sha256])?;
            while let Some(r) = rows.next()? {
                out.extend_from_slice(r.get_ref(0)?.as_blob()?);
            }
            Ok(Some(out))
        })
        .await
    }

    async fn all(&self) -> Result<Vec<StoredFile>> {
        self.blocking(|c| {
            let mut stmt = c.prepare(ALL_STORED)?;
            let rows = stmt.query_map([], stored_row)?;
            rows.collect()
        })
        .await
    }

    async fn collect(&self, named: HashSet<String>, now: i64, grace: i64) -> Result<Vec<String>> {
        self.blocking(move |c| {
            let tx = c.transaction()?;
            let all: Vec<(String, Option<i64>)> = {
                let mut stmt = tx.prepare("SELECT sha256, unreferenced_since FROM files")?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let mut deleted = Vec::new();
            for (sha, since) in all {
                match collect_step(&named, &sha, since, now, grace) {
                    Some(Collect::Unmark) => {
                        tx.execute(&lite(UNMARK), [&sha])?;
                    }
                    Some(Collect::Mark) => {
                        tx.execute(&lite(MARK), params![sha, now])?;
                    }
                    Some(Collect::Delete) => {
                        tx.execute(&lite(DELETE_FILE), [&sha])?;
                        deleted.push(sha);
                    }
                    None => {}
                }
            }
            tx.execute(
                "DELETE FROM uploads WHERE done = 0 AND created_at <= ?1",
                [now - grace],
            )?;
            tx.execute(
                "DELETE FROM uploads WHERE done = 1 AND created_at <= ?1",
                [now - grace],
            )?;
            tx.commit()?;
            Ok(deleted)
        })
        .await
    }
}
