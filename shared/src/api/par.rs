//! The PAR index over HTTP (`/api/par/…`): criteria sets, an agency's assessment as the office,
//! its head and the province see it, the filing steps, the province's appraisal and the ranking.
//!
//! Stage: *HTTP*, like the rest of [`crate::api`]. A unit fills its sheet offline in its progress
//! document ([`crate::model::assessment::sheet`]); everything else here is an online act the
//! server attests (it writes the documents itself, with the session's user and its own clock).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::appraisal::{Adjustment, Appraisal, Council, Request, Review};
use crate::model::assessment::{EvidenceItem, FilingAction, Scoring, Tally};
use crate::model::criteria::{
    Announcement, CriteriaSet, ItemKind, Level, Mark, Measured, Points, Rule,
};
use crate::model::progress::FieldConflict;
use crate::views::par_index::{Index, Lost, Proposal};

/// A criteria set as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriteriaInfo {
    /// Its id.
    pub id: String,
    /// Its document.
    pub doc_id: String,
    /// The province.
    pub province: String,
    /// The group it judges.
    pub level: Level,
    /// The year.
    pub year: i32,
    /// The decision that issues it.
    pub basis: String,
    /// A template, not a province's decision.
    pub template: bool,
    /// Its total (the 100 points' sub-criteria).
    pub total: Points,
    /// Sub-criteria (self-scored and survey).
    pub sub_criteria: usize,
    /// The results' announcement.
    #[serde(default)]
    pub announced: Option<Announcement>,
}

/// `POST /api/par/criteria/preview`'s answer: a province's annex read, to correct and save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriteriaPreview {
    /// The set as read.
    pub set: CriteriaSet,
    /// Lines that read as no row, with where and why.
    pub unplaced: Vec<crate::import::Unplaced>,
    /// What is wrong with the set ([`CriteriaSet::check`]), in Vietnamese: to correct first.
    pub problems: Vec<String>,
}

/// Where an assessment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilingState {
    /// Being filled.
    Draft,
    /// Approved by the head as it stands.
    Approved,
    /// Sent to the province, being appraised.
    Sent,
    /// The province asked for more on some sub-criteria: those are open again.
    Reopened,
    /// The council adopted the result.
    Final,
}

impl FilingState {
    /// In Vietnamese.
    pub fn vi(self) -> &'static str {
        match self {
            FilingState::Draft => "Đang chấm",
            FilingState::Approved => "Lãnh đạo đã duyệt",
            FilingState::Sent => "Đã gửi Sở Nội vụ",
            FilingState::Reopened => "Yêu cầu bổ sung",
            FilingState::Final => "Đã có kết quả",
        }
    }
}

/// A filing step as shown (without the content sent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepView {
    /// What was done.
    pub action: FilingAction,
    /// Who (name).
    pub name: String,
    /// When the server recorded it, Unix milliseconds.
    pub at: i64,
    /// The content's digest.
    pub digest: String,
    /// The round a sending answers.
    pub round: u32,
}

/// One row of the set with the agency's part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemView {
    /// Its code.
    pub code: String,
    /// What it judges.
    pub text: String,
    /// 1 area, 2 criterion, 3 sub-criterion.
    pub depth: usize,
    /// Its maximum.
    pub max: Points,
    /// Its rule (sub-criteria).
    pub rule: Rule,
    /// The evidence expected.
    pub evidence_hint: String,
    /// Self-scored or by the survey.
    pub measured: Measured,
    /// Whether "không áp dụng" is allowed.
    pub may_not_apply: bool,
    /// Normal, bonus or penalty.
    pub kind: ItemKind,
    /// The agency's part (rows a unit scores; empty for areas and criteria).
    #[serde(default)]
    pub scoring: Scoring,
    /// The responsible unit's name.
    #[serde(default)]
    pub unit_name: String,
    /// Concurrent values in the unit's sheet, to settle.
    #[serde(default)]
    pub conflicts: Vec<FieldConflict>,
    /// What the tracker proposes, with its basis and tasks.
    #[serde(default)]
    pub proposal: Option<Proposal>,
    /// Evidence already attached to the proposal's tasks, offered.
    #[serde(default)]
    pub offered: Vec<EvidenceItem>,
    /// The province's reviews, by round (1, 2), as the agency sees them.
    #[serde(default)]
    pub reviews: Vec<(u32, Review)>,
    /// Open again for more evidence (the latest round's request).
    #[serde(default)]
    pub reopened: Option<Request>,
    /// Whether the score filed fits the rule.
    #[serde(default)]
    pub fits: bool,
}

/// `GET /api/par/assessments/{agency}/{year}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentView {
    /// The agency.
    pub agency_id: String,
    /// Its name.
    pub agency_name: String,
    /// The year.
    pub year: i32,
    /// The set it is scored against.
    pub criteria: CriteriaInfo,
    /// The record's document.
    pub doc_id: String,
    /// Where it stands.
    pub state: FilingState,
    /// The rows, in the set's order.
    pub items: Vec<ItemView>,
    /// How far it has got.
    pub tally: Tally,
    /// The index of the scores filed.
    pub index: Index,
    /// The index as appraised (once the province has a round).
    #[serde(default)]
    pub appraised: Option<Index>,
    /// Difficulties and proposals.
    pub proposals: String,
    /// The digest of the assessment as it stands: what an approval names.
    pub digest: String,
    /// The filing steps.
    pub steps: Vec<StepView>,
    /// Whether the head's approval covers the assessment as it stands.
    pub approval_current: bool,
    /// The sub-criteria open again.
    pub reopened: Vec<String>,
    /// The units of the agency (id, name), for assigning.
    pub units: Vec<(String, String)>,
    /// The council's decision, once recorded.
    #[serde(default)]
    pub council: Option<Council>,
}

/// `PUT /api/par/assessments/{agency}/{year}/assigned`: the unit answering for each code (an
/// empty unit: nobody).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignRequest {
    /// Code → unit id.
    pub assigned: BTreeMap<String, String>,
}

/// `PUT …/office`: the office confirms or overrides a score (no mark: withdraws its call).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeCallRequest {
    /// The sub-criterion.
    pub code: String,
    /// The score it files.
    pub mark: Option<Mark>,
    /// Why (required when it differs from the unit's or the tracker's).
    #[serde(default)]
    pub reason: String,
}

/// `PUT …/added`: what the office adds to a sub-criterion (evidence asked for, a giải trình).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddRequest {
    /// The sub-criterion.
    pub code: String,
    /// Its evidence (replaces what the office added before).
    #[serde(default)]
    pub evidence: Vec<EvidenceItem>,
    /// Its explanation.
    #[serde(default)]
    pub explanation: String,
}

/// `PUT …/proposals`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalsRequest {
    /// Difficulties and proposals.
    pub text: String,
}

/// `POST …/filing`: the head approves what they saw (its digest) or sends the approved
/// assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilingRequest {
    /// Approve or send.
    pub action: FilingAction,
    /// The digest of the assessment as the head saw it ([`AssessmentView::digest`]).
    pub digest: String,
}

/// `PUT /api/par/appraisals/{agency}/{year}/review`: the appraisal team's word on a sub-criterion
/// in the current round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRequest {
    /// The sub-criterion.
    pub code: String,
    /// Its comment.
    #[serde(default)]
    pub comment: String,
    /// A score set instead of the agency's, with its reason.
    #[serde(default)]
    pub adjusted: Option<Adjustment>,
    /// More evidence asked for, by a date.
    #[serde(default)]
    pub request: Option<Request>,
}

/// `PUT …/survey`: the survey's scores of an agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyRequest {
    /// Code → points.
    pub scores: BTreeMap<String, Points>,
}

/// `POST /api/par/criteria/{id}/announce`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnounceRequest {
    /// The decision announcing the results.
    pub basis: String,
}

/// `GET /api/par/appraisals/{agency}/{year}`: what the agency sent and the province's appraisal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppraisalView {
    /// The assessment as the office sees it, but with the content last sent.
    pub assessment: AssessmentView,
    /// The appraisal.
    pub appraisal: Appraisal,
    /// The round under way (1 after the first sending, 2 after a resubmission).
    pub round: u32,
    /// The digest of the content last sent.
    pub sent_digest: String,
}

/// One agency in a ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankRow {
    /// The agency.
    pub agency_id: String,
    /// Its name.
    pub agency_name: String,
    /// Its place (none: not sent yet).
    pub rank: Option<usize>,
    /// Where its filing stands.
    pub state: FilingState,
    /// Its self-assessed index.
    pub self_index: Option<Points>,
    /// Its index as appraised (the survey and the adjustments).
    pub index: Option<Points>,
    /// The points it lost, for its remediation plan.
    pub lost: Vec<Lost>,
}

/// `GET /api/par/ranking/{criteria_id}`: a group's ranking (the province; agencies after the
/// announcement).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranking {
    /// The set (and group).
    pub criteria: CriteriaInfo,
    /// The agencies, ranked first, then those not yet sent.
    pub rows: Vec<RankRow>,
}

/// `POST /api/par/assessments/{agency}/{year}/remediation`'s answer: the draft tasks made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemediationAnswer {
    /// The next year's draft plan.
    pub plan_id: String,
    /// Tasks added.
    pub added: usize,
}
