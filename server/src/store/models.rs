//! Documents' readings (model and reporting steps, [`crate::domain::documents::readings`]) kept in SQLite by the
//! print of the chunks they were made from ([`super::prints`]), and the documents read straight
//! from their chunks together with that print.
//!
//! Stage: *SQLite → model*. A kept reading is a cache: it is used only while the document's
//! stored chunks are exactly those it was made from, and only by the build that made it (a new
//! release may read documents differently, so it makes its own); one that does not decode is
//! made again. Readings are written behind, many per transaction, never on an edit's path.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use rusqlite::{OptionalExtension, params};

use super::prints::Print;
use super::{Engine, Result, Store, StoreError, pg};

/// Readings waiting to be written, and whether a writer is on its way.
#[derive(Default)]
pub(super) struct Kept {
    pending: Mutex<Vec<(String, Print, Vec<u8>)>>,
    writing: Arc<tokio::sync::Mutex<()>>,
    /// Neither used nor kept ([`Store::without_readings`]).
    off: bool,
}

/// How long a reading waits before it is written, so that a roll-up's hundreds go in few commits.
const GATHER: Duration = Duration::from_millis(200);

/// Readings per transaction.
const SLICE: usize = 64;

/// This build's mark on the readings it keeps: the version and the executable's size and time.
/// Without an executable to name (it cannot be read), readings are not kept.
fn build() -> Option<&'static str> {
    static BUILD: OnceLock<Option<String>> = OnceLock::new();
    BUILD
        .get_or_init(|| {
            let exe = std::env::current_exe().ok()?;
            let meta = std::fs::metadata(exe).ok()?;
            let at = meta
                .modified()
                .ok()?
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?;
            Some(format!(
                "{}/{}/{}",
                env!("CARGO_PKG_VERSION"),
                meta.len(),
                at.as_nanos()
            ))
        })
        .as_deref()
}

impl Store {
    /// This store with no readings used or kept: every document is hydrated (a reference to
    /// measure against).
    pub fn without_readings(store: Store) -> Store {
        Store {
            models: Arc::new(Kept {
                off: true,
                ..Kept::default()
            }),
            ..store
        }
    }

    /// Document `doc_id`'s print now: which chunks of it are committed.
    pub fn print(&self, doc_id: &str) -> Print {
        self.prints.get(doc_id)
    }

    /// Document `doc_id` loaded from its stored chunks, with the print of the chunks read (one
    /// statement: the document and the print agree).
    pub async fn read_printed(&self, doc_id: &str) -> Result<(automerge::Automerge, Print)> {
        let chunks = self.chunks_under(doc_id, true).await?;
        if chunks.is_empty() {
            return Err(StoreError::NotFound(format!("tài liệu {doc_id}")));
        }
        let print = Print::of(chunks.iter().map(|(k, _)| k.as_str()));
        let mut doc = automerge::Automerge::new();
        for (_, chunk) in chunks {
            doc.load_incremental(&chunk)
                .map_err(|source| StoreError::Document {
                    doc_id: doc_id.to_string(),
                    source: Box::new(source),
                })?;
        }
        Ok((doc, print))
    }

    /// The reading of `doc_id` kept for exactly `print` by this build, as stored.
    pub async fn kept_reading(&self, doc_id: &str, print: Print) -> Result<Option<Vec<u8>>> {
        let Some(build) = build().filter(|_| !self.models.off) else {
            return Ok(None);
        };
        let (id, print) = (doc_id.to_string(), print.to_string());
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    c.prepare_cached(
                        "SELECT data FROM doc_readings
                         WHERE doc_id = ?1 AND print = ?2 AND build = ?3",
                    )?
                    .query_row(params![id, print, build], |r| r.get(0))
                    .optional()
                })
                .await
            }
            Engine::Postgres(pool) => Ok(pg(pool)
                .await?
                .query_opt(
                    "SELECT data FROM doc_readings WHERE doc_id = $1 AND print = $2 AND build = $3",
                    &[&id, &print, &build],
                )
                .await?
                .map(|r| r.get(0))),
        }
    }

    /// Keeps `bytes`, the reading of `doc_id` made from the chunks of `print`: written shortly,
    /// with the others made meanwhile, in one transaction (see [`Store::flush_readings`]).
    pub fn keep_reading(&self, doc_id: &str, print: Print, bytes: Vec<u8>) {
        if build().is_none() || self.models.off {
            return;
        }
        let first = {
            let mut pending = self
                .models
                .pending
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            pending.push((doc_id.to_string(), print, bytes));
            pending.len() == 1
        };
        if first && let Ok(rt) = tokio::runtime::Handle::try_current() {
            let store = self.clone();
            rt.spawn(async move {
                tokio::time::sleep(GATHER).await;
                if let Err(e) = store.flush_readings().await {
                    tracing::warn!(error = %e, "keeping documents' readings failed");
                }
            });
        }
    }

    /// Writes the readings waiting to be kept.
    pub async fn flush_readings(&self) -> Result<()> {
        let _one = self.models.writing.lock().await;
        let batch = std::mem::take(
            &mut *self
                .models
                .pending
                .lock()
                .unwrap_or_else(|p| p.into_inner()),
        );
        let Some(build) = build() else {
            return Ok(());
        };
        if batch.is_empty() {
            return Ok(());
        }
        // In slices: the connection also commits the edits' chunks, which should not wait for a
        // whole roll-up's readings at once.
        let mut batch = batch;
        while !batch.is_empty() {
            let slice: Vec<_> = batch.drain(..batch.len().min(SLICE)).collect();
            self.put_readings(slice, build).await?;
        }
        Ok(())
    }
}

impl Store {
    async fn put_readings(
        &self,
        slice: Vec<(String, Print, Vec<u8>)>,
        build: &'static str,
    ) -> Result<()> {
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    let tx = c.transaction()?;
                    {
                        let mut put = tx.prepare_cached(
                            "INSERT INTO doc_readings (doc_id, print, build, data)
                             VALUES (?1, ?2, ?3, ?4)
                             ON CONFLICT (doc_id) DO UPDATE
                               SET print = excluded.print, build = excluded.build,
                                   data = excluded.data",
                        )?;
                        for (doc, print, data) in &slice {
                            put.execute(params![doc, print.to_string(), build, data])?;
                        }
                    }
                    tx.commit()
                })
                .await
            }
            Engine::Postgres(pool) => {
                let mut c = pg(pool).await?;
                let tx = c.transaction().await?;
                let put = tx
                    .prepare(
                        "INSERT INTO doc_readings (doc_id, print, build, data)
                         VALUES ($1, $2, $3, $4)
                         ON CONFLICT (doc_id) DO UPDATE
                           SET print = excluded.print, build = excluded.build,
                               data = excluded.data",
                    )
                    .await?;
                for (doc, print, data) in &slice {
                    tx.execute(&put, &[doc, &print.to_string(), &build, data])
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use samod::storage::Storage;

    use crate::store::test_key as key;

    #[tokio::test]
    async fn a_reading_is_found_only_for_the_chunks_it_was_made_from() {
        let s = Store::in_memory().unwrap();
        let mut d = automerge::AutoCommit::new();
        automerge::transaction::Transactable::put(&mut d, automerge::ROOT, "a", 1).unwrap();
        s.put(key(&["doc1", "incremental", "x"]), d.save()).await;
        let (loaded, print) = s.read_printed("doc1").await.unwrap();
        assert_eq!(print, s.print("doc1"));
        assert_eq!(loaded.get_heads(), d.get_heads());
        s.keep_reading("doc1", print, b"kept".to_vec());
        s.flush_readings().await.unwrap();
        assert_eq!(
            s.kept_reading("doc1", print).await.unwrap().as_deref(),
            Some(&b"kept"[..])
        );
        // Another chunk: another print, and the reading no longer answers for the document.
        automerge::transaction::Transactable::put(&mut d, automerge::ROOT, "b", 2).unwrap();
        s.put(key(&["doc1", "incremental", "y"]), d.save_incremental())
            .await;
        assert_ne!(s.print("doc1"), print);
        assert_eq!(s.kept_reading("doc1", s.print("doc1")).await.unwrap(), None);
        assert!(matches!(
            s.read_printed("nothing").await,
            Err(StoreError::NotFound(_))
        ));
    }
}
