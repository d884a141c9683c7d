//! Every route's answer, from a real server on a loopback port, decodes into its type in
//! `shared::api` (or `shared::status`) — and encodes back to the very same JSON, so no field the
//! server sends is one the type does not know, and none the type needs is missing.

use serde::Serialize;
use serde::de::DeserializeOwned;
use tiendo_shared::api::{
    Account, AccountWithPassword, AccountsAnswer, ApiError, AttestationsAnswer, Health,
    ImportAnswer, ImportPreview, LoginAnswer, LogoutAnswer, Me, PlanAnswer, PlanInfo,
    ReportsAnswer,
};
use tiendo_shared::edit::maintain::{TaskDraft, correct_import};
use tiendo_shared::model::DocKind;
use tiendo_shared::model::role::{Access, Role};
use tiendo_shared::views::status::Summary;
use tiendo_tests::{TestServer, data_dir};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const UNIT: &str = "thanh-tra-so";
const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";

/// Decodes `json` as a `T` and checks that encoding it again gives the same JSON.
fn typed<T: DeserializeOwned + Serialize>(route: &str, json: serde_json::Value) -> T {
    let value: T = serde_json::from_value(json.clone())
        .unwrap_or_else(|e| panic!("{route}: does not decode into its type: {e}\n{json:#}"));
    let again = serde_json::to_value(&value).unwrap();
    assert_eq!(again, json, "{route}: the type drops or changes a field");
    value
}

#[test]
fn every_route_answers_with_its_shared_type() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());

    let (code, body) = server.get_json("/api/health");
    assert_eq!(code, 200);
    let health: Health = typed("GET /api/health", body);
    assert_eq!(health.status, "ok");

    let (code, body) = server.post_json(
        "/api/login",
        None,
        serde_json::json!({
            "username": server.demo_username(OFFICE),
            "password": server.password(OFFICE),
        }),
    );
    assert_eq!(code, 200, "{body}");
    let login: LoginAnswer = typed("POST /api/login", body);
    assert_eq!(login.user.role, Role::AgencyAdmin);
    let office = login.token;
    let unit = server.login_demo(UNIT);

    let (_, body) = server.get_json_as(&office, "/api/me");
    let me: Me = typed("GET /api/me (office)", body);
    assert!(
        me.doc(DocKind::Plan, None)
            .is_some_and(|d| d.access == Access::Write)
    );
    assert!(
        me.documents
            .iter()
            .all(|d| d.url == format!("automerge:{}", d.doc_id))
    );
    let (_, body) = server.get_json_as(&unit, "/api/me");
    let me: Me = typed("GET /api/me (unit)", body);
    assert_eq!(me.user.role, Role::UnitEditor);
    assert!(
        me.doc(DocKind::Plan, None)
            .is_some_and(|d| d.access == Access::Read && !d.writable)
    );

    let (_, body) = server.get_json_as(&office, "/api/plans");
    let plans: Vec<PlanInfo> = typed("GET /api/plans", body);
    assert_eq!(plans[0].id, PLAN);
    let (_, body) = server.get_json_as(&office, &format!("/api/plans/{PLAN}"));
    let plan: PlanAnswer = typed("GET /api/plans/{id}", body);
    assert_eq!(plan.plan.tasks().count(), 43);
    let (_, body) = server.get_json_as(
        &office,
        &format!("/api/plans/{PLAN}/status?as_of=2025-03-31&period=q1"),
    );
    let status: Summary = typed("GET /api/plans/{id}/status", body);
    assert_eq!(status.headline.total, 43);
    let (_, body) = server.get_json_as(&office, &format!("/api/plans/{PLAN}/reports"));
    let _: ReportsAnswer = typed("GET /api/plans/{id}/reports", body);
    let plan_doc = server.doc_id(&office, "plan", None);
    let (code, body) = server.get_json_as(
        &office,
        &format!("/api/attestations?doc={plan_doc}&doc=khong-co&since=0"),
    );
    assert_eq!(code, 200, "{body}");
    let attested: AttestationsAnswer = typed("GET /api/attestations", body);
    assert_eq!(
        attested.documents.keys().collect::<Vec<_>>(),
        vec![&plan_doc],
        "a document not stored is left out"
    );

    let next = tiendo_server::SEED_PLAN.replace("2025", "2026");
    let (code, body) = server.post_text("/api/plans", &office, &next);
    assert_eq!(code, 201, "{body}");
    let imported: ImportAnswer = typed("POST /api/plans", body);
    assert_eq!(imported.tasks, 43);

    // The office's preview of another agency's plan file (by an admin), a correction, the save.
    let admin = server.login_demo("admin");
    let pipes = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/tests/fixtures/layouts/pipe-table.txt"
    ))
    .unwrap();
    let (code, body) = server.post_text("/api/plans/preview", &admin, &pipes);
    assert_eq!(code, 200, "{body}");
    let preview: ImportPreview = typed("POST /api/plans/preview", body);
    assert_eq!(preview.draft.plan.tasks().count(), 5);
    let (_, plans_before) = server.get_json_as(&admin, "/api/plans");
    let mut draft = preview.draft;
    let id = draft.plan.tasks().next().unwrap().1.id.clone();
    let mut task = TaskDraft::of(draft.plan.task(&id).unwrap());
    task.lead = "Công chức Văn phòng - Thống kê".into();
    correct_import(&mut draft, &id, "1.1", &task).unwrap();
    let (code, body) = server.post_json(
        "/api/plans",
        Some(&admin),
        serde_json::to_value(&draft).unwrap(),
    );
    assert_eq!(code, 201, "{body}");
    let saved: ImportAnswer = typed("POST /api/plans (corrected draft)", body);
    let (_, body) = server.get_json_as(&admin, &format!("/api/plans/{}", saved.plan_id));
    let plan: PlanAnswer = typed("GET /api/plans/{id} (imported)", body);
    assert_eq!(
        plan.plan.task(&id).unwrap().lead[0].text,
        "Công chức Văn phòng - Thống kê"
    );
    let (_, plans_after) = server.get_json_as(&admin, "/api/plans");
    assert_eq!(
        plans_after.as_array().unwrap().len(),
        plans_before.as_array().unwrap().len() + 1,
        "the preview saved nothing; the save one plan"
    );
    let (code, body) = server.post_json("/api/plans", Some(&admin), serde_json::json!({"plan": 1}));
    assert_eq!(code, 400, "a broken draft is a clear error: {body}");

    // The accounts an administrator manages.
    let (code, body) = server.post_json(
        "/api/accounts",
        Some(&office),
        serde_json::json!({"role": "unit_editor", "unit_id": UNIT}),
    );
    assert_eq!(code, 201, "{body}");
    let made: AccountWithPassword = typed("POST /api/accounts", body);
    let (_, body) = server.post_json(
        &format!("/api/accounts/{}/disable", made.account.username),
        Some(&office),
        serde_json::json!({}),
    );
    let closed: Account = typed("POST /api/accounts/{username}/disable", body);
    assert!(closed.disabled);
    let (_, body) = server.get_json_as(&office, "/api/accounts");
    let accounts: AccountsAnswer = typed("GET /api/accounts", body);
    assert!(accounts.events.len() >= 2);

    // Errors, of every kind the client meets.
    for (token, path, want) in [
        (None, "/api/me", 401),
        (Some(&unit), "/api/plans/kh-khong-co", 404),
        (Some(&unit), "/api/attestations", 400),
        (Some(&unit), &*format!("/api/plans/{PLAN}/status"), 403),
        (
            Some(&office),
            &*format!("/api/plans/{PLAN}/status?as_of=31-02"),
            400,
        ),
    ] {
        let (code, body) = match token {
            Some(t) => server.get_json_as(t, path),
            None => server.get_json(path),
        };
        assert_eq!(code, want, "{path}: {body}");
        let e: ApiError = typed(path, body);
        assert!(!e.error.is_empty() && !e.code.is_empty());
    }

    let (code, body) = server.post_json("/api/logout", Some(&unit), serde_json::json!({}));
    assert_eq!(code, 200, "{body}");
    let out: LogoutAnswer = typed("POST /api/logout", body);
    assert!(out.ok);
}
