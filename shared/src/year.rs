//! An agency's year across plans: a mid-year replacement plan ("kế hoạch 6 tháng cuối năm")
//! linked to the plan it replaces, and the plan of an agency merged into this one linked to this
//! agency's plan — and the rule that combines their figures into the year's.
//!
//! Stage: *model* and *status*, pure. A link is kept in the continuing plan's document
//! (`links`, appended by [`record`], never rewritten by the whole-model writes of the plan
//! editor — the same way as the organisation's changes, [`crate::lineage`]). The combining rule
//! ([`part_counts`], [`combine`]):
//!
//! - **the continuing plan**: all its tasks, as of the day asked;
//! - **a plan it replaces from day D**: only its tasks whose deadline for the period falls before
//!   D, counted as of the day before D (or the day asked, if earlier) — the work done under it;
//!   what was still to come is the replacement's to list;
//! - **a plan it absorbs** (another agency merged into this one from D): all its tasks, as of the
//!   day asked — the merged agency's whole year is now this agency's work, its progress staying
//!   in its own documents.
//!
//! The year's counts are those of every task counted, together; the score is computed on them.

use automerge::transaction::Transactable;
use automerge::{ObjId, ObjType, ScalarValue};
use autosurgeon::{HydrateError, Prop};
use serde::{Deserialize, Serialize};

use crate::lineage::{Basis, read_list, text_at};
use crate::status::{Counts, Summary, TaskState};
use crate::workflow::child;
use crate::{Date, Error};

/// The key of a plan's links in its document.
pub const LINKS_KEY: &str = "links";

/// How a plan is linked to the one that continues it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// This plan replaces the linked one from `from` (same agency).
    Replaces,
    /// The linked plan's agency merged into this plan's from `from`.
    Absorbs,
}

impl LinkKind {
    /// The name written in the document.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Replaces => "replaces",
            LinkKind::Absorbs => "absorbs",
        }
    }
}

impl std::str::FromStr for LinkKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "replaces" => Ok(LinkKind::Replaces),
            "absorbs" => Ok(LinkKind::Absorbs),
            _ => Err(Error::InvalidValue(format!(
                "loại liên kết kế hoạch không rõ: {s}"
            ))),
        }
    }
}

/// A link from the continuing plan to one whose year it takes over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanLink {
    /// Unique id.
    pub id: String,
    /// Replaced or absorbed.
    pub kind: LinkKind,
    /// The linked plan's id.
    pub plan_id: String,
    /// From which day.
    pub from: Date,
    /// The legal basis.
    #[serde(default)]
    pub basis: Basis,
    /// Who recorded it.
    #[serde(default)]
    pub by: String,
}

impl PlanLink {
    /// "thay thế kế hoạch X từ ngày …" / "nhận kế hoạch X (cơ quan sáp nhập) từ ngày …".
    pub fn describe(&self, title: &str) -> String {
        let what = match self.kind {
            LinkKind::Replaces => format!("Thay thế {title} từ ngày {}", self.from.vi()),
            LinkKind::Absorbs => format!(
                "Nhận {title} của cơ quan sáp nhập từ ngày {}",
                self.from.vi()
            ),
        };
        match self.basis.vi() {
            b if b.is_empty() => what,
            b => format!("{what} ({b})"),
        }
    }
}

fn read_link<D: autosurgeon::ReadDoc>(doc: &D, obj: &ObjId) -> Option<PlanLink> {
    let date = |key: &str| text_at(doc, obj, key).and_then(|s| s.parse::<Date>().ok());
    Some(PlanLink {
        id: text_at(doc, obj, "id")?,
        kind: text_at(doc, obj, "kind")?.parse().ok()?,
        plan_id: text_at(doc, obj, "plan_id")?,
        from: date("from")?,
        basis: Basis {
            number: text_at(doc, obj, "basis_number").unwrap_or_default(),
            date: date("basis_date"),
        },
        by: text_at(doc, obj, "by").unwrap_or_default(),
    })
}

/// Reads a plan's links (autosurgeon `hydrate` of [`crate::Plan::links`]); one that cannot be
/// read is left out of the reading, not of the document.
pub fn hydrate_links<D: autosurgeon::ReadDoc>(
    doc: &D,
    obj: &ObjId,
    prop: Prop<'_>,
) -> Result<Vec<PlanLink>, HydrateError> {
    Ok(read_list(doc, obj, prop, read_link, |l| l.id.clone()))
}

/// Whole-model writes of a plan make its empty link list when it has none and leave it alone
/// otherwise (autosurgeon `reconcile` of [`crate::Plan::links`]).
pub fn keep_links<R: autosurgeon::Reconciler>(
    _links: &[PlanLink],
    mut reconciler: R,
) -> Result<(), R::Error> {
    reconciler.seq().map(|_| ())
}

/// Appends `link` to the plan document `doc`, as one change by `link.by` made `at` (Unix ms).
pub fn record(doc: &mut automerge::Automerge, link: &PlanLink, at: i64) -> Result<(), Error> {
    let plan: crate::Plan = crate::doc::read(doc)?;
    if plan.id == link.plan_id {
        return Err(Error::InvalidValue(
            "một kế hoạch không thể liên kết với chính nó".into(),
        ));
    }
    if plan.links.iter().any(|l| l.plan_id == link.plan_id) {
        return Err(Error::InvalidValue(format!(
            "kế hoạch đã liên kết với {}",
            link.plan_id
        )));
    }
    doc.set_author(Some(crate::doc::author_for(&link.by)));
    let mut tx = doc.transaction();
    crate::schema::upgrade(&mut tx, crate::DocKind::Plan)?;
    let list = child(&mut tx, &automerge::ROOT, LINKS_KEY, ObjType::List)?;
    let i = automerge::ReadDoc::length(&tx, &list);
    let m = tx.insert_object(&list, i, ObjType::Map)?;
    tx.put(&m, "id", link.id.as_str())?;
    tx.put(&m, "kind", link.kind.as_str())?;
    tx.put(&m, "plan_id", link.plan_id.as_str())?;
    tx.put(&m, "from", link.from.to_string())?;
    tx.put(&m, "basis_number", link.basis.number.as_str())?;
    if let Some(d) = link.basis.date {
        tx.put(&m, "basis_date", d.to_string())?;
    }
    tx.put(&m, "by", link.by.as_str())?;
    tx.put(&m, "at", ScalarValue::Int(at))?;
    tx.commit_with(crate::doc::commit_options(crate::doc::UnixTime(
        at.div_euclid(1000),
    )));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The combining rule.

/// How a plan takes part in the year's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "as", rename_all = "snake_case")]
pub enum Role {
    /// The plan asked about.
    Continuing,
    /// Replaced from `from`.
    Replaced {
        /// The replacement's first day.
        from: Date,
    },
    /// Its agency merged into the continuing plan's from `from`.
    Absorbed {
        /// The merge's first day.
        from: Date,
    },
}

impl Role {
    /// The day a plan in this role is counted as of, when the year is asked as of `as_of`.
    pub fn as_of(self, as_of: Date) -> Date {
        match self {
            Role::Replaced { from } => as_of.min(from.add_days(-1)),
            _ => as_of,
        }
    }
}

/// One plan's part in the year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    /// The plan's id.
    pub plan_id: String,
    /// Its title.
    pub title: String,
    /// Its agency's name.
    pub agency: String,
    /// How it takes part.
    pub role: Role,
    /// The day it was counted as of.
    pub as_of: Date,
    /// Its tasks counted (ids).
    pub tasks: Vec<String>,
    /// Their counts.
    pub counts: Counts,
}

/// The year's figures over its plans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Year {
    /// Each plan's part, the continuing plan first.
    pub parts: Vec<Part>,
    /// Every task counted, together.
    pub counts: Counts,
    /// The day it is computed as of (the continuing plan's), when the server says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Date>,
    /// The period (or the year) was over and no day was picked: `as_of` is its report deadline
    /// ([`crate::status::as_of()`]).
    #[serde(default)]
    pub closed: bool,
    /// What the screens say of it ("Năm 2025 đã kết thúc — số liệu tính đến 20/12/2025").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The tasks of `summary` (computed as of [`Role::as_of`]) that count for a plan in `role`.
pub fn counted(role: Role, summary: &Summary) -> Vec<(String, TaskState, bool)> {
    summary
        .tasks
        .iter()
        .filter(|t| match role {
            Role::Replaced { from } => t.deadline.is_some_and(|d| d < from),
            _ => true,
        })
        .map(|t| (t.task_id.clone(), t.state, t.due))
        .collect()
}

/// A plan's part from its summary (computed as of `role.as_of(as_of)`).
pub fn part(plan: &crate::Plan, agency: &str, role: Role, as_of: Date, summary: &Summary) -> Part {
    let tasks = counted(role, summary);
    Part {
        plan_id: plan.id.clone(),
        title: plan.title.clone(),
        agency: agency.to_string(),
        role,
        as_of: role.as_of(as_of),
        counts: Counts::from_states(tasks.iter().map(|(_, s, d)| (*s, *d))),
        tasks: tasks.into_iter().map(|(id, _, _)| id).collect(),
    }
}

/// The year over its parts: the counts of every task counted, together.
pub fn combine(parts: Vec<(Part, Vec<(TaskState, bool)>)>) -> Year {
    let counts = Counts::from_states(parts.iter().flat_map(|(_, t)| t.iter().copied()));
    Year {
        parts: parts.into_iter().map(|(p, _)| p).collect(),
        counts,
        as_of: None,
        closed: false,
        note: None,
    }
}

/// [`combine`] straight from each plan's summary.
pub fn year(parts: Vec<(Part, &Summary)>) -> Year {
    combine(
        parts
            .into_iter()
            .map(|(p, s)| {
                let states = counted(p.role, s)
                    .into_iter()
                    .map(|(_, st, d)| (st, d))
                    .collect();
                (p, states)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests;
