//! A plan revised mid-year (`edit::revise`) read back through the documents and the status view:
//! the year stays continuous. Outside `src/` because it crosses floors (edit and views).

use tiendo_shared::edit::maintain::TaskDraft;
use tiendo_shared::edit::revise::*;
use tiendo_shared::model::revision::*;
use tiendo_shared::model::{Agency, Date, Plan};
use tiendo_shared::model::{PeriodKind, Progress, WorkStatus};
use tiendo_shared::views::status;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn seed() -> (Plan, Agency) {
    let imp = tiendo_shared::import::import(tiendo_shared::fixtures::SEED_PLAN).unwrap();
    let agency = imp.agency().clone();
    (imp.plan, agency)
}

fn request() -> Request {
    Request {
        from: Some(d("2025-07-01")),
        basis_number: "Kế hoạch số 45/KH-SKHCN".into(),
        basis_date: Some(d("2025-06-20")),
        add: vec![(
            4,
            TaskDraft {
                title: "Rà soát quy chế làm việc sau sắp xếp".into(),
                lead: "Phòng Hành chính - Tổng hợp".into(),
                timeline: "Quý IV năm 2025".into(),
                ..TaskDraft::default()
            },
        )],
        lead: vec![("t1-b".into(), "Phòng Hành chính - Tổng hợp".into())],
        timeline: vec![("t1-b".into(), "Quý IV năm 2025".into())],
    }
}

#[test]
fn a_revision_counts_from_its_day_and_leaves_the_figures_before_it_as_they_were() {
    let (mut plan, agency) = seed();
    let original = plan.clone();
    let (rev, warnings) = revise(&mut plan, &agency, &request(), ("r1", "office", 1)).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    plan.revisions.push(rev.clone());
    assert_eq!(
        rev.describe(),
        "Điều chỉnh, bổ sung từ ngày 01/07/2025 (Kế hoạch số 45/KH-SKHCN ngày 20/06/2025): thêm 1 nhiệm vụ, đổi chủ trì 1 nhiệm vụ, đổi thời gian 1 nhiệm vụ"
    );
    // The plan as it stood before the day is the plan as it was.
    let before = plan_on(&plan, d("2025-06-30"));
    assert_eq!(before.areas, original.areas);
    assert_eq!(plan_on(&plan, d("2025-07-01")).areas, plan.areas);
    // Progress is kept: the old lead's Q1 report of t1-b stays its own.
    let old_lead = original.task("t1-b").unwrap().lead[0]
        .unit_id
        .clone()
        .unwrap();
    let mut p = Progress::new(&plan.id, &old_lead);
    p.entry_mut("t1-b", PeriodKind::Q1).status = WorkStatus::InProgress;
    let on = |day: &str, period| {
        status::summarize(
            &plan_on(&plan, d(day)),
            &agency,
            std::slice::from_ref(&p),
            d(day),
            period,
        )
    };
    let unrevised = |day: &str, period| {
        status::summarize(&original, &agency, std::slice::from_ref(&p), d(day), period)
    };
    // Quý I, as of its deadline: the same figures as without the revision.
    assert_eq!(
        on("2025-03-20", Some(PeriodKind::Q1)),
        unrevised("2025-03-20", Some(PeriodKind::Q1))
    );
    let q1 = on("2025-03-20", Some(PeriodKind::Q1));
    let t = q1.tasks.iter().find(|t| t.task_id == "t1-b").unwrap();
    assert_eq!(t.lead_units, [old_lead]);
    assert_eq!(q1.headline.total, 43);
    // From the day: the added task counts, the new lead and timeline hold (not overdue in
    // August: due at the end of the year now).
    let aug = on("2025-08-01", None);
    assert_eq!(aug.headline.total, 44);
    let t = aug.tasks.iter().find(|t| t.task_id == "t1-b").unwrap();
    assert_eq!(t.deadline, Some(d("2025-12-31")));
    assert!(!t.due);
    assert_eq!(t.lead_units, ["phong-hanh-chinh-tong-hop"]);
    let was = unrevised("2025-08-01", None);
    let t = was.tasks.iter().find(|t| t.task_id == "t1-b").unwrap();
    assert!(t.due, "without the revision t1-b was overdue since Quý I");
}

#[test]
fn revisions_are_appended_read_back_and_left_alone_by_whole_model_writes() {
    let (mut plan, agency) = seed();
    let mut doc = tiendo_shared::model::doc::new_document(
        &plan,
        Some("system"),
        tiendo_shared::model::doc::UnixTime(0),
    )
    .unwrap();
    let (rev, _) = revise(
        &mut plan,
        &agency,
        &request(),
        ("r1", "office", 1_750_000_000_000),
    )
    .unwrap();
    tiendo_shared::model::doc::update::<Plan, _>(
        &mut doc,
        "office",
        tiendo_shared::model::doc::UnixTime(1),
        |p| {
            *p = plan.clone();
        },
    )
    .unwrap();
    record(&mut doc, &rev).unwrap();
    let read: Plan = tiendo_shared::model::doc::read(&doc).unwrap();
    assert_eq!(read.revisions, vec![rev.clone()]);
    assert_eq!(
        read.task("t1-b").unwrap().schedule.final_due(),
        Some(d("2025-12-31"))
    );
    // A later write of the whole plan (the editor, an older reading without revisions).
    tiendo_shared::model::doc::update::<Plan, _>(
        &mut doc,
        "office",
        tiendo_shared::model::doc::UnixTime(2),
        |p| {
            p.revisions.clear();
            p.title = "Sửa".into();
        },
    )
    .unwrap();
    assert_eq!(
        tiendo_shared::model::doc::read::<Plan, _>(&doc)
            .unwrap()
            .revisions,
        vec![rev]
    );
}

#[test]
fn a_revision_outside_the_year_empty_or_of_an_unknown_task_is_refused() {
    let (mut plan, agency) = seed();
    let before = plan.clone();
    let id = ("r", "office", 0);
    let mut r = request();
    r.from = Some(d("2026-01-01"));
    assert!(
        revise(&mut plan, &agency, &r, id)
            .unwrap_err()
            .to_string()
            .contains("không thuộc năm 2025")
    );
    r.from = None;
    assert!(revise(&mut plan, &agency, &r, id).is_err());
    let empty = Request {
        from: Some(d("2025-07-01")),
        ..Request::default()
    };
    assert!(revise(&mut plan, &agency, &empty, id).is_err());
    let mut r = request();
    r.timeline.push(("t-none".into(), "Quý IV".into()));
    assert!(revise(&mut plan, &agency, &r, id).is_err());
    assert_eq!(plan, before);
}

#[test]
fn work_the_former_lead_reported_still_counts_after_a_revision_changes_the_lead() {
    let (mut plan, agency) = seed();
    let original = plan.clone();
    let (rev, _) = revise(&mut plan, &agency, &request(), ("r1", "office", 1)).unwrap();
    plan.revisions.push(rev);
    let old_lead = original.task("t1-b").unwrap().lead[0]
        .unit_id
        .clone()
        .unwrap();
    let new_lead = agency
        .find_unit("Phòng Hành chính - Tổng hợp")
        .unwrap()
        .id
        .clone();
    assert_ne!(old_lead, new_lead);
    // The former lead finished the task in the first half-year.
    let mut p = Progress::new(&plan.id, &old_lead);
    *p.entry_mut("t1-b", PeriodKind::H1) = tiendo_shared::model::Entry {
        status: WorkStatus::Done,
        percent: 100,
        completed_on: Some(d("2025-06-10")),
        ..tiendo_shared::model::Entry::default()
    };
    let year = |progress: &[Progress]| {
        let day = d("2025-12-20");
        let folded = fold(&plan, &agency, progress, day);
        let s = status::summarize(
            &plan_on(&plan, day),
            &agency,
            &folded,
            day,
            Some(PeriodKind::Year),
        );
        s.tasks.into_iter().find(|t| t.task_id == "t1-b").unwrap()
    };
    let t = year(std::slice::from_ref(&p));
    assert_eq!(t.lead_units, vec![new_lead.clone()]);
    assert!(t.state.is_done(), "{:?}", t.state);
    assert_eq!(t.percent, 100);
    // The new lead's own entry for a period wins over what was carried.
    let mut q = Progress::new(&plan.id, &new_lead);
    q.entry_mut("t1-b", PeriodKind::Year).percent = 40;
    q.entry_mut("t1-b", PeriodKind::Year).status = WorkStatus::InProgress;
    let t = year(&[p.clone(), q]);
    assert_eq!(t.percent, 40);
    // Before the revision's day nothing is carried: the former lead is the lead.
    assert!(fold(&plan, &agency, std::slice::from_ref(&p), d("2025-06-30")).len() == 1);
    assert!(matches!(
        fold(&plan, &agency, std::slice::from_ref(&p), d("2025-06-30")),
        std::borrow::Cow::Borrowed(_)
    ));
}
