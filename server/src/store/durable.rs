//! Durability: which changes of each document are committed to the store, so that the sync layer
//! announces heads only once they are stored.
//!
//! Stage: *store → transport*: [`chunks`](super::chunks) records what it committed; the sync
//! pump waits on [`Store::wait_durable`] before sending a message that announces heads.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use automerge::ChangeHash;

use super::Store;

/// How many committed change hashes the durability record keeps in memory. The sync layer asks about the
/// heads it is about to announce, which are almost always changes committed moments ago; an
/// older one that has left the window is looked up in the store ([`Store::wait_durable`]).
pub const DURABLE_WINDOW: usize = 50_000;

/// Which changes of each document were committed to the store recently, so that the sync layer can
/// hold back a message announcing heads until they are stored (see
/// [`Store::wait_durable`]). Bounded by [`DURABLE_WINDOW`], oldest first out.
pub(super) struct Durable {
    recent: Mutex<Recent>,
    version: tokio::sync::watch::Sender<u64>,
}

#[derive(Default)]
struct Recent {
    by_doc: HashMap<String, HashSet<ChangeHash>>,
    order: std::collections::VecDeque<(String, ChangeHash)>,
    /// Documents some of whose committed hashes left the window: only for these is a hash
    /// missing from memory looked up in the store (otherwise it is simply not committed yet).
    evicted: HashSet<String>,
}

impl Durable {
    pub(super) fn new() -> Durable {
        Durable {
            recent: Mutex::default(),
            version: tokio::sync::watch::channel(0).0,
        }
    }

    pub(super) fn record(&self, doc_id: String, hashes: Vec<ChangeHash>) {
        if hashes.is_empty() {
            return;
        }
        {
            let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
            let Recent {
                by_doc,
                order,
                evicted,
            } = &mut *recent;
            let set = by_doc.entry(doc_id.clone()).or_default();
            for h in hashes {
                if set.insert(h) {
                    order.push_back((doc_id.clone(), h));
                }
            }
            while order.len() > DURABLE_WINDOW {
                let Some((doc, h)) = order.pop_front() else {
                    break;
                };
                evicted.insert(doc.clone());
                if let Some(set) = by_doc.get_mut(&doc) {
                    set.remove(&h);
                    if set.is_empty() {
                        by_doc.remove(&doc);
                    }
                }
            }
        }
        self.version.send_modify(|v| *v += 1);
    }

    /// The hashes of `heads` not known to be committed.
    pub(super) fn missing(&self, doc_id: &str, heads: &[ChangeHash]) -> Vec<ChangeHash> {
        let recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        let set = recent.by_doc.get(doc_id);
        heads
            .iter()
            .filter(|h| !set.is_some_and(|s| s.contains(h)))
            .copied()
            .collect()
    }

    pub(super) fn covers(&self, doc_id: &str, heads: &[ChangeHash]) -> bool {
        heads.is_empty() || self.missing(doc_id, heads).is_empty()
    }

    /// Whether some of `doc_id`'s committed hashes left the window.
    pub(super) fn lost_some(&self, doc_id: &str) -> bool {
        self.recent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .evicted
            .contains(doc_id)
    }

    pub(super) fn len(&self) -> usize {
        self.recent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .order
            .len()
    }
}

/// The document and the change hashes a stored chunk holds: an incremental chunk names its
/// change in its key; a snapshot is loaded to list its changes.
pub(super) fn chunk_changes(key: &str, data: &[u8]) -> Option<(String, Vec<ChangeHash>)> {
    let mut parts = key.split('/');
    let (doc, kind, name) = (parts.next()?, parts.next()?, parts.next()?);
    let hashes = match kind {
        "incremental" => match ChangeHash::from_str(name) {
            Ok(h) => vec![h],
            // A chunk of several changes under one key: list them from the bytes.
            Err(_) => all_changes(data),
        },
        "snapshot" => all_changes(data),
        _ => return None,
    };
    Some((doc.to_string(), hashes))
}

fn all_changes(data: &[u8]) -> Vec<ChangeHash> {
    match automerge::Automerge::load(data) {
        Ok(doc) => doc.get_changes(&[]).iter().map(|c| c.hash()).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "a stored chunk does not load");
            Vec::new()
        }
    }
}

impl Store {
    /// Which of `hashes` of `doc_id` the recent window knows to be committed (no wait, no query:
    /// one not found may still be committed long ago).
    pub fn committed_now(&self, doc_id: &str, hashes: &[ChangeHash]) -> HashSet<ChangeHash> {
        let missing: HashSet<ChangeHash> =
            self.durable.missing(doc_id, hashes).into_iter().collect();
        hashes
            .iter()
            .filter(|h| !missing.contains(h))
            .copied()
            .collect()
    }
}

impl Store {
    /// Waits until every change in `heads` of `doc_id` is committed to the store. `false` if that
    /// did not happen within `timeout`.
    pub async fn wait_durable(
        &self,
        doc_id: &str,
        heads: &[ChangeHash],
        timeout: Duration,
    ) -> bool {
        if self.durable.covers(doc_id, heads) {
            return true;
        }
        // A change committed long ago may have left the in-memory window: the store knows. Only
        // then — on the usual path the heads are changes being committed right now, and the
        // lookup would read the document's chunks on every outgoing message.
        if self.durable.lost_some(doc_id) {
            let missing = self.durable.missing(doc_id, heads);
            if self.stored(doc_id, &missing).await {
                self.durable.record(doc_id.to_string(), missing);
                return true;
            }
        }
        let mut version = self.durable.version.subscribe();
        let wait = async {
            loop {
                if self.durable.covers(doc_id, heads) {
                    return;
                }
                if version.changed().await.is_err() {
                    return;
                }
            }
        };
        tokio::time::timeout(timeout, wait).await.is_ok() && self.durable.covers(doc_id, heads)
    }

    /// Whether every change in `hashes` of `doc_id` is in a stored chunk: its own incremental
    /// chunk, or else a snapshot or multi-change chunk that lists it.
    async fn stored(&self, doc_id: &str, hashes: &[ChangeHash]) -> bool {
        let mut left: Vec<ChangeHash> = Vec::new();
        for h in hashes {
            match self.has_chunk(format!("{doc_id}/incremental/{h}")).await {
                Ok(true) => {}
                Ok(false) => left.push(*h),
                Err(_) => return false,
            }
        }
        if left.is_empty() {
            return true;
        }
        let Ok(chunks) = self.chunks_under(doc_id, true).await else {
            return false;
        };
        tokio::task::spawn_blocking(move || {
            for (key, data) in &chunks {
                if let Some((_, in_chunk)) = chunk_changes(key, data) {
                    left.retain(|h| !in_chunk.contains(h));
                }
                if left.is_empty() {
                    return true;
                }
            }
            false
        })
        .await
        .unwrap_or(false)
    }

    /// How many committed change hashes the durability record holds in memory.
    pub fn durable_record_len(&self) -> usize {
        self.durable.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use samod::storage::Storage;

    use crate::store::test_key as key;

    #[tokio::test]
    async fn the_durability_record_is_bounded_and_older_changes_are_found_in_sqlite() {
        let s = Store::in_memory().unwrap();
        let mut doc = automerge::AutoCommit::new();
        automerge::transaction::Transactable::put(&mut doc, automerge::ROOT, "k", 1).unwrap();
        let change = doc.get_last_local_change().unwrap();
        let hash = change.hash();
        s.put(
            key(&["doc1", "incremental", &hash.to_string()]),
            change.raw_bytes().to_vec(),
        )
        .await;
        let patience = Duration::from_millis(200);
        assert!(s.durable.covers("doc1", &[hash]));
        // Enough later commits to push it out of the window.
        let filler: Vec<ChangeHash> = (0..DURABLE_WINDOW as u32 + 10)
            .map(|i| {
                let mut b = [0u8; 32];
                b[..4].copy_from_slice(&i.to_be_bytes());
                ChangeHash(b)
            })
            .collect();
        s.durable.record("doc2".into(), filler);
        assert_eq!(s.durable_record_len(), DURABLE_WINDOW);
        assert!(!s.durable.covers("doc1", &[hash]), "left the window");
        assert!(
            s.wait_durable("doc1", &[hash], patience).await,
            "found in SQLite"
        );
        assert!(s.durable.covers("doc1", &[hash]), "and remembered again");
        assert!(
            !s.wait_durable("doc1", &[ChangeHash([7; 32])], patience)
                .await,
            "a change never stored is not durable"
        );
    }
}
