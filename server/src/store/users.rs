//! Accounts and sessions in the store: users, password hashes, and the SHA-256 of each session
//! token. The rules (roles, lock-outs, what a valid name or password is) are in
//! [`crate::domain::accounts`].
//!
//! Stage: *the store*, behind the gate.

use std::time::Duration;

use rand::Rng;
use rusqlite::{OptionalExtension, Row, params};

use super::{Engine, Result, Store, StoreError, pg};
use crate::credentials::{
    NewUser, Role, User, hash_password, token_hash, validate_password, validate_username,
};

pub(super) const USER_COLUMNS: &str =
    "id, username, display_name, role, agency_id, unit_id, disabled";

pub(super) fn user_from_pg(r: &tokio_postgres::Row) -> User {
    let role: String = r.get(3);
    User {
        id: r.get(0),
        username: r.get(1),
        display_name: r.get(2),
        role: role.parse().unwrap_or(Role::UnitEditor),
        agency_id: r.get(4),
        unit_id: r.get(5),
        disabled: r.get(6),
    }
}

pub(super) fn user_from_row(r: &Row<'_>) -> rusqlite::Result<User> {
    let role: String = r.get(3)?;
    Ok(User {
        id: r.get(0)?,
        username: r.get(1)?,
        display_name: r.get(2)?,
        role: role.parse().unwrap_or(Role::UnitEditor),
        agency_id: r.get(4)?,
        unit_id: r.get(5)?,
        disabled: r.get(6)?,
    })
}

/// The Argon2 hash of `password`, off the async threads and behind the process's Argon2 limit
/// (it is slow on purpose). A failure is the server's, not the user's input (that was validated
/// before).
async fn hashed(password: String) -> Result<String> {
    crate::credentials::argon2(move || hash_password(&password))
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
        let hash = hashed(new.password.clone()).await?;
        let display = if new.display_name.trim().is_empty() {
            username.clone()
        } else {
            new.display_name.trim().to_string()
        };
        let name = username.clone();
        let inserted = match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    c.execute(
                        "INSERT INTO users
                           (username, display_name, role, agency_id, unit_id, password_hash)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (username) DO NOTHING",
                        params![
                            name,
                            display,
                            new.role.as_str(),
                            new.agency_id,
                            new.unit_id,
                            hash
                        ],
                    )
                })
                .await?
            }
            Engine::Postgres(pool) => {
                pg(pool)
                    .await?
                    .execute(
                        "INSERT INTO users
                       (username, display_name, role, agency_id, unit_id, password_hash)
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING",
                        &[
                            &name,
                            &display,
                            &new.role.as_str(),
                            &new.agency_id,
                            &new.unit_id,
                            &hash,
                        ],
                    )
                    .await? as usize
            }
        };
        if inserted == 0 {
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
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    let mut stmt = c.prepare(&sql)?;
                    let rows = stmt.query_map([], user_from_row)?;
                    rows.collect()
                })
                .await
            }
            Engine::Postgres(pool) => Ok(pg(pool)
                .await?
                .query(&sql, &[])
                .await?
                .iter()
                .map(user_from_pg)
                .collect()),
        }
    }

    /// The user called `username`.
    pub async fn user(&self, username: &str) -> Result<Option<User>> {
        let name = username.trim().to_lowercase();
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    c.query_row(
                        &format!("SELECT {USER_COLUMNS} FROM users WHERE username = ?1"),
                        [name],
                        user_from_row,
                    )
                    .optional()
                })
                .await
            }
            Engine::Postgres(pool) => Ok(pg(pool)
                .await?
                .query_opt(
                    &format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1"),
                    &[&name],
                )
                .await?
                .as_ref()
                .map(user_from_pg)),
        }
    }

    /// The user whose id is `id`.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    c.query_row(&super::lite(&sql), [id], user_from_row)
                        .optional()
                })
                .await
            }
            Engine::Postgres(pool) => Ok(pg(pool)
                .await?
                .query_opt(&sql, &[&id])
                .await?
                .as_ref()
                .map(user_from_pg)),
        }
    }

    pub(crate) async fn password_hash(&self, username: &str) -> Result<Option<(User, String)>> {
        let name = username.trim().to_lowercase();
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    c.query_row(
                        &format!(
                            "SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = ?1"
                        ),
                        [name],
                        |r| Ok((user_from_row(r)?, r.get(7)?)),
                    )
                    .optional()
                })
                .await
            }
            Engine::Postgres(pool) => Ok(pg(pool)
                .await?
                .query_opt(
                    &format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1"),
                    &[&name],
                )
                .await?
                .map(|r| (user_from_pg(&r), r.get(7)))),
        }
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
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    let tx = c.transaction()?;
                    tx.execute(
                        "UPDATE users SET password_hash = ?1 WHERE id = ?2",
                        params![hash, user.id],
                    )?;
                    tx.execute(
                        "DELETE FROM sessions WHERE user_id = ?1
                           AND (?2 IS NULL OR token_hash != ?2)",
                        params![user.id, keep],
                    )?;
                    tx.commit()
                })
                .await
            }
            Engine::Postgres(pool) => {
                let mut c = pg(pool).await?;
                let tx = c.transaction().await?;
                tx.execute(
                    "UPDATE users SET password_hash = $1 WHERE id = $2",
                    &[&hash, &user.id],
                )
                .await?;
                tx.execute(
                    "DELETE FROM sessions WHERE user_id = $1
                       AND ($2::bytea IS NULL OR token_hash != $2)",
                    &[&user.id, &keep],
                )
                .await?;
                announce_accounts(&tx, &self.node).await?;
                Ok(tx.commit().await?)
            }
        }
    }

    /// Moves a user to unit `unit_id` of agency `agency_id` (its sessions stay: the next
    /// request reads the account as it now is).
    pub async fn move_user(&self, username: &str, agency_id: &str, unit_id: &str) -> Result<User> {
        let user = self
            .user(username)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("người dùng {username}")))?;
        let (id, agency, unit) = (user.id, agency_id.to_string(), unit_id.to_string());
        match &self.engine {
            Engine::Sqlite(_) => {
                let (agency, unit) = (agency.clone(), unit.clone());
                self.blocking(move |c| {
                    c.execute(
                        "UPDATE users SET agency_id = ?1, unit_id = ?2 WHERE id = ?3",
                        params![agency, unit, id],
                    )
                })
                .await?;
            }
            Engine::Postgres(pool) => {
                let mut c = pg(pool).await?;
                let tx = c.transaction().await?;
                tx.execute(
                    "UPDATE users SET agency_id = $1, unit_id = $2 WHERE id = $3",
                    &[&agency, &unit, &id],
                )
                .await?;
                announce_accounts(&tx, &self.node).await?;
                tx.commit().await?;
            }
        }
        Ok(User {
            agency_id: Some(agency),
            unit_id: Some(unit),
            ..user
        })
    }

    /// Disables (or re-enables) a user; disabling ends its sessions.
    pub async fn set_disabled(&self, username: &str, disabled: bool) -> Result<User> {
        let user = self
            .user(username)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("người dùng {username}")))?;
        let id = user.id;
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    let tx = c.transaction()?;
                    tx.execute(
                        "UPDATE users SET disabled = ?1 WHERE id = ?2",
                        params![disabled, id],
                    )?;
                    if disabled {
                        tx.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
                    }
                    tx.commit()
                })
                .await?
            }
            Engine::Postgres(pool) => {
                let mut c = pg(pool).await?;
                let tx = c.transaction().await?;
                tx.execute(
                    "UPDATE users SET disabled = $1 WHERE id = $2",
                    &[&disabled, &id],
                )
                .await?;
                if disabled {
                    tx.execute("DELETE FROM sessions WHERE user_id = $1", &[&id])
                        .await?;
                    announce_accounts(&tx, &self.node).await?;
                }
                tx.commit().await?;
            }
        }
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
        let (agency, unit, to) = (agency.to_string(), unit.to_string(), to.map(str::to_string));
        if let Engine::Postgres(pool) = &self.engine {
            let mut c = pg(pool).await?;
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
                .map(user_from_pg)
                .collect();
            for u in &users {
                match &to {
                    Some(to) => {
                        tx.execute("UPDATE users SET unit_id = $1 WHERE id = $2", &[to, &u.id])
                            .await?
                    }
                    None => {
                        tx.execute("UPDATE users SET disabled = true WHERE id = $1", &[&u.id])
                            .await?
                    }
                };
            }
            if to.is_none() && !users.is_empty() {
                announce_accounts(&tx, &self.node).await?;
            }
            tx.commit().await?;
            return Ok(users);
        }
        self.blocking(move |c| {
            let tx = c.transaction()?;
            let users: Vec<User> = {
                let mut q = tx.prepare(&format!(
                    "SELECT {USER_COLUMNS} FROM users WHERE agency_id = ?1 AND unit_id = ?2
                       AND (?3 IS NOT NULL OR disabled = 0)"
                ))?;
                q.query_map(params![agency, unit, to], user_from_row)?
                    .collect::<rusqlite::Result<_>>()?
            };
            for u in &users {
                match &to {
                    Some(to) => {
                        tx.execute(
                            "UPDATE users SET unit_id = ?1 WHERE id = ?2",
                            params![to, u.id],
                        )?;
                    }
                    // The sessions stay (refused, as every disabled user's are) so that a
                    // tablet signed in is told what happened to its unit, not just "signed out".
                    None => {
                        tx.execute("UPDATE users SET disabled = 1 WHERE id = ?1", [u.id])?;
                    }
                }
            }
            tx.commit()?;
            Ok(users)
        })
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
        let hash = token_hash(&token);
        let now = crate::unix_now();
        let expires = now + lifetime.as_secs() as i64;
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    c.execute("DELETE FROM sessions WHERE expires_at <= ?1", [now])?;
                    c.execute(
                        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
                         VALUES (?1, ?2, ?3, ?4)",
                        params![hash, user_id, now, expires],
                    )
                })
                .await?;
            }
            Engine::Postgres(pool) => {
                let c = pg(pool).await?;
                c.execute("DELETE FROM sessions WHERE expires_at <= $1", &[&now])
                    .await?;
                c.execute(
                    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
                     VALUES ($1, $2, $3, $4)",
                    &[&hash.as_slice(), &user_id, &now, &expires],
                )
                .await?;
            }
        }
        Ok((token, expires))
    }

    /// The user of an unexpired session (disabled or not: the caller refuses a disabled one and
    /// can say why).
    pub async fn session_user(&self, token: &str) -> Result<Option<(User, i64)>> {
        let hash = token_hash(token);
        let now = crate::unix_now();
        const SQL: &str = "SELECT u.id, u.username, u.display_name, u.role, u.agency_id, u.unit_id,
                                  u.disabled, s.expires_at
                           FROM sessions s JOIN users u ON u.id = s.user_id
                           WHERE s.token_hash = $1 AND s.expires_at > $2";
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    c.query_row(&SQL.replace('$', "?"), params![hash, now], |r| {
                        Ok((user_from_row(r)?, r.get(7)?))
                    })
                    .optional()
                })
                .await
            }
            Engine::Postgres(pool) => Ok(pg(pool)
                .await?
                .query_opt(SQL, &[&hash.as_slice(), &now])
                .await?
                .map(|r| (user_from_pg(&r), r.get(7)))),
        }
    }

    /// Ends one session.
    pub async fn delete_session(&self, token: &str) -> Result<()> {
        let hash = token_hash(token);
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    c.execute("DELETE FROM sessions WHERE token_hash = ?1", [hash])
                        .map(|_| ())
                })
                .await
            }
            Engine::Postgres(pool) => {
                let mut c = pg(pool).await?;
                let tx = c.transaction().await?;
                tx.execute(
                    "DELETE FROM sessions WHERE token_hash = $1",
                    &[&hash.as_slice()],
                )
                .await?;
                announce_accounts(&tx, &self.node).await?;
                Ok(tx.commit().await?)
            }
        }
    }

    /// Which of the sessions `hashes` (token hashes) are still good: unexpired, of a user not
    /// disabled. What a server asks about its open sync connections when another process may
    /// have ended some ([`crate::domain::sessions_elsewhere`]).
    pub async fn live_sessions(
        &self,
        hashes: Vec<Vec<u8>>,
    ) -> Result<std::collections::HashSet<Vec<u8>>> {
        let now = crate::unix_now();
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    let mut stmt = c.prepare_cached(
                        "SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id
                         WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0",
                    )?;
                    let mut live = std::collections::HashSet::new();
                    for h in hashes {
                        if stmt.exists(params![h, now])? {
                            live.insert(h);
                        }
                    }
                    Ok(live)
                })
                .await
            }
            Engine::Postgres(pool) => Ok(pg(pool)
                .await?
                .query(
                    "SELECT s.token_hash FROM sessions s JOIN users u ON u.id = s.user_id
                     WHERE s.token_hash = ANY($1) AND s.expires_at > $2 AND NOT u.disabled",
                    &[&hashes, &now],
                )
                .await?
                .into_iter()
                .map(|r| r.get(0))
                .collect()),
        }
    }

    /// SQLite's `data_version`: it changes when another connection to the file (a `tiendo`
    /// command beside the server) commits, and not for this store's own commits.
    pub async fn data_version(&self) -> Result<i64> {
        self.blocking(|c| c.query_row("PRAGMA data_version", [], |r| r.get(0)))
            .await
    }
}

/// Tells the other nodes (and processes) sharing a PostgreSQL database, when `tx` commits, that
/// accounts or sessions changed: their open sync connections are checked at once.
async fn announce_accounts(tx: &deadpool_postgres::Transaction<'_>, node: &str) -> Result<()> {
    for payload in super::postgres::announcements('a', node, &[]) {
        tx.execute(
            "SELECT pg_notify($1, $2)",
            &[&super::postgres::CHANNEL, &payload],
        )
        .await?;
    }
    Ok(())
}
