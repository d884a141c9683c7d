//! Accounts in the app, in headless Chromium against a real server (scenario
//! `tests/browser/accounts.mjs`): the central office creates an editor's account for one of its
//! units on the "Tài khoản" tab (a short username suggested, the password shown once); the new
//! colleague signs in with it on a tablet and changes it there; the office closes the account;
//! the audit lists the three actions with who did them. The server agrees: the old password and
//! (once closed) the new one no longer sign in, and the store's audit holds the same lines.

use tiendo_tests::browser::{Scenario, client_copy};
use tiendo_tests::{TestServer, blocking, data_dir};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const UNIT: &str = "thanh-tra-so";
const NEW_PASSWORD: &str = "mat-khau-rieng-2026";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_adds_a_colleague_who_changes_the_password_in_the_app() {
    let dir = data_dir();
    let dist = client_copy();
    let static_dir = dist.path().to_path_buf();
    let server = blocking(|| TestServer::start_with(dir.path(), |c| c.static_dir = static_dir));
    let office_user = server.demo_username(OFFICE);
    let mut run = Scenario::start(
        "accounts",
        &[
            ("BASE", server.url("/")),
            ("OFFICE_USER", office_user.clone()),
            ("OFFICE_PASSWORD", server.password(OFFICE)),
            ("UNIT", UNIT.into()),
            ("NEW_PASSWORD", NEW_PASSWORD.into()),
        ],
    );
    let created = blocking(|| run.expect("created"));
    assert!(
        created["listed"].as_u64().unwrap() >= 10,
        "the agency's accounts are listed: {created:#}"
    );
    assert!(
        created["missingUnit"]
            .as_str()
            .unwrap()
            .contains("Chọn đơn vị"),
        "{created:#}"
    );
    assert_eq!(
        created["roleKept"], "unit_editor",
        "the select shows the choice in force"
    );
    let username = created["username"].as_str().unwrap().to_string();
    let password = created["password"].as_str().unwrap().to_string();
    assert_eq!(
        username, "thanhtra.01",
        "short and typeable, from the unit's name"
    );
    assert!(password.len() >= 12, "{created:#}");

    let changed = blocking(|| run.expect("changed"));
    assert_eq!(changed["shownUser"], username.as_str(), "{changed:#}");
    assert_eq!(
        changed["adminPart"], 0,
        "an editor administers nobody: {changed:#}"
    );
    assert!(
        changed["mismatch"].as_str().unwrap().contains("không khớp"),
        "{changed:#}"
    );
    assert!(
        changed["done"]
            .as_str()
            .unwrap()
            .contains("Đã đổi mật khẩu"),
        "{changed:#}"
    );
    assert_eq!(
        changed["cleared"], "",
        "the form forgets the passwords: {changed:#}"
    );

    let closed = blocking(|| run.expect("closed"));
    run.finish();
    assert_eq!(closed["state"], "Đã khoá", "{closed:#}");
    let audit: Vec<&str> = closed["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    for (who, what) in [
        (office_user.as_str(), "tạo tài khoản"),
        (username.as_str(), "tự đổi mật khẩu"),
        (office_user.as_str(), "khoá"),
    ] {
        assert!(
            audit
                .iter()
                .any(|l| l.contains(&format!("— {who}: {what} — {username}"))),
            "{who} {what} in {audit:#?}"
        );
    }

    // The server agrees: the first password is gone, the account is closed.
    let login = |p: &str| {
        server.post_json(
            "/api/login",
            None,
            serde_json::json!({ "username": username, "password": p }),
        )
    };
    let (old, _) = blocking(|| login(&password));
    let (new, _) = blocking(|| login(NEW_PASSWORD));
    assert_eq!((old, new), (401, 401), "changed, then closed");
    let store = server.library().store().clone();
    let user = username.clone();
    let stored = server.on_server(async move { store.user(&user).await.unwrap() });
    assert!(stored.expect("the account").disabled);
}
