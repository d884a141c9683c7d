//! Accounts and sessions: who may sign in, with which role, for which unit.
//!
//! Stage: *gate*, in front of the API and the sync socket. A user belongs to a unit of an agency
//! (or to none, for province viewers and system administrators) and has one [`Role`]. Passwords
//! are hashed with Argon2id; a login yields a random session token whose SHA-256 alone is stored,
//! valid for the configured lifetime. Repeated failed logins for a user name or from an address
//! are slowed down by a lock-out that doubles with each further failure, counted in the store
//! ([`crate::store::throttle`]) so it holds across restarts and across nodes sharing a store.

use std::net::IpAddr;

use std::sync::Arc;
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use rand::Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{AppError, Result};
use crate::store::Store;

/// What a user may do (see [`crate::access`] for the document rules): the one enum, from
/// `shared::api`.
pub use tiendo_shared::api::Role;

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

/// What is needed to create a user.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    /// Name shown in the interface.
    pub display_name: String,
    pub role: Role,
    /// Agency (required for unit roles).
    pub agency_id: Option<String>,
    /// Unit (required for unit roles).
    pub unit_id: Option<String>,
    /// Password in clear; hashed before it is stored.
    pub password: String,
}

/// A signed-in session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The bearer token (only ever shown to the client once).
    pub token: String,
    pub user: User,
    /// Unix seconds when it stops being valid.
    pub expires_at: i64,
}

/// The smallest password length accepted.
pub const MIN_PASSWORD_LEN: usize = 8;

/// Hashes a password with Argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| format!("không băm được mật khẩu: {e}"))
}

/// Whether `password` matches the PHC string `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).ok().is_some_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// The SHA-256 of a session token, as stored.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A random password for generated accounts: three groups of four unambiguous characters.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    let group = |rng: &mut rand::rngs::ThreadRng| -> String {
        (0..4)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect()
    };
    let (a, b, c) = (group(&mut rng), group(&mut rng), group(&mut rng));
    format!("{a}-{b}-{c}")
}

pub(crate) fn validate_username(name: &str) -> Result<String, String> {
    let name = name.trim().to_lowercase();
    let ok = (2..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(name)
    } else {
        Err(format!(
            "tên đăng nhập không hợp lệ: {name:?} (2–64 ký tự a-z, 0-9, '.', '_', '-')"
        ))
    }
}

pub(crate) fn validate_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(format!("mật khẩu phải có ít nhất {MIN_PASSWORD_LEN} ký tự"));
    }
    Ok(())
}

/// Failed logins before the lock-out starts.
pub const FREE_ATTEMPTS: u32 = 5;
/// The first lock-out; each further failure doubles it up to [`MAX_LOCKOUT`].
pub const FIRST_LOCKOUT: Duration = Duration::from_secs(30);
/// The longest lock-out.
pub const MAX_LOCKOUT: Duration = Duration::from_secs(15 * 60);
/// Failures per address before that address is locked out (across user names).
pub const FREE_ATTEMPTS_PER_ADDRESS: u32 = 20;

/// The lock-out after `count` failures of a user name: none while free, then
/// [`FIRST_LOCKOUT`] doubling with each further failure up to [`MAX_LOCKOUT`] (milliseconds).
fn name_lockout(count: u32) -> Option<i64> {
    lockout(count, FREE_ATTEMPTS)
}

/// The same for an address, across user names ([`FREE_ATTEMPTS_PER_ADDRESS`] free).
fn address_lockout(count: u32) -> Option<i64> {
    lockout(count, FREE_ATTEMPTS_PER_ADDRESS)
}

fn lockout(count: u32, free: u32) -> Option<i64> {
    (count >= free).then(|| {
        let doublings = (count - free).min(10);
        (FIRST_LOCKOUT * 2u32.pow(doublings))
            .min(MAX_LOCKOUT)
            .as_millis() as i64
    })
}

/// Now, Unix milliseconds (the throttle's clock: shared with other nodes through the store).
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Sign-in, sessions and the login throttle.
#[derive(Clone)]
pub struct Accounts {
    store: Store,
    session_lifetime: Duration,
    dummy_hash: Arc<String>,
}

impl Accounts {
    /// Accounts over `store`, with sessions valid for `session_lifetime`.
    pub fn new(store: Store, session_lifetime: Duration) -> Accounts {
        Accounts {
            store,
            session_lifetime,
            // Verified against when the user does not exist, so both cases cost the same.
            dummy_hash: Arc::new(hash_password("không-có-người-dùng-này").unwrap_or_default()),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Checks the password and opens a session. Wrong name and wrong password give the same
    /// error; after [`FREE_ATTEMPTS`] failures the name is locked out for a while.
    pub async fn login(&self, username: &str, password: &str, from: IpAddr) -> Result<Session> {
        let name_key = format!("user:{}", username.trim().to_lowercase());
        let addr_key = format!("addr:{from}");
        if let Some(ms) = self
            .store
            .locked_out(vec![name_key.clone(), addr_key.clone()], now_ms())
            .await?
        {
            let retry_after = (ms.max(0) as u64).div_ceil(1000).max(1);
            tracing::warn!(username, %from, retry_after, "login refused: locked out");
            return Err(AppError::TooManyAttempts { retry_after });
        }
        let found = self.store.password_hash(username).await?;
        let (hash, user) = match found {
            Some((user, hash)) => (hash, Some(user)),
            None => (self.dummy_hash.as_str().to_string(), None),
        };
        let pw = password.to_string();
        let matches = tokio::task::spawn_blocking(move || verify_password(&pw, &hash))
            .await
            .unwrap_or(false);
        let user = match user {
            Some(u) if matches && !u.disabled => u,
            Some(u) if matches => {
                tracing::warn!(username, %from, "login refused: account disabled");
                return Err(AppError::AccountDisabled(Box::new(u)));
            }
            _ => {
                let now = now_ms();
                self.store.login_failed(name_key, now, name_lockout).await?;
                self.store
                    .login_failed(addr_key, now, address_lockout)
                    .await?;
                tracing::warn!(username, %from, "login failed");
                return Err(AppError::Unauthorized(
                    "sai tên đăng nhập hoặc mật khẩu".to_string(),
                ));
            }
        };
        self.store.login_succeeded(name_key).await?;
        let (token, expires_at) = self
            .store
            .create_session(user.id, self.session_lifetime)
            .await?;
        tracing::info!(user = %user.username, %from, "signed in");
        Ok(Session {
            token,
            user,
            expires_at,
        })
    }

    /// The user of a valid session token.
    pub async fn authenticate(&self, token: &str) -> Result<User> {
        match self.store.session_user(token).await? {
            Some((user, _)) if user.disabled => Err(AppError::AccountDisabled(Box::new(user))),
            Some((user, _)) => Ok(user),
            None => Err(AppError::Unauthorized(
                "phiên đăng nhập không hợp lệ hoặc đã hết hạn".to_string(),
            )),
        }
    }

    /// Ends a session.
    pub async fn logout(&self, token: &str) -> Result<()> {
        Ok(self.store.delete_session(token).await?)
    }

    /// How long a new session lasts.
    pub fn session_lifetime(&self) -> Duration {
        self.session_lifetime
    }
}

impl From<&User> for tiendo_shared::api::User {
    fn from(u: &User) -> Self {
        tiendo_shared::api::User {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            agency_id: u.agency_id.clone(),
            unit_id: u.unit_id.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lockout_starts_after_the_free_attempts_doubles_and_outlives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite");
        let store = Store::open(&path).unwrap();
        let now = 1_750_000_000_000;
        let k = || vec!["k".to_string()];
        let first = FIRST_LOCKOUT.as_millis() as i64;
        for _ in 0..FREE_ATTEMPTS - 1 {
            store
                .login_failed("k".into(), now, name_lockout)
                .await
                .unwrap();
            assert_eq!(store.locked_out(k(), now).await.unwrap(), None);
        }
        store
            .login_failed("k".into(), now, name_lockout)
            .await
            .unwrap();
        assert_eq!(store.locked_out(k(), now).await.unwrap(), Some(first));
        store
            .login_failed("k".into(), now, name_lockout)
            .await
            .unwrap();
        assert_eq!(store.locked_out(k(), now).await.unwrap(), Some(2 * first));
        // A restart forgets nothing.
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.locked_out(k(), now).await.unwrap(), Some(2 * first));
        let later = now + MAX_LOCKOUT.as_millis() as i64;
        assert_eq!(store.locked_out(k(), later).await.unwrap(), None);
        // The longest of several keys; a success clears its key only.
        store
            .login_failed("addr".into(), now, |_| Some(5_000))
            .await
            .unwrap();
        let both = vec!["k".to_string(), "addr".to_string()];
        assert_eq!(
            store.locked_out(both, now + 1_000).await.unwrap(),
            Some(2 * first - 1_000)
        );
        store.login_succeeded("k".into()).await.unwrap();
        assert_eq!(store.locked_out(k(), now).await.unwrap(), None);
        // After a quiet day, failures count from one again.
        let next_day = now + 86_400_001;
        assert_eq!(
            store
                .login_failed("addr".into(), next_day, name_lockout)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            lockout(FREE_ATTEMPTS + 40, FREE_ATTEMPTS),
            Some(MAX_LOCKOUT.as_millis() as i64)
        );
    }

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("mật-khẩu-đúng").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("mật-khẩu-đúng", &h));
        assert!(!verify_password("mật-khẩu-sai", &h));
        assert!(!verify_password("mật-khẩu-đúng", "not a hash"));
        let p = generate_password();
        assert_eq!(p.len(), 14);
        assert_ne!(p, generate_password());
    }

    #[tokio::test]
    async fn users_sessions_and_disabling() {
        let store = Store::in_memory().unwrap();
        let accounts = Accounts::new(store.clone(), Duration::from_secs(3600));
        let err = store
            .add_user(NewUser {
                username: "x".into(),
                display_name: String::new(),
                role: Role::SystemAdmin,
                agency_id: None,
                unit_id: None,
                password: "longenough".into(),
            })
            .await
            .unwrap_err();
        assert!(err.to_string().contains("tên đăng nhập"), "{err}");
        let err = store
            .add_user(NewUser {
                username: "editor".into(),
                display_name: String::new(),
                role: Role::UnitEditor,
                agency_id: None,
                unit_id: None,
                password: "longenough".into(),
            })
            .await
            .unwrap_err();
        assert!(err.to_string().contains("cần cơ quan"), "{err}");
        let user = store
            .add_user(NewUser {
                username: "Admin".into(),
                display_name: "Quản trị".into(),
                role: Role::SystemAdmin,
                agency_id: None,
                unit_id: None,
                password: "longenough".into(),
            })
            .await
            .unwrap();
        assert_eq!(user.username, "admin");
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        let s = accounts.login("ADMIN", "longenough", local).await.unwrap();
        assert_eq!(accounts.authenticate(&s.token).await.unwrap().id, user.id);
        assert!(accounts.login("admin", "wrong", local).await.is_err());
        store.set_disabled("admin", true).await.unwrap();
        assert!(accounts.authenticate(&s.token).await.is_err());
        assert!(accounts.login("admin", "longenough", local).await.is_err());
        store.set_disabled("admin", false).await.unwrap();
        let s = accounts.login("admin", "longenough", local).await.unwrap();
        accounts.logout(&s.token).await.unwrap();
        assert!(accounts.authenticate(&s.token).await.is_err());
    }
}
