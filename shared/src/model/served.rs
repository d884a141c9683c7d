//! Documents the server alone writes — a province's criteria set, an agency's assessment record,
//! the province's appraisal — stored as their model's plain data (maps, lists, text, numbers) so
//! any automerge client reads them, and read back entry by entry.
//!
//! Stage: *local document*, beside [`crate::model::doc`]. Clients only read these documents (the
//! share policy gives everyone, a system administrator too, read access only), so nothing in them
//! needs a CRDT merge of concurrent edits: the model goes through its serde
//! shape ([`Json`] reconciles it, [`hydrate`] reads it), which keeps one description of each type
//! for the HTTP answers and the document. Compatibility as everywhere else:
//!
//! - **writes are additive**: a key the model does not hold (a newer release's field) is never
//!   deleted; a value cleared by the model is written as `null`;
//! - **reads are tolerant**: a field that is missing reads as its default, an unknown one is
//!   ignored, and the keyed collections read entry by entry ([`lenient_map`], [`lenient_list`]):
//!   an entry that does not fit is left out and placed as a problem
//!   ([`crate::model::isolate::Problem`]), never costing the rest of the document.

use std::collections::BTreeMap;

use automerge::{ObjId, ObjType, ScalarValue, Value};
use autosurgeon::{HydrateError, ReadDoc, Reconcile, Reconciler};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value as J;

/// A serde value reconciled into a document: maps key by key (keeping keys it does not hold),
/// lists item by item, scalars as automerge scalars.
pub struct Json<'a>(pub &'a J);

impl Reconcile for Json<'_> {
    type Key<'k> = autosurgeon::reconcile::NoKey;

    fn reconcile<R: Reconciler>(&self, mut r: R) -> Result<(), R::Error> {
        use autosurgeon::reconcile::{MapReconciler, SeqReconciler};
        match self.0 {
            J::Null => r.none(),
            J::Bool(b) => r.boolean(*b),
            J::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => r.i64(i),
                (None, Some(u)) => r.u64(u),
                _ => r.f64(n.as_f64().unwrap_or_default()),
            },
            J::String(s) => r.str(s),
            J::Array(items) => {
                let mut seq = r.seq()?;
                let len = seq.len()?;
                for (i, item) in items.iter().enumerate() {
                    if i < len {
                        seq.set(i, Json(item))?;
                    } else {
                        seq.insert(i, Json(item))?;
                    }
                }
                for _ in items.len()..len {
                    seq.delete(items.len())?;
                }
                Ok(())
            }
            J::Object(fields) => {
                let mut map = r.map()?;
                for (k, v) in fields {
                    map.put(k, Json(v))?;
                }
                Ok(())
            }
        }
    }
}

/// Reconciles `value` through its serde shape (what the documents' `Reconcile` impls call).
pub fn reconcile<T: Serialize, R: Reconciler>(value: &T, r: R) -> Result<(), R::Error> {
    let json = serde_json::to_value(value).unwrap_or(J::Null);
    Json(&json).reconcile(r)
}

/// The value at `obj` as serde data: text as a string, counters and timestamps as numbers,
/// bytes as nothing.
pub fn to_json<D: ReadDoc>(doc: &D, obj: &ObjId, ty: ObjType) -> J {
    match ty {
        ObjType::Map | ObjType::Table => {
            let keys: Vec<String> = doc.map_range(obj, ..).map(|i| i.key.to_string()).collect();
            let mut out = serde_json::Map::new();
            for k in keys {
                if let Ok(Some((v, id))) = doc.get(obj, k.as_str()) {
                    out.insert(k, value(doc, v, &id));
                }
            }
            J::Object(out)
        }
        ObjType::List => {
            let len = doc.length(obj);
            J::Array(
                (0..len)
                    .filter_map(|i| doc.get(obj, i).ok().flatten())
                    .map(|(v, id)| value(doc, v, &id))
                    .collect(),
            )
        }
        ObjType::Text => J::String(doc.text(obj).unwrap_or_default()),
    }
}

fn value<D: ReadDoc>(doc: &D, v: Value<'_>, id: &ObjId) -> J {
    match v {
        Value::Object(ty) => to_json(doc, id, ty),
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Str(t) => J::String(t.to_string()),
            ScalarValue::Int(i) | ScalarValue::Timestamp(i) => J::from(*i),
            ScalarValue::Uint(u) => J::from(*u),
            ScalarValue::F64(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            ScalarValue::Counter(c) => J::from(i64::from(c)),
            ScalarValue::Boolean(b) => J::Bool(*b),
            _ => J::Null,
        },
    }
}

/// Reads a model written by [`reconcile`] from the map at `obj` (what the documents' `Hydrate`
/// impls call). A root that does not read as `T` is an error naming what did not fit.
pub fn hydrate<T: DeserializeOwned, D: ReadDoc>(doc: &D, obj: &ObjId) -> Result<T, HydrateError> {
    let json = to_json(doc, obj, ObjType::Map);
    serde_json::from_value(json).map_err(|e| HydrateError::unexpected("the model", e.to_string()))
}

/// A keyed collection read entry by entry: an entry that does not read as `T` is left out and
/// placed as a problem (`#[serde(deserialize_with = "…::lenient_map")]`).
pub fn lenient_map<'de, D, T>(de: D) -> Result<BTreeMap<String, T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let raw = Option::<BTreeMap<String, J>>::deserialize(de).unwrap_or_default();
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| match serde_json::from_value(v) {
            Ok(t) => Some((k, t)),
            Err(e) => {
                crate::model::isolate::note_problem(k, e.to_string());
                None
            }
        })
        .collect())
}

/// A list read item by item, as [`lenient_map`] reads a map.
pub fn lenient_list<'de, D, T>(de: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let raw = Option::<Vec<J>>::deserialize(de).unwrap_or_default();
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .filter_map(|(i, v)| match serde_json::from_value(v) {
            Ok(t) => Some(t),
            Err(e) => {
                crate::model::isolate::note_problem(format!("#{i}"), e.to_string());
                None
            }
        })
        .collect())
}

/// An entry of a [`history`]: its key, unique and in the history's order.
pub trait HistoryKey {
    /// The key (a filing step: its time and action; a round: its number).
    fn history_key(&self) -> String;
}

/// A history that only grows (filing steps, appraisal rounds), stored as a map keyed by each
/// entry's own key ([`HistoryKey`]) so that writes stay additive: an entry one release cannot read
/// is kept by its writes, and no later entry takes its place
/// (`#[serde(with = "crate::model::served::history")]`). Read entry by entry, in key order; a
/// plain list (what another client may write) reads too.
pub mod history {
    use super::*;
    use serde::Serializer;

    /// Writes `items` by their keys.
    pub fn serialize<S: Serializer, T: Serialize + HistoryKey>(
        items: &[T],
        ser: S,
    ) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = ser.serialize_map(Some(items.len()))?;
        for item in items {
            map.serialize_entry(&item.history_key(), item)?;
        }
        map.end()
    }

    /// Reads a history written by [`serialize`] (or a list), entry by entry, in key order.
    pub fn deserialize<'de, D: Deserializer<'de>, T: DeserializeOwned>(
        de: D,
    ) -> Result<Vec<T>, D::Error> {
        let raw = Option::<J>::deserialize(de).unwrap_or_default();
        let entries: Vec<(String, J)> = match raw {
            Some(J::Object(m)) => m.into_iter().collect(),
            Some(J::Array(a)) => a
                .into_iter()
                .enumerate()
                .map(|(i, v)| (format!("#{i}"), v))
                .collect(),
            _ => Vec::new(),
        };
        Ok(entries
            .into_iter()
            .filter_map(|(k, v)| match serde_json::from_value(v) {
                Ok(t) => Some(t),
                Err(e) => {
                    crate::model::isolate::note_problem(k, e.to_string());
                    None
                }
            })
            .collect())
    }
}

/// Implements [`crate::model::Document`] (with `Hydrate` and `Reconcile`) for a model the
/// server alone writes, through its serde shape; its reading's problems go to its `unreadable`.
#[macro_export]
#[doc(hidden)]
macro_rules! served_document {
    ($ty:ty, $kind:expr) => {
        impl autosurgeon::Reconcile for $ty {
            type Key<'k> = autosurgeon::reconcile::NoKey;
            fn reconcile<R: autosurgeon::Reconciler>(&self, r: R) -> Result<(), R::Error> {
                $crate::model::served::reconcile(self, r)
            }
        }
        impl autosurgeon::Hydrate for $ty {
            fn hydrate_map<D: autosurgeon::ReadDoc>(
                doc: &D,
                obj: &automerge::ObjId,
            ) -> Result<Self, autosurgeon::HydrateError> {
                $crate::model::served::hydrate(doc, obj)
            }
        }
        impl $crate::model::Document for $ty {
            const KIND: $crate::model::DocKind = $kind;
            const ISOLATED: bool = true;
            fn place(&mut self, problems: Vec<$crate::model::isolate::Problem>) {
                self.unreadable = problems;
            }
        }
    };
}
