//! Sessions ended by another process close their sync sockets here at once: `tiendo user
//! passwd` and `tiendo user disable` run beside the server, on the same SQLite file or
//! PostgreSQL database, and end the user's sessions there; the server learns of it within a
//! second or so instead of at its sockets' next session check (`sync::SESSION_RECHECK`,
//! a minute).
//!
//! Stage: *accounts*, between the store and the open sync connections
//! ([`crate::domain::access::Peers`]). One cheap watcher per server, not a query per connection:
//!
//! - on SQLite, `PRAGMA data_version` every [`POLL`]: it changes only when another connection
//!   committed (the server's own commits leave it alone), so a busy server does no more work;
//! - on PostgreSQL, the commit that ends sessions or disables an account announces it on the
//!   channel the nodes already listen on ([`crate::store::postgres::Foreign::Accounts`]).
//!
//! Either way, the open connections' sessions are then looked up in one go
//! ([`crate::store::Store::live_sessions`]) and the connections of those no longer good (gone,
//! expired, their user disabled) are closed with 1008, as a logout closes its own.

use std::time::Duration;

use crate::domain::library::Library;

/// How often SQLite's `data_version` is read.
pub const POLL: Duration = Duration::from_millis(500);

impl Library {
    /// Watches the store for sessions ended elsewhere and closes their sync connections, until
    /// [`Library::stop`].
    pub fn watch_sessions(&self) {
        let library = self.unlocked();
        let task = tokio::spawn(async move {
            if library.store().engine_name() == "postgres" {
                on_announcements(&library).await;
            } else {
                on_data_version(&library).await;
            }
        });
        self.keep_watcher(&task);
    }
}

async fn on_data_version(library: &Library) {
    let mut seen = library.store().data_version().await.ok();
    let mut tick = tokio::time::interval(POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let now = match library.store().data_version().await {
            Ok(v) => Some(v),
            Err(e) => {
                tracing::warn!(error = %e, "reading SQLite's data_version failed");
                continue;
            }
        };
        if now != seen {
            seen = now;
            close_ended(library).await;
        }
    }
}

async fn on_announcements(library: &Library) {
    use crate::store::postgres::Foreign;
    use tokio::sync::broadcast::error::RecvError;
    let mut foreign = library.store().foreign();
    loop {
        match foreign.recv().await {
            // After a lost announcement, check as if one had come.
            Ok(Foreign::Accounts | Foreign::Lost) | Err(RecvError::Lagged(_)) => {
                close_ended(library).await
            }
            Ok(_) => {}
            Err(RecvError::Closed) => return,
        }
    }
}

/// Closes the open connections whose session is no longer good.
async fn close_ended(library: &Library) {
    let peers = library.peers();
    let open = peers.open_sessions();
    if open.is_empty() {
        return;
    }
    let live = match library.store().live_sessions(open.clone()).await {
        Ok(live) => live,
        Err(e) => {
            tracing::warn!(error = %e, "checking the open sessions failed");
            return;
        }
    };
    let ended: Vec<Vec<u8>> = open.into_iter().filter(|s| !live.contains(s)).collect();
    if !ended.is_empty() {
        let closed = peers.end_sessions(&ended);
        tracing::info!(
            sessions = ended.len(),
            closed,
            "sessions ended elsewhere: sync connections closed"
        );
    }
}
