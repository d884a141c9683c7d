//! What one agency writes into its own documents never takes another user's answers down
//! (issue 34): the values the review wrote (`kind: "commune"` in its organisation, a number
//! there, `year: "not-a-year"` in its plan) and then arbitrary values in any field of its
//! organisation, plan and progress documents, written over sync as a foreign client would, leave
//! every route answering every user — other agencies, the province, the system admin and the
//! writer itself — without a 5xx; what does not read is placed as a problem in the plan's status.
//! Before, one such value answered 500 to every user of every agency until it was corrected.

use automerge::transaction::Transactable;
use automerge::{ObjId, ObjType, Prop, ReadDoc, ScalarValue, Value};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tiendo_server::domain::accounts::{NewUser, Role};
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, eventually};

const COMMUNE_PLAN: &str = include_str!("../../shared/tests/fixtures/ke-hoach-ubnd-xa-mau.txt");
const SEED_PLAN_ID: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";

struct Commune {
    server: TestServer,
    plan_id: String,
    org_doc: String,
    plan_doc: String,
    progress_docs: Vec<String>,
    /// The commune's admin (writes its organisation and plan) and a unit editor.
    admin: String,
    editor: String,
    /// Users of other agencies and above.
    others: Vec<(&'static str, String)>,
}

fn start() -> (tempfile::TempDir, Commune) {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let lib = server.library().clone();
    let commune = server.on_server(async move { lib.import_text(COMMUNE_PLAN).await.unwrap() });
    let agency = server
        .library()
        .catalogue()
        .get(&commune.org_doc)
        .expect("the commune's organisation")
        .agency_id;
    let (unit, _) = commune.progress_docs.first().cloned().expect("a unit");
    let store = server.library().store().clone();
    let users = [
        ("van-phong-xa", Role::AgencyAdmin),
        ("can-bo-xa", Role::UnitEditor),
    ]
    .map(|(name, role)| NewUser {
        username: name.into(),
        display_name: name.into(),
        role,
        agency_id: Some(agency.clone()),
        unit_id: Some(unit.clone()),
        password: "mat-khau-xa-1".into(),
    });
    server.on_server(async move {
        for u in users {
            store.add_user(u).await.expect("a commune user");
        }
    });
    server.add_province_viewer("so-noi-vu");
    let others = vec![
        (
            "another agency's unit",
            blocking(|| server.login_demo("thanh-tra-so")),
        ),
        (
            "another agency's office",
            blocking(|| server.login_demo("phong-hanh-chinh-tong-hop")),
        ),
        (
            "the province",
            blocking(|| server.login("so-noi-vu", "mat-khau-thu")),
        ),
        ("the system admin", blocking(|| server.login_demo("admin"))),
    ];
    let admin = blocking(|| server.login("van-phong-xa", "mat-khau-xa-1"));
    let editor = blocking(|| server.login("can-bo-xa", "mat-khau-xa-1"));
    let c = Commune {
        plan_id: commune.plan_id.clone(),
        org_doc: commune.org_doc.clone(),
        plan_doc: commune.plan_doc.clone(),
        progress_docs: commune
            .progress_docs
            .iter()
            .map(|(_, d)| d.clone())
            .collect(),
        server,
        admin,
        editor,
        others,
    };
    (dir, c)
}

impl Commune {
    /// Every read route, for the other users and the writer: none answers 5xx.
    fn every_answer_comes(&self, after: &str) {
        let mut who: Vec<(&str, &str)> =
            self.others.iter().map(|(w, t)| (*w, t.as_str())).collect();
        who.push(("the writer", &self.admin));
        who.push(("the writer's unit", &self.editor));
        for (name, token) in who {
            for plan in [SEED_PLAN_ID, self.plan_id.as_str()] {
                for path in [
                    "/api/me".to_string(),
                    "/api/bootstrap".to_string(),
                    "/api/plans".to_string(),
                    format!("/api/plans/{plan}"),
                    format!("/api/plans/{plan}/status?period=q1"),
                    format!("/api/plans/{plan}/year"),
                    format!("/api/plans/{plan}/reports"),
                    format!("/api/plans/{plan}/reports/q1.docx"),
                    format!("/api/plans/{plan}/reports/q1.xlsx"),
                    "/api/province/rollup?year=2025&period=q1".to_string(),
                    "/api/province/rollup.xlsx?year=2025&period=q1".to_string(),
                    "/api/bundles/starter".to_string(),
                ] {
                    let (status, _, _, body) = blocking(|| self.server.download(token, &path));
                    assert!(
                        status < 500,
                        "{name}: {path} answered {status} after {after}: {}",
                        String::from_utf8_lossy(&body)
                    );
                }
            }
        }
    }
}

/// Writes `f` into document `doc_id` as `token`'s user over sync and waits for the server.
async fn write_over_sync(
    c: &Commune,
    token: &str,
    doc_id: &str,
    f: impl FnOnce(&mut automerge::Automerge),
) {
    let mut client = SyncClient::new("foreign-writer").await;
    client.connect(c.server.sync_url(), token).await;
    let handle = client.find(doc_id).await.expect("the document");
    handle.with_document(f);
    client.wait_acknowledged(&handle).await;
    client.stop().await;
}

fn first_agency(d: &automerge::Automerge) -> ObjId {
    let (_, agencies) = d.get(automerge::ROOT, "agencies").unwrap().unwrap();
    d.get(&agencies, 0).unwrap().unwrap().1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reviews_values_break_no_answer_and_are_placed() {
    let (_dir, c) = start();
    c.every_answer_comes("nothing");

    // The review's values: a kind in lower case, then a number, and a year that is no year.
    write_over_sync(&c, &c.admin, &c.org_doc, |d| {
        let agency = first_agency(d);
        let mut tx = d.transaction();
        tx.put(&agency, "kind", "commune").unwrap();
        tx.commit();
    })
    .await;
    c.every_answer_comes("kind: \"commune\"");
    let status_path = format!("/api/plans/{}/status?period=q1", c.plan_id);
    let (_, s) = blocking(|| c.server.get_json_as(&c.admin, &status_path));
    assert!(
        !s.to_string().contains(".kind"),
        "lower case reads as the kind it names: {s}"
    );

    write_over_sync(&c, &c.admin, &c.org_doc, |d| {
        let agency = first_agency(d);
        let mut tx = d.transaction();
        tx.put(&agency, "kind", 42).unwrap();
        tx.commit();
    })
    .await;
    write_over_sync(&c, &c.admin, &c.plan_doc, |d| {
        let mut tx = d.transaction();
        tx.put(automerge::ROOT, "year", "not-a-year").unwrap();
        tx.commit();
    })
    .await;
    c.every_answer_comes("kind: 42 and year: \"not-a-year\"");
    let (status, me) = blocking(|| c.server.get_json_as(&c.admin, "/api/me"));
    assert_eq!(status, 200);
    assert_eq!(
        me["agency"]["name"], "UBND xã Nghĩa Hà",
        "its agency still reads: {me}"
    );
    let (_, plans) = blocking(|| c.server.get_json_as(&c.others[3].1, "/api/plans"));
    assert!(
        plans
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["id"] == c.plan_id.as_str())),
        "the commune's plan is still listed: {plans}"
    );
    // What did not read is placed in the plan's status, for the office to find.
    let path = status_path;
    let server = &c.server;
    let admin = c.admin.clone();
    let problems = eventually("the problems are placed", || {
        let (status, s) = blocking(|| server.get_json_as(&admin, &path));
        let text = s.to_string();
        (status == 200 && text.contains("not-a-year") && text.contains(".kind")).then_some(text)
    })
    .await;
    assert!(
        problems.contains("kế hoạch, chỗ không đọc được — year"),
        "{problems}"
    );
}

/// Where a foreign client may write: every map key and list position under the root.
fn places(d: &automerge::Automerge) -> Vec<(ObjId, Prop)> {
    let mut out = Vec::new();
    let mut stack = vec![automerge::ROOT];
    while let Some(o) = stack.pop() {
        let props: Vec<Prop> = match d.object_type(&o) {
            Ok(ObjType::Map) => d.keys(&o).map(Prop::Map).collect(),
            Ok(ObjType::List) => (0..d.length(&o)).map(Prop::Seq).collect(),
            _ => Vec::new(),
        };
        for p in props {
            if let Ok(Some((Value::Object(_), child))) = d.get(&o, p.clone()) {
                stack.push(child);
            }
            out.push((o.clone(), p));
        }
    }
    out
}

fn write_random(d: &mut automerge::Automerge, rng: &mut StdRng) {
    let all = places(d);
    if all.is_empty() {
        return;
    }
    let (o, p) = all[rng.random_range(0..all.len())].clone();
    let mut tx = d.transaction();
    let _ = match rng.random_range(0..9) {
        0 => tx.put(&o, p, rng.random::<i64>()),
        1 => tx.put(&o, p, "ý kiến lạ"),
        2 => tx.put(&o, p, rng.random::<bool>()),
        3 => tx.put(&o, p, ScalarValue::Null),
        4 => tx.put(&o, p, f64::NAN),
        5 => tx.put(&o, p, vec![0u8, 255]),
        6 => tx.put_object(&o, p, ObjType::Map).map(|_| ()),
        7 => tx.put_object(&o, p, ObjType::List).map(|_| ()),
        _ => tx.delete(&o, p),
    };
    tx.commit();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arbitrary_values_in_any_document_break_no_answer() {
    let (_dir, c) = start();
    let mut rng = StdRng::seed_from_u64(34);
    for round in 0..4 {
        // The admin writes into the organisation and the plan, the editor into its progress.
        for _ in 0..3 {
            let mut r1 = StdRng::seed_from_u64(rng.random());
            write_over_sync(&c, &c.admin, &c.org_doc, |d| write_random(d, &mut r1)).await;
            let mut r2 = StdRng::seed_from_u64(rng.random());
            write_over_sync(&c, &c.admin, &c.plan_doc, |d| write_random(d, &mut r2)).await;
            let mut r3 = StdRng::seed_from_u64(rng.random());
            let progress = c.progress_docs[0].clone();
            write_over_sync(&c, &c.editor, &progress, |d| write_random(d, &mut r3)).await;
        }
        c.every_answer_comes(&format!("round {round} of arbitrary values"));
    }
}
