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
//! new lead and timeline count. A revision is made from what the office asks by
//! [`crate::edit::revise`].

use automerge::ObjType;
use autosurgeon::{Hydrate, HydrateError, Prop, ReadDoc, Reconcile};
use serde::{Deserialize, Serialize};

use crate::model::org::Assignee;
use crate::model::raw::child;
use crate::model::schedule::Schedule;
use crate::model::{Agency, Date, Error, Plan};

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
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub task_id: String,
    /// What changes.
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub kind: ChangeKind,
    /// The lead before (a lead change).
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    #[serde(default)]
    pub lead_before: Vec<Assignee>,
    /// The lead after.
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    #[serde(default)]
    pub lead_after: Vec<Assignee>,
    /// The timeline before (a timeline change).
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    #[serde(default)]
    pub schedule_before: Option<Schedule>,
    /// The timeline after.
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    #[serde(default)]
    pub schedule_after: Option<Schedule>,
}

/// A revision of the plan, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Revision {
    /// Unique id.
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub id: String,
    /// Its first day.
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub from: Date,
    /// "Kế hoạch điều chỉnh, bổ sung số 45/KH-SKHCN".
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub basis_number: String,
    /// The revising document's date.
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    #[serde(default)]
    pub basis_date: Option<Date>,
    /// The tasks it changes.
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub changes: Vec<TaskChange>,
    /// Who recorded it.
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    #[serde(default)]
    pub by: String,
    /// When (device time, Unix ms).
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    #[serde(default)]
    pub at: i64,
}

crate::lenient_types!(required: ChangeKind, TaskChange);

impl Revision {
    /// "Điều chỉnh, bổ sung từ ngày 01/07/2025 (Kế hoạch số 45/KH-SKHCN ngày 20/06/2025): thêm 1
    /// nhiệm vụ, đổi chủ trì 1, đổi thời gian 1".
    pub fn describe(&self) -> String {
        let n = |k: ChangeKind| self.changes.iter().filter(|c| c.kind == k).count();
        let basis = crate::model::lineage::Basis {
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
    let mut out = crate::model::raw::read_list(
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

/// Appends `revision` to the plan document `doc` as one change by `revision.by`.
pub fn record(doc: &mut automerge::Automerge, revision: &Revision) -> Result<(), Error> {
    doc.set_author(Some(crate::model::doc::author_for(&revision.by)));
    let mut tx = doc.transaction();
    crate::model::schema::upgrade(&mut tx, crate::model::DocKind::Plan)?;
    let list = child(&mut tx, &automerge::ROOT, REVISIONS_KEY, ObjType::List)?;
    let i = automerge::ReadDoc::length(&tx, &list);
    autosurgeon::reconcile_insert(&mut tx, list, i, revision)
        .map_err(|e| Error::InvalidValue(format!("không ghi được điều chỉnh: {e}")))?;
    tx.commit_with(crate::model::doc::commit_options(
        crate::model::doc::UnixTime(revision.at.div_euclid(1000)),
    ));
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
/// they are (the same rule as an organisation change's, [`crate::model::lineage::fold`]).
pub fn fold<'a>(
    plan: &Plan,
    agency: &Agency,
    progress: &'a [crate::model::Progress],
    day: Date,
) -> std::borrow::Cow<'a, [crate::model::Progress]> {
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
    let mut out: Vec<crate::model::Progress> = progress.to_vec();
    for (task_id, from, to) in moves {
        let carried: Vec<(String, crate::model::Entry)> = progress
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
                out.push(crate::model::Progress::new(&plan.id, &to));
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
