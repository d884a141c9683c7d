//! The keys bundle files are signed with ([`tiendo_shared::bundle`]): each tablet's device key,
//! registered by its signed-in user while the tablet had a link, and the server's own key for
//! the starter bundles it makes.
//!
//! Stage: *the store*, under `crate::domain::bundles`. A bundle is trusted as its signer's only while
//! the key's user is enabled (the importer checks; a disabled user's keys sign nothing).

use rusqlite::OptionalExtension;

use super::users::{USER_COLUMNS, user_from_pg, user_from_row};
use super::{Engine, Result, Store, lite, pg};
use crate::credentials::User;

const REGISTER: &str = "INSERT INTO device_keys (public_key, user_id, label, created_at)
                        VALUES ($1, $2, $3, $4)
                        ON CONFLICT (public_key) DO NOTHING";
const OWNER: &str = "SELECT user_id FROM device_keys WHERE public_key = $1";
const PUT_SECRET: &str = "INSERT INTO server_keys (name, secret) VALUES ($1, $2)
                          ON CONFLICT (name) DO NOTHING";
const GET_SECRET: &str = "SELECT secret FROM server_keys WHERE name = $1";

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
        match &self.engine {
            Engine::Sqlite(_) => self
                .blocking(move |c| {
                    c.execute(
                        &lite(REGISTER),
                        rusqlite::params![key.to_vec(), user_id, label, now_ms],
                    )?;
                    c.query_row(&lite(OWNER), [key.to_vec()], |r| r.get::<_, i64>(0))
                })
                .await
                .map(|owner| registered(owner, user_id)),
            Engine::Postgres(pool) => {
                let c = pg(pool).await?;
                let key = key.to_vec();
                c.execute(REGISTER, &[&key, &user_id, &label, &now_ms])
                    .await?;
                let owner: i64 = c.query_one(OWNER, &[&key]).await?.get(0);
                Ok(registered(owner, user_id))
            }
        }
    }

    /// The user a device key is registered to, if any (disabled or not: the caller decides).
    pub async fn device_key_owner(&self, key: [u8; 32]) -> Result<Option<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users
             WHERE id = (SELECT user_id FROM device_keys WHERE public_key = $1)"
        );
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    c.query_row(&lite(&sql), [key.to_vec()], user_from_row)
                        .optional()
                })
                .await
            }
            Engine::Postgres(pool) => Ok(pg(pool)
                .await?
                .query_opt(&sql, &[&key.to_vec()])
                .await?
                .as_ref()
                .map(user_from_pg)),
        }
    }

    /// When device key `key` was registered (Unix ms), if it is.
    pub async fn device_key_registered(&self, key: [u8; 32]) -> Result<Option<i64>> {
        const SQL: &str = "SELECT created_at FROM device_keys WHERE public_key = $1";
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    c.query_row(&lite(SQL), [key.to_vec()], |r| r.get(0))
                        .optional()
                })
                .await
            }
            Engine::Postgres(pool) => Ok(pg(pool)
                .await?
                .query_opt(SQL, &[&key.to_vec()])
                .await?
                .map(|r| r.get(0))),
        }
    }

    /// The server's secret `name` (32 bytes), made from `fresh` the first time it is asked
    /// for; every node of a deployment gets the same one (the first written wins).
    pub async fn server_secret(&self, name: &str, fresh: [u8; 32]) -> Result<[u8; 32]> {
        let name = name.to_string();
        let secret: Vec<u8> = match &self.engine {
            // Read first: it is asked for at every `/api/me`, and written once.
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    let kept = c
                        .query_row(&lite(GET_SECRET), [&name], |r| r.get(0))
                        .optional()?;
                    if let Some(kept) = kept {
                        return Ok(kept);
                    }
                    c.execute(&lite(PUT_SECRET), rusqlite::params![name, fresh.to_vec()])?;
                    c.query_row(&lite(GET_SECRET), [name], |r| r.get(0))
                })
                .await?
            }
            Engine::Postgres(pool) => {
                let c = pg(pool).await?;
                match c.query_opt(GET_SECRET, &[&name]).await? {
                    Some(row) => row.get(0),
                    None => {
                        c.execute(PUT_SECRET, &[&name, &fresh.to_vec()]).await?;
                        c.query_one(GET_SECRET, &[&name]).await?.get(0)
                    }
                }
            }
        };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::{NewUser, Role};

    async fn user(s: &Store, name: &str) -> i64 {
        s.add_user(NewUser {
            username: name.into(),
            display_name: name.into(),
            role: Role::UnitEditor,
            agency_id: Some("a".into()),
            unit_id: Some("u".into()),
            password: "mat-khau-dai-du".into(),
        })
        .await
        .unwrap()
        .id
    }

    #[tokio::test]
    async fn a_device_key_belongs_to_its_first_user_and_goes_with_the_user() {
        let s = Store::in_memory().unwrap();
        let (a, b) = (user(&s, "an").await, user(&s, "binh").await);
        let key = [7u8; 32];
        assert!(s.device_key_owner(key).await.unwrap().is_none());
        assert_eq!(
            s.register_device_key(a, key, "máy tính bảng", 1)
                .await
                .unwrap(),
            Registered::Yours
        );
        assert_eq!(
            s.register_device_key(a, key, "lại", 2).await.unwrap(),
            Registered::Yours
        );
        assert_eq!(
            s.register_device_key(b, key, "của người khác", 3)
                .await
                .unwrap(),
            Registered::Taken
        );
        assert_eq!(s.device_key_owner(key).await.unwrap().unwrap().id, a);
    }

    #[tokio::test]
    async fn the_server_secret_is_made_once() {
        let s = Store::in_memory().unwrap();
        let first = s.server_secret("bundle", [1; 32]).await.unwrap();
        assert_eq!(first, [1; 32]);
        assert_eq!(s.server_secret("bundle", [2; 32]).await.unwrap(), [1; 32]);
    }
}
