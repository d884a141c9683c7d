//! The central office's dashboard and plan maintenance in headless Chromium against a real
//! server (scenario `tests/browser/dashboard_plan_maintenance.mjs`): the figures the browser
//! computes from the synced documents equal the server's `shared::status` over the same
//! documents; a watch list opens the task with the unit's report and the history naming its
//! author, as the server's record confirms; the office's amendments reach the server and the unit, and the unit (on the unit
//! build, which has no history) has no way to make them; the downloaded report is recorded and shown in the calendar; a plan imported from
//! a .docx lands on the server, and switching to it and back happens in place (no page reload).

use tiendo_tests::browser::{Scenario, client_copy};
use tiendo_tests::{TestServer, blocking, data_dir};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const UNIT: &str = "phong-quan-ly-tieu-chuan-do-luong-chat-luong";
const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_sees_merged_status_opens_history_amends_the_plan_and_makes_reports() {
    let dir = data_dir();
    let dist = client_copy();
    let static_dir = dist.path().to_path_buf();
    let server = blocking(|| TestServer::start_with(dir.path(), |c| c.static_dir = static_dir));
    let office = server.login_demo(OFFICE);
    let (_, me) = server.get_json_as(&server.login_demo(UNIT), "/api/me");
    let unit_id = me["user"]["unit_id"].as_str().unwrap().to_string();
    let unit_name = me["user"]["display_name"].as_str().unwrap().to_string();
    // Next year's plan as the Word file the office holds (one paragraph per line).
    let import = tempfile::NamedTempFile::with_suffix(".docx").unwrap();
    let mut doc = docx_rs::Docx::new();
    for line in tiendo_server::SEED_PLAN.replace("2025", "2026").lines() {
        if !line.trim().is_empty() {
            doc = doc.add_paragraph(
                docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text(line)),
            );
        }
    }
    let mut bytes = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut bytes).unwrap();
    std::fs::write(import.path(), bytes.into_inner()).unwrap();

    let mut run = Scenario::start(
        "dashboard_plan_maintenance",
        &[
            ("BASE", server.url("/")),
            ("OFFICE_USER", server.demo_username(OFFICE)),
            ("OFFICE_PASSWORD", server.password(OFFICE)),
            ("UNIT_USER", server.demo_username(UNIT)),
            ("UNIT_PASSWORD", server.password(UNIT)),
            ("UNIT_ID", unit_id.clone()),
            ("IMPORT_FILE", import.path().display().to_string()),
        ],
    );

    let unit_plan = blocking(|| run.expect("unit-plan"));
    assert_eq!(unit_plan["addButtons"], 0, "{unit_plan:#}");
    assert_eq!(unit_plan["importers"], 0, "{unit_plan:#}");
    assert_eq!(unit_plan["editToggles"], 0, "{unit_plan:#}");
    assert!(
        unit_plan["lead"].as_str().is_some_and(|l| !l.is_empty()),
        "the unit opens the task from the plan: {unit_plan:#}"
    );
    assert_eq!(
        unit_plan["timeline"], 0,
        "the unit build carries no history (Automerge's diff machinery is the office's): \
         {unit_plan:#}"
    );

    // The browser's figures are the server's figures over the same documents.
    let seen = blocking(|| run.expect("dashboard"));
    let (status, server_view) = server.get_json_as(
        &office,
        &format!("/api/plans/{PLAN}/status?as_of=2025-06-10&period=h1"),
    );
    assert_eq!(status, 200, "{server_view}");
    let h = &server_view["headline"];
    let pct = |r: &serde_json::Value| format!("{:.0}%", r.as_f64().unwrap() * 100.0);
    let expected = serde_json::json!({
        "total": h["total"].to_string(),
        "due": h["due"].to_string(),
        "done-on-time": h["done_on_time"].to_string(),
        "done-late": h["done_late"].to_string(),
        "in-progress": h["in_progress"].to_string(),
        "overdue": h["overdue"].to_string(),
        "not-started": h["not_started"].to_string(),
        "rate": pct(&h["completion_rate"]),
        "due-rate": pct(&h["due_completion_rate"]),
    });
    assert_eq!(seen["headline"], expected, "{seen:#}");
    assert_eq!(h["total"], 43);
    assert_eq!(seen["areaBars"], 9, "one bar per area: {seen:#}");
    let area8 = server_view["by_area"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["number"] == 8)
        .unwrap()["counts"]
        .clone();
    assert_eq!(
        seen["area8"]["progress"], area8["in_progress"],
        "{seen:#} vs {area8}"
    );
    assert_eq!(seen["unitBar"]["progress"], 1, "8.a in progress: {seen:#}");
    assert!(strings(&seen["dueSoon"]).contains(&"t8-a".to_string()));
    let overdue: Vec<String> = server_view["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["state"] == "overdue")
        .map(|t| t["task_id"].as_str().unwrap().to_string())
        .collect();
    let mut listed = strings(&seen["overdue"]);
    listed.sort();
    let mut want = overdue.clone();
    want.sort();
    assert_eq!(listed, want, "the overdue list is every overdue task");
    assert!(
        !strings(&seen["notReported"]).contains(&"t8-a".to_string()),
        "8.a's lead unit has reported: {seen:#}"
    );
    assert!(
        seen["score"].as_str().unwrap().ends_with("/ 2 điểm"),
        "{seen:#}"
    );
    assert_eq!(
        strings(&seen["calendar"]),
        [
            "Báo cáo quý I",
            "Báo cáo 6 tháng",
            "Báo cáo quý III",
            "Báo cáo năm"
        ],
        "{seen:#}"
    );

    let view = blocking(|| run.expect("task-view"));
    assert!(
        view["title"]
            .as_str()
            .unwrap()
            .contains("Tổ chức 01 khóa đào tạo"),
        "{view:#}"
    );
    let report = view["report"].as_str().unwrap();
    assert!(
        report.contains("40%") && report.contains("Đang thực hiện"),
        "{view:#}"
    );
    assert!(
        strings(&view["authors"]).contains(&unit_name),
        "the unit's change is shown with its user's name: {view:#}"
    );
    let events = strings(&view["events"]).join("\n");
    assert!(
        events.contains("Tỷ lệ: 40%") && events.contains("Tình trạng: Đang thực hiện"),
        "{events}"
    );
    assert!(
        strings(&view["events"])
            .iter()
            .filter(|e| e.contains("Tỷ lệ: 40%"))
            .all(|e| !e.contains("theo thiết bị")),
        "the server's record confirms the unit's change: {events}"
    );

    let edited = blocking(|| run.expect("edited"));
    assert!(
        edited["office"]
            .as_str()
            .unwrap()
            .contains("hạn 20/06/2025"),
        "the new timeline is re-read into a milestone: {edited:#}"
    );
    assert!(
        edited["unit"]
            .as_str()
            .unwrap()
            .contains("Chậm nhất là ngày 20/06/2025"),
        "{edited:#}"
    );
    assert!(
        strings(&edited["events"])
            .iter()
            .any(|e| e.contains("Kế hoạch") && e.contains("20/06/2025")),
        "the plan change is in the task's history: {edited:#}"
    );
    let (_, plan) = server.get_json_as(&office, &format!("/api/plans/{PLAN}"));
    let t8a = plan["plan"]["areas"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["tasks"].as_array().unwrap().iter())
        .find(|t| t["id"] == "t8-a")
        .unwrap()
        .clone();
    assert_eq!(
        t8a["schedule"]["raw"], "Chậm nhất là ngày 20/06/2025",
        "the amendment reached the server"
    );

    let back = blocking(|| run.expect("back"));
    let (at, again) = (
        back["scrolledTo"].as_f64().unwrap(),
        back["back"].as_f64().unwrap(),
    );
    assert!(
        at > 500.0 && (at - again).abs() < 2.0,
        "\"Quay lại\" returns to the place the task was opened from: {back:#}"
    );
    let changed = blocking(|| run.expect("added-retired"));
    assert!(
        !changed["refused"].as_str().unwrap().is_empty(),
        "an empty title is refused with a reason: {changed:#}"
    );
    let total = |k: &str| changed[k].as_str().unwrap().parse::<u32>().unwrap();
    assert_eq!(total("withAdded"), total("before") + 1, "{changed:#}");
    assert_eq!(total("afterRetire"), total("before"), "{changed:#}");
    assert!(
        changed["added"]["text"]
            .as_str()
            .unwrap()
            .contains("Khảo sát mức độ hài lòng"),
        "{changed:#}"
    );
    assert!(
        changed["retiredNote"]
            .as_str()
            .unwrap()
            .contains("01/10/2025"),
        "{changed:#}"
    );
    assert!(
        changed["retiredRow"].as_str().unwrap().contains("retired"),
        "{changed:#}"
    );
    let (_, plan) = server.get_json_as(&office, &format!("/api/plans/{PLAN}"));
    let added_id = changed["added"]["id"].as_str().unwrap();
    let added = plan["plan"]["areas"][8]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == added_id)
        .unwrap_or_else(|| panic!("{added_id} on the server: {plan:#}"))
        .clone();
    assert_eq!(added["retired_on"], "2025-10-01", "{added:#}");

    let downloaded = blocking(|| run.expect("downloaded"));
    assert!(
        downloaded["name"].as_str().unwrap().ends_with(".docx"),
        "{downloaded:#}"
    );
    assert!(
        downloaded["size"].as_u64().unwrap() > 5_000,
        "{downloaded:#}"
    );
    let period = downloaded["period"].as_str().unwrap();
    let (_, reports) = server.get_json_as(&office, &format!("/api/plans/{PLAN}/reports"));
    let generated = reports["generated"].as_array().unwrap();
    assert!(
        generated.iter().any(|g| g["period"] == period
            && g["kind"] == "docx"
            && g["username"] == server.demo_username(OFFICE).as_str()),
        "the download is recorded: {reports:#}"
    );

    let imported = blocking(|| run.expect("imported"));
    assert!(
        imported["summary"]
            .as_str()
            .unwrap()
            .contains("43 nhiệm vụ"),
        "{imported:#}"
    );
    assert!(
        imported["unplaced"].as_u64().unwrap() >= 3,
        "the importer's leftovers are shown: {imported:#}"
    );
    assert!(
        imported["summary"].as_str().unwrap().contains(".docx"),
        "read by the server's preview: {imported:#}"
    );
    assert_eq!(
        imported["corrected"]["lead"], "Thanh tra Sở",
        "{imported:#}"
    );
    assert_eq!(imported["corrected"]["due"], "30/06/2026", "{imported:#}");
    let (_, plans) = server.get_json_as(&office, "/api/plans");
    assert!(
        plans
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == "kh-cchc-2026-so-khoa-hoc-va-cong-nghe"),
        "{plans:#}"
    );
    // The correction made in the preview is what was saved.
    let (_, saved) =
        server.get_json_as(&office, "/api/plans/kh-cchc-2026-so-khoa-hoc-va-cong-nghe");
    let t1a = saved["plan"]["areas"][0]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "t1-a")
        .unwrap();
    assert_eq!(t1a["lead"][0]["text"], "Thanh tra Sở", "{t1a:#}");
    assert_eq!(
        t1a["schedule"]["milestones"][0]["due"], "2026-06-30",
        "{t1a:#}"
    );

    // Switching plans opens the other plan's documents in place: no page reload.
    let switched = blocking(|| run.expect("switched"));
    assert!(
        switched["opened"].as_str().unwrap().contains("2026"),
        "the imported plan opened: {switched:#}"
    );
    assert_ne!(switched["opened"], switched["first"], "{switched:#}");
    assert_eq!(switched["options"], 2, "{switched:#}");
    assert_eq!(switched["back"], switched["first"], "{switched:#}");
    assert_eq!(
        switched["samePage"], true,
        "the page was not reloaded: {switched:#}"
    );

    let refused = blocking(|| run.expect("import-refused"));
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("Không nhập được"),
        "{refused:#}"
    );
    blocking(|| run.finish());
}
