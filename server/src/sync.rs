//! `/sync`: the automerge-repo WebSocket, bound to a signed-in user and checked frame by frame.
//!
//! Stage: *transport*, between a client's samod/automerge-repo and the server's samod hub. The
//! upgrade needs a valid session. The socket is then pumped by [`run`], which stands between the
//! WebSocket and samod's [`Transport`]:
//!
//! - the first frame must be the automerge-repo `join`; its peer id is bound to the user
//!   ([`Peers::bind`](crate::access::Peers::bind)) and samod is told to expect exactly that id;
//! - every inbound frame is checked before samod sees it: binary only, within the size limit, a
//!   well-formed CBOR protocol message, a well-formed automerge sync message, at most so many
//!   documents per connection. A bad frame closes *that* connection with a close code and reason;
//!   other connections are not disturbed;
//! - changes a peer may not write are logged with the peer and document (samod ignores them);
//! - an outbound sync message is held back until every change in the heads it announces is
//!   committed to SQLite, so a client never hears "stored" for a change a crash could still lose.

use std::collections::HashSet;
use std::str::FromStr;
use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use futures::{SinkExt, StreamExt};
use samod::{DocumentId, PeerId, Transport};
use tracing::Instrument;

use crate::AppState;
use crate::access::Access;
use crate::accounts::User;
use crate::error::Result;
use crate::routes::auth::Authenticated;

/// How long a new socket may take to send its `join`.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How often an open connection re-checks its session (disabled users, ended sessions, changed
/// passwords from the CLI).
pub const SESSION_RECHECK: Duration = Duration::from_secs(60);
/// How long an outbound message may wait for SQLite before the connection is closed.
pub const STORAGE_TIMEOUT: Duration = Duration::from_secs(30);

/// WebSocket close codes used here (RFC 6455 §7.4.1).
pub mod close_code {
    /// Policy violation: wrong handshake, limits, session ended.
    pub const POLICY: u16 = 1008;
    /// A text frame: the protocol is binary.
    pub const UNSUPPORTED: u16 = 1003;
    /// Bytes that are not a protocol message.
    pub const INVALID: u16 = 1007;
    /// A frame over the size limit.
    pub const TOO_BIG: u16 = 1009;
    /// The server could not store in time.
    pub const SERVER_ERROR: u16 = 1011;
}

/// The stateless part of checking an inbound frame: it must decode as an automerge-repo
/// protocol message, and a `request` or `sync` must name a valid document and carry a decodable
/// automerge sync message (returned). The refusal is the close code and reason. Who sent it and
/// what they may write are checked by the connection; the fuzz target `frame` drives this.
pub fn inspect_frame(
    bytes: &[u8],
) -> std::result::Result<(Frame, Option<automerge::sync::Message>), (u16, String)> {
    let frame =
        decode_frame(bytes).map_err(|e| (close_code::INVALID, format!("malformed frame: {e}")))?;
    if !matches!(frame.kind.as_str(), "request" | "sync") {
        return Ok((frame, None));
    }
    let Some(doc) = frame.document_id.as_deref() else {
        return Err((
            close_code::INVALID,
            "sync message without documentId".into(),
        ));
    };
    if DocumentId::from_str(doc).is_err() {
        return Err((close_code::INVALID, format!("invalid documentId {doc:?}")));
    }
    let Some(data) = frame.data.as_deref() else {
        return Err((close_code::INVALID, "sync message without data".into()));
    };
    let sync = automerge::sync::Message::decode(data).map_err(|e| {
        (
            close_code::INVALID,
            format!("malformed automerge sync message: {e}"),
        )
    })?;
    Ok((frame, Some(sync)))
}

/// The fields of an automerge-repo protocol message this layer looks at.
#[derive(Debug, Default, PartialEq)]
pub struct Frame {
    /// `type`: join, peer, request, sync, ephemeral, doc-unavailable…
    pub kind: String,
    /// `senderId`.
    pub sender_id: Option<String>,
    /// `documentId`.
    pub document_id: Option<String>,
    /// `data`: the automerge sync message of `request` and `sync`.
    pub data: Option<Vec<u8>>,
}

const KNOWN_TYPES: &[&str] = &[
    "join",
    "peer",
    "leave",
    "request",
    "sync",
    "doc-unavailable",
    "ephemeral",
    "error",
    "remote-subscription-change",
    "remote-heads-changed",
];

/// Decodes the CBOR map of a protocol message (definite length, as automerge-repo sends it).
pub fn decode_frame(bytes: &[u8]) -> std::result::Result<Frame, String> {
    let mut d = minicbor::Decoder::new(bytes);
    let err = |e: minicbor::decode::Error| format!("not a CBOR protocol message: {e}");
    let len = d
        .map()
        .map_err(err)?
        .ok_or("indefinite-length map is not supported")?;
    let mut frame = Frame::default();
    let mut kind = None;
    for _ in 0..len {
        let key = d.str().map_err(err)?;
        match key {
            "type" => kind = Some(d.str().map_err(err)?.to_string()),
            "senderId" => frame.sender_id = Some(d.str().map_err(err)?.to_string()),
            // A document id travels as its base58 string, or as raw bytes.
            "documentId" => {
                frame.document_id = Some(if d.probe().str().is_ok() {
                    d.str().map_err(err)?.to_string()
                } else {
                    let raw = d.bytes().map_err(err)?.to_vec();
                    DocumentId::try_from(raw)
                        .map_err(|_| "invalid binary documentId".to_string())?
                        .to_string()
                });
            }
            "data" => frame.data = Some(d.bytes().map_err(err)?.to_vec()),
            _ => d.skip().map_err(err)?,
        }
    }
    if d.position() != bytes.len() {
        return Err("trailing bytes after the message".into());
    }
    frame.kind = kind.ok_or("message without a type")?;
    if !KNOWN_TYPES.contains(&frame.kind.as_str()) {
        return Err(format!("unknown message type {:?}", frame.kind));
    }
    Ok(frame)
}

/// `GET /sync`: upgrades a signed-in request to the sync socket.
pub async fn upgrade(
    State(state): State<AppState>,
    auth: Authenticated,
    ws: WebSocketUpgrade,
) -> Result<Response> {
    let limits = &state.config.limits;
    let open = state.library.peers().connections_of(auth.user.id);
    if open >= limits.max_connections_per_user {
        return Err(crate::Error::TooManyConnections(format!(
            "người dùng {} đã có {open} kết nối đồng bộ (tối đa {})",
            auth.user.username, limits.max_connections_per_user
        )));
    }
    // The socket's own cap is above ours, so an oversized frame reaches `run` and is refused
    // with a reason instead of tearing the socket down.
    let hard_cap = limits.max_frame_bytes.saturating_mul(2).max(1024);
    Ok(ws
        .max_message_size(hard_cap)
        .max_frame_size(hard_cap)
        .on_upgrade(move |socket| {
            let span = tracing::info_span!("sync", user = %auth.user.username, peer = tracing::field::Empty);
            run(state, auth, socket).instrument(span)
        }))
}

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
    Refuse(u16, String),
    Ignore,
    Closed,
}

struct Checker<'a> {
    state: &'a AppState,
    user: &'a User,
    peer: String,
    documents: HashSet<String>,
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
        let (frame, sync) = match inspect_frame(&bytes) {
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
                let policy = crate::access::Policy {
                    peers: self.state.library.peers().clone(),
                    catalogue: self.state.library.catalogue().clone(),
                };
                let granted = policy.decide(doc, &self.peer);
                if granted != Access::Write {
                    self.state.library.peers().count_refused_write();
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

/// Heads an outbound message announces, when it is a sync message.
fn announced_heads(bytes: &[u8]) -> Option<(String, Vec<automerge::ChangeHash>)> {
    let frame = decode_frame(bytes).ok()?;
    if frame.kind != "sync" {
        return None;
    }
    let msg = automerge::sync::Message::decode(frame.data.as_deref()?).ok()?;
    Some((frame.document_id?, msg.heads))
}

/// Pumps one sync socket between the client and samod until either side ends it.
pub async fn run(state: AppState, auth: Authenticated, socket: WebSocket) {
    let Authenticated {
        user,
        session,
        token,
    } = auth;
    let (mut ws_tx, mut ws_rx) = socket.split();

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
    let peer = match decode_frame(&first) {
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
    };

    // 3. Pump until one side stops.
    let mut recheck = tokio::time::interval(SESSION_RECHECK);
    recheck.tick().await;
    let reason = loop {
        tokio::select! {
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
                    if let Some((doc, heads)) = announced_heads(&bytes)
                        && !state.library.store().wait_durable(&doc, &heads, STORAGE_TIMEOUT).await
                    {
                        tracing::error!(doc, "changes not committed in time; closing");
                        let _ = ws_tx.send(close(close_code::SERVER_ERROR, "storage did not confirm")).await;
                        break "storage did not confirm".to_string();
                    }
                    if ws_tx.send(Message::Binary(bytes::Bytes::from(bytes))).await.is_err() {
                        break "client went away".to_string();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(pairs: &[(&str, &str)], data: Option<&[u8]>) -> Vec<u8> {
        let mut buf = Vec::new();
        let mut e = minicbor::Encoder::new(&mut buf);
        e.map(pairs.len() as u64 + u64::from(data.is_some()))
            .unwrap();
        for (k, v) in pairs {
            e.str(k).unwrap().str(v).unwrap();
        }
        if let Some(d) = data {
            e.str("data").unwrap().bytes(d).unwrap();
        }
        buf
    }

    #[test]
    fn frames_decode_and_garbage_is_refused_with_a_reason() {
        let join = encode(&[("type", "join"), ("senderId", "p1")], None);
        let f = decode_frame(&join).unwrap();
        assert_eq!(f.kind, "join");
        assert_eq!(f.sender_id.as_deref(), Some("p1"));
        let sync = encode(&[("type", "sync"), ("documentId", "d")], Some(&[1, 2]));
        assert_eq!(decode_frame(&sync).unwrap().data, Some(vec![1, 2]));

        assert!(decode_frame(b"garbage").unwrap_err().contains("CBOR"));
        assert!(decode_frame(&join[..join.len() - 2]).is_err(), "truncated");
        let mut long = join.clone();
        long.push(0);
        assert!(decode_frame(&long).unwrap_err().contains("trailing"));
        let unknown = encode(&[("type", "mystery")], None);
        assert!(decode_frame(&unknown).unwrap_err().contains("unknown"));
        let untyped = encode(&[("senderId", "p1")], None);
        assert!(decode_frame(&untyped).unwrap_err().contains("type"));
    }
}
