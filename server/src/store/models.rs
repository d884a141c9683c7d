//! Documents' readings (model and reporting steps, the `readings` module's) kept in the store by the
//! print of the chunks they were made from ([`super::prints`]), and the documents read straight
//! from their chunks together with that print.
//!
//! Stage: *SQLite → model*. A kept reading is a cache: it is used only while the document's
//! stored chunks are exactly those it was made from, and only by the build that made it (a new
//! release may read documents differently, so it makes its own); one that does not decode is
//! made again. Readings are written behind, many per transaction, never on an edit's path.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use super::prints::Print;
use super::{Result, Store, StoreError};

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

/// The reading of a document kept for a print by a build (both engines).
pub(crate) const KEPT: &str =
    "SELECT data FROM doc_readings WHERE doc_id = $1 AND print = $2 AND build = $3";
/// Keeps a document's reading, replacing the one kept before (both engines).
pub(crate) const PUT: &str = "INSERT INTO doc_readings (doc_id, print, build, data)
                              VALUES ($1, $2, $3, $4)
                              ON CONFLICT (doc_id) DO UPDATE
                                SET print = excluded.print, build = excluded.build,
                                    data = excluded.data";

/// The contract of the kept readings (a cache: one per document).
#[async_trait::async_trait]
pub(crate) trait Readings: Send + Sync {
    /// The reading of `doc_id` kept for `print` by `build`.
    async fn kept(
        &self,
        doc_id: String,
        print: String,
        build: &'static str,
    ) -> Result<Option<Vec<u8>>>;
    /// Keeps the readings `slice` (document, print, bytes) of `build`, in one transaction.
    async fn put(&self, slice: Vec<(String, String, Vec<u8>)>, build: &'static str) -> Result<()>;
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
        self.engine
            .readings
            .kept(doc_id.to_string(), print.to_string(), build)
            .await
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
        let slice = slice
            .into_iter()
            .map(|(doc, print, data)| (doc, print.to_string(), data))
            .collect();
        self.engine.readings.put(slice, build).await
    }
}
