//! One sync connection's loop: handshake, inbound checks, outbound durability, session
//! re-checks — between any `Sink`/`Stream` of WebSocket messages and samod's [`Transport`].
//!
//! Stage: *transport*. the `/sync` route hands it the split socket; a test can hand it
//! channels instead.

use std::collections::{HashMap, HashSet};
use std::fmt::Display;
use std::time::Instant;

use axum::extract::ws::{CloseFrame, Message};
use futures::{Sink, SinkExt, Stream, StreamExt};
use samod::{PeerId, Transport};

use super::frame::{Frame, decode, inspect};
use super::{HANDSHAKE_TIMEOUT, KEEPALIVE, SESSION_RECHECK, STORAGE_TIMEOUT, close_code};
use crate::AppState;
use crate::domain::access::Access;
use crate::domain::accounts::User;
use crate::domain::session::Authenticated;
use crate::store::DocKind;

fn close(code: u16, reason: &str) -> Message {
    // A close reason is at most 123 bytes.
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    Message::Close(Some(CloseFrame {
        code,
        reason: reason[..end].into(),
    }))
}

enum Inbound {
    Forward(Vec<u8>),
    /// A frame with changes to a document the user may write, admitted first
    /// ([`super::admit`]): the frame, the document, its kind, the change chunks.
    Gate(Vec<u8>, String, DocKind, Vec<Vec<u8>>),
    Refuse(u16, String),
    Ignore,
    Closed,
}

struct Checker<'a> {
    state: &'a AppState,
    user: &'a User,
    peer: String,
    documents: HashSet<String>,
    /// Edits received and not yet acknowledged, by document: when each arrived.
    unacknowledged: HashMap<String, Vec<Instant>>,
    /// The heads last announced to the peer, by document.
    announced: HashMap<String, Vec<automerge::ChangeHash>>,
}

impl Checker<'_> {
    fn check(&mut self, msg: Message) -> Inbound {
        let bytes = match msg {
            Message::Binary(b) => b,
            Message::Text(_) => {
                return Inbound::Refuse(
                    close_code::UNSUPPORTED,
                    "text frames are not supported: the sync protocol is binary CBOR".into(),
                );
            }
            Message::Close(_) => return Inbound::Closed,
            Message::Ping(_) | Message::Pong(_) => return Inbound::Ignore,
        };
        let limit = self.state.config.limits.max_frame_bytes;
        if bytes.len() > limit {
            return Inbound::Refuse(
                close_code::TOO_BIG,
                format!(
                    "frame of {} bytes exceeds the limit of {limit}",
                    bytes.len()
                ),
            );
        }
        self.state.metrics.bytes_in.inc_by(bytes.len() as u64);
        let (frame, sync) = match inspect(&bytes) {
            Ok(ok) => ok,
            Err((code, why)) => return Inbound::Refuse(code, why),
        };
        if let Some(sender) = &frame.sender_id
            && *sender != self.peer
        {
            return Inbound::Refuse(
                close_code::POLICY,
                "senderId differs from the connection's peer id".into(),
            );
        }
        if let (Some(doc), Some(sync)) = (frame.document_id.as_deref(), sync) {
            if self.documents.insert(doc.to_string()) {
                let max = self.state.config.limits.max_documents_per_connection;
                if self.documents.len() > max {
                    return Inbound::Refuse(
                        close_code::POLICY,
                        format!("more than {max} documents on one connection"),
                    );
                }
            }
            if !sync.changes.is_empty() {
                let policy = crate::domain::access::Policy {
                    peers: self.state.peers.clone(),
                    catalogue: self.state.catalogue.clone(),
                };
                let granted = policy.decide(doc, &self.peer);
                if granted == Access::Write {
                    self.unacknowledged
                        .entry(doc.to_string())
                        .or_default()
                        .push(Instant::now());
                }
                let kind = self.state.catalogue.get(doc).map(|r| r.kind);
                if granted == Access::Write
                    && let Some(kind) = kind
                {
                    let chunks: Vec<Vec<u8>> = sync.changes.iter().map(|c| c.to_vec()).collect();
                    return Inbound::Gate(bytes.to_vec(), doc.to_string(), kind, chunks);
                }
                if granted != Access::Write {
                    self.state.peers.count_refused_write();
                    tracing::warn!(
                        user = %self.user.username,
                        peer = %self.peer,
                        doc,
                        access = ?granted,
                        chunks = sync.changes.len(),
                        "write refused: the peer may not write this document; changes ignored"
                    );
                }
            }
        }
        Inbound::Forward(bytes.to_vec())
    }
}

impl Checker<'_> {
    /// A message announcing `heads` of `doc` goes to the peer, its changes stored: when the
    /// heads moved since the last announcement, the peer's edits of the document waiting so far
    /// are acknowledged.
    fn announcing(&mut self, doc: &str, heads: &[automerge::ChangeHash]) {
        let moved = self
            .announced
            .get(doc)
            .is_none_or(|before| before.as_slice() != heads);
        if !moved {
            return;
        }
        self.announced.insert(doc.to_string(), heads.to_vec());
        if let Some(waiting) = self.unacknowledged.remove(doc) {
            let metrics = &self.state.metrics;
            for arrived in &waiting {
                metrics.ack_seconds.observe(arrived.elapsed().as_secs_f64());
            }
            metrics.edits_acknowledged.inc_by(waiting.len() as u64);
        }
    }
}

/// Admits changes to `doc` from `user` ([`super::admit`]): attests them, checks the reporting
/// steps that become applicable, and stamps those with when the server received them.
async fn gate(
    state: &AppState,
    user: &User,
    doc: &str,
    kind: DocKind,
    chunks: Vec<Vec<u8>>,
) -> Result<(), String> {
    let verdict = state
        .library
        .admission()
        .admit(
            &state.library,
            user,
            doc,
            kind,
            &chunks,
            crate::store::attest::Via::Sync,
        )
        .await;
    match verdict {
        crate::domain::admit::Verdict::Pass(added) => {
            if !added.is_empty()
                && let Err(e) = state.library.record_receipts(doc, &added).await
            {
                // The step still counts; only its arrival time is not known.
                tracing::error!(error = %e, doc, "could not record reporting steps' arrival");
            }
            Ok(())
        }
        crate::domain::admit::Verdict::Refuse(why) => Err(why),
    }
}

/// Heads an outbound message announces, when it is a sync message.
fn announced_heads(bytes: &[u8]) -> Option<(String, Vec<automerge::ChangeHash>)> {
    let frame = decode(bytes).ok()?;
    if frame.kind != "sync" {
        return None;
    }
    let msg = automerge::sync::Message::decode(frame.data.as_deref()?).ok()?;
    Some((frame.document_id?, msg.heads))
}

/// Pumps one sync connection between the client (`ws_tx`, `ws_rx`: the socket's two halves, or
/// channels in a test) and samod until either side ends it.
pub async fn run<S, R, E>(
    state: AppState,
    auth: Authenticated,
    mut ws_tx: S,
    mut ws_rx: R,
    keepalive: bool,
) where
    S: Sink<Message> + Unpin,
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: Display,
{
    let Authenticated {
        user,
        session,
        token,
    } = auth;

    // 1. The handshake: the first frame must be a join naming the peer id.
    let first = match tokio::time::timeout(HANDSHAKE_TIMEOUT, ws_rx.next()).await {
        Ok(Some(Ok(Message::Binary(b)))) => b,
        Ok(Some(Ok(Message::Text(_)))) => {
            let _ = ws_tx
                .send(close(
                    close_code::UNSUPPORTED,
                    "text frames are not supported",
                ))
                .await;
            return;
        }
        Ok(_) => return,
        Err(_) => {
            let _ = ws_tx
                .send(close(close_code::POLICY, "no join message in time"))
                .await;
            return;
        }
    };
    let peer = match decode(&first) {
        Ok(Frame {
            kind,
            sender_id: Some(peer),
            ..
        }) if kind == "join" && !peer.is_empty() && peer.len() <= 200 => peer,
        Ok(_) => {
            let _ = ws_tx
                .send(close(
                    close_code::POLICY,
                    "the first message must be a join with a senderId",
                ))
                .await;
            return;
        }
        Err(e) => {
            let _ = ws_tx
                .send(close(close_code::INVALID, &format!("malformed frame: {e}")))
                .await;
            return;
        }
    };
    tracing::Span::current().record("peer", peer.as_str());
    let limits = state.config.limits.clone();
    let guard =
        match state
            .library
            .peers()
            .bind(&peer, &user, session, limits.max_connections_per_user)
        {
            Ok(g) => g,
            Err(e) => {
                tracing::warn!(error = %e, "sync connection refused");
                let _ = ws_tx.send(close(close_code::POLICY, &e.to_string())).await;
                return;
            }
        };

    // 2. Hand a transport to samod, bound to the peer id the user presented.
    let (mut to_samod, from_client) =
        futures::channel::mpsc::channel::<std::result::Result<Vec<u8>, std::io::Error>>(16);
    // samod → client is unbounded: samod drives each connection in one loop that either reads
    // from the client or sends to it, and this pump likewise; with both channels bounded, a
    // burst both ways (an office with many documents while its units edit) left samod waiting
    // for room towards the client while the pump waited for room towards samod — the
    // connection went silent for good. samod already queues each connection's outbound
    // messages unbounded, so this adds no new way to grow; the client → samod side keeps its
    // bound, which is what pushes back on a client that sends too fast.
    let (to_client, mut from_samod) = futures::channel::mpsc::unbounded::<Vec<u8>>();
    let transport =
        Transport::new(from_client, to_client).with_expected_peer_id(PeerId::from(peer.as_str()));
    let connection = match state.library.acceptor().accept(transport) {
        Ok(c) => c,
        Err(_) => {
            let _ = ws_tx.send(close(1001, "server is shutting down")).await;
            return;
        }
    };
    tracing::info!("sync connection open");
    if to_samod.send(Ok(first.to_vec())).await.is_err() {
        return;
    }
    let _connection = connection;
    let mut checker = Checker {
        state: &state,
        user: &user,
        peer: peer.clone(),
        documents: HashSet::new(),
        unacknowledged: HashMap::new(),
        announced: HashMap::new(),
    };

    // 3. Pump until one side stops.
    let mut recheck = tokio::time::interval(SESSION_RECHECK);
    recheck.tick().await;
    // The keep-alive: the first at once (the client arms its watchdog only once it has heard
    // one, so an older server that sends none is never taken for a dead one).
    let mut alive = tokio::time::interval(KEEPALIVE);
    alive.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let reason = loop {
        tokio::select! {
            _ = alive.tick(), if keepalive => {
                if ws_tx.send(Message::Text("k".into())).await.is_err() {
                    break "client went away".to_string();
                }
            }
            _ = recheck.tick() => {
                if state.accounts.authenticate(&token).await.is_err() {
                    let _ = ws_tx.send(close(close_code::POLICY, "session ended")).await;
                    break "session no longer valid".to_string();
                }
            }
            _ = guard.cancel.cancelled() => {
                let _ = ws_tx.send(close(close_code::POLICY, "session ended")).await;
                break "session ended".to_string();
            }
            incoming = ws_rx.next() => match incoming {
                Some(Ok(msg)) => match checker.check(msg) {
                    Inbound::Forward(bytes) => {
                        if to_samod.send(Ok(bytes)).await.is_err() {
                            break "samod stopped reading".to_string();
                        }
                    }
                    Inbound::Gate(bytes, doc, kind, changes) => {
                        if let Err(why) = gate(&state, &user, &doc, kind, changes).await {
                            tracing::warn!(user = %user.username, doc, reason = %why, "closing sync connection: reporting step refused");
                            let _ = ws_tx.send(close(close_code::POLICY, &why)).await;
                            break why;
                        }
                        if to_samod.send(Ok(bytes)).await.is_err() {
                            break "samod stopped reading".to_string();
                        }
                    }
                    Inbound::Refuse(code, why) => {
                        tracing::warn!(code, reason = %why, "closing sync connection: bad frame");
                        let _ = ws_tx.send(close(code, &why)).await;
                        break why;
                    }
                    Inbound::Ignore => {}
                    Inbound::Closed => break "client closed".to_string(),
                },
                Some(Err(e)) => break format!("socket error: {e}"),
                None => break "client went away".to_string(),
            },
            outgoing = from_samod.next() => match outgoing {
                Some(bytes) => {
                    let announced = announced_heads(&bytes);
                    if let Some((doc, heads)) = &announced
                        && !state.library.wait_durable(doc, heads, STORAGE_TIMEOUT).await
                    {
                        tracing::error!(doc, "changes not committed in time; closing");
                        let _ = ws_tx.send(close(close_code::SERVER_ERROR, "storage did not confirm")).await;
                        break "storage did not confirm".to_string();
                    }
                    let len = bytes.len() as u64;
                    if ws_tx.send(Message::Binary(bytes::Bytes::from(bytes))).await.is_err() {
                        break "client went away".to_string();
                    }
                    state.metrics.bytes_out.inc_by(len);
                    if let Some((doc, heads)) = announced {
                        checker.announcing(&doc, &heads);
                    }
                }
                None => break "samod closed the connection".to_string(),
            },
        }
    };
    drop(to_samod);
    drop(guard);
    tracing::info!(%reason, "sync connection closed");
}
