//! How a sandbox behaves: its accounts, the timestamp window, delays, nonce and rate limits.

use std::time::Duration;

use crate::accounts::Account;
use crate::state::oauth2::Oauth2Settings;
use crate::state::rate_limit::WINDOW_SECS;
use crate::state::Settings;

mod oauth2;

/// How the sandbox behaves: accounts, timestamp window, delays (builder style).
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub(crate) accounts: Vec<Account>,
    pub(crate) demo_accounts: bool,
    /// Callback URLs added to every demo app.
    pub(crate) demo_callback_urls: Vec<String>,
    pub(crate) settings: Settings,
}

impl Default for SandboxConfig {
    /// One demo account per scenario, a ±300 s window, no latency, X's rate limits.
    fn default() -> SandboxConfig {
        SandboxConfig {
            accounts: Vec::new(),
            demo_accounts: true,
            demo_callback_urls: Vec::new(),
            settings: Settings {
                // X documents no window, only that it "will reject requests which were created
                // too far in the past" (https://docs.x.com/fundamentals/authentication/oauth-1-0a/authorizing-a-request):
                // 300 s is an assumption, hence configurable.
                timestamp_window: Duration::from_secs(300),
                latency: Duration::ZERO,
                slow_delay: Duration::from_secs(30),
                clock_skew: Duration::from_secs(3600),
                nonce_capacity: 100_000,
                rate_limits: true,
                rate_limit_window: Duration::from_secs(WINDOW_SECS as u64),
                oauth2: Oauth2Settings::default(),
            },
        }
    }
}

impl SandboxConfig {
    /// How far `oauth_timestamp` may be from the server's clock (default 300 s).
    pub fn timestamp_window(mut self, window: Duration) -> SandboxConfig {
        self.settings.timestamp_window = window;
        self
    }

    /// A delay added to every response but `/sandbox/health` (default none).
    pub fn latency(mut self, latency: Duration) -> SandboxConfig {
        self.settings.latency = latency;
        self
    }

    /// The delay of the `slow` scenario (default 30 s).
    pub fn slow_delay(mut self, delay: Duration) -> SandboxConfig {
        self.settings.slow_delay = delay;
        self
    }

    /// How far ahead the `clock-skew` scenario's server clock runs (default 1 hour).
    pub fn clock_skew(mut self, ahead: Duration) -> SandboxConfig {
        self.settings.clock_skew = ahead;
        self
    }

    /// Adds an account.
    pub fn account(mut self, account: Account) -> SandboxConfig {
        self.accounts.push(account);
        self
    }

    /// Adds many accounts (e.g. `(0..10_000).map(Account::generated)`).
    pub fn accounts(mut self, accounts: impl IntoIterator<Item = Account>) -> SandboxConfig {
        self.accounts.extend(accounts);
        self
    }

    /// Serves only the accounts added with [`SandboxConfig::account`].
    pub fn without_demo_accounts(mut self) -> SandboxConfig {
        self.demo_accounts = false;
        self
    }

    /// How many live nonces the sandbox remembers (default 100,000); beyond that it refuses
    /// new requests with 503 until old nonces leave the window (see [`crate::oauth1::NonceStore`]).
    pub fn nonce_capacity(mut self, capacity: usize) -> SandboxConfig {
        self.settings.nonce_capacity = capacity;
        self
    }

    /// Turns the per-user rate-limit counters on or off (default on); headers stay.
    pub fn rate_limits(mut self, enabled: bool) -> SandboxConfig {
        self.settings.rate_limits = enabled;
        self
    }

    /// The length of every rate-limit window (default X's 15 minutes; at least 1 s): shorter
    /// windows let tests see a limit reset.
    pub fn rate_limit_window(mut self, window: Duration) -> SandboxConfig {
        self.settings.rate_limit_window = window;
        self
    }
}
