//! The authorization matrix of the reporting workflow, over the real sync socket: who may
//! submit, approve, return or accept a unit's period report. Each user takes each step on a
//! fresh client, as a tablet would (the change authored by them, in their role); what the server
//! stored says whether it was let through. Forged steps (each role signing as another, the change
//! authored in the other's name too) are refused: the server judges who delivered the change. The steps let through are stamped with their arrival, and the stored documents
//! derive the expected state.

use std::collections::BTreeMap;

use tiendo_shared::model::PeriodKind;
use tiendo_shared::model::role::Role;
use tiendo_shared::workflow::{self, Action, Phase, Step};
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const UNIT: &str = "thanh-tra-so";
const HEAD: &str = "thanh-tra-so.truong";

fn step(id: &str, action: Action, by: &str, role: Role, on: &str) -> Step {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let mut s = Step::new(id, action, by, role, now, on);
    if action == Action::Return {
        s.note = "Bổ sung số liệu".into();
    }
    if action == Action::SendBack {
        s.note = "Thiếu minh chứng".into();
    }
    s
}

/// The step ids the server has stored in document `doc` (a plan: `office`).
fn stored_steps(server: &TestServer, doc: &str, office: bool) -> Vec<String> {
    let store = server.library().store().clone();
    let doc = doc.to_string();
    server.on_server(async move {
        let d = store.read_document(&doc).await.expect("stored");
        workflow::all_steps(&d, office)
            .into_iter()
            .map(|s| s.id)
            .collect()
    })
}

/// `user` takes `step` on a fresh client: in the unit's progress document (`progress`) or, for
/// the office's steps, in the plan document. Returns whether the server stored it.
async fn take(server: &TestServer, user: &str, progress: &str, plan: &str, s: Step) -> bool {
    let token = blocking(|| server.login_demo(user));
    let mut client = SyncClient::new(&format!("peer-{}", s.id)).await;
    client.connect(server.sync_url(), &token).await;
    let office = s.action.by_office();
    let target = if office { plan } else { progress };
    let Some(handle) = client.find(target).await else {
        client.stop().await;
        return false;
    };
    handle.with_document(|d| {
        if office {
            workflow::take_office_step(d, UNIT, PeriodKind::Q1, &s).unwrap();
        } else {
            workflow::take_unit_step(d, PeriodKind::Q1, s.clone()).unwrap();
        }
    });
    // Stored within the patience, or (refused, ignored) not after a fair wait.
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(1500);
    let mut stored = false;
    while std::time::Instant::now() < deadline {
        if blocking(|| stored_steps(server, target, office)).contains(&s.id) {
            stored = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    client.stop().await;
    stored
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn who_may_submit_approve_return_and_accept_a_units_report() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let seed = server.startup.seeded.clone().expect("seeded");
    let progress = server.seeded_progress(UNIT);
    let plan = seed.plan_doc.clone();

    // (who, role, action, the step's id, expected to be stored)
    let e = Role::UnitEditor;
    let h = Role::UnitHead;
    let o = Role::AgencyAdmin;
    let table: Vec<(&str, Role, Action, &str, bool)> = vec![
        // The head sends a first submission back to its editors; only the head may.
        (UNIT, e, Action::Submit, "s0", true),
        (UNIT, e, Action::SendBack, "editor-sends-back", false),
        (HEAD, h, Action::SendBack, "b0", true),
        (UNIT, e, Action::Submit, "s1", true),
        (UNIT, e, Action::Approve, "editor-approves", false),
        (UNIT, e, Action::Accept, "editor-accepts", false),
        (UNIT, e, Action::Return, "editor-returns", false),
        (OFFICE, o, Action::Submit, "office-submits", false),
        (OFFICE, o, Action::Approve, "office-approves", false),
        (HEAD, h, Action::Accept, "head-accepts", false),
        (HEAD, h, Action::Approve, "a1", true),
        (OFFICE, o, Action::Return, "r1", true),
        (HEAD, h, Action::Submit, "s2", true),
        (OFFICE, o, Action::Accept, "k2", true),
    ];
    let mut failures = Vec::new();
    for (user, role, action, id, want) in table {
        let on = match id {
            "k2" => "s2",
            "b0" | "editor-sends-back" => "s0",
            _ if action == Action::Submit => "",
            _ => "s1",
        };
        let got = take(
            &server,
            user,
            &progress,
            &plan,
            step(id, action, &server.demo_username(user), role, on),
        )
        .await;
        if got != want {
            failures.push(format!(
                "{user} ({role:?}) {action:?} {id}: stored {got}, want {want}"
            ));
        }
    }
    // Forged by another role: each user writes a step in another's name and role (the change
    // authored as that user, too). The server judges who delivered it, so none is stored.
    let forged: Vec<(&str, &str, Role, Action, &str)> = vec![
        (UNIT, HEAD, h, Action::Approve, "editor-signs-as-head"),
        (UNIT, HEAD, h, Action::SendBack, "editor-sends-back-as-head"),
        (HEAD, UNIT, e, Action::Submit, "head-signs-as-editor"),
        (UNIT, OFFICE, o, Action::Accept, "editor-signs-as-office"),
        (HEAD, OFFICE, o, Action::Return, "head-signs-as-office"),
        (UNIT, OFFICE, o, Action::Vouch, "editor-vouches-as-office"),
        (OFFICE, HEAD, h, Action::Approve, "office-signs-as-head"),
    ];
    for (deliverer, named, role, action, id) in forged {
        let on = if action == Action::Submit { "" } else { "s2" };
        if take(
            &server,
            deliverer,
            &progress,
            &plan,
            step(id, action, &server.demo_username(named), role, on),
        )
        .await
        {
            failures.push(format!(
                "{deliverer} signed as {named} ({action:?}): stored"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "workflow matrix:\n{}",
        failures.join("\n")
    );

    // What was let through derives: submitted, approved, returned, resubmitted by the head
    // (approved by that), accepted.
    let store = server.library().store().clone();
    let (p, d) = (progress.clone(), plan.clone());
    let (state, receipts) = server.on_server(async move {
        let unit = store.read_document(&p).await.unwrap();
        let planned = store.read_document(&d).await.unwrap();
        let receipts = store.receipts(&[p.clone(), d.clone()]).await.unwrap();
        let st = workflow::derive(
            &workflow::unit_steps(&unit, PeriodKind::Q1),
            &workflow::office_steps(&planned, UNIT, PeriodKind::Q1),
            &receipts,
        );
        (st, receipts)
    });
    assert_eq!(state.phase, Phase::Accepted, "{state:#?}");
    assert_eq!(state.accepted.as_ref().unwrap().step.id, "s2");
    assert_eq!(state.returns.len(), 2);
    assert_eq!(state.returns[0].step.action, Action::SendBack);
    assert_eq!(state.returns[0].step.note, "Thiếu minh chứng");
    assert_eq!(state.returns[1].step.note, "Bổ sung số liệu");
    let ids: BTreeMap<&str, bool> = ["s0", "b0", "s1", "a1", "r1", "s2", "k2"]
        .into_iter()
        .map(|id| (id, receipts.contains_key(id)))
        .collect();
    assert!(
        ids.values().all(|&r| r),
        "every step let through has its arrival time: {ids:?}"
    );
    assert!(
        !state.submitted.unwrap().step.heads.is_empty(),
        "a submission names the heads it sent"
    );

    // A tablet whose clock runs ten days ahead sends the 6-month report: the server's receipt
    // bounds its time (README, "Clocks").
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let mut ahead = step(
        "h1-ahead",
        Action::Submit,
        &server.demo_username(UNIT),
        e,
        "",
    );
    ahead.at = now + 10 * 86_400_000;
    let token = blocking(|| server.login_demo(UNIT));
    let mut tablet = SyncClient::new("peer-clock-ahead").await;
    tablet.connect(server.sync_url(), &token).await;
    let doc = tablet.find(&progress).await.unwrap();
    doc.with_document(|d| workflow::take_unit_step(d, PeriodKind::H1, ahead).unwrap());
    tablet.wait_acknowledged(&doc).await;
    tablet.stop().await;
    let store = server.library().store().clone();
    let (p, d) = (progress.clone(), plan.clone());
    let h1 = server.on_server(async move {
        let unit = store.read_document(&p).await.unwrap();
        let receipts = store.receipts(&[p.clone(), d.clone()]).await.unwrap();
        workflow::derive(&workflow::unit_steps(&unit, PeriodKind::H1), &[], &receipts)
    });
    let sent = h1.submitted.expect("sent");
    let received = sent.received.expect("the server stamped its arrival");
    assert!(
        received >= now && received < now + 60_000,
        "received {received}, now {now}"
    );
    assert_eq!(sent.effective, received, "not ten days ahead: {sent:?}");
}
