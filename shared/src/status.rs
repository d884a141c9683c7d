//! Status: where the plan stands on a given day — per task, per area, per unit and per
//! reporting period — computed from the plan and every unit's progress document.
//!
//! Stage: *status*, the last step before the dashboard and the reports. The function is pure
//! (no clock, no I/O) and runs in the browser and on the server alike, so both show the same
//! numbers. "As of" is always passed in.
//!
//! ## Rules
//! - A task's **deadline** for a period is its last milestone on or before the period's end.
//!   Recurring work (thường xuyên, hàng tháng, định kỳ) is judged at the end of every period.
//!   Without a period, the deadline is the last milestone on or before "as of", else the next one.
//!   Undated tasks (khi có chỉ đạo, theo quy định…) have none and are never overdue.
//! - A task's **progress** joins its lead units' latest entries up to the period (work reported
//!   done in Q1 stays done later): done when every lead unit reports it done (on the latest
//!   completion date), in progress when any has started.
//! - Each active task falls in exactly one state: done on time, done late, unable, overdue, in
//!   progress, not started. Retired tasks are not counted from their retirement day.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::Date;
use crate::org::{Agency, AssigneeKind};
use crate::plan::{PeriodKind, Plan, Task};
use crate::progress::{Entry, Progress, WorkStatus};
use crate::schedule::Recurrence;

/// How close a deadline must be to count as "sắp đến hạn".
pub const DUE_SOON_DAYS: i64 = 30;

/// The derived state of a task (or of one unit's part of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    /// Hoàn thành đúng hạn.
    DoneOnTime,
    /// Hoàn thành quá hạn.
    DoneLate,
    /// Không thực hiện được.
    Unable,
    /// Quá hạn: the deadline has passed and the work is not done.
    Overdue,
    /// Đang thực hiện, within the deadline.
    InProgress,
    /// Chưa thực hiện, within the deadline.
    NotStarted,
}

impl TaskState {
    /// The Vietnamese label.
    pub fn vi(self) -> &'static str {
        match self {
            TaskState::DoneOnTime => "Hoàn thành đúng hạn",
            TaskState::DoneLate => "Hoàn thành quá hạn",
            TaskState::Unable => "Không thực hiện được",
            TaskState::Overdue => "Quá hạn",
            TaskState::InProgress => "Đang thực hiện",
            TaskState::NotStarted => "Chưa thực hiện",
        }
    }

    /// Whether the work is done (on time or late).
    pub fn is_done(self) -> bool {
        matches!(self, TaskState::DoneOnTime | TaskState::DoneLate)
    }
}

/// Counts of tasks by state, and the completion rates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    /// Active tasks.
    pub total: usize,
    /// Tasks whose deadline is on or before "as of".
    pub due: usize,
    /// Done by the deadline.
    pub done_on_time: usize,
    /// Done after the deadline.
    pub done_late: usize,
    /// Started, deadline not passed.
    pub in_progress: usize,
    /// Deadline passed, not done.
    pub overdue: usize,
    /// Not started, deadline not passed.
    pub not_started: usize,
    /// Reported as impossible.
    pub unable: usize,
    /// Done tasks over all tasks (0–1).
    pub completion_rate: f64,
    /// Done tasks among the due ones over the due ones (0–1; 1 when nothing is due).
    pub due_completion_rate: f64,
}

impl Counts {
    fn add(&mut self, state: TaskState, due: bool, done_due: &mut usize) {
        self.total += 1;
        if due {
            self.due += 1;
            if state.is_done() {
                *done_due += 1;
            }
        }
        match state {
            TaskState::DoneOnTime => self.done_on_time += 1,
            TaskState::DoneLate => self.done_late += 1,
            TaskState::Unable => self.unable += 1,
            TaskState::Overdue => self.overdue += 1,
            TaskState::InProgress => self.in_progress += 1,
            TaskState::NotStarted => self.not_started += 1,
        }
    }

    fn from_states<'a>(items: impl IntoIterator<Item = (TaskState, bool)> + 'a) -> Counts {
        let mut c = Counts::default();
        let mut done_due = 0;
        for (state, due) in items {
            c.add(state, due, &mut done_due);
        }
        let done = c.done_on_time + c.done_late;
        c.completion_rate = if c.total == 0 {
            0.0
        } else {
            done as f64 / c.total as f64
        };
        c.due_completion_rate = if c.due == 0 {
            1.0
        } else {
            done_due as f64 / c.due as f64
        };
        c
    }
}

/// One unit's report on a task, as used for the task's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitReport {
    /// The unit.
    pub unit_id: String,
    /// The period the entry was written for (may be earlier than the selected one).
    pub period: PeriodKind,
    /// What the unit recorded.
    pub status: WorkStatus,
    /// Percent done.
    pub percent: u8,
    /// Completion date, when done.
    pub completed_on: Option<Date>,
    /// The result text.
    pub result: String,
}

/// The status of one task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskStatus {
    /// Task id.
    pub task_id: String,
    /// Code as printed.
    pub code: String,
    /// Area number.
    pub area: u32,
    /// Title.
    pub title: String,
    /// The deadline that applies (see the module rules).
    pub deadline: Option<Date>,
    /// Whether the deadline is on or before "as of".
    pub due: bool,
    /// Not done and due within [`DUE_SOON_DAYS`] days after "as of".
    pub due_soon: bool,
    /// The derived state.
    pub state: TaskState,
    /// Mean percent over the lead units (a unit that has not reported counts 0).
    pub percent: u8,
    /// Lead units (resolved ids).
    pub lead_units: Vec<String>,
    /// Coordinating units (resolved ids; "related" groups give none).
    pub coordinating_units: Vec<String>,
    /// The lead units' entries used.
    pub reports: Vec<UnitReport>,
    /// Lead units with no entry for the reporting period in question.
    pub missing_reports: Vec<String>,
}

/// Counts for one area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaStatus {
    /// Area number.
    pub number: u32,
    /// Area title.
    pub title: String,
    /// Counts.
    pub counts: Counts,
}

/// Counts for one unit: its own part of the tasks it leads, and the tasks it coordinates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitStatus {
    /// Unit id.
    pub unit_id: String,
    /// Unit name.
    pub name: String,
    /// Tasks it leads, by the state of its own entry.
    pub lead: Counts,
    /// Tasks it coordinates.
    pub coordinating_tasks: usize,
    /// Of those, how many it has reported on.
    pub coordinating_reported: usize,
    /// Tasks it leads without an entry for the reporting period in question.
    pub missing_reports: usize,
}

/// Where the plan stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The day the status is computed for.
    pub as_of: Date,
    /// The selected period (`None`: the latest entries of any period).
    pub period: Option<PeriodKind>,
    /// The period whose reports are checked for missing ones.
    pub reporting_period: PeriodKind,
    /// Over all tasks.
    pub headline: Counts,
    /// Per area, in plan order.
    pub by_area: Vec<AreaStatus>,
    /// Per unit of the agency, in the organisation's order.
    pub by_unit: Vec<UnitStatus>,
    /// Per task, in plan order.
    pub tasks: Vec<TaskStatus>,
    /// Things in the progress documents that could not be used, said plainly and placed.
    pub problems: Vec<Problem>,
}

/// Something in the documents that could not be used: said plainly, and placed as exactly as
/// it is known (document, unit, task, period, field) so the office and the unit find it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// What is wrong, in Vietnamese.
    pub message: String,
    /// The document it is in (filled in by whoever knows the document ids: the server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_id: Option<String>,
    /// The unit whose progress it is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<String>,
    /// The task id (as stored under `tasks`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// The task's code in the plan ("1.a"), when the task is in the plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_code: Option<String>,
    /// The period key (`q1`, `h1`, `q3`, `year`, or whatever was stored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// The field of the entry that did not fit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl Problem {
    /// A problem said in `message`, not placed yet.
    pub fn new(message: impl Into<String>) -> Problem {
        Problem {
            message: message.into(),
            ..Problem::default()
        }
    }

    /// The same, placed in `unit`'s progress.
    pub fn in_unit(mut self, unit: &str) -> Problem {
        self.unit_id = Some(unit.to_string());
        self
    }

    /// The problems of the entries of `progress` that could not be read, placed by unit, task,
    /// period and field (`plan` gives the tasks' codes).
    pub fn unreadable_entries(plan: &Plan, progress: &Progress) -> Vec<Problem> {
        progress
            .unreadable
            .iter()
            .map(|u| {
                let code = plan.task(&u.task_id).map(|t| t.code.clone());
                let period = u
                    .period
                    .as_deref()
                    .and_then(|p| p.parse::<PeriodKind>().ok())
                    .map_or_else(|| u.period.clone().unwrap_or_default(), |p| p.vi().to_string());
                let field = u
                    .field
                    .as_deref()
                    .map_or_else(|| "báo cáo".to_string(), field_vi);
                Problem {
                    message: format!(
                        "đơn vị {}, nhiệm vụ {}, kỳ {period}: không đọc được {field} ({}); báo cáo này không được tính",
                        progress.unit_id,
                        code.as_deref().unwrap_or(&u.task_id),
                        u.reason
                    ),
                    doc_id: None,
                    unit_id: Some(progress.unit_id.clone()),
                    task_id: Some(u.task_id.clone()),
                    task_code: code,
                    period: u.period.clone(),
                    field: u.field.clone(),
                }
            })
            .collect()
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The Vietnamese name of an entry's field in a sentence, as the form labels it.
pub fn field_vi(field: &str) -> String {
    crate::progress::EntryField::from_key(field)
        .map_or_else(|| "một trường".to_string(), |f| f.label().to_lowercase())
}

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
    let mut by_unit_doc: HashMap<&str, &Progress> = HashMap::new();
    for p in progress {
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
            for id in agency.resolve(a) {
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
            for id in agency.resolve(a) {
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
    let by_unit = agency
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
