//! The accounts' requests and answers (`/api/accounts`): who may sign in, as what, and what
//! happened to each account.
//!
//! Stage: *HTTP*, beside sync, like the rest of [`crate::api`].

use serde::{Deserialize, Serialize};

use crate::model::role::Role;

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
