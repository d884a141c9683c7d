//! The unit build and the office build in headless Chromium against a real server: a unit's
//! first visit on a new profile requests only the unit build's files (page and service worker
//! alike) and its service worker keeps only them; the central office signing in on the same
//! profile then fetches the office build, the worker keeps it in place of the unit's, and its
//! dashboard opens with the network gone.

use tiendo_tests::browser::{Scenario, client_copy};
use tiendo_tests::{TestServer, blocking, data_dir};

const UNIT: &str = "phong-quan-ly-tieu-chuan-do-luong-chat-luong";
const OFFICE: &str = "phong-hanh-chinh-tong-hop";

fn paths(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("a list of paths: {v}"))
        .iter()
        .map(|p| p.as_str().expect("path").to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_downloads_only_the_unit_build_and_the_office_gets_its_own_that_works_offline() {
    let dir = data_dir();
    let dist = client_copy();
    let static_dir = dist.path().to_path_buf();
    let server = blocking(|| TestServer::start_with(dir.path(), |c| c.static_dir = static_dir));
    let mut run = Scenario::start(
        "two_builds",
        &[
            ("BASE", server.url("/")),
            ("UNIT_USER", server.demo_username(UNIT)),
            ("UNIT_PASSWORD", server.password(UNIT)),
            ("OFFICE_USER", server.demo_username(OFFICE)),
            ("OFFICE_PASSWORD", server.password(OFFICE)),
        ],
    );

    let unit = blocking(|| run.expect("unit"));
    let unit_files = paths(&unit["builds"]["unit"]);
    let office_files = paths(&unit["builds"]["office"]);
    assert_eq!(unit_files.len(), 2, "glue and wasm: {unit:#}");
    assert!(
        unit_files.iter().all(|f| !office_files.contains(f)),
        "two different builds: {unit:#}"
    );
    let requested = paths(&unit["requested"]);
    let cached = paths(&unit["cached"]);
    for f in &unit_files {
        assert!(
            requested.contains(f),
            "the unit build was fetched: {f}: {unit:#}"
        );
        assert!(
            cached.contains(f),
            "the unit build is kept offline: {f}: {unit:#}"
        );
    }
    for f in &office_files {
        assert!(
            !requested.contains(f),
            "a unit never fetches the office build: {f}: {unit:#}"
        );
        assert!(
            !cached.contains(f),
            "nor does its worker keep it: {f}: {unit:#}"
        );
    }
    let size = |f: &str| {
        std::fs::metadata(dist.path().join(f.trim_start_matches('/')))
            .expect("built file")
            .len()
    };
    assert!(
        size(&unit_files[1]) < size(&office_files[1]),
        "the unit build leaves the office's screens out: {} vs {} bytes",
        size(&unit_files[1]),
        size(&office_files[1])
    );

    let office = blocking(|| run.expect("office"));
    let requested = paths(&office["requested"]);
    let cached = paths(&office["cached"]);
    for f in &office_files {
        assert!(
            requested.contains(f),
            "the office build was fetched: {f}: {office:#}"
        );
        assert!(cached.contains(f), "and kept offline: {f}: {office:#}");
    }
    for f in &unit_files {
        assert!(
            !cached.contains(f),
            "only the signed-in user's build is kept: {f}: {office:#}"
        );
    }

    let offline = blocking(|| run.expect("office-offline"));
    assert!(
        offline["indicator"]
            .as_str()
            .unwrap()
            .contains("Ngoại tuyến"),
        "{offline:#}"
    );
    assert!(
        offline["bars"].as_u64().unwrap() >= 8,
        "the dashboard's bars by area, offline: {offline:#}"
    );
    blocking(|| run.finish());
}
