//! The central office's administrative calls beside the dashboard, against a real server:
//! importing another plan from its text (`POST /api/plans`), the list of generated reports the
//! reporting calendar reads (`GET /api/plans/{id}/reports`), and the people directory in
//! `/api/me` that names the authors in a task's history.

use tiendo_tests::{TestServer, blocking, data_dir};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const UNIT: &str = "thanh-tra-so";
const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";

/// The seed plan as next year's plan, naming one unit the organisation does not have yet.
fn next_years_plan() -> String {
    tiendo_server::SEED_PLAN.replace("2025", "2026").replacen(
        "Đơn vị chủ trì thực hiện: Thanh tra Sở.",
        "Đơn vị chủ trì thực hiện: Phòng Chuyển đổi số.",
        1,
    )
}

#[test]
fn the_central_office_imports_another_plan_of_its_agency_through_the_api() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let office = server.login_demo(OFFICE);
    let unit = server.login_demo(UNIT);
    let text = next_years_plan();

    // Units may not import; garbage is not a plan; neither leaves anything behind.
    let (status, body) = server.post_text("/api/plans", &unit, &text);
    assert_eq!(status, 403, "{body}");
    let (status, body) = server.post_text("/api/plans", &office, "không phải kế hoạch");
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("kế hoạch"),
        "{body}"
    );
    let (_, plans) = server.get_json_as(&office, "/api/plans");
    assert_eq!(plans.as_array().unwrap().len(), 1);

    // The plan names a unit the organisation does not know: nothing is created silently. Sent
    // as a file it is refused, naming the unit; the preview lists it with the plan's first day;
    // the draft with the office's choice ("đơn vị mới, từ ngày 01/01/2026") is saved.
    let (status, body) = server.post_text("/api/plans", &office, &text);
    assert_eq!(status, 400, "{body}");
    let refused = body["error"].as_str().unwrap();
    assert!(
        refused.contains("Phòng Chuyển đổi số") && refused.contains("đơn vị mới"),
        "{refused}"
    );
    let (_, plans) = server.get_json_as(&office, "/api/plans");
    assert_eq!(plans.as_array().unwrap().len(), 1, "nothing saved");
    let (status, mut preview) = server.post_text("/api/plans/preview", &office, &text);
    assert_eq!(status, 200, "{preview}");
    let fresh = preview["new_units"].as_array().unwrap().clone();
    assert_eq!(fresh.len(), 1, "{fresh:?}");
    assert_eq!(fresh[0]["name"], "Phòng Chuyển đổi số");
    assert_eq!(fresh[0]["from"], "2026-01-01");
    preview["choices"] = serde_json::json!({
        "phong-chuyen-doi-so": { "choice": "new", "from": "2026-01-01" }
    });
    let (status, body) = server.post_json("/api/plans", Some(&office), preview);
    assert_eq!(status, 201, "{body}");
    let plan_id = body["plan_id"].as_str().unwrap().to_string();
    assert_eq!(plan_id, "kh-cchc-2026-so-khoa-hoc-va-cong-nghe");
    assert_eq!(body["tasks"], 43);
    assert!(
        body["unplaced"].as_array().unwrap().len() >= 3,
        "the seed's notes are reported: {body}"
    );

    // The office now sees both plans and a progress document per unit for the new one,
    // including the unit the new plan introduced (added to the organisation).
    let (_, plans) = server.get_json_as(&office, "/api/plans");
    assert_eq!(plans.as_array().unwrap().len(), 2, "{plans}");
    let (_, me) = server.get_json_as(&office, "/api/me");
    let progress_units: Vec<&str> = me["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "progress" && d["plan_id"] == plan_id.as_str())
        .map(|d| d["unit_id"].as_str().unwrap())
        .collect();
    assert!(
        progress_units.contains(&"phong-chuyen-doi-so"),
        "{progress_units:?}"
    );
    assert!(progress_units.contains(&UNIT), "{progress_units:?}");
    let (status, plan) = server.get_json_as(&office, &format!("/api/plans/{plan_id}"));
    assert_eq!(status, 200);
    let units: Vec<&str> = plan["agency"]["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert!(
        units.contains(&"phong-chuyen-doi-so") && units.contains(&UNIT),
        "{units:?}"
    );
    // The new plan's status counts its own tasks.
    let (status, s) = server.get_json_as(
        &office,
        &format!("/api/plans/{plan_id}/status?as_of=2026-02-01"),
    );
    assert_eq!(status, 200, "{s}");
    assert_eq!(s["headline"]["total"], 43);

    // The same plan twice is a conflict, not a second copy.
    let (status, body) = server.post_text("/api/plans", &office, &text);
    assert_eq!(status, 409, "{body}");
    let (_, plans) = server.get_json_as(&office, "/api/plans");
    assert_eq!(plans.as_array().unwrap().len(), 2);
}

#[test]
fn an_agency_admin_cannot_import_another_agencys_plan() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let office = server.login_demo(OFFICE);
    let other = tiendo_server::SEED_PLAN.replace("Khoa học và Công nghệ", "Tài chính");
    let (status, body) = server.post_text("/api/plans", &office, &other);
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("Tài chính"),
        "{body}"
    );
    // The system administrator may.
    let admin = server.login_demo("admin");
    let (status, body) = server.post_text("/api/plans", &admin, &other);
    assert_eq!(status, 201, "{body}");
}

#[test]
fn generated_reports_are_listed_for_the_reporting_calendar() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let office = server.login_demo(OFFICE);
    let list = format!("/api/plans/{PLAN}/reports");
    let (status, body) = server.get_json_as(&office, &list);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["generated"], serde_json::json!([]));
    assert_eq!(body["score_rule"]["full_points"], 2.0, "{body}");

    let (status, ..) = blocking(|| {
        server.download(
            &office,
            &format!("/api/plans/{PLAN}/reports/q1.docx?as_of=2025-03-01"),
        )
    });
    assert_eq!(status, 200);
    // A refused download is not recorded.
    let (status, ..) = server.download(&office, &format!("/api/plans/{PLAN}/reports/q5.docx"));
    assert_eq!(status, 400);
    let (_, body) = server.get_json_as(&office, &list);
    let generated = body["generated"].as_array().unwrap();
    assert_eq!(generated.len(), 1, "{body}");
    assert_eq!(generated[0]["period"], "q1");
    assert_eq!(generated[0]["kind"], "docx");
    assert_eq!(generated[0]["as_of"], "2025-03-01");
    assert_eq!(generated[0]["username"], server.demo_username(OFFICE));
    assert!(generated[0]["generated_at"].as_i64().unwrap() > 1_700_000_000);

    // Units see neither the list nor the reports.
    let unit = server.login_demo(UNIT);
    let (status, _) = server.get_json_as(&unit, &list);
    assert_eq!(status, 403);
}

#[test]
fn me_names_the_people_of_the_agency_for_the_history() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let unit = server.login_demo(UNIT);
    let (_, me) = server.get_json_as(&unit, "/api/me");
    let people = me["people"].as_array().unwrap();
    assert!(
        people
            .iter()
            .any(|p| p["username"] == server.demo_username(OFFICE).as_str()
                && p["display_name"]
                    .as_str()
                    .unwrap()
                    .starts_with("Phòng Hành chính")),
        "{me}"
    );
    // The system administrator has no agency: not listed to a unit, and no secrets anywhere.
    assert!(people.iter().all(|p| p["username"] != "admin"));
    assert!(!me.to_string().contains("password"));
}
