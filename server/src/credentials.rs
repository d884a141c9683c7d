//! Who a user is and how their secrets are kept: the account record ([`User`], [`NewUser`],
//! [`Role`]), password hashing (Argon2id, behind the process's [`argon2()`] limit), session token
//! hashing and what a valid name or password is.
//!
//! Stage: *bottom floor*, beside the store: the store keeps accounts in these records
//! ([`crate::store`]), and the rules built on them (sign-in, sessions, throttling, who manages
//! whom) are the domain's ([`crate::domain::accounts`]). It imports only the store's record.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use rand::Rng;
use tokio::sync::Semaphore;

/// What a user may do (see `crate::domain::access` for the document rules): the one enum, from
/// `shared::api`.
pub use tiendo_shared::model::role::Role;

/// A user account (never carries the password hash): the store's row.
pub use crate::store::User;

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
pub use crate::store::users::token_hash;

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

pub fn validate_username(name: &str) -> Result<String, String> {
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

pub fn validate_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(format!("mật khẩu phải có ít nhất {MIN_PASSWORD_LEN} ký tự"));
    }
    Ok(())
}

/// Argon2 checks and hashes running at once in this process: one core fewer than the machine
/// has (at least one). Each holds about 19 MiB and a core while it runs, so a burst of sign-ins
/// waits its turn instead of taking hundreds of megabytes, and one core always stays with the
/// sync and every other answer (on 2 cores, all of them shared, the bench measured an honest
/// tablet's acknowledgement at 3× its unloaded p99 during 150 parallel sign-ins).
static ARGON2: LazyLock<Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Semaphore::new(cores.saturating_sub(1).max(1))
});

/// Runs `f` (an Argon2 check or hash) off the async workers, behind [`ARGON2`]'s limit. The
/// permit goes with `f`: a caller that gives up does not free the slot before `f` is done.
pub async fn argon2<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> std::result::Result<T, tokio::task::JoinError> {
    let permit = ARGON2
        .acquire()
        .await
        .expect("the Argon2 limit is never closed");
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        f()
    })
    .await
}
