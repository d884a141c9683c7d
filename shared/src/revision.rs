//! Mid-year revisions of a plan ("Kế hoạch điều chỉnh, bổ sung"): from a day, on a legal basis,
//! tasks are added and a task's lead or timeline changes — with the history kept, so the year's
//! figures stay continuous.
//!
//! Stage: *model* and *status*, pure. A revision changes the plan itself (the tasks read as
//! they now stand, ids unchanged, so every unit's progress stays where it is) and is recorded in
//! the plan document (`revisions`, appended by [`record`], never rewritten by the whole-model
//! writes of the plan editor) with what each task was before. The status rule is
//! [`plan_on`]: the plan *as it stood on a day* — every revision dated after that day undone
//! (its added tasks not yet in the plan, each changed lead and timeline as it was before). The
//! status of a day (or of a period, computed as of its deadline) is computed on that plan, so a
//! period closed before the revision reads the same before and after it, and from its day the
//! new lead and timeline count.

use automerge::ObjType;
use autosurgeon::{Hydrate, HydrateError, Prop, ReadDoc, Reconcile};
use serde::{Deserialize, Serialize};

use crate::maintain::{self, TaskDraft, Warnings};
use crate::org::Assignee;
use crate::schedule::Schedule;
use crate::workflow::child;
use crate::{Agency, Date, Error, Plan};

/// The root key of a plan's revisions.
pub const REVISIONS_KEY: &str = "revisions";

/// What a revision does to one task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// The task is added (bổ sung).
    Added,
    /// Its lead units change.
    Lead,
    /// Its timeline changes.
    Timeline,
}

/// One task's change, with what it was before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct TaskChange {
    /// The task.
    #[autosurgeon(hydrate = "crate::lenient::read")]
    pub task_id: String,
    /// What changes.
    #[autosurgeon(hydrate = "crate::lenient::read")]
    pub kind: ChangeKind,
    /// The lead before (a lead change).
    #[autosurgeon(hydrate = "crate::lenient::read")]
    #[serde(default)]
    pub lead_before: Vec<Assignee>,
    /// The lead after.
    #[autosurgeon(hydrate = "crate::lenient::read")]
    #[serde(default)]
    pub lead_after: Vec<Assignee>,
    /// The timeline before (a timeline change).
    #[autosurgeon(hydrate = "crate::lenient::read")]
    #[serde(default)]
    pub schedule_before: Option<Schedule>,
    /// The timeline after.
    #[autosurgeon(hydrate = "crate::lenient::read")]
    #[serde(default)]
    pub schedule_after: Option<Schedule>,
}

/// A revision of the plan, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Revision {
    /// Unique id.
    #[autosurgeon(hydrate = "crate::lenient::read")]
    pub id: String,
    /// Its first day.
    #[autosurgeon(hydrate = "crate::lenient::read")]
    pub from: Date,
    /// "Kế hoạch điều chỉnh, bổ sung số 45/KH-SKHCN".
    #[autosurgeon(hydrate = "crate::lenient::read")]
    pub basis_number: String,
    /// The revising document's date.
    #[autosurgeon(hydrate = "crate::lenient::read")]
    #[serde(default)]
    pub basis_date: Option<Date>,
    /// The tasks it changes.
    #[autosurgeon(hydrate = "crate::lenient::read")]
    pub changes: Vec<TaskChange>,
    /// Who recorded it.
    #[autosurgeon(hydrate = "crate::lenient::read")]
    #[serde(default)]
    pub by: String,
    /// When (device time, Unix ms).
    #[autosurgeon(hydrate = "crate::lenient::read")]
    #[serde(default)]
    pub at: i64,
}

crate::lenient_types!(required: ChangeKind, TaskChange);

impl Revision {
    /// "Điều chỉnh, bổ sung từ ngày 01/07/2025 (Kế hoạch số 45/KH-SKHCN ngày 20/06/2025): thêm 1
    /// nhiệm vụ, đổi chủ trì 1, đổi thời gian 1".
    pub fn describe(&self) -> String {
        let n = |k: ChangeKind| self.changes.iter().filter(|c| c.kind == k).count();
        let basis = crate::lineage::Basis {
            number: self.basis_number.clone(),
            date: self.basis_date,
        }
        .vi();
        let mut what = Vec::new();
        for (k, words) in [
            (ChangeKind::Added, "thêm"),
            (ChangeKind::Lead, "đổi chủ trì"),
            (ChangeKind::Timeline, "đổi thời gian"),
        ] {
            if n(k) > 0 {
                what.push(format!("{words} {} nhiệm vụ", n(k)));
            }
        }
        let head = match basis.is_empty() {
            true => format!("Điều chỉnh, bổ sung từ ngày {}", self.from.vi()),
            false => format!("Điều chỉnh, bổ sung từ ngày {} ({basis})", self.from.vi()),
        };
        format!("{head}: {}", what.join(", "))
    }
}

/// Reads a plan's revisions (autosurgeon `hydrate` of [`Plan::revisions`]), in date order; one
/// that does not read is left out of the reading, not of the document.
pub fn hydrate_revisions<D: ReadDoc>(
    doc: &D,
    obj: &automerge::ObjId,
    prop: Prop<'_>,
) -> Result<Vec<Revision>, HydrateError> {
    let mut out = crate::lineage::read_list(
        doc,
        obj,
        prop,
        |d, m| Revision::hydrate_map(d, m).ok(),
        |r| r.id.clone(),
    );
    out.sort_by(|a, b| (a.from, a.at, &a.id).cmp(&(b.from, b.at, &b.id)));
    Ok(out)
}

/// The writing of [`Plan::revisions`] by whole-model writes: nothing ([`record`] appends).
pub fn leave_revisions<R: autosurgeon::Reconciler>(
    _revisions: &[Revision],
    _reconciler: R,
) -> Result<(), R::Error> {
    Ok(())
}

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
/// and re-read like the plan editor's, [`crate::maintain`]) and answers the revision to record
/// with [`record`] (`id`, `by`, `at` its identity). Refused, leaving the plan as it was: no
/// day, a day outside the plan's year, nothing changed, an unknown task, what the plan editor
/// refuses.
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

/// Appends `revision` to the plan document `doc` as one change by `revision.by`.
pub fn record(doc: &mut automerge::Automerge, revision: &Revision) -> Result<(), Error> {
    doc.set_author(Some(crate::doc::author_for(&revision.by)));
    let mut tx = doc.transaction();
    crate::schema::upgrade(&mut tx, crate::DocKind::Plan)?;
    let list = child(&mut tx, &automerge::ROOT, REVISIONS_KEY, ObjType::List)?;
    let i = automerge::ReadDoc::length(&tx, &list);
    autosurgeon::reconcile_insert(&mut tx, list, i, revision)
        .map_err(|e| Error::InvalidValue(format!("không ghi được điều chỉnh: {e}")))?;
    tx.commit_with(crate::doc::commit_options(crate::doc::UnixTime(
        revision.at.div_euclid(1000),
    )));
    Ok(())
}

/// The plan as it stood on `day`: every revision from a later day undone, latest first (its
/// added tasks left out, each changed lead and timeline as before). The status of `day` is
/// computed on it.
pub fn plan_on(plan: &Plan, day: Date) -> Plan {
    let mut out = plan.clone();
    let mut later: Vec<&Revision> = plan.revisions.iter().filter(|r| r.from > day).collect();
    later.sort_by(|a, b| (b.from, b.at, &b.id).cmp(&(a.from, a.at, &a.id)));
    for r in later {
        for c in r.changes.iter().rev() {
            match c.kind {
                ChangeKind::Added => {
                    for a in &mut out.areas {
                        a.tasks.retain(|t| t.id != c.task_id);
                    }
                }
                ChangeKind::Lead | ChangeKind::Timeline => {
                    let Some(t) = out
                        .areas
                        .iter_mut()
                        .flat_map(|a| a.tasks.iter_mut())
                        .find(|t| t.id == c.task_id)
                    else {
                        continue;
                    };
                    if c.kind == ChangeKind::Lead {
                        t.lead = c.lead_before.clone();
                    } else if let Some(s) = &c.schedule_before {
                        t.schedule = s.clone();
                    }
                }
            }
        }
    }
    out
}

/// The units' progress as it counts on `day` under the plan's revisions: for each task whose lead
/// a revision from `day` or before changed, the former leads' entries carry into the first new
/// lead's progress where it has none of its own for a period (its own entry wins), so the work
/// done before the change still counts and the year's figures stay continuous. Documents stay as
/// they are (the same rule as an organisation change's, [`crate::lineage::fold`]).
pub fn fold<'a>(
    plan: &Plan,
    agency: &Agency,
    progress: &'a [crate::Progress],
    day: Date,
) -> std::borrow::Cow<'a, [crate::Progress]> {
    let moves: Vec<(&str, Vec<String>, String)> = plan
        .revisions
        .iter()
        .filter(|r| r.from <= day)
        .flat_map(|r| r.changes.iter())
        .filter(|c| c.kind == ChangeKind::Lead)
        .filter_map(|c| {
            let resolve = |list: &[Assignee]| -> Vec<String> {
                list.iter().flat_map(|a| agency.resolve(a)).collect()
            };
            let after = resolve(&c.lead_after);
            let to = after.first()?.clone();
            let from: Vec<String> = resolve(&c.lead_before)
                .into_iter()
                .filter(|u| !after.contains(u))
                .collect();
            (!from.is_empty()).then_some((c.task_id.as_str(), from, to))
        })
        .collect();
    if moves.is_empty() {
        return std::borrow::Cow::Borrowed(progress);
    }
    let mut out: Vec<crate::Progress> = progress.to_vec();
    for (task_id, from, to) in moves {
        let carried: Vec<(String, crate::Entry)> = progress
            .iter()
            .filter(|p| p.plan_id == plan.id && from.contains(&p.unit_id))
            .filter_map(|p| p.tasks.get(task_id))
            .flat_map(|t| t.iter().map(|(k, e)| (k.clone(), e.clone())))
            .collect();
        if carried.is_empty() {
            continue;
        }
        let i = match out
            .iter()
            .position(|q| q.unit_id == to && q.plan_id == plan.id)
        {
            Some(i) => i,
            None => {
                out.push(crate::Progress::new(&plan.id, &to));
                out.len() - 1
            }
        };
        let target = out[i].tasks.entry(task_id.to_string()).or_default();
        for (period, entry) in carried {
            target.entry(period).or_insert(entry);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests;
