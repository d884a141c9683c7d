//! A long offline period: one unit's tablet makes 5,000 edits with no connection, across many
//! tasks and all four periods, each its own change, then reconnects to the real `tiendo serve`
//! process. Everything arrives: the server's copy equals the tablet's. Printed: the time to
//! sync and the server's and the test process's peak memory (VmHWM), figures for the README's
//! Reliability section, not assertions on speed.

use std::path::Path;
use std::time::Instant;

use automerge::ReadDoc;
use automerge::transaction::Transactable;
use tiendo_shared::model::{PeriodKind, Progress, WorkStatus};
use tiendo_tests::process::{RealServer, memory_kib};
use tiendo_tests::{
    SyncClient, blocking, data_dir, edit, login, own_progress, read, request, setting,
};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_thousand_offline_edits_all_arrive_after_reconnecting() {
    let edits: usize = setting("TIENDO_OFFLINE_EDITS", 5_000) as usize;
    let dir = data_dir();
    let server =
        blocking(|| RealServer::start(dir.path(), "127.0.0.1:0", Path::new("/nonexistent")));
    let addr = server.addr.clone();
    let url = url::Url::parse(&format!("ws://{addr}/sync")).unwrap();
    let user = server.demo_username(OFFICE);
    let token = blocking(|| login(&addr, &user, &server.password(OFFICE)));
    let (_, doc_id) = blocking(|| own_progress(&addr, &token));
    let (_, plan) = blocking(|| {
        request(
            &addr,
            "GET",
            "/api/plans/kh-cchc-2025-so-khoa-hoc-va-cong-nghe",
            Some(&token),
            None,
        )
    });
    let tasks: Vec<String> = plan["plan"]["areas"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["tasks"].as_array().unwrap().iter())
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();

    let mut tablet = SyncClient::new("tablet-offline").await;
    tablet.connect(url.clone(), &token).await;
    let doc = tablet.find(&doc_id).await.expect("own progress");
    tablet.disconnect();

    // One typed edit creates every entry (as the app would on first touch); then each edit is
    // one small change of its own, a percent and a result, made straight on the document: the
    // typed read-modify-write of the whole document costs ~40 ms per edit in the unoptimised test
    // build and would measure autosurgeon, not sync.
    edit::<Progress>(&doc, &user, |p| {
        for period in PeriodKind::ALL {
            for task in &tasks {
                p.entry_mut(task, period).status = WorkStatus::InProgress;
            }
        }
    });
    let started = Instant::now();
    for k in 0..edits {
        let task = &tasks[k % tasks.len()];
        let period = PeriodKind::ALL[(k / tasks.len()) % 4];
        doc.with_document(|d| {
            let all = d.get(automerge::ROOT, "tasks").unwrap().unwrap().1;
            let periods = d.get(&all, task.as_str()).unwrap().unwrap().1;
            let entry = d.get(&periods, period.as_str()).unwrap().unwrap().1;
            let mut tx = d.transaction();
            tx.put(
                &entry,
                "percent",
                automerge::ScalarValue::Uint((k % 101) as u64),
            )
            .unwrap();
            tx.put(&entry, "result", format!("lần sửa {k} khi không có mạng"))
                .unwrap();
            tx.commit_with(
                automerge::transaction::CommitOptions::default().with_message(user.clone()),
            );
        });
    }
    let offline_time = started.elapsed();
    let changes = doc.with_document(|d| d.get_changes(&[]).len());

    let started = Instant::now();
    tablet.connect(url, &token).await;
    tokio::time::timeout(
        std::time::Duration::from_secs(300),
        doc.they_have_our_changes(tablet.connection()),
    )
    .await
    .expect("the server took every offline change");
    let sync_time = started.elapsed();

    // A fresh reader sees exactly the tablet's state.
    let admin = blocking(|| login(&addr, "admin", &server.password("admin")));
    let mut reader = SyncClient::new("reader").await;
    reader
        .connect(
            url::Url::parse(&format!("ws://{addr}/sync")).unwrap(),
            &admin,
        )
        .await;
    let theirs = reader.find(&doc_id).await.expect("readable by the admin");
    let mine: Progress = read(&doc);
    let server_copy: Progress = read(&theirs);
    assert_eq!(server_copy, mine, "the server's copy equals the tablet's");
    let entries: usize = mine.tasks.values().map(|p| p.len()).sum();
    assert_eq!(entries, tasks.len() * 4);
    let last = edits - 1;
    let e = mine
        .entry(
            &tasks[last % tasks.len()],
            PeriodKind::ALL[(last / tasks.len()) % 4],
        )
        .expect("the last edit's entry");
    assert_eq!(e.result, format!("lần sửa {last} khi không có mạng"));
    println!(
        "long offline: {edits} edits ({changes} changes, {entries} entries) made offline in {offline_time:.1?}; \
         synced in {sync_time:.1?}; peak memory: server {} MiB, test process (tablet + reader) {} MiB",
        memory_kib(&server.child.id().to_string(), "VmHWM") / 1024,
        memory_kib("self", "VmHWM") / 1024,
    );
    tablet.stop().await;
    reader.stop().await;
}
