//! The HTTP API's requests and answers as types, one definition for both sides.
//!
//! Stage: *HTTP*, beside sync. The server's handlers return these types (serialized by axum's
//! `Json`), the client decodes the same types, and `tests/tests/api_answers_decode.rs` decodes
//! every route's answer into its type. Fields a later server adds are ignored by an older
//! client; fields an older server (or an answer saved on the device) lacks take defaults where
//! the client can do without them.

use serde::{Deserialize, Serialize};

use crate::import::Unplaced;
use crate::model::schema::DocKind;
use crate::model::{Agency, Plan};
use crate::views::report::ScoreRule;

// Old paths, kept until the other crates move to the folders' paths: the domain types the
// answers carry live in the model.
#[doc(hidden)]
pub use crate::model::attestation::{Attestation, Via};
#[doc(hidden)]
pub use crate::model::role::{ClientBuild, Role};

/// An account as its administrators see it (`GET /api/accounts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Login name.
    pub username: String,
    /// Name shown in the interface.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Agency, for unit roles.
    #[serde(default)]
    pub agency_id: Option<String>,
    /// Unit, for unit roles.
    #[serde(default)]
    pub unit_id: Option<String>,
    /// Closed: no sign-in.
    pub disabled: bool,
}

/// `POST /api/accounts`: a new account (the username suggested from the unit when none is
/// given: `thanhtra.01`; the password generated and shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccount {
    /// Role.
    pub role: Role,
    /// Unit, for unit roles.
    #[serde(default)]
    pub unit_id: Option<String>,
    /// The unit's agency (default: the administrator's own; needed where units of several
    /// agencies share an id).
    #[serde(default)]
    pub agency_id: Option<String>,
    /// Name shown (default: the unit's name, or the username).
    #[serde(default)]
    pub display_name: Option<String>,
    /// Login name (default: suggested from the unit).
    #[serde(default)]
    pub username: Option<String>,
}

/// The answer of a creation or a password reset: the account and its password, shown this
/// once and never stored in clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountWithPassword {
    /// The account.
    pub account: Account,
    /// Its password.
    pub password: String,
}

/// `POST /api/accounts/{username}/move`: to another unit of the same agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveAccount {
    /// The unit.
    pub unit_id: String,
    /// Its agency (default: the account's own).
    #[serde(default)]
    pub agency_id: Option<String>,
}

/// `POST /api/me/password`: the user's own password, the current one required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChange {
    /// The current password.
    pub current: String,
    /// The new one.
    pub new: String,
}

/// One account action in the audit: who did what to whom, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountEvent {
    /// When (Unix ms).
    pub at: i64,
    /// Who (a username, or `máy chủ` for the server's command line).
    pub actor: String,
    /// What: `create`, `disable`, `enable`, `reset_password`, `change_password`, `move`.
    pub action: String,
    /// Whose account.
    pub username: String,
    /// The account's agency.
    #[serde(default)]
    pub agency_id: Option<String>,
    /// Details (the role, the unit moved to…).
    #[serde(default)]
    pub detail: String,
}

/// `GET /api/accounts`: the accounts the user administers and their latest actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountsAnswer {
    /// The accounts, by name.
    pub accounts: Vec<Account>,
    /// The latest actions on them, newest first.
    pub events: Vec<AccountEvent>,
}

/// What a user may do with a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Not even know it exists.
    None,
    /// Sync it down, never up.
    Read,
    /// Sync both ways.
    Write,
}

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

/// `POST /api/login`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    /// Login name.
    pub username: String,
    /// Password in clear (over TLS in production).
    pub password: String,
}

/// A signed-in user, as the API shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Login name (the author recorded on their changes).
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Agency, for unit roles.
    #[serde(default)]
    pub agency_id: Option<String>,
    /// Unit, for unit roles.
    #[serde(default)]
    pub unit_id: Option<String>,
}

/// `POST /api/login`'s answer (the session also comes as the `tiendo_session` cookie).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginAnswer {
    /// The bearer token, shown once.
    pub token: String,
    /// Unix seconds when the session ends.
    pub expires_at: i64,
    /// Who signed in.
    pub user: User,
}

/// `POST /api/logout`'s answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogoutAnswer {
    /// Always true.
    pub ok: bool,
}

/// A document this user may open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocRef {
    /// The automerge-repo document id.
    pub doc_id: String,
    /// `automerge:<doc_id>`, as automerge-repo clients take it.
    #[serde(default)]
    pub url: String,
    /// What it is.
    pub kind: DocKind,
    /// The agency it belongs to.
    #[serde(default)]
    pub agency_id: String,
    /// The plan it belongs to (plans and progress).
    #[serde(default)]
    pub plan_id: Option<String>,
    /// For progress documents: the unit.
    #[serde(default)]
    pub unit_id: Option<String>,
    /// A human title (plans: the plan's title).
    #[serde(default)]
    pub title: String,
    /// What this user may do with it.
    pub access: Access,
    /// Whether the user's changes are accepted (`access == write`).
    #[serde(default)]
    pub writable: bool,
}

/// An agency as `/api/me` names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyRef {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Its central office's unit id.
    #[serde(default)]
    pub central_office: Option<String>,
}

/// A unit as `/api/me` names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// A person the history may name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Login name (the author recorded on their changes).
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Their unit.
    #[serde(default)]
    pub unit_id: Option<String>,
}

/// `GET /api/me`: who the session is and what they may open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    /// Who.
    pub user: User,
    /// The role in Vietnamese.
    pub role_label: String,
    /// Their agency.
    #[serde(default)]
    pub agency: Option<AgencyRef>,
    /// Their unit.
    #[serde(default)]
    pub unit: Option<Named>,
    /// What they may open.
    pub documents: Vec<DocRef>,
    /// The people of their agency (everyone, for roles that read every agency).
    #[serde(default)]
    pub people: Vec<Person>,
    /// The sync WebSocket's path.
    #[serde(default = "sync_path")]
    pub sync_path: String,
    /// The client build this user needs ([`Role::client_build`]); absent from a `/api/me` saved
    /// by an older release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<ClientBuild>,
    /// The server's public key for the starter bundles it makes (64 hex digits): a tablet loads
    /// only starter files signed with it. Absent from a `/api/me` saved by an older release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle_key: Option<String>,
}

fn sync_path() -> String {
    "/sync".into()
}

impl Me {
    /// The first document of `kind` (and unit).
    pub fn doc(&self, kind: DocKind, unit: Option<&str>) -> Option<&DocRef> {
        self.documents
            .iter()
            .find(|d| d.kind == kind && (unit.is_none() || d.unit_id.as_deref() == unit))
    }

    /// The plans this user may open: (plan id, title), in catalogue order.
    pub fn plans(&self) -> Vec<(String, String)> {
        self.documents
            .iter()
            .filter(|d| d.kind == DocKind::Plan)
            .filter_map(|d| Some((d.plan_id.clone()?, d.title.clone())))
            .collect()
    }

    /// Whether the user may write document `doc_id`.
    pub fn may_write(&self, doc_id: &str) -> bool {
        self.documents
            .iter()
            .any(|d| d.doc_id == doc_id && d.access == Access::Write)
    }

    /// The documents a device opens to show plan `plan_id` (the user's first plan when it is
    /// not one of theirs): the plan, the organisation, the unit's own progress and, for those
    /// who see every unit, each unit's. The client opens exactly these; the server's
    /// `/api/bootstrap` sends exactly these.
    pub fn plan_documents(&self, plan_id: &str) -> Result<PlanDocuments<'_>, &'static str> {
        let plan = self
            .documents
            .iter()
            .find(|d| d.kind == DocKind::Plan && d.plan_id.as_deref() == Some(plan_id))
            .or_else(|| self.doc(DocKind::Plan, None))
            .ok_or("không có kế hoạch")?;
        let key = plan.plan_id.as_deref().unwrap_or_default();
        let of_plan = |d: &&DocRef| {
            d.kind == DocKind::Progress
                && (d.plan_id.is_none() || key.is_empty() || d.plan_id.as_deref() == Some(key))
        };
        let org = self.doc(DocKind::Org, None).ok_or("không có tổ chức")?;
        let own_progress = self.user.unit_id.as_deref().and_then(|u| {
            self.documents
                .iter()
                .filter(of_plan)
                .find(|d| d.unit_id.as_deref() == Some(u))
        });
        // A unit member reads, beside its own, the documents of the units whose work passed to
        // it (the server lists them as its own, writable: [`crate::model::lineage`]); the others read
        // every unit's.
        let all_progress = if self.user.role.is_unit_member() {
            self.documents
                .iter()
                .filter(of_plan)
                .filter(|d| d.writable && own_progress.is_none_or(|o| o.doc_id != d.doc_id))
                .collect()
        } else {
            self.documents.iter().filter(of_plan).collect()
        };
        Ok(PlanDocuments {
            plan,
            org,
            own_progress,
            all_progress,
        })
    }
}

/// The documents that show one plan to one user ([`Me::plan_documents`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanDocuments<'a> {
    /// The plan.
    pub plan: &'a DocRef,
    /// The organisation (units and people).
    pub org: &'a DocRef,
    /// The unit's own progress, if the user has a unit.
    pub own_progress: Option<&'a DocRef>,
    /// Every unit's progress of the plan, for those who see every unit; for a unit member, its
    /// predecessors' (whose tasks passed to it).
    pub all_progress: Vec<&'a DocRef>,
}

impl PlanDocuments<'_> {
    /// Every document id, each once.
    pub fn ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = [Some(self.plan), Some(self.org), self.own_progress]
            .into_iter()
            .flatten()
            .chain(self.all_progress.iter().copied())
            .map(|d| d.doc_id.as_str())
            .collect();
        let mut seen = std::collections::HashSet::new();
        ids.retain(|id| seen.insert(*id));
        ids
    }
}

/// `GET /api/bootstrap?plan=…` (`application/cbor`): the saved Automerge bytes of the documents
/// that show a plan to the signed-in user ([`Me::plan_documents`]), in one answer. A first visit
/// fetches it beside the app's own download, so the task list needs no sync round trip before
/// it shows; sync then brings whatever changed since. CBOR (the encoding automerge-repo's own
/// messages use) keeps the bytes binary.
#[derive(Debug, Clone, PartialEq, Eq, minicbor::Encode, minicbor::Decode)]
pub struct Bootstrap {
    /// The plan whose documents these are.
    #[n(0)]
    pub plan_id: String,
    /// Each document, whole.
    #[n(1)]
    pub documents: Vec<BootDocument>,
}

/// One document of a [`Bootstrap`].
#[derive(Debug, Clone, PartialEq, Eq, minicbor::Encode, minicbor::Decode)]
pub struct BootDocument {
    /// The automerge-repo document id.
    #[n(0)]
    pub doc_id: String,
    /// `Automerge::save()` of it.
    #[cbor(n(1), with = "minicbor::bytes")]
    pub bytes: Vec<u8>,
}

impl Bootstrap {
    /// The CBOR answer.
    pub fn encode(&self) -> Vec<u8> {
        minicbor::to_vec(self).expect("writing to a Vec cannot fail")
    }

    /// Reads an answer; bytes that are not one say why.
    pub fn decode(bytes: &[u8]) -> Result<Bootstrap, String> {
        minicbor::decode(bytes).map_err(|e| format!("bootstrap: {e}"))
    }
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
