//! What the sandbox remembers while it runs: its settings, the apps, users and tokens of the
//! configured accounts ([`index`]), what the flows issue at runtime ([`issued`]: request tokens,
//! access tokens, Bearer Tokens, posts), the nonce store and the rate-limit counters, and
//! OAuth 2.0's clients, codes and tokens ([`oauth2`]).
//! Every handler shares one [`Shared`].

mod index;
mod issued;
pub(crate) mod oauth2;
pub(crate) mod rate_limit;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub(crate) use index::{App, Token, User};
pub(crate) use issued::{Deleted, Unredeemable};

use crate::accounts::Account;
use crate::oauth1::NonceStore;
use crate::scenario::Scenario;
use crate::SandboxError;
use index::Index;
use issued::{Posts, RequestToken};
use rate_limit::RateLimiter;

/// Settings that stay fixed while the sandbox runs (set through [`crate::SandboxConfig`]).
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// How far `oauth_timestamp` may be from the server's clock.
    pub(crate) timestamp_window: Duration,
    /// A delay added to every response but `/sandbox/health`.
    pub(crate) latency: Duration,
    /// The delay of the `slow` scenario.
    pub(crate) slow_delay: Duration,
    /// How far ahead the `clock-skew` scenario's clock runs.
    pub(crate) clock_skew: Duration,
    /// How many live nonces the store holds.
    pub(crate) nonce_capacity: usize,
    /// Whether the rate-limit counters count.
    pub(crate) rate_limits: bool,
    /// The length of every rate-limit window.
    pub(crate) rate_limit_window: Duration,
    /// OAuth 2.0's undocumented behaviours.
    pub(crate) oauth2: oauth2::Oauth2Settings,
}

/// Everything the handlers share.
pub(crate) struct Shared {
    pub(crate) settings: Settings,
    apps: HashMap<String, Arc<App>>,
    /// Access tokens: the configured ones, then those the PIN flow issues (revoking replaces one).
    tokens: RwLock<HashMap<String, Arc<Token>>>,
    users: HashMap<String, Arc<User>>,
    usernames: HashMap<String, String>,
    user_order: Vec<String>,
    /// Bearer Token → consumer key; invalidating a Bearer Token replaces it.
    bearers: RwLock<HashMap<String, String>>,
    pub(crate) nonces: Mutex<NonceStore>,
    pub(crate) limiter: RateLimiter,
    posts: Mutex<Posts>,
    request_tokens: Mutex<HashMap<String, RequestToken>>,
    next_id: AtomicU64,
    /// OAuth 2.0: clients, codes, tokens and their clock.
    pub(crate) oauth2: oauth2::Oauth2,
}

/// Locks a mutex, recovering from poisoning (a panicked handler must not stop the sandbox).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

fn read_lock<T>(m: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    match m.read() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

fn write_lock<T>(m: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    match m.write() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// The real clock, Unix seconds.
pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl Shared {
    /// The state of a sandbox serving `accounts`, started at `started` (Unix seconds: when
    /// the accounts' OAuth 2.0 tokens were issued).
    ///
    /// # Errors
    /// Two accounts conflict ([`SandboxError::ConflictingApp`], [`SandboxError::DuplicateToken`],
    /// [`SandboxError::DuplicateClientId`]).
    pub(crate) fn new(
        settings: Settings,
        accounts: &[Account],
        started: i64,
    ) -> Result<Shared, SandboxError> {
        let index = Index::build(accounts)?;
        let oauth2 = oauth2::Oauth2::build(settings.oauth2.clone(), accounts, started)?;
        Ok(Shared {
            oauth2,
            nonces: Mutex::new(NonceStore::new(settings.nonce_capacity)),
            limiter: RateLimiter::new(
                settings.rate_limits,
                settings.rate_limit_window.as_secs().max(1) as i64,
            ),
            settings,
            apps: index.apps,
            tokens: RwLock::new(index.tokens),
            users: index.users,
            usernames: index.usernames,
            user_order: index.user_order,
            bearers: RwLock::new(index.bearers),
            posts: Mutex::new(Posts::default()),
            request_tokens: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1_950_000_000_000_000_000),
        })
    }

    /// A fresh 19-digit post or event id (deterministic: a counter).
    pub(crate) fn next_id(&self) -> String {
        self.next_id.fetch_add(1, Ordering::Relaxed).to_string()
    }

    /// How far this scenario's server clock runs ahead of the real one, in seconds.
    pub(crate) fn clock_offset(&self, scenario: Scenario) -> i64 {
        if scenario == Scenario::ClockSkew {
            self.settings.clock_skew.as_secs() as i64
        } else {
            0
        }
    }

    /// The delay the `slow` scenario adds (the latency is added to every response apart).
    pub(crate) fn delay(&self, scenario: Scenario) -> Duration {
        match scenario {
            Scenario::Slow => self.settings.slow_delay,
            _ => Duration::ZERO,
        }
    }

    /// The app with this consumer key.
    pub(crate) fn app(&self, consumer_key: &str) -> Option<Arc<App>> {
        self.apps.get(consumer_key).cloned()
    }

    /// The name of the app with this consumer key (empty if none).
    pub(crate) fn app_name(&self, consumer_key: &str) -> String {
        self.apps
            .get(consumer_key)
            .map(|a| a.name.clone())
            .unwrap_or_default()
    }

    /// The access token with this value, revoked or not.
    pub(crate) fn access_token(&self, token: &str) -> Option<Arc<Token>> {
        read_lock(&self.tokens).get(token).cloned()
    }

    /// The app a Bearer Token belongs to.
    pub(crate) fn app_of_bearer(&self, bearer: &str) -> Option<Arc<App>> {
        let ck = read_lock(&self.bearers).get(bearer).cloned()?;
        self.apps.get(&ck).cloned()
    }

    /// The user with this id.
    pub(crate) fn user(&self, id: &str) -> Option<Arc<User>> {
        self.users.get(id).cloned()
    }

    /// The id of the user with this username (case-insensitive, as on X).
    pub(crate) fn user_id_of(&self, username: &str) -> Option<String> {
        self.usernames.get(&username.to_ascii_lowercase()).cloned()
    }

    /// Every user, in the order their accounts were configured.
    pub(crate) fn users_in_order(&self) -> impl Iterator<Item = Arc<User>> + '_ {
        self.user_order.iter().filter_map(|id| self.user(id))
    }
}
