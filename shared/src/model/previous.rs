//! The record of the plan a plan continues: which plan of the year before, and which task of it
//! each of its tasks carries on ([`Previous`]).
//!
//! Stage: *model*. Kept in the plan document under `previous`, written once by [`record`] when
//! the plan is imported, and never by the whole-model writes of the plan editor. A plan without
//! one continues nothing (documents before schema version 5). How the record is drafted and
//! matched, and how a plan's areas are set beside last year's, is a view:
//! [`crate::views::next_year`].

use automerge::transaction::Transactable;
use automerge::{ObjId, ObjType, ScalarValue, Value};
use autosurgeon::{HydrateError, Prop, ReadDoc};
use serde::{Deserialize, Serialize};

use crate::model::raw::text_at;
use crate::model::{Error, Plan};

/// The root key of a plan's record of the plan it continues.
pub const PREVIOUS_KEY: &str = "previous";

/// How a task was found to continue one of the previous year's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// Drafted from it ([`crate::views::next_year::draft`]).
    Carried,
    /// Equal titles (normalised).
    SameTitle,
    /// Titles alike in the same area ([`crate::views::next_year::match_tasks`]).
    SimilarTitle,
}

impl How {
    /// The name written in the document.
    pub fn as_str(self) -> &'static str {
        match self {
            How::Carried => "carried",
            How::SameTitle => "same_title",
            How::SimilarTitle => "similar_title",
        }
    }

    /// The Vietnamese words for it.
    pub fn vi(self) -> &'static str {
        match self {
            How::Carried => "chuyển từ kế hoạch năm trước",
            How::SameTitle => "trùng tên với nhiệm vụ năm trước",
            How::SimilarTitle => "gần trùng tên với nhiệm vụ năm trước",
        }
    }
}

impl std::str::FromStr for How {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        [How::Carried, How::SameTitle, How::SimilarTitle]
            .into_iter()
            .find(|h| h.as_str() == s)
            .ok_or_else(|| Error::InvalidValue(format!("cách đối chiếu nhiệm vụ không rõ: {s}")))
    }
}

/// A task that carries on one of the previous plan's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Continued {
    /// The task of this plan.
    pub task_id: String,
    /// The task of the previous plan it continues.
    pub previous_task: String,
    /// How that was found.
    pub how: How,
}

/// The plan of the year before that a plan continues, and its tasks' counterparts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Previous {
    /// The previous plan's id.
    pub plan_id: String,
    /// Drafted from it (else a plan of its own, matched to it by titles).
    #[serde(default)]
    pub drafted: bool,
    /// Each task that continues one of the previous plan's.
    #[serde(default)]
    pub tasks: Vec<Continued>,
    /// Who recorded it.
    #[serde(default)]
    pub by: String,
}

impl Previous {
    /// What task `task_id` continues, if anything.
    pub fn of(&self, task_id: &str) -> Option<&Continued> {
        self.tasks.iter().find(|c| c.task_id == task_id)
    }
}

// ---------------------------------------------------------------------------------------------
// The record in the plan document.

/// Reads a plan's record of the plan it continues (autosurgeon `hydrate` of
/// [`Plan::previous`]): none when absent or without a plan id; task entries that do not read
/// are left out of the reading (and the document keeps them).
pub fn hydrate_previous<D: ReadDoc>(
    doc: &D,
    obj: &ObjId,
    prop: Prop<'_>,
) -> Result<Option<Previous>, HydrateError> {
    let Ok(Some((Value::Object(ObjType::Map), m))) = doc.get(obj, &prop) else {
        return Ok(None);
    };
    let Some(plan_id) = text_at(doc, &m, "plan_id").filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    let drafted = matches!(
        doc.get(&m, "drafted"),
        Ok(Some((Value::Scalar(s), _))) if matches!(s.as_ref(), ScalarValue::Boolean(true))
    );
    let mut tasks = Vec::new();
    if let Ok(Some((Value::Object(ObjType::Map), list))) = doc.get(&m, "tasks") {
        for item in doc.map_range(&list, ..) {
            let task_id = item.key.to_string();
            let Ok(Some((Value::Object(ObjType::Map), entry))) = doc.get(&list, task_id.as_str())
            else {
                continue;
            };
            let (Some(previous_task), Some(how)) = (
                text_at(doc, &entry, "task"),
                text_at(doc, &entry, "how").and_then(|h| h.parse::<How>().ok()),
            ) else {
                continue;
            };
            tasks.push(Continued {
                task_id,
                previous_task,
                how,
            });
        }
    }
    Ok(Some(Previous {
        plan_id,
        drafted,
        tasks,
        by: text_at(doc, &m, "by").unwrap_or_default(),
    }))
}

/// The writing of [`Plan::previous`] by whole-model writes: nothing ([`record`] writes it).
pub fn leave_previous<R: autosurgeon::Reconciler>(
    _previous: &Option<Previous>,
    _reconciler: R,
) -> Result<(), R::Error> {
    Ok(())
}

/// Records in the plan document `doc` that it continues `previous`, as one change by
/// `previous.by` made `at` (Unix ms). Refused when the plan already records one, or names
/// itself.
pub fn record(doc: &mut automerge::Automerge, previous: &Previous, at: i64) -> Result<(), Error> {
    let plan: Plan = crate::model::doc::read(doc)?;
    if plan.id == previous.plan_id {
        return Err(Error::InvalidValue(
            "một kế hoạch không thể tiếp nối chính nó".into(),
        ));
    }
    if let Some(p) = &plan.previous {
        return Err(Error::InvalidValue(format!(
            "kế hoạch đã ghi là tiếp nối kế hoạch {}",
            p.plan_id
        )));
    }
    doc.set_author(Some(crate::model::doc::author_for(&previous.by)));
    let mut tx = doc.transaction();
    crate::model::schema::upgrade(&mut tx, crate::model::DocKind::Plan)?;
    let m = tx.put_object(automerge::ROOT, PREVIOUS_KEY, ObjType::Map)?;
    tx.put(&m, "plan_id", previous.plan_id.as_str())?;
    tx.put(&m, "drafted", previous.drafted)?;
    tx.put(&m, "by", previous.by.as_str())?;
    tx.put(&m, "at", ScalarValue::Int(at))?;
    let tasks = tx.put_object(&m, "tasks", ObjType::Map)?;
    for c in &previous.tasks {
        let e = tx.put_object(&tasks, c.task_id.as_str(), ObjType::Map)?;
        tx.put(&e, "task", c.previous_task.as_str())?;
        tx.put(&e, "how", c.how.as_str())?;
    }
    tx.commit_with(crate::model::doc::commit_options(
        crate::model::doc::UnixTime(at.div_euclid(1000)),
    ));
    Ok(())
}
