//! Plan and organisation documents read in isolation: what one writer put where the model
//! expects something else costs that entry or that value, never the document.
//!
//! Stage: *read* (Automerge → model), beside [`crate::model::lenient`], and its mirror on *write*.
//! Anyone with write access to a document (an agency's admin, a foreign automerge-repo client, an
//! old or newer build) can fill any field with anything. Progress documents already read entry
//! by entry ([`crate::model::progress`]); plan and organisation documents read here the same way:
//!
//! - **a value** that does not read ([`field`]: a number where a name goes, an unknown kind) is
//!   read as its default (empty text, none, `Other`) and placed as a [`Problem`];
//! - **an entry** of a keyed list ([`entries`]: an agency, a unit, an area, a task, a reporting
//!   period) that does not read at all (not a map, its key unreadable, a date it needs) is left
//!   out of the reading and placed as a [`Problem`]; the lists that are only appended to (an
//!   agency's unit changes, a plan's links) place what they leave out the same way;
//! - **whole-model writes keep what they could not read** ([`keep_unknown`]): an entry left out
//!   of the reading is never deleted by a write of the rest, whichever build or device writes.
//!   A value read as its default is written back as the form shows it when its entry is saved (a
//!   repair, as in a progress entry).
//!
//! [`crate::model::doc::read`] gathers the problems of one read ([`collect`]) and gives them to the
//! model ([`crate::model::Document::place`]: `Plan::unreadable`, `Org::unreadable`), so every
//! reader — the server's answers, the tablet's screens — serves the rest and can show what was left
//! out.

use std::cell::RefCell;
use std::collections::BTreeSet;

use automerge::{ObjId, ObjType, Value};
use autosurgeon::reconcile::{LoadKey, SeqReconciler};
use autosurgeon::{HydrateError, Prop, ReadDoc, Reconcile, Reconciler};
use serde::{Deserialize, Serialize};

use crate::model::lenient::Lenient;

/// Something in a document that could not be read: where, and what did not fit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Where it is, from the document's root: `agencies[xa-an-binh].kind`,
    /// `areas[3].tasks[#4]` (an entry without a readable id shows its position).
    pub place: String,
    /// What was expected and what was found, in plain words.
    pub reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place, self.reason)
    }
}

/// The problems of the read under way on this thread, the place being read, and the entries left
/// out (their keys as [`key_text`] writes them, for [`keep_unknown`] during a write).
#[derive(Default)]
struct Scope {
    path: Vec<String>,
    problems: Vec<Problem>,
    left_out: BTreeSet<String>,
}

thread_local! {
    static SCOPE: RefCell<Scope> = RefCell::default();
}

/// Runs `read` with a fresh record of problems and answers them beside its result (a read
/// inside another keeps its own record; the outer one is restored after).
pub fn collect<R>(read: impl FnOnce() -> R) -> (R, Vec<Problem>) {
    let outer = SCOPE.with(|s| s.replace(Scope::default()));
    let out = read();
    let inner = SCOPE.with(|s| s.replace(outer));
    (out, inner.problems)
}

/// Runs `write` knowing which entries the document's reading left out (`problems` of a read of
/// the same document just before), so [`keep_unknown`] keeps them.
pub fn keeping<R>(left_out: BTreeSet<String>, write: impl FnOnce() -> R) -> R {
    let outer = SCOPE.with(|s| {
        s.replace(Scope {
            left_out,
            ..Scope::default()
        })
    });
    let out = write();
    SCOPE.with(|s| s.replace(outer));
    out
}

/// The entries a read left out, by key (what [`keeping`] takes), read again from `doc`'s root
/// with `read`.
pub fn left_out<R>(read: impl FnOnce() -> R) -> BTreeSet<String> {
    let outer = SCOPE.with(|s| s.replace(Scope::default()));
    let _ = read();
    let inner = SCOPE.with(|s| s.replace(outer));
    inner.left_out
}

fn place(prop: &Prop<'_>) -> String {
    SCOPE.with(|s| {
        let s = s.borrow();
        let mut out = s.path.join(".");
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(&prop_text(prop));
        out
    })
}

fn prop_text(prop: &Prop<'_>) -> String {
    match prop {
        Prop::Key(k) => k.to_string(),
        Prop::Index(i) => format!("#{i}"),
    }
}

/// Places a problem found by a reader that is not one of this module's (the served documents'
/// entry-by-entry reads, [`crate::model::served`]), under the place being read.
pub fn note_problem(segment: String, reason: String) {
    let place = place(&Prop::Key(segment.into()));
    note(place, reason);
}

fn note(place: String, reason: String) {
    SCOPE.with(|s| s.borrow_mut().problems.push(Problem { place, reason }));
}

/// Runs `f` one step further down the document (`segment` appended to the place).
fn within<R>(segment: String, f: impl FnOnce() -> R) -> R {
    SCOPE.with(|s| s.borrow_mut().path.push(segment));
    let out = f();
    SCOPE.with(|s| s.borrow_mut().path.pop());
    out
}

/// Reads a value tolerantly ([`Lenient`]); one that still does not fit is read as its default
/// and placed as a problem (autosurgeon `hydrate` of a plan's or an organisation's fields).
pub fn field<D: ReadDoc, T: Lenient + Default>(
    doc: &D,
    obj: &ObjId,
    prop: Prop<'_>,
) -> Result<T, HydrateError> {
    match T::lenient(doc, obj, prop.clone()) {
        Ok(v) => Ok(v),
        Err(e) => {
            note(place(&prop), e.to_string());
            Ok(T::default())
        }
    }
}

/// Reads an entry's key (its `id`; an area's `number`; a period's `kind`): tolerantly, but a
/// missing or null key is an error, never an empty one — so the entry is left out of the reading
/// and, having no key to match, kept by writes ([`keep_unknown`]).
pub fn key<D: ReadDoc, T: Lenient>(
    doc: &D,
    obj: &ObjId,
    prop: Prop<'_>,
) -> Result<T, HydrateError> {
    match doc.get(obj, &prop)? {
        None => Err(HydrateError::unexpected("a key", "nothing".into())),
        Some((Value::Scalar(s), _)) if s.is_null() => {
            Err(HydrateError::unexpected("a key", "null".into()))
        }
        Some(_) => T::lenient(doc, obj, prop),
    }
}

/// Reads a keyed list entry by entry (autosurgeon `hydrate` of agencies, units, areas, tasks,
/// reporting periods): an entry that does not read is left out and placed as a problem; a value
/// that is not a list reads as an empty one, placed too.
pub fn entries<D: ReadDoc, T: Lenient + Reconcile>(
    doc: &D,
    obj: &ObjId,
    prop: Prop<'_>,
) -> Result<Vec<T>, HydrateError>
where
    for<'k> T::Key<'k>: std::fmt::Debug,
{
    let name = prop_text(&prop);
    let list = match doc.get(obj, &prop) {
        Ok(None) => return Ok(Vec::new()),
        Ok(Some((Value::Scalar(s), _))) if s.is_null() => return Ok(Vec::new()),
        Ok(Some((Value::Object(ObjType::List), list))) => list,
        Ok(Some((v, _))) => {
            note(place(&prop), format!("expected a list, found {v}"));
            return Ok(Vec::new());
        }
        Err(e) => {
            note(place(&prop), e.to_string());
            return Ok(Vec::new());
        }
    };
    let mut out = Vec::new();
    for i in 0..doc.length(&list) {
        let label = label(doc, &list, i);
        let read = within(format!("{name}[{label}]"), || {
            T::lenient(doc, &list, Prop::Index(i as u32))
        });
        match read {
            Ok(v) => out.push(v),
            Err(e) => {
                note(format!("{}[{label}]", place(&prop)), e.to_string());
                if let Ok(LoadKey::Found(k)) = T::hydrate_key(doc, &list, Prop::Index(i as u32)) {
                    SCOPE.with(|s| s.borrow_mut().left_out.insert(key_text(&k)));
                }
            }
        }
    }
    Ok(out)
}

/// Places an entry of an appended-only list that could not be read (an agency's unit changes,
/// a plan's links: [`crate::model::lineage`], [`crate::model::links`]).
pub(crate) fn left_out_entry(list: &str, index: usize) {
    note(
        format!("{}[#{index}]", place(&Prop::Key(list.to_string().into()))),
        "entry not readable".into(),
    );
}

/// How an entry is named in a place: its `id`, else its `number` or `kind`, else its position.
fn label<D: ReadDoc>(doc: &D, list: &ObjId, i: usize) -> String {
    if let Ok(Some((Value::Object(ObjType::Map), m))) = doc.get(list, i) {
        // The first of these the entry has names it, when it reads.
        if let Some(key) = ["id", "number", "kind"]
            .into_iter()
            .find(|k| matches!(doc.get(&m, *k), Ok(Some(_))))
            && let Ok(s) = String::lenient(doc, &m, key.into())
            && !s.is_empty()
        {
            return s.chars().take(80).collect();
        }
    }
    format!("#{i}")
}

fn key_text<K: std::fmt::Debug>(k: &K) -> String {
    format!("{k:?}")
}

/// Writes a keyed list (autosurgeon `reconcile` of the lists [`entries`] reads) entry by entry,
/// matched by key, in the model's order — and never deletes an entry of the document whose key
/// cannot be read or that the document's reading left out ([`keeping`]): a whole-model write
/// of the rest leaves it where it is. An entry the model no longer holds, and that was read, is
/// deleted (the office removed it).
#[allow(clippy::ptr_arg)]
pub fn keep_unknown<'i, R: Reconciler, T: Reconcile>(
    items: &'i Vec<T>,
    mut reconciler: R,
) -> Result<(), R::Error>
where
    for<'k> T::Key<'k>: std::fmt::Debug,
{
    enum Slot<K> {
        /// Its key cannot be read, or the reading left it out: kept as it is.
        Kept,
        /// A read entry not yet matched to the model.
        Known(K),
        /// Written from the model.
        Written,
    }
    let left_out = SCOPE.with(|s| s.borrow().left_out.clone());
    let mut seq = reconciler.seq()?;
    let mut slots: Vec<Slot<T::Key<'i>>> = Vec::new();
    for i in 0..seq.len()? {
        slots.push(match seq.hydrate_item_key::<T>(i) {
            Ok(LoadKey::Found(k)) if !left_out.contains(&key_text(&k)) => Slot::Known(k),
            _ => Slot::Kept,
        });
    }
    // Entries the model removed go first, so the rest keep their places (and their identity).
    for i in (0..slots.len()).rev() {
        if let Slot::Known(k) = &slots[i]
            && !items
                .iter()
                .any(|item| matches!(item.key(), LoadKey::Found(want) if &want == k))
        {
            seq.delete(i)?;
            slots.remove(i);
        }
    }
    let mut at = 0;
    for item in items {
        while matches!(slots.get(at), Some(Slot::Kept)) {
            at += 1;
        }
        let key = item.key();
        let same = |slot: &Slot<T::Key<'i>>| match (slot, &key) {
            (Slot::Known(k), LoadKey::Found(want)) => k == want,
            _ => false,
        };
        if slots.get(at).is_some_and(same) {
            seq.set(at, item)?;
            slots[at] = Slot::Written;
        } else if let Some(q) = (at + 1..slots.len()).find(|&q| same(&slots[q])) {
            // Moved in the model: taken from its old place to this one.
            seq.delete(q)?;
            slots.remove(q);
            seq.insert(at, item)?;
            slots.insert(at, Slot::Written);
        } else {
            seq.insert(at, item)?;
            slots.insert(at, Slot::Written);
        }
        at += 1;
    }
    for i in (0..slots.len()).rev() {
        if matches!(slots[i], Slot::Known(_)) {
            seq.delete(i)?;
        }
    }
    Ok(())
}

/// The reading of `Plan::unreadable` / `Org::unreadable`: never stored, filled by
/// [`crate::model::doc::read`] from the read's problems.
pub fn none<D: ReadDoc>(
    _doc: &D,
    _obj: &ObjId,
    _prop: Prop<'_>,
) -> Result<Vec<Problem>, HydrateError> {
    Ok(Vec::new())
}

/// The writing of `Plan::unreadable` / `Org::unreadable`: nothing (a reading, not data).
#[allow(clippy::ptr_arg)]
pub fn nothing<R: Reconciler>(_problems: &Vec<Problem>, _reconciler: R) -> Result<(), R::Error> {
    Ok(())
}
