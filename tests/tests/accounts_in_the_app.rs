//! Accounts administered in the app, against the real server: an agency's administrator creates
//! an account for one of its units (a short username suggested, the password shown once),
//! closes, reopens, resets and moves it — and nothing of another agency, nor any other role;
//! everyone changes their own password (the current one required; their other sessions end at
//! once); every action is in the audit, with who did it.

use tiendo_tests::{TestServer, data_dir};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const INSPECTORATE: &str = "thanh-tra-so";

fn create(server: &TestServer, token: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    server.post_json("/api/accounts", Some(token), body)
}

fn act(server: &TestServer, token: &str, user: &str, action: &str) -> (u16, serde_json::Value) {
    server.post_json(
        &format!("/api/accounts/{user}/{action}"),
        Some(token),
        serde_json::json!({}),
    )
}

#[test]
fn an_agency_admin_manages_its_own_units_accounts_and_nothing_else() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let office = server.login_demo(OFFICE);
    let editor = server.login_demo(INSPECTORATE);
    let admin = server.login_demo("admin");
    // Another agency, with units of the same ids.
    let other = tiendo_server::SEED_PLAN.replace("Khoa học và Công nghệ", "Tài chính");
    let (code, body) = server.post_text("/api/plans", &admin, &other);
    assert_eq!(code, 201, "{body}");

    // Only administrators, and the role is checked before the body is read.
    let (code, _) = server.get_json_as(&editor, "/api/accounts");
    assert_eq!(code, 403);
    let (code, _) = create(&server, &editor, serde_json::json!("not even an account"));
    assert_eq!(code, 403);

    // A unit editor for the inspectorate: a short username, a password shown once that signs in.
    let (code, made) = create(
        &server,
        &office,
        serde_json::json!({ "role": "unit_editor", "unit_id": INSPECTORATE }),
    );
    assert_eq!(code, 201, "{made}");
    let username = made["account"]["username"].as_str().unwrap().to_string();
    assert_eq!(username, "thanhtra.01");
    assert_eq!(made["account"]["agency_id"], "so-khoa-hoc-va-cong-nghe");
    let password = made["password"].as_str().unwrap().to_string();
    let token = server.login(&username, &password);
    let (code, me) = server.get_json_as(&token, "/api/me");
    assert_eq!(
        (code, me["user"]["unit_id"].clone()),
        (200, INSPECTORATE.into())
    );
    // The next one is numbered.
    let (_, second) = create(
        &server,
        &office,
        serde_json::json!({ "role": "unit_head", "unit_id": INSPECTORATE }),
    );
    assert_eq!(second["account"]["username"], "thanhtra.02");

    // Not another agency's unit, not another role.
    let (code, body) = create(
        &server,
        &office,
        serde_json::json!({ "role": "unit_editor", "unit_id": INSPECTORATE, "agency_id": "so-tai-chinh" }),
    );
    assert_eq!(code, 403, "{body}");
    let (code, body) = create(
        &server,
        &office,
        serde_json::json!({ "role": "province_viewer" }),
    );
    assert_eq!(code, 403, "{body}");
    let (code, body) = create(
        &server,
        &office,
        serde_json::json!({ "role": "unit_editor", "unit_id": "khong-co" }),
    );
    assert_eq!(code, 400, "{body}");
    // The other agency's accounts are not the office's to touch; the system admin's are.
    let head = server.demo_username(&format!("{INSPECTORATE}.truong"));
    let (code, body) = act(&server, &office, &head, "disable");
    assert_eq!(code, 200, "its own unit's head: {body}");
    let (code, _) = act(&server, &office, &head, "enable");
    assert_eq!(code, 200);
    let (code, made) = create(
        &server,
        &admin,
        serde_json::json!({ "role": "unit_editor", "unit_id": INSPECTORATE, "agency_id": "so-tai-chinh" }),
    );
    assert_eq!(code, 201, "{made}");
    let theirs = made["account"]["username"].as_str().unwrap().to_string();
    for action in ["disable", "reset-password"] {
        let (code, body) = act(&server, &office, &theirs, action);
        assert_eq!(code, 403, "{action}: {body}");
    }
    let (code, body) = act(&server, &office, "admin", "disable");
    assert_eq!(code, 403, "{body}");
    let (_, list) = server.get_json_as(&office, "/api/accounts");
    let names: Vec<&str> = list["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect();
    assert!(names.contains(&username.as_str()) && !names.contains(&theirs.as_str()));
    assert!(!names.contains(&"admin"), "{names:?}");

    // Closed: its session ends; reopened: it signs in again.
    let (code, _) = act(&server, &office, &username, "disable");
    assert_eq!(code, 200);
    let (code, _) = server.get_json_as(&token, "/api/me");
    assert_eq!(code, 401);
    let (code, _) = act(&server, &office, &username, "enable");
    assert_eq!(code, 200);
    // Reset: the new password signs in, the old one no longer.
    let (code, reset) = act(&server, &office, &username, "reset-password");
    assert_eq!(code, 200, "{reset}");
    let fresh = reset["password"].as_str().unwrap().to_string();
    assert_ne!(fresh, password);
    let token = server.login(&username, &fresh);
    // Moved within the agency; not into another.
    let (code, moved) = server.post_json(
        &format!("/api/accounts/{username}/move"),
        Some(&office),
        serde_json::json!({ "unit_id": OFFICE }),
    );
    assert_eq!(code, 200, "{moved}");
    assert_eq!(moved["unit_id"], OFFICE);
    let (_, me) = server.get_json_as(&token, "/api/me");
    assert_eq!(me["user"]["unit_id"], OFFICE);
    let (code, body) = server.post_json(
        &format!("/api/accounts/{username}/move"),
        Some(&office),
        serde_json::json!({ "unit_id": INSPECTORATE, "agency_id": "so-tai-chinh" }),
    );
    assert_eq!(code, 403, "{body}");

    // The audit says who did what to whom, for this agency only.
    let (_, list) = server.get_json_as(&office, "/api/accounts");
    let events: Vec<(String, String, String)> = list["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap().to_string();
            (s("actor"), s("action"), s("username"))
        })
        .collect();
    let office_name = server.demo_username(OFFICE);
    for action in ["create", "disable", "enable", "reset_password", "move"] {
        assert!(
            events.contains(&(office_name.clone(), action.into(), username.clone())),
            "{action}: {events:?}"
        );
    }
    assert!(events.iter().all(|(_, _, u)| u != &theirs), "{events:?}");
    let (_, all) = server.get_json_as(&admin, "/api/accounts");
    assert!(
        all["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["username"] == theirs.as_str())
    );
}

#[test]
fn changing_ones_own_password_needs_the_current_one_and_ends_the_other_sessions() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let here = server.login_demo(INSPECTORATE);
    let elsewhere = server.login_demo(INSPECTORATE);
    let old = server.password(INSPECTORATE);
    let change = |token: &str, current: &str, new: &str| {
        server.post_json(
            "/api/me/password",
            Some(token),
            serde_json::json!({ "current": current, "new": new }),
        )
    };
    let (code, body) = change(&here, "sai-mat-khau", "mat-khau-moi-2026");
    assert_eq!(code, 403, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("mật khẩu hiện tại"),
        "{body}"
    );
    let (code, body) = change(&here, &old, "ngan");
    assert_eq!(code, 400, "{body}");
    let (code, body) = change(&here, &old, "mat-khau-moi-2026");
    assert_eq!(code, 204, "{body}");
    // This session goes on; the other ended; the new password signs in, the old does not.
    assert_eq!(server.get_json_as(&here, "/api/me").0, 200);
    assert_eq!(server.get_json_as(&elsewhere, "/api/me").0, 401);
    let name = server.demo_username(INSPECTORATE);
    server.login(&name, "mat-khau-moi-2026");
    let (code, _) = server.post_json(
        "/api/login",
        None,
        serde_json::json!({ "username": name, "password": old }),
    );
    assert_eq!(code, 401);
    let admin = server.login_demo("admin");
    let (_, all) = server.get_json_as(&admin, "/api/accounts");
    assert!(
        all["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "change_password" && e["actor"] == name.as_str())
    );
}
