//! The organisation's change lists in the document: read by id (a list made on two devices at
//! once read as one, a change that cannot be read left out of the reading, not out of the
//! document), left alone by whole-model writes, only ever appended to.
//!
//! Stage: *local document*, beside [`crate::model::raw`].

use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{ObjId, ObjType, ScalarValue, Value};
use autosurgeon::{HydrateError, Prop};

use crate::model::lineage::{Basis, CHANGES_KEY, Lineage, OrgChange};
use crate::model::raw::{all_objs, child, read_list, text_at, text_of, texts_at, value_at};
use crate::model::{Date, Error};

fn read_change<D: autosurgeon::ReadDoc>(doc: &D, obj: &ObjId) -> Option<OrgChange> {
    let routes = match value_at(doc, obj, "routes") {
        Some((Value::Object(ObjType::Map), m)) => doc
            .map_range(&m, ..)
            .filter_map(|item| {
                let key = item.key.to_string();
                text_at(doc, &m, &key).map(|v| (key, v))
            })
            .collect(),
        _ => BTreeMap::new(),
    };
    let date = |key: &str| text_at(doc, obj, key).and_then(|s| s.parse::<Date>().ok());
    let at = match value_at(doc, obj, "at") {
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Int(i) => *i,
            ScalarValue::Uint(u) => i64::try_from(*u).unwrap_or(0),
            // A JavaScript client writes numbers as floats.
            ScalarValue::F64(f) if f.is_finite() => *f as i64,
            _ => 0,
        },
        _ => 0,
    };
    Some(OrgChange {
        id: text_at(doc, obj, "id")?,
        kind: text_at(doc, obj, "kind")?.parse().ok()?,
        unit: text_at(doc, obj, "unit")?,
        on: date("on")?,
        into: texts_at(doc, obj, "into"),
        created: texts_at(doc, obj, "created"),
        routes,
        old_name: text_at(doc, obj, "old_name").unwrap_or_default(),
        new_name: text_at(doc, obj, "new_name").unwrap_or_default(),
        basis: Basis {
            number: text_at(doc, obj, "basis_number").unwrap_or_default(),
            date: date("basis_date"),
        },
        accounts: text_at(doc, obj, "accounts")
            .and_then(|s| s.parse().ok())
            .unwrap_or_default(),
        by: text_at(doc, obj, "by").unwrap_or_default(),
        at,
    })
}

/// Reads an agency's change list (autosurgeon `hydrate` of [`Agency::changes`]), by id; a
/// change that cannot be read is left out. The list is made when the agency is first written
/// ([`keep_changes`]), so devices append to the same list.
///
/// [`Agency::changes`]: crate::model::Agency::changes
pub fn hydrate_changes<D: autosurgeon::ReadDoc>(
    doc: &D,
    obj: &ObjId,
    prop: Prop<'_>,
) -> Result<Vec<OrgChange>, HydrateError> {
    let changes = read_list(doc, obj, prop, read_change, |c| c.id.clone());
    Ok(Lineage::new(&changes).changes)
}

/// Whole-model writes leave the change list alone (autosurgeon `reconcile` of
/// [`Agency::changes`]): they make the empty list when the agency has none, so every device
/// appends to that one, and touch nothing in it; it is only ever appended to, by [`record`].
///
/// [`Agency::changes`]: crate::model::Agency::changes
/// [`record`]: super::record
pub fn keep_changes<R: autosurgeon::Reconciler>(
    _changes: &[OrgChange],
    mut reconciler: R,
) -> Result<(), R::Error> {
    reconciler.seq().map(|_| ())
}

/// Appends `change` to agency `agency_id`'s list in the organisation document.
pub(super) fn append(
    tx: &mut impl Transactable,
    agency_id: &str,
    c: &OrgChange,
) -> Result<(), Error> {
    let agencies = all_objs(tx, &automerge::ROOT, "agencies", ObjType::List)
        .into_iter()
        .next()
        .ok_or_else(|| Error::InvalidValue("tài liệu tổ chức không có danh sách cơ quan".into()))?;
    let agency = (0..tx.length(&agencies))
        .filter_map(|i| match tx.get(&agencies, i).ok()? {
            Some((Value::Object(ObjType::Map), m)) => Some(m),
            _ => None,
        })
        .find(|m| text_of(tx, m, "id").as_deref() == Some(agency_id))
        .ok_or_else(|| Error::InvalidValue(format!("không có cơ quan {agency_id}")))?;
    let list = child(tx, &agency, CHANGES_KEY, ObjType::List)?;
    let at = tx.length(&list);
    let m = tx.insert_object(&list, at, ObjType::Map)?;
    let text = |tx: &mut dyn FnMut(&str, &str) -> Result<(), Error>| -> Result<(), Error> {
        tx("id", &c.id)?;
        tx("kind", c.kind.as_str())?;
        tx("unit", &c.unit)?;
        tx("on", &c.on.to_string())?;
        tx("old_name", &c.old_name)?;
        tx("new_name", &c.new_name)?;
        tx("basis_number", &c.basis.number)?;
        if let Some(d) = c.basis.date {
            tx("basis_date", &d.to_string())?;
        }
        tx("accounts", c.accounts.as_str())?;
        tx("by", &c.by)
    };
    text(&mut |k, v| Ok(tx.put(&m, k, v).map(|_| ())?))?;
    tx.put(&m, "at", ScalarValue::Int(c.at))?;
    for (key, items) in [("into", &c.into), ("created", &c.created)] {
        let l = tx.put_object(&m, key, ObjType::List)?;
        for (i, u) in items.iter().enumerate() {
            tx.insert(&l, i, u.as_str())?;
        }
    }
    let routes = tx.put_object(&m, "routes", ObjType::Map)?;
    for (task, unit) in &c.routes {
        tx.put(&routes, task.as_str(), unit.as_str())?;
    }
    Ok(())
}
