//! The attested record: per change of a document, who delivered it to the server and when — the
//! authenticated user of the sync connection, or the signed author of a bundle file — as the
//! server saw it, whatever the change itself claims (its actor, its time).
//!
//! Stage: *the store*, written by the sync gate (`sync::admit`) and the bundle import,
//! committed in the same transaction as the chunks that hold the changes
//! ([`super::chunks::GroupCommit`]), so an acknowledgement never leaves before both are stored;
//! read by the workflow gate (who took a step), the history and the reports.
//!
//! The first delivery of a change is the one recorded: a change is content-addressed, so a later
//! delivery of the same bytes (a reconnect, a replayed bundle) neither moves its time nor its
//! author.

use std::collections::HashMap;

use super::{Result, Store};
use automerge::ChangeHash;

/// How a change reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// On a sync connection of the signed-in user.
    Sync,
    /// In a bundle file signed by the user's registered device key, made (by the signed
    /// manifest) at this Unix ms.
    Bundle {
        /// The manifest's signed time.
        signed_at: i64,
    },
}

impl Via {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Via::Sync => "sync",
            Via::Bundle { .. } => "bundle",
        }
    }

    pub(crate) fn signed_at(self) -> Option<i64> {
        match self {
            Via::Sync => None,
            Via::Bundle { signed_at } => Some(signed_at),
        }
    }

    fn from_row(via: &str, signed_at: Option<i64>) -> Via {
        match (via, signed_at) {
            ("bundle", Some(signed_at)) => Via::Bundle { signed_at },
            _ => Via::Sync,
        }
    }
}

/// Who delivered one change of a document, and when the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attested {
    /// The document.
    pub doc_id: String,
    /// The change.
    pub hash: ChangeHash,
    /// The user who delivered it (`users.id`).
    pub user_id: i64,
    /// Their user name when it arrived.
    pub username: String,
    /// When the server received it, Unix ms (the server's clock).
    pub received_at: i64,
    /// How it came.
    pub via: Via,
}

/// Now on the server's clock, Unix ms.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Attestations waiting for the next group commit, and where each one is, so a reader sees them
/// before they are committed (the gate asks about a change moments after recording it).
#[derive(Default)]
pub(super) struct Pending {
    queue: Vec<Attested>,
    by_key: HashMap<(String, ChangeHash), usize>,
}

impl Pending {
    /// Queues `a` unless the same change of the same document is already queued (the first
    /// delivery stands).
    pub(super) fn push(&mut self, a: Attested) {
        let key = (a.doc_id.clone(), a.hash);
        if !self.by_key.contains_key(&key) {
            self.by_key.insert(key, self.queue.len());
            self.queue.push(a);
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    pub(super) fn take(&mut self) -> Vec<Attested> {
        self.by_key.clear();
        std::mem::take(&mut self.queue)
    }

    /// Puts back attestations whose commit failed, ahead of the newer ones.
    pub(super) fn restore(&mut self, older: Vec<Attested>) {
        let newer = self.take();
        for a in older.into_iter().chain(newer) {
            self.push(a);
        }
    }

    fn get(&self, doc_id: &str, hash: &ChangeHash) -> Option<&Attested> {
        self.by_key
            .get(&(doc_id.to_string(), *hash))
            .map(|&i| &self.queue[i])
    }
}

/// An attestation from a row's values (`None`: a hash that is not one).
pub(crate) fn from_columns(
    doc_id: String,
    hash: Vec<u8>,
    user_id: i64,
    username: String,
    received_at: i64,
    via: String,
    signed_at: Option<i64>,
) -> Option<Attested> {
    Some(Attested {
        doc_id,
        hash: ChangeHash::try_from(hash.as_slice()).ok()?,
        user_id,
        username,
        received_at,
        via: Via::from_row(&via, signed_at),
    })
}

/// The columns an attestation is read from, in [`from_columns`]' order.
pub(crate) const COLUMNS: &str = "doc_id, hash, user_id, username, received_at, via, signed_at";

/// The contract of the attested record (written with the chunks, [`super::chunks::Chunks`]).
#[async_trait::async_trait]
pub(crate) trait Attestations: Send + Sync {
    /// The committed attestations of `doc_id` among the change hashes `hashes`.
    async fn attested(&self, doc_id: String, hashes: Vec<Vec<u8>>) -> Result<Vec<Attested>>;
    /// Every committed attestation of the documents `doc_ids`.
    async fn attestations_of(&self, doc_ids: Vec<String>) -> Result<Vec<Attested>>;
}

impl Store {
    /// Records who delivered changes and when; committed with the next group of chunks (a
    /// commit starts at once if none is under way). The first delivery of a change stands.
    pub fn attest(&self, batch: Vec<Attested>) {
        if batch.is_empty() || cfg!(feature = "unattested") {
            return;
        }
        self.group.attest(self, batch);
    }

    /// The attestations of `hashes` of `doc_id` that are recorded (pending or committed).
    pub async fn attested(
        &self,
        doc_id: &str,
        hashes: &[ChangeHash],
    ) -> Result<HashMap<ChangeHash, Attested>> {
        let mut out = HashMap::new();
        let mut missing = Vec::new();
        self.group.with_pending(|p| {
            for h in hashes {
                match p.get(doc_id, h) {
                    Some(a) => {
                        out.insert(*h, a.clone());
                    }
                    None => missing.push(*h),
                }
            }
        });
        if missing.is_empty() {
            return Ok(out);
        }
        let keys: Vec<Vec<u8>> = missing.iter().map(|h| h.0.to_vec()).collect();
        let rows = self
            .engine
            .attestations
            .attested(doc_id.to_string(), keys)
            .await?;
        for a in rows {
            out.entry(a.hash).or_insert(a);
        }
        Ok(out)
    }

    /// Every attestation of the documents `doc_ids` (the history and reports read them whole).
    pub async fn attestations_of(&self, doc_ids: &[String]) -> Result<Vec<Attested>> {
        let mut out = self
            .engine
            .attestations
            .attestations_of(doc_ids.to_vec())
            .await?;
        let committed: std::collections::HashSet<(String, ChangeHash)> =
            out.iter().map(|a| (a.doc_id.clone(), a.hash)).collect();
        self.group.with_pending(|p| {
            for a in &p.queue {
                if doc_ids.contains(&a.doc_id) && !committed.contains(&(a.doc_id.clone(), a.hash)) {
                    out.push(a.clone());
                }
            }
        });
        Ok(out)
    }
}
