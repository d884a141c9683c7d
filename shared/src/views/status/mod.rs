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

use serde::{Deserialize, Serialize};

use crate::model::Date;
use crate::model::plan::{PeriodKind, Plan};
use crate::model::progress::{Progress, WorkStatus};

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

    /// The counts of tasks given as (state, due).
    pub fn from_states<'a>(items: impl IntoIterator<Item = (TaskState, bool)> + 'a) -> Counts {
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
    /// The period (or, without one, the plan's year) was over when the status was asked for and
    /// no day was picked: `as_of` is its report deadline, not that day ([`as_of()`]). Set by
    /// whoever chose the day.
    #[serde(default)]
    pub closed: bool,
    /// What the screens say of a closed period ([`AsOf::note`]: "Năm 2025 đã kết thúc — số liệu
    /// tính đến 20/12/2025").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Summary {
    /// The summary said to be computed as of `rule` (its day is `as_of` already) for a plan of
    /// `year`.
    pub fn with_as_of(mut self, rule: &AsOf, year: Option<i32>) -> Summary {
        self.closed = rule.closed && !rule.picked;
        self.note = rule.note(year, self.period);
        self
    }
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
    crate::model::progress::EntryField::from_key(field)
        .map_or_else(|| "một trường".to_string(), |f| f.label().to_lowercase())
}

pub mod as_of;
mod compute;

pub use as_of::{AsOf, as_of, as_of_in, default_plan, working_period};
pub use compute::{by_period, current_period, deadline, state_of, summarize};
