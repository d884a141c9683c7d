//! Who may read an evidence file's bytes. A progress document is shared state that anyone who
//! may write it can fill with anything, a SHA-256 included, so a document naming a file opens it
//! only when the naming is trustworthy:
//!
//! - the changes that wrote the hash there ([`tiendo_shared::model::progress::file_namings`]) were
//!   delivered (the attested record, [`crate::store::attest`]) by users who proved they hold the
//!   file's bytes ([`crate::store::possession`]): the unit that uploaded its scan, the tablet
//!   whose bundle carried it; or
//! - the bytes were sent for that very document by someone who may write it (a colleague's
//!   upload of the file another attached; a naming written before the attested record existed);
//!   or
//! - the file was stored before possession was recorded and the naming has no attestation
//!   (written before the record existed).
//!
//! A reader who holds the file itself may read it through any document it may read that names
//! it. Nothing else opens a file: not knowing its hash, not naming it in one's own report.
//!
//! Stage: *authority*, between the store (possession, the attested record) and the routes that
//! serve bytes (`routes::files`, the evidence archive of `reports::evidence`).

use automerge::ChangeHash;

use crate::domain::accounts::User;
use crate::domain::error::Result;
use crate::store::Store;
use crate::store::possession::{HELD_BEFORE, Holder};

/// What is known of one file while deciding about it: who holds it.
pub struct FileTrust<'a> {
    store: &'a Store,
    sha256: String,
    /// Who proved they hold the file, and for which documents.
    pub holders: Vec<Holder>,
}

impl<'a> FileTrust<'a> {
    /// Reads who holds `sha256`.
    pub async fn of(store: &'a Store, sha256: &str) -> Result<FileTrust<'a>> {
        Ok(FileTrust {
            store,
            sha256: sha256.to_string(),
            holders: store.possessors(sha256).await?,
        })
    }

    /// Whether `user_id` proved it holds the file.
    pub fn held_by(&self, user_id: i64) -> bool {
        self.holders.iter().any(|h| h.user_id == user_id)
    }

    /// Whether any of `namings` (each the changes that wrote the hash in one place of document
    /// `doc_id`) is trustworthy; `may_write` says whether an account may write the document.
    pub async fn names_trustworthily(
        &self,
        doc_id: &str,
        namings: &[Vec<ChangeHash>],
        may_write: &(dyn Fn(&User) -> bool + Sync),
    ) -> Result<bool> {
        if namings.is_empty() || self.holders.is_empty() {
            return Ok(false);
        }
        let mut hashes: Vec<ChangeHash> = namings.iter().flatten().copied().collect();
        hashes.sort();
        hashes.dedup();
        let attested = self.store.attested(doc_id, &hashes).await?;
        let trusted = |h: &ChangeHash| match attested.get(h) {
            Some(a) => self.held_by(a.user_id),
            None => self.held_by(HELD_BEFORE),
        };
        if namings.iter().any(|naming| naming.iter().all(trusted)) {
            return Ok(true);
        }
        if self.sent_for_by_a_writer(doc_id, may_write).await? {
            return Ok(true);
        }
        tracing::info!(doc = %doc_id, sha256 = %self.sha256, "a file named by someone who never sent its bytes: not served through this document");
        Ok(false)
    }

    /// Whether someone who may write `doc_id` sent the file's bytes for it (as an account: one
    /// disabled since still counts, the upload was its own when it made it).
    async fn sent_for_by_a_writer(
        &self,
        doc_id: &str,
        may_write: &(dyn Fn(&User) -> bool + Sync),
    ) -> Result<bool> {
        for h in self.holders.iter().filter(|h| h.doc_id == doc_id) {
            if let Some(u) = self.store.user_by_id(h.user_id).await?
                && may_write(&User {
                    disabled: false,
                    ..u
                })
            {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Evidence files as the routes use them: resumable uploads, the stored files and who may read
/// them ([`FileTrust`]). One service over the store's file tables, so a handler names it rather
/// than the store.
#[derive(Clone)]
pub struct Files {
    store: Store,
}

impl Files {
    /// The evidence files kept in `store`.
    pub fn new(store: Store) -> Files {
        Files { store }
    }

    /// The stored file of this SHA-256, if any.
    pub async fn stored(&self, sha256: &str) -> Result<Option<crate::store::files::StoredFile>> {
        Ok(self.store.stored_file(sha256).await?)
    }

    /// The bytes of the stored file of this SHA-256, if any.
    pub async fn read(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.store.read_file(sha256).await?)
    }

    /// Starts an upload (`reuse`: the bytes are stored already, and the uploader may name them).
    pub async fn create_upload(
        &self,
        new: crate::store::files::NewUpload,
        reuse: bool,
    ) -> Result<crate::store::files::Upload> {
        Ok(self.store.create_upload(new, reuse).await?)
    }

    /// The upload `id`, if it is under way.
    pub async fn upload(&self, id: &str) -> Result<Option<crate::store::files::Upload>> {
        Ok(self.store.upload(id).await?)
    }

    /// Appends `data` at `offset` of upload `id`; the bytes received so far.
    pub async fn append(&self, id: &str, offset: u64, data: Vec<u8>) -> Result<u64> {
        Ok(self.store.append_upload(id, offset, data).await?)
    }

    /// The first `n` bytes of upload `id` (to tell its type).
    pub async fn upload_head(&self, id: &str, n: usize) -> Result<Vec<u8>> {
        Ok(self.store.upload_head(id, n).await?)
    }

    /// Completes upload `id`: its bytes become a stored file, if they hash as declared.
    pub async fn finish(&self, id: &str) -> Result<crate::store::files::Finished> {
        Ok(self.store.finish_upload(id).await?)
    }

    /// Drops upload `id`.
    pub async fn delete_upload(&self, id: &str) -> Result<()> {
        Ok(self.store.delete_upload(id).await?)
    }

    /// The uploads declared for the file of this SHA-256 (their ids).
    pub async fn uploaded_for(&self, sha256: &str) -> Result<Vec<String>> {
        Ok(self.store.uploaded_for(sha256).await?)
    }

    /// Who is trusted with the file of this SHA-256.
    pub async fn trust(&self, sha256: &str) -> Result<FileTrust<'_>> {
        FileTrust::of(&self.store, sha256).await
    }
}
