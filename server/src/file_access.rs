//! Who may read an evidence file's bytes. A progress document is shared state that anyone who
//! may write it can fill with anything, a SHA-256 included, so a document naming a file opens it
//! only when the naming is trustworthy:
//!
//! - the changes that wrote the hash there ([`tiendo_shared::progress::file_namings`]) were
//!   delivered (the attested record, [`crate::store::attest`]) by users who proved they hold the
//!   file's bytes ([`crate::store::possession`]): the unit that uploaded its scan, the tablet
//!   whose bundle carried it;
//! - a change with no attestation (written before the record existed, or by the server itself)
//!   is trusted only when someone who may write that document holds the file, or the file was
//!   stored before possession was recorded.
//!
//! A reader who holds the file itself may read it through any document it may read that names
//! it. Nothing else opens a file: not knowing its hash, not naming it in one's own report.
//!
//! Stage: *authority*, between the store (possession, the attested record) and the routes that
//! serve bytes (`routes::files`, the evidence archive of `reports::evidence`).

use std::collections::HashMap;

use automerge::ChangeHash;

use crate::accounts::User;
use crate::error::Result;
use crate::store::Store;
use crate::store::possession::HELD_BEFORE;

/// What is known of one file while deciding about it: who holds it, and (read once, when an
/// unattested naming needs it) the accounts among them.
pub struct FileTrust<'a> {
    store: &'a Store,
    sha256: String,
    /// The users who proved they hold the file.
    pub holders: Vec<i64>,
    accounts: Option<HashMap<i64, User>>,
}

impl<'a> FileTrust<'a> {
    /// Reads who holds `sha256`.
    pub async fn of(store: &'a Store, sha256: &str) -> Result<FileTrust<'a>> {
        Ok(FileTrust {
            store,
            sha256: sha256.to_string(),
            holders: store.possessors(sha256).await?,
            accounts: None,
        })
    }

    /// Whether `user_id` proved it holds the file.
    pub fn held_by(&self, user_id: i64) -> bool {
        self.holders.contains(&user_id)
    }

    /// Whether any of `namings` (each the changes that wrote the hash in one place of document
    /// `doc_id`) is trustworthy; `may_write` says whether an account may write the document (for
    /// changes with no attestation).
    pub async fn names_trustworthily(
        &mut self,
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
        let mut unattested_ok: Option<bool> = None;
        for naming in namings {
            let mut trusted = true;
            for h in naming {
                let ok = match attested.get(h) {
                    Some(a) => self.held_by(a.user_id),
                    None => match unattested_ok {
                        Some(ok) => ok,
                        None => {
                            let ok = self.held_by_a_writer(may_write).await?;
                            unattested_ok = Some(ok);
                            ok
                        }
                    },
                };
                if !ok {
                    trusted = false;
                    break;
                }
            }
            if trusted {
                return Ok(true);
            }
        }
        tracing::info!(doc = %doc_id, sha256 = %self.sha256, "a file named by someone who never sent its bytes: not served through this document");
        Ok(false)
    }

    /// Whether the file was stored before possession was recorded, or one who holds it may write
    /// the document (as an account: one disabled since still counts, its upload was its own).
    async fn held_by_a_writer(
        &mut self,
        may_write: &(dyn Fn(&User) -> bool + Sync),
    ) -> Result<bool> {
        if self.held_by(HELD_BEFORE) {
            return Ok(true);
        }
        if self.accounts.is_none() {
            let users = self.store.users().await?;
            self.accounts = Some(users.into_iter().map(|u| (u.id, u)).collect());
        }
        let accounts = self.accounts.as_ref().expect("read above");
        Ok(self.holders.iter().any(|id| {
            accounts.get(id).is_some_and(|u| {
                may_write(&User {
                    disabled: false,
                    ..u.clone()
                })
            })
        }))
    }
}
