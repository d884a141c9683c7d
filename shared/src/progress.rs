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
///
/// Read tolerantly and entry by entry (the `Hydrate` below): an entry that cannot be read is
/// left out of [`Progress::tasks`] and listed in [`Progress::unreadable`], so one bad write
/// never hides the rest of the unit's year. Written additively (the `Reconcile` below): the
/// entries held here are written, and nothing else in the document is deleted — not an entry
/// that could not be read, not a period or field this version does not know.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Progress {
    /// The plan this reports on.
    pub plan_id: String,
    /// The reporting unit.
    pub unit_id: String,
    /// Task id → period key (`q1`, `h1`, `q3`, `year`) → entry.
    pub tasks: BTreeMap<String, BTreeMap<String, Entry>>,
    /// Entries in the document that could not be read (never written back by us).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<Unreadable>,
}

/// An entry of a progress document that could not be read: where it is and what did not fit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unreadable {
    /// The task id (the key under `tasks`).
    pub task_id: String,
    /// The period key (`q1`…), or `None` when the task's whole value is not a map.
    pub period: Option<String>,
    /// The first field that did not fit, or `None` when the entry is not a map at all.
    pub field: Option<String>,
    /// What was expected and found, in plain words.
    pub reason: String,
    /// The fields that could be read (the rest at their defaults): what the unit's form shows,
    /// and starts from when the unit saves the entry again (which repairs it).
    #[serde(default)]
    pub partial: Entry,
}

impl Hydrate for Progress {
    fn hydrate_map<D: autosurgeon::ReadDoc>(
        doc: &D,
        obj: &automerge::ObjId,
    ) -> Result<Self, autosurgeon::HydrateError> {
        let mut progress = Progress {
            plan_id: crate::lenient::read(doc, obj, "plan_id".into())?,
            unit_id: crate::lenient::read(doc, obj, "unit_id".into())?,
            ..Progress::default()
        };
        let tasks = match doc.get(obj, "tasks")? {
            None => return Ok(progress),
            Some((Value::Object(ObjType::Map), id)) => id,
            Some((v, _)) => {
                return Err(autosurgeon::HydrateError::unexpected(
                    "a map of tasks",
                    v.to_string(),
                ));
            }
        };
        let task_ids: Vec<String> = doc
            .map_range(&tasks, ..)
            .map(|i| i.key.to_string())
            .collect();
        for task_id in task_ids {
            let periods = match doc.get(&tasks, task_id.as_str())? {
                Some((Value::Object(ObjType::Map), id)) => id,
                other => {
                    progress.unreadable.push(Unreadable {
                        task_id,
                        period: None,
                        field: None,
                        reason: format!(
                            "expected a map of periods, found {}",
                            other.map_or("nothing".into(), |(v, _)| v.to_string())
                        ),
                        partial: Entry::default(),
                    });
                    continue;
                }
            };
            let keys: Vec<String> = doc
                .map_range(&periods, ..)
                .map(|i| i.key.to_string())
                .collect();
            let entries = progress.tasks.entry(task_id.clone()).or_default();
            for period in keys {
                match Entry::hydrate(doc, &periods, period.as_str().into()) {
                    Ok(e) => {
                        entries.insert(period, e);
                    }
                    Err(err) => {
                        let (field, reason, partial) = Entry::diagnose(doc, &periods, &period);
                        progress.unreadable.push(Unreadable {
                            task_id: task_id.clone(),
                            period: Some(period),
                            field,
                            reason: reason.unwrap_or_else(|| err.to_string()),
                            partial,
                        });
                    }
                }
            }
            if entries.is_empty() {
                progress.tasks.remove(&task_id);
            }
        }
        Ok(progress)
    }
}

impl Reconcile for Progress {
    type Key<'a> = autosurgeon::reconcile::NoKey;

    fn reconcile<R: autosurgeon::Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        use autosurgeon::reconcile::MapReconciler;
        let mut root = reconciler.map()?;
        root.put("plan_id", &self.plan_id)?;
        root.put("unit_id", &self.unit_id)?;
        root.put("tasks", Tasks(&self.tasks))?;
        Ok(())
    }
}

/// The tasks map, written additively at both levels (task → period → entry).
struct Tasks<'a>(&'a BTreeMap<String, BTreeMap<String, Entry>>);

impl Reconcile for Tasks<'_> {
    type Key<'k> = autosurgeon::reconcile::NoKey;

    fn reconcile<R: autosurgeon::Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        use autosurgeon::reconcile::MapReconciler;
        let mut m = reconciler.map()?;
        for (task, periods) in self.0 {
            m.put(task, Additive(periods))?;
        }
        Ok(())
    }
}

/// A map written key by key without deleting the keys it does not hold (autosurgeon's own map
/// reconcile deletes them, which would delete what another version wrote or what we could not
/// read).
struct Additive<'a, V>(&'a BTreeMap<String, V>);

impl<V: Reconcile> Reconcile for Additive<'_, V> {
    type Key<'k> = autosurgeon::reconcile::NoKey;

    fn reconcile<R: autosurgeon::Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        use autosurgeon::reconcile::MapReconciler;
        let mut m = reconciler.map()?;
        for (k, v) in self.0 {
            m.put(k, v)?;
        }
        Ok(())
    }
}

/// What a unit records about its work (the "quá hạn" states are derived from dates, never stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Reconcile)]
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

impl Hydrate for WorkStatus {
    fn hydrate_string(s: &str) -> Result<Self, autosurgeon::HydrateError> {
        crate::lenient::variant(
            s,
            &[
                ("NotStarted", WorkStatus::NotStarted),
                ("InProgress", WorkStatus::InProgress),
                ("Done", WorkStatus::Done),
                ("Unable", WorkStatus::Unable),
            ],
            "a status (NotStarted, InProgress, Done, Unable)",
        )
    }
}

crate::lenient_types!(default: WorkStatus, Evidence);

impl std::str::FromStr for WorkStatus {
    type Err = Error;
    /// Reads a status as the API and the form write it (`in_progress`) or as stored
    /// (`InProgress`).
    fn from_str(s: &str) -> Result<Self, Error> {
        <WorkStatus as Hydrate>::hydrate_string(s)
            .map_err(|_| Error::InvalidValue(format!("trạng thái không hợp lệ: {s}")))
    }
}

impl WorkStatus {
    /// Every status, in the form's order.
    pub const ALL: [WorkStatus; 4] = [
        WorkStatus::NotStarted,
        WorkStatus::InProgress,
        WorkStatus::Done,
        WorkStatus::Unable,
    ];

    /// The name the API and the form use (`not_started`, `in_progress`, `done`, `unable`).
    pub fn as_str(self) -> &'static str {
        match self {
            WorkStatus::NotStarted => "not_started",
            WorkStatus::InProgress => "in_progress",
            WorkStatus::Done => "done",
            WorkStatus::Unable => "unable",
        }
    }

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
    #[autosurgeon(hydrate = "crate::lenient::read")]
    pub status: WorkStatus,
    /// Percent done, 0–100.
    #[autosurgeon(hydrate = "crate::lenient::percent")]
    pub percent: u8,
    /// What was achieved (kết quả thực hiện).
    #[autosurgeon(hydrate = "crate::lenient::read")]
    pub result: String,
    /// Documents that show it (tài liệu kiểm chứng).
    #[autosurgeon(hydrate = "crate::lenient::read")]
    pub evidence: Vec<Evidence>,
    /// Difficulties met (khó khăn, vướng mắc).
    #[autosurgeon(hydrate = "crate::lenient::read")]
    pub difficulties: String,
    /// Proposals (đề xuất, kiến nghị).
    #[autosurgeon(hydrate = "crate::lenient::read")]
    pub proposals: String,
    /// The day the work was completed, when [`WorkStatus::Done`].
    #[autosurgeon(hydrate = "crate::lenient::read")]
    pub completed_on: Option<Date>,
}

impl Entry {
    /// Which field of the entry at `period` of `obj` does not fit and why (`None` as field when
    /// the entry is not a map), with every field that does read.
    fn diagnose<D: autosurgeon::ReadDoc>(
        doc: &D,
        obj: &automerge::ObjId,
        period: &str,
    ) -> (Option<String>, Option<String>, Entry) {
        use crate::lenient::read;
        let entry = match doc.get(obj, period) {
            Ok(Some((Value::Object(ObjType::Map), id))) => id,
            other => {
                let found = match other {
                    Ok(Some((v, _))) => v.to_string(),
                    _ => "nothing".into(),
                };
                let reason = format!("expected an entry (a map), found {found}");
                return (None, Some(reason), Entry::default());
            }
        };
        let mut first: Option<(String, String)> = None;
        let mut keep = |field: &str, r: Result<(), autosurgeon::HydrateError>| {
            if let Err(e) = r
                && first.is_none()
            {
                first = Some((field.to_string(), e.to_string()));
            }
        };
        let mut partial = Entry::default();
        macro_rules! field {
            ($name:ident, $reader:expr) => {
                keep(
                    stringify!($name),
                    $reader(doc, &entry, stringify!($name).into()).map(|v| partial.$name = v),
                )
            };
        }
        field!(status, read::<_, WorkStatus>);
        field!(percent, crate::lenient::percent);
        field!(result, read::<_, String>);
        field!(evidence, read::<_, Vec<Evidence>>);
        field!(difficulties, read::<_, String>);
        field!(proposals, read::<_, String>);
        field!(completed_on, read::<_, Option<Date>>);
        match first {
            Some((f, why)) => (Some(f), Some(why), partial),
            None => (None, None, partial),
        }
    }

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
    #[autosurgeon(hydrate = "crate::lenient::read")]
    pub id: String,
    /// Số/ký hiệu, e.g. "25/KH-SKHCN".
    #[autosurgeon(hydrate = "crate::lenient::read")]
    pub number: String,
    /// Date of the document.
    #[autosurgeon(hydrate = "crate::lenient::read")]
    pub date: Option<Date>,
    /// Trích yếu.
    #[autosurgeon(hydrate = "crate::lenient::read")]
    pub summary: String,
    /// Optional reference to an attached file.
    #[autosurgeon(hydrate = "crate::lenient::read")]
    pub file: Option<String>,
}

impl Progress {
    /// An empty progress document for `unit_id` on `plan_id`.
    pub fn new(plan_id: &str, unit_id: &str) -> Progress {
        Progress {
            plan_id: plan_id.to_string(),
            unit_id: unit_id.to_string(),
            tasks: BTreeMap::new(),
            unreadable: Vec::new(),
        }
    }

    /// The entry for `task_id` in `period`.
    pub fn entry(&self, task_id: &str, period: PeriodKind) -> Option<&Entry> {
        self.tasks.get(task_id)?.get(period.as_str())
    }

    /// The entry for `task_id` in `period`, created if missing — from what could be read of
    /// it when the stored entry is unreadable, so saving it repairs the entry and keeps the
    /// fields that were fine.
    pub fn entry_mut(&mut self, task_id: &str, period: PeriodKind) -> &mut Entry {
        let key = period.as_str();
        let repaired = self
            .unreadable
            .iter()
            .position(|u| u.task_id == task_id && u.period.as_deref() == Some(key))
            .map(|i| self.unreadable.remove(i).partial);
        let entries = self.tasks.entry(task_id.to_string()).or_default();
        let entry = entries.entry(key.to_string()).or_default();
        if let Some(partial) = repaired {
            *entry = partial;
        }
        entry
    }

    /// The unreadable entry for `task_id` in `period`, if the stored one could not be read.
    pub fn unreadable_entry(&self, task_id: &str, period: PeriodKind) -> Option<&Unreadable> {
        self.unreadable
            .iter()
            .find(|u| u.task_id == task_id && u.period.as_deref() == Some(period.as_str()))
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

/// A field of an entry: its key in the document and its names, spelled once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryField {
    /// Tình trạng.
    Status,
    /// Tỷ lệ hoàn thành.
    Percent,
    /// Ngày hoàn thành.
    CompletedOn,
    /// Kết quả thực hiện.
    Result,
    /// Khó khăn, vướng mắc.
    Difficulties,
    /// Đề xuất, kiến nghị.
    Proposals,
    /// Tài liệu kiểm chứng.
    Evidence,
}

impl EntryField {
    /// The fields a form edits one value at a time, in form order (evidence is a list).
    pub const SCALARS: [EntryField; 6] = [
        EntryField::Status,
        EntryField::Percent,
        EntryField::CompletedOn,
        EntryField::Result,
        EntryField::Difficulties,
        EntryField::Proposals,
    ];

    /// The key in the document.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryField::Status => "status",
            EntryField::Percent => "percent",
            EntryField::CompletedOn => "completed_on",
            EntryField::Result => "result",
            EntryField::Difficulties => "difficulties",
            EntryField::Proposals => "proposals",
            EntryField::Evidence => "evidence",
        }
    }

    /// The field whose key is `key`.
    pub fn from_key(key: &str) -> Option<EntryField> {
        Self::SCALARS
            .into_iter()
            .chain([EntryField::Evidence])
            .find(|f| f.as_str() == key)
    }

    /// The label of the form.
    pub fn label(self) -> &'static str {
        match self {
            EntryField::Status => "Tình trạng",
            EntryField::Percent => "Tỷ lệ hoàn thành",
            EntryField::CompletedOn => "Ngày hoàn thành",
            EntryField::Result => "Kết quả thực hiện",
            EntryField::Difficulties => "Khó khăn, vướng mắc",
            EntryField::Proposals => "Đề xuất, kiến nghị",
            EntryField::Evidence => "Tài liệu kiểm chứng",
        }
    }

    /// The short name of a history line ("Tỷ lệ: 40%").
    pub fn short(self) -> &'static str {
        match self {
            EntryField::Percent => "Tỷ lệ",
            EntryField::Result => "Kết quả",
            EntryField::Difficulties => "Khó khăn",
            EntryField::Proposals => "Đề xuất",
            other => other.label(),
        }
    }
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
    at: crate::doc::UnixTime,
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
    tx.commit_with(crate::doc::commit_options(at));
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
