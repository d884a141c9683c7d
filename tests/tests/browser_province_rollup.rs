//! The province viewer's screen in headless Chromium against a real server with two agencies
//! (scenario `tests/browser/province_rollup.mjs`): it opens on this year's plans and working
//! period; with 2025 picked the roll-up shows both agencies' 2025 plans, sorts both ways,
//! filters by kind, drills into an agency read-only from the server's figures, and shows the
//! kept roll-up offline.

use tiendo_tests::browser::{Scenario, client_copy};
use tiendo_tests::{TestServer, blocking, data_dir};

const COMMUNE_PLAN: &str = include_str!("../../shared/tests/fixtures/ke-hoach-ubnd-xa-mau.txt");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_province_sorts_filters_and_opens_an_agency_without_its_documents() {
    let dir = data_dir();
    let dist = client_copy();
    let static_dir = dist.path().to_path_buf();
    let server = blocking(|| TestServer::start_with(dir.path(), |c| c.static_dir = static_dir));
    let lib = server.library().clone();
    server.on_server(async move { lib.import_text(COMMUNE_PLAN).await.unwrap() });
    server.add_province_viewer("so-noi-vu");
    let mut run = Scenario::start(
        "province_rollup",
        &[
            ("BASE", server.url("/")),
            ("USER", "so-noi-vu".into()),
            ("PASSWORD", "mat-khau-thu".into()),
        ],
    );
    let seen = blocking(|| run.expect("seen"));
    let names = |k: &str| -> Vec<String> {
        seen[k]
            .as_array()
            .unwrap_or_else(|| panic!("{k}: {seen:#}"))
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let first: Vec<String> = seen["first"]["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(first.len(), 2, "both agencies: {seen:#}");
    // It opened on this year (the browser's clock) and its working period.
    let today = tiendo_server::today();
    assert!(
        seen["opened"]["title"]
            .as_str()
            .unwrap()
            .ends_with(&format!("năm {}", today.year())),
        "{seen:#}"
    );
    assert_eq!(
        seen["opened"]["period"],
        tiendo_shared::views::status::working_period(today.year(), today).as_str(),
        "{seen:#}"
    );
    assert!(
        seen["first"]["title"]
            .as_str()
            .unwrap()
            .ends_with("năm 2025"),
        "{seen:#}"
    );
    if today.year() > 2025 {
        assert!(
            seen["first"]["note"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Năm 2025 đã kết thúc"),
            "a past year says so: {seen:#}"
        );
    }
    let mut sorted = first.clone();
    sorted.sort();
    assert_eq!(names("byNameAsc"), sorted, "{seen:#}");
    sorted.reverse();
    assert_eq!(names("byNameDesc"), sorted, "{seen:#}");
    let totals: Vec<u64> = seen["byTotal"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert!(
        totals.windows(2).all(|w| w[0] >= w[1]),
        "descending: {totals:?}"
    );
    let sos = names("sos");
    assert_eq!(
        sos,
        vec!["Sở Khoa học và Công nghệ".to_string()],
        "{seen:#}"
    );
    let agency = &seen["agency"];
    assert_eq!(agency["criteria"], 3, "{seen:#}");
    assert!(agency["areas"].as_u64().unwrap() >= 1, "{seen:#}");
    assert!(
        agency["working"]
            .as_str()
            .unwrap()
            .contains("Ban hành kế hoạch CCHC năm đúng thời hạn"),
        "{seen:#}"
    );
    let offline = &seen["offline"];
    assert_eq!(offline["names"].as_array().unwrap().len(), 2, "{seen:#}");
    assert!(
        offline["computed"]
            .as_str()
            .unwrap()
            .contains("bản lưu trên máy"),
        "{seen:#}"
    );
    blocking(|| run.finish());
}
