//! A unit's work carried by hand, in headless Chromium against a real server: the unit's tablet,
//! never online since its sign-in, records Q1 progress with a photo and exports a bundle file;
//! the central office uploads it in its browser and sees the result and the photo (the same
//! bytes); a second import changes nothing; when the tablet's link comes back it sends none of
//! what the bundle carried again, and nothing is lost. A new tablet whose link is too weak for a
//! first sync opens its plan from a starter bundle, and sync later brings what came after.

use std::time::Duration;

use tiendo_shared::model::{PeriodKind, Progress};
use tiendo_tests::browser::{Scenario, client_copy};
use tiendo_tests::{TestServer, blocking, data_dir, own_progress};

const UNIT: &str = "thanh-tra-so";
const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const RESULT: &str = "Đã rà soát 14 thủ tục hành chính quý 1 (gửi bằng gói dữ liệu)";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_tablets_bundle_reaches_the_office_and_is_not_sent_again() {
    let dir = data_dir();
    let out = data_dir();
    let dist = client_copy();
    let static_dir = dist.path().to_path_buf();
    let server = blocking(|| TestServer::start_with(dir.path(), |c| c.static_dir = static_dir));
    let token = blocking(|| server.login_demo(UNIT));
    let user = server.demo_username(UNIT);
    let addr = server.addr();
    let (_, doc_id) = blocking(|| own_progress(&addr, &token));

    let mut run = Scenario::start(
        "bundles",
        &[
            ("BASE", server.url("/")),
            ("USER", user.clone()),
            ("PASSWORD", server.password(UNIT)),
            ("UNIT", UNIT.to_string()),
            ("OFFICE_USER", server.demo_username(OFFICE)),
            ("OFFICE_PASSWORD", server.password(OFFICE)),
            ("OUT", out.path().display().to_string()),
        ],
    );
    let imported = blocking(|| run.expect_within("imported", Duration::from_secs(180)));
    let name = imported["name"].as_str().unwrap();
    let today = tiendo_server::today().to_string();
    assert_eq!(
        name,
        format!("{UNIT}_{user}_{today}.tiendo"),
        "unit, user, date: {imported:#}"
    );
    assert!(
        imported["message"]
            .as_str()
            .unwrap()
            .contains("1 tệp minh chứng"),
        "{imported:#}"
    );
    let bundle_bytes = std::fs::read(imported["file"].as_str().unwrap()).unwrap();
    let opened = tiendo_shared::bundle::open(&bundle_bytes).expect("the file is a sound bundle");
    assert_eq!(opened.manifest.author.username, user);
    assert_eq!(
        opened.manifest.documents.len(),
        1,
        "only the unit's own document"
    );
    assert_eq!(opened.manifest.documents[0].id, doc_id);
    // Only what the server had not confirmed: the result, the evidence item, the photo's name.
    let message = imported["message"].as_str().unwrap();
    let changes: usize = message
        .split(" thay đổi")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the message counts the changes: {message}"));
    assert!((2..=6).contains(&changes), "{message}");
    let sha = imported["sha256"].as_str().unwrap();
    assert_eq!(opened.manifest.files[0].sha256, sha);
    // "Xuất toàn bộ": the same document whole, with the photo, and its own name.
    let all_path = imported["all"].as_str().unwrap();
    assert!(
        all_path.ends_with(&format!("{UNIT}_{user}_{today}_toan-bo.tiendo")),
        "{all_path}"
    );
    let all = tiendo_shared::bundle::open(&std::fs::read(all_path).unwrap()).expect("sound");
    assert!(all.manifest.documents[0].deps.is_empty(), "whole");
    assert_eq!(
        all.manifest.documents[0].heads,
        opened.manifest.documents[0].heads
    );
    assert_eq!(all.manifest.files.len(), 1);

    // The server's report, as the office read it, and what the office's screen showed.
    let report = imported["report"].as_array().unwrap();
    assert_eq!(report.len(), 2, "{imported:#}");
    assert!(
        report.iter().all(|r| r["outcome"] == "applied"),
        "{imported:#}"
    );
    assert_eq!(
        imported["served"]["sha256"], sha,
        "the photo, byte for byte"
    );
    assert!(
        imported["state"].as_str().unwrap().ends_with("40%"),
        "the task's merged state in the office: {imported:#}"
    );
    assert!(
        imported["again"]
            .as_str()
            .unwrap()
            .contains("0 mới được ghi, 2 đã có, 0 bị từ chối"),
        "{imported:#}"
    );
    let library = server.library().clone();
    let id = doc_id.clone();
    let stored: Progress =
        blocking(|| server.on_server(async move { library.read::<Progress>(&id).await.unwrap() }));
    let task = imported["task"].as_str().unwrap();
    let entry = stored.entry(task, PeriodKind::Q1).expect("the Q1 entry");
    assert_eq!((entry.result.as_str(), entry.percent), (RESULT, 40));
    let (status, _, _, photo) = blocking(|| server.download(&token, &format!("/api/files/{sha}")));
    assert_eq!(status, 200);
    assert_eq!(
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&photo)),
        sha
    );
    let heads_after_import = {
        let (library, id) = (server.library().clone(), doc_id.clone());
        blocking(|| server.on_server(async move { library.heads(&id).await.unwrap() }))
    };

    // The link comes back: sync messages carry no change at all, and the photo is not uploaded.
    let reconnected = blocking(|| run.expect_within("reconnected", Duration::from_secs(120)));
    let sent = reconnected["reconnect"]["ws_sent"].as_u64().unwrap();
    let frames = reconnected["reconnect"]["frames"].as_array().unwrap();
    let mut sync_messages = 0;
    for f in frames {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(f.as_str().unwrap())
            .unwrap();
        let frame = tiendo_server::sync::frame::decode(&bytes).expect("a protocol frame");
        if frame.kind != "sync" {
            continue;
        }
        sync_messages += 1;
        let message = automerge::sync::Message::decode(frame.data.as_deref().unwrap()).unwrap();
        assert!(
            message.changes.is_empty(),
            "the tablet sent {} changes again to {:?}",
            message.changes.len(),
            frame.document_id
        );
    }
    assert!(sync_messages > 0, "the tablet did sync: {reconnected:#}");
    println!(
        "reconnect after the import: {sent} bytes in {} frames, {sync_messages} sync messages, no change; the bundle's changes were {} bytes",
        frames.len(),
        opened.documents[0].len()
    );
    assert_eq!(
        reconnected["reconnect"]["uploaded"], 0,
        "the photo is not uploaded again: {reconnected:#}"
    );
    run.go();
    run.finish();
    let (library, id) = (server.library().clone(), doc_id.clone());
    let heads_now = blocking(|| server.on_server(async move { library.heads(&id).await.unwrap() }));
    assert_eq!(heads_now, heads_after_import, "nothing new, nothing lost");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_tablet_opens_its_plan_from_a_starter_bundle_and_syncs_only_what_came_after() {
    const TASK: &str = "t2-d";
    let dir = data_dir();
    let out = data_dir();
    let dist = client_copy();
    let static_dir = dist.path().to_path_buf();
    let server = blocking(|| TestServer::start_with(dir.path(), |c| c.static_dir = static_dir));
    let office = blocking(|| server.login_demo(OFFICE));
    let token = blocking(|| server.login_demo(UNIT));
    let addr = server.addr();
    let (_, doc_id) = blocking(|| own_progress(&addr, &token));
    let (status, _, _, starter) =
        blocking(|| server.download(&office, &format!("/api/bundles/starter?unit={UNIT}")));
    assert_eq!(status, 200);
    let file = out.path().join("khoi-tao.tiendo");
    std::fs::write(&file, &starter).unwrap();

    // After the starter was made, the unit's other tablet reports 60% on a task it leads.
    let mut other = tiendo_tests::SyncClient::new("unit-other-tablet").await;
    other.connect(server.sync_url(), &token).await;
    let doc = other.find(&doc_id).await.expect("the unit's progress");
    tiendo_tests::edit::<Progress>(&doc, &server.demo_username(UNIT), |p| {
        p.entry_mut(TASK, PeriodKind::Year).percent = 60;
    });
    other.wait_acknowledged(&doc).await;
    other.stop().await;

    let mut run = Scenario::start(
        "starter_bundle",
        &[
            ("BASE", server.url("/")),
            ("USER", server.demo_username(UNIT)),
            ("PASSWORD", server.password(UNIT)),
            ("STARTER", file.display().to_string()),
            ("TASK", TASK.to_string()),
        ],
    );
    let loaded = blocking(|| run.expect_within("loaded", Duration::from_secs(120)));
    assert_eq!(
        loaded["before"]["rows"], 0,
        "with no link the plan did not open: {loaded:#}"
    );
    assert!(
        loaded["before"]["said"]
            .as_str()
            .unwrap()
            .contains("nạp gói khởi tạo"),
        "and the screen says what to do: {loaded:#}"
    );
    assert!(
        loaded["rows"].as_u64().unwrap() >= 10,
        "the unit's tasks, from the file: {loaded:#}"
    );
    assert_eq!(
        loaded["percent"], "0%",
        "the bundle's state, before the later report: {loaded:#}"
    );
    let synced = blocking(|| run.expect_within("synced", Duration::from_secs(120)));
    assert_eq!(synced["percent"], "60%", "{synced:#}");
    run.go();
    run.finish();
}
