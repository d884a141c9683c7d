//! What the server has acknowledged survives a restart, and survives `kill -9` of the real
//! `tiendo` process straight after the acknowledgement.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use tiendo_shared::{PeriodKind, Progress, WorkStatus};
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, edit, login, request};

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
    edit::<Progress>(doc, "progress", OFFICE, |p| {
        let e = p.entry_mut(task, PeriodKind::Q1);
        e.status = WorkStatus::InProgress;
        e.percent = percent;
    });
}

fn set_result(doc: &samod::DocHandle, task: &str, result: &str) {
    edit::<Progress>(doc, "progress", OFFICE, |p| {
        p.entry_mut(task, PeriodKind::Q1).result = result.to_string();
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_edits_survive_a_server_restart() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let token = blocking(|| server.login_demo(OFFICE));
    let password = server.password(OFFICE);
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
    let token = blocking(|| server.login(OFFICE, &password));
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

/// The `tiendo` binary cargo built next to this test.
fn tiendo_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    let bin = dir.join(format!("tiendo{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: run the tests with `cargo test --workspace`",
        bin.display()
    );
    bin
}

struct Running {
    child: Child,
    addr: String,
    accounts: Vec<(String, String)>,
}

/// Starts `tiendo serve` on a free port and reads the URL and the demo logins it prints.
fn spawn_tiendo(data: &Path) -> Running {
    let mut child = Command::new(tiendo_binary())
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--static-dir",
            "/nonexistent",
        ])
        .arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut addr = None;
    let mut accounts = Vec::new();
    let mut in_accounts = false;
    while let Some(Ok(line)) = lines.next() {
        if let Some(rest) = line.strip_prefix("Tiến độ đang chạy tại http://") {
            addr = Some(rest.trim_end_matches('/').to_string());
        } else if line.starts_with("Tài khoản mẫu") {
            in_accounts = true;
        } else if in_accounts && line.starts_with("  ") {
            let mut w = line.split_whitespace();
            accounts.push((w.next().unwrap().to_string(), w.next().unwrap().to_string()));
            if line.contains("system_admin") {
                break;
            }
        } else if addr.is_some() && (line.contains("Tài khoản:") || in_accounts) {
            break;
        }
    }
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Running {
        child,
        addr: addr.expect("the server printed its URL"),
        accounts,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_right_after_the_acknowledgement_loses_nothing() {
    let dir = data_dir();
    let mut first = blocking(|| spawn_tiendo(dir.path()));
    let password = first
        .accounts
        .iter()
        .find(|(u, _)| u == OFFICE)
        .expect("the demo logins are printed on first start")
        .1
        .clone();
    let token = blocking(|| login(&first.addr, OFFICE, &password));
    let (_, me) = blocking(|| request(&first.addr, "GET", "/api/me", Some(&token), None));
    let doc_id = me["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "progress" && d["unit_id"] == OFFICE)
        .unwrap()["doc_id"]
        .as_str()
        .unwrap()
        .to_string();
    let url = url::Url::parse(&format!("ws://{}/sync", first.addr)).unwrap();
    let mut client = SyncClient::new("tablet").await;
    client.connect(url, &token).await;
    let doc = client.find(&doc_id).await.expect("own progress");
    // Many small edits, each its own change and storage chunk.
    for percent in 1..=25u8 {
        set_percent(&doc, "t1-a", percent * 4);
    }
    client.wait_acknowledged(&doc).await;
    first.child.kill().unwrap(); // SIGKILL: no shutdown, no flush
    first.child.wait().unwrap();
    client.stop().await;

    let mut second = blocking(|| spawn_tiendo(dir.path()));
    assert!(second.accounts.is_empty(), "accounts are not created again");
    let token = blocking(|| login(&second.addr, OFFICE, &password));
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
    second.child.kill().unwrap();
    second.child.wait().unwrap();
}
