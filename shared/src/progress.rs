//! Progress documents: what one unit reports on its tasks, period by period.
//!
//! Stage: *model*. There is one progress document per unit per plan, so the server can grant
//! write access per unit. A unit's tablet edits its document offline; sync carries it to the
//! server; the status computation reads every unit's document beside the plan.
//!
//! Who changed an entry and when is not stored as a field that could be forged or forgotten: it
//! is read from the Automerge change that last wrote the entry ([`attribution`]), whose author is
//! set to the user's id when the document is edited ([`crate::doc::author_for`]).

use std::collections::BTreeMap;

use automerge::{ObjType, ReadDoc, Value};
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::{Date, Error, PeriodKind};

/// A unit's progress on a plan.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Progress {
    /// The plan this reports on.
    pub plan_id: String,
    /// The reporting unit.
    pub unit_id: String,
    /// Task id → period key (`q1`, `h1`, `q3`, `year`) → entry.
    pub tasks: BTreeMap<String, BTreeMap<String, Entry>>,
}

/// What a unit records about its work (the "quá hạn" states are derived from dates, never stored).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Reconcile, Hydrate,
)]
#[serde(rename_all = "snake_case")]
pub enum WorkStatus {
    /// Chưa thực hiện.
    #[default]
    NotStarted,
    /// Đang thực hiện.
    InProgress,
    /// Hoàn thành (on time or late is decided from the completion date and the deadline).
    Done,
    /// Không thực hiện được.
    Unable,
}

impl WorkStatus {
    /// The Vietnamese label.
    pub fn vi(self) -> &'static str {
        match self {
            WorkStatus::NotStarted => "Chưa thực hiện",
            WorkStatus::InProgress => "Đang thực hiện",
            WorkStatus::Done => "Hoàn thành",
            WorkStatus::Unable => "Không thực hiện được",
        }
    }
}

/// A unit's report on one task for one period.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Entry {
    /// Where the work stands.
    pub status: WorkStatus,
    /// Percent done, 0–100.
    pub percent: u8,
    /// What was achieved (kết quả thực hiện).
    pub result: String,
    /// Documents that show it (tài liệu kiểm chứng).
    pub evidence: Vec<Evidence>,
    /// Difficulties met (khó khăn, vướng mắc).
    pub difficulties: String,
    /// Proposals (đề xuất, kiến nghị).
    pub proposals: String,
    /// The day the work was completed, when [`WorkStatus::Done`].
    pub completed_on: Option<Date>,
}

impl Entry {
    /// Checks the values a user or a peer could get wrong.
    pub fn validate(&self) -> Result<(), Error> {
        if self.percent > 100 {
            return Err(Error::InvalidValue(format!(
                "tỷ lệ hoàn thành {}% vượt quá 100%",
                self.percent
            )));
        }
        Ok(())
    }
}

/// A piece of evidence: a document by number and date.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Evidence {
    /// Stable id within the entry (so concurrent additions merge as two items).
    #[key]
    pub id: String,
    /// Số/ký hiệu, e.g. "25/KH-SKHCN".
    pub number: String,
    /// Date of the document.
    pub date: Option<Date>,
    /// Trích yếu.
    pub summary: String,
    /// Optional reference to an attached file.
    pub file: Option<String>,
}

impl Progress {
    /// An empty progress document for `unit_id` on `plan_id`.
    pub fn new(plan_id: &str, unit_id: &str) -> Progress {
        Progress {
            plan_id: plan_id.to_string(),
            unit_id: unit_id.to_string(),
            tasks: BTreeMap::new(),
        }
    }

    /// The entry for `task_id` in `period`.
    pub fn entry(&self, task_id: &str, period: PeriodKind) -> Option<&Entry> {
        self.tasks.get(task_id)?.get(period.as_str())
    }

    /// The entry for `task_id` in `period`, created empty if missing.
    pub fn entry_mut(&mut self, task_id: &str, period: PeriodKind) -> &mut Entry {
        self.tasks
            .entry(task_id.to_string())
            .or_default()
            .entry(period.as_str().to_string())
            .or_default()
    }

    /// The latest entry for `task_id` in `period` or an earlier period (work done in Q1 stays
    /// done in the 6-month report), with the period it comes from. `None` as period means the
    /// latest entry of any period.
    pub fn latest_entry(
        &self,
        task_id: &str,
        period: Option<PeriodKind>,
    ) -> Option<(PeriodKind, &Entry)> {
        let periods = self.tasks.get(task_id)?;
        PeriodKind::ALL
            .into_iter()
            .rev()
            .filter(|p| period.is_none_or(|sel| *p <= sel))
            .find_map(|p| periods.get(p.as_str()).map(|e| (p, e)))
    }
}

/// Who last wrote an entry, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribution {
    /// The author recorded on the change (the user id), if any.
    pub author: Option<String>,
    /// The actor that made the change, hex.
    pub actor: String,
    /// Unix time of the change in seconds, as the author's device recorded it (0 if it did not).
    pub time: i64,
}

/// Who last changed the entry of `task_id` in `period`, from the document's change history.
pub fn attribution(
    doc: &automerge::Automerge,
    task_id: &str,
    period: PeriodKind,
) -> Option<Attribution> {
    let (_, tasks) = obj_at(doc, &automerge::ROOT, "tasks")?;
    let (_, task) = obj_at(doc, &tasks, task_id)?;
    let (entry_id, entry) = obj_at(doc, &task, period.as_str())?;
    // The newest op among the entry object and its fields is the last write.
    let mut newest = op_of(&entry_id);
    for key in doc.keys(&entry) {
        for (_, id) in doc.get_all(&entry, key.as_str()).ok()? {
            newest = newest.max(op_of(&id));
        }
    }
    let (counter, actor) = newest?;
    attribute(doc, &automerge::ObjId::Id(counter, actor, 0))
}

/// Who made the op `id`, and when (from the change that holds it).
fn attribute(doc: &automerge::Automerge, id: &automerge::ObjId) -> Option<Attribution> {
    let (counter, actor) = op_of(id)?;
    let meta = doc
        .get_changes_meta(&[])
        .into_iter()
        .find(|c| *c.actor == actor && c.start_op <= counter && counter <= c.max_op)?;
    Some(Attribution {
        author: meta
            .author
            .as_ref()
            .map(|a| String::from_utf8_lossy(a.as_bytes()).into_owned()),
        actor: actor.to_hex_string(),
        time: meta.timestamp,
    })
}

/// The fields of an entry a form edits, in form order.
pub const ENTRY_FIELDS: [&str; 6] = [
    "status",
    "percent",
    "completed_on",
    "result",
    "difficulties",
    "proposals",
];

/// One of the values two people wrote concurrently into the same field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictValue {
    /// The value as stored (`"in_progress"`, `40`, `"2025-01-10"`, text…), for display.
    pub value: String,
    /// Who wrote it, and when.
    pub by: Option<Attribution>,
    /// Whether this is the value the document currently shows.
    pub current: bool,
}

/// A field of an entry with concurrent values: automerge keeps them all and shows one; the
/// others must not be lost silently, so the form shows every value and lets the user pick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldConflict {
    /// The field (one of [`ENTRY_FIELDS`]).
    pub field: String,
    /// Every concurrent value, in the document's order ([`resolve`] takes an index into it).
    pub values: Vec<ConflictValue>,
}

fn entry_obj(
    doc: &automerge::Automerge,
    task_id: &str,
    period: PeriodKind,
) -> Option<automerge::ObjId> {
    let (_, tasks) = obj_at(doc, &automerge::ROOT, "tasks")?;
    let (_, task) = obj_at(doc, &tasks, task_id)?;
    let (_, entry) = obj_at(doc, &task, period.as_str())?;
    Some(entry)
}

fn display(v: &Value<'_>) -> String {
    match v {
        Value::Scalar(s) => match s.as_ref() {
            automerge::ScalarValue::Str(t) => t.to_string(),
            automerge::ScalarValue::Null => String::new(),
            other => other.to_string(),
        },
        Value::Object(_) => "…".to_string(),
    }
}

/// The fields of the entry of `task_id` in `period` that hold concurrent values.
pub fn conflicts(
    doc: &automerge::Automerge,
    task_id: &str,
    period: PeriodKind,
) -> Vec<FieldConflict> {
    let Some(entry) = entry_obj(doc, task_id, period) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for field in ENTRY_FIELDS {
        let Ok(all) = doc.get_all(&entry, field) else {
            continue;
        };
        if all.len() < 2 {
            continue;
        }
        let shown = doc.get(&entry, field).ok().flatten().map(|(_, id)| id);
        let values = all
            .iter()
            .map(|(v, id)| ConflictValue {
                value: display(v),
                by: attribute(doc, id),
                current: Some(id) == shown.as_ref(),
            })
            .collect();
        out.push(FieldConflict {
            field: field.to_string(),
            values,
        });
    }
    out
}

/// Settles a conflict: writes value number `choice` of `field` again, as a change by `author`
/// that supersedes every concurrent value.
pub fn resolve(
    doc: &mut automerge::Automerge,
    task_id: &str,
    period: PeriodKind,
    field: &str,
    choice: usize,
    author: &str,
) -> Result<(), Error> {
    use automerge::transaction::Transactable;
    let entry = entry_obj(doc, task_id, period)
        .ok_or_else(|| Error::InvalidValue(format!("không có báo cáo {task_id} kỳ {period:?}")))?;
    let all = doc.get_all(&entry, field)?;
    let (value, _) = all
        .get(choice)
        .ok_or_else(|| Error::InvalidValue(format!("không có giá trị {choice} của {field}")))?;
    let Value::Scalar(scalar) = value else {
        return Err(Error::InvalidValue(format!(
            "{field} không phải giá trị đơn"
        )));
    };
    let scalar = scalar.clone().into_owned();
    doc.set_author(Some(crate::doc::author_for(author)));
    let mut tx = doc.transaction();
    tx.put(&entry, field, scalar)?;
    tx.commit_with(crate::doc::commit_options());
    Ok(())
}

fn obj_at<D: ReadDoc>(
    doc: &D,
    parent: &automerge::ObjId,
    key: &str,
) -> Option<(automerge::ObjId, automerge::ObjId)> {
    match doc.get(parent, key).ok()?? {
        (Value::Object(ObjType::Map), id) => Some((id.clone(), id)),
        _ => None,
    }
}

fn op_of(id: &automerge::ObjId) -> Option<(u64, automerge::ActorId)> {
    match id {
        automerge::ObjId::Id(counter, actor, _) => Some((*counter, actor.clone())),
        automerge::ObjId::Root => None,
    }
}
