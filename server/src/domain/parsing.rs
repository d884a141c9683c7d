//! Heavy parsing off the async workers: plan files (`plan_files`) and bundle files
//! (`tiendo_shared::bundle::open`) are read on tokio's blocking threads, at most
//! `limits.parsing_permits` at once (default 2).
//!
//! Stage: *API*, between a route that has read a bounded body (`routes::body`) and the parser.
//! The async workers answer `/api/health`, sign-ins and every sync socket; a parser holding one
//! for seconds (a sheet of many rows, a bundle's hashes) would hold them all. On its blocking
//! thread it holds only itself, and the permits bound how many such threads (and their memory)
//! one burst can take. A request that finds every permit taken waits its turn, at most [`WAIT`]
//! (an office's import rarely meets another), then is answered `503` with `Retry-After`, so a
//! queue of hostile files cannot grow without end.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::domain::error::{DomainError, Result};

/// How long a request waits for a parsing permit before it is answered `503`.
pub const WAIT: Duration = Duration::from_secs(15);

/// The parsing permits of this node.
#[derive(Clone)]
pub struct Parsers {
    permits: Arc<Semaphore>,
    wait: Duration,
}

impl Parsers {
    /// `permits` parsers at once (at least one).
    pub fn new(permits: usize) -> Parsers {
        Parsers {
            permits: Arc::new(Semaphore::new(permits.max(1))),
            wait: WAIT,
        }
    }

    /// Runs `parse` on a blocking thread once a permit is free; `what` names the work in the
    /// answer when none frees up within [`WAIT`].
    pub async fn run<T, F>(&self, what: &str, parse: F) -> Result<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let permit =
            match tokio::time::timeout(self.wait, self.permits.clone().acquire_owned()).await {
                Ok(Ok(permit)) => permit,
                Ok(Err(_closed)) => return Err(DomainError::Stopped),
                Err(_elapsed) => {
                    tracing::warn!(what, "no parsing permit within the wait: answered busy");
                    return Err(DomainError::Busy {
                        what: what.to_string(),
                        retry_after: self.wait.as_secs(),
                    });
                }
            };
        // The permit goes with the thread: a request dropped meanwhile (the client left) does not
        // free it before the parser is done.
        Ok(tokio::task::spawn_blocking(move || {
            let out = parse();
            drop(permit);
            out
        })
        .await?)
    }
}
