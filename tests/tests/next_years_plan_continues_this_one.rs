//! Next year's plan, against the real server: the office drafts the 2026 plan from the seeded
//! 2025 one (recurring tasks carried with their dates moved, one-off tasks listed), keeps one
//! one-off task, saves the draft through the plan import and gets a plan that records what it
//! continues; or it imports the province's real 2026 plan instead, whose tasks are matched to
//! 2025's by title. Either way the new plan's areas are set beside 2025's, as of 2025's annual
//! deadline ("so với năm trước").

use std::collections::BTreeSet;

use tiendo_shared::api;
use tiendo_shared::model::Plan;
use tiendo_shared::model::previous::How;
use tiendo_shared::views::next_year::{Comparison, Draft};
use tiendo_shared::views::status::Summary;
use tiendo_tests::{TestServer, data_dir};

const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";
const NEXT: &str = "kh-cchc-2026-so-khoa-hoc-va-cong-nghe";
const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const SEED: &str = include_str!("../../seeds/ke-hoach-cchc-2025-so-khcn-quang-ngai.txt");

fn plan(server: &TestServer, token: &str, id: &str) -> Plan {
    let (code, answer) = server.get_json_as(token, &format!("/api/plans/{id}"));
    assert_eq!(code, 200, "{answer}");
    serde_json::from_value::<api::PlanAnswer>(answer)
        .unwrap()
        .plan
}

/// The comparison's last-year figures are 2025's own status as of the day it names.
fn assert_beside_last_year(server: &TestServer, token: &str, id: &str) -> Comparison {
    let (code, answer) = server.get_json_as(token, &format!("/api/plans/{id}/previous-year"));
    assert_eq!(code, 200, "{answer}");
    let cmp: Comparison = serde_json::from_value(answer).unwrap();
    assert_eq!(cmp.previous_plan, PLAN);
    // Today (the machine's) is after 2025: its figures are as of its annual deadline.
    assert!(cmp.previous_as_of.closed);
    assert_eq!(cmp.previous_as_of.day.year(), 2025);
    let (_, last) = server.get_json_as(
        token,
        &format!("/api/plans/{PLAN}/status?as_of={}", cmp.previous_as_of.day),
    );
    let last: Summary = serde_json::from_value(last).unwrap();
    assert_eq!(cmp.areas.len(), 9);
    for a in &cmp.areas {
        let want = last.by_area.iter().find(|b| b.number == a.number).unwrap();
        assert_eq!(a.previous.as_ref(), Some(&want.counts), "area {}", a.number);
    }
    cmp
}

#[test]
fn the_office_drafts_next_years_plan_and_saving_it_imports_a_plan_that_continues_this_one() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let office = server.login_demo(OFFICE);
    let unit = server.login_demo("thanh-tra-so");

    let (code, answer) = server.get_json_as(&unit, &format!("/api/plans/{PLAN}/next-year"));
    assert_eq!(code, 403, "a unit does not draft plans: {answer}");
    let (code, answer) = server.get_json_as(&office, &format!("/api/plans/{PLAN}/next-year"));
    assert_eq!(code, 200, "{answer}");
    let mut draft: Draft = serde_json::from_value(answer).unwrap();
    assert_eq!(draft.draft.plan.id, NEXT);
    assert_eq!((draft.carried.len(), draft.one_off.len()), (29, 14));
    let t = draft.draft.plan.task("t2-a").unwrap();
    assert_eq!(t.schedule.raw, "Thường xuyên trong năm 2026.");

    // The office keeps one one-off task (drafting 2027's plan) and saves.
    let one_off: Vec<String> = draft.one_off.iter().map(|o| o.task_id.clone()).collect();
    let kept: BTreeSet<String> = ["t1-dd".to_string()].into();
    tiendo_shared::views::next_year::keep_only(&mut draft.draft, &one_off, &kept);
    let (code, answer) = server.post_json(
        "/api/plans",
        Some(&office),
        serde_json::to_value(&draft.draft).unwrap(),
    );
    assert_eq!(code, 201, "{answer}");
    assert_eq!(answer["plan_id"], NEXT);
    assert_eq!(answer["tasks"], 30);

    let new = plan(&server, &office, NEXT);
    assert_eq!(new.year, Some(2026));
    assert_eq!(new.task("t1-dd").unwrap().code, "1.b");
    let previous = new.previous.expect("the plan records what it continues");
    assert_eq!(previous.plan_id, PLAN);
    assert!(previous.drafted);
    assert_eq!(previous.by, server.demo_username(OFFICE));
    assert_eq!(previous.tasks.len(), 30);
    assert!(previous.tasks.iter().all(|c| c.how == How::Carried));

    // A second draft of 2026 is refused: the plan exists.
    let (code, answer) = server.get_json_as(&office, &format!("/api/plans/{PLAN}/next-year"));
    assert_eq!(code, 409, "{answer}");
    assert!(
        answer["error"].as_str().unwrap().contains("năm 2026"),
        "{answer}"
    );

    let cmp = assert_beside_last_year(&server, &office, NEXT);
    assert_eq!(cmp.areas[0].continued, 2);
    let (code, _) = server.get_json_as(&unit, &format!("/api/plans/{NEXT}/previous-year"));
    assert_eq!(code, 403);
}

#[test]
fn importing_the_provinces_real_plan_matches_its_tasks_to_last_years_by_title() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let office = server.login_demo(OFFICE);
    // The province's 2026 plan: the same work, the year moved on, one task new.
    let text: String = SEED
        .replace("2025", "2026")
        .lines()
        .map(
            |l| match l.starts_with("b) Đẩy mạnh, khuyến khích công chức") {
                true => "b) Tổ chức hội nghị tổng kết công tác cải cách hành chính của Sở:",
                false => l,
            },
        )
        .collect::<Vec<_>>()
        .join("\n");
    let (code, answer) = server.post_text("/api/plans", &office, &text);
    assert_eq!(code, 201, "{answer}");
    assert_eq!(answer["plan_id"], NEXT);

    let new = plan(&server, &office, NEXT);
    let previous = new.previous.expect("matched to the year before");
    assert_eq!(previous.plan_id, PLAN);
    assert!(!previous.drafted);
    let of = |id: &str| previous.tasks.iter().find(|c| c.task_id == id);
    assert!(of("t1-b").is_none(), "the new task continues nothing");
    assert_eq!(previous.tasks.len(), 42);
    let t = of("t6-b").unwrap();
    assert_eq!((t.previous_task.as_str(), t.how), ("t6-b", How::SameTitle));

    let cmp = assert_beside_last_year(&server, &office, NEXT);
    assert_eq!(cmp.areas[0].continued, 5);
    // The 2025 plan itself continues nothing.
    assert_eq!(plan(&server, &office, PLAN).previous, None);
    let (code, _) = server.get_json_as(&office, &format!("/api/plans/{PLAN}/previous-year"));
    assert_eq!(code, 404);
}
