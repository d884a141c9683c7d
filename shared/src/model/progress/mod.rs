//! Progress documents: what one unit reports on its tasks, period by period.
//!
//! Stage: *model*. There is one progress document per unit per plan, so the server can grant
//! write access per unit. A unit's tablet edits its document offline; sync carries it to the
//! server; the status computation reads every unit's document beside the plan.
//!
//! Who changed an entry and when is not stored as a field that could be forged or forgotten: it
//! is read from the Automerge change that last wrote the entry ([`attribution`]), whose author is
//! set to the user's id when the document is edited ([`crate::model::doc::author_for`]).

use std::collections::BTreeMap;

use automerge::{ObjType, Value};
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::model::{Date, Error, PeriodKind};

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

mod changes;
mod codec;
mod namings;

pub use changes::{
    Attribution, ConflictValue, FieldConflict, attribution, attribution_of, conflicts, resolve,
};
pub use codec::{edit_entry, edit_entry_from};
pub use namings::file_namings;

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
        crate::model::lenient::variant(
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

crate::lenient_types!(default: WorkStatus, Evidence, EvidenceFile);

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
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub status: WorkStatus,
    /// Percent done, 0–100.
    #[autosurgeon(hydrate = "crate::model::lenient::percent")]
    pub percent: u8,
    /// What was achieved (kết quả thực hiện).
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub result: String,
    /// Documents that show it (tài liệu kiểm chứng).
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub evidence: Vec<Evidence>,
    /// Difficulties met (khó khăn, vướng mắc).
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub difficulties: String,
    /// Proposals (đề xuất, kiến nghị).
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub proposals: String,
    /// The day the work was completed, when [`WorkStatus::Done`].
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
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
        use crate::model::lenient::read;
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
        field!(percent, crate::model::lenient::percent);
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
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub id: String,
    /// Số/ký hiệu, e.g. "25/KH-SKHCN".
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub number: String,
    /// Date of the document.
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub date: Option<Date>,
    /// Trích yếu.
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub summary: String,
    /// Optional reference to an attached file (never written by this release; kept as found).
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub file: Option<String>,
    /// The files of the document itself (a PDF scan, photos of the signed page): metadata
    /// only; the bytes are uploaded apart, content-addressed by their SHA-256. Absent from what
    /// earlier releases wrote (documents and JSON alike): none.
    #[serde(default)]
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub files: Vec<EvidenceFile>,
}

/// A file attached to a piece of evidence. The progress document names it; the bytes live on
/// the tablet (IndexedDB) until uploaded, then on the server, both keyed by [`Self::sha256`],
/// so the same file attached twice is stored once.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(default)]
pub struct EvidenceFile {
    /// SHA-256 of the bytes, lower-case hex (64 characters): the file's identity.
    #[key]
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub sha256: String,
    /// The file's name as picked (or made for a photo).
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub name: String,
    /// Its media type (`application/pdf`, `image/jpeg`, …), checked against its bytes.
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub mime: String,
    /// Its size in bytes.
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub size: u64,
    /// Who attached it (username).
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub added_by: String,
    /// When, Unix seconds by the attaching device's clock.
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub added_at: i64,
}

impl EvidenceFile {
    /// Whether [`Self::sha256`] is a SHA-256 as we write it (64 lower-case hex digits): only
    /// such a name is ever looked up or uploaded.
    pub fn has_valid_hash(&self) -> bool {
        is_sha256(&self.sha256)
    }
}

/// Whether `s` is a SHA-256 in lower-case hex.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Progress {
    /// Every file the document names (valid hashes only), each once: what may be read through
    /// it, and what the server must keep.
    pub fn files(&self) -> impl Iterator<Item = &EvidenceFile> {
        let mut seen = std::collections::HashSet::new();
        self.tasks
            .values()
            .flat_map(|periods| periods.values())
            .flat_map(|e| &e.evidence)
            .flat_map(|ev| &ev.files)
            .filter(|f| f.has_valid_hash())
            .filter(move |f| seen.insert(f.sha256.clone()))
    }

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
