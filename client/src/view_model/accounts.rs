//! The "Tài khoản" screen's rules: the user's own password change (checked here before a request
//! is sent, the server checking again), and for administrators the accounts they administer as
//! rows by unit, the choices of a new account, and the audit as readable lines.
//!
//! Stage: *view model*, pure: the API's answers (`shared::api`) and the agency in, rows and
//! messages out.

use tiendo_shared::api::{Account, AccountEvent, NewAccount, PasswordChange};
use tiendo_shared::model::role::Role;
use tiendo_shared::model::{Agency, Date};

use super::reporting::when;
use crate::error::ClientError;

/// The shortest password the server accepts (`server::accounts::MIN_PASSWORD_LEN`).
pub const MIN_PASSWORD_LEN: usize = 8;

/// The password form as typed: the current password, the new one and its repetition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PasswordForm {
    /// The current password.
    pub current: String,
    /// The new one.
    pub new: String,
    /// The new one again.
    pub repeat: String,
}

impl PasswordForm {
    /// The request to send, or what is wrong with the form, said as the user would fix it.
    pub fn request(&self) -> Result<PasswordChange, ClientError> {
        if self.current.is_empty() {
            return Err(ClientError::invalid("Nhập mật khẩu hiện tại."));
        }
        if self.new.chars().count() < MIN_PASSWORD_LEN {
            return Err(ClientError::Invalid(format!(
                "Mật khẩu mới phải có ít nhất {MIN_PASSWORD_LEN} ký tự."
            )));
        }
        if self.new != self.repeat {
            return Err(ClientError::invalid(
                "Hai lần nhập mật khẩu mới không khớp.",
            ));
        }
        if self.new == self.current {
            return Err(ClientError::invalid(
                "Mật khẩu mới phải khác mật khẩu hiện tại.",
            ));
        }
        Ok(PasswordChange {
            current: self.current.clone(),
            new: self.new.clone(),
        })
    }
}

/// One account as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// The role's label.
    pub role: &'static str,
    /// The unit's name as of today (the id when the agency does not know it).
    pub unit: String,
    /// The unit's id.
    pub unit_id: Option<String>,
    /// Closed.
    pub disabled: bool,
}

/// The accounts, grouped by unit in the agency's order (units the agency does not know, and
/// accounts without a unit, last), by name within a unit.
pub fn rows(accounts: &[Account], agency: Option<&Agency>, today: Date) -> Vec<AccountRow> {
    let order = |a: &Account| -> (usize, String) {
        let position = agency
            .zip(a.unit_id.as_deref())
            .and_then(|(ag, u)| ag.units.iter().position(|x| x.id == u))
            .unwrap_or(usize::MAX);
        (position, a.username.clone())
    };
    let mut sorted: Vec<&Account> = accounts.iter().collect();
    sorted.sort_by_key(|a| order(a));
    sorted
        .into_iter()
        .map(|a| AccountRow {
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            role: a.role.label(),
            unit: match (agency, a.unit_id.as_deref()) {
                (Some(ag), Some(u)) if a.agency_id.as_deref().is_none_or(|id| id == ag.id) => {
                    ag.unit_name_on(u, today)
                }
                (_, Some(u)) => u.to_string(),
                (_, None) => "—".into(),
            },
            unit_id: a.unit_id.clone(),
            disabled: a.disabled,
        })
        .collect()
}

/// The units an account may be created for or moved to: those of `agency` that exist today,
/// `(id, name)` in the agency's order.
pub fn unit_choices(agency: &Agency, today: Date) -> Vec<(String, String)> {
    let lineage = agency.lineage();
    agency
        .units
        .iter()
        .filter(|u| lineage.valid(&u.id, today) && lineage.end_of(&u.id).is_none())
        .map(|u| (u.id.clone(), u.name.clone()))
        .collect()
}

/// The roles an administrator may give: an agency admin its units' editors and heads; a system
/// administrator every role but its own — agency administrators, agency heads (who approve and
/// send the PAR-index self-assessment), province viewers and the province's appraisal team.
pub fn role_choices(admin: Role) -> Vec<Role> {
    match admin {
        Role::SystemAdmin => vec![
            Role::UnitEditor,
            Role::UnitHead,
            Role::AgencyAdmin,
            Role::AgencyHead,
            Role::ProvinceViewer,
            Role::ProvinceAppraiser,
        ],
        Role::AgencyAdmin => vec![Role::UnitEditor, Role::UnitHead],
        _ => Vec::new(),
    }
}

/// The new-account form as chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewAccountForm {
    /// The role's name (`Role::as_str`); empty: none chosen.
    pub role: String,
    /// The unit's id; empty: none chosen.
    pub unit_id: String,
    /// The name shown; empty: the unit's.
    pub display_name: String,
    /// The login name; empty: the server suggests one (`thanhtra.01`).
    pub username: String,
}

impl NewAccountForm {
    /// The request, in agency `agency_id`, or what is missing.
    pub fn request(&self, agency_id: Option<&str>) -> Result<NewAccount, ClientError> {
        let role: Role = self
            .role
            .parse()
            .map_err(|_| ClientError::invalid("Chọn vai trò."))?;
        let unit_id = if role.needs_unit() {
            if self.unit_id.is_empty() {
                return Err(ClientError::invalid("Chọn đơn vị của tài khoản."));
            }
            Some(self.unit_id.clone())
        } else {
            None
        };
        let username = self.username.trim().to_lowercase();
        let typeable = username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if !username.is_empty() && (!typeable || !(2..=64).contains(&username.len())) {
            return Err(ClientError::invalid(
                "Tên đăng nhập: 2–64 ký tự, chỉ chữ không dấu a-z, số 0-9 và '.', '_', '-'.",
            ));
        }
        let display_name = self.display_name.trim();
        Ok(NewAccount {
            role,
            agency_id: unit_id.as_ref().and(agency_id.map(str::to_string)),
            unit_id,
            display_name: (!display_name.is_empty()).then(|| display_name.to_string()),
            username: (!username.is_empty()).then_some(username),
        })
    }
}

/// What an audit action is called.
pub fn action_label(action: &str) -> &str {
    match action {
        "create" => "tạo tài khoản",
        "disable" => "khoá",
        "enable" => "mở khoá",
        "reset_password" => "cấp lại mật khẩu",
        "change_password" => "tự đổi mật khẩu",
        "move" => "chuyển đơn vị",
        other => other,
    }
}

/// One audit line: "dd/mm/yyyy hh:mm — who: what — whose (details)".
pub fn event_line(e: &AccountEvent) -> String {
    let detail = if e.detail.is_empty() {
        String::new()
    } else {
        format!(" ({})", e.detail)
    };
    format!(
        "{} — {}: {} — {}{detail}",
        when(e.at),
        e.actor,
        action_label(&e.action),
        e.username
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(current: &str, new: &str, repeat: &str) -> PasswordForm {
        PasswordForm {
            current: current.into(),
            new: new.into(),
            repeat: repeat.into(),
        }
    }

    #[test]
    fn a_password_change_says_what_to_fix_before_it_is_sent() {
        assert!(form("", "mat-khau-moi", "mat-khau-moi").request().is_err());
        assert!(
            form("cu-12345", "ngan", "ngan")
                .request()
                .unwrap_err()
                .to_string()
                .contains("8 ký tự")
        );
        assert!(
            form("cu-12345", "mat-khau-moi", "mat-khau-mo")
                .request()
                .unwrap_err()
                .to_string()
                .contains("không khớp")
        );
        assert!(
            form("mat-khau-moi", "mat-khau-moi", "mat-khau-moi")
                .request()
                .is_err()
        );
        let ok = form("cu-12345", "mat-khau-moi", "mat-khau-moi")
            .request()
            .unwrap();
        assert_eq!(
            (ok.current.as_str(), ok.new.as_str()),
            ("cu-12345", "mat-khau-moi")
        );
    }

    #[test]
    fn a_new_account_needs_a_role_and_for_unit_roles_a_unit() {
        let mut f = NewAccountForm::default();
        assert!(
            f.request(Some("so-khcn"))
                .unwrap_err()
                .to_string()
                .contains("vai trò")
        );
        f.role = "unit_editor".into();
        assert!(
            f.request(Some("so-khcn"))
                .unwrap_err()
                .to_string()
                .contains("đơn vị")
        );
        f.unit_id = "thanh-tra-so".into();
        let r = f.request(Some("so-khcn")).unwrap();
        assert_eq!(r.role, Role::UnitEditor);
        assert_eq!(r.unit_id.as_deref(), Some("thanh-tra-so"));
        assert_eq!(r.agency_id.as_deref(), Some("so-khcn"));
        assert_eq!(r.username, None, "the server suggests one");
        f.username = "Thanh Tra".into();
        assert!(f.request(None).unwrap_err().to_string().contains("a-z"));
        f.username = "ThanhTra.02".into();
        assert_eq!(
            f.request(None).unwrap().username.as_deref(),
            Some("thanhtra.02")
        );
        let province = NewAccountForm {
            role: "province_viewer".into(),
            unit_id: "thanh-tra-so".into(),
            ..Default::default()
        };
        let r = province.request(Some("so-khcn")).unwrap();
        assert_eq!(
            (r.unit_id, r.agency_id),
            (None, None),
            "a province viewer has no unit"
        );
    }

    #[test]
    fn only_administrators_are_offered_roles_to_give() {
        assert!(role_choices(Role::UnitHead).is_empty());
        assert_eq!(
            role_choices(Role::AgencyAdmin),
            [Role::UnitEditor, Role::UnitHead],
            "the server refuses an agency admin any other"
        );
        assert!(role_choices(Role::SystemAdmin).contains(&Role::ProvinceViewer));
        assert!(!role_choices(Role::AgencyAdmin).contains(&Role::AgencyHead));
    }

    #[test]
    fn a_system_administrator_gives_the_par_index_roles_an_agency_head_in_a_unit() {
        let roles = role_choices(Role::SystemAdmin);
        assert!(roles.contains(&Role::AgencyHead) && roles.contains(&Role::ProvinceAppraiser));
        let head = NewAccountForm {
            role: Role::AgencyHead.as_str().into(),
            ..NewAccountForm::default()
        };
        assert!(
            head.request(Some("a")).is_err(),
            "an agency head sits in a unit"
        );
        let head = NewAccountForm {
            unit_id: "vp".into(),
            ..head
        };
        let req = head.request(Some("a")).unwrap();
        assert_eq!(
            (req.role, req.agency_id.as_deref()),
            (Role::AgencyHead, Some("a"))
        );
        let appraiser = NewAccountForm {
            role: Role::ProvinceAppraiser.as_str().into(),
            unit_id: "vp".into(),
            ..NewAccountForm::default()
        };
        let req = appraiser.request(Some("a")).unwrap();
        assert_eq!(
            (req.unit_id, req.agency_id),
            (None, None),
            "the province's team has no unit"
        );
        assert_eq!(
            Role::ProvinceAppraiser.label(),
            "Thẩm định Chỉ số CCHC (Sở Nội vụ)"
        );
    }

    #[test]
    fn audit_lines_say_when_who_what_and_whose_in_vietnamese() {
        let e = AccountEvent {
            // 07/12/2026 16:28 in Vietnam.
            at: 1_796_635_680_000,
            actor: "hcth".into(),
            action: "reset_password".into(),
            username: "thanhtra.01".into(),
            agency_id: None,
            detail: String::new(),
        };
        assert_eq!(
            event_line(&e),
            "07/12/2026 16:28 — hcth: cấp lại mật khẩu — thanhtra.01"
        );
    }
}
