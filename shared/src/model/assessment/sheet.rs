//! A unit's scoring sheet: its part of the agency's self-assessment, kept in its own progress
//! document of the year's plan, so a tablet fills it without a link, syncs it with the rest of
//! the unit's work, and only the unit (and its office, reading) ever holds it.
//!
//! Stage: *local document*, beside [`crate::model::progress`]. Under the document's root:
//!
//! - `par` → sub-criterion code → `{ mark, explanation, evidence: [{sha256, name, reference,
//!   task_id}] }`: `mark` is the score as shown ("1,5") or `"kad"` (không áp dụng), empty for
//!   none. Each field is written on its own, so two tablets filling different sub-criteria never
//!   meet, and two scores of one sub-criterion are kept as a conflict ([`conflicts`]) that the
//!   unit settles ([`resolve`]), as progress entries are. Evidence is matched by its SHA-256.
//! - `par_assigned` → the codes the office assigned to the unit, written by the server for the
//!   tablet's screen. What counts is the assessment record's assignment
//!   ([`super::Record::assigned`]): a unit writing other codes here changes nothing filed.
//!
//! Older builds keep these keys untouched (progress writes are additive, [`crate::model::schema`]).

use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{Automerge, ObjId, ObjType, ReadDoc, ScalarValue, Value};
use serde::{Deserialize, Serialize};

use super::EvidenceItem;
use crate::model::Error;
use crate::model::criteria::Mark;
use crate::model::doc::{UnixTime, author_for, commit_options};
use crate::model::isolate::Problem;
use crate::model::progress::{ConflictValue, FieldConflict};

/// The root key of the sheet.
pub const KEY: &str = "par";
/// The root key of the codes assigned to the unit.
pub const ASSIGNED_KEY: &str = "par_assigned";
/// The word for "không áp dụng" in `mark`.
pub const NOT_APPLICABLE: &str = "kad";
/// The most evidence items read for one sub-criterion (a handful is usual): a sheet may hold any
/// number, and each one read costs every view and archive of the agency.
pub const MAX_EVIDENCE: usize = 100;

/// One sub-criterion as the unit fills it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetEntry {
    /// Its score.
    #[serde(default)]
    pub mark: Option<Mark>,
    /// Its giải trình.
    #[serde(default)]
    pub explanation: String,
    /// Its evidence.
    #[serde(default)]
    pub evidence: Vec<EvidenceItem>,
}

/// A mark as the sheet stores it.
pub fn mark_text(mark: Option<Mark>) -> String {
    match mark {
        None => String::new(),
        Some(Mark::NotApplicable) => NOT_APPLICABLE.into(),
        Some(Mark::Score(p)) => p.to_string(),
    }
}

/// A mark as the sheet stores it, read back (numbers written by another client too).
pub fn parse_mark(v: &Value<'_>) -> Result<Option<Mark>, String> {
    match v {
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Str(t) if t.trim().is_empty() => Ok(None),
            ScalarValue::Str(t) if t.trim().eq_ignore_ascii_case(NOT_APPLICABLE) => {
                Ok(Some(Mark::NotApplicable))
            }
            ScalarValue::Str(t) => t
                .parse()
                .map(|p| Some(Mark::Score(p)))
                .map_err(|e: Error| e.to_string()),
            ScalarValue::Null => Ok(None),
            // A number beyond any maximum reads as one (saturated), so it shows as a score outside
            // the rule: never wrapped into a plausible score (2^32 + 1 is not 1).
            ScalarValue::Int(i) => Ok(Some(whole(*i as i128))),
            ScalarValue::Uint(u) => Ok(Some(whole(*u as i128))),
            ScalarValue::F64(f) if f.is_nan() => Err("expected a score, found NaN".into()),
            ScalarValue::F64(f) => Ok(Some(Mark::Score(crate::model::criteria::Points(
                (f * 100.0).round() as i32,
            )))),
            other => Err(format!("expected a score, found {other}")),
        },
        Value::Object(t) => Err(format!("expected a score, found a {t}")),
    }
}

/// `n` whole points, saturated to what a score holds.
fn whole(n: i128) -> Mark {
    let hundredths = n.saturating_mul(100);
    let clamped = hundredths.clamp(i128::from(i32::MIN), i128::from(i32::MAX)) as i32;
    Mark::Score(crate::model::criteria::Points(clamped))
}

fn map_at<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Option<ObjId> {
    match doc.get(obj, key).ok()?? {
        (Value::Object(ObjType::Map), id) => Some(id),
        _ => None,
    }
}

fn text_at<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> String {
    match doc.get(obj, key).ok().flatten() {
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Str(t) => t.to_string(),
            ScalarValue::Null => String::new(),
            other => other.to_string(),
        },
        Some((Value::Object(ObjType::Text), id)) => doc.text(&id).unwrap_or_default(),
        _ => String::new(),
    }
}

/// Every map holding the unit's part of `code`, the one the document shows first: two tablets
/// that each made the sheet (or one sub-criterion's entry) before they synced hold two maps under
/// one key, and neither may be lost.
fn entry_objs<D: ReadDoc>(doc: &D, code: &str) -> Vec<ObjId> {
    let mut out = Vec::new();
    let shown = map_at(doc, &automerge::ROOT, KEY).and_then(|p| map_at(doc, &p, code));
    out.extend(shown);
    for (v, par) in doc.get_all(&automerge::ROOT, KEY).unwrap_or_default() {
        if !matches!(v, Value::Object(ObjType::Map)) {
            continue;
        }
        for (v, e) in doc.get_all(&par, code).unwrap_or_default() {
            if matches!(v, Value::Object(ObjType::Map)) && !out.contains(&e) {
                out.push(e);
            }
        }
    }
    out
}

/// Every code under every sheet map.
fn codes<D: ReadDoc>(doc: &D) -> std::collections::BTreeSet<String> {
    doc.get_all(&automerge::ROOT, KEY)
        .unwrap_or_default()
        .into_iter()
        .filter(|(v, _)| matches!(v, Value::Object(ObjType::Map)))
        .flat_map(|(_, par)| {
            doc.map_range(&par, ..)
                .map(|i| i.key.to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn evidence_in<D: ReadDoc>(
    doc: &D,
    entry: &ObjId,
    code: &str,
    out: &mut Vec<EvidenceItem>,
    problems: &mut Vec<Problem>,
) {
    let Some((Value::Object(ObjType::List), list)) = doc.get(entry, "evidence").ok().flatten()
    else {
        return;
    };
    let len = doc.length(&list);
    if len > MAX_EVIDENCE {
        problems.push(Problem {
            place: format!("{KEY}[{code}].evidence"),
            reason: format!("{len} items, more than {MAX_EVIDENCE}: the rest are not read"),
        });
    }
    for i in 0..len.min(MAX_EVIDENCE) {
        let Some((Value::Object(ObjType::Map), item)) = doc.get(&list, i).ok().flatten() else {
            continue;
        };
        let sha256 = text_at(doc, &item, "sha256");
        if !crate::model::is_sha256(&sha256) {
            problems.push(Problem {
                place: format!("{KEY}[{code}].evidence[#{i}]"),
                reason: "expected a SHA-256".into(),
            });
            continue;
        }
        if out.iter().any(|e| e.sha256 == sha256) {
            continue;
        }
        let task = text_at(doc, &item, "task_id");
        out.push(EvidenceItem {
            sha256,
            name: text_at(doc, &item, "name"),
            reference: text_at(doc, &item, "reference"),
            task_id: (!task.is_empty()).then_some(task),
        });
    }
}

/// The unit's sheet, entry by entry: an entry that does not read is left out and placed; a value
/// that does not read costs that value.
pub fn read<D: ReadDoc>(doc: &D) -> (BTreeMap<String, SheetEntry>, Vec<Problem>) {
    let mut out = BTreeMap::new();
    let mut problems = Vec::new();
    for code in codes(doc) {
        let objs = entry_objs(doc, &code);
        if objs.is_empty() {
            problems.push(Problem {
                place: format!("{KEY}[{code}]"),
                reason: "expected a map".into(),
            });
            continue;
        }
        let mut entry = SheetEntry::default();
        let first = |field: &str| {
            objs.iter()
                .find_map(|o| doc.get(o, field).ok().flatten().map(|(v, _)| v))
        };
        if let Some(v) = first("mark") {
            match parse_mark(&v) {
                Ok(m) => entry.mark = m,
                Err(reason) => problems.push(Problem {
                    place: format!("{KEY}[{code}].mark"),
                    reason,
                }),
            }
        }
        if let Some(o) = objs
            .iter()
            .find(|o| doc.get(*o, "explanation").ok().flatten().is_some())
        {
            entry.explanation = text_at(doc, o, "explanation");
        }
        for o in &objs {
            evidence_in(doc, o, &code, &mut entry.evidence, &mut problems);
        }
        out.insert(code, entry);
    }
    (out, problems)
}

/// The codes the server wrote as assigned to the unit.
pub fn assigned<D: ReadDoc>(doc: &D) -> Vec<String> {
    match doc.get(&automerge::ROOT, ASSIGNED_KEY).ok().flatten() {
        Some((Value::Object(ObjType::List), list)) => (0..doc.length(&list))
            .filter_map(|i| match doc.get(&list, i).ok()?? {
                (Value::Scalar(s), _) => s.as_str().map(str::to_string),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Writes the codes assigned to the unit (the server, as `author`, made `at`), when they differ.
pub fn set_assigned(
    doc: &mut Automerge,
    codes: &[String],
    author: &str,
    at: UnixTime,
) -> Result<bool, Error> {
    if assigned(doc) == codes {
        return Ok(false);
    }
    doc.set_author(Some(author_for(author)));
    let mut tx = doc.transaction();
    ensure_sheet(&mut tx)?;
    let list = tx.put_object(automerge::ROOT, ASSIGNED_KEY, ObjType::List)?;
    for (i, c) in codes.iter().enumerate() {
        tx.insert(&list, i, c.as_str())?;
    }
    tx.commit_with(commit_options(at));
    Ok(true)
}

/// The maps of `code` to write into: every one there is ([`entry_objs`]), or a new one.
fn entry_objs_for_write(
    tx: &mut automerge::transaction::Transaction<'_>,
    code: &str,
) -> Result<Vec<ObjId>, Error> {
    let objs = entry_objs(tx, code);
    if !objs.is_empty() {
        return Ok(objs);
    }
    let par = match tx.get(automerge::ROOT, KEY)? {
        Some((Value::Object(ObjType::Map), id)) => id,
        _ => tx.put_object(automerge::ROOT, KEY, ObjType::Map)?,
    };
    Ok(vec![tx.put_object(&par, code, ObjType::Map)?])
}

/// Makes sure the sheet's map exists (the server, assigning, makes it before any tablet does, so
/// tablets fill one map).
fn ensure_sheet(tx: &mut automerge::transaction::Transaction<'_>) -> Result<(), Error> {
    if map_at(tx, &automerge::ROOT, KEY).is_none() {
        tx.put_object(automerge::ROOT, KEY, ObjType::Map)?;
    }
    Ok(())
}

/// Writes the unit's part of `code` as one change by `author` made `at`: only the fields that
/// differ from what the document shows, into every map the code has (so a value written settles
/// any conflict it had), evidence matched by SHA-256 (added, removed, its reference updated).
/// Writing what is already there makes no change.
pub fn write(
    doc: &mut Automerge,
    code: &str,
    entry: &SheetEntry,
    author: &str,
    at: UnixTime,
) -> Result<(), Error> {
    let (now, _) = read(doc);
    let before = now.get(code).cloned();
    if before.as_ref() == Some(entry) && conflicts(doc, code).is_empty() {
        return Ok(());
    }
    let before = before.unwrap_or_default();
    doc.set_author(Some(author_for(author)));
    let mut tx = doc.transaction();
    let objs = entry_objs_for_write(&mut tx, code)?;
    let fresh = tx.get(&objs[0], "mark")?.is_none();
    for obj in &objs {
        if before.mark != entry.mark || fresh || tx.get_all(obj, "mark")?.len() > 1 {
            tx.put(obj, "mark", mark_text(entry.mark))?;
        }
        if before.explanation != entry.explanation || tx.get_all(obj, "explanation")?.len() > 1 {
            tx.put(obj, "explanation", entry.explanation.as_str())?;
        }
        if before.evidence == entry.evidence {
            continue;
        }
        let list = match tx.get(obj, "evidence")? {
            Some((Value::Object(ObjType::List), id)) => id,
            _ => tx.put_object(obj, "evidence", ObjType::List)?,
        };
        // Remove what is no longer offered (from the end, so indexes hold).
        for i in (0..tx.length(&list)).rev() {
            let sha = match tx.get(&list, i)? {
                Some((Value::Object(ObjType::Map), item)) => text_at(&tx, &item, "sha256"),
                _ => continue,
            };
            if !entry.evidence.iter().any(|e| e.sha256 == sha) {
                tx.delete(&list, i)?;
            }
        }
    }
    if before.evidence != entry.evidence {
        let list = match tx.get(&objs[0], "evidence")? {
            Some((Value::Object(ObjType::List), id)) => id,
            _ => tx.put_object(&objs[0], "evidence", ObjType::List)?,
        };
        for e in &entry.evidence {
            let found = objs.iter().find_map(|obj| {
                let Ok(Some((Value::Object(ObjType::List), l))) = tx.get(obj, "evidence") else {
                    return None;
                };
                (0..tx.length(&l)).find_map(|i| match tx.get(&l, i).ok()?? {
                    (Value::Object(ObjType::Map), item)
                        if text_at(&tx, &item, "sha256") == e.sha256 =>
                    {
                        Some(item)
                    }
                    _ => None,
                })
            });
            let item = match found {
                Some(item) => item,
                None => {
                    let end = tx.length(&list);
                    let item = tx.insert_object(&list, end, ObjType::Map)?;
                    tx.put(&item, "sha256", e.sha256.as_str())?;
                    item
                }
            };
            for (k, v) in [
                ("name", e.name.as_str()),
                ("reference", e.reference.as_str()),
                ("task_id", e.task_id.as_deref().unwrap_or("")),
            ] {
                if text_at(&tx, &item, k) != v {
                    tx.put(&item, k, v)?;
                }
            }
        }
    }
    crate::model::schema::upgrade(&mut tx, crate::model::DocKind::Progress)?;
    tx.commit_with(commit_options(at));
    Ok(())
}

/// Every value of `code`'s `field` in every map the code has, with the op that wrote it.
fn values_of(doc: &Automerge, code: &str, field: &str) -> Vec<(Value<'static>, ObjId)> {
    entry_objs(doc, code)
        .iter()
        .flat_map(|o| doc.get_all(o, field).unwrap_or_default())
        .map(|(v, id)| (v.into_owned(), id))
        .collect()
}

fn shown(v: &Value<'_>) -> String {
    match v {
        Value::Scalar(s) => s
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| s.to_string()),
        Value::Object(_) => "…".into(),
    }
}

/// The fields of the unit's part of `code` that hold different concurrent values (two tablets
/// scored it offline): `mark` and `explanation`, each with every value and its author.
pub fn conflicts(doc: &Automerge, code: &str) -> Vec<FieldConflict> {
    let mut out = Vec::new();
    let current = read_field_owner(doc, code);
    for field in ["mark", "explanation"] {
        let all = values_of(doc, code, field);
        let distinct: std::collections::BTreeSet<String> =
            all.iter().map(|(v, _)| shown(v)).collect();
        if distinct.len() < 2 {
            continue;
        }
        let shown_id = current
            .as_ref()
            .and_then(|o| doc.get(o, field).ok().flatten().map(|(_, id)| id));
        let values = all
            .iter()
            .map(|(v, id)| ConflictValue {
                value: shown(v),
                by: crate::model::progress::attribution_of(doc, id),
                current: Some(id) == shown_id.as_ref(),
            })
            .collect();
        out.push(FieldConflict {
            field: field.into(),
            values,
        });
    }
    out
}

fn read_field_owner(doc: &Automerge, code: &str) -> Option<ObjId> {
    entry_objs(doc, code).into_iter().next()
}

/// Settles a conflict of `code`'s `field`: writes value number `choice` (in [`conflicts`]'
/// order) again into every map of the code, as a change by `author` made `at`.
pub fn resolve(
    doc: &mut Automerge,
    code: &str,
    field: &str,
    choice: usize,
    author: &str,
    at: UnixTime,
) -> Result<(), Error> {
    let all = values_of(doc, code, field);
    let Some((Value::Scalar(value), _)) = all.get(choice) else {
        return Err(Error::InvalidValue(format!(
            "không có giá trị {choice} của {field} ({code})"
        )));
    };
    let value = value.clone().into_owned();
    doc.set_author(Some(author_for(author)));
    let mut tx = doc.transaction();
    for obj in entry_objs(&tx, code) {
        tx.put(&obj, field, value.clone())?;
    }
    tx.commit_with(commit_options(at));
    Ok(())
}
