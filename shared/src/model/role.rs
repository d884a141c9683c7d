//! Who a user is to the tracker: their role, the build of the browser client it needs, and what
//! they may do with a document.
//!
//! Stage: *model*. A role is stored with each account on the server, named on each step of the
//! reporting workflow ([`crate::workflow`]), and carried in the API's answers
//! ([`crate::api`]).

use serde::{Deserialize, Serialize};

use crate::model::Error;

/// What a user may do (the document rules live in the server's `access`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Updates the progress of their own unit.
    UnitEditor,
    /// The head of a unit (trưởng đơn vị): updates its progress like an editor and approves its
    /// period reports.
    UnitHead,
    /// The agency's central office: reads the whole agency, edits the plan.
    AgencyAdmin,
    /// Province level (Sở Nội vụ): reads every agency.
    ProvinceViewer,
    /// Runs the server: everything.
    SystemAdmin,
}

impl Role {
    /// Every role, in order.
    pub const ALL: [Role; 5] = [
        Role::UnitEditor,
        Role::UnitHead,
        Role::AgencyAdmin,
        Role::ProvinceViewer,
        Role::SystemAdmin,
    ];

    /// The name used in the database, the API and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::UnitEditor => "unit_editor",
            Role::UnitHead => "unit_head",
            Role::AgencyAdmin => "agency_admin",
            Role::ProvinceViewer => "province_viewer",
            Role::SystemAdmin => "system_admin",
        }
    }

    /// The Vietnamese label.
    pub fn label(self) -> &'static str {
        match self {
            Role::UnitEditor => "Cập nhật tiến độ đơn vị",
            Role::UnitHead => "Lãnh đạo đơn vị (duyệt báo cáo)",
            Role::AgencyAdmin => "Đầu mối tổng hợp của cơ quan",
            Role::ProvinceViewer => "Theo dõi cấp tỉnh",
            Role::SystemAdmin => "Quản trị hệ thống",
        }
    }

    /// Whether users of this role belong to a unit of an agency.
    pub fn needs_unit(self) -> bool {
        matches!(self, Role::UnitEditor | Role::UnitHead | Role::AgencyAdmin)
    }

    /// A member of a unit who reports its progress (an editor or the unit's head).
    pub fn is_unit_member(self) -> bool {
        matches!(self, Role::UnitEditor | Role::UnitHead)
    }

    /// The build of the browser client this role needs: a unit editor reads only their unit's
    /// progress and amends no plan, so the unit build has every screen they use; every other
    /// role reads the merged status (and the central office amends the plan).
    pub fn client_build(self) -> ClientBuild {
        match self {
            Role::UnitEditor | Role::UnitHead => ClientBuild::Unit,
            Role::AgencyAdmin | Role::ProvinceViewer | Role::SystemAdmin => ClientBuild::Office,
        }
    }
}

/// The two builds of the browser client (`scripts/build-client`): the page loads the one
/// `/api/me` names, and its service worker keeps only that one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientBuild {
    /// The unit's screens: its tasks, the progress form, conflicts, the plan overview.
    Unit,
    /// Everything: also the dashboard, the plan editor and import, a task's history.
    Office,
}

impl std::str::FromStr for Role {
    type Err = Error;
    fn from_str(s: &str) -> Result<Role, Error> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                Error::InvalidValue(format!(
                    "vai trò không hợp lệ: {s} (unit_editor, agency_admin, province_viewer, system_admin)"
                ))
            })
    }
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
