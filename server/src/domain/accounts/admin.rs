//! Account administration: create an account for a unit (a short username suggested from the
//! unit, a password generated and shown once), close or reopen it, reset its password, move it
//! to another unit — and the audit of every such action. One implementation for the command line
//! (`tiendo user`, the server's machine: [`Actor::Machine`]) and the API (`/api/accounts`).
//!
//! Stage: *gate*, beside sign-in. Who may act on whom ([`may_administer`]):
//! - the server's machine and a system administrator: every account, every role;
//! - an agency's administrator: the unit editors and unit heads of its own agency, and only
//!   within it (an account moved stays in the agency);
//! - nobody else. Nobody closes their own account.

use std::collections::BTreeSet;

use tiendo_shared::api::{Account, AccountEvent, AccountWithPassword, NewAccount};
use tiendo_shared::model::{Agency, Date, text};

use super::{NewUser, Role, User, generate_password, validate_username};
use crate::domain::error::{DomainError, Result};
use crate::store::Store;

/// Who acts.
#[derive(Debug, Clone)]
pub enum Actor {
    /// The server's own machine (`tiendo user …`): whoever may run it runs the server.
    Machine,
    /// A signed-in user.
    User(User),
}

impl Actor {
    /// The name the audit records.
    pub fn name(&self) -> String {
        match self {
            Actor::Machine => "máy chủ".into(),
            Actor::User(u) => u.username.clone(),
        }
    }

    /// The agency whose accounts it is limited to (`None`: every agency).
    fn agency(&self) -> Option<&str> {
        match self {
            Actor::User(u) if u.role == Role::AgencyAdmin => u.agency_id.as_deref(),
            _ => None,
        }
    }
}

/// Whether `actor` may act on an account of `role` in agency `agency`.
pub fn may_administer(actor: &Actor, role: Role, agency: Option<&str>) -> Result<()> {
    match actor {
        Actor::Machine => Ok(()),
        Actor::User(u) if u.role == Role::SystemAdmin => Ok(()),
        Actor::User(u) if u.role == Role::AgencyAdmin => {
            if !role.is_unit_member() {
                return Err(DomainError::Forbidden(
                    "quản trị cơ quan chỉ quản lý tài khoản cập nhật tiến độ và lãnh đạo đơn vị"
                        .into(),
                ));
            }
            if agency.is_none() || agency != u.agency_id.as_deref() {
                return Err(DomainError::Forbidden(
                    "tài khoản thuộc cơ quan khác: chỉ quản trị cơ quan đó hoặc quản trị hệ thống \
                     quản lý được"
                        .into(),
                ));
            }
            Ok(())
        }
        Actor::User(_) => Err(DomainError::Forbidden(
            "chỉ quản trị cơ quan hoặc quản trị hệ thống quản lý tài khoản".into(),
        )),
    }
}

/// May `actor` administer accounts at all (checked before any body is read).
pub fn may_administer_any(actor: &Actor) -> Result<()> {
    match actor {
        Actor::User(u) if !matches!(u.role, Role::AgencyAdmin | Role::SystemAdmin) => {
            Err(DomainError::Forbidden(
                "chỉ quản trị cơ quan hoặc quản trị hệ thống quản lý tài khoản".into(),
            ))
        }
        _ => Ok(()),
    }
}

/// An account as its administrators see it.
pub fn account(u: &User) -> Account {
    Account {
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role,
        agency_id: u.agency_id.clone(),
        unit_id: u.unit_id.clone(),
        disabled: u.disabled,
    }
}

/// The short, typeable stem of a username for the unit named `unit_name`: its distinctive
/// words run together (`Thanh tra Sở` → `thanhtra`) or, for a long name, their initials
/// (`Phòng Hành chính – Tổng hợp` → `hcth`).
pub fn username_stem(unit_name: &str) -> String {
    const FILLER: &[&str] = &["và", "các", "thuộc", "sở", "của"];
    let key = text::key(unit_name);
    let words: Vec<&str> = key
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !FILLER.contains(w))
        .collect();
    let words: Vec<String> = match words.as_slice() {
        ["phòng", rest @ ..] if !rest.is_empty() => rest.to_vec(),
        _ => words,
    }
    .into_iter()
    .map(text::slug)
    .filter(|w| !w.is_empty())
    .collect();
    let mut base: String = if words.len() <= 2 {
        words.concat().replace('-', "")
    } else {
        words.iter().filter_map(|w| w.chars().next()).collect()
    };
    base.truncate(12);
    if base.len() < 2 {
        base = "donvi".into();
    }
    base
}

/// A short, typeable username for an account of the unit named `unit_name`:
/// [`username_stem`], then `.01`, `.02`… the first not `taken`.
pub fn suggest_username(unit_name: &str, taken: &BTreeSet<String>) -> String {
    let base = username_stem(unit_name);
    (1..)
        .map(|n| format!("{base}.{n:02}"))
        .find(|name| !taken.contains(name))
        .expect("some number is free")
}

/// The unit `unit_id` of agency `agency` (when `None`: the only agency that has it) that
/// exists on `today`, with its agency and name.
fn unit_of<'a>(
    agencies: &'a [Agency],
    agency: Option<&str>,
    unit_id: &str,
    today: Date,
) -> Result<(&'a Agency, String)> {
    let found: Vec<(&Agency, String)> = agencies
        .iter()
        .filter(|a| agency.is_none_or(|id| a.id == id))
        .filter_map(|a| {
            let u = a.unit(unit_id)?;
            a.lineage()
                .valid(unit_id, today)
                .then(|| (a, u.name.clone()))
        })
        .collect();
    match found.len() {
        1 => Ok(found.into_iter().next().expect("one")),
        0 => Err(DomainError::BadRequest(format!(
            "không có đơn vị {unit_id} (đang tồn tại){}",
            agency
                .map(|a| format!(" trong cơ quan {a}"))
                .unwrap_or_default()
        ))),
        _ => Err(DomainError::BadRequest(format!(
            "đơn vị {unit_id} có ở nhiều cơ quan: hãy chọn cơ quan"
        ))),
    }
}

async fn audit(
    store: &Store,
    actor: &Actor,
    action: &str,
    target: &User,
    detail: String,
) -> Result<()> {
    store
        .record_account_event(&AccountEvent {
            at: crate::unix_now() * 1000,
            actor: actor.name(),
            action: action.into(),
            username: target.username.clone(),
            agency_id: target.agency_id.clone(),
            detail,
        })
        .await?;
    tracing::info!(actor = %actor.name(), action, user = %target.username, "account action");
    Ok(())
}

/// Creates an account (see the module rules); the password is generated unless `password` is
/// given (the command line's `--password-stdin`).
pub async fn create(
    store: &Store,
    agencies: &[Agency],
    actor: &Actor,
    new: NewAccount,
    password: Option<String>,
    today: Date,
) -> Result<AccountWithPassword> {
    let (agency_id, unit) = match (&new.unit_id, new.role.needs_unit()) {
        (Some(u), true) => {
            let wanted = new.agency_id.as_deref().or(actor.agency());
            let (agency, name) = unit_of(agencies, wanted, u, today)?;
            (Some(agency.id.clone()), Some((u.clone(), name)))
        }
        (None, true) => {
            return Err(DomainError::BadRequest(format!(
                "vai trò {} cần chọn đơn vị",
                new.role.label()
            )));
        }
        (Some(_), false) => {
            return Err(DomainError::BadRequest(format!(
                "vai trò {} không gắn với đơn vị",
                new.role.label()
            )));
        }
        (None, false) => (None, None),
    };
    may_administer(actor, new.role, agency_id.as_deref())?;
    let username = match new
        .username
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(name) => validate_username(name).map_err(DomainError::BadRequest)?,
        None => {
            let taken: BTreeSet<String> = store
                .users()
                .await?
                .into_iter()
                .map(|u| u.username)
                .collect();
            let from = unit.as_ref().map_or("tai khoan", |(_, name)| name.as_str());
            suggest_username(from, &taken)
        }
    };
    let password = password.unwrap_or_else(generate_password);
    let display_name = new
        .display_name
        .filter(|n| !n.trim().is_empty())
        .or_else(|| unit.as_ref().map(|(_, name)| name.clone()))
        .unwrap_or_default();
    let user = store
        .add_user(NewUser {
            username,
            display_name,
            role: new.role,
            agency_id,
            unit_id: unit.map(|(id, _)| id),
            password: password.clone(),
        })
        .await?;
    let detail = format!(
        "{}{}",
        user.role.label(),
        user.unit_id
            .as_deref()
            .map(|u| format!(", đơn vị {u}"))
            .unwrap_or_default()
    );
    audit(store, actor, "create", &user, detail).await?;
    Ok(AccountWithPassword {
        account: account(&user),
        password,
    })
}

/// The account `username`, if `actor` may act on it.
async fn target(store: &Store, actor: &Actor, username: &str) -> Result<User> {
    let user = store
        .user(&username.trim().to_lowercase())
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("tài khoản {username}")))?;
    may_administer(actor, user.role, user.agency_id.as_deref())?;
    Ok(user)
}

/// Closes (or reopens) an account; closing ends its sessions (the caller ends its sync
/// connections). Nobody closes their own.
pub async fn set_disabled(
    store: &Store,
    actor: &Actor,
    username: &str,
    disabled: bool,
) -> Result<User> {
    let user = target(store, actor, username).await?;
    if let Actor::User(me) = actor
        && me.id == user.id
        && disabled
    {
        return Err(DomainError::BadRequest(
            "không thể tự khoá tài khoản của mình".into(),
        ));
    }
    let user = store.set_disabled(&user.username, disabled).await?;
    let action = if disabled { "disable" } else { "enable" };
    audit(store, actor, action, &user, String::new()).await?;
    Ok(user)
}

/// Sets a new password (generated unless given) and ends the account's sessions.
pub async fn reset_password(
    store: &Store,
    actor: &Actor,
    username: &str,
    password: Option<String>,
) -> Result<AccountWithPassword> {
    let user = target(store, actor, username).await?;
    let password = password.unwrap_or_else(generate_password);
    store.set_password(&user.username, &password).await?;
    audit(store, actor, "reset_password", &user, String::new()).await?;
    Ok(AccountWithPassword {
        account: account(&user),
        password,
    })
}

/// Moves a unit member to another unit that exists today (an agency's administrator: within
/// its agency).
pub async fn move_to(
    store: &Store,
    agencies: &[Agency],
    actor: &Actor,
    username: &str,
    agency: Option<&str>,
    unit_id: &str,
    today: Date,
) -> Result<User> {
    let user = target(store, actor, username).await?;
    if !user.role.needs_unit() {
        return Err(DomainError::BadRequest(format!(
            "tài khoản {} không gắn với đơn vị",
            user.username
        )));
    }
    let wanted = agency.or(user.agency_id.as_deref());
    let (agency, _) = unit_of(agencies, wanted, unit_id, today)?;
    may_administer(actor, user.role, Some(&agency.id))?;
    let moved = store.move_user(&user.username, &agency.id, unit_id).await?;
    let detail = format!(
        "từ {} sang {unit_id}",
        user.unit_id.as_deref().unwrap_or("–")
    );
    audit(store, actor, "move", &moved, detail).await?;
    Ok(moved)
}

/// The accounts `actor` administers, by name.
pub async fn list(store: &Store, actor: &Actor) -> Result<Vec<Account>> {
    Ok(store
        .users()
        .await?
        .iter()
        .filter(|u| may_administer(actor, u.role, u.agency_id.as_deref()).is_ok())
        .map(account)
        .collect())
}

/// The latest `limit` actions on the accounts `actor` administers, newest first.
pub async fn events(store: &Store, actor: &Actor, limit: i64) -> Result<Vec<AccountEvent>> {
    Ok(store.account_events(actor.agency(), limit).await?)
}

/// Records that `user` changed their own password.
pub async fn changed_own_password(store: &Store, user: &User) -> Result<()> {
    audit(
        store,
        &Actor::User(user.clone()),
        "change_password",
        user,
        String::new(),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_short_and_typeable_and_numbered() {
        let none = BTreeSet::new();
        assert_eq!(suggest_username("Thanh tra Sở", &none), "thanhtra.01");
        assert_eq!(
            suggest_username("Phòng Hành chính – Tổng hợp", &none),
            "hcth.01"
        );
        assert_eq!(suggest_username("Văn phòng", &none), "vanphong.01");
        assert_eq!(suggest_username("Phòng Chuyển đổi số", &none), "cds.01");
        let taken = BTreeSet::from(["thanhtra.01".to_string(), "thanhtra.02".to_string()]);
        assert_eq!(suggest_username("Thanh tra Sở", &taken), "thanhtra.03");
        assert!(
            validate_username(&suggest_username(
                "Trung tâm Thông tin và Thống kê KH&CN",
                &none
            ))
            .is_ok()
        );
    }

    #[test]
    fn an_agency_admin_administers_only_its_own_units_members() {
        let admin = Actor::User(User {
            id: 1,
            username: "admin.a".into(),
            display_name: String::new(),
            role: Role::AgencyAdmin,
            agency_id: Some("a".into()),
            unit_id: Some("vp".into()),
            disabled: false,
        });
        assert!(may_administer(&admin, Role::UnitEditor, Some("a")).is_ok());
        assert!(may_administer(&admin, Role::UnitHead, Some("a")).is_ok());
        assert!(may_administer(&admin, Role::UnitEditor, Some("b")).is_err());
        assert!(may_administer(&admin, Role::AgencyAdmin, Some("a")).is_err());
        assert!(may_administer(&admin, Role::ProvinceViewer, None).is_err());
        assert!(may_administer(&Actor::Machine, Role::SystemAdmin, None).is_ok());
    }
}
