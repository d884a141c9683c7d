//! Torn storage: a progress document whose stored chunks are damaged on disk (bytes overwritten
//! in the store while the server is down) is detected when the server loads it and reported with
//! its document id — in the merged status and in the log — while every other document keeps
//! serving; and a server killed with SIGKILL while it compacts a long history loses nothing
//! (compaction writes the snapshot before it deletes what it replaces).

use std::path::Path;

use tiendo_shared::model::{PeriodKind, Progress, WorkStatus};
use tiendo_tests::process::RealServer;
use tiendo_tests::stores::Db;
use tiendo_tests::{SyncClient, blocking, data_dir, edit, login, own_progress, read, request};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const UNIT: &str = "thanh-tra-so";
const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";

async fn connected(addr: &str, token: &str, peer: &str) -> SyncClient {
    let mut c = SyncClient::new(peer).await;
    c.connect(
        url::Url::parse(&format!("ws://{addr}/sync")).unwrap(),
        token,
    )
    .await;
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_document_is_reported_by_id_and_the_rest_keep_serving() {
    let dir = data_dir();
    let nowhere = Path::new("/nonexistent");
    let log = dir.path().join("server.log");
    let server = blocking(|| RealServer::start(dir.path(), "127.0.0.1:0", nowhere));
    let addr = server.addr.clone();
    let (office_user, unit_user) = (server.demo_username(OFFICE), server.demo_username(UNIT));
    let (office_pw, unit_pw) = (server.password(OFFICE), server.password(UNIT));
    let office = blocking(|| login(&addr, &office_user, &office_pw));
    let unit = blocking(|| login(&addr, &unit_user, &unit_pw));
    let damaged = blocking(|| own_progress(&addr, &unit).1);
    let healthy = blocking(|| own_progress(&addr, &office).1);
    for (token, doc_id, who, task) in [
        (&unit, &damaged, &unit_user, "t2-d"),
        (&office, &healthy, &office_user, "t1-a"),
    ] {
        let client = connected(&addr, token, &format!("tablet-{who}")).await;
        let doc = client.find(doc_id).await.expect("own progress");
        edit::<Progress>(&doc, who, |p| {
            let e = p.entry_mut(task, PeriodKind::Q1);
            e.status = WorkStatus::InProgress;
            e.result = format!("kết quả của {who}");
        });
        client.wait_acknowledged(&doc).await;
        client.stop().await;
    }
    server.kill();

    // Overwrite the middle of every stored chunk of one document.
    let db = Db::of(dir.path());
    let chunks = db.rows(
        "SELECT key, data FROM chunks WHERE key LIKE $1",
        &[format!("{damaged}/%").into()],
    );
    assert!(!chunks.is_empty(), "the document has stored chunks");
    for row in &chunks {
        let mut data = row[1].bytes().to_vec();
        let (mid, len) = (data.len() / 2, data.len());
        for b in &mut data[mid.saturating_sub(8)..(mid + 8).min(len)] {
            *b ^= 0xFF;
        }
        db.execute(
            "UPDATE chunks SET data = $1 WHERE key = $2",
            &[data.into(), row[0].clone()],
        );
    }

    let server = blocking(|| RealServer::start_logged(dir.path(), &addr, nowhere, "warn", &log));
    let office = blocking(|| login(&addr, &office_user, &office_pw));
    let (status, s) = blocking(|| {
        request(
            &addr,
            "GET",
            &format!("/api/plans/{PLAN}/status?as_of=2025-03-31&period=q1"),
            Some(&office),
            None,
        )
    });
    assert_eq!(status, 200, "the status still answers: {s}");
    let problems = s["problems"].to_string();
    assert!(
        problems.contains(&damaged),
        "the damaged document is named: {problems}"
    );
    let results = s["tasks"].to_string();
    assert!(
        results.contains(&format!("kết quả của {office_user}")),
        "the healthy document still counts"
    );
    // The healthy document still syncs to a new device.
    let client = connected(&addr, &office, "tablet-new").await;
    let doc = client
        .find(&healthy)
        .await
        .expect("healthy document served");
    let p: Progress = read(&doc);
    assert_eq!(
        p.entry("t1-a", PeriodKind::Q1).unwrap().result,
        format!("kết quả của {office_user}")
    );
    client.stop().await;
    drop(server);
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        text.contains(&damaged),
        "the log names the damaged document: {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compaction_cut_between_snapshot_and_deletes_loads_to_the_same_document() {
    let dir = data_dir();
    let nowhere = Path::new("/nonexistent");
    let server = blocking(|| RealServer::start(dir.path(), "127.0.0.1:0", nowhere));
    let addr = server.addr.clone();
    let (user, password) = (server.demo_username(OFFICE), server.password(OFFICE));
    let admin_pw = server.password("admin");
    let token = blocking(|| login(&addr, &user, &password));
    let doc_id = blocking(|| own_progress(&addr, &token).1);
    let client = connected(&addr, &token, "tablet-compaction").await;
    let doc = client.find(&doc_id).await.expect("own progress");
    // A long history, acknowledged in steps: the server writes chunks and compacts on its own.
    for k in 0..120u8 {
        edit::<Progress>(&doc, &user, |p| {
            p.entry_mut("t1-a", PeriodKind::ALL[usize::from(k) % 4])
                .percent = k % 101;
        });
        if k % 10 == 9 {
            client.wait_acknowledged(&doc).await;
        }
    }
    client.wait_acknowledged(&doc).await;
    client.stop().await;
    server.kill();

    // The state a SIGKILL leaves between the two steps of a compaction: the new snapshot is
    // written, the chunks it replaces are all still there.
    let db = Db::of(dir.path());
    let chunks = db.rows(
        "SELECT key, data FROM chunks WHERE key LIKE $1 AND key NOT LIKE $2",
        &[
            format!("{doc_id}/%").into(),
            format!("{doc_id}/sync-state/%").into(),
        ],
    );
    let before = chunks.len();
    let mut whole = automerge::Automerge::new();
    for row in &chunks {
        whole
            .load_incremental(row[1].bytes())
            .expect("stored chunks load");
    }
    let heads = whole.get_heads();
    let key = format!("{doc_id}/snapshot/{}", heads[0]);
    db.execute(
        "INSERT INTO chunks (key, data) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET data = excluded.data",
        &[key.into(), whole.save().into()],
    );

    let _server = blocking(|| RealServer::start(dir.path(), &addr, nowhere));
    let admin = blocking(|| login(&addr, "admin", &admin_pw));
    let reader = connected(&addr, &admin, "reader-compaction").await;
    let served = reader.find(&doc_id).await.expect("the document loads");
    assert_eq!(
        served.with_document(|d| d.get_heads()),
        heads,
        "the same history after the cut ({before} chunks + the snapshot)"
    );
    let p: Progress = read(&served);
    assert_eq!(
        p.entry("t1-a", PeriodKind::ALL[119 % 4]).unwrap().percent,
        119 % 101
    );
    reader.stop().await;
}
