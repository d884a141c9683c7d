//! samod's chunks in SQLite: the [`samod::storage::Storage`] key/value trait over the `chunks` table.
//!
//! Stage: *SQLite*, called by samod's hub after it merged a change; every committed chunk is
//! recorded as durable ([`super::durable`]).

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};
use samod::storage::StorageKey;

use super::SqliteStore;
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

/// Group commit: chunks written at the same time (many tablets' edits) go into one transaction
/// and one fsync. The first chunk to find no commit under way starts one on a blocking thread;
/// it takes every chunk waiting, commits them together, and goes on while more are waiting —
/// so a lone edit is committed at once, and under load each commit carries what arrived during
/// the one before. Every chunk is acknowledged only after the transaction holding it committed.
#[derive(Default)]
pub(super) struct GroupCommit {
    queue: std::sync::Mutex<(Vec<Waiting>, bool)>,
    /// Transactions committed (fewer than chunks when they were grouped).
    transactions: std::sync::atomic::AtomicU64,
}

impl GroupCommit {
    fn enqueue(&self, store: &SqliteStore, w: Waiting) {
        let start = {
            let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
            q.0.push(w);
            !std::mem::replace(&mut q.1, true)
        };
        if start {
            let store = store.clone();
            tokio::task::spawn_blocking(move || store.group.lead(&store));
        }
    }

    /// Commits batches until none is waiting.
    fn lead(&self, store: &SqliteStore) {
        loop {
            let batch = {
                let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
                if q.0.is_empty() {
                    q.1 = false;
                    return;
                }
                std::mem::take(&mut q.0)
            };
            let result = {
                let mut conn = store.conn.lock().unwrap_or_else(|p| p.into_inner());
                commit(&mut conn, &batch)
            };
            match result {
                Ok(existed) => {
                    self.transactions
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    // Committed (synchronous = FULL): only now may the changes be acknowledged,
                    // and only now do the documents' prints say they are stored.
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
                    for w in batch {
                        let _ = w.done.send(Err(StoreError::Interrupted(why.clone())));
                    }
                }
            }
        }
    }
}

/// Writes `batch` in one transaction; says which keys were stored already.
fn commit(conn: &mut rusqlite::Connection, batch: &[Waiting]) -> rusqlite::Result<Vec<bool>> {
    // IMMEDIATE: the write lock is taken at the start (waiting out another writer under the busy
    // timeout); a deferred transaction that reads first cannot upgrade past a writer that
    // committed meanwhile — SQLite answers "database is locked" at once.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut existed = Vec::with_capacity(batch.len());
    {
        let mut exists = tx.prepare_cached("SELECT 1 FROM chunks WHERE key = ?1")?;
        let mut put = tx.prepare_cached(
            "INSERT INTO chunks (key, data) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET data = excluded.data",
        )?;
        for w in batch {
            existed.push(exists.query_row([&w.key], |_| Ok(())).optional()?.is_some());
            put.execute(params![w.key, w.data])?;
        }
    }
    tx.commit()?;
    Ok(existed)
}

impl SqliteStore {
    /// Transactions that committed chunks since the store opened.
    pub fn chunk_transactions(&self) -> u64 {
        self.group
            .transactions
            .load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl samod::storage::Storage for SqliteStore {
    async fn load(&self, key: StorageKey) -> Option<Vec<u8>> {
        let k = key_string(&key);
        let res = self
            .blocking(move |c| {
                c.query_row("SELECT data FROM chunks WHERE key = ?1", [k], |r| r.get(0))
                    .optional()
            })
            .await;
        res.unwrap_or_else(|e| {
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
        let res = self
            .blocking(move |c| {
                // Keys under "a/b" sort between "a/b/" and "a/b0" ('0' follows '/').
                let (lo, hi) = (format!("{p}/"), format!("{p}0"));
                let mut stmt = c.prepare(
                    "SELECT key, data FROM chunks WHERE key = ?1 OR (key >= ?2 AND key < ?3)",
                )?;
                let rows = stmt.query_map(params![p, lo, hi], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
                })?;
                rows.collect::<rusqlite::Result<Vec<_>>>()
            })
            .await;
        match res {
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
        let prints = self.prints.clone();
        if let Err(e) = self
            .blocking(move |c| {
                if c.execute("DELETE FROM chunks WHERE key = ?1", [&k])? > 0 {
                    prints.changed(&k, false);
                }
                Ok(())
            })
            .await
        {
            tracing::error!(error = %e, %key, "storage delete failed");
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
        let s = SqliteStore::open(&path).unwrap();
        const N: usize = 64;
        let puts = (0..N).map(|i| {
            let s = s.clone();
            tokio::spawn(async move {
                s.put(
                    key(&["doc", "incremental", &format!("{i:03}")]),
                    vec![i as u8],
                )
                .await;
                // Acknowledged: another connection to the file sees it.
                let other = rusqlite::Connection::open(dir_path(&s)).unwrap();
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

    /// The file behind `s` (tests only).
    fn dir_path(s: &SqliteStore) -> std::path::PathBuf {
        let conn = s.conn.lock().unwrap();
        std::path::PathBuf::from(conn.path().expect("a file").to_string())
    }

    #[tokio::test]
    async fn range_loads_only_keys_under_the_prefix() {
        let s = SqliteStore::in_memory().unwrap();
        s.put(key(&["doc1", "incremental", "a"]), vec![1]).await;
        s.put(key(&["doc1", "snapshot", "b"]), vec![2]).await;
        s.put(key(&["doc10", "incremental", "c"]), vec![3]).await;
        let got = s.load_range(key(&["doc1"])).await;
        assert_eq!(got.len(), 2);
        assert_eq!(
            s.load(key(&["doc10", "incremental", "c"])).await,
            Some(vec![3])
        );
        s.delete(key(&["doc1", "snapshot", "b"])).await;
        assert_eq!(s.load_range(key(&["doc1"])).await.len(), 1);
    }
}
