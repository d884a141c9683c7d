//! Who wrote what in a progress document: the author and time of an entry's last change, and
//! the concurrent values of a field (a conflict) with the way to settle one.
//!
//! Stage: *local document*, read from Automerge's change history rather than from fields that
//! could be forged or forgotten.

use automerge::{ObjType, ReadDoc, Value};
use serde::{Deserialize, Serialize};

use super::EntryField;
use crate::model::{Error, PeriodKind};

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

/// Who made the op `id`, and when (from the change that holds it): for other readers of
/// concurrent values ([`crate::model::assessment::sheet::conflicts`]).
pub fn attribution_of(doc: &automerge::Automerge, id: &automerge::ObjId) -> Option<Attribution> {
    attribute(doc, id)
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
    /// The field (the key of one of [`EntryField::SCALARS`]).
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
    for field in EntryField::SCALARS.map(EntryField::as_str) {
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
/// made `at`, that supersedes every concurrent value.
pub fn resolve(
    doc: &mut automerge::Automerge,
    task_id: &str,
    period: PeriodKind,
    field: &str,
    choice: usize,
    author: &str,
    at: crate::model::doc::UnixTime,
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
    doc.set_author(Some(crate::model::doc::author_for(author)));
    let mut tx = doc.transaction();
    tx.put(&entry, field, scalar)?;
    tx.commit_with(crate::model::doc::commit_options(at));
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
