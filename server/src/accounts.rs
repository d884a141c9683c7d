//! Accounts and sessions: who may sign in, with which role, for which unit.
//!
//! Stage: *gate*, in front of the API and the sync socket. A user belongs to a unit of an agency
//! (or to none, for province viewers and system administrators) and has one [`Role`]. Passwords
//! are hashed with Argon2id; a login yields a random session token whose SHA-256 alone is stored,
//! valid for the configured lifetime. Repeated failed logins for a user name or from an address
//! are slowed down by a lock-out that doubles with each further failure.

use std::collections::HashMap;
use std::net::IpAddr;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use rand::Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{AppError, Result};
use crate::store::SqliteStore;

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

#[derive(Debug, Default)]
struct Failures {
    count: u32,
    locked_until: Option<Instant>,
    last: Option<Instant>,
}

/// Counts failed logins per key and locks a key out for a growing time.
#[derive(Debug, Default)]
struct Throttle {
    keys: HashMap<String, Failures>,
}

impl Throttle {
    /// `Err(seconds)` while `key` is locked out.
    fn check(&self, key: &str, now: Instant) -> std::result::Result<(), u64> {
        match self.keys.get(key).and_then(|f| f.locked_until) {
            Some(until) if until > now => Err((until - now).as_secs().max(1)),
            _ => Ok(()),
        }
    }

    fn fail(&mut self, key: &str, free: u32, now: Instant) {
        // Forget failures after a quiet day.
        self.keys.retain(|_, f| {
            f.last
                .is_some_and(|l| now.duration_since(l) < Duration::from_secs(86_400))
        });
        let f = self.keys.entry(key.to_string()).or_default();
        f.count += 1;
        f.last = Some(now);
        if f.count >= free {
            let doublings = (f.count - free).min(10);
            let lock = (FIRST_LOCKOUT * 2u32.pow(doublings)).min(MAX_LOCKOUT);
            f.locked_until = Some(now + lock);
        }
    }

    fn succeed(&mut self, key: &str) {
        self.keys.remove(key);
    }
}

/// Sign-in, sessions and the login throttle.
#[derive(Clone)]
pub struct Accounts {
    store: SqliteStore,
    throttle: Arc<Mutex<Throttle>>,
    session_lifetime: Duration,
    dummy_hash: Arc<String>,
}

impl Accounts {
    /// Accounts over `store`, with sessions valid for `session_lifetime`.
    pub fn new(store: SqliteStore, session_lifetime: Duration) -> Accounts {
        Accounts {
            store,
            throttle: Arc::default(),
            session_lifetime,
            // Verified against when the user does not exist, so both cases cost the same.
            dummy_hash: Arc::new(hash_password("không-có-người-dùng-này").unwrap_or_default()),
        }
    }

    pub fn store(&self) -> &SqliteStore {
        &self.store
    }

    /// Checks the password and opens a session. Wrong name and wrong password give the same
    /// error; after [`FREE_ATTEMPTS`] failures the name is locked out for a while.
    pub async fn login(&self, username: &str, password: &str, from: IpAddr) -> Result<Session> {
        let name_key = format!("user:{}", username.trim().to_lowercase());
        let addr_key = format!("addr:{from}");
        {
            let t = self.throttle.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            if let Err(retry_after) = t.check(&name_key, now).and(t.check(&addr_key, now)) {
                tracing::warn!(username, %from, retry_after, "login refused: locked out");
                return Err(AppError::TooManyAttempts { retry_after });
            }
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
                let mut t = self.throttle.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                t.fail(&name_key, FREE_ATTEMPTS, now);
                t.fail(&addr_key, FREE_ATTEMPTS_PER_ADDRESS, now);
                tracing::warn!(username, %from, "login failed");
                return Err(AppError::Unauthorized(
                    "sai tên đăng nhập hoặc mật khẩu".to_string(),
                ));
            }
        };
        self.throttle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .succeed(&name_key);
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

    #[test]
    fn lockout_starts_after_the_free_attempts_and_doubles() {
        let mut t = Throttle::default();
        let now = Instant::now();
        for _ in 0..FREE_ATTEMPTS - 1 {
            t.fail("k", FREE_ATTEMPTS, now);
            assert!(t.check("k", now).is_ok());
        }
        t.fail("k", FREE_ATTEMPTS, now);
        assert_eq!(t.check("k", now), Err(FIRST_LOCKOUT.as_secs()));
        t.fail("k", FREE_ATTEMPTS, now);
        assert_eq!(t.check("k", now), Err(2 * FIRST_LOCKOUT.as_secs()));
        assert!(t.check("k", now + MAX_LOCKOUT).is_ok());
        t.succeed("k");
        assert!(t.check("k", now).is_ok());
        assert!(t.check("other", now).is_ok());
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
        let store = SqliteStore::in_memory().unwrap();
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
