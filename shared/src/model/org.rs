//! The organisation: a province (or other parent body) → agencies (a Sở, a district or commune
//! People's Committee) → units (phòng, Thanh tra, Trung tâm, tổ…), and the bodies outside the
//! agency that plans name (Sở Nội vụ, UBND các huyện…).
//!
//! Stage: *model*. The importer builds the issuing agency's units from the names its plan uses;
//! the server stores the organisation as its own Automerge document; the status computation and
//! the authorization rules resolve who leads a task through [`Agency::resolve`].

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::model::text;

/// The top of the tree: a province or another parent body, and the agencies under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Org {
    /// Stable id, e.g. `quang-ngai`.
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub id: String,
    /// Display name, e.g. "UBND tỉnh Quảng Ngãi".
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub name: String,
    /// The agencies that issue plans, each read on its own ([`crate::model::isolate`]).
    #[autosurgeon(
        hydrate = "crate::model::isolate::entries",
        reconcile = "crate::model::isolate::keep_unknown"
    )]
    pub agencies: Vec<Agency>,
    /// What this reading of the document could not read ([`crate::model::isolate`]): never stored.
    #[autosurgeon(
        hydrate = "crate::model::isolate::none",
        reconcile = "crate::model::isolate::nothing"
    )]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<crate::model::isolate::Problem>,
}

impl Org {
    /// The agency with id `id`.
    pub fn agency(&self, id: &str) -> Option<&Agency> {
        self.agencies.iter().find(|a| a.id == id)
    }
}

/// What kind of agency issues the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Reconcile)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    /// A provincial department (Sở).
    Department,
    /// A district-level People's Committee.
    District,
    /// A commune-level People's Committee.
    Commune,
    /// Anything else.
    Other,
}

/// An agency and its units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Agency {
    /// Stable id, e.g. `so-khoa-hoc-va-cong-nghe`.
    #[key]
    #[autosurgeon(hydrate = "crate::model::isolate::key")]
    pub id: String,
    /// Display name, e.g. "Sở Khoa học và Công nghệ".
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub name: String,
    /// Kind of agency.
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub kind: AgencyKind,
    /// The unit that merges progress and reports upward (Phòng Hành chính – Tổng hợp, Văn phòng).
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub central_office: Option<String>,
    /// The agency's own units, each read on its own ([`crate::model::isolate`]).
    #[autosurgeon(
        hydrate = "crate::model::isolate::entries",
        reconcile = "crate::model::isolate::keep_unknown"
    )]
    pub units: Vec<Unit>,
    /// Bodies outside the agency that its plans name.
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub external_parties: Vec<String>,
    /// The changes of its units (merges, renames, splits…), appended only
    /// ([`crate::model::lineage`]): whole-model writes leave them alone.
    #[autosurgeon(
        hydrate = "crate::model::lineage::hydrate_changes",
        reconcile = "crate::model::lineage::keep_changes"
    )]
    #[serde(default)]
    pub changes: Vec<crate::model::lineage::OrgChange>,
}

/// What kind of unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Reconcile)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// A "Phòng" (department) or "Văn phòng".
    Department,
    /// "Thanh tra Sở".
    Inspectorate,
    /// A "Trung tâm" or other public service unit.
    Center,
    /// A standing team ("Tổ kiểm tra…").
    Team,
}

/// A unit of an agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Unit {
    /// Stable ASCII id derived from the name, e.g. `phong-hanh-chinh-tong-hop`.
    #[key]
    #[autosurgeon(hydrate = "crate::model::isolate::key")]
    pub id: String,
    /// Display name as most often written.
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub name: String,
    /// Kind of unit.
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub kind: UnitKind,
    /// Other spellings seen for this unit (en dash/hyphen, capitalisation).
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub aliases: Vec<String>,
}

impl Unit {
    /// A unit named `name`, its id and kind derived from the name.
    pub fn named(name: &str) -> Unit {
        Unit {
            id: text::slug(name),
            name: name.to_string(),
            kind: unit_kind(name),
            aliases: Vec::new(),
        }
    }
}

/// The kind of unit a name denotes.
pub fn unit_kind(name: &str) -> UnitKind {
    let k = text::key(name);
    if k.starts_with("thanh tra") {
        UnitKind::Inspectorate
    } else if k.starts_with("trung tâm") {
        UnitKind::Center
    } else if k.starts_with("tổ ") {
        UnitKind::Team
    } else {
        UnitKind::Department
    }
}

/// A set of units named by a phrase rather than by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Reconcile)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// "Các phòng, đơn vị thuộc Sở": every unit of the agency.
    AllUnits,
    /// "Các phòng chuyên môn, nghiệp vụ thuộc Sở": the departments other than the central office.
    ProfessionalDepartments,
    /// "Các phòng thuộc Sở": every department.
    Departments,
    /// "Các phòng, đơn vị có liên quan": whichever units the task concerns (not fixed in advance).
    Related,
}

/// What an assignee line names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Reconcile)]
#[serde(rename_all = "snake_case")]
pub enum AssigneeKind {
    /// One unit of the agency.
    Unit,
    /// A group phrase resolving to several units.
    Group,
    /// A body outside the agency.
    External,
}

/// One lead or coordinating party of a task, as written and as understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Assignee {
    /// The words of the plan naming this party, e.g. "Phòng Hành chính - Tổng hợp".
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub text: String,
    /// What kind of party this is.
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub kind: AssigneeKind,
    /// For [`AssigneeKind::Unit`]: the unit's id.
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub unit_id: Option<String>,
    /// For [`AssigneeKind::Group`]: which group.
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub group: Option<Group>,
    /// Words after the name that say what the party does ("hướng dẫn nghiệp vụ, đôn đốc…").
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub note: Option<String>,
}

impl Agency {
    /// The unit with id `id`.
    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.id == id)
    }

    /// The name of unit `id`, or the id itself for a unit the organisation does not (or no
    /// longer) list.
    pub fn unit_name(&self, id: &str) -> String {
        self.unit(id)
            .map_or_else(|| id.to_string(), |u| u.name.clone())
    }

    /// The unit a name denotes, through its normalised key (any spelling seen).
    pub fn find_unit(&self, name: &str) -> Option<&Unit> {
        let k = text::key(name);
        self.units
            .iter()
            .find(|u| text::key(&u.name) == k || u.aliases.iter().any(|a| text::key(a) == k))
    }

    /// The ids of the units a party denotes. [`Group::Related`] and external bodies give no
    /// fixed unit.
    pub fn resolve(&self, a: &Assignee) -> Vec<String> {
        match (a.kind, a.group) {
            (AssigneeKind::Unit, _) => a.unit_id.iter().cloned().collect(),
            (AssigneeKind::Group, Some(g)) => self.group_members(g),
            _ => Vec::new(),
        }
    }

    /// The ids of the units in a group.
    pub fn group_members(&self, g: Group) -> Vec<String> {
        let is_central = |u: &Unit| self.central_office.as_deref() == Some(u.id.as_str());
        self.units
            .iter()
            .filter(|u| match g {
                Group::AllUnits => u.kind != UnitKind::Team,
                Group::Departments => u.kind == UnitKind::Department,
                Group::ProfessionalDepartments => u.kind == UnitKind::Department && !is_central(u),
                Group::Related => false,
            })
            .map(|u| u.id.clone())
            .collect()
    }
}

/// The variants of a kind as we write them; a foreign client's `commune` or `COMMUNE` reads too
/// ([`crate::model::lenient::variant`]), and a kind no build knows reads as the default, placed as
/// a problem ([`crate::model::isolate::field`]): the default never grants more (no units, no
/// group).
macro_rules! kinds {
    ($ty:ident, $default:ident, $what:literal, [$($v:ident),*]) => {
        impl autosurgeon::Hydrate for $ty {
            fn hydrate_string(s: &str) -> Result<Self, autosurgeon::HydrateError> {
                crate::model::lenient::variant(s, &[$((stringify!($v), $ty::$v)),*], $what)
            }
        }
        impl Default for $ty {
            fn default() -> Self {
                $ty::$default
            }
        }
    };
}
kinds!(
    AgencyKind,
    Other,
    "an agency kind (Department, District, Commune, Other)",
    [Department, District, Commune, Other]
);
kinds!(
    UnitKind,
    Department,
    "a unit kind (Department, Inspectorate, Center, Team)",
    [Department, Inspectorate, Center, Team]
);
kinds!(
    Group,
    Related,
    "a group (AllUnits, ProfessionalDepartments, Departments, Related)",
    [AllUnits, ProfessionalDepartments, Departments, Related]
);
kinds!(
    AssigneeKind,
    External,
    "an assignee kind (Unit, Group, External)",
    [Unit, Group, External]
);

crate::lenient_types!(required: Agency, Unit, Assignee);
crate::lenient_types!(default: AgencyKind, UnitKind, Group, AssigneeKind);
