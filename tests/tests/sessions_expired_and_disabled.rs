//! The matrix's last rows: an expired session and a disabled user get nothing, over HTTP and over
//! the sync socket, and the user of a disabled account cannot sign in again until it is enabled.
//! (An open socket notices an expiry within `SESSION_RECHECK`, a minute; logout closes it at
//! once — see `sync_authorization_matrix.rs` — and so do `tiendo user passwd`/`disable` beside
//! the server — see `sessions_ended_elsewhere_close_sockets_at_once.rs`.)

use tiendo_tests::{RawSocket, TestServer, blocking, data_dir};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const UNIT: &str = "thanh-tra-so";
const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";

/// Every door a session opens, with the status it gets.
async fn doors(server: &TestServer, token: &str) -> Vec<(String, u16)> {
    let mut out = Vec::new();
    for path in [
        "/api/me".to_string(),
        "/api/plans".to_string(),
        format!("/api/plans/{PLAN}"),
        format!("/api/plans/{PLAN}/status"),
        format!("/api/plans/{PLAN}/reports"),
    ] {
        let (status, _) = blocking(|| server.get_json_as(token, &path));
        out.push((path, status));
    }
    let path = format!("/api/plans/{PLAN}/reports/q1.xlsx");
    let (status, ..) = blocking(|| server.download(token, &path));
    out.push((path, status));
    let (status, _) = blocking(|| server.post_text("/api/plans", token, "không phải kế hoạch"));
    out.push(("POST /api/plans".into(), status));
    let ws = match RawSocket::connect(&server.sync_url(), Some(token)).await {
        Ok(_) => 101,
        Err(code) => code,
    };
    out.push(("/sync".into(), ws));
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_sessions_and_disabled_users_get_nothing_anywhere() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let office = blocking(|| server.login_demo(OFFICE));
    let unit = blocking(|| server.login_demo(UNIT));
    let open = doors(&server, &office).await;
    assert!(
        open.iter()
            .all(|(_, s)| *s == 200 || *s == 101 || *s == 422),
        "a live session opens them: {open:?}"
    );

    // Expired: the clock is past the session's end.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let n = tiendo_tests::stores::Db::of(dir.path())
        .execute("UPDATE sessions SET expires_at = $1", &[(now - 1).into()]);
    assert!(n >= 2, "the sessions exist: {n}");
    for (door, status) in doors(&server, &office).await {
        assert_eq!(status, 401, "expired session at {door}");
    }

    // Disabled: a fresh session, then the account is disabled.
    let unit = {
        drop(unit);
        blocking(|| server.login_demo(UNIT))
    };
    let user = server.demo_username(UNIT);
    let (store, name) = (server.library().store().clone(), user.clone());
    server.on_server(async move { store.set_disabled(&name, true).await.expect("disable") });
    for (door, status) in doors(&server, &unit).await {
        assert_eq!(status, 401, "disabled user at {door}");
    }
    let password = server.password(UNIT);
    let (status, body) = blocking(|| {
        server.post_json(
            "/api/login",
            None,
            serde_json::json!({ "username": user, "password": password }),
        )
    });
    assert_eq!(status, 401, "a disabled user cannot sign in: {body}");
    let store = server.library().store().clone();
    server.on_server(async move { store.set_disabled(&user, false).await.expect("enable") });
    let again = blocking(|| server.login_demo(UNIT));
    let (status, _) = blocking(|| server.get_json_as(&again, "/api/me"));
    assert_eq!(status, 200, "enabled again");
}
