//! The computation itself: deadlines, each task's state, and the counts per area, unit and
//! period (the rules are in [`crate::views::status`]).
//!
//! Stage: *status*, pure: plan + every unit's progress + "as of" in, a [`Summary`] out.

use std::collections::{BTreeMap, HashMap};

use super::{
    AreaStatus, Counts, DUE_SOON_DAYS, Problem, Summary, TaskState, TaskStatus, UnitReport,
    UnitStatus,
};
use crate::model::Date;
use crate::model::org::{Agency, AssigneeKind};
use crate::model::plan::{PeriodKind, Plan, Task};
use crate::model::progress::{Entry, Progress, WorkStatus};
use crate::model::schedule::Recurrence;

/// The period whose report is being prepared on `as_of`: the first whose deadline is not past.
pub fn current_period(plan: &Plan, as_of: Date) -> PeriodKind {
    let mut periods: Vec<_> = plan.reporting_periods.iter().collect();
    periods.sort_by_key(|p| p.kind);
    periods
        .into_iter()
        .find(|p| as_of <= p.deadline)
        .map_or(PeriodKind::Year, |p| p.kind)
}

/// The deadline of `task` for `period` on `as_of` (see the module rules).
pub fn deadline(plan: &Plan, task: &Task, period: Option<PeriodKind>, as_of: Date) -> Option<Date> {
    let s = &task.schedule;
    let year = plan.effective_year().unwrap_or(as_of.year());
    let recurring = matches!(
        s.recurrence,
        Recurrence::Continuous | Recurrence::Monthly | Recurrence::Periodic
    );
    match period {
        Some(p) => {
            let end = p.covers_until(year);
            if recurring {
                // Recurring work is checked at the end of every period.
                return Some(end);
            }
            s.milestones
                .iter()
                .rev()
                .find(|m| m.due <= end)
                .or_else(|| s.milestones.first())
                .map(|m| m.due)
        }
        None => {
            if recurring && s.milestones.is_empty() {
                return Some(PeriodKind::Year.covers_until(year));
            }
            s.milestones
                .iter()
                .rev()
                .find(|m| m.due <= as_of)
                .or_else(|| s.milestones.iter().find(|m| m.due > as_of))
                .map(|m| m.due)
        }
    }
}

/// The derived state of one unit's entry: done (on time or late against `deadline`), unable,
/// overdue once `deadline` is before `as_of`, else in progress or not started.
pub fn state_of(
    status: WorkStatus,
    completed_on: Option<Date>,
    deadline: Option<Date>,
    as_of: Date,
) -> TaskState {
    let passed = deadline.is_some_and(|d| d < as_of);
    match status {
        WorkStatus::Done => match (completed_on, deadline) {
            (Some(c), Some(d)) if c > d => TaskState::DoneLate,
            _ => TaskState::DoneOnTime,
        },
        WorkStatus::Unable => TaskState::Unable,
        _ if passed => TaskState::Overdue,
        WorkStatus::InProgress => TaskState::InProgress,
        WorkStatus::NotStarted => TaskState::NotStarted,
    }
}

/// Computes the status of `plan` from the units' `progress` documents as of `as_of`, for
/// `period` (or the latest entries when `None`). `agency` resolves group phrases to units.
pub fn summarize(
    plan: &Plan,
    agency: &Agency,
    progress: &[Progress],
    as_of: Date,
    period: Option<PeriodKind>,
) -> Summary {
    let mut problems = Vec::new();
    // The organisation as it stood that day, and each unit's progress with what its
    // predecessors passed on to it ([`crate::model::lineage`]).
    let lineage = agency.lineage();
    let then = agency.on(as_of);
    let folded = crate::model::lineage::fold(agency, progress, as_of);
    let mut by_unit_doc: HashMap<&str, &Progress> = HashMap::new();
    for (i, p) in folded.iter().enumerate() {
        if i >= progress.len() {
            // A successor's carried entries (its own document was not among the inputs).
            by_unit_doc.insert(p.unit_id.as_str(), p);
            continue;
        }
        if p.plan_id != plan.id {
            problems.push(
                Problem::new(format!(
                    "báo cáo của đơn vị {} thuộc kế hoạch khác ({}), không tính",
                    p.unit_id, p.plan_id
                ))
                .in_unit(&p.unit_id),
            );
            continue;
        }
        if agency.unit(&p.unit_id).is_none() {
            problems.push(
                Problem::new(format!(
                    "báo cáo của đơn vị không có trong tổ chức: {}",
                    p.unit_id
                ))
                .in_unit(&p.unit_id),
            );
        }
        for task_id in p.tasks.keys() {
            if plan.task(task_id).is_none() {
                problems.push(Problem {
                    task_id: Some(task_id.clone()),
                    ..Problem::new(format!(
                        "đơn vị {} báo cáo nhiệm vụ không có trong kế hoạch: {task_id}",
                        p.unit_id
                    ))
                    .in_unit(&p.unit_id)
                });
            }
        }
        if by_unit_doc.insert(p.unit_id.as_str(), p).is_some() {
            problems.push(
                Problem::new(format!(
                    "hai tài liệu tiến độ cho đơn vị {}; dùng tài liệu sau",
                    p.unit_id
                ))
                .in_unit(&p.unit_id),
            );
        }
        problems.extend(Problem::unreadable_entries(plan, p));
    }
    let reporting_period = period.unwrap_or_else(|| current_period(plan, as_of));

    let mut tasks = Vec::new();
    // unit id → (state of its own part, due) for tasks it leads
    let mut unit_lead: BTreeMap<String, Vec<(TaskState, bool)>> = BTreeMap::new();
    let mut unit_coord: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut unit_missing: BTreeMap<String, usize> = BTreeMap::new();

    for (area, task) in plan.tasks() {
        if !task.is_active(as_of) {
            continue;
        }
        let mut leads: Vec<String> = Vec::new();
        for a in &task.lead {
            for id in then.resolve(a) {
                let id = lineage.route(&id, &task.id, as_of);
                if !leads.contains(&id) {
                    leads.push(id);
                }
            }
        }
        let mut coords: Vec<String> = Vec::new();
        for a in task
            .coordinating
            .iter()
            .filter(|a| a.kind != AssigneeKind::External)
        {
            for id in then.resolve(a) {
                let id = lineage.route(&id, &task.id, as_of);
                if !coords.contains(&id) && !leads.contains(&id) {
                    coords.push(id);
                }
            }
        }
        // With no fixed lead (a "related units" phrase or none written), whoever reports leads.
        let reporters: Vec<String> = if leads.is_empty() {
            by_unit_doc
                .iter()
                .filter(|(_, p)| p.tasks.contains_key(&task.id))
                .map(|(u, _)| u.to_string())
                .collect()
        } else {
            leads.clone()
        };
        let dl = deadline(plan, task, period, as_of);
        let due = dl.is_some_and(|d| d <= as_of);

        let mut reports = Vec::new();
        let mut missing = Vec::new();
        for unit in &reporters {
            let doc = by_unit_doc.get(unit.as_str());
            if doc
                .and_then(|p| p.entry(&task.id, reporting_period))
                .is_none()
            {
                missing.push(unit.clone());
            }
            if let Some((p, e)) = doc.and_then(|p| p.latest_entry(&task.id, period)) {
                let percent = checked_percent(e, unit, &task.code, &mut problems);
                reports.push(UnitReport {
                    unit_id: unit.clone(),
                    period: p,
                    status: e.status,
                    percent,
                    completed_on: e.completed_on,
                    result: e.result.clone(),
                });
            }
        }
        let (status, completed_on) = join(&reports, reporters.len());
        let state = state_of(status, completed_on, dl, as_of);
        let percent = if reporters.is_empty() {
            0
        } else {
            let sum: u32 = reports.iter().map(|r| u32::from(r.percent)).sum();
            (sum / reporters.len() as u32) as u8
        };
        let due_soon = !state.is_done()
            && dl.is_some_and(|d| d >= as_of && as_of.days_until(d) <= DUE_SOON_DAYS);

        for unit in &leads {
            let own = reports.iter().find(|r| &r.unit_id == unit);
            let own_state = own.map_or_else(
                || state_of(WorkStatus::NotStarted, None, dl, as_of),
                |r| state_of(r.status, r.completed_on, dl, as_of),
            );
            unit_lead
                .entry(unit.clone())
                .or_default()
                .push((own_state, due));
            if missing.contains(unit) {
                *unit_missing.entry(unit.clone()).or_default() += 1;
            }
        }
        for unit in &coords {
            let reported = by_unit_doc
                .get(unit.as_str())
                .is_some_and(|p| p.latest_entry(&task.id, period).is_some());
            let c = unit_coord.entry(unit.clone()).or_default();
            c.0 += 1;
            c.1 += usize::from(reported);
        }
        tasks.push(TaskStatus {
            task_id: task.id.clone(),
            code: task.code.clone(),
            area: area.number,
            title: task.title.clone(),
            deadline: dl,
            due,
            due_soon,
            state,
            percent,
            lead_units: leads,
            coordinating_units: coords,
            reports,
            missing_reports: missing,
        });
    }

    let headline = Counts::from_states(tasks.iter().map(|t| (t.state, t.due)));
    let by_area = plan
        .areas
        .iter()
        .map(|a| AreaStatus {
            number: a.number,
            title: a.title.clone(),
            counts: Counts::from_states(
                tasks
                    .iter()
                    .filter(|t| t.area == a.number)
                    .map(|t| (t.state, t.due)),
            ),
        })
        .collect();
    let by_unit = then
        .units
        .iter()
        .map(|u| {
            let (coordinating_tasks, coordinating_reported) =
                unit_coord.get(&u.id).copied().unwrap_or_default();
            UnitStatus {
                unit_id: u.id.clone(),
                name: u.name.clone(),
                lead: Counts::from_states(unit_lead.get(&u.id).cloned().unwrap_or_default()),
                coordinating_tasks,
                coordinating_reported,
                missing_reports: unit_missing.get(&u.id).copied().unwrap_or_default(),
            }
        })
        .collect();
    Summary {
        as_of,
        period,
        reporting_period,
        headline,
        by_area,
        by_unit,
        tasks,
        problems,
        closed: false,
        note: None,
    }
}

/// The headline counts for each of the plan's reporting periods, each as of the earlier of
/// `as_of` and the period's report deadline.
pub fn by_period(
    plan: &Plan,
    agency: &Agency,
    progress: &[Progress],
    as_of: Date,
) -> Vec<(PeriodKind, Date, Counts)> {
    plan.reporting_periods
        .iter()
        .map(|p| {
            let day = as_of.min(p.deadline);
            let s = summarize(plan, agency, progress, day, Some(p.kind));
            (p.kind, p.deadline, s.headline)
        })
        .collect()
}

fn checked_percent(e: &Entry, unit: &str, code: &str, problems: &mut Vec<Problem>) -> u8 {
    if let Err(err) = e.validate() {
        problems.push(Problem {
            task_code: Some(code.to_string()),
            field: Some("percent".into()),
            ..Problem::new(format!(
                "đơn vị {unit}, nhiệm vụ {code}: {err}; tính là 100%"
            ))
            .in_unit(unit)
        });
        return 100;
    }
    e.percent
}

/// Joins the lead units' entries into the task's status and completion day.
fn join(reports: &[UnitReport], leads: usize) -> (WorkStatus, Option<Date>) {
    if reports.is_empty() {
        return (WorkStatus::NotStarted, None);
    }
    let done = reports
        .iter()
        .filter(|r| r.status == WorkStatus::Done)
        .count();
    let unable = reports
        .iter()
        .filter(|r| r.status == WorkStatus::Unable)
        .count();
    let started = reports.iter().any(|r| r.status != WorkStatus::NotStarted);
    if reports.len() == leads && done == leads {
        let last = reports.iter().filter_map(|r| r.completed_on).max();
        (WorkStatus::Done, last)
    } else if reports.len() == leads && unable > 0 && done + unable == leads {
        (WorkStatus::Unable, None)
    } else if started {
        (WorkStatus::InProgress, None)
    } else {
        (WorkStatus::NotStarted, None)
    }
}
