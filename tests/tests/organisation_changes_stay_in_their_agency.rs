//! Organisation changes take effect only in the agency whose document holds them, and only from
//! their date: an agency admin who writes another agency's unit into its own organisation
//! document (merged away, its accounts disabled) changes nothing there; a function moved or a
//! merge dated 2099 gives no access and disables no account today; the same changes dated in the
//! past do. The hostile edits are written as the admin's tablet would, through the sync socket.

use tiendo_server::domain::accounts::{NewUser, Role};
use tiendo_shared::model::lineage::{self, AccountFate, Basis, Operation, Recorded};
use tiendo_shared::model::{Date, Org};
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, edit, eventually};

const AGENCY: &str = "so-khoa-hoc-va-cong-nghe";
const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const INSPECTORATE: &str = "thanh-tra-so";
const MERGED: &str = "phong-quan-ly-tieu-chuan-do-luong-chat-luong";
const INTO: &str = "phong-quan-ly-cong-nghe-va-chuyen-nganh";
const COMMUNE_PLAN: &str = include_str!("../../shared/tests/fixtures/ke-hoach-ubnd-xa-mau.txt");

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

/// Records `op` of agency `agency` from `on` in the organisation document `org`, as the office's
/// tablet does (an ordinary edit that syncs) when `by` (the office's username) records it.
fn record(org: &samod::DocHandle, by: &str, agency: &str, op: Operation, on: &str, n: u32) {
    org.with_document(|d| {
        lineage::record(
            d,
            agency,
            &op,
            day(on),
            Basis::default(),
            &Recorded {
                id: format!("office-change-{n}"),
                by: by.into(),
                at: 1_743_000_000_000,
            },
        )
        .expect("recorded")
    });
}

/// `/api/me` of `token`: its status, and the progress documents it lists as (unit, writable).
fn me(server: &TestServer, token: &str) -> (u16, Vec<(String, bool)>) {
    let (code, me) = server.get_json_as(token, "/api/me");
    let docs = me["documents"]
        .as_array()
        .map(|docs| {
            docs.iter()
                .filter(|d| d["kind"] == "progress")
                .map(|d| {
                    (
                        d["unit_id"].as_str().unwrap().to_string(),
                        d["writable"] == true,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (code, docs)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_entry_for_another_agency_in_an_organisation_document_changes_nothing_there() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    // A second agency, a commune, with an editor of its first unit.
    let lib = server.library().clone();
    let commune = server.on_server(async move { lib.import_text(COMMUNE_PLAN).await.unwrap() });
    let lib = server.library().clone();
    let org_doc = commune.org_doc.clone();
    let (commune_id, commune_agency) = server.on_server(async move {
        let id = lib.catalogue().get(&org_doc).unwrap().agency_id;
        let org = lib.org(&id).await.unwrap();
        (id.clone(), org.agency(&id).unwrap().clone())
    });
    let (victim, heir) = (
        commune.progress_docs[0].0.clone(),
        commune.progress_docs[1].0.clone(),
    );
    let store = server.library().store().clone();
    let new = NewUser {
        username: "xa-mau".into(),
        display_name: "xa-mau".into(),
        role: Role::UnitEditor,
        agency_id: Some(commune_id.clone()),
        unit_id: Some(victim.clone()),
        password: "mat-khau-thu".into(),
    };
    server.on_server(async move { store.add_user(new).await.expect("user") });
    let victim_token = blocking(|| server.login("xa-mau", "mat-khau-thu"));

    // The seed agency's office writes the commune into its own organisation document, merges the
    // commune's unit away with its accounts disabled, then records a change of its own.
    let office = blocking(|| server.login_demo(OFFICE));
    let merged = blocking(|| server.login_demo(MERGED));
    let seed_org = blocking(|| server.doc_id(&office, "org", None));
    let mut tablet = SyncClient::new("tablet-hostile-office").await;
    tablet.connect(server.sync_url(), &office).await;
    let org = tablet.find(&seed_org).await.expect("its organisation");
    let by = server.demo_username(OFFICE);
    edit::<Org>(&org, &by, |o| {
        o.agencies.push(tiendo_shared::model::Agency {
            changes: Vec::new(),
            ..commune_agency
        })
    });
    let hostile = Operation::Merge {
        unit: victim.clone(),
        into: heir,
        accounts: AccountFate::Disable,
    };
    record(&org, &by, &commune_id, hostile, "2025-04-01", 1);
    let own = Operation::Merge {
        unit: MERGED.into(),
        into: INTO.into(),
        accounts: AccountFate::Move,
    };
    record(&org, &by, AGENCY, own, "2025-04-01", 2);
    tablet.wait_acknowledged(&org).await;

    // Its own change is followed: the merged unit's account moves.
    eventually("the office's own change followed", || {
        let (code, me) = server.get_json_as(&merged, "/api/me");
        (code == 200 && me["user"]["unit_id"] == INTO).then_some(())
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    // The commune's account is untouched, and so is the commune's lineage.
    let (code, docs) = blocking(|| me(&server, &victim_token));
    assert_eq!(code, 200, "the other agency's account still works");
    assert_eq!(docs, vec![(victim.clone(), true)]);
    let lib = server.library().clone();
    let lineage = server.on_server(async move { lib.catalogue().lineage(&commune_id) });
    assert!(lineage.is_empty(), "{lineage:?}");
    tablet.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_future_dated_change_grants_and_disables_nothing_until_its_date() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let office = blocking(|| server.login_demo(OFFICE));
    let merged = blocking(|| server.login_demo(MERGED));
    let into = blocking(|| server.login_demo(INTO));
    // A fourth unit of the seed agency (the centre), merged into the office in the past.
    let seed = server.startup.seeded.as_ref().expect("seeded");
    let fourth = seed
        .progress_docs
        .iter()
        .map(|(unit, _)| unit.clone())
        .find(|u| ![OFFICE, INSPECTORATE, MERGED, INTO].contains(&u.as_str()))
        .expect("a fourth unit");
    let fourth_token = blocking(|| server.login_demo(&fourth));
    let seed_org = blocking(|| server.doc_id(&office, "org", None));

    let mut tablet = SyncClient::new("tablet-office").await;
    tablet.connect(server.sync_url(), &office).await;
    let org = tablet.find(&seed_org).await.expect("its organisation");
    let by = server.demo_username(OFFICE);
    // In 2099: the inspectorate hands a task to the office; a unit merges, its accounts disabled.
    let moved = Operation::MoveFunction {
        unit: INSPECTORATE.into(),
        to: OFFICE.into(),
        tasks: vec!["t1-a".into()],
    };
    record(&org, &by, AGENCY, moved, "2099-01-01", 1);
    let merge = Operation::Merge {
        unit: MERGED.into(),
        into: INTO.into(),
        accounts: AccountFate::Disable,
    };
    record(&org, &by, AGENCY, merge, "2099-01-01", 2);
    // Already in effect: a unit merged into the office, its accounts disabled.
    let past = Operation::Merge {
        unit: fourth.clone(),
        into: OFFICE.into(),
        accounts: AccountFate::Disable,
    };
    record(&org, &by, AGENCY, past, "2025-04-01", 3);
    tablet.wait_acknowledged(&org).await;

    // The past change takes effect: the account disabled, the office writes the unit's document.
    eventually("the past merge's account disabled", || {
        (server.get_json_as(&fourth_token, "/api/me").0 == 401).then_some(())
    })
    .await;
    let (_, office_docs) = blocking(|| me(&server, &office));
    assert!(office_docs.contains(&(fourth, true)), "{office_docs:?}");

    // The 2099 changes do not, yet.
    assert!(
        office_docs.contains(&(INSPECTORATE.into(), false)),
        "the office only reads the inspectorate's document: {office_docs:?}"
    );
    let (code, into_docs) = blocking(|| me(&server, &into));
    assert_eq!(code, 200);
    assert_eq!(into_docs, vec![(INTO.into(), true)]);
    let (code, merged_docs) = blocking(|| me(&server, &merged));
    assert_eq!(code, 200, "an account merged away in 2099 still works");
    assert_eq!(merged_docs, vec![(MERGED.into(), true)]);

    // On the date, the accounts follow.
    let lib = server.library().clone();
    server.on_server(async move {
        lib.follow_accounts(AGENCY, day("2099-01-01"))
            .await
            .expect("followed")
    });
    assert_eq!(blocking(|| server.get_json_as(&merged, "/api/me").0), 401);
    tablet.stop().await;
}
