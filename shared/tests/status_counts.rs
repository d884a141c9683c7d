//! The status computation over the seed plan: deadlines, derived states, and counts per task,
//! area, unit and period.

use tiendo_shared::fixtures::SEED_PLAN;
use tiendo_shared::import::{Imported, import};
use tiendo_shared::model::{Date, PeriodKind, Progress, WorkStatus};
use tiendo_shared::views::status::{TaskState, by_period, current_period, summarize};

fn seed() -> Imported {
    import(SEED_PLAN).unwrap()
}

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

const HCTH: &str = "phong-hanh-chinh-tong-hop";
const TDC: &str = "phong-quan-ly-tieu-chuan-do-luong-chat-luong";

fn report(
    p: &mut Progress,
    task: &str,
    period: PeriodKind,
    status: WorkStatus,
    percent: u8,
    done: Option<&str>,
) {
    let e = p.entry_mut(task, period);
    e.status = status;
    e.percent = percent;
    e.completed_on = done.map(d);
}

#[test]
fn with_no_reports_every_task_is_open_and_past_deadlines_are_overdue() {
    let imp = seed();
    let s = summarize(
        &imp.plan,
        imp.agency(),
        &[],
        d("2025-04-15"),
        Some(PeriodKind::Q1),
    );
    let h = &s.headline;
    assert_eq!(h.total, 43);
    assert_eq!(h.done_on_time + h.done_late + h.in_progress + h.unable, 0);
    assert_eq!(h.overdue + h.not_started, 43);
    // Due by 31/03 in Q1: every dated task with a milestone in Q1 and every recurring one.
    assert!(h.due > 0 && h.due == h.overdue, "{h:?}");
    let t = s.tasks.iter().find(|t| t.code == "2.c").unwrap();
    assert_eq!(t.deadline, Some(d("2025-01-15")));
    assert_eq!(t.state, TaskState::Overdue);
    let undated = s.tasks.iter().find(|t| t.code == "4.a").unwrap();
    assert_eq!(undated.deadline, None);
    assert_eq!(undated.state, TaskState::NotStarted);
    assert_eq!(h.completion_rate, 0.0);
}

#[test]
fn done_on_time_late_and_in_progress_are_told_apart() {
    let imp = seed();
    let mut hcth = Progress::new(&imp.plan.id, HCTH);
    report(
        &mut hcth,
        "t1-a",
        PeriodKind::Q1,
        WorkStatus::Done,
        100,
        Some("2025-02-10"),
    );
    report(
        &mut hcth,
        "t6-b",
        PeriodKind::Q1,
        WorkStatus::Done,
        100,
        Some("2025-02-20"),
    ); // due 31/01
    report(
        &mut hcth,
        "t1-d",
        PeriodKind::Q1,
        WorkStatus::InProgress,
        30,
        None,
    ); // due Q4
    let mut tdc = Progress::new(&imp.plan.id, TDC);
    report(
        &mut tdc,
        "t8-a",
        PeriodKind::Q1,
        WorkStatus::InProgress,
        50,
        None,
    ); // due 30/06
    let s = summarize(
        &imp.plan,
        imp.agency(),
        &[hcth, tdc],
        d("2025-04-15"),
        Some(PeriodKind::Q1),
    );
    let state = |code: &str| s.tasks.iter().find(|t| t.code == code).unwrap().state;
    assert_eq!(state("1.a"), TaskState::DoneOnTime);
    assert_eq!(state("6.b"), TaskState::DoneLate);
    assert_eq!(state("1.d"), TaskState::InProgress);
    assert_eq!(state("8.a"), TaskState::InProgress);
    assert_eq!(s.headline.done_on_time, 1);
    assert_eq!(s.headline.done_late, 1);
    assert_eq!(s.headline.in_progress, 2);
    let area6 = &s.by_area[5].counts;
    assert_eq!((area6.total, area6.done_late), (4, 1));
    let unit = s.by_unit.iter().find(|u| u.unit_id == HCTH).unwrap();
    assert_eq!(unit.lead.done_on_time, 1);
    assert_eq!(unit.lead.done_late, 1);
    let t8a = s.tasks.iter().find(|t| t.code == "8.a").unwrap();
    assert_eq!(t8a.percent, 50);
    assert!(t8a.missing_reports.is_empty());
}

#[test]
fn a_task_with_two_lead_units_is_done_only_when_both_are() {
    let imp = seed();
    let center = "trung-tam-ung-dung-va-dich-vu-khoa-hoc-cong-nghe";
    let mut hcth = Progress::new(&imp.plan.id, HCTH);
    report(
        &mut hcth,
        "t3-e",
        PeriodKind::Q1,
        WorkStatus::Done,
        100,
        Some("2025-03-01"),
    );
    let s = summarize(
        &imp.plan,
        imp.agency(),
        std::slice::from_ref(&hcth),
        d("2025-03-02"),
        Some(PeriodKind::Q1),
    );
    let t = s.tasks.iter().find(|t| t.code == "3.e").unwrap();
    assert_eq!(t.state, TaskState::InProgress);
    assert_eq!(t.percent, 50);
    assert_eq!(t.missing_reports, [center]);
    let mut c = Progress::new(&imp.plan.id, center);
    report(
        &mut c,
        "t3-e",
        PeriodKind::Q1,
        WorkStatus::Done,
        100,
        Some("2025-03-02"),
    );
    let s = summarize(
        &imp.plan,
        imp.agency(),
        &[hcth, c],
        d("2025-03-02"),
        Some(PeriodKind::Q1),
    );
    let t = s.tasks.iter().find(|t| t.code == "3.e").unwrap();
    assert_eq!(t.state, TaskState::DoneOnTime);
    assert_eq!(t.percent, 100);
}

#[test]
fn work_done_in_q1_stays_done_in_later_periods_but_counts_as_unreported() {
    let imp = seed();
    let mut tdc = Progress::new(&imp.plan.id, TDC);
    report(
        &mut tdc,
        "t8-a",
        PeriodKind::Q1,
        WorkStatus::Done,
        100,
        Some("2025-03-20"),
    );
    let s = summarize(
        &imp.plan,
        imp.agency(),
        &[tdc],
        d("2025-07-01"),
        Some(PeriodKind::H1),
    );
    let t = s.tasks.iter().find(|t| t.code == "8.a").unwrap();
    assert_eq!(t.state, TaskState::DoneOnTime);
    assert_eq!(t.reports[0].period, PeriodKind::Q1);
    assert_eq!(t.missing_reports, [TDC]);
}

#[test]
fn retired_tasks_are_not_counted_from_their_retirement_day() {
    let mut imp = seed();
    imp.plan.areas[0].tasks[0].retired_on = Some(d("2025-05-01"));
    let before = summarize(&imp.plan, imp.agency(), &[], d("2025-04-30"), None);
    let after = summarize(&imp.plan, imp.agency(), &[], d("2025-05-01"), None);
    assert_eq!(before.headline.total, 43);
    assert_eq!(after.headline.total, 42);
}

#[test]
fn reports_for_unknown_tasks_and_bad_percents_are_problems_not_failures() {
    let imp = seed();
    let mut p = Progress::new(&imp.plan.id, TDC);
    report(&mut p, "t99-z", PeriodKind::Q1, WorkStatus::Done, 100, None);
    report(
        &mut p,
        "t8-a",
        PeriodKind::Q1,
        WorkStatus::InProgress,
        250,
        None,
    );
    let s = summarize(
        &imp.plan,
        imp.agency(),
        &[p],
        d("2025-03-01"),
        Some(PeriodKind::Q1),
    );
    assert_eq!(s.problems.len(), 2, "{:?}", s.problems);
    assert!(s.problems.iter().any(|p| p.message.contains("t99-z")));
    assert!(s.problems.iter().any(|p| p.message.contains("250%")));
    assert_eq!(s.headline.total, 43);
}

#[test]
fn due_soon_and_current_period() {
    let imp = seed();
    let s = summarize(&imp.plan, imp.agency(), &[], d("2025-03-10"), None);
    let t = s.tasks.iter().find(|t| t.code == "1.b").unwrap();
    assert_eq!(t.deadline, Some(d("2025-03-31")));
    assert!(t.due_soon);
    assert_eq!(current_period(&imp.plan, d("2025-03-03")), PeriodKind::Q1);
    assert_eq!(current_period(&imp.plan, d("2025-03-04")), PeriodKind::H1);
    assert_eq!(current_period(&imp.plan, d("2025-12-01")), PeriodKind::Year);
    let periods = by_period(&imp.plan, imp.agency(), &[], d("2025-12-31"));
    assert_eq!(periods.len(), 4);
    assert!(periods.iter().all(|(_, _, c)| c.total == 43));
}
