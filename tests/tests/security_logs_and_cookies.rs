//! Secrets stay out of the logs, and the session cookie carries its protections: the real
//! `tiendo serve` process logging at `trace` through a login, a failed login, API calls with the
//! bearer token, a sync session and a logout never writes a password or a session token; the
//! database holds Argon2id hashes only; the cookie is `HttpOnly` and `SameSite=Strict` always,
//! and `Secure` when the request came over TLS (a reverse proxy's `X-Forwarded-Proto: https`).

use std::path::Path;

use tiendo_shared::model::{PeriodKind, Progress};
use tiendo_tests::process::RealServer;
use tiendo_tests::{SyncClient, blocking, data_dir, edit, own_progress, request};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const WRONG: &str = "mat-khau-sai-9f3a7c";

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// Logs in as `user` with extra headers; returns the status, the token and the Set-Cookie header.
fn login_with(
    addr: &str,
    user: &str,
    password: &str,
    headers: &[(&str, &str)],
) -> (u16, String, String) {
    let mut req = agent().post(format!("http://{addr}/api/login"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut resp = req
        .send_json(serde_json::json!({ "username": user, "password": password }))
        .expect("login request");
    let status = resp.status().as_u16();
    let cookie = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body: serde_json::Value =
        serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap_or_default();
    let token = body["token"].as_str().unwrap_or_default().to_string();
    (status, token, cookie)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_password_or_token_reaches_the_log_and_the_cookie_is_protected() {
    let dir = data_dir();
    let log = dir.path().join("server.log");
    let server = blocking(|| {
        RealServer::start_logged(
            dir.path(),
            "127.0.0.1:0",
            Path::new("/nonexistent"),
            "trace",
            &log,
        )
    });
    let addr = server.addr.clone();
    let (user, password) = (server.demo_username(OFFICE), server.password(OFFICE));

    let (status, _, _) = blocking(|| login_with(&addr, &user, WRONG, &[]));
    assert_eq!(status, 401);
    let (status, token, cookie) = blocking(|| login_with(&addr, &user, &password, &[]));
    assert_eq!(status, 200);
    for part in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(part), "{part} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    let (_, _, tls_cookie) =
        blocking(|| login_with(&addr, &user, &password, &[("X-Forwarded-Proto", "https")]));
    assert!(
        tls_cookie.contains("; Secure") && tls_cookie.contains("HttpOnly"),
        "over TLS: {tls_cookie}"
    );

    // Use the session for everything a tablet does.
    let (_, doc_id) = blocking(|| own_progress(&addr, &token));
    let mut client = SyncClient::new("tablet-log").await;
    client
        .connect(
            url::Url::parse(&format!("ws://{addr}/sync")).unwrap(),
            &token,
        )
        .await;
    let doc = client.find(&doc_id).await.expect("own progress");
    edit::<Progress>(&doc, &user, |p| {
        p.entry_mut("t1-a", PeriodKind::Q1).percent = 20;
    });
    client.wait_acknowledged(&doc).await;
    client.stop().await;
    let (status, _) = blocking(|| request(&addr, "POST", "/api/logout", Some(&token), None));
    assert_eq!(status, 200);
    let (status, _) = blocking(|| request(&addr, "GET", "/api/me", Some(&token), None));
    assert_eq!(status, 401, "the token is dead after logout");
    blocking(|| std::thread::sleep(std::time::Duration::from_millis(300)));
    drop(server);

    // Passwords are stored as Argon2id hashes only.
    let hashes: Vec<String> = tiendo_tests::stores::Db::of(dir.path())
        .rows("SELECT password_hash FROM users", &[])
        .into_iter()
        .map(|r| r[0].text().to_string())
        .collect();
    assert!(hashes.len() > 3);
    for h in &hashes {
        assert!(h.starts_with("$argon2id$"), "not an Argon2id hash: {h}");
        assert!(!h.contains(&password));
    }

    let text = std::fs::read_to_string(&log).expect("the log");
    assert!(
        text.lines().count() > 20 && text.contains(&user),
        "the log was written at trace level and names the user: {} lines",
        text.lines().count()
    );
    for (what, secret) in [
        ("the password", password.as_str()),
        ("the wrong password", WRONG),
        ("the session token", token.as_str()),
    ] {
        assert!(!text.contains(secret), "{what} appears in the log");
    }
}
