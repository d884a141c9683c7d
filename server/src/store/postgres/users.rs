//! [`Users`] and [`Sessions`] on PostgreSQL: what may end sessions elsewhere is announced.
//!
//! Stage: *the store*, under the facade's `users` methods when the store is PostgreSQL.

use std::collections::HashSet;

use super::Postgres;
use crate::store::Result;
use crate::store::users::{
    CREATE_SESSION, DELETE_SESSION, END_SESSIONS, EXPIRE_SESSIONS, INSERT, MOVE, NewAccount,
    SESSION_USER, SET_DISABLED, SET_HASH, SET_UNIT, Sessions, USER_COLUMNS, User, Users, user_from,
    users_sql, with_hash_sql,
};

/// A row of [`USER_COLUMNS`].
pub(super) fn user_row(r: &tokio_postgres::Row) -> User {
    user_from(
        r.get(0),
        r.get(1),
        r.get(2),
        r.get(3),
        r.get(4),
        r.get(5),
        r.get(6),
    )
}

#[async_trait::async_trait]
impl Users for Postgres {
    async fn insert(&self, new: NewAccount) -> Result<bool> {
        let inserted = self
            .client()
            .await?
            .execute(
                INSERT,
                &[
                    &new.username,
                    &new.display_name,
                    &new.role.as_str(),
                    &new.agency_id,
                    &new.unit_id,
                    &new.password_hash,
                ],
            )
            .await?;
        Ok(inserted > 0)
    }

    async fn all(&self) -> Result<Vec<User>> {
        Ok(self
            .client()
            .await?
            .query(&users_sql("ORDER BY username"), &[])
            .await?
            .iter()
            .map(user_row)
            .collect())
    }

    async fn by_name(&self, name: String) -> Result<Option<User>> {
        Ok(self
            .client()
            .await?
            .query_opt(&users_sql("WHERE username = $1"), &[&name])
            .await?
            .as_ref()
            .map(user_row))
    }

    async fn by_id(&self, id: i64) -> Result<Option<User>> {
        Ok(self
            .client()
            .await?
            .query_opt(&users_sql("WHERE id = $1"), &[&id])
            .await?
            .as_ref()
            .map(user_row))
    }

    async fn with_hash(&self, name: String) -> Result<Option<(User, String)>> {
        Ok(self
            .client()
            .await?
            .query_opt(&with_hash_sql(), &[&name])
            .await?
            .map(|r| (user_row(&r), r.get(7))))
    }

    async fn set_password_hash(&self, id: i64, hash: String, keep: Option<Vec<u8>>) -> Result<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        tx.execute(SET_HASH, &[&hash, &id]).await?;
        tx.execute(
            "DELETE FROM sessions WHERE user_id = $1
               AND ($2::bytea IS NULL OR token_hash != $2)",
            &[&id, &keep],
        )
        .await?;
        self.announce(&tx, 'a', &[]).await?;
        Ok(tx.commit().await?)
    }

    async fn move_to(&self, id: i64, agency: String, unit: String) -> Result<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        tx.execute(MOVE, &[&agency, &unit, &id]).await?;
        self.announce(&tx, 'a', &[]).await?;
        Ok(tx.commit().await?)
    }

    async fn set_disabled(&self, id: i64, disabled: bool) -> Result<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        tx.execute(SET_DISABLED, &[&disabled, &id]).await?;
        if disabled {
            tx.execute(END_SESSIONS, &[&id]).await?;
            self.announce(&tx, 'a', &[]).await?;
        }
        Ok(tx.commit().await?)
    }

    async fn follow_unit(
        &self,
        agency: String,
        unit: String,
        to: Option<String>,
    ) -> Result<Vec<User>> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let users: Vec<User> = tx
            .query(
                &format!(
                    "SELECT {USER_COLUMNS} FROM users WHERE agency_id = $1 AND unit_id = $2
                       AND ($3::text IS NOT NULL OR NOT disabled) FOR UPDATE"
                ),
                &[&agency, &unit, &to],
            )
            .await?
            .iter()
            .map(user_row)
            .collect();
        for u in &users {
            match &to {
                Some(to) => tx.execute(SET_UNIT, &[to, &u.id]).await?,
                // The sessions stay (see SQLite's).
                None => tx.execute(SET_DISABLED, &[&true, &u.id]).await?,
            };
        }
        if to.is_none() && !users.is_empty() {
            self.announce(&tx, 'a', &[]).await?;
        }
        tx.commit().await?;
        Ok(users)
    }
}

#[async_trait::async_trait]
impl Sessions for Postgres {
    async fn create(&self, hash: Vec<u8>, user_id: i64, now: i64, expires: i64) -> Result<()> {
        let c = self.client().await?;
        c.execute(EXPIRE_SESSIONS, &[&now]).await?;
        c.execute(CREATE_SESSION, &[&hash, &user_id, &now, &expires])
            .await?;
        Ok(())
    }

    async fn user(&self, hash: Vec<u8>, now: i64) -> Result<Option<(User, i64)>> {
        Ok(self
            .client()
            .await?
            .query_opt(SESSION_USER, &[&hash, &now])
            .await?
            .map(|r| (user_row(&r), r.get(7))))
    }

    async fn delete(&self, hash: Vec<u8>) -> Result<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        tx.execute(DELETE_SESSION, &[&hash]).await?;
        self.announce(&tx, 'a', &[]).await?;
        Ok(tx.commit().await?)
    }

    async fn live(&self, hashes: Vec<Vec<u8>>, now: i64) -> Result<HashSet<Vec<u8>>> {
        Ok(self
            .client()
            .await?
            .query(
                "SELECT s.token_hash FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = ANY($1) AND s.expires_at > $2 AND NOT u.disabled",
                &[&hashes, &now],
            )
            .await?
            .into_iter()
            .map(|r| r.get(0))
            .collect())
    }
}
