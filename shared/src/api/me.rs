//! Signing in and what the signed-in user opens: the user (`/api/me`), the documents they may
//! read or write, the ones that show a plan ([`Me::plan_documents`]) and their bytes in one
//! answer ([`Bootstrap`]).
//!
//! Stage: *HTTP*, beside sync, like the rest of [`crate::api`].

use serde::{Deserialize, Serialize};

use crate::model::role::{Access, ClientBuild, Role};
use crate::model::schema::DocKind;

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
    /// What they may open, of the kinds every release reads ([`DocKind::FIRST`]).
    pub documents: Vec<DocRef>,
    /// The PAR index's documents they may open (criteria sets; the office's assessment record
    /// and appraisal): apart, because an older build would not read their kinds' names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub par_documents: Vec<DocRef>,
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
        // it (the server lists them as its own, writable: [`crate::model::lineage`]); the others
        // read every unit's.
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
