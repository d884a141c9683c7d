//! `GET /api/bootstrap` (a first visit's documents in one answer, beside the app's download),
//! from a real server on a loopback port: it holds exactly the documents that show the plan to
//! the signed-in user (`Me::plan_documents`, what the client opens), each loading into Automerge
//! as the server has it now — and nobody else's.

use tiendo_shared::api::{Bootstrap, Me};
use tiendo_shared::model::{DocKind, Plan, Progress, doc};
use tiendo_tests::{TestServer, data_dir};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const UNIT: &str = "thanh-tra-so";
const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";

fn bootstrap(server: &TestServer, token: &str, query: &str) -> Bootstrap {
    let (code, kind, _, body) = server.download(token, &format!("/api/bootstrap{query}"));
    assert_eq!(code, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(kind, "application/cbor");
    Bootstrap::decode(&body).unwrap()
}

fn me(server: &TestServer, token: &str) -> Me {
    serde_json::from_value(server.get_json_as(token, "/api/me").1).unwrap()
}

#[test]
fn a_unit_gets_its_plan_documents_whole_and_nobody_elses() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let unit = server.login_demo(UNIT);
    let me = me(&server, &unit);

    let boot = bootstrap(&server, &unit, "");
    assert_eq!(boot.plan_id, PLAN);
    let ids: Vec<&str> = boot.documents.iter().map(|d| d.doc_id.as_str()).collect();
    assert_eq!(ids, me.plan_documents(PLAN).unwrap().ids());
    assert_eq!(ids.len(), 3, "plan, organisation, the unit's own progress");
    // Each one loads, as what it is.
    let loaded = |id: &str| {
        let d = boot.documents.iter().find(|d| d.doc_id == id).unwrap();
        automerge::Automerge::load(&d.bytes).unwrap()
    };
    let plan: Plan = doc::read(&loaded(&me.doc(DocKind::Plan, None).unwrap().doc_id)).unwrap();
    assert_eq!(plan.tasks().count(), 43);
    let own = me.doc(DocKind::Progress, Some(UNIT)).unwrap();
    let progress: Progress = doc::read(&loaded(&own.doc_id)).unwrap();
    assert_eq!(progress.unit_id, UNIT);

    // Another unit's progress, which the office reads, is never in a unit's answer.
    let office = server.login_demo(OFFICE);
    let everyone = bootstrap(&server, &office, &format!("?plan={PLAN}"));
    let office_me = self::me(&server, &office);
    let progress_of_office: Vec<&str> = office_me
        .documents
        .iter()
        .filter(|d| d.kind == DocKind::Progress)
        .map(|d| d.doc_id.as_str())
        .collect();
    assert!(progress_of_office.len() > 5);
    for id in &progress_of_office {
        assert!(everyone.documents.iter().any(|d| d.doc_id == *id));
        if *id != own.doc_id {
            assert!(
                !ids.contains(id),
                "a unit's bootstrap holds another unit's progress"
            );
        }
    }

    // A plan that is not the user's: their first, as the client would open. No session: 401.
    assert_eq!(bootstrap(&server, &unit, "?plan=khong-co").plan_id, PLAN);
    let (code, _, _, body) = server.download("khong-phai-phien", "/api/bootstrap");
    assert_eq!(code, 401, "{}", String::from_utf8_lossy(&body));
}
