//! A fresh data directory: the server creates the SQLite file, imports the embedded seed plan
//! through the importer, and serves it; a restart opens the same documents without re-importing.

use tiendo_tests::TestServer;

/// The central office, whose demo account (agency admin) may read the merged status.
const OFFICE: &str = "phong-hanh-chinh-tong-hop";

const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";

#[test]
fn first_start_imports_the_seed_plan_into_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path());
    let report = server
        .startup
        .seeded
        .as_ref()
        .expect("a fresh directory is seeded");
    assert_eq!(report.tasks, 43);
    assert_eq!(
        report.progress_docs.len(),
        6,
        "one progress document per unit"
    );
    assert_eq!(
        dir.path().join("tiendo.sqlite").exists(),
        !tiendo_tests::stores::on_postgres(),
        "the documents are in the store configured, and only there"
    );
    let token = server.login_demo(OFFICE);

    let (status, health) = server.get_json("/api/health");
    assert_eq!(status, 200);
    assert_eq!(health["status"], "ok");
    assert_eq!(
        health["documents"], 9,
        "plan + organisation + 6 progress documents + the PAR index's template criteria set"
    );

    let (_, plans) = server.get_json_as(&token, "/api/plans");
    assert_eq!(plans[0]["id"], PLAN);
    assert_eq!(plans[0]["tasks"], 43);

    let (status, plan) = server.get_json_as(&token, &format!("/api/plans/{PLAN}"));
    assert_eq!(status, 200);
    assert_eq!(plan["plan"]["areas"].as_array().unwrap().len(), 9);
    assert_eq!(
        plan["plan"]["reporting_periods"][3]["deadline"],
        "2025-11-25"
    );
    assert_eq!(
        plan["agency"]["central_office"],
        "phong-hanh-chinh-tong-hop"
    );
}

#[test]
fn status_endpoint_computes_from_the_stored_documents() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path());
    let token = server.login_demo(OFFICE);
    let (status, s) = server.get_json_as(
        &token,
        &format!("/api/plans/{PLAN}/status?as_of=2025-04-15&period=q1"),
    );
    assert_eq!(status, 200);
    assert_eq!(s["headline"]["total"], 43);
    assert_eq!(s["period"], "q1");
    assert_eq!(s["by_area"].as_array().unwrap().len(), 9);
    let t = s["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "2.c")
        .unwrap();
    assert_eq!(t["deadline"], "2025-01-15");
    assert_eq!(t["state"], "overdue");
    assert!(s["problems"].as_array().unwrap().is_empty());
}

#[test]
fn bad_requests_get_clear_json_errors() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path());
    let token = server.login_demo(OFFICE);
    let (status, body) = server.get_json_as(
        &token,
        &format!("/api/plans/{PLAN}/status?as_of=31/02/2025"),
    );
    assert_eq!(status, 400);
    assert_eq!(body["code"], "bad_request");
    assert!(body["error"].as_str().unwrap().contains("31/02/2025"));
    let (status, body) = server.get_json_as(&token, &format!("/api/plans/{PLAN}/status?period=q5"));
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("q5"));
    let (status, body) = server.get_json_as(&token, "/api/plans/khong-co/status");
    assert_eq!(status, 404);
    assert_eq!(body["code"], "not_found");
}

#[test]
fn restart_opens_the_same_documents_without_reimporting() {
    let dir = tempfile::tempdir().unwrap();
    let (first_doc, username, password) = {
        let server = TestServer::start(dir.path());
        let token = server.login_demo(OFFICE);
        let (_, plans) = server.get_json_as(&token, "/api/plans");
        (
            plans[0]["doc_id"].clone(),
            server.demo_username(OFFICE),
            server.password(OFFICE),
        )
    };
    let server = TestServer::start(dir.path());
    assert!(server.startup.seeded.is_none(), "not imported twice");
    assert!(
        server.startup.demo_accounts.is_empty(),
        "accounts are created once and their passwords shown once"
    );
    let token = server.login(&username, &password);
    let (_, plans) = server.get_json_as(&token, "/api/plans");
    assert_eq!(plans.as_array().unwrap().len(), 1);
    assert_eq!(plans[0]["doc_id"], first_doc);
    let (_, plan) = server.get_json_as(&token, &format!("/api/plans/{PLAN}"));
    assert_eq!(plan["plan"]["areas"][8]["tasks"][0]["code"], "9");
    assert_eq!(server.data_dir(), dir.path());
}
