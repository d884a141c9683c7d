//! The keys bundle files are signed with ([`tiendo_shared::bundle`]): each tablet's device key,
//! registered by its signed-in user while the tablet had a link, and the server's own key for
//! the starter bundles it makes.
//!
//! Stage: *the store*, under the bundles. A bundle is trusted as its signer's only while
//! the key's user is enabled (the importer checks; a disabled user's keys sign nothing).

use super::users::{USER_COLUMNS, User};
use super::{Result, Store};

/// Registers a key to a user unless it is registered (both engines).
pub(crate) const REGISTER: &str = "INSERT INTO device_keys (public_key, user_id, label, created_at)
                        VALUES ($1, $2, $3, $4)
                        ON CONFLICT (public_key) DO NOTHING";
/// The user a key is registered to.
pub(crate) const OWNER: &str = "SELECT user_id FROM device_keys WHERE public_key = $1";
/// Keeps a server secret unless one of that name is kept.
pub(crate) const PUT_SECRET: &str = "INSERT INTO server_keys (name, secret) VALUES ($1, $2)
                          ON CONFLICT (name) DO NOTHING";
/// A server secret.
pub(crate) const GET_SECRET: &str = "SELECT secret FROM server_keys WHERE name = $1";
/// When a key was registered.
pub(crate) const REGISTERED: &str = "SELECT created_at FROM device_keys WHERE public_key = $1";

/// The user a key is registered to, as a user row.
pub(crate) fn owner_sql() -> String {
    format!(
        "SELECT {USER_COLUMNS} FROM users
         WHERE id = (SELECT user_id FROM device_keys WHERE public_key = $1)"
    )
}

/// The contract of the keys bundles are signed with.
#[async_trait::async_trait]
pub(crate) trait Keys: Send + Sync {
    /// Registers `key` to `user_id` unless it is registered; returns the user it is registered
    /// to now.
    async fn register(&self, user_id: i64, key: Vec<u8>, label: String, now_ms: i64)
    -> Result<i64>;
    /// The user `key` is registered to.
    async fn owner(&self, key: Vec<u8>) -> Result<Option<User>>;
    /// When `key` was registered (Unix ms).
    async fn registered(&self, key: Vec<u8>) -> Result<Option<i64>>;
    /// Server secret `name`, kept from `fresh` if none is kept yet (the first written wins).
    async fn secret(&self, name: String, fresh: Vec<u8>) -> Result<Vec<u8>>;
}

/// How registering a device key went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registered {
    /// The key is now this user's (or already was).
    Yours,
    /// The key is another user's: nothing changed.
    Taken,
}

impl Store {
    /// Registers `key` (an Ed25519 public key) as a device of user `user_id`, at `now_ms`.
    /// A key belongs to one user for good: registering another user's key changes nothing.
    pub async fn register_device_key(
        &self,
        user_id: i64,
        key: [u8; 32],
        label: &str,
        now_ms: i64,
    ) -> Result<Registered> {
        let label: String = label.chars().take(120).collect();
        let owner = self
            .engine
            .keys
            .register(user_id, key.to_vec(), label, now_ms)
            .await?;
        Ok(registered(owner, user_id))
    }

    /// The user a device key is registered to, if any (disabled or not: the caller decides).
    pub async fn device_key_owner(&self, key: [u8; 32]) -> Result<Option<User>> {
        self.engine.keys.owner(key.to_vec()).await
    }

    /// When device key `key` was registered (Unix ms), if it is.
    pub async fn device_key_registered(&self, key: [u8; 32]) -> Result<Option<i64>> {
        self.engine.keys.registered(key.to_vec()).await
    }

    /// The server's secret `name` (32 bytes), made from `fresh` the first time it is asked
    /// for; every node of a deployment gets the same one (the first written wins).
    pub async fn server_secret(&self, name: &str, fresh: [u8; 32]) -> Result<[u8; 32]> {
        let secret = self
            .engine
            .keys
            .secret(name.to_string(), fresh.to_vec())
            .await?;
        secret.try_into().map_err(|s: Vec<u8>| {
            super::StoreError::Invalid(format!(
                "khoá của máy chủ dài {} byte, không phải 32",
                s.len()
            ))
        })
    }
}

fn registered(owner: i64, user_id: i64) -> Registered {
    if owner == user_id {
        Registered::Yours
    } else {
        Registered::Taken
    }
}
