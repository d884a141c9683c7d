//! Changes that break the progress document's schema — written by a unit that may write its own
//! document, so the share policy lets them through — are flagged, never fatal: a percent stored
//! as a string makes that one document unreadable, reported by document in the merged status
//! and the reports while every other unit still counts; a percent of 250 is reported and
//! counted as 100%.

use automerge::ReadDoc;
use automerge::transaction::Transactable;
use tiendo_shared::{PeriodKind, Progress, WorkStatus};
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, edit};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const BROKEN: &str = "phong-quan-ly-tieu-chuan-do-luong-chat-luong";
const OVER: &str = "thanh-tra-so";
const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";

/// Sets `tasks/<task>/q1/percent` to `value` with raw Automerge, outside the typed model.
fn force_percent(doc: &samod::DocHandle, task: &str, value: automerge::ScalarValue) {
    doc.with_document(|d| {
        let tasks = d.get(automerge::ROOT, "tasks").unwrap().unwrap().1;
        let periods = d.get(&tasks, task).unwrap().expect("task entry").1;
        let entry = d.get(&periods, "q1").unwrap().expect("q1 entry").1;
        let mut tx = d.transaction();
        tx.put(&entry, "percent", value).unwrap();
        tx.commit();
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_progress_document_is_reported_without_sinking_the_status() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let mut docs = Vec::new();
    for (unit, task) in [(OFFICE, "t1-a"), (BROKEN, "t8-a"), (OVER, "t2-d")] {
        let token = blocking(|| server.login_demo(unit));
        let unit_id = blocking(|| server.get_json_as(&token, "/api/me")).1["user"]["unit_id"]
            .as_str()
            .unwrap()
            .to_string();
        let doc_id = blocking(|| server.doc_id(&token, "progress", Some(&unit_id)));
        let mut client = SyncClient::new(&format!("tablet-{unit}")).await;
        client.connect(server.sync_url(), &token).await;
        let doc = client.find(&doc_id).await.expect("own progress");
        edit::<Progress>(&doc, "progress", unit, |p| {
            let e = p.entry_mut(task, PeriodKind::Q1);
            e.status = WorkStatus::InProgress;
            e.percent = 40;
            e.result = format!("kết quả của {unit}");
        });
        match unit {
            BROKEN => force_percent(&doc, task, "bốn mươi".into()),
            OVER => force_percent(&doc, task, automerge::ScalarValue::Uint(250)),
            _ => {}
        }
        client.wait_acknowledged(&doc).await;
        docs.push((unit, doc_id, client));
    }

    let office = blocking(|| server.login_demo(OFFICE));
    let (status, s) = blocking(|| {
        server.get_json_as(
            &office,
            &format!("/api/plans/{PLAN}/status?as_of=2025-03-31&period=q1"),
        )
    });
    assert_eq!(status, 200, "the status still answers: {s}");
    let problems = s["problems"].to_string();
    let broken_doc = &docs[1].1;
    assert!(
        problems.contains(broken_doc.as_str()),
        "the unreadable document is named: {problems}"
    );
    assert!(
        problems.contains("250") || problems.contains("100%"),
        "the out-of-range percent is reported: {problems} {:#}",
        s["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["task_id"] == "t2-d")
            .unwrap()
    );
    let results: Vec<String> = s["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["reports"].as_array().unwrap().iter())
        .map(|r| r["result"].as_str().unwrap().to_string())
        .collect();
    assert!(
        results.contains(&format!("kết quả của {OFFICE}")),
        "the other units still count: {results:?}"
    );
    assert!(
        results.contains(&format!("kết quả của {OVER}")),
        "the over-range entry still counts: {results:?}"
    );

    // The period report is still made, and says what it could not read.
    let (code, _, _, body) = blocking(|| {
        server.download(
            &office,
            &format!("/api/plans/{PLAN}/reports/q1.xlsx?as_of=2025-03-31"),
        )
    });
    assert_eq!(code, 200);
    assert!(!body.is_empty());
    for (_, _, client) in docs {
        client.stop().await;
    }
}
