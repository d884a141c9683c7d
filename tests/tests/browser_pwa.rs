//! The built client in headless Chromium against a real server: installable (Chromium's own
//! installability check), opens offline from the service worker and IndexedDB, touch targets of
//! at least 44 px, and a new build announced with "Có phiên bản mới — tải lại", which takes the
//! files it shares with the old build from the old build's cache instead of downloading them.

use tiendo_tests::browser::{Scenario, client_copy};
use tiendo_tests::{TestServer, blocking, data_dir};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_installs_opens_offline_and_announces_a_new_version() {
    let dir = data_dir();
    let dist = client_copy();
    let static_dir = dist.path().to_path_buf();
    let server = blocking(|| TestServer::start_with(dir.path(), |c| c.static_dir = static_dir));
    let mut run = Scenario::start(
        "pwa_install_offline_update",
        &[
            ("BASE", server.url("/")),
            ("USERNAME", server.demo_username(OFFICE)),
            ("PASSWORD", server.password(OFFICE)),
            ("STATIC_DIR", dist.path().display().to_string()),
        ],
    );

    let install = blocking(|| run.expect("installability"));
    assert_eq!(install["errors"], serde_json::json!([]), "{install:#}");
    assert_eq!(
        install["manifestErrors"],
        serde_json::json!([]),
        "{install:#}"
    );
    assert!(
        install["manifestUrl"]
            .as_str()
            .unwrap()
            .ends_with("/manifest.webmanifest"),
        "{install:#}"
    );
    assert_eq!(install["display"], "standalone");
    assert_eq!(install["shortName"], "Tiến độ");
    let icons = install["icons"].to_string();
    for icon in ["192x192 any", "512x512 any", "512x512 maskable"] {
        assert!(icons.contains(icon), "icon {icon} missing: {icons}");
    }

    let touch = blocking(|| run.expect("touch-targets"));
    assert_eq!(
        touch["small"],
        serde_json::json!([]),
        "controls under 44 px: {touch:#}"
    );

    let offline = blocking(|| run.expect("offline-reload"));
    assert!(
        offline["rows"].as_u64().unwrap() >= 5,
        "the unit's tasks open offline: {offline:#}"
    );
    assert!(
        offline["indicator"]
            .as_str()
            .unwrap()
            .contains("Ngoại tuyến"),
        "{offline:#}"
    );

    let update = blocking(|| run.expect("update"));
    assert_eq!(update["bannerHiddenBefore"], true, "{update:#}");
    assert_eq!(update["banner"], "Có phiên bản mới — tải lại", "{update:#}");
    assert_eq!(
        update["caches"],
        serde_json::json!([update["expected"]]),
        "the new build's cache replaced the old one: {update:#}"
    );
    assert_eq!(update["bannerAfter"], false, "{update:#}");
    assert_eq!(
        update["wasmRemoved"], 6,
        "both builds' wasm and their pre-compressed forms were taken off the server, and the new \
         release still opened: it reused the kept build's copy instead of downloading it: \
         {update:#}"
    );
    blocking(|| run.finish());
}
