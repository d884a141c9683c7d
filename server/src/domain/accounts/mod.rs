//! Accounts and sessions: who may sign in, with which role, for which unit.
//!
//! Stage: *gate*, in front of the API and the sync socket. A user belongs to a unit of an agency
//! (or to none, for province viewers and system administrators) and has one [`Role`]. Passwords
//! are hashed with Argon2id; a login yields a random session token whose SHA-256 alone is stored,
//! valid for the configured lifetime. Failed sign-ins are counted per account and per account at
//! an address, each try taken before the password is checked, with a lock-out that doubles with
//! each further failure; an address that fails often is slowed, never locked out
//! ([`Accounts::check`]). The counts live in the store ([`crate::store::throttle`]) so they hold
//! across restarts and across nodes sharing a store.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

pub mod admin;
mod passwords;

use crate::domain::error::{DomainError, Result};
use crate::store::Store;
use crate::store::throttle::Counter;

pub use crate::credentials::{
    MIN_PASSWORD_LEN, NewUser, Role, User, argon2, generate_password, hash_password, token_hash,
    validate_password, validate_username, verify_password,
};

/// A signed-in session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The bearer token (only ever shown to the client once).
    pub token: String,
    pub user: User,
    /// Unix seconds when it stops being valid.
    pub expires_at: i64,
}

/// Failed sign-ins of one account from one address before that pair is locked out.
pub const FREE_ATTEMPTS: u32 = 5;
/// Failed sign-ins of one account from everywhere before the account is locked out: guesses
/// spread over many addresses are bounded too.
pub const FREE_ATTEMPTS_PER_ACCOUNT: u32 = 20;
/// The first lock-out; each further failure doubles it up to [`MAX_LOCKOUT`].
pub const FIRST_LOCKOUT: Duration = Duration::from_secs(30);
/// The longest lock-out.
pub const MAX_LOCKOUT: Duration = Duration::from_secs(15 * 60);
/// Failures from one address (any account, known or not) before its failed answers slow down.
/// An address is never locked out: many offices reach the server from one public address.
pub const FREE_ATTEMPTS_PER_ADDRESS: u32 = 20;
/// The first delay of a failed answer to a busy address; it doubles up to [`MAX_DELAY`].
pub const FIRST_DELAY: Duration = Duration::from_millis(500);
/// The longest delay of a failed answer.
pub const MAX_DELAY: Duration = Duration::from_secs(8);

/// The one answer to a sign-in that fails: a wrong name, a wrong password and a disabled account
/// read the same (the right password of a disabled account must not say it is right), and it
/// tells an honest user what to do.
pub const LOGIN_REFUSED: &str = "Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đã bị khoá. \
     Nếu chắc chắn đã nhập đúng, hãy hỏi người quản trị của đơn vị.";

/// The lock-out of an account at one address after `count` failures there: none while free,
/// then [`FIRST_LOCKOUT`] doubling with each further failure up to [`MAX_LOCKOUT`] (ms).
fn pair_lockout(count: u32) -> Option<i64> {
    lockout(count, FREE_ATTEMPTS)
}

/// The same for an account from everywhere ([`FREE_ATTEMPTS_PER_ACCOUNT`] free).
fn account_lockout(count: u32) -> Option<i64> {
    lockout(count, FREE_ATTEMPTS_PER_ACCOUNT)
}

fn lockout(count: u32, free: u32) -> Option<i64> {
    (count >= free).then(|| {
        let doublings = (count - free).min(10);
        (FIRST_LOCKOUT * 2u32.pow(doublings))
            .min(MAX_LOCKOUT)
            .as_millis() as i64
    })
}

/// How long a failed answer to an address waits after `count` failures from it: nothing while
/// free, then [`FIRST_DELAY`] doubling up to [`MAX_DELAY`].
fn address_delay(count: u32) -> Option<Duration> {
    (count > FREE_ATTEMPTS_PER_ADDRESS).then(|| {
        let doublings = (count - FREE_ATTEMPTS_PER_ADDRESS - 1).min(10);
        (FIRST_DELAY * 2u32.pow(doublings)).min(MAX_DELAY)
    })
}

/// Now, Unix milliseconds (the throttle's clock: shared with other nodes through the store).
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A password checked right for an account that is not disabled; its session is opened by
/// [`Accounts::open`] or, when the account turns out to be closed after all, the attempt is
/// answered as a failure by [`Accounts::refuse`].
#[derive(Debug)]
pub struct Verified {
    /// The account, as the store has it.
    pub user: User,
    /// The throttle's keys this success clears.
    keys: Vec<String>,
    from: IpAddr,
}

/// Sign-in, sessions and the login throttle.
#[derive(Clone)]
pub struct Accounts {
    store: Store,
    session_lifetime: Duration,
    dummy_hash: Arc<String>,
    /// The (account, address) pairs this process saw refused, and until when (Unix ms): a
    /// burst of guesses at a locked pair is answered `429` from here, without a store
    /// transaction each (150 parallel guesses otherwise queue 150 write transactions in front
    /// of every tablet's acknowledgement). The store stays the authority: only refusals it
    /// gave are kept, and a sign-in of the pair here forgets its entry.
    refused: Arc<std::sync::Mutex<HashMap<String, i64>>>,
    /// Reservations of this process one at a time, so a burst at one pair reaches the store
    /// once per free try and is then refused from `refused` (a transaction each is ~1 ms: sign-ins
    /// are not where throughput is needed).
    reserving: Arc<tokio::sync::Mutex<()>>,
    /// Failed sign-ins per address: how many, and the last one's time (Unix ms).
    addresses: Arc<std::sync::Mutex<HashMap<IpAddr, (u32, i64)>>>,
}

/// An address's failures are forgotten after a quiet day.
const ADDRESS_QUIET_MS: i64 = 86_400_000;

/// The most refused pairs kept in memory (expired ones are dropped first, then all of them:
/// the store still answers).
const MAX_REFUSED_KEPT: usize = 100_000;

/// Administration of accounts and the directory, as the routes ask it ([`admin`] holds the
/// rules: who manages whom, what is audited).
impl Accounts {
    /// Every account.
    pub async fn users(&self) -> Result<Vec<User>> {
        Ok(self.store.users().await?)
    }

    /// The account named `username`, if any.
    pub async fn user(&self, username: &str) -> Result<Option<User>> {
        Ok(self.store.user(username).await?)
    }

    /// The accounts `actor` manages.
    pub async fn list(&self, actor: &admin::Actor) -> Result<Vec<tiendo_shared::api::Account>> {
        admin::list(&self.store, actor).await
    }

    /// The latest `limit` account events `actor` may see.
    pub async fn events(
        &self,
        actor: &admin::Actor,
        limit: i64,
    ) -> Result<Vec<tiendo_shared::api::AccountEvent>> {
        admin::events(&self.store, actor, limit).await
    }

    /// The agencies as the stored organisation documents have them (where accounts belong).
    pub async fn agencies(&self) -> Result<Vec<tiendo_shared::model::Agency>> {
        crate::domain::documents::agencies(&self.store).await
    }

    /// Registers the device key of a tablet of `user_id` (for its bundle files).
    pub async fn register_device_key(
        &self,
        user_id: i64,
        key: [u8; 32],
        label: &str,
        now_ms: i64,
    ) -> Result<crate::store::keys::Registered> {
        Ok(self
            .store
            .register_device_key(user_id, key, label, now_ms)
            .await?)
    }

    /// Creates account `new` as `actor` ([`admin::create`]).
    pub async fn create(
        &self,
        actor: &admin::Actor,
        new: tiendo_shared::api::NewAccount,
        today: tiendo_shared::model::Date,
    ) -> Result<tiendo_shared::api::AccountWithPassword> {
        let agencies = self.agencies().await?;
        admin::create(&self.store, &agencies, actor, new, None, today).await
    }

    /// Disables or enables account `username` as `actor` ([`admin::set_disabled`]).
    pub async fn set_disabled(
        &self,
        actor: &admin::Actor,
        username: &str,
        disabled: bool,
    ) -> Result<User> {
        admin::set_disabled(&self.store, actor, username, disabled).await
    }

    /// Gives account `username` a new generated password as `actor` ([`admin::reset_password`]).
    pub async fn reset_password(
        &self,
        actor: &admin::Actor,
        username: &str,
    ) -> Result<tiendo_shared::api::AccountWithPassword> {
        admin::reset_password(&self.store, actor, username, None).await
    }

    /// Moves account `username` to unit `unit_id` as `actor` ([`admin::move_to`]).
    pub async fn move_to(
        &self,
        actor: &admin::Actor,
        username: &str,
        agency: Option<&str>,
        unit_id: &str,
        today: tiendo_shared::model::Date,
    ) -> Result<User> {
        let agencies = self.agencies().await?;
        admin::move_to(
            &self.store,
            &agencies,
            actor,
            username,
            agency,
            unit_id,
            today,
        )
        .await
    }
}

impl Accounts {
    /// Accounts over `store`, with sessions valid for `session_lifetime`.
    pub fn new(store: Store, session_lifetime: Duration) -> Accounts {
        Accounts {
            store,
            session_lifetime,
            // Verified against when the user does not exist, so both cases cost the same.
            dummy_hash: Arc::new(hash_password("không-có-người-dùng-này").unwrap_or_default()),
            refused: Arc::default(),
            reserving: Arc::default(),
            addresses: Arc::default(),
        }
    }

    /// How long pair `key` is still refused by what this process saw (ms), if it is.
    fn refused_for(&self, key: &str, now: i64) -> Option<i64> {
        let refused = self.refused.lock().unwrap_or_else(|e| e.into_inner());
        refused
            .get(key)
            .map(|until| until - now)
            .filter(|ms| *ms > 0)
    }

    /// Counts a failed sign-in from `from` and answers the address's count (forgotten after a
    /// quiet day). Kept in this process, not the store: it only slows an address down, so a
    /// node counting its own share is enough, and a burst of failures writes nothing in front of
    /// the tablets' acknowledgements (the store has one writer).
    fn address_failed(&self, from: IpAddr, now: i64) -> u32 {
        let mut addresses = self.addresses.lock().unwrap_or_else(|e| e.into_inner());
        if addresses.len() >= MAX_REFUSED_KEPT {
            addresses.retain(|_, (_, last)| now - *last < ADDRESS_QUIET_MS);
            if addresses.len() >= MAX_REFUSED_KEPT {
                addresses.clear();
            }
        }
        let (count, last) = addresses.entry(from).or_insert((0, now));
        if now - *last >= ADDRESS_QUIET_MS {
            *count = 0;
        }
        *count += 1;
        *last = now;
        *count
    }

    fn remember_refused(&self, key: &str, until: i64, now: i64) {
        let mut refused = self.refused.lock().unwrap_or_else(|e| e.into_inner());
        if refused.len() >= MAX_REFUSED_KEPT {
            refused.retain(|_, u| *u > now);
            if refused.len() >= MAX_REFUSED_KEPT {
                refused.clear();
            }
        }
        refused.insert(key.to_string(), until);
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Checks the password and opens a session ([`Accounts::check`], then [`Accounts::open`]).
    pub async fn login(&self, username: &str, password: &str, from: IpAddr) -> Result<Session> {
        let verified = self.check(username, password, from).await?;
        let user = verified.user.clone();
        self.open(verified, user).await
    }

    /// Checks `password` for `username` signing in from `from`, under the throttle (the rule is
    /// the README's "Sign-in and its throttle"):
    ///
    /// 1. A try is taken from the account at this address (`pair:`, [`FREE_ATTEMPTS`] free) and
    ///    from the account (`user:`, [`FREE_ATTEMPTS_PER_ACCOUNT`] free) *before* the password
    ///    is checked, atomically in the store: parallel guesses are bounded exactly, on every
    ///    node sharing the store. If either is locked out, the answer is 429 with `Retry-After`
    ///    and nothing is checked.
    /// 2. Argon2 runs behind the process's limit ([`argon2()`]), against a dummy hash for an
    ///    unknown name, and against the real hash for a disabled account too: every failure
    ///    costs the same and answers the same ([`LOGIN_REFUSED`]).
    /// 3. A failure also counts for the address; past [`FREE_ATTEMPTS_PER_ADDRESS`] its answer
    ///    is delayed. The address is never locked out: a colleague who signs in correctly from
    ///    the same office is not held back.
    pub async fn check(&self, username: &str, password: &str, from: IpAddr) -> Result<Verified> {
        let name = username.trim().to_lowercase();
        let keys = vec![format!("pair:{name}@{from}"), format!("user:{name}")];
        let counters = vec![
            Counter {
                key: keys[0].clone(),
                lock: pair_lockout,
            },
            Counter {
                key: keys[1].clone(),
                lock: account_lockout,
            },
        ];
        let reserving = self.reserving.lock().await;
        let now = now_ms();
        let refused = match self.refused_for(&keys[0], now) {
            Some(ms) => Some(ms),
            None => {
                let ms = self.store.login_reserve(counters, now).await?;
                if let Some(ms) = ms {
                    self.remember_refused(&keys[0], now + ms, now);
                }
                ms
            }
        };
        drop(reserving);
        if let Some(ms) = refused {
            let retry_after = (ms.max(0) as u64).div_ceil(1000).max(1);
            tracing::warn!(username, %from, retry_after, "login refused: locked out");
            return Err(DomainError::TooManyAttempts { retry_after });
        }
        let found = self.store.password_hash(&name).await?;
        let (hash, user) = match found {
            Some((user, hash)) => (hash, Some(user)),
            None => (self.dummy_hash.as_str().to_string(), None),
        };
        let pw = password.to_string();
        let matches = argon2(move || verify_password(&pw, &hash))
            .await
            .unwrap_or(false);
        match user {
            Some(user) if matches && !user.disabled => Ok(Verified { user, keys, from }),
            Some(user) if matches => {
                tracing::warn!(username, %from, "login refused: account disabled");
                Err(self.failed(&user.username, from).await)
            }
            _ => {
                tracing::warn!(username, %from, "login failed");
                Err(self.failed(&name, from).await)
            }
        }
    }

    /// Counts a failure for the address and answers it, after the address's delay if it has
    /// failed often (the tries of the account stay taken).
    async fn failed(&self, username: &str, from: IpAddr) -> DomainError {
        let count = self.address_failed(from, now_ms());
        if let Some(delay) = address_delay(count) {
            tracing::warn!(username, %from, count, ?delay, "sign-ins from this address keep failing: answer delayed");
            tokio::time::sleep(delay).await;
        }
        DomainError::Unauthorized(LOGIN_REFUSED.to_string())
    }

    /// Opens the session of a [`Verified`] sign-in as `user` (the account as it is now, after any
    /// organisation change that came into effect) and gives back its tries.
    pub async fn open(&self, verified: Verified, user: User) -> Result<Session> {
        if let Some(pair) = verified.keys.first() {
            let mut refused = self.refused.lock().unwrap_or_else(|e| e.into_inner());
            refused.remove(pair);
        }
        self.store.login_succeeded(verified.keys).await?;
        let (token, expires_at) = self
            .store
            .create_session(user.id, self.session_lifetime)
            .await?;
        tracing::info!(user = %user.username, from = %verified.from, "signed in");
        Ok(Session {
            token,
            user,
            expires_at,
        })
    }

    /// Answers a [`Verified`] sign-in whose account an organisation change has closed since: as
    /// a wrong password, so the answer does not confirm the password.
    pub async fn refuse(&self, verified: Verified) -> DomainError {
        tracing::warn!(username = %verified.user.username, from = %verified.from, "login refused: account closed by an organisation change");
        self.failed(&verified.user.username, verified.from).await
    }

    /// The user of a valid session token.
    pub async fn authenticate(&self, token: &str) -> Result<User> {
        match self.store.session_user(token).await? {
            Some((user, _)) if user.disabled => Err(DomainError::AccountDisabled(Box::new(user))),
            Some((user, _)) => Ok(user),
            None => Err(DomainError::Unauthorized(
                "phiên đăng nhập không hợp lệ hoặc đã hết hạn".to_string(),
            )),
        }
    }

    /// `user` changes their own password: the current one is checked like a sign-in (under
    /// the throttle, so this is no way around it), then every other session of theirs ends;
    /// `keep` (the token's SHA-256 of the session asking) stays.
    pub async fn change_password(
        &self,
        user: &User,
        current: &str,
        new: &str,
        from: IpAddr,
        keep: Vec<u8>,
    ) -> Result<()> {
        validate_password(new).map_err(DomainError::BadRequest)?;
        let verified = match self.check(&user.username, current, from).await {
            Ok(v) => v,
            Err(DomainError::Unauthorized(_)) => {
                return Err(DomainError::Forbidden(
                    "mật khẩu hiện tại không đúng".into(),
                ));
            }
            Err(e) => return Err(e),
        };
        self.store.login_succeeded(verified.keys).await?;
        self.store
            .set_password_keeping(&user.username, new, Some(keep))
            .await?;
        admin::changed_own_password(&self.store, user).await
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
mod tests;
