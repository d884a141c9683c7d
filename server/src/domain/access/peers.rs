//! The live sync connections and the user each samod peer id is bound to; refused writes counted.
//!
//! Stage: *domain*, under [`super`]: the sync pump binds connections here, the policy asks.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

use crate::domain::accounts::User;
use crate::domain::error::{DomainError, Result};

struct Binding {
    user: User,
    connections: usize,
}

struct Connection {
    peer: String,
    user_id: i64,
    session: Vec<u8>,
    cancel: CancellationToken,
}

#[derive(Default)]
struct PeersInner {
    by_peer: HashMap<String, Binding>,
    connections: HashMap<u64, Connection>,
    next_id: u64,
}

/// The live sync connections and the user each samod peer id is bound to.
#[derive(Clone, Default)]
pub struct Peers {
    inner: Arc<Mutex<PeersInner>>,
    refused_writes: Arc<AtomicU64>,
    /// Refused writes not yet added to the store's count ([`Peers::refused_in_store`]).
    refused_unstored: Arc<AtomicU64>,
    /// Held while the unstored count moves into the store, so a reader never counts it twice.
    refused_moving: Arc<tokio::sync::RwLock<()>>,
}

/// A bound connection; dropping it releases the binding.
pub struct ConnectionGuard {
    peers: Peers,
    id: u64,
    /// Cancelled when the session ends or the user is disabled.
    pub cancel: CancellationToken,
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        let mut inner = self.peers.lock();
        if let Some(conn) = inner.connections.remove(&self.id)
            && let Some(b) = inner.by_peer.get_mut(&conn.peer)
        {
            b.connections -= 1;
            if b.connections == 0 {
                inner.by_peer.remove(&conn.peer);
            }
        }
    }
}

impl Peers {
    fn lock(&self) -> std::sync::MutexGuard<'_, PeersInner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Binds samod peer id `peer` to `user` for one connection of session `session` (the token's
    /// hash). Refused when another user holds that peer id or the user has `max_per_user`
    /// connections already.
    pub fn bind(
        &self,
        peer: &str,
        user: &User,
        session: Vec<u8>,
        max_per_user: usize,
    ) -> Result<ConnectionGuard> {
        let mut inner = self.lock();
        let open = inner
            .connections
            .values()
            .filter(|c| c.user_id == user.id)
            .count();
        if open >= max_per_user {
            return Err(DomainError::TooManyConnections(format!(
                "người dùng {} đã có {open} kết nối đồng bộ (tối đa {max_per_user})",
                user.username
            )));
        }
        if let Some(b) = inner.by_peer.get(peer)
            && b.user.id != user.id
        {
            return Err(DomainError::Conflict(format!(
                "mã thiết bị (peer id) {peer} đang được người dùng khác dùng"
            )));
        }
        let binding = inner.by_peer.entry(peer.to_string()).or_insert(Binding {
            user: user.clone(),
            connections: 0,
        });
        binding.connections += 1;
        let id = inner.next_id;
        inner.next_id += 1;
        let cancel = CancellationToken::new();
        inner.connections.insert(
            id,
            Connection {
                peer: peer.to_string(),
                user_id: user.id,
                session,
                cancel: cancel.clone(),
            },
        );
        Ok(ConnectionGuard {
            peers: self.clone(),
            id,
            cancel,
        })
    }

    /// The user bound to `peer`.
    pub fn user_of(&self, peer: &str) -> Option<User> {
        self.lock().by_peer.get(peer).map(|b| b.user.clone())
    }

    /// Open sync connections of `user_id`.
    pub fn connections_of(&self, user_id: i64) -> usize {
        self.lock()
            .connections
            .values()
            .filter(|c| c.user_id == user_id)
            .count()
    }

    /// Closes the connections opened with session `session` (a token hash).
    pub fn end_session(&self, session: &[u8]) {
        for c in self.lock().connections.values() {
            if c.session == session {
                c.cancel.cancel();
            }
        }
    }

    /// The sessions (token hashes) of the open connections, each once.
    pub fn open_sessions(&self) -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = self
            .lock()
            .connections
            .values()
            .map(|c| c.session.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Closes the connections opened with any of `sessions` (token hashes); how many.
    pub fn end_sessions(&self, sessions: &[Vec<u8>]) -> usize {
        let mut n = 0;
        for c in self.lock().connections.values() {
            if sessions.contains(&c.session) {
                c.cancel.cancel();
                n += 1;
            }
        }
        n
    }

    /// Closes every connection of `user_id` (disabled user, new password).
    pub fn end_user(&self, user_id: i64) {
        for c in self.lock().connections.values() {
            if c.user_id == user_id {
                c.cancel.cancel();
            }
        }
    }

    /// Closes every connection of `user_id` but those of session `keep` (a token hash: the
    /// device that changed the user's password).
    pub fn end_user_except(&self, user_id: i64, keep: &[u8]) {
        for c in self.lock().connections.values() {
            if c.user_id == user_id && c.session != keep {
                c.cancel.cancel();
            }
        }
    }

    /// Closes every connection (server shutdown).
    pub fn end_all(&self) {
        for c in self.lock().connections.values() {
            c.cancel.cancel();
        }
    }

    /// Counts a refused write (for tests and the health endpoint).
    pub fn count_refused_write(&self) {
        self.refused_writes.fetch_add(1, Ordering::Relaxed);
        self.refused_unstored.fetch_add(1, Ordering::Relaxed);
    }

    /// Writes this node refused since it started (its `/metrics` counter).
    pub fn refused_writes(&self) -> u64 {
        self.refused_writes.load(Ordering::Relaxed)
    }

    /// Adds the refused writes counted since the last call to the store's count, which every
    /// node sharing the store adds to (called every half second, and at stop).
    pub async fn store_refused(&self, store: &crate::store::Store) -> crate::store::Result<()> {
        if self.refused_unstored.load(Ordering::Relaxed) == 0 {
            return Ok(());
        }
        let _moving = self.refused_moving.write().await;
        let n = self.refused_unstored.load(Ordering::Relaxed);
        store.add_to_count("refused_writes", n as i64).await?;
        self.refused_unstored.fetch_sub(n, Ordering::Relaxed);
        Ok(())
    }

    /// Writes refused by every node of the deployment since it was set up: the store's count
    /// and what this node has not stored yet.
    pub async fn refused_in_store(&self, store: &crate::store::Store) -> crate::store::Result<u64> {
        let _still = self.refused_moving.read().await;
        let stored = store.count("refused_writes").await?;
        Ok(stored as u64 + self.refused_unstored.load(Ordering::Relaxed))
    }

    /// Open sync connections.
    pub fn connection_count(&self) -> usize {
        self.lock().connections.len()
    }
}

impl crate::metrics::StoreCounts for crate::store::Store {
    fn commit_seconds(&self) -> prometheus::Histogram {
        crate::store::Store::commit_seconds(self).clone()
    }

    fn chunk_transactions(&self) -> u64 {
        crate::store::Store::chunk_transactions(self)
    }

    fn documents_loaded(&self) -> usize {
        crate::store::Store::documents_loaded(self)
    }
}

impl crate::metrics::PeerCounts for Peers {
    fn connection_count(&self) -> usize {
        Peers::connection_count(self)
    }

    fn refused_writes(&self) -> u64 {
        Peers::refused_writes(self)
    }
}
