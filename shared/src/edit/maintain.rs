//! Plan maintenance: the central office's adjustments during the year (Part III of a plan lets
//! the agency amend it) — edit a task, add a task to an area, retire a task.
//!
//! Stage: *model*, before [`crate::model::doc::update`]. The client's plan form builds a
//! [`TaskDraft`] from what the office typed; these functions check it against the agency's units
//! and re-read the timeline into milestones with the importer's own parsers, so an edited task is
//! indistinguishable from an imported one. The result is an ordinary offline edit of the plan
//! document; the server lets only the agency's administrators write it.

use serde::{Deserialize, Serialize};

use crate::import;
use crate::model::{Agency, Date, Error, Plan, Task, schedule, text};

/// A task as typed in the plan form: one line per list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskDraft {
    /// Nội dung nhiệm vụ.
    pub title: String,
    /// Chủ trì, as a plan writes it ("Phòng A; Phòng B").
    pub lead: String,
    /// Phối hợp.
    pub coordinating: String,
    /// Sản phẩm, one per line.
    pub products: String,
    /// Thời gian thực hiện, free text ("Quý II năm 2025").
    pub timeline: String,
}

impl TaskDraft {
    /// The draft of an existing task (for the form's initial values).
    pub fn of(task: &Task) -> TaskDraft {
        let join = |list: &[crate::model::Assignee]| {
            list.iter()
                .map(|a| match &a.note {
                    Some(n) => format!("{} {n}", a.text),
                    None => a.text.clone(),
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        TaskDraft {
            title: task.title.clone(),
            lead: join(&task.lead),
            coordinating: join(&task.coordinating),
            products: task.products.join("\n"),
            timeline: task.schedule.raw.clone(),
        }
    }
}

/// What a saved draft said that deserves a second look (the save went through).
pub type Warnings = Vec<String>;

/// Fills `task` from `draft`: parties resolved against `agency`, the timeline re-parsed into
/// milestones (dated with the plan's year). Refuses an empty title, an empty lead or an
/// impossible date; warns about unit names the agency does not have and timelines without a
/// date.
fn fill(
    plan: &Plan,
    agency: &Agency,
    task: &mut Task,
    draft: &TaskDraft,
) -> Result<Warnings, Error> {
    let title = text::clean(&draft.title);
    if title.is_empty() {
        return Err(Error::InvalidValue("nội dung nhiệm vụ trống".into()));
    }
    if text::clean(&draft.lead).is_empty() {
        return Err(Error::InvalidValue("chưa ghi đơn vị chủ trì".into()));
    }
    let mut warnings = Vec::new();
    let (lead, unknown_lead) = import::parse_assignees(agency, &draft.lead);
    let (coordinating, unknown_coord) = import::parse_assignees(agency, &draft.coordinating);
    for name in unknown_lead.iter().chain(&unknown_coord) {
        warnings.push(format!(
            "“{name}” không có trong danh sách đơn vị của cơ quan"
        ));
    }
    let timeline = text::clean(&draft.timeline);
    let schedule = schedule::parse(&timeline, plan.effective_year())?;
    if schedule.milestones.is_empty() && !schedule.is_recurring() {
        warnings.push(format!(
            "chưa xác định được thời hạn từ “{timeline}”; nhiệm vụ không có hạn"
        ));
    }
    task.title = title;
    task.lead = lead;
    task.coordinating = coordinating;
    task.products = draft
        .products
        .lines()
        .map(text::clean)
        .filter(|p| !p.is_empty())
        .collect();
    task.schedule = schedule;
    Ok(warnings)
}

fn task_mut<'a>(plan: &'a mut Plan, task_id: &str) -> Result<&'a mut Task, Error> {
    plan.areas
        .iter_mut()
        .flat_map(|a| a.tasks.iter_mut())
        .find(|t| t.id == task_id)
        .ok_or_else(|| Error::InvalidValue(format!("không có nhiệm vụ {task_id}")))
}

/// Edits task `task_id` from `draft` (see `fill`); the task keeps its id and code.
pub fn edit_task(
    plan: &mut Plan,
    agency: &Agency,
    task_id: &str,
    draft: &TaskDraft,
) -> Result<Warnings, Error> {
    let snapshot = plan.clone();
    let task = task_mut(plan, task_id)?;
    let mut edited = task.clone();
    let warnings = fill(&snapshot, agency, &mut edited, draft)?;
    *task = edited;
    Ok(warnings)
}

/// Corrects a task of an imported plan before it is saved (the office's import preview): its
/// code, and its lead, coordinating units, products and timeline from `draft` (see `fill`).
/// What the importer had listed as missing from that task is dropped once given.
pub fn correct_import(
    imp: &mut crate::import::Imported,
    task_id: &str,
    code: &str,
    draft: &TaskDraft,
) -> Result<Warnings, Error> {
    let code = text::clean(code);
    if code.is_empty() {
        return Err(Error::InvalidValue("mã nhiệm vụ trống".into()));
    }
    if imp
        .plan
        .tasks()
        .any(|(_, t)| t.code == code && t.id != task_id)
    {
        return Err(Error::InvalidValue(format!(
            "mã {code} đã có nhiệm vụ khác"
        )));
    }
    let agency = imp.agency().clone();
    let old = task_mut(&mut imp.plan, task_id)?.code.clone();
    let warnings = edit_task(&mut imp.plan, &agency, task_id, draft)?;
    task_mut(&mut imp.plan, task_id)?.code = code;
    imp.unplaced
        .retain(|u| !(u.text == old && u.reason.contains("không ghi")));
    Ok(warnings)
}

/// The next free letter of area `area` in Vietnamese order (a, b, c, d, đ, e, g, …), after the
/// last letter used, and the task's id and code.
fn next_code(plan: &Plan, area: u32) -> Result<(String, String), Error> {
    let a = plan
        .areas
        .iter()
        .find(|a| a.number == area)
        .ok_or_else(|| Error::InvalidValue(format!("kế hoạch không có lĩnh vực {area}")))?;
    let letter_of = |code: &str| code.rsplit_once('.').map(|(_, l)| l.to_string());
    let last = a
        .tasks
        .iter()
        .filter_map(|t| letter_of(&t.code))
        .filter_map(|l| import::LETTERS.iter().position(|x| *x == l))
        .max();
    let next = last.map_or(0, |p| p + 1);
    let letter = import::LETTERS
        .get(next)
        .ok_or_else(|| Error::InvalidValue(format!("lĩnh vực {area} đã dùng hết chữ cái")))?;
    let base = match *letter {
        "đ" => format!("t{area}-dd"),
        l => format!("t{area}-{l}"),
    };
    let mut id = base.clone();
    let mut n = 1;
    while plan.task(&id).is_some() {
        n += 1;
        id = format!("{base}-{n}");
    }
    Ok((id, format!("{area}.{letter}")))
}

/// Adds a task at the end of area `area` with the next letter; returns its id and the warnings.
pub fn add_task(
    plan: &mut Plan,
    agency: &Agency,
    area: u32,
    draft: &TaskDraft,
) -> Result<(String, Warnings), Error> {
    let (id, code) = next_code(plan, area)?;
    let mut task = Task {
        id: id.clone(),
        code,
        title: String::new(),
        description: Vec::new(),
        lead: Vec::new(),
        coordinating: Vec::new(),
        products: Vec::new(),
        schedule: schedule::Schedule::unspecified(""),
        retired_on: None,
    };
    let warnings = fill(plan, agency, &mut task, draft)?;
    plan.areas
        .iter_mut()
        .find(|a| a.number == area)
        .expect("next_code found the area")
        .tasks
        .push(task);
    Ok((id, warnings))
}

/// Retires task `task_id` from `on`: it stays in the plan with its history and reports, and no
/// longer counts from that day ([`Task::is_active`]).
pub fn retire_task(plan: &mut Plan, task_id: &str, on: Date) -> Result<(), Error> {
    task_mut(plan, task_id)?.retired_on = Some(on);
    Ok(())
}

/// Undoes a retirement.
pub fn reinstate_task(plan: &mut Plan, task_id: &str) -> Result<(), Error> {
    task_mut(plan, task_id)?.retired_on = None;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AssigneeKind, Group, PeriodKind, Progress, WorkStatus};
    use crate::views::status;

    fn seed() -> (Plan, Agency) {
        let imp = crate::import::import(crate::fixtures::SEED_PLAN).unwrap();
        let agency = imp.agency().clone();
        (imp.plan, agency)
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn an_edited_task_gets_its_units_resolved_and_its_timeline_reparsed() {
        let (mut plan, agency) = seed();
        let mut draft = TaskDraft::of(plan.task("t1-a").unwrap());
        draft.title = "Ban hành Kế hoạch CCHC năm 2025 (điều chỉnh)".into();
        draft.lead = "Phòng Hành chính – Tổng hợp chủ trì tham mưu".into();
        draft.coordinating = "Thanh tra Sở; các phòng chuyên môn, nghiệp vụ thuộc Sở".into();
        draft.products = "Kế hoạch điều chỉnh\n\n Báo cáo  ".into();
        draft.timeline = "Chậm nhất là ngày 30/6/2025".into();
        let warnings = edit_task(&mut plan, &agency, "t1-a", &draft).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let t = plan.task("t1-a").unwrap();
        assert_eq!(t.code, "1.a");
        assert_eq!(t.title, "Ban hành Kế hoạch CCHC năm 2025 (điều chỉnh)");
        assert_eq!(t.lead.len(), 1);
        assert_eq!(
            t.lead[0].unit_id.as_deref(),
            Some("phong-hanh-chinh-tong-hop")
        );
        assert_eq!(t.lead[0].note.as_deref(), Some("chủ trì tham mưu"));
        assert_eq!(t.coordinating[0].unit_id.as_deref(), Some("thanh-tra-so"));
        assert_eq!(t.coordinating[1].kind, AssigneeKind::Group);
        assert_eq!(
            t.coordinating[1].group,
            Some(Group::ProfessionalDepartments)
        );
        assert_eq!(t.products, vec!["Kế hoạch điều chỉnh", "Báo cáo"]);
        assert_eq!(t.schedule.final_due(), Some(d("2025-06-30")));
        // The status follows the new deadline: not overdue on 01/04 any more.
        let s = status::summarize(&plan, &agency, &[], d("2025-04-01"), None);
        let st = s.tasks.iter().find(|x| x.task_id == "t1-a").unwrap();
        assert_eq!(st.deadline, Some(d("2025-06-30")));
        assert!(!st.due);
    }

    #[test]
    fn bad_drafts_are_refused_and_leave_the_plan_as_it_was() {
        let (mut plan, agency) = seed();
        let before = plan.clone();
        let mut draft = TaskDraft::of(plan.task("t2-a").unwrap());
        draft.timeline = "Chậm nhất là ngày 31/02/2025".into();
        let err = edit_task(&mut plan, &agency, "t2-a", &draft).unwrap_err();
        assert!(err.to_string().contains("31/02/2025"), "{err}");
        draft.timeline = "Quý II".into();
        draft.title = "  ".into();
        assert!(edit_task(&mut plan, &agency, "t2-a", &draft).is_err());
        draft.title = "x".into();
        draft.lead = String::new();
        assert!(edit_task(&mut plan, &agency, "t2-a", &draft).is_err());
        assert!(
            edit_task(
                &mut plan,
                &agency,
                "t-none",
                &TaskDraft::of(before.task("t2-a").unwrap())
            )
            .is_err()
        );
        assert_eq!(plan, before);
    }

    #[test]
    fn unknown_units_and_undated_timelines_are_saved_with_a_warning() {
        let (mut plan, agency) = seed();
        let mut draft = TaskDraft::of(plan.task("t2-a").unwrap());
        draft.lead = "Phòng Không Tồn Tại".into();
        draft.timeline = "Khi có yêu cầu".into();
        let warnings = edit_task(&mut plan, &agency, "t2-a", &draft).unwrap();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("Phòng Không Tồn Tại"));
        let t = plan.task("t2-a").unwrap();
        assert_eq!(t.lead[0].unit_id, None);
    }

    #[test]
    fn added_tasks_take_the_next_vietnamese_letter() {
        let (mut plan, agency) = seed();
        let area4 = plan.areas.iter().find(|a| a.number == 4).unwrap();
        let last = area4.tasks.last().unwrap().code.clone();
        assert_eq!(last, "4.d");
        let draft = TaskDraft {
            title: "Rà soát quy chế".into(),
            lead: "Phòng Hành chính - Tổng hợp".into(),
            timeline: "Quý IV năm 2025".into(),
            ..TaskDraft::default()
        };
        let (id, w) = add_task(&mut plan, &agency, 4, &draft).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(id, "t4-dd");
        assert_eq!(plan.task(&id).unwrap().code, "4.đ");
        let (id2, _) = add_task(&mut plan, &agency, 4, &draft).unwrap();
        assert_eq!(plan.task(&id2).unwrap().code, "4.e");
        assert!(add_task(&mut plan, &agency, 42, &draft).is_err());
        // It counts at once.
        let s = status::summarize(&plan, &agency, &[], d("2025-02-01"), None);
        assert_eq!(s.headline.total, 45);
    }

    #[test]
    fn a_retired_task_stops_counting_from_its_day_and_keeps_its_reports() {
        let (mut plan, agency) = seed();
        let mut p = Progress::new(&plan.id, "phong-hanh-chinh-tong-hop");
        p.entry_mut("t1-a", PeriodKind::Q1).status = WorkStatus::InProgress;
        let total = |plan: &Plan, day: &str| {
            status::summarize(plan, &agency, std::slice::from_ref(&p), d(day), None)
                .headline
                .total
        };
        assert_eq!(total(&plan, "2025-07-01"), 43);
        retire_task(&mut plan, "t1-a", d("2025-06-15")).unwrap();
        assert_eq!(total(&plan, "2025-06-14"), 43);
        assert_eq!(total(&plan, "2025-07-01"), 42);
        assert!(plan.task("t1-a").is_some());
        reinstate_task(&mut plan, "t1-a").unwrap();
        assert_eq!(total(&plan, "2025-07-01"), 43);
    }
}
