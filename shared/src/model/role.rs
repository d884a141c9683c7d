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
    /// The head of the agency (thủ trưởng cơ quan: Giám đốc Sở, Chủ tịch UBND xã): reads the
    /// whole agency like its office, approves its PAR-index self-assessment and sends it to the
    /// province. Sits in a unit (usually the office) like the office's accounts.
    AgencyHead,
    /// Province level (Sở Nội vụ): reads every agency.
    ProvinceViewer,
    /// Province level, the PAR-index appraisal team (tổ thẩm định, Sở Nội vụ): reads every
    /// agency, keeps the criteria sets, appraises the agencies' assessments and records the
    /// council's decision and the announcement.
    ProvinceAppraiser,
    /// Runs the server: everything.
    SystemAdmin,
}

impl Role {
    /// Every role, in order.
    pub const ALL: [Role; 7] = [
        Role::UnitEditor,
        Role::UnitHead,
        Role::AgencyAdmin,
        Role::AgencyHead,
        Role::ProvinceViewer,
        Role::ProvinceAppraiser,
        Role::SystemAdmin,
    ];

    /// The name used in the database, the API and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::UnitEditor => "unit_editor",
            Role::UnitHead => "unit_head",
            Role::AgencyAdmin => "agency_admin",
            Role::AgencyHead => "agency_head",
            Role::ProvinceViewer => "province_viewer",
            Role::ProvinceAppraiser => "province_appraiser",
            Role::SystemAdmin => "system_admin",
        }
    }

    /// The Vietnamese label.
    pub fn label(self) -> &'static str {
        match self {
            Role::UnitEditor => "Cập nhật tiến độ đơn vị",
            Role::UnitHead => "Lãnh đạo đơn vị (duyệt báo cáo)",
            Role::AgencyAdmin => "Đầu mối tổng hợp của cơ quan",
            Role::AgencyHead => "Thủ trưởng cơ quan (duyệt tự đánh giá Chỉ số CCHC)",
            Role::ProvinceViewer => "Theo dõi cấp tỉnh",
            Role::ProvinceAppraiser => "Thẩm định Chỉ số CCHC (Sở Nội vụ)",
            Role::SystemAdmin => "Quản trị hệ thống",
        }
    }

    /// Whether users of this role belong to a unit of an agency.
    pub fn needs_unit(self) -> bool {
        matches!(
            self,
            Role::UnitEditor | Role::UnitHead | Role::AgencyAdmin | Role::AgencyHead
        )
    }

    /// Whether the role reads every agency (the province's).
    pub fn is_province(self) -> bool {
        matches!(self, Role::ProvinceViewer | Role::ProvinceAppraiser)
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
            Role::AgencyAdmin
            | Role::AgencyHead
            | Role::ProvinceViewer
            | Role::ProvinceAppraiser
            | Role::SystemAdmin => ClientBuild::Office,
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
                    "vai trò không hợp lệ: {s} (unit_editor, unit_head, agency_admin, agency_head, province_viewer, province_appraiser, system_admin)"
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
