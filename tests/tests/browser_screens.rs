//! Every screen of every role fits the device and passes axe-core, in headless Chromium against
//! a real server (scenario `tests/browser/screens.mjs`): a unit editor, its head, the central
//! office, the agency head, a province viewer, the appraisal team and the system administrator each open every tab they have (and a
//! task's form, the bundle panel, an agency of the roll-up) at 800×1280 and 1366×900. On none
//! does the page scroll sideways; axe-core (WCAG 2.1 A and AA) finds nothing serious or
//! critical; every control is a 44 px touch target; printed, only the content goes on paper;
//! and a screenshot of each is written
//! (`scripts/screens` keeps them in a folder to look at after a change).

use std::collections::BTreeSet;

use tiendo_tests::browser::{Scenario, client_copy, screenshot_dir};
use tiendo_tests::{TestServer, blocking, data_dir};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_of_every_role_fits_tablet_and_desktop_and_passes_axe() {
    let dir = data_dir();
    let dist = client_copy();
    let static_dir = dist.path().to_path_buf();
    let server = blocking(|| TestServer::start_with(dir.path(), |c| c.static_dir = static_dir));
    server.add_province_viewer("so-noi-vu");
    let account = |role: &str, who: &str| {
        let (user, password) = if who == "so-noi-vu" {
            (who.to_string(), "mat-khau-thu".to_string())
        } else {
            (server.demo_username(who), server.password(who))
        };
        serde_json::json!({ "role": role, "user": user, "password": password })
    };
    let accounts = serde_json::json!([
        account("unit", "thanh-tra-so"),
        account("head", "thanh-tra-so.truong"),
        account("office", "phong-hanh-chinh-tong-hop"),
        account("province", "so-noi-vu"),
        account("agency-head", "giamdoc"),
        account("appraiser", "thamdinh"),
        account("admin", "admin"),
    ]);
    // The pictures stay where `scripts/screens` (or a failure's reader) finds them.
    let out = std::env::var_os("TIENDO_SCREENS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| screenshot_dir("screens"));
    let mut run = Scenario::start(
        "screens",
        &[
            ("BASE", server.url("/")),
            ("ACCOUNTS", accounts.to_string()),
            ("OUT", out.display().to_string()),
        ],
    );
    std::fs::create_dir_all(&out).expect("screenshot folder");
    let seen = blocking(|| run.expect_within("screens", std::time::Duration::from_secs(600)));
    run.finish();
    let screens = seen["seen"].as_array().expect("screens measured");

    // Each role saw its own screens, at both widths.
    let names = |role: &str| -> BTreeSet<String> {
        screens
            .iter()
            .filter(|s| s["role"] == role)
            .map(|s| format!("{}@{}", s["screen"].as_str().unwrap(), s["width"]))
            .collect()
    };
    for (role, must) in [
        (
            "unit",
            &["tasks", "task-form", "plan", "par", "account", "bundles"][..],
        ),
        ("head", &["tasks", "task-form", "account"][..]),
        (
            "office",
            &[
                "tasks",
                "summary",
                "plan",
                "organisation",
                "par",
                "account",
                "bundles",
            ][..],
        ),
        ("agency-head", &["par", "account"][..]),
        ("appraiser", &["par", "province", "account"][..]),
        ("province", &["province", "province-agency", "account"][..]),
        ("admin", &["summary", "province", "account"][..]),
    ] {
        let got = names(role);
        for screen in must {
            for width in [800, 1366] {
                assert!(
                    got.contains(&format!("{screen}@{width}")),
                    "{role} did not reach {screen} at {width}: {got:?}"
                );
            }
        }
    }
    let mut problems = Vec::new();
    for s in screens {
        let what = format!("{} {} at {} px", s["role"], s["screen"], s["width"]);
        if s["scrollWidth"].as_u64() > s["innerWidth"].as_u64() {
            problems.push(format!(
                "{what}: scrolls sideways ({} > {}): {}",
                s["scrollWidth"], s["innerWidth"], s["widest"]
            ));
        }
        if !s["violations"].as_array().unwrap().is_empty() {
            problems.push(format!("{what}: axe-core: {}", s["violations"]));
        }
        if !s["printed"].as_array().unwrap().is_empty() {
            problems.push(format!("{what}: printed with {}", s["printed"]));
        }
        if !s["small"].as_array().unwrap().is_empty() {
            problems.push(format!("{what}: under 44 px: {}", s["small"]));
        }
        let shot = s["shot"].as_str().unwrap();
        assert!(
            std::fs::metadata(shot).is_ok_and(|m| m.len() > 1000),
            "{what}: no screenshot at {shot}"
        );
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
