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

/// `GET /sync`: upgrades a signed-in request to the sync socket.
pub async fn upgrade(
    State(state): State<AppState>,
    auth: Authenticated,
    ws: WebSocketUpgrade,
) -> Result<Response> {
    let limits = &state.config.limits;
    let open = state.library.peers().connections_of(auth.user.id);
    if open >= limits.max_connections_per_user {
        return Err(crate::AppError::TooManyConnections(format!(
            "người dùng {} đã có {open} kết nối đồng bộ (tối đa {})",
            auth.user.username, limits.max_connections_per_user
        )));
    }
    // The socket's own cap is above ours, so an oversized frame reaches the pump and is refused
    // with a reason instead of tearing the socket down.
    let hard_cap = limits.max_frame_bytes.saturating_mul(2).max(1024);
    Ok(ws
        .max_message_size(hard_cap)
        .max_frame_size(hard_cap)
        .on_upgrade(move |socket| {
            let span = tracing::info_span!("sync", user = %auth.user.username, peer = tracing::field::Empty);
            let (tx, rx) = socket.split();
            pump::run(state, auth, tx, rx).instrument(span)
        }))
}
