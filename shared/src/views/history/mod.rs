//! The history of a task, read from the Automerge change history: who changed what, and when.
//!
//! Stage: *view of the documents*, beside [`crate::views::status`]. Nothing here is stored:
//! replaying each change against its dependencies ([`automerge::Automerge::diff`]) says which
//! fields it wrote, and every change carries the author and time its device wrote on it
//! ([`crate::model::doc::author_for`]). The dashboard shows the result as a timeline per task,
//! merged over every unit's progress document and the plan document (edits of the task itself).
//!
//! A change's author and time are its device's *claims*: anyone who may write a document can
//! write any name and any date on a change. Who delivered each change and when is the server's
//! attested record (`GET /api/attestations`); [`attest`] puts the record's user and receipt
//! time on each event and keeps the change's own claims beside them where they disagree, so a
//! forged author or a backdated change shows for what it is.

use std::collections::BTreeMap;

use automerge::{Automerge, ObjId, ObjType, Prop, ReadDoc, Value, patches::PatchAction};
use serde::{Deserialize, Serialize};

use crate::model::attestation::{Attestation, Via};
use crate::model::{PeriodKind, WorkStatus};

/// One change that touched the part of a document being followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The change's hash (hex).
    pub hash: String,
    /// The user recorded as the change's author, if any.
    pub author: Option<String>,
    /// Unix time of the change in seconds, as the author's device recorded it (0 if unknown).
    pub time: i64,
    /// What it wrote, in the order it wrote it.
    pub edits: Vec<Edit>,
}

/// One write of a change, with its path below the followed object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    /// Keys (and list positions, as numbers) from the followed object to the written value.
    pub path: Vec<String>,
    /// What happened there.
    pub what: What,
}

/// The kind of write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum What {
    /// A value was set (scalars as text; a new map or list as an empty string).
    Set(String),
    /// A key was removed.
    Removed,
    /// Items were added to a list.
    Added(usize),
    /// Items were removed from a list.
    Dropped(usize),
}

fn prop_text(p: &Prop) -> String {
    match p {
        Prop::Map(k) => k.clone(),
        Prop::Seq(i) => i.to_string(),
    }
}

fn value_text(v: &Value<'_>) -> String {
    match v {
        Value::Scalar(s) => match s.as_ref() {
            automerge::ScalarValue::Str(t) => t.to_string(),
            automerge::ScalarValue::Null => String::new(),
            other => other.to_string(),
        },
        Value::Object(_) => String::new(),
    }
}

/// Every change of `doc` (in causal order) that wrote below the object `select` picks out.
/// `select` is given each write's full path from the root, as `(object, property)` pairs, and
/// answers how many leading pairs belong to the followed object's own path (`None`: not below it).
pub fn changes(doc: &Automerge, select: impl Fn(&[(ObjId, Prop)]) -> Option<usize>) -> Vec<Step> {
    let mut steps = Vec::new();
    for change in doc.get_changes(&[]) {
        let hash = change.hash();
        let mut edits = Vec::new();
        for patch in doc.diff(change.deps(), &[hash]) {
            let (prop, what) = match patch.action {
                PatchAction::PutMap { key, value, .. } => {
                    (Prop::Map(key), What::Set(value_text(&value.0)))
                }
                PatchAction::PutSeq { index, value, .. } => {
                    (Prop::Seq(index), What::Set(value_text(&value.0)))
                }
                PatchAction::Insert { index, values } => {
                    (Prop::Seq(index), What::Added(values.len()))
                }
                PatchAction::DeleteMap { key } => (Prop::Map(key), What::Removed),
                PatchAction::DeleteSeq { index, length } => {
                    (Prop::Seq(index), What::Dropped(length))
                }
                PatchAction::SpliceText { index, .. } => (
                    Prop::Seq(index),
                    What::Set(doc.text(&patch.obj).unwrap_or_default()),
                ),
                PatchAction::Increment { prop, value } => (prop, What::Set(value.to_string())),
                PatchAction::Conflict { .. } | PatchAction::Mark { .. } => continue,
            };
            let mut full = patch.path;
            full.push((patch.obj, prop));
            if let Some(skip) = select(&full) {
                edits.push(Edit {
                    path: full[skip.min(full.len())..]
                        .iter()
                        .map(|(_, p)| prop_text(p))
                        .collect(),
                    what,
                });
            }
        }
        if !edits.is_empty() {
            // The author is read from the change metadata: automerge stores it once per run of
            // changes by the same author, so the change alone may not carry it.
            let meta = doc.get_change_meta_by_hash(&hash);
            steps.push(Step {
                hash: hash.to_string(),
                author: meta
                    .as_ref()
                    .and_then(|m| m.author.as_ref())
                    .map(|a| String::from_utf8_lossy(a.as_bytes()).into_owned()),
                time: change.timestamp(),
                edits,
            });
        }
    }
    steps
}

/// The changes of a progress document to its entries on `task_id` (edit paths start with the
/// period: `["q1", "percent"]`).
pub fn progress_task(doc: &Automerge, task_id: &str) -> Vec<Step> {
    changes(doc, |path| {
        matches!(
            path,
            [(_, Prop::Map(t)), (_, Prop::Map(id)), _, ..] if t == "tasks" && id == task_id
        )
        .then_some(2)
    })
}

/// The changes of a plan document to the task `task_id` itself (title, units, timeline,
/// retirement), followed by the task's object identity, so moves in the list do not matter.
pub fn plan_task(doc: &Automerge, task_id: &str) -> Vec<Step> {
    let Some(task) = plan_task_obj(doc, task_id) else {
        return Vec::new();
    };
    // The change that made the task's object is its creation: one "created" edit, not every field.
    let created = match &task {
        ObjId::Id(counter, actor, _) => doc
            .get_changes(&[])
            .into_iter()
            .find(|c| {
                c.actor_id() == actor && c.start_op().get() <= *counter && *counter <= c.max_op()
            })
            .map(|c| c.hash().to_string()),
        ObjId::Root => None,
    };
    let mut steps = changes(doc, |path| path.iter().position(|(obj, _)| *obj == task));
    for step in &mut steps {
        if Some(&step.hash) == created.as_ref() {
            step.edits = vec![Edit {
                path: Vec::new(),
                what: What::Set(CREATED.to_string()),
            }];
        }
    }
    steps
}

const CREATED: &str = "Tạo nhiệm vụ";

fn plan_task_obj(doc: &Automerge, task_id: &str) -> Option<ObjId> {
    let list = |parent: &ObjId, key: &str| match doc.get(parent, key).ok()?? {
        (Value::Object(ObjType::List), id) => Some(id),
        _ => None,
    };
    let areas = list(&automerge::ROOT, "areas")?;
    for i in 0..doc.length(&areas) {
        let Some((Value::Object(ObjType::Map), area)) = doc.get(&areas, i).ok().flatten() else {
            continue;
        };
        let Some(tasks) = list(&area, "tasks") else {
            continue;
        };
        for j in 0..doc.length(&tasks) {
            let Some((Value::Object(ObjType::Map), t)) = doc.get(&tasks, j).ok().flatten() else {
                continue;
            };
            if matches!(doc.get(&t, "id"), Ok(Some((Value::Scalar(s), _))) if s.as_str() == Some(task_id))
            {
                return Some(t);
            }
        }
    }
    None
}

/// One line of a task's timeline, in Vietnamese.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The change's hash (hex), or a reporting step's id, to tell events apart.
    pub hash: String,
    /// The author's user id: the device's claim, or after [`attest`] the user who delivered the
    /// change (see [`Event::word`]).
    pub author: Option<String>,
    /// Unix time in seconds (0 if unknown): the device's claim, or after [`attest`] when the
    /// server received the change.
    pub time: i64,
    /// Where: the unit whose report changed, or `None` for the plan itself.
    pub unit_id: Option<String>,
    /// The report period a progress change concerns.
    pub period: Option<PeriodKind>,
    /// What changed, one phrase per field ("Tình trạng: Đang thực hiện", "Tỷ lệ: 40%").
    pub lines: Vec<String>,
    /// The change that wrote it (hex): for a reporting step, the one that made the step.
    #[serde(default)]
    pub change: Option<String>,
    /// The document holding that change: the unit whose progress document it is, `None` for the
    /// plan document (which also holds the office's steps on a unit's report).
    #[serde(default)]
    pub held_in: Option<String>,
    /// Whose word `author` and `time` are.
    #[serde(default)]
    pub word: Word,
    /// The author the change itself names, where it is not the user who delivered it.
    #[serde(default)]
    pub claimed_author: Option<String>,
    /// The time the change itself says (Unix seconds), where it is more than
    /// [`CLAIM_SLACK_SECS`] from the server's receipt.
    #[serde(default)]
    pub claimed_time: Option<i64>,
}

/// Whose word an event's author and time are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Word {
    /// The device's claims: the server's record of this document has not been read (offline, or
    /// not yet fetched).
    #[default]
    Device,
    /// The device's claims: the record was read and holds no delivery of this change — the
    /// server wrote it itself (import, seed, the command line), it came before the record
    /// existed, or it has not reached the server yet.
    Unattested,
    /// The server's record: the user who delivered the change and when the server received it.
    Attested {
        /// How it came.
        via: Via,
        /// For a bundle, when the author's device signed it (Unix ms).
        signed_ms: Option<i64>,
    },
}

/// How far a change's own time may be from the server's receipt before the history shows it as
/// a claim: a clock a few minutes off, or an edit sent a moment after it was made, is no news.
pub const CLAIM_SLACK_SECS: i64 = 300;

/// One document's attested record, by change hash (hex).
pub type Record = BTreeMap<String, Attestation>;

/// A document's attestations as a [`Record`].
pub fn record(attestations: impl IntoIterator<Item = Attestation>) -> Record {
    attestations
        .into_iter()
        .map(|a| (a.hash.clone(), a))
        .collect()
}

/// Puts the server's record on a timeline: each event whose change the record holds shows the
/// user who delivered it and when the server received it, keeping the change's own author and
/// time as claims where they disagree ([`Event::claimed_author`], [`Event::claimed_time`]).
/// `record_of` gives the record of the document an event's change is in ([`Event::held_in`]),
/// `None` where it has not been read: those events keep the device's claims ([`Word::Device`]);
/// changes a read record does not hold keep them too, marked [`Word::Unattested`]. Newest first
/// again, by the times shown.
pub fn attest<'a>(
    events: Vec<Event>,
    record_of: impl Fn(Option<&str>) -> Option<&'a Record>,
) -> Vec<Event> {
    let mut out: Vec<Event> = events
        .into_iter()
        .map(|mut e| {
            let Some(record) = record_of(e.held_in.as_deref()) else {
                e.word = Word::Device;
                return e;
            };
            let Some(a) = e.change.as_ref().and_then(|h| record.get(h)) else {
                e.word = Word::Unattested;
                return e;
            };
            let received = a.received_ms.div_euclid(1000);
            e.claimed_author = e.author.take().filter(|claim| *claim != a.by);
            e.author = Some(a.by.clone());
            e.claimed_time =
                (e.time > 0 && (e.time - received).abs() > CLAIM_SLACK_SECS).then_some(e.time);
            e.time = received;
            e.word = Word::Attested {
                via: a.via,
                signed_ms: a.signed_ms,
            };
            e
        })
        .collect();
    // Stable: events of one second keep their causal order.
    out.sort_by_key(|e| std::cmp::Reverse(e.time));
    out
}

fn field_label(field: &str) -> &str {
    if let Some(f) = crate::model::progress::EntryField::from_key(field) {
        return f.short();
    }
    match field {
        "title" => "Tên nhiệm vụ",
        "lead" => "Chủ trì",
        "coordinating" => "Phối hợp",
        "products" => "Sản phẩm",
        "schedule" => "Thời gian",
        "retired_on" => "Dừng thực hiện",
        "description" => "Nội dung",
        other => other,
    }
}

/// A status as stored (autosurgeon writes the variant name, serde the snake-case name).
fn status_vi(value: &str) -> Option<&'static str> {
    value.parse::<WorkStatus>().ok().map(WorkStatus::vi)
}

fn value_vi(field: &str, value: &str) -> String {
    match field {
        _ if value.is_empty() => "(trống)".to_string(),
        "status" => status_vi(value).map_or_else(|| value.to_string(), str::to_string),
        "percent" => format!("{value}%"),
        "completed_on" | "retired_on" | "date" => value
            .parse::<crate::model::Date>()
            .map(|d| d.vi())
            .unwrap_or_else(|_| value.to_string()),
        _ => value.to_string(),
    }
}

/// Whether a value is what a new entry starts with (not news when the entry is being created).
fn is_default(value: &str) -> bool {
    value.is_empty() || value == "0" || status_vi(value) == Some(WorkStatus::NotStarted.vi())
}

/// Says what one step wrote: one phrase per field, in the order first written. When the step
/// created the entry (an edit of the whole object), the fields it merely initialised are left out.
fn describe(edits: &[Edit]) -> Vec<String> {
    let fresh = edits
        .iter()
        .any(|e| e.path.is_empty() && e.what == What::Set(String::new()));
    let mut lines: Vec<(String, String)> = Vec::new();
    for e in edits {
        if fresh && e.path.len() == 1 && matches!(&e.what, What::Set(v) if is_default(v)) {
            continue;
        }
        let Some(field) = e.path.first() else {
            if e.what == What::Set(CREATED.to_string()) {
                lines.push((CREATED.to_string(), String::new()));
            }
            continue;
        };
        let label = field_label(field).to_string();
        let text = match (field.as_str(), e.path.len(), &e.what) {
            // A new entry or list being created carries no news of its own.
            (_, _, What::Set(v)) if v.is_empty() && e.path.len() == 1 && is_container(field) => {
                continue;
            }
            ("evidence", _, What::Added(_)) => "thêm".to_string(),
            ("evidence", _, What::Dropped(n)) => format!("xoá {n}"),
            ("evidence", 3.., What::Set(v)) if e.path[2] == "summary" || e.path[2] == "number" => {
                if v.is_empty() {
                    continue;
                }
                v.clone()
            }
            ("evidence", _, _) => continue,
            ("schedule", 2, What::Set(v)) if e.path[1] == "raw" => v.clone(),
            ("schedule", _, _) => continue,
            ("lead" | "coordinating", 3, What::Set(v)) if e.path[2] == "text" => v.clone(),
            ("lead" | "coordinating" | "products", _, What::Dropped(n)) => format!("bỏ {n}"),
            ("lead" | "coordinating", _, _) => continue,
            ("products", 2, What::Set(v)) => v.clone(),
            (_, 1, What::Set(v)) => value_vi(field, v),
            (_, 1, What::Removed) => "(bỏ)".to_string(),
            _ => continue,
        };
        match lines.iter_mut().find(|(l, _)| *l == label) {
            Some((_, t)) if !t.contains(&text) => {
                t.push_str("; ");
                t.push_str(&text);
            }
            Some(_) => {}
            None => lines.push((label, text)),
        }
    }
    lines
        .into_iter()
        .map(|(l, t)| if t.is_empty() { l } else { format!("{l}: {t}") })
        .collect()
}

fn is_container(field: &str) -> bool {
    matches!(
        field,
        "evidence" | "lead" | "coordinating" | "products" | "schedule" | "description"
    )
}

/// The timeline of one task: every unit's progress changes on it (`progress`: unit id and
/// document) and the plan's changes to the task, newest first. Changes that wrote nothing a person
/// would read (bookkeeping of new entries) are left out.
pub fn task_timeline<'a>(
    plan: Option<&Automerge>,
    progress: impl IntoIterator<Item = (&'a str, &'a Automerge)>,
    task_id: &str,
) -> Vec<Event> {
    let mut events = Vec::new();
    let units: Vec<(&str, &Automerge)> = progress.into_iter().collect();
    for (unit, doc) in units.iter().copied() {
        for step in progress_task(doc, task_id) {
            // Group the edits by period (one change normally touches one period).
            let mut periods: Vec<(String, Vec<Edit>)> = Vec::new();
            for e in step.edits {
                let Some((period, rest)) = e.path.split_first() else {
                    continue;
                };
                let edit = Edit {
                    path: rest.to_vec(),
                    what: e.what,
                };
                match periods.iter_mut().find(|(p, _)| p == period) {
                    Some((_, list)) => list.push(edit),
                    None => periods.push((period.clone(), vec![edit])),
                }
            }
            for (period, edits) in periods {
                let lines = describe(&edits);
                if lines.is_empty() {
                    continue;
                }
                events.push(Event {
                    hash: step.hash.clone(),
                    author: step.author.clone(),
                    time: step.time,
                    unit_id: Some(unit.to_string()),
                    period: period.parse().ok(),
                    lines,
                    change: Some(step.hash.clone()),
                    held_in: Some(unit.to_string()),
                    ..Event::default()
                });
            }
        }
    }
    // The reporting workflow's steps of every unit that reported on the task: a submission, an
    // approval, a return or an acceptance covers all of its report for the period. Each is
    // attested by the change that made it (the first of its origins).
    let made_by =
        |origins: BTreeMap<String, Vec<automerge::ChangeHash>>| -> BTreeMap<String, String> {
            origins
                .into_iter()
                .filter_map(|(id, hashes)| Some((id, hashes.first()?.to_string())))
                .collect()
        };
    let office_made = plan
        .map(|p| made_by(crate::workflow::step_origins(p, true)))
        .unwrap_or_default();
    for (unit, doc) in &units {
        let reported = doc
            .get(automerge::ROOT, "tasks")
            .ok()
            .flatten()
            .and_then(|(_, tasks)| doc.get(&tasks, task_id).ok().flatten())
            .is_some();
        if !reported {
            continue;
        }
        let unit_made = made_by(crate::workflow::step_origins(doc, false));
        for period in PeriodKind::ALL {
            let office = plan
                .map(|p| crate::workflow::office_steps(p, unit, period))
                .unwrap_or_default();
            let steps = crate::workflow::unit_steps(*doc, period)
                .into_iter()
                .map(|s| (s, Some(unit.to_string()), &unit_made))
                .chain(office.into_iter().map(|s| (s, None, &office_made)));
            for (s, held_in, made) in steps {
                let mut line = format!("{} — báo cáo {}", s.action.vi(), period.vi());
                if !s.note.trim().is_empty() {
                    line.push_str(&format!(": {}", s.note.trim()));
                }
                events.push(Event {
                    hash: s.id.clone(),
                    author: Some(s.by.clone()),
                    time: s.at.div_euclid(1000),
                    unit_id: Some(unit.to_string()),
                    period: Some(period),
                    lines: vec![line],
                    change: made.get(&s.id).cloned(),
                    held_in,
                    ..Event::default()
                });
            }
        }
    }
    if let Some(doc) = plan {
        for step in plan_task(doc, task_id) {
            let lines = describe(&step.edits);
            if lines.is_empty() {
                continue;
            }
            events.push(Event {
                change: Some(step.hash.clone()),
                hash: step.hash,
                author: step.author,
                time: step.time,
                unit_id: None,
                period: None,
                lines,
                ..Event::default()
            });
        }
    }
    // Newest first; within a second, the later in causal order first.
    let mut indexed: Vec<(usize, Event)> = events.into_iter().enumerate().collect();
    indexed.sort_by(|(i, a), (j, b)| b.time.cmp(&a.time).then(j.cmp(i)));
    indexed.into_iter().map(|(_, e)| e).collect()
}

#[cfg(test)]
mod tests;
