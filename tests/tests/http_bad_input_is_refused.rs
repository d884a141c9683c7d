//! Hostile and malformed HTTP gets a clear JSON 4xx under `/api` and never a file outside the
//! static directory: path traversal in its spellings, malformed and incomplete JSON, the wrong
//! content type, the wrong method, an oversized body, undecodable path parameters. Requests go
//! over a raw TCP socket so that the path bytes reach the server exactly as written.

use std::io::{Read, Write};
use std::net::TcpStream;

use tiendo_tests::{TestServer, data_dir};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const SECRET: &str = "bi-mat-ngoai-thu-muc-tinh";

/// One HTTP/1.1 request as raw bytes; returns the status, the head and the body.
fn raw(
    addr: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).expect("connect");
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).expect("send head");
    // The server may answer (413) before reading a large body: a failed write is fine then.
    let _ = s.write_all(body);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let split = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "an HTTP answer to {method} {target}: {:?}",
                String::from_utf8_lossy(&out)
            )
        });
    let head = String::from_utf8_lossy(&out[..split]).to_string();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("status");
    (status, head, out[split + 4..].to_vec())
}

/// The body as JSON with `error` and `code`, or a failure naming the request.
fn json_error(what: &str, head: &str, body: &[u8]) -> serde_json::Value {
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{what}: JSON expected, got {head}"
    );
    // Chunked bodies: take the JSON object inside.
    let text = String::from_utf8_lossy(body);
    let start = text.find('{').unwrap_or_else(|| panic!("{what}: {text}"));
    let end = text.rfind('}').unwrap();
    let v: serde_json::Value = serde_json::from_str(&text[start..=end]).expect("JSON body");
    assert!(
        v["error"].as_str().is_some_and(|e| !e.is_empty()) && v["code"].is_string(),
        "{what}: {v}"
    );
    v
}

#[test]
fn hostile_requests_get_clear_json_errors_and_no_file_outside_the_static_dir() {
    let dir = data_dir();
    let root = tempfile::tempdir().unwrap();
    let public = root.path().join("dist");
    std::fs::create_dir_all(&public).unwrap();
    std::fs::write(
        public.join("index.html"),
        "<!doctype html><title>Tiến độ</title>",
    )
    .unwrap();
    std::fs::write(root.path().join("secret.txt"), SECRET).unwrap();
    let server = TestServer::start_with(dir.path(), |c| c.static_dir = public.clone());
    let addr = server.addr.to_string();
    let token = server.login_demo(OFFICE);
    let bearer = format!("Bearer {token}");

    for target in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/static/../../secret.txt",
        "/%252e%252e/secret.txt",
        "//secret.txt",
        "/.%2e/.%2e/secret.txt",
    ] {
        let (status, head, body) = raw(&addr, "GET", target, &[], b"");
        assert!(
            !String::from_utf8_lossy(&body).contains(SECRET),
            "{target} served a file outside the static directory ({status}): {head}"
        );
        assert!(status < 500, "{target}: {status}");
    }

    let login =
        |body: &[u8], kind: &str| raw(&addr, "POST", "/api/login", &[("Content-Type", kind)], body);
    for (what, body, kind) in [
        (
            "malformed JSON",
            &b"{\"username\": "[..],
            "application/json",
        ),
        (
            "a missing field",
            &b"{\"username\": \"x\"}"[..],
            "application/json",
        ),
        (
            "a wrong type",
            &b"{\"username\": 1, \"password\": []}"[..],
            "application/json",
        ),
        (
            "not JSON at all",
            &b"username=x&password=y"[..],
            "application/x-www-form-urlencoded",
        ),
        ("an empty body", &b""[..], "application/json"),
    ] {
        let (status, head, body) = login(body, kind);
        assert!((400..500).contains(&status), "{what}: {status}");
        json_error(what, &head, &body);
    }

    let (status, head, body) = raw(
        &addr,
        "DELETE",
        "/api/me",
        &[("Authorization", &bearer)],
        b"",
    );
    assert_eq!(status, 405);
    let v = json_error("a wrong method", &head, &body);
    assert_eq!(v["code"], "method_not_allowed");
    assert!(head.to_ascii_lowercase().contains("allow: get"), "{head}");
    let (status, head, body) = raw(&addr, "PUT", "/api/login", &[], b"{}");
    assert_eq!(status, 405);
    json_error("PUT on login", &head, &body);

    let big = vec![b'x'; 20 * 1024 * 1024];
    let (status, head, body) = raw(
        &addr,
        "POST",
        "/api/plans",
        &[("Authorization", &bearer), ("Content-Type", "text/plain")],
        &big,
    );
    assert_eq!(status, 413, "{head}");
    let v = json_error("a 20 MB plan", &head, &body);
    assert_eq!(v["code"], "too_large");

    for target in [
        "/api/plans/%ff%fe/status",
        "/api/plans/kh-cchc-2025-so-khoa-hoc-va-cong-nghe/status?as_of=31-02-2025",
        "/api/plans/kh-cchc-2025-so-khoa-hoc-va-cong-nghe/status?period=q9",
        "/api/plans/kh-cchc-2025-so-khoa-hoc-va-cong-nghe/reports/q5.docx",
        "/api/plans/kh-cchc-2025-so-khoa-hoc-va-cong-nghe/reports/q1.pdf",
        "/api/khong-co",
    ] {
        let (status, head, body) = raw(&addr, "GET", target, &[("Authorization", &bearer)], b"");
        assert!((400..500).contains(&status), "{target}: {status}");
        json_error(target, &head, &body);
    }

    // The server is still up and answering normally.
    let (status, _) = server.get_json("/api/health");
    assert_eq!(status, 200);
}
