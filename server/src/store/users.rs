//! Accounts and sessions in the store: users, password hashes, and the SHA-256 of each session
//! token. The rules (roles, lock-outs, what a valid name or password is) and the password
//! hashing are the accounts module's: the store receives validated values and hashes.
//!
//! Stage: *the store*, behind the gate.

use std::collections::HashSet;
use std::time::Duration;

use rand::Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tiendo_shared::model::role::Role;

use super::{Result, Store, StoreError, unix_now};

/// A user account (never carries the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    /// Login name (lower case).
    pub username: String,
    /// Name shown in the interface.
    pub display_name: String,
    pub role: Role,
    /// The agency, for unit editors and agency admins.
    pub agency_id: Option<String>,
    /// The unit, for unit editors and agency admins.
    pub unit_id: Option<String>,
    /// A disabled user cannot sign in and loses its sessions.
    pub disabled: bool,
}

/// An account to store, validated by the caller (the name lower-case and well-formed, the role
/// with the agency and unit it needs) with its password already hashed.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    /// Name shown in the interface.
    pub display_name: String,
    pub role: Role,
    pub agency_id: Option<String>,
    pub unit_id: Option<String>,
    /// The password's PHC string.
    pub password_hash: String,
}

/// The SHA-256 of a session token, as stored (only the hash is kept).
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The columns a user is read from, in [`user_from`]'s order.
pub(crate) const USER_COLUMNS: &str =
    "id, username, display_name, role, agency_id, unit_id, disabled";

/// A user from its columns (an unknown role reads as a unit editor).
pub(crate) fn user_from(
    id: i64,
    username: String,
    display_name: String,
    role: String,
    agency_id: Option<String>,
    unit_id: Option<String>,
    disabled: bool,
) -> User {
    User {
        id,
        username,
        display_name,
        role: role.parse().unwrap_or(Role::UnitEditor),
        agency_id,
        unit_id,
        disabled,
    }
}

/// Creates a user unless the name is taken (both engines).
pub(crate) const INSERT: &str = "INSERT INTO users
                                   (username, display_name, role, agency_id, unit_id, password_hash)
                                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING";
/// A session's user and expiry, unexpired at `$2` (both engines).
pub(crate) const SESSION_USER: &str =
    "SELECT u.id, u.username, u.display_name, u.role, u.agency_id, u.unit_id,
            u.disabled, s.expires_at
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = $1 AND s.expires_at > $2";
/// Opens a session (both engines).
pub(crate) const CREATE_SESSION: &str =
    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";
/// Forgets the expired sessions (both engines).
pub(crate) const EXPIRE_SESSIONS: &str = "DELETE FROM sessions WHERE expires_at <= $1";
/// Ends one session (both engines).
pub(crate) const DELETE_SESSION: &str = "DELETE FROM sessions WHERE token_hash = $1";
/// Ends every session of a user (both engines).
pub(crate) const END_SESSIONS: &str = "DELETE FROM sessions WHERE user_id = $1";
/// Sets a user's password hash (both engines).
pub(crate) const SET_HASH: &str = "UPDATE users SET password_hash = $1 WHERE id = $2";
/// Moves a user to another unit (both engines).
pub(crate) const MOVE: &str = "UPDATE users SET agency_id = $1, unit_id = $2 WHERE id = $3";
/// Disables or enables a user (both engines).
pub(crate) const SET_DISABLED: &str = "UPDATE users SET disabled = $1 WHERE id = $2";
/// Moves a user within its agency (both engines).
pub(crate) const SET_UNIT: &str = "UPDATE users SET unit_id = $1 WHERE id = $2";

/// A user and their password hash, by name (both engines).
pub(crate) fn with_hash_sql() -> String {
    format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1")
}

/// Users read by `condition` (a `WHERE` or `ORDER BY` clause over `$` parameters; both
/// engines).
pub(crate) fn users_sql(condition: &str) -> String {
    format!("SELECT {USER_COLUMNS} FROM users {condition}")
}

/// The contract of the accounts' rows. On PostgreSQL, a change that may end sessions (a
/// password, a move, a disabling) is announced to the other nodes in its transaction.
#[async_trait::async_trait]
pub(crate) trait Users: Send + Sync {
    /// Creates a user; `false` when the name is taken.
    async fn insert(&self, new: NewAccount) -> Result<bool>;
    /// Every user, by name.
    async fn all(&self) -> Result<Vec<User>>;
    /// The user called `name` (as given: lower-cased by the caller).
    async fn by_name(&self, name: String) -> Result<Option<User>>;
    /// The user whose id is `id`.
    async fn by_id(&self, id: i64) -> Result<Option<User>>;
    /// The user called `name` and their password hash.
    async fn with_hash(&self, name: String) -> Result<Option<(User, String)>>;
    /// Sets user `id`'s password hash and ends their sessions but `keep` (a token hash).
    async fn set_password_hash(&self, id: i64, hash: String, keep: Option<Vec<u8>>) -> Result<()>;
    /// Moves user `id` to unit `unit` of agency `agency`.
    async fn move_to(&self, id: i64, agency: String, unit: String) -> Result<()>;
    /// Disables (ending its sessions) or re-enables user `id`.
    async fn set_disabled(&self, id: i64, disabled: bool) -> Result<()>;
    /// Moves the users of `unit` of `agency` to unit `to`, or disables the enabled ones when
    /// `to` is `None` (their sessions stay); returns them as they were.
    async fn follow_unit(
        &self,
        agency: String,
        unit: String,
        to: Option<String>,
    ) -> Result<Vec<User>>;
}

/// The contract of the sessions' rows (kept by token hash).
#[async_trait::async_trait]
pub(crate) trait Sessions: Send + Sync {
    /// Forgets sessions expired at `now` and opens one.
    async fn create(&self, hash: Vec<u8>, user_id: i64, now: i64, expires: i64) -> Result<()>;
    /// The user of the session `hash` unexpired at `now`, and its expiry.
    async fn user(&self, hash: Vec<u8>, now: i64) -> Result<Option<(User, i64)>>;
    /// Ends session `hash` (PostgreSQL: announced).
    async fn delete(&self, hash: Vec<u8>) -> Result<()>;
    /// Which of `hashes` are unexpired at `now`, of a user not disabled.
    async fn live(&self, hashes: Vec<Vec<u8>>, now: i64) -> Result<HashSet<Vec<u8>>>;
}

impl Store {
    /// Stores a new account (validated, its password hashed: the accounts module's `add_user`
    /// does both). A taken name is [`StoreError::Exists`].
    pub async fn insert_user(&self, new: NewAccount) -> Result<User> {
        let username = new.username.clone();
        if !self.engine.users.insert(new).await? {
            return Err(StoreError::Exists(format!(
                "tên đăng nhập {username} đã có"
            )));
        }
        self.user(&username)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("người dùng {username}")))
    }

    /// Every user, by name.
    pub async fn users(&self) -> Result<Vec<User>> {
        self.engine.users.all().await
    }

    /// The user called `username`.
    pub async fn user(&self, username: &str) -> Result<Option<User>> {
        let name = username.trim().to_lowercase();
        self.engine.users.by_name(name).await
    }

    /// The user whose id is `id`.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>> {
        self.engine.users.by_id(id).await
    }

    pub(crate) async fn password_hash(&self, username: &str) -> Result<Option<(User, String)>> {
        let name = username.trim().to_lowercase();
        self.engine.users.with_hash(name).await
    }

    /// Sets user `user_id`'s password hash (made by the caller) and ends the user's sessions but
    /// `keep` (the SHA-256 of the token of the session that changed it, when the user changes
    /// their own).
    pub async fn set_password_hash(
        &self,
        user_id: i64,
        hash: String,
        keep: Option<Vec<u8>>,
    ) -> Result<()> {
        self.engine
            .users
            .set_password_hash(user_id, hash, keep)
            .await
    }

    /// The user called `username`, or [`StoreError::NotFound`].
    async fn existing(&self, username: &str) -> Result<User> {
        self.user(username)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("người dùng {username}")))
    }

    /// Moves a user to unit `unit_id` of agency `agency_id` (its sessions stay: the next
    /// request reads the account as it now is).
    pub async fn move_user(&self, username: &str, agency_id: &str, unit_id: &str) -> Result<User> {
        let user = self.existing(username).await?;
        let (agency, unit) = (agency_id.to_string(), unit_id.to_string());
        self.engine
            .users
            .move_to(user.id, agency.clone(), unit.clone())
            .await?;
        Ok(User {
            agency_id: Some(agency),
            unit_id: Some(unit),
            ..user
        })
    }

    /// Disables (or re-enables) a user; disabling ends its sessions.
    pub async fn set_disabled(&self, username: &str, disabled: bool) -> Result<User> {
        let user = self.existing(username).await?;
        self.engine.users.set_disabled(user.id, disabled).await?;
        Ok(User { disabled, ..user })
    }

    /// Lets the accounts of unit `unit` of agency `agency` follow an organisation change: moved
    /// to unit `to`, or disabled when `to` is `None`. Returns the users
    /// changed (none when they already followed).
    pub async fn follow_unit(
        &self,
        agency: &str,
        unit: &str,
        to: Option<&str>,
    ) -> Result<Vec<User>> {
        self.engine
            .users
            .follow_unit(agency.to_string(), unit.to_string(), to.map(str::to_string))
            .await
    }

    pub(crate) async fn create_session(
        &self,
        user_id: i64,
        lifetime: Duration,
    ) -> Result<(String, i64)> {
        let mut bytes = [0u8; 32];
        rand::rng().fill(&mut bytes);
        let token = hex::encode(bytes);
        let now = unix_now();
        let expires = now + lifetime.as_secs() as i64;
        self.engine
            .sessions
            .create(token_hash(&token), user_id, now, expires)
            .await?;
        Ok((token, expires))
    }

    /// The user of an unexpired session (disabled or not: the caller refuses a disabled one and
    /// can say why).
    pub async fn session_user(&self, token: &str) -> Result<Option<(User, i64)>> {
        self.engine
            .sessions
            .user(token_hash(token), unix_now())
            .await
    }

    /// Ends one session.
    pub async fn delete_session(&self, token: &str) -> Result<()> {
        self.engine.sessions.delete(token_hash(token)).await
    }

    /// Which of the sessions `hashes` (token hashes) are still good: unexpired, of a user not
    /// disabled. What a server asks about its open sync connections when another process may
    /// have ended some (`sessions_elsewhere`).
    pub async fn live_sessions(&self, hashes: Vec<Vec<u8>>) -> Result<HashSet<Vec<u8>>> {
        self.engine.sessions.live(hashes, unix_now()).await
    }
}
