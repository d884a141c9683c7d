//! A hostile unit editor with npm's stock automerge-repo and automerge
//! (`tests/browser/hostile_js_client.mjs`) against the real server: what the server certifies —
//! a head's approval, a report on time — rests on who delivered each change and when the server
//! received it, never on what a change claims.
//!
//! - The head's approval forged by the editor and sent *before* the ordinary edit it depends on
//!   (on another socket, then in one message) is refused when it would apply: the socket that
//!   would complete it closes (1008) and nothing of it is stored; the head's real approval still
//!   goes through.
//! - A Q1 report submitted in December 2026 with its device time set to 1 March 2025 counts as
//!   received by the server today: the province's roll-up counts it late, the office sees the
//!   claim, and only the office's voucher (a step of its own) makes it count on time.
//! - A change whose own time says 01/01/2025 is recorded as delivered by its editor, now.
//! - Another unit's file known only by its hash: asking to upload it is answered as for a new
//!   file, and naming it in one's own report does not serve it.

use std::collections::BTreeMap;

use tiendo_shared::model::PeriodKind;
use tiendo_shared::model::role::Role;
use tiendo_shared::views::province::Rollup;
use tiendo_shared::workflow::{self, Action, Phase, Step};
use tiendo_tests::browser::Scenario;
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, eventually};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const UNIT: &str = "thanh-tra-so";
const HEAD: &str = "thanh-tra-so.truong";
const TASK: &str = "t2-d";
/// 01/03/2025 08:00 in Vietnam: before the plan's Q1 deadline.
const CLAIMED_MS: i64 = 1_740_790_800_000;

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// The reporting steps the server stores in `doc` (a plan: `office`), and their receipts.
fn stored(server: &TestServer, doc: &str, office: bool) -> (Vec<Step>, BTreeMap<String, i64>) {
    let store = server.library().store().clone();
    let doc = doc.to_string();
    server.on_server(async move {
        let d = store.read_document(&doc).await.expect("stored");
        let receipts = store.receipts(std::slice::from_ref(&doc)).await.unwrap();
        (workflow::all_steps(&d, office), receipts)
    })
}

fn has_step(server: &TestServer, doc: &str, office: bool, id: &str) -> bool {
    stored(server, doc, office).0.iter().any(|s| s.id == id)
}

/// The unit's Q1 report as the server derives it from what it stores.
fn q1_state(server: &TestServer, progress: &str, plan: &str, unit: &str) -> workflow::ReportState {
    let store = server.library().store().clone();
    let (progress, plan, unit) = (progress.to_string(), plan.to_string(), unit.to_string());
    server.on_server(async move {
        let p = store.read_document(&progress).await.expect("stored");
        let o = store.read_document(&plan).await.expect("stored");
        let received = store.receipts(&[progress, plan]).await.unwrap();
        workflow::derive(
            &workflow::unit_steps(&p, PeriodKind::Q1),
            &workflow::office_steps(&o, &unit, PeriodKind::Q1),
            &received,
        )
    })
}

/// Writes `step` for `period` on a fresh client as `user` in its own progress document `doc`,
/// and waits a fair while (a refused frame closes the socket; nothing is stored).
async fn write_step(server: &TestServer, user: &str, doc: &str, period: PeriodKind, step: Step) {
    let token = blocking(|| server.login_demo(user));
    let mut client = SyncClient::new(&format!("peer-{}-{}", step.id, period.as_str())).await;
    client.connect(server.sync_url(), &token).await;
    let handle = client.find(doc).await.expect("its own document");
    handle.with_document(|d| workflow::take_unit_step(d, period, step).unwrap());
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    client.stop().await;
}

/// The agency's Q1 reports as the province's roll-up counts them: (received, on time).
fn rollup_reports(server: &TestServer, province: &str) -> (usize, usize) {
    let (status, body) = server.get_json_as(province, "/api/province/rollup?year=2025&period=q1");
    assert_eq!(status, 200, "{body}");
    let rollup: Rollup = serde_json::from_value(body).expect("a roll-up");
    let row = &rollup.rows[0];
    (row.reports.received, row.reports.on_time)
}

/// `user` writes `step` with the app's own code on a fresh native client (a plan step for the
/// office's actions), and waits until the server stores it.
async fn take(server: &TestServer, user: &str, doc: &str, unit: &str, s: Step) {
    let token = blocking(|| server.login_demo(user));
    let mut client = SyncClient::new(&format!("peer-{}", s.id)).await;
    client.connect(server.sync_url(), &token).await;
    let handle = client.find(doc).await.expect("the document");
    let office = s.action.by_office();
    let id = s.id.clone();
    handle.with_document(|d| {
        if office {
            workflow::take_office_step(d, unit, PeriodKind::Q1, &s).unwrap();
        } else {
            workflow::take_unit_step(d, PeriodKind::Q1, s).unwrap();
        }
    });
    eventually(&format!("{user}'s step {id} is stored"), || {
        blocking(|| has_step(server, doc, office, &id)).then_some(())
    })
    .await;
    client.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_stock_client_can_neither_forge_an_approval_nor_backdate_a_report() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let seed = server.startup.seeded.clone().expect("seeded");
    let plan = seed.plan_doc.clone();
    let progress = server.seeded_progress(UNIT);
    let late_unit = seed
        .progress_docs
        .iter()
        .map(|(u, _)| u.clone())
        .find(|u| u != UNIT && u != OFFICE)
        .expect("a second unit");
    let late_progress = server.seeded_progress(&late_unit);
    server.add_province_viewer("so-noi-vu");
    let province = blocking(|| server.login("so-noi-vu", "mat-khau-thu"));

    // The first unit's evidence file, which the second unit will know only by its hash.
    let unit_token = blocking(|| server.login_demo(UNIT));
    let pdf = b"%PDF-1.4\n% bien ban thanh tra, chi don vi co\n%%EOF\n".to_vec();
    let their_sha = blocking(|| server.tus_upload(&unit_token, &progress, "application/pdf", &pdf))
        .expect("the unit's upload");
    let mut run = Scenario::start(
        "hostile_js_client",
        &[
            ("BASE", server.url("/")),
            ("EDITOR", server.demo_username(UNIT)),
            ("EDITOR_PASSWORD", server.password(UNIT)),
            ("HEAD", server.demo_username(HEAD)),
            ("TASK", TASK.into()),
            ("LATE_EDITOR", server.demo_username(&late_unit)),
            ("LATE_PASSWORD", server.password(&late_unit)),
            ("CLAIMED_MS", CLAIMED_MS.to_string()),
            ("THEIR_SHA256", their_sha.clone()),
            ("THEIR_SIZE", pdf.len().to_string()),
        ],
    );

    // 1. The honest submission, through the stock client.
    let submitted = run.expect("submitted");
    let submission = submitted["submission"].as_str().unwrap().to_string();
    eventually("the honest submission is stored", || {
        blocking(|| has_step(&server, &progress, false, &submission)).then_some(())
    })
    .await;
    run.go();

    // 2. The forgery, sent before the figure it depends on: the socket that would complete it
    // closes, and the server stores neither.
    let out_of_order = run.expect("out-of-order");
    assert_eq!(
        out_of_order["closed"]["code"], 1008,
        "the figure that would complete the forgery is refused: {out_of_order}"
    );
    let one_message = run.expect("one-message");
    assert_eq!(
        one_message["closed"]["code"], 1008,
        "a forgery ahead of its dependency in one message is refused: {one_message}"
    );
    for id in ["forged-approval", "forged-approval-2"] {
        assert!(
            !blocking(|| has_step(&server, &progress, false, id)),
            "{id} is not stored"
        );
    }
    let state = blocking(|| q1_state(&server, &progress, &plan, UNIT));
    assert_eq!(state.phase, Phase::Submitted, "not approved: {state:?}");
    run.go();

    // The head's own approval still goes through, the held forgery notwithstanding.
    let approval = Step::new(
        "head-approves",
        Action::Approve,
        &server.demo_username(HEAD),
        Role::UnitHead,
        now_ms(),
        &submission,
    );
    take(&server, HEAD, &progress, UNIT, approval).await;
    let state = blocking(|| q1_state(&server, &progress, &plan, UNIT));
    assert_eq!(state.phase, Phase::Approved, "{state:?}");
    assert_eq!(
        state.approved.as_ref().map(|t| t.step.by.clone()),
        Some(server.demo_username(HEAD))
    );

    // 3. The backdated report: received today, its device time only a claim.
    let backdated = run.expect("backdated");
    let late_id = backdated["submission"].as_str().unwrap().to_string();
    eventually("the backdated submission is stored", || {
        blocking(|| has_step(&server, &late_progress, false, &late_id)).then_some(())
    })
    .await;
    run.go();

    // 4. The change that says it was made on 01/01/2025: the office's record of it names who
    // delivered it and when the server received it.
    let dated = run.expect("dated-change");
    let hash = dated["hash"].as_str().unwrap().to_string();
    let office_token = blocking(|| server.login_demo(OFFICE));
    let attested = eventually("the dated change is attested", || {
        let (status, body) = blocking(|| {
            server.get_json_as(
                &office_token,
                &format!("/api/attestations?doc={late_progress}"),
            )
        });
        assert_eq!(status, 200, "{body}");
        let answer: tiendo_shared::api::AttestationsAnswer = serde_json::from_value(body).unwrap();
        answer
            .documents
            .get(&late_progress)?
            .iter()
            .find(|a| a.hash == hash)
            .cloned()
    })
    .await;
    assert_eq!(
        attested.by,
        server.demo_username(&late_unit),
        "who delivered it, not what it claims"
    );
    assert!(
        attested.received_ms > now_ms() - 600_000,
        "received now: {attested:?}"
    );
    run.go();

    // 5. The other unit's file by its hash: asking to upload it says nothing of whether the
    // server holds it, and naming it in its own report opens nothing.
    let named = run.expect("named");
    assert_eq!(named["created"], 201, "{named}");
    assert_eq!(named["offset"], "0", "answered as a new file: {named}");
    run.go();
    let read = run.expect("read-by-hash");
    assert_eq!(read["status"], 404, "{read}");
    run.finish();
    let state = blocking(|| q1_state(&server, &late_progress, &plan, &late_unit));
    let first = state.first_submitted.clone().expect("submitted");
    assert_eq!(first.step.at, CLAIMED_MS, "the device's claim is kept");
    let received = first.received.expect("the server's receipt");
    assert!(
        received > now_ms() - 600_000,
        "received now, not on 1 March: {first:?}"
    );
    assert_eq!(first.effective, received, "it counts from the receipt");
    assert_eq!(
        first.claimed,
        Some(CLAIMED_MS),
        "the claim is shown beside it"
    );
    let (received_reports, on_time) = rollup_reports(&server, &province);
    assert_eq!(received_reports, 2, "both units' reports are received");
    assert_eq!(
        on_time, 0,
        "neither counts as on time: both reached the server late"
    );

    // The office vouches for the claim, an action of its own: now it counts as on time.
    let mut voucher = Step::new(
        "office-vouches",
        Action::Vouch,
        &server.demo_username(OFFICE),
        Role::AgencyAdmin,
        now_ms(),
        &late_id,
    );
    voucher.note = "Đơn vị ở vùng không có sóng, đã gửi trên máy ngày 01/03".into();
    take(&server, OFFICE, &plan, &late_unit, voucher).await;
    let state = blocking(|| q1_state(&server, &late_progress, &plan, &late_unit));
    assert_eq!(state.first_submitted.unwrap().effective, CLAIMED_MS);
    let counted = eventually("the province counts the vouched report on time", || {
        let (received, on_time) = blocking(|| rollup_reports(&server, &province));
        (on_time == 1).then_some(received)
    })
    .await;
    assert_eq!(counted, 2);

    // A unit editor cannot vouch for itself.
    let token = blocking(|| server.login_demo(&late_unit));
    let mut client = SyncClient::new("peer-self-voucher").await;
    client.connect(server.sync_url(), &token).await;
    let handle = client.find(&late_progress).await.expect("its own document");
    let self_voucher = Step::new(
        "self-vouches",
        Action::Vouch,
        &server.demo_username(&late_unit),
        Role::UnitEditor,
        now_ms(),
        &late_id,
    );
    handle.with_document(|d| {
        // The app would not write it (an office step in a unit's report); a client can.
        use automerge::transaction::Transactable;
        use automerge::{ObjType, ROOT, ReadDoc};
        let (_, reports) = d.get(ROOT, workflow::UNIT_KEY).unwrap().unwrap();
        let (_, q1) = d.get(&reports, "q1").unwrap().unwrap();
        let at = d.length(&q1);
        let mut tx = d.transaction();
        let m = tx.insert_object(&q1, at, ObjType::Map).unwrap();
        for (k, v) in [
            ("id", self_voucher.id.as_str()),
            ("action", "vouch"),
            ("by", self_voucher.by.as_str()),
            ("role", self_voucher.role.as_str()),
            ("on", self_voucher.on.as_str()),
            ("note", ""),
        ] {
            tx.put(&m, k, v).unwrap();
        }
        tx.put(&m, "at", self_voucher.at).unwrap();
        tx.commit();
    });
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    client.stop().await;
    assert!(!blocking(|| has_step(
        &server,
        &late_progress,
        false,
        "self-vouches"
    )));

    // A step's id names its receipt. The editor's year report under its Q1 submission's id (to
    // take Q1's time) is refused: nothing of it is stored.
    let reuse = Step::new(
        &submission,
        Action::Submit,
        &server.demo_username(UNIT),
        Role::UnitEditor,
        now_ms(),
        "",
    );
    write_step(&server, UNIT, &progress, PeriodKind::Year, reuse).await;
    let year = server.on_server({
        let (store, doc) = (server.library().store().clone(), progress.clone());
        async move {
            let d = store.read_document(&doc).await.unwrap();
            workflow::unit_steps(&d, PeriodKind::Year)
        }
    });
    assert!(year.is_empty(), "{year:?}");
    // A unit's step under the id of the office's voucher (in another document, so the gate
    // cannot see the clash) counts for nothing in the server's reading.
    let borrowed = Step::new(
        "office-vouches",
        Action::Submit,
        &server.demo_username(&late_unit),
        Role::UnitEditor,
        now_ms(),
        "",
    );
    write_step(
        &server,
        &late_unit,
        &late_progress,
        PeriodKind::H1,
        borrowed,
    )
    .await;
    let h1 = blocking(|| server.reading(&seed.plan_id, PeriodKind::H1));
    let (_, st) = h1.iter().find(|(u, _)| *u == late_unit).expect("the unit");
    assert_eq!(st.phase, Phase::Draft, "{st:?}");
    // The server's reading of Q1 agrees with the roll-up: the vouched report, on time.
    let q1 = blocking(|| server.reading(&seed.plan_id, PeriodKind::Q1));
    let (_, st) = q1.iter().find(|(u, _)| *u == late_unit).expect("the unit");
    assert_eq!(st.first_submitted.as_ref().unwrap().effective, CLAIMED_MS);
}
