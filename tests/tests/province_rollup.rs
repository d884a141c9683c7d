//! The province's roll-up on a real server with two agencies (the seed's Sở and a commune): its
//! figures are each agency's own `/status`; only the province viewer and the system
//! administrator get it (a unit editor or an agency admin gets 403, no session 401); after one
//! unit's edit only that agency's row is recomputed; its XLSX (API and `tiendo province
//! report`) reads back with the same figures. A province built from every plan layout the
//! importer reads (sở, xã, phường, đặc khu, each with a year of history) rolls up as each
//! agency's own status says. A restarted server rolls up from the readings it kept in SQLite for
//! documents whose stored chunks did not change, and reads again the ones that did.

use calamine::{Data, Reader, Xlsx};
use tiendo_shared::model::{PeriodKind, Progress, WorkStatus};
use tiendo_shared::views::province::Rollup;
use tiendo_shared::views::status::Summary;
use tiendo_tests::stores::{Db, open_store, store_setting};
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, edit};

const COMMUNE_PLAN: &str = include_str!("../../shared/tests/fixtures/ke-hoach-ubnd-xa-mau.txt");
const QUERY: &str = "period=q1&as_of=2025-03-31";

/// GET `path` as `token`: status, the recomputed count header, the body.
fn get(server: &TestServer, token: Option<&str>, path: &str) -> (u16, Option<usize>, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut req = agent.get(&server.url(path));
    if let Some(t) = token {
        req = req.header("Authorization", &format!("Bearer {t}"));
    }
    let mut resp = req.call().expect("a response");
    let status = resp.status().as_u16();
    let recomputed = resp
        .headers()
        .get("x-tiendo-recomputed")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let body = resp.body_mut().read_to_vec().expect("a body");
    (status, recomputed, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_province_sees_every_agency_as_its_own_status_says_and_nobody_else_does() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let lib = server.library().clone();
    let commune = server.on_server(async move { lib.import_text(COMMUNE_PLAN).await.unwrap() });
    server.add_province_viewer("so-noi-vu");
    let province = blocking(|| server.login("so-noi-vu", "mat-khau-thu"));
    let path = format!("/api/province/rollup?{QUERY}");

    let (status, recomputed, body) = blocking(|| get(&server, Some(&province), &path));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(recomputed, Some(2), "both agencies computed the first time");
    let rollup: Rollup = serde_json::from_slice(&body).expect("a roll-up");
    assert_eq!(rollup.rows.len(), 2);
    for row in &rollup.rows {
        let (status, summary) = blocking(|| {
            server.get_json_as(
                &province,
                &format!("/api/plans/{}/status?{QUERY}", row.plan_id),
            )
        });
        assert_eq!(status, 200);
        let summary: Summary = serde_json::from_value(summary).unwrap();
        assert_eq!(
            row.counts, summary.headline,
            "{}: the agency's own status",
            row.agency
        );
        assert_eq!(row.criteria.len(), 3, "{}", row.agency);
    }
    let kinds: Vec<&str> = rollup.rows.iter().map(|r| r.kind.as_str()).collect();
    assert!(kinds.contains(&"so"), "{kinds:?}");

    // Asked again with nothing changed: nothing recomputed. After one unit's edit: its agency.
    let (_, recomputed, _) = blocking(|| get(&server, Some(&province), &path));
    assert_eq!(recomputed, Some(0));
    let unit = blocking(|| server.login_demo("thanh-tra-so"));
    let doc_id = blocking(|| server.doc_id(&unit, "progress", Some("thanh-tra-so")));
    let mut tablet = SyncClient::new("tablet-rollup").await;
    tablet.connect(server.sync_url(), &unit).await;
    let doc = tablet.find(&doc_id).await.unwrap();
    edit::<Progress>(&doc, &server.demo_username("thanh-tra-so"), |p| {
        let e = p.entry_mut("t2-d", PeriodKind::Q1);
        e.status = WorkStatus::Done;
        e.percent = 100;
        e.completed_on = Some("2025-03-01".parse().unwrap());
    });
    tablet.wait_acknowledged(&doc).await;
    tablet.stop().await;
    let (_, recomputed, body) = blocking(|| get(&server, Some(&province), &path));
    assert_eq!(
        recomputed,
        Some(1),
        "only the agency whose documents changed"
    );
    let after: Rollup = serde_json::from_slice(&body).unwrap();
    let so = |r: &Rollup| {
        r.rows
            .iter()
            .find(|x| x.plan_id != commune.plan_id)
            .unwrap()
            .counts
            .clone()
    };
    assert_eq!(
        so(&after).done_on_time,
        so(&rollup).done_on_time + 1,
        "the edit counts"
    );

    // Who may not.
    let office = blocking(|| server.login_demo("phong-hanh-chinh-tong-hop"));
    for (who, token) in [
        ("unit editor", Some(unit.as_str())),
        ("agency admin", Some(office.as_str())),
    ] {
        let (status, _, body) = blocking(|| get(&server, token, &path));
        assert_eq!(status, 403, "{who}: {}", String::from_utf8_lossy(&body));
        let (status, _, _) = blocking(|| {
            get(
                &server,
                token,
                &format!("/api/province/rollup.xlsx?{QUERY}"),
            )
        });
        assert_eq!(status, 403, "{who}: the export too");
    }
    assert_eq!(blocking(|| get(&server, None, &path)).0, 401);
    let admin = blocking(|| server.login_demo("admin"));
    assert_eq!(blocking(|| get(&server, Some(&admin), &path)).0, 200);
    let (status, _, body) =
        blocking(|| get(&server, Some(&province), "/api/province/rollup?period=q5"));
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));

    // The export, from the API and from the command line, reads back with the same figures.
    let (status, _, api_xlsx) = blocking(|| {
        get(
            &server,
            Some(&province),
            &format!("/api/province/rollup.xlsx?{QUERY}"),
        )
    });
    assert_eq!(status, 200);
    let out = dir.path().join("tong-hop.xlsx");
    let said = tiendo_tests::process::RealServer::cli(
        dir.path(),
        &[
            "province",
            "report",
            "--period",
            "q1",
            "--as-of",
            "2025-03-31",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(said.contains("2 cơ quan"), "{said}");
    for bytes in [api_xlsx, std::fs::read(&out).unwrap()] {
        let mut book: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book
            .worksheet_range("Toàn tỉnh")
            .expect("the agencies' sheet");
        assert_eq!(sheet.height(), 3 + 2, "title, blank, heading, two agencies");
        for row in &after.rows {
            let r = (3..5u32)
                .find(|r| sheet.get_value((*r, 0)) == Some(&Data::String(row.agency.clone())))
                .unwrap_or_else(|| panic!("{} has a row", row.agency));
            assert_eq!(
                sheet.get_value((r, 4)),
                Some(&Data::Float(row.counts.done_on_time as f64)),
                "{}",
                row.agency
            );
        }
        let criteria = book
            .worksheet_range("Tiêu chí")
            .expect("the criteria sheet");
        assert_eq!(criteria.height(), 1 + 2 * 3);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_province_of_every_plan_layout_rolls_up_as_each_agency_says() {
    use tiendo_tests::province::{LAYOUTS, add_agency_from};
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let lib = server.library().clone();
    let seats = server.on_server(async move {
        let mut seats = Vec::new();
        for (k, layout) in LAYOUTS.iter().enumerate() {
            seats.push(add_agency_from(&lib, k, 2, 24, layout).await);
        }
        seats
    });
    server.add_province_viewer("so-noi-vu");
    let province = blocking(|| server.login("so-noi-vu", "mat-khau-thu"));
    let query = "period=year&as_of=2025-12-31";
    let (status, _, body) = blocking(|| {
        get(
            &server,
            Some(&province),
            &format!("/api/province/rollup?{query}"),
        )
    });
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let rollup: Rollup = serde_json::from_slice(&body).expect("a roll-up");
    assert_eq!(
        rollup.rows.len(),
        LAYOUTS.len() + 1,
        "the seed's agency and one per layout"
    );
    for seat in &seats {
        let row = rollup
            .rows
            .iter()
            .find(|r| r.plan_id == seat.plan_id)
            .unwrap_or_else(|| panic!("a row for {}", seat.plan_id));
        let (status, summary) = blocking(|| {
            server.get_json_as(
                &province,
                &format!("/api/plans/{}/status?{query}", seat.plan_id),
            )
        });
        assert_eq!(status, 200);
        let summary: Summary = serde_json::from_value(summary).unwrap();
        assert!(summary.headline.total > 0, "{}: tasks", row.agency);
        assert!(
            summary.tasks.iter().any(|t| !t.reports.is_empty()),
            "{}: its year of history counts",
            row.agency
        );
        assert_eq!(row.counts, summary.headline, "{}", row.agency);
        assert!(row.reports.expected > 0, "{}: reporting units", row.agency);
    }
    let mut kinds: Vec<&str> = rollup.rows.iter().map(|r| r.kind.as_str()).collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(kinds, ["dac_khu", "phuong", "so", "xa"], "{kinds:?}");
}

/// The reading kept in `db` for document `doc_id`, changed by `change` (the test's way to see
/// whether a restarted server used it or read the document again).
fn alter_kept_reading(db: &Db, doc_id: &str, change: impl FnOnce(&mut serde_json::Value)) {
    let data = db.one(
        "SELECT data FROM doc_readings WHERE doc_id = $1",
        &[doc_id.into()],
    );
    let mut reading: serde_json::Value = serde_json::from_slice(data.bytes()).unwrap();
    change(&mut reading);
    db.execute(
        "UPDATE doc_readings SET data = $2 WHERE doc_id = $1",
        &[doc_id.into(), serde_json::to_vec(&reading).unwrap().into()],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_server_rolls_up_from_the_readings_it_kept_but_never_from_changed_documents() {
    let dir = data_dir();
    let path = format!("/api/province/rollup?{QUERY}");
    let first: Rollup = {
        let server = blocking(|| TestServer::start(dir.path()));
        server.add_province_viewer("so-noi-vu");
        let province = blocking(|| server.login("so-noi-vu", "mat-khau-thu"));
        let (status, _, body) = blocking(|| get(&server, Some(&province), &path));
        assert_eq!(status, 200);
        serde_json::from_slice(&body).unwrap()
    }; // A graceful stop: the readings made are written.
    let db = Db::of(dir.path());
    let store = open_store(dir.path()).await;
    let records = store.documents().await.unwrap();
    drop(store);
    let doc_of = |kind: tiendo_server::store::DocKind| {
        records
            .iter()
            .find(|r| r.kind == kind)
            .map(|r| r.doc_id.clone())
            .unwrap()
    };
    let (plan_doc, org_doc) = (
        doc_of(tiendo_server::store::DocKind::Plan),
        doc_of(tiendo_server::store::DocKind::Org),
    );
    let kept = db.one("SELECT count(*) FROM doc_readings", &[]).int();
    let rolled_up = records
        .iter()
        .filter(|r| tiendo_server::store::DocKind::FIRST.contains(&r.kind))
        .count();
    assert_eq!(
        kept as usize, rolled_up,
        "every document read was kept (the roll-up reads no PAR-index document)"
    );

    // While it is down: both kept readings are altered, and the organisation document changes.
    alter_kept_reading(&db, &plan_doc, |r| {
        r["model"]["title"] = "TIÊU ĐỀ TỪ BẢN ĐÃ LƯU".into()
    });
    alter_kept_reading(&db, &org_doc, |r| {
        r["model"]["agencies"][0]["name"] = "TÊN TỪ BẢN ĐÃ LƯU".into()
    });
    let config = tiendo_server::config::Config {
        data_dir: dir.path().to_path_buf(),
        store: store_setting(dir.path()),
        ..Default::default()
    };
    let (library, _) = tiendo_server::open(&config).await.unwrap();
    let org = library
        .repo()
        .find(org_doc.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    edit::<tiendo_shared::model::Org>(&org, "admin", |o| {
        o.agencies[0].name = "Sở Khoa học và Công nghệ (đổi tên)".into()
    });
    library.stop().await;
    drop(library);

    let server = blocking(|| TestServer::start(dir.path()));
    let province = blocking(|| server.login("so-noi-vu", "mat-khau-thu"));
    let (status, recomputed, body) = blocking(|| get(&server, Some(&province), &path));
    assert_eq!(status, 200);
    assert_eq!(recomputed, Some(1));
    let again: Rollup = serde_json::from_slice(&body).unwrap();
    let (before, after) = (&first.rows[0], &again.rows[0]);
    assert_eq!(
        after.plan_title, "TIÊU ĐỀ TỪ BẢN ĐÃ LƯU",
        "the plan did not change: its kept reading is used, not hydrated again"
    );
    assert_eq!(
        after.agency, "Sở Khoa học và Công nghệ (đổi tên)",
        "the organisation changed: read again, its kept reading ignored"
    );
    assert_eq!(after.counts, before.counts);
}
