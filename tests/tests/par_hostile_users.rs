//! The PAR index against hostile users, on a real server on a loopback port with real sync: a
//! unit filling its own sheet with anything, naming files it never held, another agency's office
//! and head, the wrong role sending a body, malformed and oversize bodies, a head sending twice at
//! once, a system administrator writing into the documents the server alone writes, and criteria
//! sets no province issues. Each refusal is checked with what it leaves: everyone's reads still
//! answer, and nothing is written.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use automerge::transaction::Transactable;
use automerge::{ObjType, ROOT, ReadDoc};
use serde_json::{Value, json};
use tiendo_shared::api::par::{AssessmentView, FilingState, ItemView};
use tiendo_shared::model::assessment::{FilingAction, SheetEntry, sheet};
use tiendo_shared::model::criteria::{Mark, Points};
use tiendo_shared::model::doc::UnixTime;
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, eventually, request};

const UNIT: &str = "thanh-tra-so";
const BASE: &str = "/api/par/assessments/so-khoa-hoc-va-cong-nghe/2025";
const APPRAISAL: &str = "/api/par/appraisals/so-khoa-hoc-va-cong-nghe/2025";

fn call(server: &TestServer, method: &str, path: &str, token: &str, body: Value) -> (u16, Value) {
    request(&server.addr(), method, path, Some(token), Some(body))
}

fn view(server: &TestServer, token: &str) -> AssessmentView {
    let (code, body) = server.get_json_as(token, BASE);
    assert_eq!(code, 200, "{body}");
    serde_json::from_value(body).unwrap()
}

fn assign(server: &TestServer, office: &str, codes: &[&str]) {
    let assigned: serde_json::Map<String, Value> =
        codes.iter().map(|c| (c.to_string(), json!(UNIT))).collect();
    let (path, body) = (format!("{BASE}/assigned"), json!({ "assigned": assigned }));
    let (code, body) = call(server, "PUT", &path, office, body);
    assert_eq!(code, 200, "{body}");
}

fn filing(server: &TestServer, head: &str, action: &str, digest: &str) -> (u16, Value) {
    let body = json!({"action": action, "digest": digest});
    call(server, "POST", &format!("{BASE}/filing"), head, body)
}

fn item<'a>(v: &'a AssessmentView, code: &str) -> &'a ItemView {
    v.items.iter().find(|i| i.code == code).unwrap()
}

fn write_entry(d: &mut automerge::Automerge, code: &str, entry: &SheetEntry) {
    sheet::write(d, code, entry, "thanhtra", UnixTime(1)).unwrap()
}

/// The map at the root's `key`, made when there is none.
fn map_at(tx: &mut automerge::transaction::Transaction<'_>, key: &str) -> automerge::ObjId {
    match tx.get(ROOT, key).unwrap() {
        Some((automerge::Value::Object(ObjType::Map), id)) => id,
        _ => tx.put_object(ROOT, key, ObjType::Map).unwrap(),
    }
}

fn error(body: &Value) -> &str {
    body["error"].as_str().unwrap_or_default()
}

/// A request whose head declares `declared` bytes of body and sends only a few: the answer read
/// without sending more (a server that waits for the body fails the test after 5 s).
fn declared_body(addr: &str, method: &str, path: &str, token: &str, declared: u64) -> (u16, Value) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {declared}\r\nConnection: close\r\n\r\n{{"
    );
    s.write_all(head.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out);
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok());
    let status = status.unwrap_or_else(|| panic!("{method} {path}: no answer ({text:?})"));
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (status, serde_json::from_str(body).unwrap_or_default())
}

/// Writes `f` into the unit's own progress document over sync, as its tablet would.
async fn unit_writes(server: &TestServer, token: &str, f: impl FnOnce(&mut automerge::Automerge)) {
    let doc = server.seeded_progress(UNIT);
    let mut client = SyncClient::new("peer-hostile-unit").await;
    client.connect(server.sync_url(), token).await;
    let handle = client.find(&doc).await.expect("its own progress");
    handle.with_document(f);
    client.wait_acknowledged(&handle).await;
    client.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_units_hostile_sheet_counts_only_its_assigned_codes_and_breaks_no_read() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let office = blocking(|| server.login_demo("vanphong"));
    let head = blocking(|| server.login_demo("giamdoc"));
    let appraiser = blocking(|| server.login_demo("thamdinh"));
    let unit = blocking(|| server.login_demo(UNIT));
    blocking(|| assign(&server, &office, &["1.1.1", "1.1.2", "1.3.1", "1.3.2"]));
    unit_writes(&server, &unit, |d| {
        let mut tx = d.transaction();
        let par = map_at(&mut tx, sheet::KEY);
        // Assigned: a score far beyond any maximum, 1 MB of explanation, evidence that is not,
        // and 10,000 made-up files (each once cost every view and the archive a walk).
        let e = tx.put_object(&par, "1.1.1", ObjType::Map).unwrap();
        tx.put(&e, "mark", 1e12_f64).unwrap();
        tx.put(&e, "explanation", "x".repeat(1 << 20)).unwrap();
        let ev = tx.put_object(&e, "evidence", ObjType::List).unwrap();
        let item = tx.insert_object(&ev, 0, ObjType::Map).unwrap();
        tx.put(&item, "sha256", "../../etc/passwd").unwrap();
        tx.insert(&ev, 1, "không phải tài liệu").unwrap();
        for i in 0..10_000_u32 {
            let item = tx.insert_object(&ev, 2, ObjType::Map).unwrap();
            tx.put(&item, "sha256", format!("{i:064x}")).unwrap();
        }
        // Assigned: a list where the entry's map goes; a map where the mark goes.
        tx.put_object(&par, "1.1.2", ObjType::List).unwrap();
        let e = tx.put_object(&par, "1.3.1", ObjType::Map).unwrap();
        tx.put_object(&e, "mark", ObjType::Map).unwrap();
        // Assigned: 2^32 + 1 whole points, which must not read as 1.
        let e = tx.put_object(&par, "1.3.2", ObjType::Map).unwrap();
        tx.put(&e, "mark", (1_i64 << 32) + 1).unwrap();
        // 3,000 codes nobody assigned, and a forged assignment.
        for i in (0..3000).map(|i| format!("9.{i}")).chain(["1.2.1".into()]) {
            let e = tx.put_object(&par, i, ObjType::Map).unwrap();
            tx.put(&e, "mark", "1").unwrap();
        }
        let forged = tx.put_object(ROOT, sheet::ASSIGNED_KEY, ObjType::List);
        tx.insert(forged.unwrap(), 0, "1.2.1").unwrap();
        tx.commit();
    })
    .await;

    let v = eventually("the office reads the unit's sheet", || {
        let v = view(&server, &office);
        (!item(&v, "1.1.1").scoring.explanation.is_empty()).then_some(v)
    })
    .await;
    let item = |code: &str| item(&v, code);
    // The wild score reads as a score outside the rule, to correct before approval.
    assert_eq!(v.tally.out_of_rule, ["1.1.1", "1.3.2"], "{:?}", v.tally);
    assert!(!item("1.1.1").fits);
    let read = item("1.1.1").scoring.evidence.len();
    assert_eq!(
        read,
        sheet::MAX_EVIDENCE - 2,
        "the first hundred, less two that are not"
    );
    assert_eq!(item("1.1.2").scoring.mark, None, "a list is no entry");
    assert_eq!(item("1.3.1").scoring.mark, None, "a map is no mark");
    assert_eq!(item("1.2.1").scoring.mark, None, "forged assignment");
    assert!(v.index.index <= Points::whole(100), "{:?}", v.index.index);
    // None of the 3,000 codes nobody assigned counts.
    let marked = v.items.iter().filter(|i| i.scoring.mark.is_some());
    assert_eq!(marked.count(), 2);
    assert_eq!(v.tally.scored, 2);
    // The head cannot approve a score outside its rule.
    let (code, body) = filing(&server, &head, "approve", &v.digest);
    assert_eq!(code, 400, "{body}");
    assert!(error(&body).contains("1.1.1"), "{body}");
    // Everyone else's reads answer, quickly.
    for (who, token, path) in [
        ("head", &head, BASE.to_string()),
        ("appraiser", &appraiser, BASE.to_string()),
        ("appraiser", &appraiser, APPRAISAL.to_string()),
        ("office", &office, format!("{BASE}/summary.xlsx")),
        ("office", &office, format!("{BASE}/report.docx")),
        ("office", &office, format!("{BASE}/evidence.zip")),
        ("office", &office, "/api/me".to_string()),
    ] {
        let started = std::time::Instant::now();
        let (code, _, _, _) = blocking(|| server.download(token, &path));
        assert_eq!(code, 200, "{who} {path}");
        assert!(started.elapsed() < Duration::from_secs(10), "{who} {path}");
    }
    // The office's next assignment writes the true codes back over the forged ones.
    blocking(|| assign(&server, &office, &["1.1.1"]));
    let (library, doc) = (server.library().clone(), server.seeded_progress(UNIT));
    let truth = server.on_server(async move {
        let d = tiendo_server::domain::documents::DocReader::document(&library, &doc).await;
        sheet::assigned(&d.unwrap())
    });
    assert_eq!(truth, ["1.1.1", "1.1.2", "1.3.1", "1.3.2"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_the_unit_never_held_stays_out_of_the_evidence_archive() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let office = blocking(|| server.login_demo("vanphong"));
    let unit = blocking(|| server.login_demo(UNIT));
    blocking(|| assign(&server, &office, &["1.1.1"]));
    let office_doc = server.seeded_progress("phong-hanh-chinh-tong-hop");
    let secret = b"%PDF-1.4\n% to trinh mat cua van phong\n".repeat(20);
    let secret_sha =
        blocking(|| server.tus_upload(&office, &office_doc, "application/pdf", &secret)).unwrap();
    let own = b"%PDF-1.4\n% bien ban cua thanh tra\n".repeat(20);
    let progress = server.seeded_progress(UNIT);
    let own_sha =
        blocking(|| server.tus_upload(&unit, &progress, "application/pdf", &own)).unwrap();

    let mut client = SyncClient::new("peer-file-claimer").await;
    client.connect(server.sync_url(), &unit).await;
    let handle = client.find(&progress).await.unwrap();
    // Named in a task's evidence too, as if it were the unit's own file.
    tiendo_tests::name_evidence_file(&handle, "thanhtra", &secret_sha, "mat.pdf", 1);
    let entry: SheetEntry = serde_json::from_value(json!({"mark": {"kind": "score", "points": 100},
        "evidence": [{"sha256": secret_sha, "name": "mat.pdf"}, {"sha256": own_sha, "name": "bien-ban.pdf"}]}))
    .unwrap();
    handle.with_document(|d| write_entry(d, "1.1.1", &entry));
    client.wait_acknowledged(&handle).await;
    client.stop().await;
    eventually("the office sees both namings", || {
        let v = view(&server, &office);
        (item(&v, "1.1.1").scoring.evidence.len() == 2).then_some(())
    })
    .await;
    let (code, _, _, bytes) =
        blocking(|| server.download(&office, &format!("{BASE}/evidence.zip")));
    assert_eq!(code, 200);
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    assert!(names.iter().any(|n| n.contains("bien-ban")), "{names:?}");
    assert!(!names.iter().any(|n| n.contains("mat.pdf")), "{names:?}");
}

#[test]
fn another_agencys_office_and_head_are_refused_and_the_ranking_waits_for_the_announcement() {
    use tiendo_server::domain::accounts::{NewUser, Role};
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let office = server.login_demo("vanphong");
    let appraiser = server.login_demo("thamdinh");
    let library = server.library().clone();
    let other = server
        .on_server(async move { tiendo_tests::province::add_agency(&library, 1, 2, 0).await });
    let (_, me) = server.get_json_as(&other.office_token, "/api/me");
    let other_agency = me["user"]["agency_id"].as_str().unwrap().to_string();
    let other_unit = me["user"]["unit_id"].as_str().map(str::to_string);
    let head = NewUser {
        username: "giamdoc-khac".into(),
        display_name: "Giám đốc khác".into(),
        role: Role::AgencyHead,
        agency_id: Some(other_agency.clone()),
        unit_id: other_unit,
        password: "mat-khau-thu".into(),
    };
    let store = server.library().store().clone();
    server.on_server(async move { store.add_user(head).await.expect("another head") });
    let other_head = server.login("giamdoc-khac", "mat-khau-thu");
    let own = view(&server, &office);
    let theirs = format!("/api/par/assessments/{other_agency}/2025");

    let (o, h, none) = (&other.office_token, &other_head, Value::Null);
    let (zip, assigned) = (format!("{BASE}/evidence.zip"), format!("{BASE}/assigned"));
    let (filing, proposals) = (format!("{BASE}/filing"), format!("{theirs}/proposals"));
    let approve = json!({"action": "approve", "digest": own.digest});
    for (token, method, path, body) in [
        (o, "GET", BASE.to_string(), none.clone()),
        (h, "GET", BASE.to_string(), none.clone()),
        (o, "GET", APPRAISAL.to_string(), none.clone()),
        (o, "GET", zip, none.clone()),
        (o, "PUT", assigned, json!({"assigned": {}})),
        (h, "POST", filing, approve),
        (&office, "GET", theirs.clone(), none),
        (&office, "PUT", proposals, json!({"text": "x"})),
    ] {
        let (code, answer) = request(&server.addr(), method, &path, Some(token), Some(body));
        assert_eq!(code, 403, "{method} {path}: {answer}");
        assert!(!error(&answer).is_empty(), "{answer}");
    }
    assert_eq!(view(&server, &office).steps.len(), 0, "nothing approved");

    // The ranking: the province's at once; an agency's people only after the announcement.
    let ranking = format!("/api/par/ranking/{}", own.criteria.id);
    assert_eq!(server.get_json_as(&appraiser, &ranking).0, 200);
    for token in [&office, &other.office_token, &other_head] {
        let (code, body) = server.get_json_as(token, &ranking);
        assert_eq!(code, 403, "{body}");
        assert!(error(&body).contains("công bố"), "{body}");
    }
}

#[test]
fn every_par_act_refuses_a_wrong_role_before_reading_its_body() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let addr = server.addr();
    let office = server.login_demo("vanphong");
    let head = server.login_demo("giamdoc");
    let admin = server.login_demo("admin");
    let unit = server.login_demo(UNIT);
    let set = view(&server, &office).criteria.id;
    let huge = 64 * 1024 * 1024;
    let acts = [
        ("POST", "/api/par/criteria".to_string(), &office),
        ("POST", "/api/par/criteria/preview".to_string(), &head),
        ("POST", format!("/api/par/criteria/{set}/announce"), &unit),
        ("PUT", format!("{BASE}/assigned"), &head),
        ("PUT", format!("{BASE}/office"), &unit),
        ("PUT", format!("{BASE}/added"), &head),
        ("PUT", format!("{BASE}/proposals"), &unit),
        ("POST", format!("{BASE}/filing"), &office),
        ("POST", format!("{BASE}/filing"), &admin),
        ("PUT", format!("{APPRAISAL}/review"), &office),
        ("PUT", format!("{APPRAISAL}/survey"), &head),
        ("PUT", format!("{APPRAISAL}/council"), &unit),
    ];
    for (method, path, token) in &acts {
        let (code, body) = declared_body(&addr, method, path, token, huge);
        assert_eq!(code, 403, "{method} {path}: {body}");
        assert!(!error(&body).is_empty(), "{body}");
    }
    // The right role with the same body: refused for its size, naming the bound.
    let (code, body) = declared_body(&addr, "PUT", &format!("{BASE}/assigned"), &office, huge);
    assert_eq!(code, 413, "{body}");
    assert!(error(&body).contains("quá giới hạn"), "{body}");
}

#[test]
fn malformed_and_wrong_typed_bodies_are_refused_with_a_reason_and_change_nothing() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let office = server.login_demo("vanphong");
    let appraiser = server.login_demo("thamdinh");
    let before = view(&server, &office);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let (o, a) = (&office, &appraiser);
    #[rustfmt::skip]
    let cases = [
        ("assigned", o, "{not json", "phân công không đọc được"),
        ("assigned", o, r#"{"assigned": [1, 2]}"#, "phân công không đọc được"),
        ("assigned", o, r#"{"assigned": {"1.1.1": 5}}"#, "phân công không đọc được"),
        ("assigned", o, r#"{"assigned": {"9.9.9": "thanh-tra-so"}}"#, "9.9.9"),
        ("assigned", o, r#"{"assigned": {"1.1.1": "don-vi-khac"}}"#, "don-vi-khac"),
        ("office", o, r#"{"code": "1.1.1", "mark": {"kind": "score", "points": 1e9}}"#, "không đọc được"),
        ("office", o, r#"{"code": "1.1.1", "mark": {"kind": "score", "points": -100}}"#, "cách chấm"),
        ("added", o, r#"{"code": "1.1.1", "evidence": [{"sha256": "../x", "name": "a"}]}"#, "mã tệp"),
        ("proposals", o, r#"{"text": 42}"#, "kiến nghị không đọc được"),
        ("survey", a, r#"{"scores": {"8.1": -5}}"#, "0 đến"),
        ("survey", a, r#"{"scores": {"1.1.1": 50}}"#, "điều tra"),
    ];
    for (act, token, body, word) in cases {
        let base = if act == "survey" { APPRAISAL } else { BASE };
        let mut resp = (agent.put(server.url(&format!("{base}/{act}"))))
            .header("Authorization", format!("Bearer {token}"))
            .content_type("application/json")
            .send(body.as_bytes())
            .unwrap();
        let code = resp.status().as_u16();
        let answer: Value = resp.body_mut().read_json().unwrap_or_default();
        assert!(code == 400 || code == 409, "{act} {body}: {code} {answer}");
        assert!(error(&answer).contains(word), "{act} {body}: {answer}");
    }
    let after = view(&server, &office);
    assert_eq!(after.digest, before.digest, "nothing was written");
    assert_eq!(after.tally, before.tally);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_sendings_at_once_record_one_and_a_stale_approval_sends_nothing() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let office = blocking(|| server.login_demo("vanphong"));
    let head = blocking(|| server.login_demo("giamdoc"));
    let appraiser = blocking(|| server.login_demo("thamdinh"));
    let unit = blocking(|| server.login_demo(UNIT));
    blocking(|| assign(&server, &office, &["1.1.1"]));
    let seen = blocking(|| view(&server, &office));
    let approved = blocking(|| filing(&server, &head, "approve", &seen.digest));
    assert_eq!(approved.0, 200);

    // The unit's score syncs in after the approval: it no longer covers the assessment.
    let entry = SheetEntry {
        mark: Some(Mark::Score(Points(100))),
        ..SheetEntry::default()
    };
    unit_writes(&server, &unit, |d| write_entry(d, "1.1.1", &entry)).await;
    let now = eventually("the score reaches the office", || {
        let v = view(&server, &office);
        (v.digest != seen.digest).then_some(v)
    })
    .await;
    assert!(!now.approval_current);
    assert_eq!(now.state, FilingState::Draft);
    let (code, body) = blocking(|| filing(&server, &head, "send", &seen.digest));
    assert_eq!(code, 409, "a stale digest sends nothing: {body}");
    let (code, _) = blocking(|| filing(&server, &head, "send", &now.digest));
    assert_eq!(code, 409, "the approval does not cover what changed");

    // Approved again, then sent eight times at once: one sending.
    let approved = blocking(|| filing(&server, &head, "approve", &now.digest));
    assert_eq!(approved.0, 200);
    let (addr, path) = (server.addr(), format!("{BASE}/filing"));
    let send = json!({"action": "send", "digest": now.digest});
    let sends: Vec<_> = (0..8)
        .map(|_| {
            let (addr, path, head, send) = (addr.clone(), path.clone(), head.clone(), send.clone());
            std::thread::spawn(move || request(&addr, "POST", &path, Some(&head), Some(send)).0)
        })
        .collect();
    let codes: Vec<u16> = sends.into_iter().map(|s| s.join().unwrap()).collect();
    assert_eq!(codes.iter().filter(|c| **c == 200).count(), 1, "{codes:?}");
    assert!(codes.iter().all(|c| *c == 200 || *c == 409), "{codes:?}");
    let v = blocking(|| view(&server, &office));
    let sent = v.steps.iter().filter(|s| s.action == FilingAction::Send);
    assert_eq!(sent.count(), 1, "{:?}", v.steps);
    assert_eq!(v.state, FilingState::Sent);

    // A council record that cannot be is refused, with why.
    let council = json!({"on": "2026-01-20", "members": 3, "present": 9, "votes_for": 9});
    let path = format!("{APPRAISAL}/council");
    let (code, body) = blocking(|| call(&server, "PUT", &path, &appraiser, council));
    assert_eq!(code, 400, "{body}");
    assert!(error(&body).contains("có mặt"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_writes_the_par_documents_over_sync_and_a_bad_entry_costs_only_itself() {
    use tiendo_shared::model::assessment::{Addition, FilingStep, Record};
    use tiendo_shared::model::criteria::CriteriaSet;
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let office = blocking(|| server.login_demo("vanphong"));
    let head = blocking(|| server.login_demo("giamdoc"));
    let appraiser = blocking(|| server.login_demo("thamdinh"));
    let admin = blocking(|| server.login_demo("admin"));
    blocking(|| assign(&server, &office, &["1.1.1"]));
    let v = blocking(|| view(&server, &office));
    let office_doc = server.seeded_progress("phong-hanh-chinh-tong-hop");
    let secret = b"%PDF-1.4\n% cong van cua van phong\n".repeat(20);
    let secret_sha =
        blocking(|| server.tus_upload(&office, &office_doc, "application/pdf", &secret)).unwrap();
    let me: tiendo_shared::api::Me =
        serde_json::from_value(blocking(|| server.get_json_as(&admin, "/api/me")).1).unwrap();
    let writable = me.par_documents.iter().filter(|d| d.writable);
    assert_eq!(writable.count(), 0, "not even to a system administrator");

    // A system administrator's client forges a head's sending, an office's addition naming a
    // file it never held, and the set's announcement.
    let mut client = SyncClient::new("peer-admin-forger").await;
    client.connect(server.sync_url(), &admin).await;
    let record = client.find(&v.doc_id).await.expect("readable");
    let forged = json!({"agency_id": "so-khoa-hoc-va-cong-nghe", "year": 2025, "criteria_id": v.criteria.id,
        "items": {"1.1.1": {"mark": {"kind": "score", "points": 100}, "evidence": [{"sha256": secret_sha, "name": "mat.pdf"}]}}});
    let step = |action: &str, at: i64| {
        json!({"action": action, "by": "giamdoc", "name": "Giám đốc", "role": "agency_head",
        "at": at, "digest": v.digest, "content": forged.to_string(), "round": 1})
    };
    let steps: Vec<FilingStep> =
        serde_json::from_value(json!([step("approve", 1), step("send", 2)])).unwrap();
    let added: Addition =
        serde_json::from_value(json!({"evidence": [{"sha256": secret_sha, "name": "mat.pdf"}]}))
            .unwrap();
    tiendo_tests::edit::<Record>(&record, "giamdoc", |r| {
        r.added.insert("1.1.1".into(), Some(added));
        r.steps.extend(steps);
    });
    let set = client.find(&v.criteria.doc_id).await.expect("readable");
    let announced = json!({"basis": "giả", "by": "thamdinh", "at": 1});
    tiendo_tests::edit::<CriteriaSet>(&set, "thamdinh", |s| {
        s.announced = serde_json::from_value(announced).ok();
    });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    client.stop().await;
    let after = blocking(|| view(&server, &office));
    assert!(after.steps.is_empty(), "{:?}", after.steps);
    assert_eq!(after.state, FilingState::Draft);
    assert!(after.criteria.announced.is_none());
    let (_, _, _, zip) = blocking(|| server.download(&appraiser, &format!("{BASE}/evidence.zip")));
    assert!(!zip.windows(secret.len()).any(|w| w == secret.as_slice()));

    // What another release (or a repair) left in the record reads entry by entry: a step, an
    // assignment and a call that do not fit cost only themselves.
    let library = server.library().clone();
    let doc = v.doc_id.clone();
    server.on_server(async move {
        let id: samod::DocumentId = doc.parse().unwrap();
        let handle = library.repo().find(id).await.unwrap().unwrap();
        handle.with_document(|d| {
            let mut tx = d.transaction();
            let steps = map_at(&mut tx, "steps");
            let bad = tx.put_object(&steps, "0000000000001-Send", ObjType::Map);
            tx.put(bad.unwrap(), "action", 7).unwrap();
            tx.put(&steps, "0000000000002-Send", 3).unwrap();
            let assigned = map_at(&mut tx, "assigned");
            tx.put_object(&assigned, "1.1.2", ObjType::List).unwrap();
            let office = map_at(&mut tx, "office");
            tx.put(&office, "1.3.1", 42).unwrap();
            tx.commit();
        });
    });
    for (token, path) in [
        (&office, BASE.to_string()),
        (&head, BASE.to_string()),
        (&appraiser, APPRAISAL.to_string()),
        (&appraiser, format!("/api/par/ranking/{}", v.criteria.id)),
        (&office, "/api/par/criteria".to_string()),
        (&office, format!("{BASE}/report.docx")),
    ] {
        let (code, _, _, _) = blocking(|| server.download(token, &path));
        assert_eq!(code, 200, "{path}");
    }
    let v = blocking(|| view(&server, &office));
    assert!(v.steps.is_empty());
    let unit_of = |code: &str| item(&v, code).scoring.unit_id.clone();
    assert_eq!(unit_of("1.1.1").as_deref(), Some(UNIT), "the rest reads");
    assert_eq!(unit_of("1.1.2"), None);
    // The office still acts on it.
    blocking(|| assign(&server, &office, &["1.1.2"]));
}

#[test]
fn criteria_sets_no_province_issues_and_annex_bombs_are_refused_with_why() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let appraiser = server.login_demo("thamdinh");
    let template_id = view(&server, &appraiser).criteria.id;
    let (_, template) = server.get_json_as(&appraiser, &format!("/api/par/criteria/{template_id}"));
    let item = |code: String, max: usize| {
        json!({"code": code, "text": "t", "max": max,
        "rule": {"kind": "proportional"}, "measured": "self_scored", "kind": "normal"})
    };
    // 100 criteria of 100 sub-criteria of 0,01 under an area of 100 points: the sums add up.
    let mut rows = vec![item("1".into(), 10_000)];
    for k in 1..=100 {
        rows.push(item(format!("1.{k}"), 100));
        rows.extend((1..=100).map(|j| item(format!("1.{k}.{j}"), 1)));
    }
    let mut levels = vec![json!(0); 4_999];
    levels.push(json!(100));
    let id = json!("tinh-thu-2025-so");
    let odd_id = json!(format!("../../{}", "x".repeat(10_000)));
    // What each case changes: the set's id and rows, the rows 1.1.1 and 1.1.2.
    #[rustfmt::skip]
    let cases = [
        ("10,000 rows", &id, Some(rows), json!({}), json!({}), "10101 dòng"),
        ("a negative maximum", &id, None, json!({"max": -100, "rule": {"kind": "range", "step": 100}}), json!({"max": 500}), "1.1.1"),
        ("maxima that overflow", &id, None, json!({"max": i32::MAX, "rule": {"kind": "proportional"}}), json!({"max": i32::MAX}), "1.1.1"),
        ("5,000 levels", &id, None, json!({"rule": {"kind": "levels", "levels": levels}}), json!({}), "1.1.1"),
        ("a code of odd characters", &id, None, json!({"code": "1.1.1\u{202e}"}), json!({}), "mã"),
        ("an odd id", &odd_id, None, json!({}), json!({}), "mã bộ tiêu chí"),
    ];
    let cases = cases.into_iter().map(|(what, id, rows, a, b, word)| {
        let mut set = template.clone();
        set["id"] = id.clone();
        set["template"] = json!(false);
        let items = set["items"].as_array_mut().unwrap();
        for (code, patch) in [("1.1.1", a), ("1.1.2", b)] {
            let row = items.iter_mut().find(|c| c["code"] == code).unwrap();
            row.as_object_mut()
                .unwrap()
                .extend(patch.as_object().unwrap().clone());
        }
        if let Some(rows) = rows {
            *items = rows;
        }
        (what, set, word)
    });
    for (what, set, word) in cases {
        let (code, body) = server.post_json("/api/par/criteria", Some(&appraiser), set);
        assert_eq!(code, 400, "{what}: {body}");
        assert!(error(&body).contains(word), "{what}: {body}");
    }
    let (_, after) = server.get_json_as(&appraiser, "/api/par/criteria");
    assert_eq!(after.as_array().unwrap().len(), 1, "nothing saved: {after}");

    // The annex's preview: the plan files' bounds hold.
    let addr = server.addr();
    let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let preview = "/api/par/criteria/preview";
    let bomb = tiendo_tests::hostile::docx_bomb(128 * 1024 * 1024);
    let (code, body) = tiendo_tests::hostile::post_bytes(&addr, preview, &appraiser, docx, &bomb);
    assert_eq!(code, 413, "{body}");
    assert!(error(&body).contains("word/document.xml"), "{body}");
    let sheet = tiendo_tests::hostile::xlsx_rows(1_000_000, 6);
    let (code, body) = tiendo_tests::hostile::post_bytes(&addr, preview, &appraiser, xlsx, &sheet);
    assert_eq!(code, 413, "{body}");
    let (code, body) = tiendo_tests::hostile::post_bytes(
        &addr,
        preview,
        &appraiser,
        docx,
        b"PK\x03\x04 not a zip",
    );
    assert_eq!(code, 422, "{body}");
    assert!(!error(&body).is_empty());
}
