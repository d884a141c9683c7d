//! Every answer of a real server carries the security headers — the app shell, a static asset,
//! `/api/health`, an API error, an unknown file: a Content-Security-Policy that lets only this
//! origin's scripts and WebAssembly run (the shell's inline loader by its hash, read from the
//! `index.html` served, a new build's as soon as it is written), never framed
//! (`frame-ancestors 'none'`, `X-Frame-Options: DENY`), `X-Content-Type-Options: nosniff` and
//! `Referrer-Policy: no-referrer`.

use base64::Engine;
use sha2::{Digest, Sha256};
use tiendo_tests::{TestServer, data_dir};

fn hash_source(script: &str) -> String {
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()))
    )
}

fn shell(script: &str) -> String {
    format!(
        "<!doctype html><title>Tiến độ</title><script>{script}</script>\
         <script type=\"module\" src=\"/app-0123456789abcdef.js\"></script>"
    )
}

#[test]
fn every_answer_carries_the_security_headers() {
    let dir = data_dir();
    let site = data_dir();
    let loader = "window.tiendo = { builds: {} };";
    std::fs::write(site.path().join("index.html"), shell(loader)).unwrap();
    std::fs::write(site.path().join("app-0123456789abcdef.css"), "body{}").unwrap();
    let static_dir = site.path().to_path_buf();
    let server = TestServer::start_with(dir.path(), |c| c.static_dir = static_dir);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let headers = |path: &str| {
        let resp = agent.get(&server.url(path)).call().unwrap();
        let h = |name: &str| {
            resp.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default()
        };
        (
            resp.status().as_u16(),
            h("content-security-policy"),
            h("x-frame-options"),
            h("x-content-type-options"),
            h("referrer-policy"),
        )
    };
    for (path, status) in [
        ("/", 200),
        ("/bao-cao/quy-1", 200),
        ("/app-0123456789abcdef.css", 200),
        ("/api/health", 200),
        ("/api/me", 401),
        ("/khong-co.wasm", 404),
    ] {
        let (code, csp, frames, sniff, referrer) = headers(path);
        assert_eq!(code, status, "{path}");
        for part in [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(part), "{path}: {part} in {csp:?}");
        }
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(
            csp.contains(&hash_source(loader)),
            "{path}: the shell's loader by its hash: {csp}"
        );
        assert_eq!(frames, "DENY", "{path}");
        assert_eq!(sniff, "nosniff", "{path}");
        assert_eq!(referrer, "no-referrer", "{path}");
    }

    // A new build's shell: its loader is allowed from its first answer, the old one no longer.
    let next = "window.tiendo = { builds: { unit: [] } };";
    std::fs::write(site.path().join("index.html"), shell(next)).unwrap();
    let (_, csp, ..) = headers("/");
    assert!(csp.contains(&hash_source(next)), "{csp}");
    assert!(!csp.contains(&hash_source(loader)), "{csp}");
}
