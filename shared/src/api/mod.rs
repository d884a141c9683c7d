//! The HTTP API's requests and answers as types, one definition for both sides.
//!
//! Stage: *HTTP*, beside sync. The server's handlers return these types (serialized by axum's
//! `Json`), the client decodes the same types, and `tests/tests/api_answers_decode.rs` decodes
//! every route's answer into its type. Fields a later server adds are ignored by an older
//! client; fields an older server (or an answer saved on the device) lacks take defaults where
//! the client can do without them.

use serde::{Deserialize, Serialize};

use crate::import::Unplaced;
use crate::model::attestation::Attestation;
use crate::model::{Agency, Plan};
use crate::views::report::ScoreRule;

mod accounts;
mod me;
pub mod par;

pub use accounts::*;
pub use me::*;

/// An error answer (any 4xx/5xx under `/api`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// What went wrong, in Vietnamese.
    pub error: String,
    /// A stable machine code (`not_found`, `forbidden`, `too_large`…).
    pub code: String,
}

/// `GET /api/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// The server's release.
    pub version: String,
    /// The SQLite schema's migration number.
    pub schema_version: i64,
    /// Documents in the catalogue.
    pub documents: usize,
    /// Open sync sockets.
    pub sync_connections: usize,
    /// Changes refused from peers without write access, by every node of the deployment since
    /// it was set up (kept in the store).
    pub refused_writes: u64,
}

/// A plan as `GET /api/plans` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanInfo {
    /// Plan id.
    pub id: String,
    /// Automerge document id.
    pub doc_id: String,
    /// Number as printed.
    pub number: String,
    /// Title.
    pub title: String,
    /// Issuing agency.
    pub issuer: String,
    /// Year covered.
    pub year: Option<i32>,
    /// Active and retired tasks.
    pub tasks: usize,
}

/// `GET /api/plans/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanAnswer {
    /// The plan.
    pub plan: Plan,
    /// Its agency, from the organisation.
    pub agency: Option<Agency>,
}

/// One generated report file, as the reporting calendar lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedReport {
    /// The plan.
    #[serde(default)]
    pub plan_id: String,
    /// `q1`, `h1`, `q3`, `year`.
    pub period: String,
    /// `docx` or `xlsx`.
    pub kind: String,
    /// The "as of" date it was computed for (`YYYY-MM-DD`).
    pub as_of: String,
    /// Who asked for it (`None`: the command line).
    pub username: Option<String>,
    /// Unix time in seconds.
    pub generated_at: i64,
}

/// `GET /api/plans/{id}/reports`: the score thresholds in force, every report made, and when
/// the server received each reporting step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportsAnswer {
    /// The thresholds in force on the server.
    #[serde(default)]
    pub score_rule: ScoreRule,
    /// Newest first.
    #[serde(default)]
    pub generated: Vec<GeneratedReport>,
    /// When the server first received each reporting step of the plan's documents (step id →
    /// Unix ms): the office sees it beside the device's time, and it bounds a step's effective
    /// time (`workflow::Step::effective`).
    #[serde(default)]
    pub received: std::collections::BTreeMap<String, i64>,
}

/// `GET /api/attestations?doc=…[&doc=…][&since=MS]`: the attested record of the documents asked
/// for that the user may read (others, and unknown ids, are left out alike).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttestationsAnswer {
    /// Document id → its changes' attestations (with `since`, those received after it).
    pub documents: std::collections::BTreeMap<String, Vec<Attestation>>,
    /// The server's clock when it answered (Unix ms): the next `since`, less a margin for
    /// deliveries still being committed.
    pub as_of_ms: i64,
}

/// The most documents one `GET /api/attestations` may ask for.
pub const MAX_ATTESTED_DOCUMENTS: usize = 200;

/// `POST /api/plans/preview`'s answer: the plan as the importer read it, not saved; the office
/// corrects it and sends it back to `POST /api/plans` as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    /// What the file was (`.docx`, `.xlsx`, `văn bản`).
    pub format: String,
    /// The plan, organisation and what could not be placed.
    #[serde(flatten)]
    pub draft: crate::import::Imported,
    /// The units the plan names that the agency's organisation does not know: each needs the
    /// office's choice ([`crate::import::Imported::choices`]) before the plan is saved.
    #[serde(default)]
    pub new_units: Vec<crate::import::units::NewUnit>,
}

/// `POST /api/plans`'s answer (`201`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportAnswer {
    /// The new plan's id.
    pub plan_id: String,
    /// Its document.
    pub plan_doc: String,
    /// Its task count.
    pub tasks: usize,
    /// What the importer could not place.
    #[serde(default)]
    pub unplaced: Vec<Unplaced>,
}

/// `POST /api/plans/{id}/links`: this plan continues the year of another — it replaces it from a
/// day, or the other's agency merged into this plan's ([`crate::views::year`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkRequest {
    /// `replaces` or `absorbs`.
    pub kind: crate::model::links::LinkKind,
    /// The other plan's id.
    pub plan_id: String,
    /// From which day (`YYYY-MM-DD`).
    pub from: crate::model::Date,
    /// The decision's (or replacing plan's) number.
    #[serde(default)]
    pub basis_number: String,
    /// Its date.
    #[serde(default)]
    pub basis_date: Option<crate::model::Date>,
}

/// `POST /api/devices`: a tablet registers the public half of the key it signs its bundle files
/// with ([`crate::bundle`]), while it has a link; `204` once it is the user's, `409` if another
/// user registered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceKey {
    /// The Ed25519 public key, 64 hex digits.
    pub public_key: String,
    /// What the device is (the browser's description), for the office's records.
    #[serde(default)]
    pub label: String,
}

/// What happened to one document or file of an imported bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleOutcome {
    /// Its changes (or bytes) were new and are stored.
    Applied,
    /// Everything in it was already on the server.
    Known,
    /// Not applied: the bundle's author may not write it, or it breaks a rule (the reason says).
    Refused,
}

/// One document of an imported bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleDocument {
    /// The document id.
    pub doc_id: String,
    /// Its title in the catalogue (empty when the server does not know it).
    #[serde(default)]
    pub title: String,
    /// What happened.
    pub outcome: BundleOutcome,
    /// How many changes were new.
    #[serde(default)]
    pub changes: usize,
    /// Why it was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One evidence file of an imported bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleFile {
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Its name.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// What happened.
    pub outcome: BundleOutcome,
    /// Why it was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `POST /api/bundles`'s answer (and `tiendo bundle import`'s): what a bundle brought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleReport {
    /// Who made it (the user its key is registered to).
    pub author: String,
    /// The author's name as shown.
    #[serde(default)]
    pub author_name: String,
    /// When it was made (the maker's clock, Unix ms).
    pub created_ms: i64,
    /// Each document, in the bundle's order.
    pub documents: Vec<BundleDocument>,
    /// Each file, in the bundle's order.
    #[serde(default)]
    pub files: Vec<BundleFile>,
}

impl BundleReport {
    /// How many documents and files ended with `outcome`.
    pub fn count(&self, outcome: BundleOutcome) -> usize {
        self.documents
            .iter()
            .filter(|d| d.outcome == outcome)
            .count()
            + self.files.iter().filter(|f| f.outcome == outcome).count()
    }

    /// One line for a person: "applied 1, already known 2, refused 0".
    pub fn summary(&self) -> String {
        format!(
            "{} mới được ghi, {} đã có, {} bị từ chối",
            self.count(BundleOutcome::Applied),
            self.count(BundleOutcome::Known),
            self.count(BundleOutcome::Refused)
        )
    }
}
