//! HTTP routes: the JSON API, the sync socket and the built client's static files.
//!
//! Stage: *API*, reading from the [`Library`](crate::domain::library::Library) and `shared::status`;
//! `/sync` hands sockets to [`crate::sync`].

pub mod accounts;
pub mod api;
pub mod attestations;
pub mod auth;
pub mod body;
pub mod bundles;
pub mod files;
pub mod metrics;
pub mod next_year;
pub mod par;
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
use tower_http::trace::TraceLayer;

use crate::AppState;
use crate::error::AppError;

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    let dir = &state.config.static_dir;
    let csp = Csp::new(dir.join("index.html"));
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
                .merge(accounts::router())
                .merge(attestations::router())
                .merge(auth::router())
                .merge(bundles::router())
                .merge(files::router())
                .merge(next_year::router())
                .merge(par::router())
                .layer(middleware::from_fn(json_errors)),
        )
        .route("/sync", get(sync::upgrade))
        .route("/metrics", get(metrics::metrics))
        .fallback_service(static_files)
        .layer(middleware::from_fn(cache_headers))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            tracing::info_span!(
                "request",
                method = %req.method(),
                path = %req.uri().path(),
                user = tracing::field::Empty,
            )
        }))
        // Outermost: every answer carries them, errors and rejections of the layers above too.
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            let csp = csp.clone();
            async move { security_headers(&csp, req, next).await }
        }))
        .with_state(state)
}

/// The Content-Security-Policy every answer carries: only this origin's scripts, styles, images,
/// connections and workers; WebAssembly compiled from this origin's files
/// (`'wasm-unsafe-eval'`, no `eval` of text); no plugins, no `<base>`, forms posted only here;
/// never framed (`frame-ancestors 'none'`, clickjacking). The app shell's inline scripts (the
/// loader must run before the wasm arrives) are allowed by their SHA-256, read from the
/// `index.html` being served — a new build is picked up when the file changes — so nothing
/// injected into the page runs.
#[derive(Clone)]
struct Csp {
    index: std::path::PathBuf,
    /// The policy and the (modification time, length) of the `index.html` it was made from.
    cached: std::sync::Arc<std::sync::Mutex<Option<(FileStamp, HeaderValue)>>>,
}

type FileStamp = Option<(Option<std::time::SystemTime>, u64)>;

impl Csp {
    fn new(index: std::path::PathBuf) -> Csp {
        Csp {
            index,
            cached: Default::default(),
        }
    }

    /// The policy, made again from `index.html` when `fresh` is asked (the shell itself is
    /// being served: one `stat`, and a read only when it changed) or none was made yet.
    fn policy(&self, fresh: bool) -> HeaderValue {
        let mut cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
        if !fresh && let Some((_, value)) = &*cached {
            return value.clone();
        }
        let stamp = std::fs::metadata(&self.index)
            .ok()
            .map(|m| (m.modified().ok(), m.len()));
        if let Some((was, value)) = &*cached
            && *was == stamp
        {
            return value.clone();
        }
        let html = std::fs::read_to_string(&self.index).unwrap_or_default();
        let value = HeaderValue::from_str(&content_security_policy(&inline_script_hashes(&html)))
            .unwrap_or_else(|_| {
                HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'")
            });
        *cached = Some((stamp, value.clone()));
        value
    }
}

/// The policy allowing the inline scripts of `hashes` (`'sha256-…'` sources). `blob:` is a
/// source of images and of reads: the files a tablet holds open as object URLs it made itself.
fn content_security_policy(hashes: &[String]) -> String {
    let mut script = String::from("script-src 'self' 'wasm-unsafe-eval'");
    for h in hashes {
        script.push(' ');
        script.push_str(h);
    }
    format!(
        "default-src 'self'; {script}; style-src 'self'; img-src 'self' data: blob:; \
         connect-src 'self' blob:; worker-src 'self'; manifest-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The CSP sources (`'sha256-<base64>'`) of the inline `<script>` elements of `html` (those
/// without `src`), hashed over their text exactly as written.
fn inline_script_hashes(html: &str) -> Vec<String> {
    use base64::Engine;
    use sha2::Digest;
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let tag = &after[..open_end];
        let body = &after[open_end + 1..];
        let Some(close) = body.find("</script>") else {
            break;
        };
        if !tag.contains("src=") {
            let digest = sha2::Sha256::digest(&body.as_bytes()[..close]);
            out.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &body[close..];
    }
    out
}

/// The security headers of every answer: the [`Csp`], `X-Frame-Options: DENY` (what browsers
/// without `frame-ancestors` read), `X-Content-Type-Options: nosniff` (a file is never run as
/// another type than it is served as) and `Referrer-Policy: no-referrer` (addresses of plans and
/// reports do not leave with a link).
async fn security_headers(csp: &Csp, req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let policy = csp.policy(html);
    let headers = resp.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers
        .entry(header::X_CONTENT_TYPE_OPTIONS)
        .or_insert(HeaderValue::from_static("nosniff"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    resp
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
    use super::{inline_script_hashes, is_hashed_asset};

    #[test]
    fn inline_scripts_are_allowed_by_their_hash_and_external_ones_by_origin() {
        let html = "<head><script>a()</script><script type=\"module\" src=\"/x.js\"></script>\n\
                    <script type=\"module\">\n  b();\n</script></head>";
        // `echo -n 'a()' | openssl dgst -sha256 -binary | base64`
        assert_eq!(
            inline_script_hashes(html),
            vec![
                "'sha256-qVpDBgj7bpq5hMAcGp3AOc79J3Y1Z4HvySTwKrWDoy4='".to_string(),
                "'sha256-vJZYjneEF8LRio5tFk2+HT+ejJJK2TwIJsCCMksNLhE='".to_string(),
            ]
        );
    }

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
