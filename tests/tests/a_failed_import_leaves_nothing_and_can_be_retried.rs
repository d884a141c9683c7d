//! A plan import is one unit of work: when it fails part-way (here: as it creates a unit's
//! progress document, through the test-only `Config::fail_import`), nothing of it is catalogued —
//! no plan, no organisation of a new agency, no progress document — and the same import, tried
//! again, succeeds with every document once.

use tiendo_server::store::{DocKind, DocRecord};
use tiendo_tests::{TestServer, data_dir, province::synthetic_agency};

/// What the catalogue holds for agency `agency_id`, in the server's memory and in the store (what
/// a restart would see), which must agree.
fn catalogued(server: &TestServer, agency_id: &str) -> Vec<DocRecord> {
    let library = server.library().clone();
    let mut in_memory: Vec<DocRecord> = library
        .catalogue()
        .all()
        .into_iter()
        .filter(|d| d.agency_id == agency_id)
        .collect();
    let agency = agency_id.to_string();
    let mut stored: Vec<DocRecord> = server.on_server(async move {
        library
            .store()
            .documents()
            .await
            .expect("the catalogue")
            .into_iter()
            .filter(|d| d.agency_id == agency)
            .collect()
    });
    in_memory.sort_by(|a, b| a.doc_id.cmp(&b.doc_id));
    stored.sort_by(|a, b| a.doc_id.cmp(&b.doc_id));
    assert_eq!(in_memory, stored, "memory and store agree");
    in_memory
}

#[test]
fn a_new_agencys_import_that_fails_at_its_third_unit_leaves_nothing_and_succeeds_when_retried() {
    let dir = data_dir();
    let imported = synthetic_agency(7, 5);
    let plan_id = imported.plan.id.clone();
    let agency_id = imported.plan.agency_id.clone();
    let server = TestServer::start_with(dir.path(), |c| {
        c.fail_import = Some((plan_id.clone(), 3));
    });
    let library = server.library().clone();

    let failed = server.on_server({
        let (library, imported) = (library.clone(), imported.clone());
        async move { library.import(imported, "admin").await }
    });
    assert!(failed.is_err(), "the injected failure stops the import");
    assert_eq!(
        catalogued(&server, &agency_id),
        Vec::new(),
        "no plan, no organisation, no progress document of the failed import"
    );
    let plans = server.on_server({
        let library = library.clone();
        async move { library.plans().await.expect("the plans") }
    });
    assert!(
        plans.iter().all(|p| p.id != plan_id),
        "the plan does not exist"
    );

    let report = server
        .on_server({
            let (library, imported) = (library.clone(), imported.clone());
            async move { library.import(imported, "admin").await }
        })
        .expect("the retry imports");
    assert_eq!(report.plan_id, plan_id);
    let rows = catalogued(&server, &agency_id);
    let count = |kind: DocKind| rows.iter().filter(|d| d.kind == kind).count();
    assert_eq!(count(DocKind::Plan), 1, "{rows:?}");
    assert_eq!(count(DocKind::Org), 1, "{rows:?}");
    assert_eq!(count(DocKind::Progress), report.progress_docs.len());
    assert!(report.progress_docs.len() >= 5, "{report:?}");
    let mut units: Vec<&str> = rows.iter().filter_map(|d| d.unit_id.as_deref()).collect();
    units.sort();
    units.dedup();
    assert_eq!(units.len(), report.progress_docs.len(), "each unit once");

    // And a third time it is what it always was: already imported.
    let again = server.on_server(async move { library.import(imported, "admin").await });
    let refused = again.expect_err("a plan is imported once").to_string();
    assert!(refused.contains("đã được nhập"), "{refused}");
}

#[test]
fn the_central_offices_next_plan_failing_part_way_through_the_api_can_be_sent_again() {
    const OFFICE: &str = "phong-hanh-chinh-tong-hop";
    let text = tiendo_server::SEED_PLAN.replace("2025", "2026");
    let plan_id = "kh-cchc-2026-so-khoa-hoc-va-cong-nghe";
    let dir = data_dir();
    let server = TestServer::start_with(dir.path(), |c| {
        c.fail_import = Some((plan_id.to_string(), 2));
    });
    let office = server.login_demo(OFFICE);
    let seed = server.library().catalogue().all();
    let seeded_progress = seed.iter().filter(|d| d.kind == DocKind::Progress).count();
    let agency_id = seed[0].agency_id.clone();

    let (status, body) = server.post_text("/api/plans", &office, &text);
    assert_eq!(status, 500, "{body}");
    let (_, plans) = server.get_json_as(&office, "/api/plans");
    assert_eq!(plans.as_array().unwrap().len(), 1, "{plans}");
    assert!(
        catalogued(&server, &agency_id)
            .iter()
            .all(|d| d.plan_id.as_deref() != Some(plan_id)),
        "nothing of the 2026 plan is catalogued"
    );

    let (status, body) = server.post_text("/api/plans", &office, &text);
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["plan_id"], plan_id);
    let (_, plans) = server.get_json_as(&office, "/api/plans");
    assert_eq!(plans.as_array().unwrap().len(), 2, "{plans}");
    let progress: Vec<DocRecord> = catalogued(&server, &agency_id)
        .into_iter()
        .filter(|d| d.kind == DocKind::Progress && d.plan_id.as_deref() == Some(plan_id))
        .collect();
    assert_eq!(progress.len(), seeded_progress, "one per unit, as the seed");
}
