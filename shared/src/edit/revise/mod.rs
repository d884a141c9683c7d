//! A mid-year revision made ("Kế hoạch điều chỉnh, bổ sung"): what the office asks ([`Request`])
//! applied to the plan, tasks added and leads and timelines changed and re-read like the plan
//! editor's ([`crate::edit::maintain`]), and the [`Revision`] to record.
//!
//! Stage: *edit*, before [`crate::model::revision::record`]. The revision itself, how it is kept
//! in the plan document and the plan as it stood on a day are the model's:
//! [`crate::model::revision`].

use serde::{Deserialize, Serialize};

use crate::edit::maintain::{self, TaskDraft, Warnings};
use crate::model::revision::{ChangeKind, Revision, TaskChange};
use crate::model::{Agency, Date, Error, Plan};

/// What the office asks of a revision.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Its first day.
    pub from: Option<Date>,
    /// The revising document's number.
    #[serde(default)]
    pub basis_number: String,
    /// Its date.
    #[serde(default)]
    pub basis_date: Option<Date>,
    /// Tasks added: area number and the task as typed.
    #[serde(default)]
    pub add: Vec<(u32, TaskDraft)>,
    /// Tasks whose lead changes: id and the new lead as a plan writes it.
    #[serde(default)]
    pub lead: Vec<(String, String)>,
    /// Tasks whose timeline changes: id and the new timeline as written.
    #[serde(default)]
    pub timeline: Vec<(String, String)>,
}

/// Applies `request` to `plan` (tasks added with the next letters, leads and timelines changed
/// and re-read like the plan editor's, [`crate::edit::maintain`]) and answers the revision to
/// record with [`record`] (`id`, `by`, `at` its identity). Refused, leaving the plan as it was: no
/// day, a day outside the plan's year, nothing changed, an unknown task, what the plan editor
/// refuses.
///
/// [`record`]: crate::model::revision::record
pub fn revise(
    plan: &mut Plan,
    agency: &Agency,
    request: &Request,
    (id, by, at): (&str, &str, i64),
) -> Result<(Revision, Warnings), Error> {
    let from = request
        .from
        .ok_or_else(|| Error::InvalidValue("chưa ghi ngày áp dụng điều chỉnh".into()))?;
    if let Some(y) = plan.effective_year()
        && from.year() != y
    {
        return Err(Error::InvalidValue(format!(
            "ngày áp dụng {} không thuộc năm {y} của kế hoạch",
            from.vi()
        )));
    }
    if request.add.is_empty() && request.lead.is_empty() && request.timeline.is_empty() {
        return Err(Error::InvalidValue(
            "điều chỉnh không thêm hay đổi nhiệm vụ nào".into(),
        ));
    }
    let mut work = plan.clone();
    let mut changes = Vec::new();
    let mut warnings = Vec::new();
    let task = |p: &Plan, id: &str| {
        p.task(id)
            .cloned()
            .ok_or_else(|| Error::InvalidValue(format!("kế hoạch không có nhiệm vụ {id}")))
    };
    for (task_id, lead) in &request.lead {
        let before = task(&work, task_id)?;
        let draft = TaskDraft {
            lead: lead.clone(),
            ..TaskDraft::of(&before)
        };
        warnings.extend(maintain::edit_task(&mut work, agency, task_id, &draft)?);
        changes.push(TaskChange {
            task_id: task_id.clone(),
            kind: ChangeKind::Lead,
            lead_before: before.lead.clone(),
            lead_after: task(&work, task_id)?.lead,
            schedule_before: None,
            schedule_after: None,
        });
    }
    for (task_id, timeline) in &request.timeline {
        let before = task(&work, task_id)?;
        let draft = TaskDraft {
            timeline: timeline.clone(),
            ..TaskDraft::of(&before)
        };
        warnings.extend(maintain::edit_task(&mut work, agency, task_id, &draft)?);
        changes.push(TaskChange {
            task_id: task_id.clone(),
            kind: ChangeKind::Timeline,
            lead_before: Vec::new(),
            lead_after: Vec::new(),
            schedule_before: Some(before.schedule.clone()),
            schedule_after: Some(task(&work, task_id)?.schedule),
        });
    }
    for (area, draft) in &request.add {
        let (task_id, w) = maintain::add_task(&mut work, agency, *area, draft)?;
        warnings.extend(w);
        changes.push(TaskChange {
            task_id,
            kind: ChangeKind::Added,
            lead_before: Vec::new(),
            lead_after: Vec::new(),
            schedule_before: None,
            schedule_after: None,
        });
    }
    *plan = work;
    Ok((
        Revision {
            id: id.to_string(),
            from,
            basis_number: request.basis_number.trim().to_string(),
            basis_date: request.basis_date,
            changes,
            by: by.to_string(),
            at,
        },
        warnings,
    ))
}
