//! A third-party automerge-repo client — npm's stock JavaScript `@automerge/automerge-repo`
//! 2.5.6 with its WebSocket adapter, under node (`tests/browser/foreign_js_client.mjs`) — against
//! the real `tiendo serve`: it signs in with a bearer token, writes its unit's Q1 progress with
//! plain JS values (an `int` percent, `Text` strings, a nested object and list) and tries to
//! change the plan. The central office's status and the unit's page in Chromium show the JS
//! edit, the plan write is not applied, and a Rust tablet's later edit reaches the JS client.
//! Writing as a later release would (a higher `schema_version`, a field we do not know) it gets
//! "Có phiên bản mới" on the unit's page and keeps its field through our writes; an entry nobody
//! can read is placed in the office's problems, shown on the unit's page, and repaired there.

use tiendo_shared::model::{PeriodKind, Progress, WorkStatus};
use tiendo_tests::browser::{Scenario, client_copy};
use tiendo_tests::process::RealServer;
use tiendo_tests::{SyncClient, data_dir, edit, eventually, login, own_progress, request};

const UNIT: &str = "thanh-tra-so";
const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const TASK: &str = "t2-d";
const BROKEN_TASK: &str = "t5-c-2";
const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";
const RUST_RESULT: &str = "Bổ sung từ máy tính bảng: đã gửi báo cáo về Sở Nội vụ";

fn task_status(addr: &str, office: &str) -> serde_json::Value {
    let (code, s) = request(
        addr,
        "GET",
        &format!("/api/plans/{PLAN}/status?as_of=2025-03-31&period=q1"),
        Some(office),
        None,
    );
    assert_eq!(code, 200, "{s}");
    let t = s["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["task_id"] == TASK)
        .unwrap()
        .clone();
    serde_json::json!({ "task": t, "problems": s["problems"] })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stock_javascript_client_writes_progress_the_office_and_the_unit_read() {
    let dir = data_dir();
    let dist = client_copy();
    let server = RealServer::start(dir.path(), "127.0.0.1:0", dist.path());
    let addr = server.addr.clone();
    let office = login(
        &addr,
        &server.demo_username(OFFICE),
        &server.password(OFFICE),
    );
    let (_, plan_before) = request(
        &addr,
        "GET",
        &format!("/api/plans/{PLAN}"),
        Some(&office),
        None,
    );

    let mut run = Scenario::start(
        "foreign_js_client",
        &[
            ("BASE", server.url("/")),
            ("USER", server.demo_username(UNIT)),
            ("PASSWORD", server.password(UNIT)),
            ("TASK", TASK.to_string()),
            ("BROKEN_TASK", BROKEN_TASK.to_string()),
            ("RUST_RESULT", RUST_RESULT.to_string()),
            // A later release's version than ours.
            (
                "NEWER_VERSION",
                (tiendo_shared::model::DocKind::Progress.current() + 1).to_string(),
            ),
        ],
    );
    let loaded = run.expect("loaded");
    assert_eq!(
        (loaded["areas"].as_u64(), loaded["tasks"].as_u64()),
        (Some(9), Some(43)),
        "{loaded}"
    );
    let wrote = run.expect("wrote");

    // The office's merged status shows the JS edit, read tolerantly, with no problem reported.
    let seen = eventually("the office sees the JS edit", || {
        let s = task_status(&addr, &office);
        (s["task"]["reports"][0]["result"] == wrote["result"]).then_some(s)
    })
    .await;
    let report = &seen["task"]["reports"][0];
    assert_eq!(report["result"], wrote["result"], "{seen:#}");
    assert_eq!(report["percent"], 37, "{seen:#}");
    assert_eq!(report["status"], "in_progress", "{seen:#}");
    let problems = seen["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "only the broken entry: {seen:#}");
    assert_eq!(
        (
            &problems[0]["task_id"],
            &problems[0]["period"],
            &problems[0]["field"]
        ),
        (
            &serde_json::json!(BROKEN_TASK),
            &serde_json::json!("q1"),
            &serde_json::json!("percent")
        ),
        "{seen:#}"
    );
    assert!(problems[0]["doc_id"].is_string(), "{seen:#}");

    // The plan write, made before the progress write on the same socket, is not applied: the
    // plan the server serves is the same, and a fresh reader of the plan does not get the JS head.
    let (_, plan_after) = request(
        &addr,
        "GET",
        &format!("/api/plans/{PLAN}"),
        Some(&office),
        None,
    );
    assert_eq!(plan_after["plan"]["title"], plan_before["plan"]["title"]);
    assert_eq!(plan_after, plan_before);
    let mut reader = SyncClient::new("plan-reader").await;
    reader
        .connect(
            url::Url::parse(&format!("ws://{addr}/sync")).unwrap(),
            &office,
        )
        .await;
    let plan_doc = request(&addr, "GET", "/api/me", Some(&office), None).1["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "plan")
        .unwrap()["doc_id"]
        .as_str()
        .unwrap()
        .to_string();
    let plan = reader.find(&plan_doc).await.expect("plan");
    let heads: Vec<String> =
        plan.with_document(|d| d.get_heads().iter().map(|h| h.to_string()).collect());
    assert_eq!(
        serde_json::json!(heads),
        wrote["planHeadsBefore"],
        "heads compare alike"
    );
    for js in wrote["planHeads"].as_array().unwrap() {
        assert!(
            !heads.iter().any(|h| h == js.as_str().unwrap()),
            "the JS plan change reached the plan: {heads:?}"
        );
    }
    reader.stop().await;
    run.go();

    // The unit's own page shows the JS edit.
    let page = run.expect("unit-page");
    assert_eq!(page["status"], "in_progress", "{page:#}");
    assert_eq!(page["percent"], "37", "{page:#}");
    assert_eq!(page["result"], wrote["result"], "{page:#}");
    assert!(
        page["evidence"].to_string().contains("12/BC-TTr"),
        "{page:#}"
    );
    assert_eq!(page["unreadable"], 0, "{page:#}");
    assert!(
        page["newer"].as_str().unwrap().contains("Có phiên bản mới"),
        "{page:#}"
    );
    assert!(
        page["broken"]["alert"]
            .as_str()
            .unwrap()
            .contains("tỷ lệ hoàn thành"),
        "{page:#}"
    );
    assert_eq!(
        page["broken"]["result"], "Đang tổng hợp",
        "what could be read is shown: {page:#}"
    );

    // A Rust tablet of the same unit saves the entry; the JS client sees it.
    let user = server.demo_username(UNIT);
    let token = login(&addr, &user, &server.password(UNIT));
    let (_, doc_id) = own_progress(&addr, &token);
    let mut tablet = SyncClient::new("rust-tablet").await;
    tablet
        .connect(
            url::Url::parse(&format!("ws://{addr}/sync")).unwrap(),
            &token,
        )
        .await;
    let doc = tablet.find(&doc_id).await.expect("own progress");
    let got = eventually("the tablet has the JS entry", || {
        tiendo_tests::read::<Progress>(&doc)
            .entry(TASK, PeriodKind::Q1)
            .cloned()
    })
    .await;
    assert_eq!((got.status, got.percent), (WorkStatus::InProgress, 37));
    edit::<Progress>(&doc, &user, |p| {
        p.entry_mut(TASK, PeriodKind::Q1).result = RUST_RESULT.into()
    });
    tablet.wait_acknowledged(&doc).await;
    run.expect("checked-page");
    // The unit's save on its page repaired the entry for everyone.
    eventually("the repair reaches the office", || {
        (task_status(&addr, &office)["problems"] == serde_json::json!([])).then_some(())
    })
    .await;
    run.go();
    let saw = run.expect("saw-rust-edit");
    assert_eq!(saw["result"], RUST_RESULT, "{saw:#}");
    assert_eq!(saw["percent"], 37, "{saw:#}");
    assert_eq!(
        saw["reviewed_by"], "Chánh Thanh tra",
        "our writes keep its field: {saw:#}"
    );
    run.finish();
    tablet.stop().await;
}
