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

use super::{Result, Store};

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

/// An upload from its columns ([`UPLOAD_COLUMNS`]' order).
#[allow(clippy::too_many_arguments)]
pub(crate) fn upload_from(
    id: String,
    sha256: String,
    size: i64,
    mime: String,
    name: String,
    doc_id: String,
    user_id: i64,
    received: i64,
    done: bool,
) -> Upload {
    Upload {
        declared: NewUpload {
            id,
            sha256,
            size: size as u64,
            mime,
            name,
            doc_id,
            user_id,
        },
        received: received as u64,
        done,
    }
}

/// The columns an upload is read from.
pub(crate) const UPLOAD_COLUMNS: &str =
    "id, sha256, size, mime, name, doc_id, user_id, received, done";

/// A stored file's row (both engines).
pub(crate) const STORED: &str = "SELECT sha256, size, mime FROM files WHERE sha256 = $1";
/// Every stored file's row (both engines).
pub(crate) const ALL_STORED: &str = "SELECT sha256, size, mime FROM files ORDER BY sha256";
/// Whether a file is stored (both engines).
pub(crate) const IS_STORED: &str = "SELECT 1 FROM files WHERE sha256 = $1";
/// An upload's row (both engines).
pub(crate) fn upload_sql() -> String {
    format!("SELECT {UPLOAD_COLUMNS} FROM uploads WHERE id = $1")
}
/// Creates an upload (both engines).
pub(crate) const CREATE_UPLOAD: &str =
    "INSERT INTO uploads (id, sha256, size, mime, name, doc_id, user_id, received, done)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
/// Appends a piece to an upload (both engines).
pub(crate) const PUT_PIECE: &str =
    r#"INSERT INTO upload_pieces (upload_id, "offset", data) VALUES ($1, $2, $3)"#;
/// Sets what an upload received (both engines).
pub(crate) const SET_RECEIVED: &str = "UPDATE uploads SET received = $2 WHERE id = $1";
/// Deletes an upload with its pieces (both engines).
pub(crate) const DELETE_UPLOAD: &str = "DELETE FROM uploads WHERE id = $1";
/// Adopts an upload's pieces as a file's (both engines).
pub(crate) const ADOPT_PIECES: &str = r#"INSERT INTO file_pieces (sha256, "offset", data)
                                         SELECT $1, "offset", data FROM upload_pieces
                                         WHERE upload_id = $2"#;
/// Drops an upload's pieces (both engines).
pub(crate) const DROP_PIECES: &str = "DELETE FROM upload_pieces WHERE upload_id = $1";
/// A stored file's size (both engines).
pub(crate) const SIZE: &str = "SELECT size FROM files WHERE sha256 = $1";
/// A stored file's pieces in order (both engines).
pub(crate) const PIECES: &str =
    r#"SELECT data FROM file_pieces WHERE sha256 = $1 ORDER BY "offset""#;

/// Unmarks a file named again (both engines).
pub(crate) const UNMARK: &str = "UPDATE files SET unreferenced_since = NULL WHERE sha256 = $1";
/// Marks a file no document names, since `$2` (both engines).
pub(crate) const MARK: &str = "UPDATE files SET unreferenced_since = $2 WHERE sha256 = $1";
/// Deletes a stored file with its pieces (both engines).
pub(crate) const DELETE_FILE: &str = "DELETE FROM files WHERE sha256 = $1";

/// What an append refused: not at the offset received, or past the declared size.
pub(crate) fn misplaced(offset: u64, len: usize, received: i64, size: i64) -> Option<String> {
    (received as u64 != offset || offset + len as u64 > size as u64)
        .then(|| format!("offset {offset} + {len} bytes against {received} received of {size}"))
}

/// What [`Files::collect`] does to a stored file: unmark it, mark it at `now`, or delete it.
pub(crate) enum Collect {
    /// Named again: no longer marked.
    Unmark,
    /// Newly unnamed: marked at `now`.
    Mark,
    /// Unnamed for the whole grace period.
    Delete,
}

/// What collecting does to file `sha` marked `since`, given the names and the clock.
pub(crate) fn collect_step(
    named: &std::collections::HashSet<String>,
    sha: &str,
    since: Option<i64>,
    now: i64,
    grace: i64,
) -> Option<Collect> {
    match (named.contains(sha), since) {
        (true, Some(_)) => Some(Collect::Unmark),
        (false, None) => Some(Collect::Mark),
        (false, Some(t)) if now - t >= grace => Some(Collect::Delete),
        _ => None,
    }
}

/// The contract of the evidence files and uploads (see the module's rules: pieces committed as
/// they arrive, a file's row only with its verified bytes, in one transaction).
#[async_trait::async_trait]
pub(crate) trait Files: Send + Sync {
    /// The stored file `sha256`.
    async fn stored(&self, sha256: String) -> Result<Option<StoredFile>>;
    /// Creates an upload, done at once when `reuse` and the file is stored.
    async fn create_upload(&self, u: NewUpload, reuse: bool) -> Result<Upload>;
    /// Upload `id`.
    async fn upload(&self, id: String) -> Result<Option<Upload>>;
    /// Commits `data` at `offset` of open upload `id` (refused as [`super::StoreError::Invalid`]
    /// off the offset received, [`super::StoreError::NotFound`] for no open upload); returns the
    /// count received.
    async fn append(&self, id: String, offset: u64, data: Vec<u8>) -> Result<u64>;
    /// The first `n` bytes received of upload `id`.
    async fn head(&self, id: String, n: usize) -> Result<Vec<u8>>;
    /// Checks and stores a complete upload.
    async fn finish(&self, id: String) -> Result<Finished>;
    /// The documents finished uploads of `sha256` were for.
    async fn uploaded_for(&self, sha256: String) -> Result<Vec<String>>;
    /// Deletes upload `id` and its bytes.
    async fn delete_upload(&self, id: String) -> Result<()>;
    /// The bytes of stored file `sha256`.
    async fn read(&self, sha256: String) -> Result<Option<Vec<u8>>>;
    /// Every stored file, by SHA-256.
    async fn all(&self) -> Result<Vec<StoredFile>>;
    /// Marks, unmarks and deletes files by [`collect_step`], and deletes uploads older than
    /// `grace`, in one transaction; returns the files deleted.
    async fn collect(
        &self,
        named: std::collections::HashSet<String>,
        now: i64,
        grace: i64,
    ) -> Result<Vec<String>>;
}

impl Store {
    /// The stored file `sha256`, if any.
    pub async fn stored_file(&self, sha256: &str) -> Result<Option<StoredFile>> {
        self.engine.files.stored(sha256.to_string()).await
    }

    /// Creates an upload. With `reuse` (the uploader may read the file already), when the file
    /// is stored the upload is done at once, with every byte counted as received (nothing is sent
    /// twice); without it, the upload waits for the bytes whether the file is stored or not, so
    /// its answer tells nothing of what the server holds.
    pub async fn create_upload(&self, u: NewUpload, reuse: bool) -> Result<Upload> {
        self.engine.files.create_upload(u, reuse).await
    }

    /// Upload `id`, if it exists.
    pub async fn upload(&self, id: &str) -> Result<Option<Upload>> {
        self.engine.files.upload(id.to_string()).await
    }

    /// Commits `data` as the bytes of upload `id` from `offset`, which must be what was received
    /// so far; returns the new count received. Pieces are stored at most [`PIECE`] bytes each.
    pub async fn append_upload(&self, id: &str, offset: u64, data: Vec<u8>) -> Result<u64> {
        self.engine.files.append(id.to_string(), offset, data).await
    }

    /// The first bytes received of upload `id` (up to `n`), to check what the file is.
    pub async fn upload_head(&self, id: &str, n: usize) -> Result<Vec<u8>> {
        self.engine.files.head(id.to_string(), n).await
    }

    /// Checks a complete upload's bytes against its declared SHA-256 and, when they match,
    /// stores the file (one transaction: the file's row and its pieces unless stored already,
    /// the uploader's proof of possession, the upload's pieces gone). When they do not, the
    /// upload is deleted with its bytes.
    pub async fn finish_upload(&self, id: &str) -> Result<Finished> {
        self.engine.files.finish(id.to_string()).await
    }

    /// The progress documents file `sha256` was uploaded for (where a reader most likely finds
    /// it named).
    pub async fn uploaded_for(&self, sha256: &str) -> Result<Vec<String>> {
        self.engine.files.uploaded_for(sha256.to_string()).await
    }

    /// Deletes upload `id` and the bytes it received (tus termination; a refused file).
    pub async fn delete_upload(&self, id: &str) -> Result<()> {
        self.engine.files.delete_upload(id.to_string()).await
    }

    /// The bytes of stored file `sha256`, whole (files are at most a few tens of MB).
    pub async fn read_file(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        self.engine.files.read(sha256.to_string()).await
    }

    /// Every stored file.
    pub async fn stored_files(&self) -> Result<Vec<StoredFile>> {
        self.engine.files.all().await
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
        self.engine.files.collect(named, now, grace).await
    }
}
