//! What one agency writes into its own documents never takes another user's answers down: an
//! organisation document whose agency `kind` no build can read (a foreign client wrote a number)
//! leaves every other agency's `/api/me` and the plan list answering, and the writer's own
//! `/api/me` answers too (its agency left out and logged) — before, every user of every agency
//! got 500 until the value was corrected (issue 34, first finding; the rest of that issue is open).

use automerge::ReadDoc;
use automerge::transaction::Transactable;
use tiendo_server::accounts::{NewUser, Role};
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, eventually};

const COMMUNE_PLAN: &str = include_str!("../../shared/tests/fixtures/ke-hoach-ubnd-xa-mau.txt");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_organisation_value_breaks_no_other_agency() {
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
    let store = server.library().store().clone();
    let admin = NewUser {
        username: "van-phong-xa".into(),
        display_name: "Văn phòng xã".into(),
        role: Role::AgencyAdmin,
        agency_id: Some(agency),
        unit_id: commune.progress_docs.first().map(|(u, _)| u.clone()),
        password: "mat-khau-xa-1".into(),
    };
    server.on_server(async move { store.add_user(admin).await.expect("the commune's admin") });
    let commune_token = blocking(|| server.login("van-phong-xa", "mat-khau-xa-1"));
    let unit_token = blocking(|| server.login_demo("thanh-tra-so"));
    let system_token = blocking(|| server.login_demo("admin"));
    assert_eq!(
        blocking(|| server.get_json_as(&unit_token, "/api/me")).0,
        200
    );

    // The commune's admin writes a number where its agency's kind goes.
    let mut client = SyncClient::new("commune-admin").await;
    client.connect(server.sync_url(), &commune_token).await;
    let org = client
        .find(&commune.org_doc)
        .await
        .expect("its organisation");
    org.with_document(|d| {
        let (_, agencies) = d.get(automerge::ROOT, "agencies").unwrap().unwrap();
        let (_, first) = d.get(&agencies, 0).unwrap().unwrap();
        let mut tx = d.transaction();
        tx.put(&first, "kind", 42).unwrap();
        tx.commit();
    });
    client.wait_acknowledged(&org).await;
    client.stop().await;
    // The server holds the bad value ...
    let doc_id = commune.org_doc.clone();
    let store = server.library().store().clone();
    eventually("the server holds the commune's bad value", || {
        let (store, doc_id) = (store.clone(), doc_id.clone());
        server.on_server(async move {
            let d = store.read_document(&doc_id).await.ok()?;
            tiendo_shared::doc::read::<tiendo_shared::Org, _>(&d)
                .is_err()
                .then_some(())
        })
    })
    .await;
    // ... and every other answer still comes.
    let (status, me) = blocking(|| server.get_json_as(&unit_token, "/api/me"));
    assert_eq!(status, 200, "another agency's unit: {me}");
    assert_eq!(
        me["agency"]["name"]
            .as_str()
            .map(|n| n.contains("Khoa học")),
        Some(true),
        "{me}"
    );
    let (status, me) = blocking(|| server.get_json_as(&commune_token, "/api/me"));
    assert_eq!(status, 200, "the writer itself: {me}");
    let (status, plans) = blocking(|| server.get_json_as(&system_token, "/api/plans"));
    assert_eq!(status, 200, "{plans}");
    assert!(
        plans.as_array().is_some_and(|p| p
            .iter()
            .any(|p| p["id"] == "kh-cchc-2025-so-khoa-hoc-va-cong-nghe")),
        "{plans}"
    );
}
