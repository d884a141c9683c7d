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
        let conn = self.conn.clone();
        let durable = self.durable.clone();
        let prints = self.prints.clone();
        let commit = self.commit_seconds.clone();
        if let Some(doc) = super::prints::content_doc(&k) {
            self.loaded
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(doc.to_string());
        }
        let res = tokio::task::spawn_blocking(move || {
            // Listed before taking the connection, so a large snapshot does not hold up writers.
            let changes = chunk_changes(&k, &data);
            let timer = commit.start_timer();
            let guard = conn.lock().unwrap_or_else(|p| p.into_inner());
            let existed = guard
                .query_row("SELECT 1 FROM chunks WHERE key = ?1", [&k], |_| Ok(()))
                .optional()?
                .is_some();
            guard.execute(
                "INSERT INTO chunks (key, data) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET data = excluded.data",
                params![k, data],
            )?;
            drop(guard);
            timer.observe_duration();
            // Committed (synchronous = FULL): only now may the change be acknowledged, and only
            // now does the document's print say it is stored.
            if !existed {
                prints.changed(&k, true);
            }
            if let Some((doc, hashes)) = changes {
                durable.record(doc, hashes);
            }
            Ok::<_, rusqlite::Error>(())
        })
        .await;
        let res = match res {
            Ok(r) => r.map_err(StoreError::from),
            Err(e) => Err(StoreError::Interrupted(e.to_string())),
        };
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
