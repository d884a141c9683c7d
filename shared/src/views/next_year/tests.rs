use super::*;
use crate::model::lineage::{AccountFate, Basis, ChangeKind, OrgChange};
use crate::model::previous::record;
use crate::model::{PeriodKind, Progress, WorkStatus};
use crate::views::status;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn seed() -> Imported {
    crate::import::import(crate::fixtures::SEED_PLAN).unwrap()
}

fn task<'a>(plan: &'a Plan, id: &str) -> &'a Task {
    plan.task(id).unwrap_or_else(|| panic!("no task {id}"))
}

fn dues(t: &Task) -> Vec<String> {
    t.schedule.milestones.iter().map(|m| m.due.vi()).collect()
}

#[test]
fn the_seed_plan_drafts_2026_with_recurring_tasks_carried_and_one_offs_listed() {
    let seed = seed();
    let out = draft(&seed.plan, &seed.org).unwrap();
    let p = &out.draft.plan;
    assert_eq!(p.id, "kh-cchc-2026-so-khoa-hoc-va-cong-nghe");
    assert_eq!(p.year, Some(2026));
    assert_eq!(
        p.title,
        "Cải cách hành chính của Sở Khoa học và Công nghệ năm 2026"
    );
    assert_eq!(p.number, "/KH-SKHCN", "the number is left for the office");
    assert_eq!(p.date, None);
    // 43 tasks: 29 recur (or stand undated: "khi có chỉ đạo", "theo quy định"), 14 once.
    assert_eq!(p.tasks().count(), 43);
    assert_eq!(out.carried.len(), 29);
    assert_eq!(out.one_off.len(), 14);
    let one_off: Vec<&str> = out.one_off.iter().map(|o| o.code.as_str()).collect();
    assert_eq!(
        one_off,
        [
            "1.b", "1.c", "1.d", "1.đ", "1.e", "2.c", "3.a", "5.b", "5.d", "6.b", "6.d", "7.b",
            "8.a", "8.b"
        ]
    );
    // Recurring work, dated in the new year.
    let t = task(p, "t2-a");
    assert_eq!(t.schedule.raw, "Thường xuyên trong năm 2026.");
    assert_eq!(dues(t), ["31/12/2026"]);
    assert_eq!(
        t.title,
        task(&seed.plan, "t2-a").title,
        "a title without a year stays"
    );
    let monthly = task(p, "t3-d");
    assert_eq!(monthly.schedule.milestones.len(), 12);
    assert_eq!(monthly.schedule.milestones[1].due.vi(), "28/02/2026");
    let t = task(p, "t1-a");
    assert_eq!(
        t.schedule.raw,
        "Quý I năm 2026 ban hành Kế hoạch; định kỳ báo cáo kết quả thực hiện."
    );
    assert_eq!(dues(t), ["31/03/2026"]);
    assert!(
        t.title.ends_with("chuyên đổi số của Sở năm 2026"),
        "{}",
        t.title
    );
    // A cited decision and a span of years are not the plan's dates.
    let t = task(p, "t3-c");
    assert_eq!(t.schedule.raw, task(&seed.plan, "t3-c").schedule.raw);
    assert!(t.schedule.raw.contains("giai đoạn 2022 - 2025"));
    assert_eq!(dues(t), ["31/12/2026"]);
    // The seed's 1.đ drafts next year's plan: in the 2026 plan it drafts 2027's, in December 2026.
    let t = task(p, "t1-dd");
    assert_eq!(
        t.title,
        "Xây dựng Kế hoạch cải cách hành chính năm 2027 tỉnh Quảng Ngãi"
    );
    assert_eq!(t.schedule.raw, "Tháng 12 năm 2026.");
    let o = out.one_off.iter().find(|o| o.task_id == "t2-c").unwrap();
    assert_eq!(o.timeline_before, "Chậm nhất là ngày 15/01/2025");
    assert_eq!(o.timeline, "Chậm nhất là ngày 15/01/2026");
    assert_eq!(dues(task(p, "t2-c")), ["15/01/2026"]);
    // Units kept; the reporting deadlines of the new year.
    assert_eq!(task(p, "t2-a").lead, task(&seed.plan, "t2-a").lead);
    let deadlines: Vec<String> = p
        .reporting_periods
        .iter()
        .map(|r| r.deadline.vi())
        .collect();
    assert_eq!(
        deadlines,
        ["03/03/2026", "03/06/2026", "03/09/2026", "25/11/2026"]
    );
    // What it continues.
    let prev = p.previous.as_ref().unwrap();
    assert_eq!(prev.plan_id, seed.plan.id);
    assert!(prev.drafted);
    assert_eq!(prev.tasks.len(), 43);
    assert!(
        prev.tasks
            .iter()
            .all(|c| c.how == How::Carried && c.task_id == c.previous_task)
    );
    assert!(out.replaced.is_empty());
    // It is an import like any other.
    out.draft.check().unwrap();
}

#[test]
fn shifted_years_leave_cited_documents_and_spans_of_years_alone() {
    assert_eq!(
        shift_years("Tháng 12/2025 xây dựng kế hoạch năm 2026", 2025, false),
        "Tháng 12/2026 xây dựng kế hoạch năm 2027"
    );
    assert_eq!(
        shift_years(
            "Theo Quyết định số 12/QĐ-UBND ngày 05/01/2025, trước 30/6/2025",
            2025,
            false
        ),
        "Theo Quyết định số 12/QĐ-UBND ngày 05/01/2025, trước 30/6/2026"
    );
    assert_eq!(
        shift_years("giai đoạn 2021 - 2025, năm 2024, mã 120250", 2025, false),
        "giai đoạn 2021 - 2025, năm 2024, mã 120250"
    );
    assert_eq!(
        shift_years("Báo cáo năm 2025 theo Thông tư 02/2025", 2025, true),
        "Báo cáo năm 2026 theo Thông tư 02/2025"
    );
    assert_eq!(next_year_day(d("2024-02-29")), d("2025-02-28"));
}

fn change(kind: ChangeKind, unit: &str, into: &[&str], on: &str) -> OrgChange {
    OrgChange {
        id: format!("{}-{unit}", kind.as_str()),
        kind,
        unit: unit.into(),
        on: d(on),
        into: into.iter().map(|s| s.to_string()).collect(),
        created: Vec::new(),
        routes: Default::default(),
        old_name: String::new(),
        new_name: String::new(),
        basis: Basis::default(),
        accounts: AccountFate::Keep,
        by: "admin".into(),
        at: 0,
    }
}

#[test]
fn units_that_ended_are_replaced_by_the_unit_that_carries_the_task() {
    let mut seed = seed();
    let lead = task(&seed.plan, "t2-b").lead[0].unit_id.clone().unwrap();
    let lead_1b = task(&seed.plan, "t1-b").lead[0].unit_id.clone().unwrap();
    let agency = seed.org.agencies.iter_mut().next().unwrap();
    let heir = agency
        .units
        .iter()
        .find(|u| u.id != lead && u.id != lead_1b)
        .unwrap()
        .clone();
    agency.changes = vec![
        change(ChangeKind::Merge, &lead, &[&heir.id], "2025-10-01"),
        change(ChangeKind::Retire, &lead_1b, &[], "2025-12-01"),
    ];
    let out = draft(&seed.plan, &seed.org).unwrap();
    let t = task(&out.draft.plan, "t2-b");
    assert_eq!(t.lead[0].unit_id.as_deref(), Some(heir.id.as_str()));
    assert_eq!(t.lead[0].text, heir.name);
    assert!(
        out.replaced
            .iter()
            .any(|r| r.task_id == "t2-b" && r.after == heir.name)
    );
    // No successor: the unit stays and the office is told.
    assert_eq!(
        task(&out.draft.plan, "t1-b").lead[0].unit_id.as_deref(),
        Some(lead_1b.as_str())
    );
    assert!(
        out.notes
            .iter()
            .any(|n| n.starts_with("Nhiệm vụ 1.b:") && n.contains("không có đơn vị kế thừa")),
        "{:?}",
        out.notes
    );
    // A merge dated in the new year does not touch the draft.
    let agency = seed.org.agencies.iter_mut().next().unwrap();
    agency.changes = vec![change(ChangeKind::Merge, &lead, &[&heir.id], "2026-03-01")];
    let out = draft(&seed.plan, &seed.org).unwrap();
    assert_eq!(
        task(&out.draft.plan, "t2-b").lead[0].unit_id.as_deref(),
        Some(lead.as_str())
    );
}

#[test]
fn one_off_tasks_the_office_drops_leave_the_draft_and_codes_are_lettered_again() {
    let seed = seed();
    let mut out = draft(&seed.plan, &seed.org).unwrap();
    let one_off: Vec<String> = out.one_off.iter().map(|o| o.task_id.clone()).collect();
    let kept: BTreeSet<String> = ["t1-dd".to_string()].into();
    keep_only(&mut out.draft, &one_off, &kept);
    let p = &out.draft.plan;
    assert_eq!(p.tasks().count(), 43 - 13);
    let area1: Vec<(&str, &str)> = p.areas[0]
        .tasks
        .iter()
        .map(|t| (t.id.as_str(), t.code.as_str()))
        .collect();
    assert_eq!(area1, [("t1-a", "1.a"), ("t1-dd", "1.b")]);
    assert_eq!(p.previous.as_ref().unwrap().tasks.len(), 30);
    assert!(p.task("t8-b").is_none());
    out.draft.check().unwrap();
}

/// The seed as the province's 2026 plan might say it: the same tasks, the year moved on.
fn real_2026() -> Plan {
    let text = crate::fixtures::SEED_PLAN.replace("2025", "2026");
    crate::import::import(&text).unwrap().plan
}

#[test]
fn a_real_plan_of_the_next_year_is_matched_to_last_years_tasks_by_title() {
    let last = seed().plan;
    let mut plan = real_2026();
    // A title reworded a little, one replaced, one moved to another area.
    let t = plan.areas[1]
        .tasks
        .iter_mut()
        .find(|t| t.id == "t2-a")
        .unwrap();
    t.title = format!("{} trong năm", t.title.trim_end_matches(':'));
    let t = plan.areas[2]
        .tasks
        .iter_mut()
        .find(|t| t.id == "t3-a")
        .unwrap();
    t.title = "Tổ chức hội nghị tổng kết công tác cải cách hành chính".into();
    let moved = plan.areas[3].tasks.remove(0);
    assert_eq!(moved.id, "t4-a");
    plan.areas[4].tasks.push(moved);
    let found = match_tasks(&last, &plan);
    let of = |id: &str| found.iter().find(|c| c.task_id == id);
    assert_eq!(found.len(), 42, "every task but the replaced one");
    assert!(of("t3-a").is_none());
    let similar = of("t2-a").unwrap();
    assert_eq!(
        (similar.previous_task.as_str(), similar.how),
        ("t2-a", How::SimilarTitle)
    );
    let moved = of("t4-a").unwrap();
    assert_eq!(
        (moved.previous_task.as_str(), moved.how),
        ("t4-a", How::SameTitle)
    );
    // Titles naming their year agree across years ("… năm 2025" / "… năm 2026").
    assert!(task(&plan, "t6-b").title.contains("năm 2026"));
    assert_eq!(of("t6-b").unwrap().how, How::SameTitle);
    // The seed repeats the code 5.c: both are matched, each to its own.
    assert_eq!(of("t5-c").unwrap().previous_task, "t5-c");
    assert_eq!(of("t5-c-2").unwrap().previous_task, "t5-c-2");
    // One previous task is matched once.
    let previous: BTreeSet<&str> = found.iter().map(|c| c.previous_task.as_str()).collect();
    assert_eq!(previous.len(), found.len());
}

#[test]
fn similarity_is_only_for_long_titles_in_the_same_area_without_a_tie() {
    let last = seed().plan;
    let mut plan = real_2026();
    // Reworded and moved to another area: not matched.
    let mut t = plan.areas[1].tasks.remove(0);
    t.title = format!("{} trong năm", t.title.trim_end_matches(':'));
    plan.areas[5].tasks.push(t);
    // Short titles are never matched by likeness.
    let mut short_last = last.clone();
    short_last.areas[0].tasks[0].title = "Kế hoạch tuyên truyền cải cách".into();
    let mut short = plan.clone();
    short.areas[0].tasks[0].title = "Kế hoạch tuyên truyền cải cách mới".into();
    let found = match_tasks(&short_last, &short);
    assert!(!found.iter().any(|c| c.task_id == "t2-a"));
    assert!(!found.iter().any(|c| c.task_id == "t1-a"));
}

#[test]
fn the_record_reads_back_is_written_once_and_survives_whole_model_writes() {
    let seed = seed();
    let out = draft(&seed.plan, &seed.org).unwrap();
    let mut plan = out.draft.plan.clone();
    let previous = Previous {
        by: "office".into(),
        ..plan.previous.take().unwrap()
    };
    let mut doc =
        crate::model::doc::new_document(&plan, Some("system"), crate::model::doc::UnixTime(0))
            .unwrap();
    // Whole-model writes do not write it.
    assert_eq!(
        crate::model::doc::read::<Plan, _>(&doc).unwrap().previous,
        None
    );
    record(&mut doc, &previous, 1_767_000_000_000).unwrap();
    let read: Plan = crate::model::doc::read(&doc).unwrap();
    assert_eq!(read.previous.as_ref(), Some(&previous));
    assert_eq!(crate::model::schema::version_of(&doc), 5);
    assert!(record(&mut doc, &previous, 1_767_000_000_001).is_err());
    // The plan editor's write (a model without it, as an older reading) leaves it.
    crate::model::doc::update::<Plan, _>(&mut doc, "office", crate::model::doc::UnixTime(1), |p| {
        p.previous = None;
        p.areas[0].tasks[0].title = "Sửa".into();
    })
    .unwrap();
    let read: Plan = crate::model::doc::read(&doc).unwrap();
    assert_eq!(read.previous.as_ref(), Some(&previous));
    assert_eq!(read.areas[0].tasks[0].title, "Sửa");
}

#[test]
fn each_area_is_set_beside_the_same_area_of_last_year_as_of_its_annual_deadline() {
    let seed = seed();
    let agency = seed.agency().clone();
    let last = seed.plan.clone();
    let mut p = Progress::new(&last.id, "phong-hanh-chinh-tong-hop");
    let e = p.entry_mut("t1-a", PeriodKind::Year);
    e.status = WorkStatus::Done;
    e.percent = 100;
    e.completed_on = Some(d("2025-03-01"));
    let today = d("2026-04-10");
    let when = status::as_of(&last, None, &Default::default(), today);
    assert_eq!(when.day, d("2025-12-20"));
    let last_year = status::summarize(&last, &agency, &[p], when.day, None);
    let mut plan = real_2026();
    plan.previous = Some(Previous {
        plan_id: last.id.clone(),
        drafted: false,
        tasks: match_tasks(&last, &plan),
        by: String::new(),
    });
    let now = status::summarize(&plan, &agency, &[], today, None);
    let cmp = compare(&plan, &now, &last, &last_year, when);
    assert_eq!(cmp.previous_year, Some(2025));
    assert_eq!(cmp.areas.len(), 9);
    let a1 = &cmp.areas[0];
    assert_eq!(a1.number, 1);
    assert_eq!(a1.continued, 6);
    let before = a1.previous.as_ref().unwrap();
    assert_eq!(before.total, 6);
    assert_eq!(before.done_on_time + before.done_late, 1);
    assert_eq!(a1.current.done_on_time + a1.current.done_late, 0);
}
