//! The workflow's steps in the documents: the unit's under `reports` in its progress document,
//! the office's under `reviews` in the plan document, each list only ever appended to; and the
//! document as a submission sent it ([`submitted_view`]).
//!
//! Stage: *local document*, read and written by hand ([`crate::model::raw`]).

use std::collections::BTreeMap;

use automerge::{ObjId, ObjType, ReadDoc, ScalarValue, Value, transaction::Transactable};

use crate::model::raw::{all_objs, child, int_of, text_of};
use crate::model::{Error, PeriodKind};
use crate::workflow::{Action, Step};

/// The root key of the unit's steps in its progress document.
pub const UNIT_KEY: &str = "reports";
/// The root key of the office's steps in the plan document.
pub const OFFICE_KEY: &str = "reviews";

fn read_step<D: ReadDoc>(doc: &D, obj: &ObjId) -> Option<Step> {
    let heads = all_objs(doc, obj, "heads", ObjType::List)
        .first()
        .map(|list| {
            (0..doc.length(list))
                .filter_map(|i| match doc.get(list, i).ok()??.0 {
                    Value::Scalar(s) => s.as_str().map(str::to_string),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Step {
        id: text_of(doc, obj, "id")?,
        action: text_of(doc, obj, "action")?.parse().ok()?,
        by: text_of(doc, obj, "by")?,
        role: text_of(doc, obj, "role").unwrap_or_default(),
        at: int_of(doc, obj, "at")?,
        skew: int_of(doc, obj, "skew").unwrap_or(0),
        heads,
        on: text_of(doc, obj, "on").unwrap_or_default(),
        note: text_of(doc, obj, "note").unwrap_or_default(),
    })
}

/// The steps in every list under `path` (each level's conflicting values joined), by id; a
/// step that cannot be read is left out.
fn steps_at<D: ReadDoc>(doc: &D, path: &[&str]) -> Vec<Step> {
    let mut objs = vec![automerge::ROOT];
    for (i, key) in path.iter().enumerate() {
        let kind = if i + 1 == path.len() {
            ObjType::List
        } else {
            ObjType::Map
        };
        objs = objs
            .iter()
            .flat_map(|o| all_objs(doc, o, key, kind))
            .collect();
    }
    let mut by_id = BTreeMap::new();
    for list in objs {
        for i in 0..doc.length(&list) {
            if let Ok(Some((Value::Object(ObjType::Map), step))) = doc.get(&list, i)
                && let Some(s) = read_step(doc, &step)
            {
                by_id.entry(s.id.clone()).or_insert(s);
            }
        }
    }
    by_id.into_values().collect()
}

/// The unit's steps for `period` in its progress document.
pub fn unit_steps<D: ReadDoc>(progress: &D, period: PeriodKind) -> Vec<Step> {
    steps_at(progress, &[UNIT_KEY, period.as_str()])
}

/// The units the office has taken steps on in the plan document (under every conflicting
/// value of the root key), in order.
pub fn office_units<D: ReadDoc>(plan: &D) -> Vec<String> {
    let mut units: Vec<String> = all_objs(plan, &automerge::ROOT, OFFICE_KEY, ObjType::Map)
        .iter()
        .flat_map(|o| plan.keys(o).collect::<Vec<_>>())
        .collect();
    units.sort();
    units.dedup();
    units
}

/// The office's steps on `unit`'s report for `period` in the plan document.
pub fn office_steps<D: ReadDoc>(plan: &D, unit_id: &str, period: PeriodKind) -> Vec<Step> {
    steps_at(plan, &[OFFICE_KEY, unit_id, period.as_str()])
}

fn append(tx: &mut impl Transactable, path: &[&str], step: &Step) -> Result<(), Error> {
    let mut obj = automerge::ROOT;
    for (i, key) in path.iter().enumerate() {
        let kind = if i + 1 == path.len() {
            ObjType::List
        } else {
            ObjType::Map
        };
        obj = child(tx, &obj, key, kind)?;
    }
    let at = tx.length(&obj);
    let m = tx.insert_object(&obj, at, ObjType::Map)?;
    tx.put(&m, "id", step.id.as_str())?;
    tx.put(&m, "action", step.action.as_str())?;
    tx.put(&m, "by", step.by.as_str())?;
    tx.put(&m, "role", step.role.as_str())?;
    tx.put(&m, "at", ScalarValue::Int(step.at))?;
    tx.put(&m, "skew", ScalarValue::Int(step.skew))?;
    let heads = tx.put_object(&m, "heads", ObjType::List)?;
    for (i, h) in step.heads.iter().enumerate() {
        tx.insert(&heads, i, h.as_str())?;
    }
    tx.put(&m, "on", step.on.as_str())?;
    tx.put(&m, "note", step.note.as_str())?;
    Ok(())
}

/// Records a unit's step (submit or approve) in its progress document.
pub fn record_unit_step(
    progress: &mut impl Transactable,
    period: PeriodKind,
    step: &Step,
) -> Result<(), Error> {
    if step.action.by_office() {
        return Err(Error::InvalidValue(format!(
            "{} là bước của văn phòng, không ghi vào báo cáo đơn vị",
            step.action.vi()
        )));
    }
    append(progress, &[UNIT_KEY, period.as_str()], step)
}

/// Records the office's step (accept or return) on `unit_id`'s report in the plan document.
pub fn record_office_step(
    plan: &mut impl Transactable,
    unit_id: &str,
    period: PeriodKind,
    step: &Step,
) -> Result<(), Error> {
    if !step.action.by_office() {
        return Err(Error::InvalidValue(format!(
            "{} là bước của đơn vị",
            step.action.vi()
        )));
    }
    append(plan, &[OFFICE_KEY, unit_id, period.as_str()], step)
}

/// Takes the unit's step `step` (submit or approve) in its progress document `doc`, as one
/// change authored by the step's user at its time. A submission names the document's heads as
/// they were just before it (`step.heads` is filled here).
pub fn take_unit_step(
    doc: &mut automerge::Automerge,
    period: PeriodKind,
    mut step: Step,
) -> Result<Step, Error> {
    if step.action == Action::Submit {
        step.heads = doc.get_heads().iter().map(|h| h.to_string()).collect();
    }
    doc.set_author(Some(crate::model::doc::author_for(&step.by)));
    let mut tx = doc.transaction();
    crate::model::schema::upgrade(&mut tx, crate::model::DocKind::Progress)?;
    record_unit_step(&mut tx, period, &step)?;
    tx.commit_with(crate::model::doc::commit_options(
        crate::model::doc::UnixTime(step.at.div_euclid(1000)),
    ));
    Ok(step)
}

/// Takes the office's step `step` (accept or return) on `unit_id`'s report in the plan document
/// `doc`, as one change authored by the step's user at its time.
pub fn take_office_step(
    doc: &mut automerge::Automerge,
    unit_id: &str,
    period: PeriodKind,
    step: &Step,
) -> Result<(), Error> {
    doc.set_author(Some(crate::model::doc::author_for(&step.by)));
    let mut tx = doc.transaction();
    crate::model::schema::upgrade(&mut tx, crate::model::DocKind::Plan)?;
    record_office_step(&mut tx, unit_id, period, step)?;
    tx.commit_with(crate::model::doc::commit_options(
        crate::model::doc::UnixTime(step.at.div_euclid(1000)),
    ));
    Ok(())
}

/// Every step in a progress document (`office: false`, any period) or a plan document
/// (`office: true`, any unit and period): what the server compares before and after a change
/// arrives.
pub fn all_steps<D: ReadDoc>(doc: &D, office: bool) -> Vec<Step> {
    if !office {
        return PeriodKind::ALL
            .into_iter()
            .flat_map(|p| unit_steps(doc, p))
            .collect();
    }
    let mut units: Vec<String> = all_objs(doc, &automerge::ROOT, OFFICE_KEY, ObjType::Map)
        .iter()
        .flat_map(|o| doc.keys(o).collect::<Vec<_>>())
        .collect();
    units.sort();
    units.dedup();
    units
        .iter()
        .flat_map(|u| {
            PeriodKind::ALL
                .into_iter()
                .flat_map(move |p| office_steps(doc, u, p))
        })
        .collect()
}

/// The changes each step of `doc` was written by ([`all_steps`]'s steps, by id): the change that
/// made the step's map and those that wrote each of its fields (conflicting values too) and the
/// items of its `heads`. A step counts only if every one of these was delivered by its author
/// (the server's attested record), so the map itself is the unit of authorship: nothing another
/// change wrote into it can pass as the author's.
pub fn step_origins(
    doc: &automerge::Automerge,
    office: bool,
) -> BTreeMap<String, Vec<automerge::ChangeHash>> {
    let mut lists: Vec<ObjId> = Vec::new();
    let roots = all_objs(
        doc,
        &automerge::ROOT,
        if office { OFFICE_KEY } else { UNIT_KEY },
        ObjType::Map,
    );
    let period_maps: Vec<ObjId> = if office {
        roots
            .iter()
            .flat_map(|o| {
                doc.keys(o)
                    .flat_map(|u| all_objs(doc, o, &u, ObjType::Map))
                    .collect::<Vec<_>>()
            })
            .collect()
    } else {
        roots
    };
    for m in &period_maps {
        for p in PeriodKind::ALL {
            lists.extend(all_objs(doc, m, p.as_str(), ObjType::List));
        }
    }
    let mut out: BTreeMap<String, Vec<automerge::ChangeHash>> = BTreeMap::new();
    for list in lists {
        for i in 0..doc.length(&list) {
            for (v, step) in doc.get_all(&list, i).unwrap_or_default() {
                if !matches!(v, Value::Object(ObjType::Map)) {
                    continue;
                }
                let Some(id) = text_of(doc, &step, "id") else {
                    continue;
                };
                let mut ops = vec![step.clone()];
                for key in doc.keys(&step).collect::<Vec<_>>() {
                    for (v, op) in doc.get_all(&step, key.as_str()).unwrap_or_default() {
                        if let Value::Object(_) = v {
                            for j in 0..doc.length(&op) {
                                ops.extend(
                                    doc.get_all(&op, j)
                                        .unwrap_or_default()
                                        .into_iter()
                                        .map(|(_, o)| o),
                                );
                            }
                        }
                        ops.push(op);
                    }
                }
                let hashes = out.entry(id).or_default();
                for op in ops {
                    if let Some(h) = doc.hash_for_opid(&op)
                        && !hashes.contains(&h)
                    {
                        hashes.push(h);
                    }
                }
            }
        }
    }
    out
}

/// Every step of `doc` ([`all_steps`]) with where it is: its period (`"q1"`) in a progress
/// document, its unit and period (`"unit/q1"`) in the plan. The same id in two places is two
/// steps: the gate compares steps by place and id, so one added elsewhere under a taken id is
/// judged as new (and refused: ids are unique in a document).
pub fn located_steps<D: ReadDoc>(doc: &D, office: bool) -> Vec<(String, Step)> {
    if !office {
        return PeriodKind::ALL
            .into_iter()
            .flat_map(|p| {
                unit_steps(doc, p)
                    .into_iter()
                    .map(move |s| (p.as_str().to_string(), s))
            })
            .collect();
    }
    office_units(doc)
        .iter()
        .flat_map(|u| {
            PeriodKind::ALL.into_iter().flat_map(move |p| {
                office_steps(doc, u, p)
                    .into_iter()
                    .map(move |s| (format!("{u}/{}", p.as_str()), s))
            })
        })
        .collect()
}

/// The progress document as a submission covering `heads` saw it (what the report uses).
pub fn submitted_view(
    progress: &automerge::Automerge,
    heads: &[String],
) -> Result<automerge::Automerge, Error> {
    let hashes = heads
        .iter()
        .map(|h| {
            h.parse::<automerge::ChangeHash>()
                .map_err(|_| Error::InvalidValue(format!("đầu phiên bản không hợp lệ: {h}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    for h in &hashes {
        if progress.get_change_by_hash(h).is_none() {
            return Err(Error::InvalidValue(format!(
                "báo cáo đã gửi chưa về đủ: thiếu thay đổi {h}"
            )));
        }
    }
    Ok(progress.fork_at(&hashes)?)
}
