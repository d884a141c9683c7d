//! Tolerant reads: what any automerge client may have written where the model expects a value.
//!
//! Stage: *read* (Automerge → model). Our own writers store integers as `uint` and strings as
//! scalar strings, but a JavaScript automerge-repo client stores a JS number as a signed `int`
//! (or an `f64`) and a JS string as collaborative `Text`, and a client of an older or newer
//! release may leave a field out. The model's fields read through [`read`]
//! (`#[autosurgeon(hydrate = "crate::model::lenient::read")]`), which accepts:
//!
//! - numbers as `uint`, `int`, `f64` (rounded) or a counter, when in the field's range;
//! - strings as scalar strings or `Text`; a number where text is expected, as its digits;
//! - a missing field or `null` as the field's default (empty text, 0, none, an empty list);
//! - an enum's variant as the name we write (`InProgress`) or its snake case (`in_progress`).
//!
//! What still does not fit is an error naming what was expected and what was found; the
//! progress reader isolates it to one entry (see [`crate::model::progress`]).

use automerge::{ObjId, ObjType, ScalarValue, Value};
use autosurgeon::{Hydrate, HydrateError, Prop, ReadDoc};

use crate::model::Date;

/// A model value that can be read tolerantly from whatever a client wrote at `prop`.
pub trait Lenient: Sized {
    /// Reads the value at `prop` of `obj`.
    fn lenient<D: ReadDoc>(doc: &D, obj: &ObjId, prop: Prop<'_>) -> Result<Self, HydrateError>;
}

/// The field reader the model's derives name: `T`'s tolerant read of `prop`.
pub fn read<D: ReadDoc, T: Lenient>(
    doc: &D,
    obj: &ObjId,
    prop: Prop<'_>,
) -> Result<T, HydrateError> {
    T::lenient(doc, obj, prop)
}

/// A percent (0–100) read tolerantly; 250 or -1 is an error, not a clamp, so the entry that
/// holds it is reported rather than counted wrong.
pub fn percent<D: ReadDoc>(doc: &D, obj: &ObjId, prop: Prop<'_>) -> Result<u8, HydrateError> {
    match number(doc, obj, &prop)? {
        None => Ok(0),
        Some(n) if (0..=100).contains(&n) => Ok(n as u8),
        Some(n) => Err(HydrateError::unexpected(
            "a percent from 0 to 100",
            n.to_string(),
        )),
    }
}

/// The scalar at `prop`, with `Text` read as a string; `None` when missing or null.
fn scalar<D: ReadDoc>(
    doc: &D,
    obj: &ObjId,
    prop: &Prop<'_>,
) -> Result<Option<ScalarValue>, HydrateError> {
    Ok(match doc.get(obj, prop)? {
        None => None,
        Some((Value::Object(ObjType::Text), id)) => Some(ScalarValue::Str(doc.text(&id)?.into())),
        Some((Value::Object(t), _)) => {
            return Err(HydrateError::unexpected(
                "a value",
                format!("an object ({t})"),
            ));
        }
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Null => None,
            other => Some(other.clone()),
        },
    })
}

/// An integer from any numeric scalar (floats rounded); `None` when missing or null.
fn number<D: ReadDoc>(doc: &D, obj: &ObjId, prop: &Prop<'_>) -> Result<Option<i128>, HydrateError> {
    Ok(match scalar(doc, obj, prop)? {
        None => None,
        Some(ScalarValue::Uint(u)) => Some(u.into()),
        Some(ScalarValue::Int(i)) => Some(i.into()),
        Some(ScalarValue::Counter(c)) => Some(i64::from(&c).into()),
        Some(ScalarValue::F64(f)) if f.is_finite() => Some(f.round() as i128),
        Some(other) => {
            return Err(HydrateError::unexpected("a number", describe(&other)));
        }
    })
}

fn describe(s: &ScalarValue) -> String {
    match s {
        ScalarValue::Str(t) => format!("the text \"{t}\""),
        ScalarValue::Boolean(b) => format!("the boolean {b}"),
        ScalarValue::Bytes(_) => "bytes".into(),
        other => other.to_string(),
    }
}

macro_rules! integers {
    ($($ty:ty),*) => {$(
        impl Lenient for $ty {
            fn lenient<D: ReadDoc>(doc: &D, obj: &ObjId, prop: Prop<'_>) -> Result<Self, HydrateError> {
                match number(doc, obj, &prop)? {
                    None => Ok(0),
                    Some(n) => <$ty>::try_from(n).map_err(|_| {
                        HydrateError::unexpected(
                            concat!("a number that fits ", stringify!($ty)),
                            n.to_string(),
                        )
                    }),
                }
            }
        }
    )*};
}
integers!(u8, u16, u32, u64, i32, i64);

impl Lenient for String {
    fn lenient<D: ReadDoc>(doc: &D, obj: &ObjId, prop: Prop<'_>) -> Result<Self, HydrateError> {
        Ok(match scalar(doc, obj, &prop)? {
            None => String::new(),
            Some(ScalarValue::Str(s)) => s.to_string(),
            Some(n @ (ScalarValue::Uint(_) | ScalarValue::Int(_) | ScalarValue::F64(_))) => {
                n.to_string()
            }
            Some(other) => return Err(HydrateError::unexpected("text", describe(&other))),
        })
    }
}

impl Lenient for Date {
    fn lenient<D: ReadDoc>(doc: &D, obj: &ObjId, prop: Prop<'_>) -> Result<Self, HydrateError> {
        match scalar(doc, obj, &prop)? {
            Some(ScalarValue::Str(s)) => Date::hydrate_string(&s),
            Some(other) => Err(HydrateError::unexpected(
                "a date as YYYY-MM-DD",
                describe(&other),
            )),
            None => Err(HydrateError::unexpected(
                "a date as YYYY-MM-DD",
                "nothing".into(),
            )),
        }
    }
}

impl<T: Lenient> Lenient for Option<T> {
    fn lenient<D: ReadDoc>(doc: &D, obj: &ObjId, prop: Prop<'_>) -> Result<Self, HydrateError> {
        match doc.get(obj, &prop)? {
            None => Ok(None),
            Some((Value::Scalar(s), _)) if s.is_null() => Ok(None),
            Some(_) => T::lenient(doc, obj, prop).map(Some),
        }
    }
}

impl<T: Lenient> Lenient for Vec<T> {
    fn lenient<D: ReadDoc>(doc: &D, obj: &ObjId, prop: Prop<'_>) -> Result<Self, HydrateError> {
        match doc.get(obj, &prop)? {
            None => Ok(Vec::new()),
            Some((Value::Scalar(s), _)) if s.is_null() => Ok(Vec::new()),
            Some((Value::Object(ObjType::List), list)) => (0..doc.length(&list))
                .map(|i| T::lenient(doc, &list, i.into()))
                .collect(),
            Some((v, _)) => Err(HydrateError::unexpected("a list", v.to_string())),
        }
    }
}

/// Reads a derived model type (a struct or an enum) through its `Hydrate`, with `Text` given
/// to an enum as its string and a missing value as `missing` (or an error when it has none).
pub fn via_hydrate<D: ReadDoc, T: Hydrate>(
    doc: &D,
    obj: &ObjId,
    prop: Prop<'_>,
    missing: Option<fn() -> T>,
) -> Result<T, HydrateError> {
    match doc.get(obj, &prop)? {
        None => missing
            .map(|f| f())
            .ok_or_else(|| HydrateError::unexpected("a value", "nothing".into())),
        Some((Value::Scalar(s), _)) if s.is_null() => missing
            .map(|f| f())
            .ok_or_else(|| HydrateError::unexpected("a value", "null".into())),
        Some((Value::Object(ObjType::Text), id)) => T::hydrate_string(&doc.text(&id)?),
        Some(_) => T::hydrate(doc, obj, prop),
    }
}

/// Declares model types as [`Lenient`] through their derived `Hydrate`: `default` ones take
/// `Default::default()` when missing, `required` ones are an error.
#[macro_export]
#[doc(hidden)]
macro_rules! lenient_types {
    (default: $($ty:ty),*) => {$(
        impl $crate::model::lenient::Lenient for $ty {
            fn lenient<D: ::autosurgeon::ReadDoc>(
                doc: &D,
                obj: &::automerge::ObjId,
                prop: ::autosurgeon::Prop<'_>,
            ) -> Result<Self, ::autosurgeon::HydrateError> {
                $crate::model::lenient::via_hydrate(doc, obj, prop, Some(<$ty as Default>::default))
            }
        }
    )*};
    (required: $($ty:ty),*) => {$(
        impl $crate::model::lenient::Lenient for $ty {
            fn lenient<D: ::autosurgeon::ReadDoc>(
                doc: &D,
                obj: &::automerge::ObjId,
                prop: ::autosurgeon::Prop<'_>,
            ) -> Result<Self, ::autosurgeon::HydrateError> {
                $crate::model::lenient::via_hydrate(doc, obj, prop, None)
            }
        }
    )*};
}

/// Reads an enum's variant from its name as we write it (`InProgress`) or in snake case
/// (`in_progress`), which is how it appears in our JSON and how a foreign client may write it.
pub fn variant<T: Copy>(s: &str, variants: &[(&str, T)], what: &str) -> Result<T, HydrateError> {
    let wanted: String = s.chars().filter(|c| *c != '_' && *c != '-').collect();
    variants
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(&wanted))
        .map(|(_, v)| *v)
        .ok_or_else(|| HydrateError::unexpected(what, format!("\"{s}\"")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};

    fn doc_with(f: impl FnOnce(&mut AutoCommit)) -> AutoCommit {
        let mut d = AutoCommit::new();
        f(&mut d);
        d
    }

    #[test]
    fn numbers_are_read_from_uint_int_float_and_counter() {
        let d = doc_with(|d| {
            d.put(ROOT, "u", 37u64).unwrap();
            d.put(ROOT, "i", 37i64).unwrap();
            d.put(ROOT, "f", 36.6f64).unwrap();
            d.put(ROOT, "c", ScalarValue::counter(37)).unwrap();
        });
        for k in ["u", "i", "f", "c"] {
            assert_eq!(read::<_, u8>(&d, &ROOT, k.into()).unwrap(), 37, "{k}");
            assert_eq!(percent(&d, &ROOT, k.into()).unwrap(), 37, "{k}");
        }
    }

    #[test]
    fn numbers_out_of_range_are_errors_not_clamps() {
        let d = doc_with(|d| {
            d.put(ROOT, "big", 250i64).unwrap();
            d.put(ROOT, "neg", -1i64).unwrap();
            d.put(ROOT, "huge", 300u64).unwrap();
            d.put(ROOT, "text", "ba mươi").unwrap();
        });
        assert!(percent(&d, &ROOT, "big".into()).is_err());
        assert!(percent(&d, &ROOT, "neg".into()).is_err());
        assert!(read::<_, u8>(&d, &ROOT, "huge".into()).is_err());
        assert!(read::<_, u32>(&d, &ROOT, "neg".into()).is_err());
        let err = percent(&d, &ROOT, "text".into()).unwrap_err().to_string();
        assert!(err.contains("ba mươi"), "{err}");
    }

    #[test]
    fn strings_are_read_from_scalars_and_text() {
        let d = doc_with(|d| {
            d.put(ROOT, "s", "Đã ban hành").unwrap();
            let t = d.put_object(ROOT, "t", ObjType::Text).unwrap();
            d.splice_text(&t, 0, 0, "Đã ban hành").unwrap();
            let l = d.put_object(ROOT, "l", ObjType::List).unwrap();
            d.insert(&l, 0, "một").unwrap();
            let t2 = d.insert_object(&l, 1, ObjType::Text).unwrap();
            d.splice_text(&t2, 0, 0, "hai").unwrap();
        });
        assert_eq!(
            read::<_, String>(&d, &ROOT, "s".into()).unwrap(),
            "Đã ban hành"
        );
        assert_eq!(
            read::<_, String>(&d, &ROOT, "t".into()).unwrap(),
            "Đã ban hành"
        );
        assert_eq!(
            read::<_, Vec<String>>(&d, &ROOT, "l".into()).unwrap(),
            ["một", "hai"]
        );
    }

    #[test]
    fn missing_and_null_fields_take_their_defaults() {
        let d = doc_with(|d| d.put(ROOT, "n", ScalarValue::Null).unwrap());
        for k in ["missing", "n"] {
            assert_eq!(read::<_, String>(&d, &ROOT, k.into()).unwrap(), "");
            assert_eq!(read::<_, u32>(&d, &ROOT, k.into()).unwrap(), 0);
            assert_eq!(read::<_, Option<Date>>(&d, &ROOT, k.into()).unwrap(), None);
            assert!(
                read::<_, Vec<String>>(&d, &ROOT, k.into())
                    .unwrap()
                    .is_empty()
            );
        }
        assert!(read::<_, Date>(&d, &ROOT, "missing".into()).is_err());
    }

    #[test]
    fn variants_are_read_in_either_spelling() {
        let v = [("InProgress", 1), ("Done", 2)];
        assert_eq!(variant("InProgress", &v, "a status").unwrap(), 1);
        assert_eq!(variant("in_progress", &v, "a status").unwrap(), 1);
        assert_eq!(variant("done", &v, "a status").unwrap(), 2);
        assert!(variant("finished", &v, "a status").is_err());
    }
}
