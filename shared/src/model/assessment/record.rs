//! An agency's assessment record for a year (a document of its own, written by the server
//! alone): which unit answers for each sub-criterion, the central office's calls and additions,
//! the difficulties and proposals, and the filing steps — the head's approval of exactly what is
//! shown (its digest) and each sending to the province with the very content sent.
//!
//! Stage: *model*. Nothing here rests on what a client wrote: the server writes every value from
//! the signed-in user's session and its own clock ([`crate::model::served`]); the units' scores
//! come from their own progress documents ([`super::sheet`]) and count only for the sub-criteria
//! assigned to them here ([`Record::merge`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Assessment, EvidenceItem, OfficeCall, Scoring};
use crate::model::criteria::Points;
use crate::model::isolate::Problem;

/// What the office adds to a sub-criterion beside the unit's part (evidence asked for by the
/// province, a giải trình of its own).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addition {
    /// Evidence the office adds.
    #[serde(default)]
    pub evidence: Vec<EvidenceItem>,
    /// Its explanation, shown after the unit's.
    #[serde(default)]
    pub explanation: String,
}

/// A filing step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilingAction {
    /// The agency's head approves the assessment as shown (its digest).
    Approve,
    /// The head sends the approved assessment to the province (the content is kept).
    Send,
}

/// One filing step, as the server recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilingStep {
    /// What was done.
    pub action: FilingAction,
    /// Who did it (user id).
    pub by: String,
    /// Their name, as shown on the report.
    #[serde(default)]
    pub name: String,
    /// Their role then.
    #[serde(default)]
    pub role: String,
    /// When the server recorded it, Unix milliseconds.
    pub at: i64,
    /// The SHA-256 (hex) of the assessment's canonical content ([`Assessment::digest`]) approved
    /// or sent.
    pub digest: String,
    /// For a sending: the assessment sent, as its canonical JSON (exactly what the province
    /// reads, whatever changes after).
    #[serde(default)]
    pub content: String,
    /// For a sending: the appraisal round it answers (1 for the first sending).
    #[serde(default)]
    pub round: u32,
}

impl crate::model::served::HistoryKey for FilingStep {
    fn history_key(&self) -> String {
        format!("{:013}-{:?}", self.at, self.action)
    }
}

/// An agency's assessment record of a year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The agency.
    pub agency_id: String,
    /// The year assessed.
    pub year: i32,
    /// The criteria set scored against.
    pub criteria_id: String,
    /// The unit answering for each sub-criterion, by code (empty: nobody).
    #[serde(default, deserialize_with = "crate::model::served::lenient_map")]
    pub assigned: BTreeMap<String, String>,
    /// The office's confirmation or override, by code (`None`: withdrawn).
    #[serde(default, deserialize_with = "crate::model::served::lenient_map")]
    pub office: BTreeMap<String, Option<OfficeCall>>,
    /// What the office adds, by code.
    #[serde(default, deserialize_with = "crate::model::served::lenient_map")]
    pub added: BTreeMap<String, Option<Addition>>,
    /// Difficulties and proposals.
    #[serde(default)]
    pub proposals: String,
    /// The filing steps, in order.
    #[serde(default, with = "crate::model::served::history")]
    pub steps: Vec<FilingStep>,
    /// Entries of the document that could not be read (never written back).
    #[serde(default, skip)]
    pub unreadable: Vec<Problem>,
}

crate::served_document!(Record, crate::model::DocKind::Assessment);

/// A unit's part of a sub-criterion as its progress document holds it ([`super::sheet`]).
pub use super::sheet::SheetEntry;

impl Record {
    /// A new record of `agency_id`'s `year` against set `criteria_id`.
    pub fn new(agency_id: &str, year: i32, criteria_id: &str) -> Record {
        Record {
            agency_id: agency_id.into(),
            year,
            criteria_id: criteria_id.into(),
            ..Record::default()
        }
    }

    /// The unit answering for `code`, if any.
    pub fn unit_of(&self, code: &str) -> Option<&str> {
        self.assigned
            .get(code)
            .map(String::as_str)
            .filter(|u| !u.is_empty())
    }

    /// The assessment as it stands: each assigned sub-criterion's part from its unit's sheet
    /// (`sheets`: unit id → code → entry; a unit's entries for codes not assigned to it are not
    /// taken), the office's calls and additions, and the tracker's `proposed` scores.
    pub fn merge(
        &self,
        sheets: &BTreeMap<String, BTreeMap<String, SheetEntry>>,
        proposed: &BTreeMap<String, Points>,
    ) -> Assessment {
        let mut items: BTreeMap<String, Scoring> = BTreeMap::new();
        let codes = self
            .assigned
            .keys()
            .chain(self.office.keys())
            .chain(self.added.keys())
            .chain(proposed.keys());
        for code in codes {
            if items.contains_key(code) {
                continue;
            }
            let unit = self.unit_of(code);
            let entry = unit.and_then(|u| sheets.get(u)?.get(code));
            let mut s = Scoring {
                unit_id: unit.map(str::to_string),
                mark: entry.and_then(|e| e.mark),
                evidence: entry.map(|e| e.evidence.clone()).unwrap_or_default(),
                explanation: entry.map(|e| e.explanation.clone()).unwrap_or_default(),
                proposed: proposed.get(code).copied(),
                office: self.office.get(code).cloned().flatten(),
            };
            if let Some(Some(add)) = self.added.get(code) {
                for e in &add.evidence {
                    if !s.evidence.iter().any(|x| x.sha256 == e.sha256) {
                        s.evidence.push(e.clone());
                    }
                }
                if !add.explanation.trim().is_empty() {
                    if !s.explanation.is_empty() {
                        s.explanation.push('\n');
                    }
                    s.explanation.push_str(&add.explanation);
                }
            }
            items.insert(code.clone(), s);
        }
        Assessment {
            agency_id: self.agency_id.clone(),
            year: self.year,
            criteria_id: self.criteria_id.clone(),
            items,
            proposals: self.proposals.clone(),
        }
    }

    /// The sendings, in order.
    pub fn sent(&self) -> impl Iterator<Item = &FilingStep> {
        self.steps.iter().filter(|s| s.action == FilingAction::Send)
    }

    /// The assessment last sent, as the province received it (`None` before the first sending or
    /// when its content does not read).
    pub fn last_sent(&self) -> Option<Assessment> {
        serde_json::from_str(&self.sent().last()?.content).ok()
    }

    /// Every file the record names: the office's additions and everything sent.
    pub fn files(&self) -> Vec<String> {
        let added = self.added.values().flatten().flat_map(|a| &a.evidence);
        let mut out: Vec<String> = added.map(|e| e.sha256.clone()).collect();
        for step in self.sent() {
            if let Ok(a) = serde_json::from_str::<Assessment>(&step.content) {
                out.extend(
                    a.items
                        .values()
                        .flat_map(|s| &s.evidence)
                        .map(|e| e.sha256.clone()),
                );
            }
        }
        out
    }

    /// The approval in force: the last step, when it is an approval.
    pub fn approval(&self) -> Option<&FilingStep> {
        self.steps
            .last()
            .filter(|s| s.action == FilingAction::Approve)
    }
}

impl Assessment {
    /// The canonical content: JSON with the keys in order (the maps are ordered), so the same
    /// assessment always gives the same bytes.
    pub fn canonical(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The SHA-256 of [`Assessment::canonical`], hex: what an approval names and a sending
    /// delivers.
    pub fn digest(&self) -> String {
        use sha2::Digest as _;
        format!("{:x}", sha2::Sha256::digest(self.canonical().as_bytes()))
    }

    /// This assessment with the sub-criteria not in `open` taken from `before` (a resubmission
    /// changes only what the province reopened).
    pub fn keeping(&self, before: &Assessment, open: &[String]) -> Assessment {
        let mut out = before.clone();
        for code in open {
            match self.items.get(code) {
                Some(s) => out.items.insert(code.clone(), s.clone()),
                None => out.items.remove(code),
            };
        }
        out.proposals = self.proposals.clone();
        out
    }
}
