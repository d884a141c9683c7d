//! Automerge read and written by hand, where autosurgeon's whole-struct mapping does not fit:
//! the lists that are only ever appended to (the organisation's changes, a plan's links and
//! revisions, the reporting workflow's steps) and the values a foreign client may have written
//! in another type.
//!
//! Stage: *local document*, beside [`crate::model::doc`].

use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{ObjId, ObjType, ReadDoc, ScalarValue, Value};
use autosurgeon::Prop;

use crate::model::Error;

/// Every value (conflicting ones too) of `key` in `obj` that is a container of `kind`.
pub(crate) fn all_objs<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str, kind: ObjType) -> Vec<ObjId> {
    doc.get_all(obj, key)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(v, id)| matches!(v, Value::Object(k) if k == kind).then_some(id))
        .collect()
}

pub(crate) fn text_of<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Option<String> {
    match doc.get(obj, key).ok()??.0 {
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Str(t) => Some(t.to_string()),
            _ => None,
        },
        _ => None,
    }
}

pub(crate) fn int_of<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Option<i64> {
    match doc.get(obj, key).ok()??.0 {
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Int(i) => Some(*i),
            ScalarValue::Uint(u) => i64::try_from(*u).ok(),
            // A JavaScript client writes numbers as floats.
            ScalarValue::F64(f) if f.is_finite() => Some(*f as i64),
            _ => None,
        },
        _ => None,
    }
}

pub(crate) fn child<T: Transactable>(
    tx: &mut T,
    obj: &ObjId,
    key: &str,
    kind: ObjType,
) -> Result<ObjId, Error> {
    if let Some(existing) = all_objs(tx, obj, key, kind).into_iter().next() {
        return Ok(existing);
    }
    Ok(tx.put_object(obj, key, kind)?)
}

/// The value at `key` of map `obj`, through autosurgeon's reader (what a derived `Hydrate` has).
pub(crate) fn value_at<D: autosurgeon::ReadDoc>(
    doc: &D,
    obj: &ObjId,
    key: &str,
) -> Option<(Value<'static>, ObjId)> {
    doc.get(obj, key)
        .ok()
        .flatten()
        .map(|(v, id)| (v.to_owned(), id))
}

pub(crate) fn text_at<D: autosurgeon::ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Option<String> {
    match value_at(doc, obj, key)?.0 {
        Value::Scalar(s) => s.as_str().map(str::to_string),
        Value::Object(_) => None,
    }
}

pub(crate) fn texts_at<D: autosurgeon::ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Vec<String> {
    match value_at(doc, obj, key) {
        Some((Value::Object(ObjType::List), list)) => (0..doc.length(&list))
            .filter_map(|i| match doc.get(&list, i).ok()??.0 {
                Value::Scalar(s) => s.as_str().map(str::to_string),
                Value::Object(_) => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The items of the list at `prop` of `obj` that `read` can read, by the id `id` gives (the
/// first of a repeated id kept; one that cannot be read placed as a problem,
/// [`crate::model::isolate`]), through autosurgeon's reader: what an appended-only list of
/// maps reads to (the organisation's changes, a plan's links).
pub(crate) fn read_list<D: autosurgeon::ReadDoc, T>(
    doc: &D,
    obj: &ObjId,
    prop: Prop<'_>,
    read: impl Fn(&D, &ObjId) -> Option<T>,
    id: impl Fn(&T) -> String,
) -> Vec<T> {
    let Prop::Key(key) = prop else {
        return Vec::new();
    };
    let mut by_id = BTreeMap::new();
    if let Some((Value::Object(ObjType::List), list)) = value_at(doc, obj, &key) {
        for i in 0..doc.length(&list) {
            if let Ok(Some((Value::Object(ObjType::Map), m))) = doc.get(&list, i)
                && let Some(item) = read(doc, &m)
            {
                by_id.entry(id(&item)).or_insert(item);
            } else {
                crate::model::isolate::left_out_entry(&key, i);
            }
        }
    }
    by_id.into_values().collect()
}
