//! samod's chunks: the [`samod::storage::Storage`] key/value trait over the `chunks` table
//! (`Chunks`, the engines' contract), and the group commit above it.
//!
//! Stage: *the store*, called by samod's hub after it merged a change; every committed chunk is
//! recorded as durable ([`super::durable`]).

use std::collections::HashMap;

use samod::storage::StorageKey;

use super::Store;
use super::StoreError;
use super::durable::chunk_changes;

fn key_string(key: &StorageKey) -> String {
    key.to_string()
}

fn parse_key(s: &str) -> Option<StorageKey> {
    StorageKey::from_parts(s.split('/')).ok()
}

/// A chunk waiting for its commit.
pub(super) struct Waiting {
    key: String,
    data: Vec<u8>,
    /// The document and the changes the chunk holds (recorded as durable once committed).
    changes: Option<(String, Vec<automerge::ChangeHash>)>,
    queued: std::time::Instant,
    done: tokio::sync::oneshot::Sender<super::Result<()>>,
}

/// What waits for the next commit: chunks, and the attestations of changes delivered meanwhile
/// ([`super::attest`]), committed in the same transaction as the chunks that follow them.
#[derive(Default)]
pub(super) struct Queue {
    chunks: Vec<Waiting>,
    attest: super::attest::Pending,
    /// A commit is under way.
    running: bool,
}

/// Group commit: chunks written at the same time (many tablets' edits) go into one transaction
/// and one fsync. The first chunk to find no commit under way starts one; it takes every chunk
/// waiting, commits them together, and goes on while more are waiting — so a lone edit is
/// committed at once, and under load each commit carries what arrived during the one before.
/// Every chunk is acknowledged only after the transaction holding it committed.
#[derive(Default)]
pub(super) struct GroupCommit {
    queue: std::sync::Mutex<Queue>,
    /// Transactions committed (fewer than chunks when they were grouped).
    transactions: std::sync::atomic::AtomicU64,
}

impl GroupCommit {
    fn enqueue(&self, store: &Store, w: Waiting) {
        self.add(store, |q| q.chunks.push(w));
    }

    /// Queues attestations for the next commit (starting one if none is under way).
    pub(super) fn attest(&self, store: &Store, batch: Vec<super::attest::Attested>) {
        self.add(store, |q| {
            for a in batch {
                q.attest.push(a);
            }
        });
    }

    /// Reads the attestations not yet committed.
    pub(super) fn with_pending<T>(&self, f: impl FnOnce(&super::attest::Pending) -> T) -> T {
        f(&self.queue.lock().unwrap_or_else(|p| p.into_inner()).attest)
    }

    fn add(&self, store: &Store, f: impl FnOnce(&mut Queue)) {
        let start = {
            let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut q);
            !std::mem::replace(&mut q.running, true)
        };
        if start {
            let store = store.clone();
            tokio::spawn(async move { store.group.lead(&store).await });
        }
    }

    /// Commits batches until none is waiting.
    async fn lead(&self, store: &Store) {
        loop {
            let (mut batch, attested) = {
                let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
                if q.chunks.is_empty() && q.attest.is_empty() {
                    q.running = false;
                    return;
                }
                // The attestations taken after the chunks: one queued before a chunk (the gate
                // records a delivery before samod sees it) is in this commit or an earlier one.
                (std::mem::take(&mut q.chunks), q.attest.take())
            };
            // The bytes go to the commit (not copied: a snapshot may be large); the keys stay.
            let items: Vec<(String, Vec<u8>)> = batch
                .iter_mut()
                .map(|w| (w.key.clone(), std::mem::take(&mut w.data)))
                .collect();
            match store.commit_chunks(items, &attested).await {
                Ok(existed) => {
                    self.transactions
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    // Committed (SQLite's synchronous = FULL, PostgreSQL's synchronous_commit):
                    // only now may the changes be acknowledged, and only now do the documents'
                    // prints say they are stored.
                    for (w, existed) in batch.into_iter().zip(existed) {
                        if !existed {
                            store.prints.changed(&w.key, true);
                        }
                        if let Some((doc, hashes)) = w.changes {
                            store.durable.record(doc, hashes);
                        }
                        store
                            .commit_seconds
                            .observe(w.queued.elapsed().as_secs_f64());
                        let _ = w.done.send(Ok(()));
                    }
                }
                Err(e) => {
                    let why = e.to_string();
                    // The deliveries stay recorded for the next commit.
                    self.queue
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .attest
                        .restore(attested);
                    for w in batch {
                        let _ = w.done.send(Err(StoreError::Interrupted(why.clone())));
                    }
                }
            }
        }
    }
}

/// Statements both engines share.
pub(crate) const GET: &str = "SELECT data FROM chunks WHERE key = $1";
pub(crate) const HAS: &str = "SELECT 1 FROM chunks WHERE key = $1";
pub(crate) const DELETE: &str = "DELETE FROM chunks WHERE key = $1";
/// The chunks under a prefix: the key itself (`$1`) and the keys between `$2` and `$3`.
pub(crate) const UNDER: &str =
    "SELECT key, data FROM chunks WHERE (key = $1 OR (key >= $2 AND key < $3))";
/// Added to [`UNDER`] for a document's content only.
pub(crate) const CONTENT_ONLY: &str =
    " AND (key LIKE '%/snapshot/%' OR key LIKE '%/incremental/%')";

/// The contract of the chunks table: samod's key/value store, written in groups.
#[async_trait::async_trait]
pub(crate) trait Chunks: Send + Sync {
    /// Writes `batch` and the attestations `attested` in one transaction, and (PostgreSQL)
    /// announces the new content chunks to the other nodes; says, per item, whether its key was
    /// stored already (the later of a key written twice in the batch finds it stored; the last
    /// write wins).
    async fn commit(
        &self,
        batch: Vec<(String, Vec<u8>)>,
        attested: Vec<super::attest::Attested>,
    ) -> super::Result<Vec<bool>>;
    /// The stored chunk `key`.
    async fn get(&self, key: String) -> super::Result<Option<Vec<u8>>>;
    /// Whether chunk `key` is stored.
    async fn has(&self, key: String) -> super::Result<bool>;
    /// The chunks of [`UNDER`] (with [`CONTENT_ONLY`] when `content`), in no particular order.
    async fn under(
        &self,
        prefix: String,
        lo: String,
        hi: String,
        content: bool,
    ) -> super::Result<Vec<(String, Vec<u8>)>>;
    /// The stored chunks among `keys`.
    async fn by_keys(&self, keys: Vec<String>) -> super::Result<Vec<(String, Vec<u8>)>>;
    /// Deletes chunk `key` (and, PostgreSQL, announces it); whether it was stored.
    async fn delete(&self, key: String) -> super::Result<bool>;
}

impl Store {
    /// Transactions that committed chunks since the store opened.
    pub fn chunk_transactions(&self) -> u64 {
        self.group
            .transactions
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Commits `batch` in one transaction; says which keys were stored already.
    async fn commit_chunks(
        &self,
        batch: Vec<(String, Vec<u8>)>,
        attested: &[super::attest::Attested],
    ) -> super::Result<Vec<bool>> {
        self.engine.chunks.commit(batch, attested.to_vec()).await
    }

    /// The stored chunk `key`.
    async fn chunk(&self, key: String) -> super::Result<Option<Vec<u8>>> {
        self.engine.chunks.get(key).await
    }

    /// Whether chunk `key` is stored.
    pub(super) async fn has_chunk(&self, key: String) -> super::Result<bool> {
        self.engine.chunks.has(key).await
    }

    /// The chunks stored under `prefix` (the key itself and every key below it); with `content`,
    /// only a document's snapshots and incremental changes (not the sync states kept beside
    /// them), snapshots first, each group in key order.
    pub(crate) async fn chunks_under(
        &self,
        prefix: &str,
        content: bool,
    ) -> super::Result<Vec<(String, Vec<u8>)>> {
        // Keys under "a/b" sort between "a/b/" and "a/b0" ('0' follows '/').
        let (p, lo, hi) = (
            prefix.to_string(),
            format!("{prefix}/"),
            format!("{prefix}0"),
        );
        let mut rows = self.engine.chunks.under(p, lo, hi, content).await?;
        if content {
            rows.sort_by(|(a, _), (b, _)| {
                (!a.contains("/snapshot/"), a).cmp(&(!b.contains("/snapshot/"), b))
            });
        }
        Ok(rows)
    }

    /// The stored chunks among `keys` (another node's new chunks, to apply here).
    pub async fn chunks_by_key(&self, keys: Vec<String>) -> super::Result<Vec<(String, Vec<u8>)>> {
        self.engine.chunks.by_keys(keys).await
    }

    /// Deletes chunk `key`; whether it was stored.
    async fn delete_chunk(&self, key: String) -> super::Result<bool> {
        self.engine.chunks.delete(key).await
    }
}

impl samod::storage::Storage for Store {
    async fn load(&self, key: StorageKey) -> Option<Vec<u8>> {
        self.chunk(key_string(&key)).await.unwrap_or_else(|e| {
            tracing::error!(error = %e, %key, "storage load failed");
            None
        })
    }

    async fn load_range(&self, prefix: StorageKey) -> HashMap<StorageKey, Vec<u8>> {
        let p = key_string(&prefix);
        self.loaded
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(p.split('/').next().unwrap_or_default().to_string());
        match self.chunks_under(&p, false).await {
            Ok(rows) => {
                // What was loaded is stored: remember it as durable.
                let durable = self.durable.clone();
                tokio::task::spawn_blocking(move || {
                    for (k, v) in &rows {
                        if let Some((doc, hashes)) = chunk_changes(k, v) {
                            durable.record(doc, hashes);
                        }
                    }
                    rows.into_iter()
                        .filter_map(|(k, v)| parse_key(&k).map(|k| (k, v)))
                        .collect()
                })
                .await
                .unwrap_or_default()
            }
            Err(e) => {
                tracing::error!(error = %e, %prefix, "storage range load failed");
                HashMap::new()
            }
        }
    }

    async fn put(&self, key: StorageKey, data: Vec<u8>) {
        let k = key_string(&key);
        if let Some(doc) = super::prints::content_doc(&k) {
            self.loaded
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(doc.to_string());
        }
        // Listed before the commit, so a large snapshot's parse does not hold up the others.
        let (k, data, changes) = match tokio::task::spawn_blocking(move || {
            let changes = chunk_changes(&k, &data);
            (k, data, changes)
        })
        .await
        {
            Ok(listed) => listed,
            Err(e) => panic!("storage write failed for {key}: {e}"),
        };
        let (done, committed) = tokio::sync::oneshot::channel();
        self.group.enqueue(
            self,
            Waiting {
                key: k,
                data,
                changes,
                queued: std::time::Instant::now(),
                done,
            },
        );
        let res = committed
            .await
            .unwrap_or_else(|_| Err(StoreError::Interrupted("the commit did not finish".into())));
        if let Err(e) = res {
            // samod's storage interface cannot report failure; going on would acknowledge a
            // change that is not stored, so stop here instead.
            tracing::error!(error = %e, %key, "storage write failed");
            panic!("storage write failed for {key}: {e}");
        }
    }

    async fn delete(&self, key: StorageKey) {
        let k = key_string(&key);
        match self.delete_chunk(k.clone()).await {
            Ok(true) => self.prints.changed(&k, false),
            Ok(false) => {}
            Err(e) => tracing::error!(error = %e, %key, "storage delete failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use samod::storage::Storage;

    use crate::store::test_key as key;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn chunks_written_together_commit_together_and_each_only_once_stored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite");
        let s = Store::open(&path).unwrap();
        const N: usize = 64;
        let puts = (0..N).map(|i| {
            let (s, path) = (s.clone(), path.clone());
            tokio::spawn(async move {
                s.put(
                    key(&["doc", "incremental", &format!("{i:03}")]),
                    vec![i as u8],
                )
                .await;
                // Acknowledged: another connection to the file sees it.
                let other = rusqlite::Connection::open(&path).unwrap();
                let got: Vec<u8> = other
                    .query_row(
                        "SELECT data FROM chunks WHERE key = ?1",
                        [format!("doc/incremental/{i:03}")],
                        |r| r.get(0),
                    )
                    .unwrap();
                assert_eq!(got, vec![i as u8]);
            })
        });
        for p in futures::future::join_all(puts).await {
            p.unwrap();
        }
        assert_eq!(s.load_range(key(&["doc"])).await.len(), N);
        assert_eq!(s.commit_seconds().get_sample_count(), N as u64);
        let transactions = s.chunk_transactions();
        assert!(
            (1..N as u64).contains(&transactions),
            "{N} chunks written together took {transactions} transactions"
        );
        // A lone chunk is committed at once, in its own transaction.
        s.put(key(&["doc", "incremental", "late"]), vec![9]).await;
        assert_eq!(s.chunk_transactions(), transactions + 1);
        drop(dir);
    }
}
