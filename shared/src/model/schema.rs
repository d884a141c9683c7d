//! The document contract: which kinds of document there are, which schema version each carries,
//! and how a document of an older version is brought to the current one.
//!
//! Stage: *local document*, on both sides of sync. Every document carries its schema version at
//! the root (`schema_version`, an unsigned integer). A document without one was written by a
//! release before versions existed: version 1. How versions coexist:
//!
//! - **Reading.** Every reader accepts the shapes of every earlier version (the model reads
//!   tolerantly, [`crate::model::lenient`]) and of later ones as far as it understands them: fields
//!   it does not know are ignored on read.
//! - **Writing.** A writer brings the document to its own version in the same change as the
//!   edit ([`upgrade`]), never lowers the version, and never deletes what it does not know:
//!   structs write only their own fields and the progress tasks are written additively.
//! - **A newer document.** [`Contract::newer`] is true when the document's version is above
//!   ours; the app says "Có phiên bản mới — tải lại" and goes on showing what it can read.
//! - **Concurrent writers.** Two devices may stamp the version at once; automerge keeps both
//!   values and [`version_of`] takes the highest, so an old tablet never hides a new version.
//!
//! A migration step may only put values derived from what the document holds and must give the
//! same result when two devices run it concurrently (no competing new objects), because every
//! device migrates on its own.

use automerge::ReadDoc as _;
use automerge::transaction::Transactable;
use automerge::{ROOT, ScalarValue, Value};
use serde::{Deserialize, Serialize};

use crate::model::Error;

/// The root key holding a document's schema version.
pub const SCHEMA_KEY: &str = "schema_version";

/// The version of documents written before versions existed.
pub const UNVERSIONED: u64 = 1;

/// The kinds of document Tiến độ syncs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// An agency's plan for a year ([`crate::model::Plan`]).
    Plan,
    /// The organisation: agencies and their units ([`crate::model::Org`]).
    Org,
    /// One unit's progress on one plan ([`crate::model::Progress`]); since the PAR index, also
    /// the unit's scoring of the sub-criteria it answers for ([`crate::model::assessment::sheet`]).
    Progress,
    /// A province's PAR-index criteria set for a level and a year
    /// ([`crate::model::criteria::CriteriaSet`]); the server alone writes it.
    Criteria,
    /// An agency's PAR-index assessment record for a year: who answers for what, the office's
    /// calls, the head's approval and what was sent ([`crate::model::assessment::Record`]); the
    /// server alone writes it.
    Assessment,
    /// The province's appraisal of an agency's year ([`crate::model::appraisal::Appraisal`]);
    /// the server alone writes it.
    Appraisal,
}

impl DocKind {
    /// Every kind.
    pub const ALL: [DocKind; 6] = [
        DocKind::Plan,
        DocKind::Org,
        DocKind::Progress,
        DocKind::Criteria,
        DocKind::Assessment,
        DocKind::Appraisal,
    ];

    /// The kinds every release has synced. A document list old tablets read (`/api/me`'s
    /// `docs`) holds only these: an old build would not read the others' names.
    pub const FIRST: [DocKind; 3] = [DocKind::Plan, DocKind::Org, DocKind::Progress];

    /// Whether the server alone writes documents of this kind ([`crate::model::served`]).
    pub fn served(self) -> bool {
        matches!(
            self,
            DocKind::Criteria | DocKind::Assessment | DocKind::Appraisal
        )
    }

    /// The name used in the catalogue, the API and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Plan => "plan",
            DocKind::Org => "org",
            DocKind::Progress => "progress",
            DocKind::Criteria => "criteria",
            DocKind::Assessment => "assessment",
            DocKind::Appraisal => "appraisal",
        }
    }

    /// The schema version this release reads and writes.
    pub fn current(self) -> u64 {
        MIGRATIONS
            .iter()
            .filter(|m| m.kind == self)
            .map(|m| m.to)
            .max()
            .unwrap_or(UNVERSIONED)
    }
}

impl std::fmt::Display for DocKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for DocKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        DocKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| Error::InvalidValue(format!("loại tài liệu không hợp lệ: {s}")))
    }
}

/// A model type stored as its own document.
pub trait Document: autosurgeon::Hydrate + autosurgeon::Reconcile {
    /// Which kind of document holds it.
    const KIND: DocKind;
    /// Whether it is read in isolation ([`crate::model::isolate`]): its reading places what it
    /// could not read ([`Document::place`]) and its writes keep the entries the reading left out.
    const ISOLATED: bool = false;
    /// Takes the problems of its reading (see [`crate::model::isolate`]).
    fn place(&mut self, _problems: Vec<crate::model::isolate::Problem>) {}
}

impl Document for crate::model::Plan {
    const KIND: DocKind = DocKind::Plan;
    const ISOLATED: bool = true;
    fn place(&mut self, problems: Vec<crate::model::isolate::Problem>) {
        self.unreadable = problems;
    }
}
impl Document for crate::model::Org {
    const KIND: DocKind = DocKind::Org;
    const ISOLATED: bool = true;
    fn place(&mut self, problems: Vec<crate::model::isolate::Problem>) {
        self.unreadable = problems;
    }
}
impl Document for crate::model::Progress {
    const KIND: DocKind = DocKind::Progress;
}

/// One step from version `from` to `to` of a kind of document.
pub struct Migration {
    /// The kind it applies to.
    pub kind: DocKind,
    /// The version it reads.
    pub from: u64,
    /// The version it leaves.
    pub to: u64,
    /// What changes, for the README and the log.
    pub what: &'static str,
    /// The step itself, inside the writer's transaction (before the version is stamped);
    /// `None` when the version only marks what readers accept.
    pub apply: Option<Step>,
}

/// A migration step: changes made in the writer's transaction.
pub type Step = fn(&mut automerge::transaction::Transaction<'_>) -> Result<(), Error>;

/// Every migration, oldest first.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        kind: DocKind::Plan,
        from: 1,
        to: 2,
        what: "schema_version at the root; the same fields, read tolerantly",
        apply: None,
    },
    Migration {
        kind: DocKind::Org,
        from: 1,
        to: 2,
        what: "schema_version at the root; the same fields, read tolerantly",
        apply: None,
    },
    Migration {
        kind: DocKind::Progress,
        from: 1,
        to: 2,
        what: "schema_version at the root; entries read one by one, written additively",
        apply: None,
    },
    Migration {
        kind: DocKind::Progress,
        from: 2,
        to: 3,
        what: "evidence items name their files (`files`: SHA-256, name, type, size, who, when); \
               absent is none, so nothing to move — the version tells an older release there is \
               more than it shows",
        apply: None,
    },
    Migration {
        kind: DocKind::Progress,
        from: 3,
        to: 4,
        what: "the unit's reporting steps (`reports` → period → steps: submit, approve, with the \
               heads sent); absent is none — the version tells an older release there is more",
        apply: None,
    },
    Migration {
        kind: DocKind::Plan,
        from: 2,
        to: 3,
        what: "the office's reporting steps (`reviews` → unit → period → steps), its report texts \
               (`report_texts`) and configured deadlines (`report_deadlines`); absent is none",
        apply: None,
    },
    Migration {
        kind: DocKind::Org,
        from: 2,
        to: 3,
        what: "each agency's organisation changes (`changes`: merge, rename, split, retire, a \
               function moved, with date, legal basis, successors and task routes), appended \
               only; absent is none — the version tells an older release there is more",
        apply: None,
    },
    Migration {
        kind: DocKind::Plan,
        from: 3,
        to: 4,
        what: "the plans whose year this one continues (`links`: replaced from a day, or of an \
               agency merged into this one), appended only; absent is none",
        apply: None,
    },
    Migration {
        kind: DocKind::Progress,
        from: 4,
        to: 5,
        what: "a unit head's return of the unit's report to its editors (`send_back` steps in \
               `reports`); absent is none — the version tells an older release there is more",
        apply: None,
    },
    Migration {
        kind: DocKind::Org,
        from: 3,
        to: 4,
        what: "the organisation dated in time: a unit established from a day (`changes` of kind \
               `establish`, naming the unit in `created`), so a later plan's new unit counts only \
               from then; a unit without one exists since ever, so older documents keep their \
               figures — the version tells an older release there is more",
        apply: None,
    },
    Migration {
        kind: DocKind::Plan,
        from: 4,
        to: 5,
        what: "the plan of the year before this one continues (`previous`: its id, and per task \
               the task carried on and how it was found), written once; mid-year revisions \
               (`revisions`: from a day, on a legal basis, tasks added and leads and timelines \
               changed with what they were), appended only; absent is none",
        apply: None,
    },
];

/// The schema version of `doc`: the highest of the values devices wrote (1 when none).
pub fn version_of<D: automerge::ReadDoc>(doc: &D) -> u64 {
    doc.get_all(ROOT, SCHEMA_KEY)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(v, _)| match v {
            Value::Scalar(s) => match s.as_ref() {
                ScalarValue::Uint(u) => Some(*u),
                ScalarValue::Int(i) => u64::try_from(*i).ok(),
                ScalarValue::F64(f) if *f >= 0.0 => Some(*f as u64),
                _ => None,
            },
            Value::Object(_) => None,
        })
        .max()
        .unwrap_or(UNVERSIONED)
}

/// What a reader knows of a document's version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    /// The kind of document.
    pub kind: DocKind,
    /// Its schema version.
    pub version: u64,
    /// Whether a newer release wrote it (read as far as understood; fields we do not know are
    /// kept).
    pub newer: bool,
}

/// The contract of `doc` read as a `kind`.
pub fn contract<D: automerge::ReadDoc>(doc: &D, kind: DocKind) -> Contract {
    let version = version_of(doc);
    Contract {
        kind,
        version,
        newer: version > kind.current(),
    }
}

/// Brings `tx`'s document to this release's version of `kind`: runs the migrations from its
/// version on, then stamps the version. A newer document is left as it is.
pub fn upgrade(
    tx: &mut automerge::transaction::Transaction<'_>,
    kind: DocKind,
) -> Result<(), Error> {
    let mut version = version_of(tx);
    let current = kind.current();
    if version >= current && tx.get(ROOT, SCHEMA_KEY)?.is_some() {
        return Ok(());
    }
    for m in MIGRATIONS.iter().filter(|m| m.kind == kind) {
        if m.from == version {
            if let Some(apply) = m.apply {
                apply(tx)?;
            }
            version = m.to;
        }
    }
    tx.put(ROOT, SCHEMA_KEY, ScalarValue::Uint(current))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_path_from_unversioned_to_current() {
        for kind in DocKind::ALL {
            let mut v = UNVERSIONED;
            while v < kind.current() {
                let step = MIGRATIONS
                    .iter()
                    .find(|m| m.kind == kind && m.from == v)
                    .unwrap_or_else(|| panic!("{kind}: no migration from {v}"));
                assert!(step.to > step.from);
                v = step.to;
            }
        }
    }

    #[test]
    fn a_document_without_a_version_is_version_one_and_gets_stamped() {
        let mut doc = automerge::Automerge::new();
        assert_eq!(version_of(&doc), 1);
        let mut tx = doc.transaction();
        upgrade(&mut tx, DocKind::Progress).unwrap();
        tx.commit();
        assert_eq!(version_of(&doc), DocKind::Progress.current());
        assert!(!contract(&doc, DocKind::Progress).newer);
    }

    #[test]
    fn concurrent_stamps_keep_the_highest_version() {
        let mut old = automerge::AutoCommit::new();
        let mut new = old.fork();
        old.put(ROOT, SCHEMA_KEY, 2u64).unwrap();
        new.put(ROOT, SCHEMA_KEY, 9u64).unwrap();
        old.merge(&mut new).unwrap();
        new.merge(&mut old).unwrap();
        assert_eq!(version_of(&old), 9);
        assert_eq!(version_of(&new), 9);
        assert!(contract(&old, DocKind::Plan).newer);
        // An old writer does not lower it.
        let mut doc = old.document().clone();
        let mut tx = doc.transaction();
        upgrade(&mut tx, DocKind::Plan).unwrap();
        tx.commit();
        assert_eq!(version_of(&doc), 9);
    }
}
