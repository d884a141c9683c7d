//! `GET /sync`: upgrades a signed-in request to the sync socket and hands it to the pump.
//!
//! Stage: *transport*, the door of [`crate::sync`]: the session is checked here (an
//! [`Authenticated`] extractor), then [`crate::sync::pump::run`] owns the socket.

use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::response::Response;
use futures::StreamExt;
use tracing::Instrument;

use crate::AppState;
use crate::error::Result;
use crate::routes::auth::Authenticated;
use crate::sync::pump;

/// Each sync socket's read buffer.
const READ_BUFFER: usize = 8 * 1024;

/// `GET /sync`'s query.
#[derive(Debug, Default, serde::Deserialize)]
pub struct SyncQuery {
    /// `1`: send a keep-alive text frame on an idle connection ([`crate::sync::KEEPALIVE`]).
    keepalive: Option<String>,
}

/// `GET /sync`: upgrades a signed-in request to the sync socket.
pub async fn upgrade(
    State(state): State<AppState>,
    auth: Authenticated,
    query: axum::extract::Query<SyncQuery>,
    ws: WebSocketUpgrade,
) -> Result<Response> {
    let keepalive = query.keepalive.as_deref() == Some("1");
    let limits = &state.config.limits;
    let open = state.peers.connections_of(auth.user.id);
    if open >= limits.max_connections_per_user {
        return Err(crate::AppError::TooManyConnections(format!(
            "người dùng {} đã có {open} kết nối đồng bộ (tối đa {})",
            auth.user.username, limits.max_connections_per_user
        )));
    }
    // The socket's own cap is above ours, so an oversized frame reaches the pump and is refused
    // with a reason instead of tearing the socket down.
    let hard_cap = limits.max_frame_bytes.saturating_mul(2).max(1024);
    // The read buffer is allocated whole for every socket (128 KiB by default): most of an idle
    // tablet's cost on the server — 10,000 idle tablets held 1.4 GB. A larger message still
    // arrives whole, read in more pieces.
    Ok(ws
        .read_buffer_size(READ_BUFFER)
        .max_message_size(hard_cap)
        .max_frame_size(hard_cap)
        .on_upgrade(move |socket| {
            let span = tracing::info_span!("sync", user = %auth.user.username, peer = tracing::field::Empty);
            let (tx, rx) = socket.split();
            pump::run(state, auth, tx, rx, keepalive).instrument(span)
        }))
}
