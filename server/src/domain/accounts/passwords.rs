//! Creating accounts and setting passwords on the store: the names and passwords are checked
//! and the passwords hashed here, by the accounts' rules; the store keeps the rows it is given.
//!
//! Stage: *gate*, in front of the store. These are [`Store`] methods (so every caller, the tests
//! included, keeps calling `store.add_user(…)`), defined beside the rules they apply.

use super::{NewUser, argon2, hash_password, validate_password, validate_username};
use crate::store::{NewAccount, Result, Store, StoreError, User};

/// The Argon2 hash of `password`, off the async threads and behind the process's Argon2 limit
/// (it is slow on purpose). A failure is the server's, not the user's input (that was validated
/// before).
async fn hashed(password: String) -> Result<String> {
    argon2(move || hash_password(&password))
        .await
        .map_err(|e| StoreError::Interrupted(e.to_string()))?
        .map_err(StoreError::Interrupted)
}

impl Store {
    /// Creates a user. The caller checks that the agency and unit exist.
    pub async fn add_user(&self, new: NewUser) -> Result<User> {
        let username = validate_username(&new.username).map_err(StoreError::Invalid)?;
        validate_password(&new.password).map_err(StoreError::Invalid)?;
        if new.role.needs_unit() != (new.agency_id.is_some() && new.unit_id.is_some()) {
            return Err(StoreError::Invalid(if new.role.needs_unit() {
                format!("vai trò {} cần cơ quan và đơn vị", new.role.as_str())
            } else {
                format!("vai trò {} không gắn với đơn vị", new.role.as_str())
            }));
        }
        let password_hash = hashed(new.password.clone()).await?;
        let display_name = if new.display_name.trim().is_empty() {
            username.clone()
        } else {
            new.display_name.trim().to_string()
        };
        self.insert_user(NewAccount {
            username,
            display_name,
            role: new.role,
            agency_id: new.agency_id,
            unit_id: new.unit_id,
            password_hash,
        })
        .await
    }

    /// Sets a new password and ends the user's sessions.
    pub async fn set_password(&self, username: &str, password: &str) -> Result<()> {
        self.set_password_keeping(username, password, None).await
    }

    /// Sets a new password and ends the user's sessions but `keep` (the SHA-256 of the token
    /// of the session that changed it, when the user changes their own).
    pub async fn set_password_keeping(
        &self,
        username: &str,
        password: &str,
        keep: Option<Vec<u8>>,
    ) -> Result<()> {
        validate_password(password).map_err(StoreError::Invalid)?;
        let user = self
            .user(username)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("người dùng {username}")))?;
        let hash = hashed(password.to_string()).await?;
        self.set_password_hash(user.id, hash, keep).await
    }
}
