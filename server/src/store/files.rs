//! Evidence files, content-addressed by SHA-256: the files stored and the uploads under way.
//!
//! Stage: *the store*, under the resumable upload routes (`routes::files`, the tus protocol).
//! The bytes live in the same database as the documents (SQLite or PostgreSQL), in pieces of at
//! most [`PIECE`] bytes:
//!
//! - an upload's pieces are committed as they arrive, one transaction each, so a cut link or a
//!   killed server resumes from the last piece committed, never from zero;
//! - a file is served only once its `files` row exists, and that row is written in the same
//!   transaction that adopts the upload's pieces after their SHA-256 was checked: a crash at any
//!   point leaves either the whole verified file or none of it;
//! - `tiendo backup`/`restore` (SQLite's online backup) and `pg_dump` carry the files together
//!   with the documents that name them, consistent with each other;
//! - one store to move, when the server moves to another database.
//!
//! The same bytes uploaded twice are stored once. A second upload is done at creation only when
//! the route found the uploader may read the file already ([`Store::create_upload`]'s `reuse`);
//! otherwise it takes the bytes like any upload, and when they hash as declared they prove the
//! uploader holds the file ([`super::possession`], recorded as the upload finishes) and are
//! dropped, the file's stored pieces kept.

use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::{Engine, Result, Store, StoreError};

/// The largest piece of a file kept in one row.
pub const PIECE: usize = 256 * 1024;

/// A stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Media type.
    pub mime: String,
}

/// An upload to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUpload {
    /// Its id (random, in the upload's URL).
    pub id: String,
    /// The SHA-256 the uploader declared (checked when the last byte arrives).
    pub sha256: String,
    /// The declared length.
    pub size: u64,
    /// The declared media type (checked against the first bytes).
    pub mime: String,
    /// The file's name.
    pub name: String,
    /// The progress document the file is attached in (the uploader may write it).
    pub doc_id: String,
    /// Who uploads.
    pub user_id: i64,
}

/// An upload as stored: what was declared, and how far it has come.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// What the uploader declared at creation.
    pub declared: NewUpload,
    /// Bytes received and committed.
    pub received: u64,
    /// The file is stored (verified, or stored before by another upload).
    pub done: bool,
}

/// How finishing an upload went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finished {
    /// The bytes hash as declared: the file is stored.
    Stored,
    /// They do not: the upload and its bytes are gone; the file was not stored.
    HashMismatch {
        /// What the bytes hash to.
        actual: String,
    },
}

fn upload_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Upload> {
    Ok(Upload {
        declared: NewUpload {
            id: r.get(0)?,
            sha256: r.get(1)?,
            size: r.get::<_, i64>(2)? as u64,
            mime: r.get(3)?,
            name: r.get(4)?,
            doc_id: r.get(5)?,
            user_id: r.get(6)?,
        },
        received: r.get::<_, i64>(7)? as u64,
        done: r.get(8)?,
    })
}

const UPLOAD_COLUMNS: &str = "id, sha256, size, mime, name, doc_id, user_id, received, done";

impl Store {
    /// The stored file `sha256`, if any.
    pub async fn stored_file(&self, sha256: &str) -> Result<Option<StoredFile>> {
        if let Engine::Postgres(pool) = &self.engine {
            return postgres::stored_file_pg(pool, sha256).await;
        }
        let sha256 = sha256.to_string();
        self.blocking(move |c| {
            c.query_row(
                "SELECT sha256, size, mime FROM files WHERE sha256 = ?1",
                [sha256],
                |r| {
                    Ok(StoredFile {
                        sha256: r.get(0)?,
                        size: r.get::<_, i64>(1)? as u64,
                        mime: r.get(2)?,
                    })
                },
            )
            .optional()
        })
        .await
    }

    /// Creates an upload. With `reuse` (the uploader may read the file already), when the file
    /// is stored the upload is done at once, with every byte counted as received (nothing is sent
    /// twice); without it, the upload waits for the bytes whether the file is stored or not, so
    /// its answer tells nothing of what the server holds.
    pub async fn create_upload(&self, u: NewUpload, reuse: bool) -> Result<Upload> {
        if let Engine::Postgres(pool) = &self.engine {
            return postgres::create_upload_pg(pool, u, reuse).await;
        }
        self.blocking(move |c| {
            let tx = c.transaction()?;
            let stored: bool = reuse
                && tx
                    .query_row("SELECT 1 FROM files WHERE sha256 = ?1", [&u.sha256], |_| {
                        Ok(true)
                    })
                    .optional()?
                    .unwrap_or(false);
            tx.execute(
                "INSERT INTO uploads (id, sha256, size, mime, name, doc_id, user_id, received, done)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
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
            let row = tx.query_row(
                &format!("SELECT {UPLOAD_COLUMNS} FROM uploads WHERE id = ?1"),
                [&u.id],
                upload_row,
            )?;
            tx.commit()?;
            Ok(row)
        })
        .await
    }

    /// Upload `id`, if it exists.
    pub async fn upload(&self, id: &str) -> Result<Option<Upload>> {
        if let Engine::Postgres(pool) = &self.engine {
            return postgres::upload_pg(pool, id).await;
        }
        let id = id.to_string();
        self.blocking(move |c| {
            c.query_row(
                &format!("SELECT {UPLOAD_COLUMNS} FROM uploads WHERE id = ?1"),
                [id],
                upload_row,
            )
            .optional()
        })
        .await
    }

    /// Commits `data` as the bytes of upload `id` from `offset`, which must be what was received
    /// so far; returns the new count received. Pieces are stored at most [`PIECE`] bytes each.
    pub async fn append_upload(&self, id: &str, offset: u64, data: Vec<u8>) -> Result<u64> {
        if let Engine::Postgres(pool) = &self.engine {
            return postgres::append_upload_pg(pool, id, offset, data).await;
        }
        let id = id.to_string();
        self.blocking(move |c| {
            let tx = c.transaction()?;
            let (received, size): (i64, i64) = tx.query_row(
                "SELECT received, size FROM uploads WHERE id = ?1 AND done = 0",
                [&id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if received as u64 != offset || offset + data.len() as u64 > size as u64 {
                return Err(rusqlite::Error::InvalidParameterName(format!(
                    "offset {offset} + {} bytes against {received} received of {size}",
                    data.len()
                )));
            }
            let mut at = offset;
            for piece in data.chunks(PIECE) {
                tx.execute(
                    "INSERT INTO upload_pieces (upload_id, offset, data) VALUES (?1, ?2, ?3)",
                    params![id, at as i64, piece],
                )?;
                at += piece.len() as u64;
            }
            tx.execute(
                "UPDATE uploads SET received = ?2 WHERE id = ?1",
                params![id, at as i64],
            )?;
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

    /// The first bytes received of upload `id` (up to `n`), to check what the file is.
    pub async fn upload_head(&self, id: &str, n: usize) -> Result<Vec<u8>> {
        if let Engine::Postgres(pool) = &self.engine {
            return postgres::upload_head_pg(pool, id, n).await;
        }
        let id = id.to_string();
        self.blocking(move |c| {
            let mut stmt =
                c.prepare("SELECT data FROM upload_pieces WHERE upload_id = ?1 ORDER BY offset")?;
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

    /// Checks a complete upload's bytes against its declared SHA-256 and, when they match,
    /// stores the file (one transaction: the file's row and its pieces unless stored already,
    /// the uploader's proof of possession, the upload's pieces gone). When they do not, the
    /// upload is deleted with its bytes.
    pub async fn finish_upload(&self, id: &str) -> Result<Finished> {
        if let Engine::Postgres(pool) = &self.engine {
            return postgres::finish_upload_pg(pool, id).await;
        }
        let id = id.to_string();
        self.blocking(move |c| {
            let tx = c.transaction()?;
            let u = tx.query_row(
                &format!("SELECT {UPLOAD_COLUMNS} FROM uploads WHERE id = ?1"),
                [&id],
                upload_row,
            )?;
            if u.done {
                return Ok(Finished::Stored);
            }
            let mut hasher = Sha256::new();
            {
                let mut stmt = tx.prepare(
                    "SELECT data FROM upload_pieces WHERE upload_id = ?1 ORDER BY offset",
                )?;
                let mut rows = stmt.query([&id])?;
                while let Some(r) = rows.next()? {
                    let data = r.get_ref(0)?.as_blob()?;
                    hasher.update(data);
                }
            }
            let actual = hex::encode(hasher.finalize());
            if actual != u.declared.sha256 {
                tx.execute("DELETE FROM uploads WHERE id = ?1", [&id])?;
                tx.commit()?;
                return Ok(Finished::HashMismatch { actual });
            }
            let inserted = tx.execute(
                "INSERT OR IGNORE INTO files (sha256, size, mime) VALUES (?1, ?2, ?3)",
                params![u.declared.sha256, u.declared.size as i64, u.declared.mime],
            )?;
            if inserted == 1 {
                tx.execute(
                    "INSERT INTO file_pieces (sha256, offset, data)
                     SELECT ?1, offset, data FROM upload_pieces WHERE upload_id = ?2",
                    params![u.declared.sha256, id],
                )?;
            }
            super::possession::record_sqlite(
                &tx,
                &u.declared.sha256,
                u.declared.user_id,
                &u.declared.doc_id,
            )?;
            tx.execute("DELETE FROM upload_pieces WHERE upload_id = ?1", [&id])?;
            tx.execute("UPDATE uploads SET done = 1 WHERE id = ?1", [&id])?;
            tx.commit()?;
            Ok(Finished::Stored)
        })
        .await
    }

    /// The progress documents file `sha256` was uploaded for (where a reader most likely finds
    /// it named).
    pub async fn uploaded_for(&self, sha256: &str) -> Result<Vec<String>> {
        if let Engine::Postgres(pool) = &self.engine {
            return postgres::uploaded_for_pg(pool, sha256).await;
        }
        let sha256 = sha256.to_string();
        self.blocking(move |c| {
            let mut stmt =
                c.prepare("SELECT DISTINCT doc_id FROM uploads WHERE sha256 = ?1 AND done = 1")?;
            let rows = stmt.query_map([sha256], |r| r.get(0))?;
            rows.collect()
        })
        .await
    }

    /// Deletes upload `id` and the bytes it received (tus termination; a refused file).
    pub async fn delete_upload(&self, id: &str) -> Result<()> {
        if let Engine::Postgres(pool) = &self.engine {
            return postgres::delete_upload_pg(pool, id).await;
        }
        let id = id.to_string();
        self.blocking(move |c| {
            c.execute("DELETE FROM uploads WHERE id = ?1", [id])
                .map(|_| ())
        })
        .await
    }

    /// The bytes of stored file `sha256`, whole (files are at most a few tens of MB).
    pub async fn read_file(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        if let Engine::Postgres(pool) = &self.engine {
            return postgres::read_file_pg(pool, sha256).await;
        }
        let sha256 = sha256.to_string();
        self.blocking(move |c| {
            let size: Option<i64> = c
                .query_row("SELECT size FROM files WHERE sha256 = ?1", [&sha256], |r| {
                    r.get(0)
                })
                .optional()?;
            let Some(size) = size else {
                return Ok(None);
            };
            let mut out = Vec::with_capacity(size as usize);
            let mut stmt =
                c.prepare("SELECT data FROM file_pieces WHERE sha256 = ?1 ORDER BY offset")?;
            let mut rows = stmt.query([&sha256])?;
            while let Some(r) = rows.next()? {
                out.extend_from_slice(r.get_ref(0)?.as_blob()?);
            }
            Ok(Some(out))
        })
        .await
    }

    /// Every stored file.
    pub async fn stored_files(&self) -> Result<Vec<StoredFile>> {
        if let Engine::Postgres(pool) = &self.engine {
            return postgres::stored_files_pg(pool).await;
        }
        self.blocking(|c| {
            let mut stmt = c.prepare("SELECT sha256, size, mime FROM files ORDER BY sha256")?;
            let rows = stmt.query_map([], |r| {
                Ok(StoredFile {
                    sha256: r.get(0)?,
                    size: r.get::<_, i64>(1)? as u64,
                    mime: r.get(2)?,
                })
            })?;
            rows.collect()
        })
        .await
    }

    /// Collects what nothing needs any more, given the files the documents name now (`named`)
    /// and the time `now` (Unix seconds): a stored file no document names is marked, and
    /// deleted once it has stayed unnamed for `grace` seconds (a tablet may still be about to
    /// sync the document that names it); a file named again is unmarked. Uploads older than
    /// `grace` that never finished go too. Returns the files deleted.
    pub async fn collect_files(
        &self,
        named: std::collections::HashSet<String>,
        now: i64,
        grace: i64,
    ) -> Result<Vec<String>> {
        if let Engine::Postgres(pool) = &self.engine {
            return postgres::collect_files_pg(pool, named, now, grace).await;
        }
        self.blocking(move |c| {
            let tx = c.transaction()?;
            let all: Vec<(String, Option<i64>)> = {
                let mut stmt = tx.prepare("SELECT sha256, unreferenced_since FROM files")?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let mut deleted = Vec::new();
            for (sha, since) in all {
                match (named.contains(&sha), since) {
                    (true, Some(_)) => {
                        tx.execute(
                            "UPDATE files SET unreferenced_since = NULL WHERE sha256 = ?1",
                            [&sha],
                        )?;
                    }
                    (false, None) => {
                        tx.execute(
                            "UPDATE files SET unreferenced_since = ?2 WHERE sha256 = ?1",
                            params![sha, now],
                        )?;
                    }
                    (false, Some(t)) if now - t >= grace => {
                        tx.execute("DELETE FROM files WHERE sha256 = ?1", [&sha])?;
                        deleted.push(sha);
                    }
                    _ => {}
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

/// The same operations on PostgreSQL, statement for statement.
mod postgres {
    use sha2::{Digest, Sha256};

    use super::{Finished, NewUpload, PIECE, StoredFile, UPLOAD_COLUMNS, Upload};
    use crate::store::{Result, StoreError, pg};
    use deadpool_postgres::Pool;

    fn upload_row(r: &tokio_postgres::Row) -> Upload {
        Upload {
            declared: NewUpload {
                id: r.get(0),
                sha256: r.get(1),
                size: r.get::<_, i64>(2) as u64,
                mime: r.get(3),
                name: r.get(4),
                doc_id: r.get(5),
                user_id: r.get(6),
            },
            received: r.get::<_, i64>(7) as u64,
            done: r.get(8),
        }
    }

    fn stored(r: &tokio_postgres::Row) -> StoredFile {
        StoredFile {
            sha256: r.get(0),
            size: r.get::<_, i64>(1) as u64,
            mime: r.get(2),
        }
    }

    pub(super) async fn stored_file_pg(pool: &Pool, sha256: &str) -> Result<Option<StoredFile>> {
        Ok(pg(pool)
            .await?
            .query_opt(
                "SELECT sha256, size, mime FROM files WHERE sha256 = $1",
                &[&sha256],
            )
            .await?
            .as_ref()
            .map(stored))
    }

    pub(super) async fn create_upload_pg(pool: &Pool, u: NewUpload, reuse: bool) -> Result<Upload> {
        let mut c = pg(pool).await?;
        let tx = c.transaction().await?;
        let done = reuse
            && tx
                .query_opt("SELECT 1 FROM files WHERE sha256 = $1", &[&u.sha256])
                .await?
                .is_some();
        let row = tx
            .query_one(
                &format!(
                    "INSERT INTO uploads
                       (id, sha256, size, mime, name, doc_id, user_id, received, done)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {UPLOAD_COLUMNS}"
                ),
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

    pub(super) async fn upload_pg(pool: &Pool, id: &str) -> Result<Option<Upload>> {
        Ok(pg(pool)
            .await?
            .query_opt(
                &format!("SELECT {UPLOAD_COLUMNS} FROM uploads WHERE id = $1"),
                &[&id],
            )
            .await?
            .as_ref()
            .map(upload_row))
    }

    pub(super) async fn append_upload_pg(
        pool: &Pool,
        id: &str,
        offset: u64,
        data: Vec<u8>,
    ) -> Result<u64> {
        let mut c = pg(pool).await?;
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
        if received as u64 != offset || offset + data.len() as u64 > size as u64 {
            return Err(StoreError::Invalid(format!(
                "offset {offset} + {} bytes against {received} received of {size}",
                data.len()
            )));
        }
        let mut at = offset;
        for piece in data.chunks(PIECE) {
            tx.execute(
                r#"INSERT INTO upload_pieces (upload_id, "offset", data) VALUES ($1, $2, $3)"#,
                &[&id, &(at as i64), &piece],
            )
            .await?;
            at += piece.len() as u64;
        }
        tx.execute(
            "UPDATE uploads SET received = $2 WHERE id = $1",
            &[&id, &(at as i64)],
        )
        .await?;
        tx.commit().await?;
        Ok(at)
    }

    pub(super) async fn upload_head_pg(pool: &Pool, id: &str, n: usize) -> Result<Vec<u8>> {
        let rows = pg(pool)
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

    pub(super) async fn finish_upload_pg(pool: &Pool, id: &str) -> Result<Finished> {
        let mut c = pg(pool).await?;
        let tx = c.transaction().await?;
        let u = upload_row(
            &tx.query_one(
                &format!("SELECT {UPLOAD_COLUMNS} FROM uploads WHERE id = $1 FOR UPDATE"),
                &[&id],
            )
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
            tx.execute("DELETE FROM uploads WHERE id = $1", &[&id])
                .await?;
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
            tx.execute(
                r#"INSERT INTO file_pieces (sha256, "offset", data)
                   SELECT $1, "offset", data FROM upload_pieces WHERE upload_id = $2"#,
                &[&u.declared.sha256, &id],
            )
            .await?;
        }
        crate::store::possession::record_postgres(
            &tx,
            &u.declared.sha256,
            u.declared.user_id,
            &u.declared.doc_id,
        )
        .await?;
        tx.execute("DELETE FROM upload_pieces WHERE upload_id = $1", &[&id])
            .await?;
        tx.execute("UPDATE uploads SET done = true WHERE id = $1", &[&id])
            .await?;
        tx.commit().await?;
        Ok(Finished::Stored)
    }

    pub(super) async fn uploaded_for_pg(pool: &Pool, sha256: &str) -> Result<Vec<String>> {
        Ok(pg(pool)
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

    pub(super) async fn delete_upload_pg(pool: &Pool, id: &str) -> Result<()> {
        pg(pool)
            .await?
            .execute("DELETE FROM uploads WHERE id = $1", &[&id])
            .await?;
        Ok(())
    }

    pub(super) async fn read_file_pg(pool: &Pool, sha256: &str) -> Result<Option<Vec<u8>>> {
        let c = pg(pool).await?;
        let Some(size) = c
            .query_opt("SELECT size FROM files WHERE sha256 = $1", &[&sha256])
            .await?
            .map(|r| r.get::<_, i64>(0))
        else {
            return Ok(None);
        };
        let mut out = Vec::with_capacity(size as usize);
        for r in c
            .query(
                r#"SELECT data FROM file_pieces WHERE sha256 = $1 ORDER BY "offset""#,
                &[&sha256],
            )
            .await?
        {
            out.extend_from_slice(r.get::<_, &[u8]>(0));
        }
        Ok(Some(out))
    }

    pub(super) async fn stored_files_pg(pool: &Pool) -> Result<Vec<StoredFile>> {
        Ok(pg(pool)
            .await?
            .query("SELECT sha256, size, mime FROM files ORDER BY sha256", &[])
            .await?
            .iter()
            .map(stored)
            .collect())
    }

    pub(super) async fn collect_files_pg(
        pool: &Pool,
        named: std::collections::HashSet<String>,
        now: i64,
        grace: i64,
    ) -> Result<Vec<String>> {
        let mut c = pg(pool).await?;
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
            match (named.contains(&sha), since) {
                (true, Some(_)) => {
                    tx.execute(
                        "UPDATE files SET unreferenced_since = NULL WHERE sha256 = $1",
                        &[&sha],
                    )
                    .await?;
                }
                (false, None) => {
                    tx.execute(
                        "UPDATE files SET unreferenced_since = $2 WHERE sha256 = $1",
                        &[&sha, &now],
                    )
                    .await?;
                }
                (false, Some(t)) if now - t >= grace => {
                    tx.execute("DELETE FROM files WHERE sha256 = $1", &[&sha])
                        .await?;
                    deleted.push(sha);
                }
                _ => {}
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sha(data: &[u8]) -> String {
        hex::encode(Sha256::digest(data))
    }

    fn new_upload(id: &str, data: &[u8]) -> NewUpload {
        NewUpload {
            id: id.into(),
            sha256: sha(data),
            size: data.len() as u64,
            mime: "application/pdf".into(),
            name: "a.pdf".into(),
            doc_id: "doc".into(),
            user_id: 1,
        }
    }

    #[tokio::test]
    async fn a_file_sent_in_parts_is_stored_whole_once_and_the_same_bytes_again_are_not_resent() {
        let store = Store::in_memory().unwrap();
        let data: Vec<u8> = (0..(PIECE * 2 + 77)).map(|i| (i % 251) as u8).collect();
        let u = store
            .create_upload(new_upload("u1", &data), false)
            .await
            .unwrap();
        assert_eq!((u.received, u.done), (0, false));
        let half = data.len() / 2;
        assert_eq!(
            store
                .append_upload("u1", 0, data[..half].to_vec())
                .await
                .unwrap(),
            half as u64
        );
        // Not at the offset received: refused, nothing written.
        assert!(store.append_upload("u1", 0, vec![1]).await.is_err());
        assert_eq!(
            store.upload("u1").await.unwrap().unwrap().received,
            half as u64
        );
        // Not served before it is whole and checked.
        assert_eq!(store.read_file(&sha(&data)).await.unwrap(), None);
        store
            .append_upload("u1", half as u64, data[half..].to_vec())
            .await
            .unwrap();
        assert_eq!(store.finish_upload("u1").await.unwrap(), Finished::Stored);
        assert_eq!(store.read_file(&sha(&data)).await.unwrap().unwrap(), data);

        let holders = |store: &Store| {
            let (store, sha) = (store.clone(), sha(&data));
            async move {
                let found = store.possessors(&sha).await.unwrap();
                found.into_iter().map(|h| h.user_id).collect::<Vec<_>>()
            }
        };
        assert_eq!(holders(&store).await, vec![1]);
        let again = store
            .create_upload(new_upload("u2", &data), true)
            .await
            .unwrap();
        assert!(again.done);
        assert_eq!(again.received, data.len() as u64);
        assert_eq!(store.stored_files().await.unwrap().len(), 1);

        // Another user, not known to read it: asked for the bytes, which prove possession and
        // are not stored again.
        let mut other = new_upload("u3", &data);
        other.user_id = 2;
        let fresh = store.create_upload(other, false).await.unwrap();
        assert_eq!((fresh.received, fresh.done), (0, false));
        store.append_upload("u3", 0, data.clone()).await.unwrap();
        assert_eq!(store.finish_upload("u3").await.unwrap(), Finished::Stored);
        assert_eq!(holders(&store).await, vec![1, 2]);
        assert_eq!(store.stored_files().await.unwrap().len(), 1);
        assert_eq!(store.read_file(&sha(&data)).await.unwrap().unwrap(), data);
    }

    #[tokio::test]
    async fn bytes_that_do_not_hash_as_declared_are_dropped_and_never_served() {
        let store = Store::in_memory().unwrap();
        let mut u = new_upload("u1", b"%PDF-1.7 the real one");
        u.size = 21;
        store.create_upload(u.clone(), false).await.unwrap();
        store
            .append_upload("u1", 0, b"%PDF-1.7 another one!".to_vec())
            .await
            .unwrap();
        let finished = store.finish_upload("u1").await.unwrap();
        assert!(matches!(finished, Finished::HashMismatch { .. }));
        assert_eq!(store.upload("u1").await.unwrap(), None);
        assert_eq!(store.read_file(&u.sha256).await.unwrap(), None);
        assert!(store.possessors(&u.sha256).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn an_unnamed_file_goes_only_after_the_grace_period() {
        let store = Store::in_memory().unwrap();
        let data = b"%PDF-1.4 x".to_vec();
        store
            .create_upload(new_upload("u1", &data), false)
            .await
            .unwrap();
        store.append_upload("u1", 0, data.clone()).await.unwrap();
        store.finish_upload("u1").await.unwrap();
        let day = 86_400;
        let none = std::collections::HashSet::new();
        assert!(
            store
                .collect_files(none.clone(), 10 * day, 7 * day)
                .await
                .unwrap()
                .is_empty()
        );
        // Named again meanwhile: kept, and the clock starts over.
        let named: std::collections::HashSet<String> = [sha(&data)].into();
        store.collect_files(named, 12 * day, 7 * day).await.unwrap();
        assert!(
            store
                .collect_files(none.clone(), 13 * day, 7 * day)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            store
                .collect_files(none.clone(), 19 * day, 7 * day)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store.collect_files(none, 20 * day, 7 * day).await.unwrap(),
            vec![sha(&data)]
        );
        assert_eq!(store.read_file(&sha(&data)).await.unwrap(), None);
    }
}
