//! A unit's first visit and next start in headless Chromium against a real server: with the
//! sync socket refused, the first visit still shows the unit's last figure (the documents come
//! in the sign-in's `/api/bootstrap`, beside the app's download); the next start, offline, paints
//! the start screen kept from the last run before the app loads — inert, without test ids, the
//! same figure — and the live screen replaces it; logging out forgets it. The task's title is
//! 20,000 characters without a space (a pasted address): it wraps, the page is no wider than the
//! window.

use tiendo_shared::model::{PeriodKind, Plan, Progress, WorkStatus};
use tiendo_tests::browser::{Scenario, client_copy};
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, edit, own_progress};

const UNIT: &str = "phong-quan-ly-tieu-chuan-do-luong-chat-luong";
const TASK: &str = "t8-a";
const PERCENT: u8 = 64;
const OFFICE: &str = "phong-hanh-chinh-tong-hop";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_visit_needs_no_sync_and_a_restart_paints_the_last_screen_at_once() {
    let dir = data_dir();
    let dist = client_copy();
    let static_dir = dist.path().to_path_buf();
    let server = blocking(|| TestServer::start_with(dir.path(), |c| c.static_dir = static_dir));
    // The unit's last figure, written by another device.
    let token = blocking(|| server.login_demo(UNIT));
    let addr = server.addr();
    let (_, doc_id) = blocking(|| own_progress(&addr, &token));
    let mut other = SyncClient::new("another-tablet").await;
    other.connect(server.sync_url(), &token).await;
    let doc = other.find(&doc_id).await.expect("own progress");
    edit::<Progress>(&doc, &server.demo_username(UNIT), |p| {
        for period in PeriodKind::ALL {
            let e = p.entry_mut(TASK, period);
            e.status = WorkStatus::InProgress;
            e.percent = PERCENT;
        }
    });
    other.wait_acknowledged(&doc).await;
    other.stop().await;
    // The office gives the task a title with no place to break.
    let office = blocking(|| server.login_demo(OFFICE));
    let plan_id = blocking(|| server.doc_id(&office, "plan", None));
    let mut desk = SyncClient::new("office-desk").await;
    desk.connect(server.sync_url(), &office).await;
    let plan = desk.find(&plan_id).await.expect("the plan");
    edit::<Plan>(&plan, &server.demo_username(OFFICE), |p| {
        let task = p
            .areas
            .iter_mut()
            .flat_map(|a| a.tasks.iter_mut())
            .find(|t| t.id == TASK)
            .expect("the task");
        task.title = "x".repeat(20_000);
    });
    desk.wait_acknowledged(&plan).await;
    desk.stop().await;

    let mut run = Scenario::start(
        "first_visit_and_restart",
        &[
            ("BASE", server.url("/")),
            ("USER", server.demo_username(UNIT)),
            ("PASSWORD", server.password(UNIT)),
            ("TASK", TASK.to_string()),
            ("PERCENT", PERCENT.to_string()),
        ],
    );
    let first = blocking(|| run.expect("first-visit"));
    assert_eq!(first["bootstrap"], true, "{first:#}");
    let (page, window) = (&first["width"]["page"], &first["width"]["window"]);
    assert!(
        page.as_f64().unwrap() <= window.as_f64().unwrap(),
        "a long title wraps, the page is not wider than the window: {first:#}"
    );
    assert!(
        first["sockets"].as_u64().unwrap_or(0) >= 1,
        "the app did try to sync: {first:#}"
    );
    assert!(
        !first["indicator"]
            .as_str()
            .unwrap_or("")
            .contains("Đã đồng bộ"),
        "never synced: {first:#}"
    );

    let restart = blocking(|| run.expect("restart"));
    let painted = &restart["painted"];
    assert_eq!(painted["text"], format!("{PERCENT}%"), "{restart:#}");
    assert_eq!(painted["visible"], true, "{restart:#}");
    assert_eq!(painted["inert"], true, "{restart:#}");
    assert_eq!(painted["test_ids"], 0, "{restart:#}");
    assert_eq!(
        painted["app_loaded"], false,
        "painted before the app: {restart:#}"
    );
    let live = &restart["live"];
    assert_eq!(live["painted_left"], false, "{restart:#}");
    assert!(
        painted["at"].as_f64().unwrap() < live["at"].as_f64().unwrap(),
        "{restart:#}"
    );

    let logout = blocking(|| run.expect("logout"));
    assert!(logout["kept"].is_null(), "{logout:#}");
    assert_eq!(logout["painted"], 0, "{logout:#}");
    blocking(|| run.finish());
}
