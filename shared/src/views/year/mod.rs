//! An agency's year across plans: the rule that combines the figures of the plans linked into
//! one year ([`crate::model::links`]: a mid-year replacement plan and the plan it replaces, the
//! plan of an agency merged into this one) into the year's.
//!
//! Stage: *view of the status*, pure. The combining rule ([`part`], [`combine`]):
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

use serde::{Deserialize, Serialize};

use crate::model::Date;
use crate::views::status::{Counts, Summary, TaskState};

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
    /// ([`crate::views::status::as_of()`]).
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
pub fn part(
    plan: &crate::model::Plan,
    agency: &str,
    role: Role,
    as_of: Date,
    summary: &Summary,
) -> Part {
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
