//! Two `tiendo serve` nodes on one PostgreSQL database: an edit acknowledged by one reaches an
//! office connected to the other (LISTEN/NOTIFY: the node holding the document applies the
//! other's new chunks), whether the other node had the document loaded before or loads it
//! afterwards; a plan imported on one is listed and synced by the other; a session made on one
//! opens the other; a guesser locked out on one is locked out on the other. Prints the
//! cross-node delay (edit acknowledged → seen at the other node's office).
//!
//! Needs PostgreSQL: `scripts/test` runs it in its PostgreSQL pass (`TIENDO_TEST_STORE`).

use std::time::Instant;

use tiendo_shared::model::{PeriodKind, Progress};
use tiendo_tests::stores::{needs_postgres, store_setting};
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, edit, eventually, read};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const UNIT: &str = "thanh-tra-so";
const COMMUNE_PLAN: &str = include_str!("../../shared/tests/fixtures/ke-hoach-ubnd-xa-mau.txt");

fn result(doc: &samod::DocHandle) -> String {
    read::<Progress>(doc)
        .entry("t2-a", PeriodKind::Q1)
        .map(|e| e.result.clone())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL (TIENDO_TEST_STORE): scripts/test runs it in its PostgreSQL pass"]
async fn what_one_node_acknowledges_the_other_serves() {
    needs_postgres();
    let (a_dir, b_dir) = (data_dir(), data_dir());
    let a = blocking(|| TestServer::start(a_dir.path()));
    let shared = store_setting(a_dir.path());
    let b = blocking(|| TestServer::start_with(b_dir.path(), |c| c.store = shared.clone()));
    assert!(
        b.startup.seeded.is_none(),
        "the second node finds the deployment"
    );
    let (office_user, unit_user) = (a.demo_username(OFFICE), a.demo_username(UNIT));
    let (office_pw, unit_pw) = (a.password(OFFICE), a.password(UNIT));
    let unit_token = blocking(|| a.login(&unit_user, &unit_pw));
    // A session made on one node opens the other.
    let (status, _) = blocking(|| b.get_json_as(&unit_token, "/api/me"));
    assert_eq!(status, 200, "a session is the deployment's, not a node's");
    let office_token = blocking(|| b.login(&office_user, &office_pw));
    let doc_id = blocking(|| b.doc_id(&office_token, "progress", Some(UNIT)));

    let mut office = SyncClient::new("office-on-b").await;
    office.connect(b.sync_url(), &office_token).await;
    let watching = office
        .find(&doc_id)
        .await
        .expect("the office reads the unit");
    let mut tablet = SyncClient::new("tablet-on-a").await;
    tablet.connect(a.sync_url(), &unit_token).await;
    let own = tablet.find(&doc_id).await.expect("the unit's own progress");

    let mut delays = Vec::new();
    for seq in 1..=40 {
        let want = format!("Báo cáo lần {seq} qua nút A");
        edit::<Progress>(&own, &unit_user, |p| {
            p.entry_mut("t2-a", PeriodKind::Q1).result = want.clone();
        });
        tablet.wait_acknowledged(&own).await;
        let acked = Instant::now();
        // Looked at every 2 ms (not `eventually`'s pace), to time the delay.
        while result(&watching) != want {
            assert!(
                acked.elapsed().as_secs() < 20,
                "node B's office never saw edit {seq}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        delays.push(acked.elapsed().as_secs_f64() * 1000.0);
    }
    delays.sort_by(f64::total_cmp);
    println!(
        "acknowledged on A → seen by the office on B: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} edits)",
        delays[delays.len() / 2],
        delays[(delays.len() * 99).div_ceil(100) - 1],
        delays[delays.len() - 1],
        delays.len()
    );

    // A document node B never loaded: read whole when first asked for there.
    let other = blocking(|| b.doc_id(&office_token, "progress", Some(OFFICE)));
    let office_on_a = blocking(|| a.login(&office_user, &office_pw));
    let mut desk = SyncClient::new("office-desk-on-a").await;
    desk.connect(a.sync_url(), &office_on_a).await;
    let mine = desk.find(&other).await.expect("own progress");
    edit::<Progress>(&mine, &office_user, |p| {
        p.entry_mut("t2-a", PeriodKind::Q1).result = "Viết ở nút A".into();
    });
    desk.wait_acknowledged(&mine).await;
    let seen = office.find(&other).await.expect("loaded at B");
    eventually("node B serves what A stored before B loaded it", || {
        (result(&seen) == "Viết ở nút A").then_some(())
    })
    .await;

    // A plan imported on A: listed by B, and its documents synced from B.
    let lib = a.library().clone();
    let commune = a.on_server(async move { lib.import_text(COMMUNE_PLAN).await.unwrap() });
    let admin = blocking(|| b.login("admin", &a.password("admin")));
    let plan_id = commune.plan_id.clone();
    let listed = eventually("node B lists the plan imported on A", || {
        let (_, plans) = b.get_json_as(&admin, "/api/plans");
        plans
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["id"] == plan_id.as_str()))
            .then_some(plans)
    })
    .await;
    assert!(listed.as_array().unwrap().len() >= 2);
    let mut reader = SyncClient::new("admin-on-b").await;
    reader.connect(b.sync_url(), &admin).await;
    reader
        .find(&commune.plan_doc)
        .await
        .expect("the imported plan syncs from node B");

    // Five wrong passwords on A lock the name out on B too.
    for _ in 0..5 {
        let (status, _) = blocking(|| {
            a.post_json(
                "/api/login",
                None,
                serde_json::json!({ "username": unit_user, "password": "sai-mat-khau" }),
            )
        });
        assert_eq!(status, 401);
    }
    let (status, body) = blocking(|| {
        b.post_json(
            "/api/login",
            None,
            serde_json::json!({ "username": unit_user, "password": unit_pw }),
        )
    });
    assert_eq!(status, 429, "locked out across nodes: {body}");

    for c in [office, tablet, desk, reader] {
        c.stop().await;
    }
}

/// The head's approval forged by a unit editor, sent to one node ahead of the figure it depends
/// on, and the figure sent to the other node: the second node admits the figure (it knows
/// nothing waiting), the first node then applies it from the shared store and the forgery with
/// it — and judges it there by who delivered it. The forged step gets no receipt, so nothing the
/// server computes counts it: the report stays submitted, not approved.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL (TIENDO_TEST_STORE): scripts/test runs it in its PostgreSQL pass"]
async fn a_forgery_split_across_nodes_certifies_nothing() {
    use tiendo_shared::model::role::Role;
    use tiendo_shared::workflow::{self, Action, Phase, Step};
    use tiendo_tests::{RawSocket, frame};
    needs_postgres();
    const HEAD: &str = "thanh-tra-so.truong";
    let (a_dir, b_dir) = (data_dir(), data_dir());
    let a = blocking(|| TestServer::start(a_dir.path()));
    let shared = store_setting(a_dir.path());
    let b = blocking(|| TestServer::start_with(b_dir.path(), |c| c.store = shared.clone()));
    let plan_id = a.startup.seeded.clone().expect("seeded").plan_id;
    let unit_user = a.demo_username(UNIT);
    let unit_token = blocking(|| a.login(&unit_user, &a.password(UNIT)));
    let doc_id = a.seeded_progress(UNIT);
    let now = tiendo_server::unix_now() * 1000;

    // The editor's honest submission, on node A.
    let mut tablet = SyncClient::new("tablet-split").await;
    tablet.connect(a.sync_url(), &unit_token).await;
    let own = tablet.find(&doc_id).await.expect("its progress");
    edit::<Progress>(&own, &unit_user, |p| {
        p.entry_mut("t2-a", PeriodKind::Q1).percent = 20
    });
    own.with_document(|d| {
        let s = Step::new(
            "split-s1",
            Action::Submit,
            &unit_user,
            Role::UnitEditor,
            now,
            "",
        );
        workflow::take_unit_step(d, PeriodKind::Q1, s).unwrap();
    });
    tablet.wait_acknowledged(&own).await;
    // The figure, and the forgery on top of it, made on a copy.
    let (figure, forged, heads) = own.with_document(|d| {
        let mut copy = d.fork();
        let base = copy.get_heads();
        copy.set_actor(automerge::ActorId::from(vec![7u8; 16]));
        let mut tx = copy.transaction();
        automerge::transaction::Transactable::put(&mut tx, automerge::ROOT, "figure", 60).unwrap();
        tx.commit();
        let figure = copy.get_changes(&base).pop().unwrap().clone();
        // Dated after the submission reached the server, so it would apply if it counted.
        let later = now + 86_400_000;
        let s = Step::new(
            "split-forged",
            Action::Approve,
            &a.demo_username(HEAD),
            Role::UnitHead,
            later,
            "split-s1",
        );
        workflow::take_unit_step(&mut copy, PeriodKind::Q1, s).unwrap();
        let forged = copy.get_changes(&[figure.hash()]).pop().unwrap().clone();
        (figure, forged, copy.get_heads())
    });
    tablet.stop().await;
    let sync = |changes: Vec<Vec<u8>>, heads: Vec<automerge::ChangeHash>| {
        automerge::sync::Message {
            heads,
            need: vec![],
            have: vec![],
            changes: automerge::sync::ChunkList::from(changes),
            flags: None,
            version: automerge::sync::MessageVersion::V1,
        }
        .encode()
    };
    let send = |server: &TestServer, peer: &'static str, data: Vec<u8>| {
        let url = server.sync_url();
        let token = unit_token.clone();
        let doc = doc_id.clone();
        async move {
            let mut ws = RawSocket::connect(&url, Some(&token))
                .await
                .expect("upgrade");
            let target = ws.join(peer).await;
            ws.send_binary(frame(
                &[
                    ("type", "sync"),
                    ("senderId", peer),
                    ("targetId", &target),
                    ("documentId", &doc),
                ],
                Some(&data),
            ))
            .await;
            ws
        }
    };
    let _on_a = send(
        &a,
        "split-a",
        sync(vec![forged.raw_bytes().to_vec()], heads),
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    let _on_b = send(
        &b,
        "split-b",
        sync(vec![figure.raw_bytes().to_vec()], vec![figure.hash()]),
    )
    .await;

    // Node A ends up holding the forgery (the figure came from the store) ...
    let store = a.library().store().clone();
    let library = a.library().clone();
    let d = doc_id.clone();
    eventually("node A applied the figure from node B", || {
        let (library, d) = (library.clone(), d.clone());
        a.on_server(async move {
            let id: samod::DocumentId = d.parse().ok()?;
            let h = library.repo().find(id).await.ok()??;
            h.with_document(|doc| {
                workflow::all_steps(doc, false)
                    .iter()
                    .any(|s| s.id == "split-forged")
                    .then_some(())
            })
        })
    })
    .await;
    // ... and stores it.
    let (st, d) = (store.clone(), doc_id.clone());
    eventually("the forgery is in the shared store", || {
        let (st, d) = (st.clone(), d.clone());
        a.on_server(async move {
            let doc = st.read_document(&d).await.ok()?;
            workflow::all_steps(&doc, false)
                .iter()
                .any(|s| s.id == "split-forged")
                .then_some(())
        })
    })
    .await;
    // But it has no receipt, and the server's own reading of the report does not count it.
    let receipts = a.on_server(async move { store.receipts(&[d]).await.unwrap() });
    assert!(receipts.contains_key("split-s1"), "{receipts:?}");
    assert!(!receipts.contains_key("split-forged"), "{receipts:?}");
    let states = blocking(|| a.reading(&plan_id, PeriodKind::Q1));
    let (_, st) = states.iter().find(|(u, _)| u == UNIT).expect("the unit");
    assert_eq!(st.phase, Phase::Submitted, "{st:?}");
}
