//! What the server has acknowledged survives a restart, and survives `kill -9` of the real
//! `tiendo` process straight after the acknowledgement.

use std::path::Path;

use tiendo_shared::model::{PeriodKind, Progress, WorkStatus};
use tiendo_tests::process::RealServer;
use tiendo_tests::{
    SyncClient, TestServer, blocking, data_dir, edit, login, own_progress, request,
};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";

fn report(server_json: &serde_json::Value, task: &str, unit: &str) -> Option<serde_json::Value> {
    server_json["tasks"]
        .as_array()?
        .iter()
        .find(|t| t["task_id"] == task)?["reports"]
        .as_array()?
        .iter()
        .find(|r| r["unit_id"] == unit)
        .cloned()
}

fn set_percent(doc: &samod::DocHandle, task: &str, percent: u8) {
    edit::<Progress>(doc, OFFICE, |p| {
        let e = p.entry_mut(task, PeriodKind::Q1);
        e.status = WorkStatus::InProgress;
        e.percent = percent;
    });
}

fn set_result(doc: &samod::DocHandle, task: &str, result: &str) {
    edit::<Progress>(doc, OFFICE, |p| {
        p.entry_mut(task, PeriodKind::Q1).result = result.to_string();
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_edits_survive_a_server_restart() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let token = blocking(|| server.login_demo(OFFICE));
    let (username, password) = (server.demo_username(OFFICE), server.password(OFFICE));
    let doc_id = blocking(|| server.doc_id(&token, "progress", Some(OFFICE)));
    let mut client = SyncClient::new("tablet").await;
    client.connect(server.sync_url(), &token).await;
    let doc = client.find(&doc_id).await.expect("own progress");
    set_percent(&doc, "t1-a", 30);
    set_result(&doc, "t1-a", "Ghi trước khi máy chủ khởi động lại");
    client.wait_acknowledged(&doc).await;
    client.disconnect();
    blocking(|| drop(server));

    // Offline while the server restarts (on a new port), then one more edit.
    set_percent(&doc, "t1-a", 60);
    let server = blocking(|| TestServer::start(dir.path()));
    let token = blocking(|| server.login(&username, &password));
    client.connect(server.sync_url(), &token).await;
    client.wait_acknowledged(&doc).await;
    let (code, s) = blocking(|| {
        server.get_json_as(
            &token,
            &format!("/api/plans/{PLAN}/status?as_of=2025-03-01"),
        )
    });
    assert_eq!(code, 200);
    let r = report(&s, "t1-a", OFFICE).expect("the office's report");
    assert_eq!(r["result"], "Ghi trước khi máy chủ khởi động lại");
    assert_eq!(r["percent"], 60, "the edit made offline during the restart");
    client.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_right_after_the_acknowledgement_loses_nothing() {
    let dir = data_dir();
    let first =
        blocking(|| RealServer::start(dir.path(), "127.0.0.1:0", Path::new("/nonexistent")));
    let (username, password) = (first.demo_username(OFFICE), first.password(OFFICE));
    let token = blocking(|| login(&first.addr, &username, &password));
    let (_, doc_id) = blocking(|| own_progress(&first.addr, &token));
    let url = url::Url::parse(&format!("ws://{}/sync", first.addr)).unwrap();
    let mut client = SyncClient::new("tablet").await;
    client.connect(url, &token).await;
    let doc = client.find(&doc_id).await.expect("own progress");
    // Many small edits, each its own change and storage chunk.
    for percent in 1..=25u8 {
        set_percent(&doc, "t1-a", percent * 4);
    }
    client.wait_acknowledged(&doc).await;
    first.kill(); // SIGKILL: no shutdown, no flush
    client.stop().await;

    let second =
        blocking(|| RealServer::start(dir.path(), "127.0.0.1:0", Path::new("/nonexistent")));
    assert!(second.accounts.is_empty(), "accounts are not created again");
    let token = blocking(|| login(&second.addr, &username, &password));
    let (code, s) = blocking(|| {
        request(
            &second.addr,
            "GET",
            &format!("/api/plans/{PLAN}/status?as_of=2025-03-01"),
            Some(&token),
            None,
        )
    });
    assert_eq!(code, 200, "{s}");
    assert_eq!(
        report(&s, "t1-a", OFFICE).expect("the report survived")["percent"],
        100
    );
    second.kill();
}
