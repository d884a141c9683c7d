//! Bundle files through a real server on a loopback port: a unit's tablet, offline since it
//! synced once, seals its unconfirmed changes and an evidence file with its registered device
//! key; the office uploads the file and the server applies it by the author's rights, once (a
//! replay is all "already known"), and the tablet's next sync sends nothing again. An altered
//! byte, an unregistered key and another unit's document are refused, naming why, and change
//! nothing. A starter bundle leaves a new tablet's first sync only what changed since it was
//! made. `tiendo bundle export|import` do the same from the command line.

use automerge::ChangeHash;
use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};
use tiendo_shared::api::{BundleOutcome, BundleReport};
use tiendo_shared::bundle::{self, DocData, FileData, Kind};
use tiendo_shared::model::{PeriodKind, Progress, WorkStatus};
use tiendo_tests::{
    SyncClient, TestServer, blocking, data_dir, edit, name_evidence_file, process::RealServer,
};

const UNIT: &str = "thanh-tra-so";
const OTHER_UNIT: &str = "phong-quan-ly-tieu-chuan-do-luong-chat-luong";
const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const LATE: &str = "Nhắc báo cáo quý 1";

/// POSTs `body` as the bundle file; status and JSON answer.
fn upload(server: &TestServer, token: &str, body: &[u8]) -> (u16, serde_json::Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut resp = agent
        .post(server.url("/api/bundles"))
        .header("Authorization", format!("Bearer {token}"))
        .content_type("application/vnd.tiendo.bundle")
        .send(body)
        .expect("request");
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or_default())
}

/// The answer as `shared::api::BundleReport`, which encodes back to the very same JSON.
fn report(answer: (u16, serde_json::Value)) -> BundleReport {
    assert_eq!(answer.0, 200, "{}", answer.1);
    let r: BundleReport = serde_json::from_value(answer.1.clone()).expect("a bundle report");
    assert_eq!(serde_json::to_value(&r).unwrap(), answer.1, "no field lost");
    r
}

fn register(server: &TestServer, token: &str, key: &SigningKey) {
    let (status, body) = server.post_json(
        "/api/devices",
        Some(token),
        serde_json::json!({
            "public_key": hex::encode(key.verifying_key().as_bytes()),
            "label": "máy tính bảng thử",
        }),
    );
    assert_eq!(status, 204, "{body}");
}

/// `user`'s tablet's bundle of `doc` (for [`UNIT`]): the changes after `confirmed` (what the
/// server had), and `files`.
fn seal(
    user: &str,
    doc: &samod::DocHandle,
    confirmed: &[ChangeHash],
    files: Vec<FileData>,
    key: &SigningKey,
) -> Vec<u8> {
    let (heads, data) = doc.with_document(|d| (d.get_heads(), d.save_after(confirmed)));
    tiendo_tests::unit_bundle(
        user,
        UNIT,
        vec![DocData {
            id: doc.document_id().to_string(),
            heads,
            deps: confirmed.to_vec(),
            data,
        }],
        files,
        key,
    )
}

/// A server, and a unit's tablet with a registered key that synced once and is now offline.
struct Unit {
    server: TestServer,
    /// The unit's username.
    user: String,
    unit_token: String,
    office_token: String,
    /// The unit's progress document.
    doc_id: String,
    key: SigningKey,
    tablet: SyncClient,
    doc: samod::DocHandle,
    /// The server's heads of the document when the link went.
    confirmed: Vec<ChangeHash>,
}

impl Unit {
    async fn offline(dir: &tempfile::TempDir, peer: &str) -> Unit {
        let server = blocking(|| TestServer::start(dir.path()));
        let user = server.demo_username(UNIT);
        let unit_token = blocking(|| server.login_demo(UNIT));
        let office_token = blocking(|| server.login_demo(OFFICE));
        let doc_id = blocking(|| server.doc_id(&unit_token, "progress", Some(UNIT)));
        let key = SigningKey::from_bytes(&rand_bytes());
        blocking(|| register(&server, &unit_token, &key));
        let mut tablet = SyncClient::new(peer).await;
        tablet.connect(server.sync_url(), &unit_token).await;
        let doc = tablet.find(&doc_id).await.expect("the unit's progress");
        tablet.wait_acknowledged(&doc).await;
        let confirmed = doc.with_document(|d| d.get_heads());
        tablet.disconnect();
        Unit {
            server,
            user,
            unit_token,
            office_token,
            doc_id,
            key,
            tablet,
            doc,
            confirmed,
        }
    }
}

fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {text}\n%%EOF\n").into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_units_bundle_applies_once_by_its_authors_rights_and_is_not_sent_again() {
    let dir = data_dir();
    let Unit {
        server,
        user,
        unit_token,
        office_token,
        doc_id,
        key,
        mut tablet,
        doc,
        confirmed,
    } = Unit::offline(&dir, "tablet-bundle").await;
    let other_doc = blocking(|| server.doc_id(&office_token, "progress", Some(OTHER_UNIT)));

    // The tablet works with no link: Q1 progress with a long result and a file.
    let file = pdf("biên bản kiểm tra quý 1");
    let sha = hex::encode(Sha256::digest(&file));
    let result = "Đã kiểm tra 12 thủ tục hành chính. ".repeat(200);
    edit::<Progress>(&doc, &user, |p| {
        let e = p.entry_mut("t1-a", PeriodKind::Q1);
        e.status = WorkStatus::InProgress;
        e.percent = 40;
        e.result = result.clone();
    });
    name_evidence_file(&doc, &user, &sha, "bien-ban.pdf", file.len() as u64);
    let made = seal(
        &user,
        &doc,
        &confirmed,
        vec![FileData {
            mime: "application/pdf".into(),
            name: "bien-ban.pdf".into(),
            bytes: file.clone(),
        }],
        &key,
    );
    let changes_size = doc.with_document(|d| d.save_after(&confirmed).len());

    // An altered byte: refused whole, naming what failed; nothing is applied.
    let mut altered = made.clone();
    let at = altered.len() - 200;
    altered[at] ^= 0x01;
    let (status, body) = blocking(|| upload(&server, &office_token, &altered));
    assert_eq!(status, 422, "{body}");
    let said = body["error"].as_str().unwrap_or_default().to_string();
    assert!(
        said.contains("đã bị sửa") || said.contains("chữ ký"),
        "the refusal names what failed: {said}"
    );
    // A key the server never registered: nobody known made it.
    let forged = seal(
        &user,
        &doc,
        &confirmed,
        Vec::new(),
        &SigningKey::from_bytes(&rand_bytes()),
    );
    let (status, body) = blocking(|| upload(&server, &office_token, &forged));
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("chưa đăng ký"),
        "{body}"
    );
    let (progress, _) = on_server(&server, &doc_id);
    assert!(
        progress.files().next().is_none()
            && progress
                .entry("t1-a", PeriodKind::Q1)
                .is_none_or(|e| e.result.is_empty()),
        "nothing of a refused bundle is applied"
    );

    // Another unit may not import it; the office does.
    let other_token = blocking(|| server.login_demo(OTHER_UNIT));
    let (status, _) = blocking(|| upload(&server, &other_token, &made));
    assert_eq!(status, 403);
    let first = report(blocking(|| upload(&server, &office_token, &made)));
    assert_eq!(first.author, user);
    assert_eq!(
        first.documents[0].outcome,
        BundleOutcome::Applied,
        "{first:?}"
    );
    assert!(first.documents[0].changes >= 2, "{first:?}");
    assert_eq!(first.files[0].outcome, BundleOutcome::Applied, "{first:?}");
    let (progress, _) = on_server(&server, &doc_id);
    let entry = progress
        .entry("t1-a", PeriodKind::Q1)
        .expect("the Q1 entry");
    assert_eq!((entry.percent, entry.result.len()), (40, result.len()));
    let (status, _, _, served) =
        blocking(|| server.download(&office_token, &format!("/api/files/{sha}")));
    assert_eq!(
        (status, served == file),
        (200, true),
        "the file, byte for byte"
    );

    // Again: nothing new.
    let again = report(blocking(|| upload(&server, &office_token, &made)));
    assert_eq!(again.count(BundleOutcome::Applied), 0, "{again:?}");
    assert_eq!(again.count(BundleOutcome::Known), 2, "{again:?}");
    let heads_after = on_server(&server, &doc_id).1;

    // The unit's key over another unit's document: refused, that document unchanged.
    let mut other = SyncClient::new("office-reads-other").await;
    other.connect(server.sync_url(), &office_token).await;
    let theirs = other
        .find(&other_doc)
        .await
        .expect("the office reads every unit");
    other.wait_acknowledged(&theirs).await;
    let their_heads = theirs.with_document(|d| d.get_heads());
    other.disconnect();
    edit::<Progress>(&theirs, &user, |p| {
        p.entry_mut("t1-a", PeriodKind::Q1).percent = 99;
    });
    let trespass = seal(&user, &theirs, &their_heads, Vec::new(), &key);
    let refused = report(blocking(|| upload(&server, &office_token, &trespass)));
    assert_eq!(refused.documents[0].outcome, BundleOutcome::Refused);
    assert!(
        refused.documents[0]
            .reason
            .as_deref()
            .unwrap_or_default()
            .contains("không được ghi"),
        "{refused:?}"
    );
    assert_eq!(
        on_server(&server, &other_doc).1,
        their_heads,
        "another unit's document is untouched"
    );

    // The tablet's link comes back: what the bundle carried is not sent again.
    tablet.traffic.reset();
    tablet.connect(server.sync_url(), &unit_token).await;
    tablet.wait_acknowledged(&doc).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let (sent, _) = tablet.traffic.bytes();
    assert!(
        sent < changes_size / 4,
        "the tablet sent {sent} bytes; the bundle's changes are {changes_size}"
    );
    assert_eq!(
        on_server(&server, &doc_id).1,
        heads_after,
        "the reconnect brought nothing new"
    );
    assert_eq!(doc.with_document(|d| d.get_heads()), heads_after);
    tablet.stop().await;
    other.stop().await;
}

/// What the server holds of `doc_id`: its progress and its heads.
fn on_server(server: &TestServer, doc_id: &str) -> (Progress, Vec<ChangeHash>) {
    let (library, doc) = (server.library().clone(), doc_id.to_string());
    blocking(|| {
        server.on_server(async move {
            (
                library.read::<Progress>(&doc).await.unwrap(),
                library.heads(&doc).await.unwrap(),
            )
        })
    })
}

fn rand_bytes() -> [u8; 32] {
    let mut out = [0u8; 32];
    let seed = Sha256::digest(format!(
        "{:?}{}",
        std::time::Instant::now(),
        std::process::id()
    ));
    out.copy_from_slice(&seed);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_starter_bundle_leaves_the_first_sync_only_what_changed_since() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let office_token = blocking(|| server.login_demo(OFFICE));
    let unit_token = blocking(|| server.login_demo(UNIT));
    let user = server.demo_username(UNIT);
    // A year of the unit's reports: many small changes, as tablets make them.
    let own = blocking(|| server.doc_id(&unit_token, "progress", Some(UNIT)));
    let mut device = SyncClient::new("unit-before-starter").await;
    device.connect(server.sync_url(), &unit_token).await;
    let mine = device.find(&own).await.expect("the unit's progress");
    for (i, task) in ["t1-a", "t1-b", "t2-a", "t3-a", "t4-a", "t5-a"]
        .iter()
        .enumerate()
    {
        for period in PeriodKind::ALL {
            edit::<Progress>(&mine, &user, |p| {
                let e = p.entry_mut(task, period);
                e.status = WorkStatus::InProgress;
                e.percent = (10 * i) as u8;
                e.result = format!("Kết quả {task} kỳ {}: ", period.as_str()).repeat(20);
            });
        }
    }
    device.wait_acknowledged(&mine).await;
    device.stop().await;
    let (status, _, disposition, starter) =
        blocking(|| server.download(&office_token, &format!("/api/bundles/starter?unit={UNIT}")));
    assert_eq!(status, 200);
    assert!(disposition.contains(".tiendo"), "{disposition}");
    let (status, _, _, _) =
        blocking(|| server.download(&unit_token, &format!("/api/bundles/starter?unit={UNIT}")));
    assert_eq!(status, 403, "a unit does not make starter bundles");
    let opened = bundle::open(&starter).expect("the starter opens");
    let (_, me) = blocking(|| server.get_json_as(&unit_token, "/api/me"));
    assert_eq!(
        me["bundle_key"].as_str(),
        Some(hex::encode(opened.key).as_str()),
        "signed with the key /api/me names"
    );
    let plan = blocking(|| server.doc_id(&unit_token, "plan", None));
    let ids: Vec<&str> = opened
        .manifest
        .documents
        .iter()
        .map(|d| d.id.as_str())
        .collect();
    assert!(
        ids.contains(&own.as_str()) && ids.contains(&plan.as_str()),
        "{ids:?}"
    );

    // After the starter was made, the unit's other device reports once more.
    let mut other_device = SyncClient::new("unit-after-starter").await;
    other_device.connect(server.sync_url(), &unit_token).await;
    let theirs = other_device.find(&own).await.expect("the unit's progress");
    edit::<Progress>(&theirs, &user, |p| {
        p.entry_mut("t9-a", PeriodKind::Q1).difficulties = LATE.into();
    });
    other_device.wait_acknowledged(&theirs).await;
    other_device.stop().await;

    // A tablet from nothing, and a tablet that loaded the starter first.
    let received = async |loaded: bool| {
        let opened = opened.clone();
        let (server_url, token) = (server.sync_url(), unit_token.clone());
        let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        {
            let tablet_dir = data_dir();
            let db = tablet_dir.path().join("tablet.sqlite");
            let mut tablet = if loaded {
                SyncClient::from_starter(&format!("tablet-{loaded}"), &db, &opened).await
            } else {
                SyncClient::with_store(&format!("tablet-{loaded}"), &db).await
            };
            tablet.connect(server_url, &token).await;
            let mut docs = Vec::new();
            for id in &ids {
                let doc = tablet
                    .find(id)
                    .await
                    .expect("every document of the starter");
                tablet.wait_acknowledged(&doc).await;
                docs.push(doc);
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            let p: Progress =
                tiendo_tests::read(&docs[ids.iter().position(|i| *i == own).unwrap()]);
            let seen = p
                .entry("t9-a", PeriodKind::Q1)
                .map(|e| e.difficulties.clone())
                .unwrap_or_default();
            let (sent, bytes) = tablet.traffic.bytes();
            println!("first sync, starter loaded: {loaded}: sent {sent} B, received {bytes} B");
            tablet.stop().await;
            (bytes, seen)
        }
    };
    let (from_nothing, seen_a) = received(false).await;
    let (after_starter, seen_b) = received(true).await;
    assert_eq!(seen_a, LATE);
    assert_eq!(seen_b, LATE, "the change since the starter arrived");
    assert!(
        after_starter * 5 < from_nothing,
        "first sync after the starter received {after_starter} bytes, from nothing {from_nothing}"
    );
}

#[test]
fn the_command_line_exports_a_starter_and_imports_a_units_bundle() {
    let dir = data_dir();
    let (user, doc_id, confirmed, key) = {
        let server = TestServer::start(dir.path());
        let token = server.login_demo(UNIT);
        let doc_id = server.doc_id(&token, "progress", Some(UNIT));
        let key = SigningKey::from_bytes(&rand_bytes());
        register(&server, &token, &key);
        let library = server.library().clone();
        let id = doc_id.clone();
        let heads = server.on_server(async move { library.heads(&id).await.unwrap() });
        (server.demo_username(UNIT), doc_id, heads, key)
    };
    let out = dir.path().join("khoi-tao.tiendo");
    let said = RealServer::cli(
        dir.path(),
        &[
            "bundle",
            "export",
            "--unit",
            UNIT,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(said.contains("Đã ghi gói khởi tạo"), "{said}");
    let starter = bundle::open(&std::fs::read(&out).unwrap()).expect("it opens");
    assert_eq!(starter.manifest.kind, Kind::Starter);
    let theirs = starter
        .manifest
        .documents
        .iter()
        .position(|d| d.id == doc_id)
        .expect("the unit's progress is in it");

    // A tablet's change on top of the starter's document, carried back as a bundle.
    let mut doc = automerge::Automerge::load(&starter.documents[theirs]).unwrap();
    tiendo_shared::model::doc::update::<Progress, _>(
        &mut doc,
        &user,
        tiendo_shared::model::doc::UnixTime(tiendo_server::unix_now()),
        |p| p.entry_mut("t1-a", PeriodKind::Q1).percent = 70,
    )
    .unwrap();
    let made = tiendo_tests::unit_bundle(
        &user,
        UNIT,
        vec![DocData {
            id: doc_id.clone(),
            heads: doc.get_heads(),
            deps: confirmed.clone(),
            data: doc.save_after(&confirmed),
        }],
        Vec::new(),
        &key,
    );
    let file = dir.path().join("goi.tiendo");
    std::fs::write(&file, &made).unwrap();
    let said = RealServer::cli(dir.path(), &["bundle", "import", file.to_str().unwrap()]);
    assert!(said.contains("ghi mới (1 thay đổi)"), "{said}");
    let said = RealServer::cli(dir.path(), &["bundle", "import", file.to_str().unwrap()]);
    assert!(
        said.contains("0 mới được ghi, 1 đã có, 0 bị từ chối"),
        "{said}"
    );
}

#[test]
fn bad_bundles_and_keys_are_refused_clearly() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let office = server.login_demo(OFFICE);
    let unit = server.login_demo(UNIT);
    let other = server.login_demo(OTHER_UNIT);

    for (what, body) in [
        ("nothing", Vec::new()),
        ("a text", b"xin chao".to_vec()),
        ("a ZIP", b"PK\x03\x04rest of a zip".to_vec()),
    ] {
        let (status, answer) = upload(&server, &office, &body);
        assert_eq!(status, 422, "{what}: {answer}");
        assert_eq!(answer["code"], "bad_bundle", "{what}: {answer}");
        assert!(
            answer["error"]
                .as_str()
                .unwrap()
                .contains("không phải gói dữ liệu"),
            "{what}: {answer}"
        );
    }
    let (status, _) = upload(&server, "", b"anything");
    assert_eq!(status, 401, "no session, no import");
    // A starter bundle is for a tablet, not for the server.
    let (_, _, _, starter) = server.download(&office, &format!("/api/bundles/starter?unit={UNIT}"));
    let (status, answer) = upload(&server, &office, &starter);
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["error"].as_str().unwrap().contains("gói khởi tạo"),
        "{answer}"
    );
    let (status, _, _, body) = server.download(&office, "/api/bundles/starter?unit=khong-co");
    assert_eq!(status, 404, "{}", String::from_utf8_lossy(&body));

    // Keys: not hex, not a key, another user's.
    for bad in ["abc", &"zz".repeat(32)] {
        let (status, answer) = server.post_json(
            "/api/devices",
            Some(&unit),
            serde_json::json!({"public_key": bad}),
        );
        assert_eq!(status, 400, "{bad}: {answer}");
    }
    let key = SigningKey::from_bytes(&rand_bytes());
    register(&server, &unit, &key);
    let (status, answer) = server.post_json(
        "/api/devices",
        Some(&other),
        serde_json::json!({"public_key": hex::encode(key.verifying_key().as_bytes())}),
    );
    assert_eq!(status, 409, "{answer}");

    // A disabled author's key signs nothing.
    let doc_id = server.doc_id(&unit, "progress", Some(UNIT));
    let library = server.library().clone();
    let id = doc_id.clone();
    let heads = server.on_server(async move { library.heads(&id).await.unwrap() });
    let user = server.demo_username(UNIT);
    let made = tiendo_tests::unit_bundle(
        &user,
        UNIT,
        vec![DocData {
            id: doc_id,
            heads: heads.clone(),
            deps: heads,
            data: Vec::new(),
        }],
        Vec::new(),
        &key,
    );
    let store = server.library().store().clone();
    server.on_server(async move { store.set_disabled(&user, true).await.unwrap() });
    let (status, answer) = upload(&server, &office, &made);
    assert_eq!(status, 403, "{answer}");
    assert!(
        answer["error"].as_str().unwrap().contains("đã bị khoá"),
        "{answer}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bundles_apply_in_any_order() {
    let dir = data_dir();
    let Unit {
        server,
        user,
        office_token,
        doc_id,
        key,
        tablet,
        doc,
        confirmed,
        ..
    } = Unit::offline(&dir, "tablet-two-bundles").await;
    // Monday's bundle, then Friday's: each all the server has not confirmed, so Friday's holds
    // Monday's too.
    edit::<Progress>(&doc, &user, |p| {
        p.entry_mut("t2-d", PeriodKind::Q1).percent = 30
    });
    let monday = seal(&user, &doc, &confirmed, Vec::new(), &key);
    edit::<Progress>(&doc, &user, |p| {
        p.entry_mut("t2-d", PeriodKind::Q1).percent = 80
    });
    let friday = seal(&user, &doc, &confirmed, Vec::new(), &key);
    // Friday's arrives first.
    let first = report(blocking(|| upload(&server, &office_token, &friday)));
    assert_eq!(first.documents[0].outcome, BundleOutcome::Applied);
    assert_eq!(first.documents[0].changes, 2, "{first:?}");
    let late = report(blocking(|| upload(&server, &office_token, &monday)));
    assert_eq!(late.documents[0].outcome, BundleOutcome::Known, "{late:?}");
    let (progress, heads) = on_server(&server, &doc_id);
    assert_eq!(
        progress.entry("t2-d", PeriodKind::Q1).map(|e| e.percent),
        Some(80),
        "the later value stands"
    );
    assert_eq!(heads, doc.with_document(|d| d.get_heads()));
    tablet.stop().await;
}

/// A tablet in a dead zone since February signs its Q1 submission into a bundle on 2 March; the
/// office imports it in December. Its key was registered before it signed, so the step counts
/// from the signed time; a bundle signed at a time before its key existed counts from its import.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_bundle_signed_before_the_deadline_with_a_key_registered_before_counts_from_its_signing()
{
    use tiendo_shared::model::role::Role;
    use tiendo_shared::workflow::{self, Action, Step};
    const FEB_1: i64 = 1_738_368_000_000; // 01/02/2025 00:00 UTC
    const MAR_1: i64 = 1_740_787_200_000;
    const MAR_2: i64 = MAR_1 + 86_400_000;
    let dir = data_dir();
    let Unit {
        server,
        user,
        office_token,
        doc_id,
        key,
        tablet,
        doc,
        confirmed,
        ..
    } = Unit::offline(&dir, "tablet-dead-zone").await;
    // The key was registered on 1 February (as the store would have it had it been then).
    let db = tiendo_tests::stores::Db::of(dir.path());
    let public = key.verifying_key().as_bytes().to_vec();
    assert_eq!(
        db.execute(
            "UPDATE device_keys SET created_at = $1 WHERE public_key = $2",
            &[
                tiendo_tests::stores::Val::Int(FEB_1),
                tiendo_tests::stores::Val::Bytes(public)
            ],
        ),
        1
    );
    let sealed_at = |step: Step, signed: i64, confirmed: &[ChangeHash]| {
        doc.with_document(|d| workflow::take_unit_step(d, PeriodKind::Q1, step).unwrap());
        let (heads, data) = doc.with_document(|d| (d.get_heads(), d.save_after(confirmed)));
        let sealed = bundle::seal(
            Kind::Unit,
            bundle::Author {
                username: user.clone(),
                unit_id: Some(UNIT.into()),
                agency_id: None,
            },
            signed,
            None,
            vec![DocData {
                id: doc_id.clone(),
                heads: heads.clone(),
                deps: confirmed.to_vec(),
                data,
            }],
            Vec::new(),
            &key,
        );
        (sealed, heads)
    };
    let submit = Step::new(
        "dead-zone-q1",
        Action::Submit,
        &user,
        Role::UnitEditor,
        MAR_1,
        "",
    );
    let (first, heads) = sealed_at(submit, MAR_2, &confirmed);
    let r = report(blocking(|| upload(&server, &office_token, &first)));
    assert_eq!(r.documents[0].outcome, BundleOutcome::Applied, "{r:?}");
    // Signed before its key existed: a claim the signature cannot back.
    let h1 = Step::new(
        "dead-zone-h1",
        Action::Submit,
        &user,
        Role::UnitEditor,
        MAR_1,
        "",
    );
    doc.with_document(|d| workflow::take_unit_step(d, PeriodKind::H1, h1).unwrap());
    let (h1_heads, h1_data) = doc.with_document(|d| (d.get_heads(), d.save_after(&heads)));
    let second = bundle::seal(
        Kind::Unit,
        bundle::Author {
            username: user.clone(),
            unit_id: Some(UNIT.into()),
            agency_id: None,
        },
        FEB_1 - 86_400_000,
        None,
        vec![DocData {
            id: doc_id.clone(),
            heads: h1_heads,
            deps: heads,
            data: h1_data,
        }],
        Vec::new(),
        &key,
    );
    let r = report(blocking(|| upload(&server, &office_token, &second)));
    assert_eq!(r.documents[0].outcome, BundleOutcome::Applied, "{r:?}");
    let store = server.library().store().clone();
    let id = doc_id.clone();
    let receipts = server.on_server(async move { store.receipts(&[id]).await.unwrap() });
    assert_eq!(receipts.get("dead-zone-q1"), Some(&MAR_2), "{receipts:?}");
    let now = tiendo_server::unix_now() * 1000;
    let h1_received = receipts["dead-zone-h1"];
    assert!(
        (now - 600_000..=now + 1_000).contains(&h1_received),
        "counts from its import: {h1_received}"
    );
    tablet.stop().await;
}
