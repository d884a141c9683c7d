//! [`Users`] and [`Sessions`] on SQLite.
//!
//! Stage: *the store*, under the facade's `users` methods when the store is a SQLite file.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, Row, params};

use super::Sqlite;
use crate::store::users::{
    CREATE_SESSION, DELETE_SESSION, END_SESSIONS, EXPIRE_SESSIONS, INSERT, MOVE, NewAccount,
    SESSION_USER, SET_DISABLED, SET_HASH, SET_UNIT, Sessions, USER_COLUMNS, User, Users, user_from,
    users_sql, with_hash_sql,
};
use crate::store::{Result, lite};

/// A row of [`USER_COLUMNS`].
pub(super) fn user_row(r: &Row<'_>) -> rusqlite::Result<User> {
    Ok(user_from(
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

#[async_trait::async_trait]
impl Users for Sqlite {
    async fn insert(&self, new: NewAccount) -> Result<bool> {
        self.blocking(move |c| {
            c.execute(
                &lite(INSERT),
                params![
                    new.username,
                    new.display_name,
                    new.role.as_str(),
                    new.agency_id,
                    new.unit_id,
                    new.password_hash
                ],
            )
        })
        .await
        .map(|n| n > 0)
    }

    async fn all(&self) -> Result<Vec<User>> {
        self.blocking(move |c| {
            let mut stmt = c.prepare(&users_sql("ORDER BY username"))?;
            let rows = stmt.query_map([], user_row)?;
            rows.collect()
        })
        .await
    }

    async fn by_name(&self, name: String) -> Result<Option<User>> {
        self.blocking(move |c| {
            c.query_row(&lite(&users_sql("WHERE username = $1")), [name], user_row)
                .optional()
        })
        .await
    }

    async fn by_id(&self, id: i64) -> Result<Option<User>> {
        self.blocking(move |c| {
            c.query_row(&lite(&users_sql("WHERE id = $1")), [id], user_row)
                .optional()
        })
        .await
    }

    async fn with_hash(&self, name: String) -> Result<Option<(User, String)>> {
        self.blocking(move |c| {
            c.query_row(&lite(&with_hash_sql()), [name], |r| {
                Ok((user_row(r)?, r.get(7)?))
            })
            .optional()
        })
        .await
    }

    async fn set_password_hash(&self, id: i64, hash: String, keep: Option<Vec<u8>>) -> Result<()> {
        self.blocking(move |c| {
            let tx = c.transaction()?;
            tx.execute(&lite(SET_HASH), params![hash, id])?;
            tx.execute(
                "DELETE FROM sessions WHERE user_id = ?1 AND (?2 IS NULL OR token_hash != ?2)",
                params![id, keep],
            )?;
            tx.commit()
        })
        .await
    }

    async fn move_to(&self, id: i64, agency: String, unit: String) -> Result<()> {
        self.blocking(move |c| {
            c.execute(&lite(MOVE), params![agency, unit, id])
                .map(|_| ())
        })
        .await
    }

    async fn set_disabled(&self, id: i64, disabled: bool) -> Result<()> {
        self.blocking(move |c| {
            let tx = c.transaction()?;
            tx.execute(&lite(SET_DISABLED), params![disabled, id])?;
            if disabled {
                tx.execute(&lite(END_SESSIONS), [id])?;
            }
            tx.commit()
        })
        .await
    }

    async fn follow_unit(
        &self,
        agency: String,
        unit: String,
        to: Option<String>,
    ) -> Result<Vec<User>> {
        self.blocking(move |c| {
            let tx = c.transaction()?;
            let users: Vec<User> = {
                let mut q = tx.prepare(&format!(
                    "SELECT {USER_COLUMNS} FROM users WHERE agency_id = ?1 AND unit_id = ?2
                       AND (?3 IS NOT NULL OR disabled = 0)"
                ))?;
                q.query_map(params![agency, unit, to], user_row)?
                    .collect::<rusqlite::Result<_>>()?
            };
            for u in &users {
                match &to {
                    Some(to) => {
                        tx.execute(&lite(SET_UNIT), params![to, u.id])?;
                    }
                    // The sessions stay (refused, as every disabled user's are) so that a
                    // tablet signed in is told what happened to its unit, not just "signed out".
                    None => {
                        tx.execute(&lite(SET_DISABLED), params![true, u.id])?;
                    }
                }
            }
            tx.commit()?;
            Ok(users)
        })
        .await
    }
}

#[async_trait::async_trait]
impl Sessions for Sqlite {
    async fn create(&self, hash: Vec<u8>, user_id: i64, now: i64, expires: i64) -> Result<()> {
        self.blocking(move |c| {
            c.execute(&lite(EXPIRE_SESSIONS), [now])?;
            c.execute(&lite(CREATE_SESSION), params![hash, user_id, now, expires])
                .map(|_| ())
        })
        .await
    }

    async fn user(&self, hash: Vec<u8>, now: i64) -> Result<Option<(User, i64)>> {
        self.blocking(move |c| {
            c.query_row(&lite(SESSION_USER), params![hash, now], |r| {
                Ok((user_row(r)?, r.get(7)?))
            })
            .optional()
        })
        .await
    }

    async fn delete(&self, hash: Vec<u8>) -> Result<()> {
        self.blocking(move |c| c.execute(&lite(DELETE_SESSION), [hash]).map(|_| ()))
            .await
    }

    async fn live(&self, hashes: Vec<Vec<u8>>, now: i64) -> Result<HashSet<Vec<u8>>> {
        self.blocking(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0",
            )?;
            let mut live = HashSet::new();
            for h in hashes {
                if stmt.exists(params![h, now])? {
                    live.insert(h);
                }
            }
            Ok(live)
        })
        .await
    }
}
