//! A unit merged while its tablet is offline, in headless Chromium against a real server
//! (scenario `tests/browser/org_merge.mjs`): the office records the merge on its "Tổ chức" tab;
//! the merged unit's tablet, back online, syncs what it wrote meanwhile (the server keeps it in
//! the merged unit's document), reopens as the successor and shows the merged unit's tasks under
//! it with both results; the office's figures count them for the successor after the merge and
//! for the merged unit before it. A unit retired with its accounts disabled: its tablet is told
//! what happened at its next start, its data still on screen.

use tiendo_shared::model::{PeriodKind, Progress};
use tiendo_tests::browser::{Scenario, client_copy};
use tiendo_tests::{TestServer, blocking, data_dir};

const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";
const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const MERGED: &str = "phong-quan-ly-tieu-chuan-do-luong-chat-luong";
const INTO: &str = "phong-quan-ly-cong-nghe-va-chuyen-nganh";
const INTO_NAME: &str = "Phòng Quản lý Công nghệ và Chuyên ngành";
const R1: &str = "Đã rà soát quy trình ISO trước khi sáp nhập";
const R2: &str = "Khảo sát đo lường ghi khi mất mạng";
/// Retired from 1 April 2025, its accounts disabled.
const RETIRED: &str = "to-kiem-tra-cai-cach-hanh-chinh-cua-so";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_tablet_of_a_merged_unit_syncs_and_shows_its_tasks_under_the_successor() {
    let dir = data_dir();
    let dist = client_copy();
    let static_dir = dist.path().to_path_buf();
    let server = blocking(|| TestServer::start_with(dir.path(), |c| c.static_dir = static_dir));
    let mut run = Scenario::start(
        "org_merge",
        &[
            ("BASE", server.url("/")),
            ("TABLET_USER", server.demo_username(MERGED)),
            ("TABLET_PASSWORD", server.password(MERGED)),
            ("OFFICE", server.demo_username(OFFICE)),
            ("OFFICE_PASSWORD", server.password(OFFICE)),
            ("MERGED", MERGED.into()),
            ("INTO", INTO.into()),
            ("INTO_NAME", INTO_NAME.into()),
            ("TASK_BEFORE", "t8-a".into()),
            ("TASK_OFFLINE", "t8-c".into()),
            ("R1", R1.into()),
            ("R2", R2.into()),
            ("BASIS", "Quyết định số 45/QĐ-SKHCN".into()),
            ("RETIRED", RETIRED.into()),
            ("RETIRED_USER", server.demo_username(RETIRED)),
            ("RETIRED_PASSWORD", server.password(RETIRED)),
        ],
    );
    let seen = blocking(|| run.expect("seen"));
    let rows = |k: &str| -> Vec<String> {
        seen[k]["rows"]
            .as_array()
            .unwrap_or_else(|| panic!("{k}: {seen:#}"))
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    // Before: the merged unit's tablet, its own tasks.
    assert_eq!(
        seen["before"]["who"], "Phòng Quản lý Tiêu chuẩn Đo lường Chất lượng",
        "{seen:#}"
    );
    assert!(rows("before").contains(&"t8-a".to_string()), "{seen:#}");
    // The office recorded it, accounts moved by default, the unit shown as merged.
    let office = &seen["office"];
    assert_eq!(office["accounts"], "move", "{seen:#}");
    assert!(
        office["recorded"]
            .as_str()
            .unwrap()
            .contains("sáp nhập vào Phòng Quản lý Công nghệ và Chuyên ngành từ ngày 01/04/2025"),
        "{seen:#}"
    );
    assert_eq!(office["state"], "Sáp nhập từ 01/04/2025", "{seen:#}");
    // After: the tablet is the successor's, with its own tasks and the merged unit's, both
    // results kept (the one written offline, after the merge, too), and it says why.
    let after = &seen["after"];
    assert_eq!(after["who"], INTO_NAME, "{seen:#}");
    let now = rows("after");
    for t in ["t1-b", "t8-a", "t8-c"] {
        assert!(now.contains(&t.to_string()), "{t}: {seen:#}");
    }
    assert_eq!(after["before"], R1, "{seen:#}");
    assert_eq!(after["offline"], R2, "{seen:#}");
    assert!(
        after["notices"][0]
            .as_str()
            .unwrap_or_default()
            .contains("hiển thị dưới đơn vị này"),
        "{seen:#}"
    );
    // The retired unit's tablet: told what happened, its data still there.
    let retired = &seen["retired"];
    assert_eq!(retired["accounts"], "disable", "{seen:#}");
    let refused = retired["refused"].as_str().unwrap_or_default();
    assert!(
        refused.contains("Tổ kiểm tra cải cách hành chính của Sở giải thể từ ngày 01/04/2025")
            && refused.contains("bị khoá"),
        "{seen:#}"
    );
    assert!(retired["rows"].as_u64().unwrap() > 0, "{seen:#}");
    blocking(|| run.finish());

    // The server kept the offline result in the merged unit's own document.
    let library = server.library().clone();
    let doc = server.seeded_progress(MERGED);
    let stored = server.on_server(async move { library.read::<Progress>(&doc).await.unwrap() });
    assert_eq!(stored.unit_id, MERGED);
    assert_eq!(
        stored
            .entry("t8-c", PeriodKind::Q1)
            .map(|e| e.result.as_str()),
        Some(R2)
    );
    // The office's figures: the merged unit's task is its successor's after the merge.
    let token = blocking(|| server.login_demo(OFFICE));
    let status = |q: &str| {
        let (code, s) = server.get_json_as(&token, &format!("/api/plans/{PLAN}/status?{q}"));
        assert_eq!(code, 200, "{s}");
        s["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["task_id"] == "t8-c")
            .unwrap()["lead_units"]
            .clone()
    };
    assert_eq!(
        blocking(|| status("period=q1&as_of=2025-03-31")),
        serde_json::json!([MERGED])
    );
    assert_eq!(
        blocking(|| status("period=year&as_of=2025-12-31")),
        serde_json::json!([INTO])
    );
}
