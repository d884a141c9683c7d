//! A year across plans, against the real server: the office imports a mid-year replacement plan
//! linked to the plan it replaces, a system administrator records that a commune merged into the
//! department (its plan linked to the department's), and the year's figures — the API's and the
//! province roll-up's — combine them by the documented rule: the replaced plan counts the tasks
//! due before the replacement, as of the day before; the replacement and the absorbed plan count
//! whole. Only those allowed may link plans.

use tiendo_tests::{TestServer, data_dir};

const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";
const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const COMMUNE_PLAN: &str = include_str!("../../shared/tests/fixtures/ke-hoach-ubnd-xa-mau.txt");
const SEED: &str = include_str!("../../seeds/ke-hoach-cchc-2025-so-khcn-quang-ngai.txt");

fn tasks(s: &serde_json::Value) -> Vec<serde_json::Value> {
    s["tasks"].as_array().unwrap().clone()
}

#[test]
fn a_replacement_plan_and_a_merged_agency_combine_into_the_years_figures() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let office = server.login_demo(OFFICE);
    let admin = server.login_demo("admin");
    let unit = server.login_demo("thanh-tra-so");
    let lib = server.library().clone();
    let commune = server.on_server(async move { lib.import_text(COMMUNE_PLAN).await.unwrap() });

    // The office imports its plan for the second half, replacing the first from 1 July.
    let (code, answer) = server.post_text(
        &format!("/api/plans?replaces={PLAN}&from=2025-07-01&basis=K%E1%BA%BF%20ho%E1%BA%A1ch%20s%E1%BB%91%2099%2FKH-SKHCN"),
        &office,
        SEED,
    );
    assert_eq!(code, 201, "{answer}");
    let new_plan = answer["plan_id"].as_str().unwrap().to_string();
    assert_eq!(new_plan, format!("{PLAN}-thay-the"));
    // A unit may not.
    let (code, _) = server.post_text(
        &format!("/api/plans?replaces={PLAN}&from=2025-07-01"),
        &unit,
        SEED,
    );
    assert_eq!(code, 403);

    // The year = the replacement whole + the replaced plan's tasks due before 1 July, as of
    // 30 June.
    let (code, year) = server.get_json_as(
        &office,
        &format!("/api/plans/{new_plan}/year?period=year&as_of=2025-12-31"),
    );
    assert_eq!(code, 200, "{year}");
    let (_, new_status) = server.get_json_as(
        &office,
        &format!("/api/plans/{new_plan}/status?period=year&as_of=2025-12-31"),
    );
    let (_, old_status) = server.get_json_as(
        &office,
        &format!("/api/plans/{PLAN}/status?period=year&as_of=2025-06-30"),
    );
    let before_july: Vec<String> = tasks(&old_status)
        .iter()
        .filter(|t| t["deadline"].as_str().is_some_and(|d| d < "2025-07-01"))
        .map(|t| t["task_id"].as_str().unwrap().to_string())
        .collect();
    assert!(!before_july.is_empty());
    assert_eq!(year["parts"].as_array().unwrap().len(), 2, "{year}");
    assert_eq!(year["parts"][1]["plan_id"], PLAN);
    assert_eq!(year["parts"][1]["as_of"], "2025-06-30");
    assert_eq!(
        year["parts"][1]["tasks"],
        serde_json::json!(before_july),
        "{year}"
    );
    assert_eq!(
        year["counts"]["total"].as_u64().unwrap(),
        new_status["headline"]["total"].as_u64().unwrap() + before_july.len() as u64
    );

    // The commune merges into the department: only a system administrator records it.
    let link = serde_json::json!({
        "kind": "absorbs",
        "plan_id": commune.plan_id,
        "from": "2025-07-01",
        "basis_number": "Nghị quyết số 1/NQ-HĐND",
    });
    let (code, _) = server.post_json(
        &format!("/api/plans/{new_plan}/links"),
        Some(&office),
        link.clone(),
    );
    assert_eq!(code, 403);
    let (code, links) = server.post_json(
        &format!("/api/plans/{new_plan}/links"),
        Some(&admin),
        link.clone(),
    );
    assert_eq!(code, 200, "{links}");
    assert_eq!(links.as_array().unwrap().len(), 2);
    // Once only; never to itself; never to a plan that is not stored.
    let (code, _) = server.post_json(&format!("/api/plans/{new_plan}/links"), Some(&admin), link);
    assert_eq!(code, 400);
    for other in [new_plan.as_str(), "kh-khong-co"] {
        let (code, body) = server.post_json(
            &format!("/api/plans/{new_plan}/links"),
            Some(&admin),
            serde_json::json!({"kind": "replaces", "plan_id": other, "from": "2025-07-01"}),
        );
        assert!(code == 400 || code == 404, "{other}: {code} {body}");
    }

    // The province's roll-up: the continuing row counts all three; the others say where.
    server.add_province_viewer("so-noi-vu");
    let viewer = server.login("so-noi-vu", "mat-khau-thu");
    let (code, rollup) =
        server.get_json_as(&viewer, "/api/province/rollup?period=year&as_of=2025-12-31");
    assert_eq!(code, 200, "{rollup}");
    let rows = rollup["rows"].as_array().unwrap();
    let row = |plan: &str| rows.iter().find(|r| r["plan_id"] == plan).unwrap().clone();
    let (_, year) = server.get_json_as(
        &admin,
        &format!("/api/plans/{new_plan}/year?period=year&as_of=2025-12-31"),
    );
    assert_eq!(year["parts"].as_array().unwrap().len(), 3);
    let continuing = row(&new_plan);
    assert_eq!(continuing["counts"], year["counts"], "{continuing}");
    assert_eq!(continuing["continues"].as_array().unwrap().len(), 2);
    assert!(continuing["continued_by"].is_null());
    for other in [PLAN, commune.plan_id.as_str()] {
        assert!(
            row(other)["continued_by"]
                .as_str()
                .is_some_and(|s| s.contains("Sở Khoa học và Công nghệ")),
            "{other}: {rollup}"
        );
    }
}
