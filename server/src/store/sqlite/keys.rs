//! [`Keys`] on SQLite.
//!
//! Stage: *the store*, under the facade's `keys` methods when the store is a SQLite file.

use rusqlite::OptionalExtension;

use super::Sqlite;
use crate::store::keys::{GET_SECRET, Keys, OWNER, PUT_SECRET, REGISTER, REGISTERED, owner_sql};
use crate::store::users::User;
use crate::store::{Result, lite};

#[async_trait::async_trait]
impl Keys for Sqlite {
    async fn register(
        &self,
        user_id: i64,
        key: Vec<u8>,
        label: String,
        now_ms: i64,
    ) -> Result<i64> {
        self.blocking(move |c| {
            c.execute(
                &lite(REGISTER),
                rusqlite::params![key, user_id, label, now_ms],
            )?;
            c.query_row(&lite(OWNER), [key], |r| r.get::<_, i64>(0))
        })
        .await
    }

    async fn owner(&self, key: Vec<u8>) -> Result<Option<User>> {
        self.blocking(move |c| {
            c.query_row(&lite(&owner_sql()), [key], super::users::user_row)
                .optional()
        })
        .await
    }

    async fn registered(&self, key: Vec<u8>) -> Result<Option<i64>> {
        self.blocking(move |c| {
            c.query_row(&lite(REGISTERED), [key], |r| r.get(0))
                .optional()
        })
        .await
    }

    async fn secret(&self, name: String, fresh: Vec<u8>) -> Result<Vec<u8>> {
        // Read first: it is asked for at every `/api/me`, and written once.
        self.blocking(move |c| {
            let kept = c
                .query_row(&lite(GET_SECRET), [&name], |r| r.get(0))
                .optional()?;
            if let Some(kept) = kept {
                return Ok(kept);
            }
            c.execute(&lite(PUT_SECRET), rusqlite::params![name, fresh])?;
            c.query_row(&lite(GET_SECRET), [name], |r| r.get(0))
        })
        .await
    }
}
