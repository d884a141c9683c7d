//! A mid-year revision ("Kế hoạch điều chỉnh, bổ sung"), against the real server: the office
//! applies it to the plan from 1 July — a task added, a lead and a timeline changed, each with
//! what it was. The first half-year reads byte for byte as before; from July the new task, lead
//! and timeline count; progress is kept (task ids stay). A unit may not revise, and a revision
//! outside the plan's year is refused and changes nothing.

use tiendo_tests::{TestServer, data_dir};

const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";
const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const UNIT: &str = "thanh-tra-so";

fn status(server: &TestServer, token: &str, query: &str) -> Vec<u8> {
    let (code, _, _, bytes) = server.download(token, &format!("/api/plans/{PLAN}/status?{query}"));
    assert_eq!(code, 200, "{}", String::from_utf8_lossy(&bytes));
    bytes
}

fn task<'a>(s: &'a serde_json::Value, id: &str) -> Option<&'a serde_json::Value> {
    s["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["task_id"] == id)
}

#[test]
fn a_revision_from_july_changes_nothing_before_it_and_counts_after() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let office = server.login_demo(OFFICE);
    let unit = server.login_demo(UNIT);
    let first_half = "period=h1&as_of=2025-06-20";
    let before = status(&server, &office, first_half);
    let route = format!("/api/plans/{PLAN}/revisions");
    let revision = serde_json::json!({
        "from": "2025-07-01",
        "basis_number": "Kế hoạch số 80/KH-SKHCN",
        "basis_date": "2025-06-25",
        "add": [[1, {
            "title": "Rà soát, đánh giá việc thực hiện mô hình chính quyền địa phương hai cấp",
            "lead": "Thanh tra Sở",
            "coordinating": "",
            "products": "Báo cáo kết quả rà soát",
            "timeline": "Quý IV năm 2025"
        }]],
        "lead": [["t1-a", "Thanh tra Sở"]],
        "timeline": [["t1-dd", "Tháng 11 năm 2025"]]
    });

    // A unit may not revise the plan (refused before the body is read); a day outside the
    // plan's year is refused and nothing changes.
    let (code, _) = server.post_json(&route, Some(&unit), serde_json::json!("không đọc"));
    assert_eq!(code, 403);
    let mut outside = revision.clone();
    outside["from"] = "2026-02-01".into();
    let (code, body) = server.post_json(&route, Some(&office), outside);
    assert_eq!(code, 400, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("năm 2025"),
        "{body}"
    );
    assert_eq!(status(&server, &office, first_half), before);

    let (code, body) = server.post_json(&route, Some(&office), revision);
    assert_eq!(code, 200, "{body}");
    let recorded = &body.as_array().unwrap()[0];
    assert_eq!(recorded["from"], "2025-07-01");
    assert_eq!(recorded["changes"].as_array().unwrap().len(), 3);

    // The first half-year reads as it did.
    assert_eq!(status(&server, &office, first_half), before);
    // From July: the added task, the new lead and the new timeline.
    let year: serde_json::Value =
        serde_json::from_slice(&status(&server, &office, "period=year&as_of=2025-12-20")).unwrap();
    let h1: serde_json::Value = serde_json::from_slice(&before).unwrap();
    assert_eq!(
        year["headline"]["total"].as_u64().unwrap(),
        h1["headline"]["total"].as_u64().unwrap() + 1
    );
    assert_eq!(
        task(&year, "t1-a").unwrap()["lead_units"],
        serde_json::json!([UNIT])
    );
    assert_ne!(
        task(&h1, "t1-a").unwrap()["lead_units"],
        serde_json::json!([UNIT])
    );
    assert_eq!(task(&year, "t1-dd").unwrap()["deadline"], "2025-11-30");
    let added = year["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"].as_str().unwrap().contains("hai cấp"))
        .expect("the added task");
    assert!(task(&h1, added["task_id"].as_str().unwrap()).is_none());
}
