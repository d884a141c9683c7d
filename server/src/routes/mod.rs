//! HTTP routes: the JSON API and the built client's static files.
//!
//! Stage: *API*, reading from the [`Library`](crate::library::Library) and `shared::status`.

pub mod api;

use axum::Router;
use axum::http::{HeaderValue, header};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::AppState;

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    let static_files =
        ServeDir::new(&state.config.static_dir).append_index_html_on_directories(true);
    Router::new()
        .nest("/api", api::router())
        .fallback_service(static_files)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
