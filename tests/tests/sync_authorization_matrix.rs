//! Who may read and write which document over the sync socket: every role × document kind ×
//! read/write, a second agency whose documents nobody else sees, forced writes from a raw client
//! that are refused and logged, sockets without a valid session; and the same matrix over HTTP,
//! evidence files included (who reads a file, who uploads to a report).

use std::collections::HashMap;

use automerge::{ROOT, ReadDoc, transaction::Transactable};
use tiendo_server::domain::accounts::{NewUser, Role};
use tiendo_tests::{
    PATIENCE, RawEvent, RawSocket, SyncClient, TestServer, blocking, data_dir, empty_sync_message,
    forced_change, frame, frame_type,
};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const INSPECTORATE: &str = "thanh-tra-so";
const COMMUNE_PLAN: &str = include_str!("../../shared/tests/fixtures/ke-hoach-ubnd-xa-mau.txt");

#[derive(Debug, Clone, Copy, PartialEq)]
enum Want {
    No,
    Read,
    Write,
}

/// Whether the server's stored copy of `doc` has the key `probe` (read from SQLite).
fn stored_has(server: &TestServer, doc: &str, probe: &str) -> bool {
    let store = server.library().store().clone();
    let (doc, probe) = (doc.to_string(), probe.to_string());
    server.on_server(async move {
        let d = store.read_document(&doc).await.expect("stored");
        d.get(ROOT, probe.as_str()).unwrap().is_some()
    })
}

fn add_user(server: &TestServer, name: &str, role: Role, agency: Option<&str>, unit: Option<&str>) {
    let store = server.library().store().clone();
    let new = NewUser {
        username: name.into(),
        display_name: name.into(),
        role,
        agency_id: agency.map(str::to_string),
        unit_id: unit.map(str::to_string),
        password: "mat-khau-thu".into(),
    };
    server.on_server(async move { store.add_user(new).await.expect("user") });
}

/// A second agency (a commune) on the same server, with a province viewer (`so-noi-vu`) and a
/// unit editor of the commune (`xa-mau`), both with the password `mat-khau-thu`.
fn second_agency(server: &TestServer) -> tiendo_server::domain::library::ImportReport {
    let lib = server.library().clone();
    let commune = server.on_server(async move { lib.import_text(COMMUNE_PLAN).await.unwrap() });
    let commune_unit = commune.progress_docs[0].0.clone();
    let commune_agency = {
        let lib = server.library().clone();
        let plan_doc = commune.plan_doc.clone();
        server.on_server(async move { lib.catalogue().get(&plan_doc).unwrap().agency_id })
    };
    add_user(server, "so-noi-vu", Role::ProvinceViewer, None, None);
    add_user(
        server,
        "xa-mau",
        Role::UnitEditor,
        Some(&commune_agency),
        Some(&commune_unit),
    );
    commune
}

fn probe(doc: &samod::DocHandle, key: &str) {
    doc.with_document(|d| {
        let mut tx = d.transaction();
        tx.put(ROOT, key, 1).unwrap();
        tx.commit();
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_role_gets_exactly_its_access_to_every_document_kind() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let commune = second_agency(&server);

    // The seed's documents, from what first start imported (the admin sees both agencies').
    let seed = server.startup.seeded.clone().expect("seeded");
    let progress_of = |unit: &str| {
        seed.progress_docs
            .iter()
            .find(|(u, _)| u == unit)
            .map(|(_, d)| d.clone())
            .unwrap()
    };
    let ids: HashMap<&str, String> = HashMap::from([
        ("plan", seed.plan_doc.clone()),
        ("org", seed.org_doc.clone()),
        ("office progress", progress_of(OFFICE)),
        ("inspectorate progress", progress_of(INSPECTORATE)),
        ("commune plan", commune.plan_doc.clone()),
        ("commune progress", commune.progress_docs[0].1.clone()),
    ]);
    assert_ne!(ids["plan"], ids["commune plan"]);

    use Want::*;
    let docs = [
        "plan",
        "org",
        "office progress",
        "inspectorate progress",
        "commune plan",
        "commune progress",
    ];
    let table: [(&str, Option<String>, [Want; 6]); 5] = [
        ("thanh-tra-so", None, [Read, Read, No, Write, No, No]),
        (OFFICE, None, [Write, Write, Write, Read, No, No]),
        (
            "so-noi-vu",
            Some("mat-khau-thu".into()),
            [Read, Read, Read, Read, Read, Read],
        ),
        ("admin", None, [Write, Write, Write, Write, Write, Write]),
        (
            "xa-mau",
            Some("mat-khau-thu".into()),
            [No, No, No, No, Read, Write],
        ),
    ];
    let mut failures = Vec::new();
    for (user, password, wants) in table {
        // A demo account by its unit, or an account of the test's own by its name.
        let (name, password) = match password {
            Some(p) => (user.to_string(), p),
            None => (server.demo_username(user), server.password(user)),
        };
        let token = blocking(|| server.login(&name, &password));
        let mut client = SyncClient::new(&format!("peer-{user}")).await;
        client.connect(server.sync_url(), &token).await;
        let mut written = Vec::new();
        for (doc, want) in docs.iter().zip(wants) {
            let id = ids[doc].clone();
            let handle = client.find(&id).await;
            let got_read = handle.is_some();
            if got_read != (want != No) {
                failures.push(format!("{user} read {doc}: got {got_read}, want {want:?}"));
                continue;
            }
            let Some(handle) = handle else { continue };
            let key = format!("probe-{user}");
            probe(&handle, &key);
            if want == Write {
                client.wait_acknowledged(&handle).await;
            }
            written.push((doc, id, key, want, handle));
        }
        // Give read-only edits every chance to (wrongly) arrive, then check what was stored.
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        for (doc, id, key, want, _handle) in &written {
            let stored = blocking(|| stored_has(&server, id, key));
            if stored != (*want == Write) {
                failures.push(format!(
                    "{user} write {doc}: stored {stored}, want {want:?}"
                ));
            }
        }
        client.stop().await;
    }
    assert!(
        failures.is_empty(),
        "authorization matrix:\n{}",
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forced_writes_without_write_access_are_refused_logged_and_never_stored() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let token = blocking(|| server.login_demo(INSPECTORATE));
    let plan = blocking(|| server.doc_id(&token, "plan", None));
    let own = blocking(|| server.doc_id(&token, "progress", Some(INSPECTORATE)));
    let refused = || {
        blocking(|| {
            server.get_json("/api/health").1["refused_writes"]
                .as_u64()
                .unwrap()
        })
    };
    assert_eq!(refused(), 0);

    let mut socket = RawSocket::connect(&server.sync_url(), Some(&token))
        .await
        .unwrap();
    let server_peer = socket.join("raw-inspectorate").await;
    let send = |doc: &str, key: &str| {
        frame(
            &[
                ("type", "sync"),
                ("senderId", "raw-inspectorate"),
                ("targetId", &server_peer),
                ("documentId", doc),
            ],
            Some(&forced_change(key)),
        )
    };
    // The same kind of message on the unit's own progress is a real write: it is stored.
    socket.send_binary(send(&own, "forced-own")).await;
    // On the plan (read-only for a unit editor) it is refused.
    socket.send_binary(send(&plan, "forced-plan")).await;
    let deadline = std::time::Instant::now() + PATIENCE;
    while refused() == 0 || !blocking(|| stored_has(&server, &own, "forced-own")) {
        assert!(
            std::time::Instant::now() < deadline,
            "no refusal / no write seen"
        );
        let _ = socket.next(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(refused(), 1, "the refused write is counted once");
    assert!(
        !blocking(|| stored_has(&server, &plan, "forced-plan")),
        "never applied"
    );
    // The connection stays usable: the server still answers on it.
    socket
        .send_binary(frame(
            &[
                ("type", "request"),
                ("senderId", "raw-inspectorate"),
                ("targetId", &server_peer),
                ("documentId", &plan),
            ],
            Some(&empty_sync_message()),
        ))
        .await;
    let mut answered = false;
    for _ in 0..20 {
        if let RawEvent::Binary(b) = socket.next(PATIENCE).await
            && frame_type(&b) == "sync"
        {
            answered = true;
            break;
        }
    }
    assert!(answered, "the plan is still served read-only");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sockets_without_a_valid_session_get_nothing() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let url = server.sync_url();
    assert_eq!(RawSocket::connect(&url, None).await.err(), Some(401));
    assert_eq!(
        RawSocket::connect(&url, Some("not-a-token")).await.err(),
        Some(401)
    );
    let token = blocking(|| server.login_demo(INSPECTORATE));
    let (code, _) =
        blocking(|| server.post_json("/api/logout", Some(&token), serde_json::json!({})));
    assert_eq!(code, 200);
    assert_eq!(
        RawSocket::connect(&url, Some(&token)).await.err(),
        Some(401),
        "a logged-out session is refused"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_out_closes_the_sessions_open_sync_connections() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let token = blocking(|| server.login_demo(INSPECTORATE));
    let mut socket = RawSocket::connect(&server.sync_url(), Some(&token))
        .await
        .unwrap();
    socket.join("raw-logout").await;
    let (code, _) =
        blocking(|| server.post_json("/api/logout", Some(&token), serde_json::json!({})));
    assert_eq!(code, 200);
    let (close, reason) = socket.expect_close().await;
    assert_eq!((close, reason.as_str()), (1008, "session ended"));
}

/// The same matrix over HTTP: reading a plan (plan + organisation), the merged progress (status,
/// report list, report file) and writing a plan (an import of that agency's plan — refused, or
/// let through to the "already stored" conflict), for every role and both agencies.
#[test]
fn every_role_gets_exactly_its_access_over_http() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let commune = second_agency(&server);
    let seed_plan = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe".to_string();
    let plans = [
        (seed_plan, tiendo_server::SEED_PLAN),
        (commune.plan_id.clone(), COMMUNE_PLAN),
    ];

    use Want::*;
    // Per plan: [plan, merged progress, plan write]; seed agency first, then the commune.
    let table: [(&str, Option<&str>, [Want; 6]); 5] = [
        ("thanh-tra-so", None, [Read, No, No, No, No, No]),
        (OFFICE, None, [Read, Read, Write, No, No, No]),
        (
            "so-noi-vu",
            Some("mat-khau-thu"),
            [Read, Read, No, Read, Read, No],
        ),
        ("admin", None, [Read, Read, Write, Read, Read, Write]),
        ("xa-mau", Some("mat-khau-thu"), [No, No, No, Read, No, No]),
    ];
    let allowed = |code: u16| (200..300).contains(&code) || code == 409;
    let mut failures = Vec::new();
    for (user, password, wants) in table {
        let (name, password) = match password {
            Some(p) => (user.to_string(), p.to_string()),
            None => (server.demo_username(user), server.password(user)),
        };
        let token = server.login(&name, &password);
        for (i, (plan_id, text)) in plans.iter().enumerate() {
            let [plan, merged, write] = [wants[3 * i], wants[3 * i + 1], wants[3 * i + 2]];
            let mut check = |what: &str, code: u16, want: bool| {
                let refused = code == 403 || code == 404;
                if allowed(code) != want || (!want && !refused) {
                    failures.push(format!("{user} {what} of {plan_id}: {code}, want {want}"));
                }
            };
            check(
                "plan",
                server
                    .get_json_as(&token, &format!("/api/plans/{plan_id}"))
                    .0,
                plan != No,
            );
            for path in ["status", "reports"] {
                let code = server
                    .get_json_as(&token, &format!("/api/plans/{plan_id}/{path}"))
                    .0;
                check(path, code, merged != No);
            }
            let file = format!("/api/plans/{plan_id}/reports/q1.xlsx");
            check(
                "report file",
                server.download(&token, &file).0,
                merged != No,
            );
            check(
                "plan import",
                server.post_text("/api/plans", &token, text).0,
                write == Write,
            );
        }
    }

    // Evidence files: one named in each agency's unit report (the seed's Thanh tra, the
    // commune's unit). Per user: [read the seed file, upload to the seed report, read the
    // commune file, upload to the commune report].
    let seed_unit = server.login_demo("thanh-tra-so");
    let seed_doc = server.doc_id(&seed_unit, "progress", Some("thanh-tra-so"));
    let commune_unit = server.login("xa-mau", "mat-khau-thu");
    let commune_doc = commune.progress_docs[0].1.clone();
    let mut named = Vec::new();
    for (token, doc, author, seed) in [
        (
            &seed_unit,
            &seed_doc,
            server.demo_username("thanh-tra-so"),
            1u8,
        ),
        (&commune_unit, &commune_doc, "xa-mau".to_string(), 2u8),
    ] {
        let bytes = [b"%PDF-1.4 minh chung ".as_slice(), &[seed; 64]].concat();
        let sha = server
            .tus_upload(token, doc, "application/pdf", &bytes)
            .unwrap_or_else(|e| panic!("the unit uploads to its own report: {e:?}"));
        let (lib, doc, named_sha) = (server.library().clone(), doc.clone(), sha.clone());
        server.on_server(async move {
            let id = doc.parse().unwrap();
            let handle = lib.repo().find(id).await.unwrap().unwrap();
            tiendo_tests::edit::<tiendo_shared::model::Progress>(&handle, &author, |p| {
                p.entry_mut("t1-a", tiendo_shared::model::PeriodKind::Q1)
                    .evidence
                    .push(tiendo_shared::model::Evidence {
                        id: "ev".into(),
                        files: vec![tiendo_shared::model::EvidenceFile {
                            sha256: named_sha,
                            name: "minh-chung.pdf".into(),
                            mime: "application/pdf".into(),
                            ..Default::default()
                        }],
                        ..Default::default()
                    })
            });
        });
        named.push(sha);
    }
    let files: [(&str, Option<&str>, [bool; 4]); 5] = [
        ("thanh-tra-so", None, [true, true, false, false]),
        (OFFICE, None, [true, false, false, false]),
        (
            "so-noi-vu",
            Some("mat-khau-thu"),
            [true, false, true, false],
        ),
        ("admin", None, [true, true, true, true]),
        ("xa-mau", Some("mat-khau-thu"), [false, false, true, true]),
    ];
    for (user, password, [read_seed, write_seed, read_commune, write_commune]) in files {
        let (name, password) = match password {
            Some(p) => (user.to_string(), p.to_string()),
            None => (server.demo_username(user), server.password(user)),
        };
        let token = server.login(&name, &password);
        for (sha, doc, read, write) in [
            (&named[0], &seed_doc, read_seed, write_seed),
            (&named[1], &commune_doc, read_commune, write_commune),
        ] {
            let code = server.download(&token, &format!("/api/files/{sha}")).0;
            if (code == 200) != read || (!read && code != 404) {
                failures.push(format!("{user} reads file {sha}: {code}, want {read}"));
            }
            // A new file for the report: created only with write access (403 otherwise).
            let fresh = format!("%PDF-1.4 {user} {doc}");
            let upload = server.tus_upload(&token, doc, "application/pdf", fresh.as_bytes());
            match (&upload, write) {
                (Ok(_), true) | (Err((403, _)), false) => {}
                _ => failures.push(format!("{user} uploads to {doc}: {upload:?}, want {write}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "HTTP authorization matrix:\n{}",
        failures.join("\n")
    );
}
