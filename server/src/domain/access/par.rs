//! Who may do what with the PAR index: keep the criteria sets, read and consolidate an agency's
//! assessment, approve and send it, appraise it, and read a group's ranking.
//!
//! Stage: *domain*, under [`super`]: each rule asked of the signed-in user before a byte of the
//! request's body is read, and again with the agency concerned.

use super::{DomainError, Result};
use crate::domain::accounts::{Role, User};

fn own_agency(user: &User, agency_id: &str) -> bool {
    user.agency_id.as_deref() == Some(agency_id)
}

/// Import, edit and announce criteria sets: the province's appraisal team and system
/// administrators.
pub fn may_keep_criteria(user: &User) -> Result<()> {
    match user.role {
        Role::SystemAdmin | Role::ProvinceAppraiser => Ok(()),
        _ => Err(DomainError::Forbidden(
            "bộ tiêu chí do Sở Nội vụ (tổ thẩm định) hoặc quản trị hệ thống quản lý".into(),
        )),
    }
}

/// Read an agency's assessment: its office and head, the province, system administrators. A
/// unit reads only its own sub-criteria, in its own progress document.
pub fn may_read_assessment(user: &User, agency_id: &str) -> Result<()> {
    match user.role {
        Role::SystemAdmin | Role::ProvinceViewer | Role::ProvinceAppraiser => Ok(()),
        Role::AgencyAdmin | Role::AgencyHead if own_agency(user, agency_id) => Ok(()),
        Role::AgencyAdmin | Role::AgencyHead => Err(DomainError::Forbidden(
            "chỉ xem được bản tự đánh giá của cơ quan mình".into(),
        )),
        Role::UnitEditor | Role::UnitHead => Err(DomainError::Forbidden(
            "đơn vị chấm các tiêu chí được giao ngay trên máy của mình; bản tổng hợp do văn phòng xem"
                .into(),
        )),
    }
}

/// Consolidate an assessment (assign, confirm or override, add, proposals, remediation): the
/// agency's office (and system administrators).
pub fn may_consolidate(user: &User, agency_id: &str) -> Result<()> {
    match user.role {
        Role::SystemAdmin => Ok(()),
        Role::AgencyAdmin if own_agency(user, agency_id) => Ok(()),
        _ => Err(DomainError::Forbidden(
            "chỉ đầu mối tổng hợp của cơ quan tổng hợp được bản tự đánh giá".into(),
        )),
    }
}

/// Approve and send an assessment: the agency's head, no one else (not even a system
/// administrator: the approval is the head's signature).
pub fn may_file(user: &User, agency_id: &str) -> Result<()> {
    match user.role {
        Role::AgencyHead if own_agency(user, agency_id) => Ok(()),
        _ => Err(DomainError::Forbidden(
            "chỉ thủ trưởng cơ quan duyệt và gửi được bản tự đánh giá".into(),
        )),
    }
}

/// Appraise (review, survey, council): the province's appraisal team and system
/// administrators.
pub fn may_appraise(user: &User) -> Result<()> {
    match user.role {
        Role::SystemAdmin | Role::ProvinceAppraiser => Ok(()),
        _ => Err(DomainError::Forbidden(
            "chỉ tổ thẩm định của Sở Nội vụ thẩm định được".into(),
        )),
    }
}

/// Read a group's ranking: the province and system administrators always; an agency's people
/// once the province has announced the results.
pub fn may_see_ranking(user: &User, announced: bool) -> Result<()> {
    match user.role {
        Role::SystemAdmin | Role::ProvinceViewer | Role::ProvinceAppraiser => Ok(()),
        _ if announced => Ok(()),
        _ => Err(DomainError::Forbidden(
            "kết quả xếp hạng chỉ xem được sau khi tỉnh công bố".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, agency: Option<&str>) -> User {
        User {
            id: 1,
            username: "u".into(),
            display_name: "u".into(),
            role,
            agency_id: agency.map(str::to_string),
            unit_id: agency.map(|_| "vp".to_string()),
            disabled: false,
        }
    }

    #[test]
    fn the_par_acts_fall_to_their_roles() {
        let ok = |r: Result<()>| r.is_ok();
        let rows = [
            // role, agency: read own, read other, consolidate own, file own, appraise, keep criteria, ranking before announcement
            (
                Role::UnitEditor,
                Some("a"),
                [false, false, false, false, false, false, false],
            ),
            (
                Role::UnitHead,
                Some("a"),
                [false, false, false, false, false, false, false],
            ),
            (
                Role::AgencyAdmin,
                Some("a"),
                [true, false, true, false, false, false, false],
            ),
            (
                Role::AgencyHead,
                Some("a"),
                [true, false, false, true, false, false, false],
            ),
            (
                Role::ProvinceViewer,
                None,
                [true, true, false, false, false, false, true],
            ),
            (
                Role::ProvinceAppraiser,
                None,
                [true, true, false, false, true, true, true],
            ),
            (
                Role::SystemAdmin,
                None,
                [true, true, true, false, true, true, true],
            ),
        ];
        for (role, agency, expected) in rows {
            let u = user(role, agency);
            let got = [
                ok(may_read_assessment(&u, "a")),
                ok(may_read_assessment(&u, "b")),
                ok(may_consolidate(&u, "a")),
                ok(may_file(&u, "a")),
                ok(may_appraise(&u)),
                ok(may_keep_criteria(&u)),
                ok(may_see_ranking(&u, false)),
            ];
            assert_eq!(got, expected, "{role:?}");
            assert!(
                ok(may_see_ranking(&u, true)),
                "{role:?} after the announcement"
            );
        }
        let other_head = user(Role::AgencyHead, Some("b"));
        assert!(may_file(&other_head, "a").is_err());
        let other_office = user(Role::AgencyAdmin, Some("b"));
        assert!(may_consolidate(&other_office, "a").is_err());
    }
}
