//! HTTP routes: the JSON API, the sync socket and the built client's static files.
//!
//! Stage: *API*, reading from the [`Library`](crate::library::Library) and `shared::status`;
//! `/sync` hands sockets to [`crate::sync`].

pub mod api;
pub mod attestations;
pub mod auth;
pub mod body;
pub mod bundles;
pub mod files;
pub mod metrics;
pub mod sync;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower::ServiceExt;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::AppState;
use crate::error::AppError;

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    let dir = &state.config.static_dir;
    // Unknown paths outside /api get the app shell, so client-side routes survive a reload.
    // `scripts/build-client` stores each asset's brotli and gzip forms beside it (compressed once,
    // at the highest levels): those are served as they are, with their `Content-Encoding`; the
    // compression layer below then leaves them alone and compresses only what has none.
    // A missing *file* (a name with an extension: an old build's wasm) is a 404, never the shell:
    // a service worker would cache the HTML under the wasm's name, for a year.
    let shell = ServeFile::new(dir.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let static_files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(true)
        .fallback(tower::service_fn(move |req: Request| {
            let shell = shell.clone();
            async move {
                if names_a_file(req.uri().path()) {
                    return Ok::<_, std::convert::Infallible>(
                        axum::http::StatusCode::NOT_FOUND.into_response(),
                    );
                }
                Ok(shell.oneshot(req).await.into_response())
            }
        }));
    Router::new()
        .nest(
            "/api",
            api::router()
                .merge(attestations::router())
                .merge(auth::router())
                .merge(bundles::router())
                .merge(files::router())
                .layer(middleware::from_fn(json_errors)),
        )
        .route("/sync", get(sync::upgrade))
        .route("/metrics", get(metrics::metrics))
        .fallback_service(static_files)
        .layer(middleware::from_fn(cache_headers))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            tracing::info_span!(
                "request",
                method = %req.method(),
                path = %req.uri().path(),
                user = tracing::field::Empty,
            )
        }))
        .with_state(state)
}

/// Under `/api` every error is JSON `{"error","code"}`: axum's own rejections (a wrong method,
/// a body over the size limit, a path parameter that does not parse) come as plain text and are
/// turned into the crate's [`Error`] here, so they answer like every other error, keeping their
/// status and message.
async fn json_errors(req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    let status = resp.status();
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    if !status.is_client_error() {
        return Response::from_parts(parts, axum::body::Body::from(text));
    }
    let error = AppError::rejected(status, text);
    let mut out = error.into_response();
    // The rejection's own status stands (415, 422 …); the JSON says why.
    *out.status_mut() = status;
    // Keep what the client needs to act (Allow on 405, Retry-After).
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = parts.headers.get(&name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out
}

/// Whether the last segment of `path` has a file extension (`app.wasm`, `sw.js`), as opposed to
/// a client route (`/bao-cao/quy-1`).
pub fn names_a_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .and_then(|name| name.rsplit_once('.'))
        .is_some_and(|(stem, ext)| !stem.is_empty() && !ext.is_empty())
}

/// Whether a file name carries a content hash (`app-3f9a1c2b7d.wasm`): such files never change.
pub fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split(['-', '_', '.'])
        .skip(1)
        .any(|h| h.len() >= 8 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Cache policy: API answers are never cached; hashed assets are cached for a year; the app
/// shell (`index.html`, `sw.js`, the manifest) and every other file are revalidated each time, so
/// a new version is seen on the next visit.
async fn cache_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut resp = next.run(req).await;
    if resp.headers().contains_key(header::CACHE_CONTROL) {
        return resp;
    }
    let value = if path.starts_with("/api/") || path == "/sync" {
        "no-store"
    } else if resp.status().is_success() && is_hashed_asset(&path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    resp
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn only_content_hashed_names_count_as_immutable() {
        assert!(is_hashed_asset("/tiendo-client-3f9a1c2b7d4e5f60_bg.wasm"));
        assert!(is_hashed_asset("/assets/app-0123abcd.js"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/sw.js"));
        assert!(!is_hashed_asset("/manifest.webmanifest"));
        assert!(!is_hashed_asset("/icons/icon-192.png"));
        assert!(!is_hashed_asset("/deadbeef.js"));
    }
}
