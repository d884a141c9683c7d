//! Changes that break the progress document's schema — written by a unit that may write its own
//! document, so the share policy lets them through — are flagged, never fatal: a percent stored
//! as words or as 250 makes that one entry unreadable, reported by document, task, period and
//! field in the merged status while the rest of that unit's year and every other unit still
//! count; the unit's next save of the entry repairs it for everyone.

use automerge::ReadDoc;
use automerge::transaction::Transactable;
use tiendo_shared::model::{PeriodKind, Progress, WorkStatus};
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
        let user = server.demo_username(unit);
        edit::<Progress>(&doc, &user, |p| {
            let e = p.entry_mut(task, PeriodKind::Q1);
            e.status = WorkStatus::InProgress;
            e.percent = 40;
            e.result = format!("kết quả của {unit}");
        });
        if unit == BROKEN {
            // A second, sound entry in the same document.
            edit::<Progress>(&doc, &user, |p| {
                p.entry_mut("t8-b", PeriodKind::Q1).result = "vẫn được tính".into();
            });
        }
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
    let problems = s["problems"].as_array().unwrap().clone();
    let placed = |doc: &str, task: &str| {
        problems.iter().any(|p| {
            p["doc_id"] == doc
                && p["task_id"] == task
                && p["period"] == "q1"
                && p["field"] == "percent"
        })
    };
    assert!(
        placed(&docs[1].1, "t8-a"),
        "the words are placed: {problems:?}"
    );
    assert!(
        placed(&docs[2].1, "t2-d"),
        "the 250 is placed: {problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p["message"].as_str().unwrap().contains("bốn mươi")),
        "and said plainly: {problems:?}"
    );
    let results = |s: &serde_json::Value| -> Vec<String> {
        s["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|t| t["reports"].as_array().unwrap().iter())
            .map(|r| r["result"].as_str().unwrap().to_string())
            .collect()
    };
    let before = results(&s);
    assert!(
        before.contains(&format!("kết quả của {OFFICE}")),
        "other units count: {before:?}"
    );
    assert!(
        before.contains(&"vẫn được tính".to_string()),
        "the rest of the broken unit's document counts: {before:?}"
    );
    assert!(
        !before.contains(&format!("kết quả của {OVER}")),
        "the broken entry does not"
    );

    // The unit saves the entry again from its tablet: repaired for everyone.
    let (_, _, over_client) = &docs[2];
    let over_doc = over_client.find(&docs[2].1).await.unwrap();
    edit::<Progress>(&over_doc, &server.demo_username(OVER), |p| {
        p.entry_mut("t2-d", PeriodKind::Q1).percent = 90;
    });
    over_client.wait_acknowledged(&over_doc).await;
    let (_, s) = blocking(|| {
        server.get_json_as(
            &office,
            &format!("/api/plans/{PLAN}/status?as_of=2025-03-31&period=q1"),
        )
    });
    let t2d = s["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["task_id"] == "t2-d")
        .unwrap();
    assert_eq!(t2d["percent"], 90, "{t2d:#}");
    assert!(
        !s["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["task_id"] == "t2-d"),
        "{:?}",
        s["problems"]
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
