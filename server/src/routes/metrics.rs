//! `GET /metrics`: this node's metrics ([`crate::metrics`]) in Prometheus's text format, for a
//! scraper at a configured address (`metrics_from`) or a system administrator.
//!
//! Stage: *API*, beside the sync socket (outside `/api`, where scrapers look).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::IntoResponse;

use crate::AppState;
use crate::domain::access;
use crate::error::Result;
use crate::routes::auth::Authenticated;

/// The metrics, to whom may read them.
pub async fn metrics(State(state): State<AppState>, mut parts: Parts) -> Result<impl IntoResponse> {
    let from = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if !from.is_some_and(|ip| state.config.metrics_from.contains(&ip)) {
        let auth = Authenticated::from_request_parts(&mut parts, &state).await?;
        access::may_read_metrics(&auth.user)?;
    }
    Ok((
        [(header::CONTENT_TYPE, prometheus::TEXT_FORMAT)],
        state.metrics.render(),
    ))
}
