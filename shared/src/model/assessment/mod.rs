//! An agency's self-assessment for the PAR index (tự đánh giá, chấm điểm) of one year: for each
//! sub-criterion of its province's [`CriteriaSet`], the unit responsible, the score it gives
//! within the rule, its evidence (files already attached to the plan's tasks, or new ones) and its
//! explanation (giải trình) where it has no evidence; the score the tracker proposes, and the
//! central office's confirmation or override with a reason.
//!
//! Stage: *model*. Kept by sub-criterion code, so units scoring different sub-criteria on
//! tablets without a link never touch the same entry, and two scores of one sub-criterion meet
//! as a conflict, as progress entries do. What the assessment is worth is a view
//! ([`crate::views::par_index`] over [`Assessment::marks`]); [`Assessment::tally`] says how far
//! the agency has got.

pub mod record;
pub mod sheet;

pub use record::{Addition, FilingAction, FilingStep, Record};
pub use sheet::SheetEntry;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::criteria::{CriteriaSet, Mark, Measured, Points, allowed};

/// One piece of evidence offered for a sub-criterion (tài liệu kiểm chứng).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceItem {
    /// The stored file's SHA-256 (the existing upload path keeps the bytes).
    pub sha256: String,
    /// Its file name as shown and exported.
    pub name: String,
    /// The document's number and symbol, date and summary, as the province's table asks
    /// ("Số 12/KH-SKHCN ngày 10/01/2025 — Kế hoạch CCHC năm 2025").
    #[serde(default)]
    pub reference: String,
    /// The plan's task it was attached to, when it came from there.
    #[serde(default)]
    pub task_id: Option<String>,
}

/// The central office's word on a sub-criterion's score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeCall {
    /// The score the agency files.
    pub mark: Mark,
    /// Why, when it differs from the unit's or the tracker's.
    #[serde(default)]
    pub reason: String,
    /// Who decided.
    pub by: String,
}

/// One sub-criterion's self-assessment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scoring {
    /// The unit responsible for it.
    #[serde(default)]
    pub unit_id: Option<String>,
    /// The unit's score.
    #[serde(default)]
    pub mark: Option<Mark>,
    /// Its evidence.
    #[serde(default)]
    pub evidence: Vec<EvidenceItem>,
    /// Giải trình: why there is no evidence, or how the score was reached.
    #[serde(default)]
    pub explanation: String,
    /// What the tracker proposed (plan completion, reports on time, the tasks' state).
    #[serde(default)]
    pub proposed: Option<Points>,
    /// The central office's confirmation or override.
    #[serde(default)]
    pub office: Option<OfficeCall>,
}

impl Scoring {
    /// The score the agency files: the office's call, else the unit's score.
    pub fn filed(&self) -> Option<Mark> {
        self.office.as_ref().map(|c| c.mark).or(self.mark)
    }
}

/// An agency's self-assessment of a year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    /// The agency assessed.
    pub agency_id: String,
    /// The year assessed.
    pub year: i32,
    /// The criteria set it is scored against ([`CriteriaSet::id`]).
    pub criteria_id: String,
    /// By sub-criterion code.
    #[serde(default)]
    pub items: BTreeMap<String, Scoring>,
    /// Difficulties and proposals (khó khăn, vướng mắc và đề xuất), for the report.
    #[serde(default)]
    pub proposals: String,
}

/// How far an assessment has got, for the office's consolidation screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Sub-criteria the agency scores (the survey's are not counted).
    pub to_score: usize,
    /// Of those, scored (or marked "không áp dụng").
    pub scored: usize,
    /// Scored, with neither evidence nor an explanation: the province would take the points.
    pub missing_evidence: Vec<String>,
    /// With no unit responsible.
    pub unassigned: Vec<String>,
    /// Scored outside the rule (a score the set does not allow, or "không áp dụng" where it
    /// may not be): to correct before the head approves.
    pub out_of_rule: Vec<String>,
}

impl Assessment {
    /// The scores the agency files, by code (for [`crate::views::par_index::index`]).
    pub fn marks(&self) -> BTreeMap<String, Mark> {
        self.items
            .iter()
            .filter_map(|(code, s)| Some((code.clone(), s.filed()?)))
            .collect()
    }

    /// How far the assessment has got against `set`, in the set's order.
    pub fn tally(&self, set: &CriteriaSet) -> Tally {
        let mut out = Tally::default();
        for c in set.scored().filter(|c| c.measured == Measured::SelfScored) {
            out.to_score += 1;
            let scoring = self.items.get(&c.code);
            if scoring.and_then(|s| s.unit_id.as_ref()).is_none() {
                out.unassigned.push(c.code.clone());
            }
            let Some(s) = scoring else { continue };
            let Some(mark) = s.filed() else { continue };
            out.scored += 1;
            let fits = match mark {
                Mark::Score(p) => allowed(&c.rule, c.max, p),
                Mark::NotApplicable => c.may_not_apply,
            };
            if !fits {
                out.out_of_rule.push(c.code.clone());
            }
            if mark != Mark::NotApplicable
                && s.evidence.is_empty()
                && s.explanation.trim().is_empty()
            {
                out.missing_evidence.push(c.code.clone());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
