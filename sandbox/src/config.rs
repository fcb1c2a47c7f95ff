//! How a sandbox behaves: its accounts, the timestamp window, delays, nonce and rate limits,
//! callback URLs, and (in [`oauth2`]) what OAuth 2.0 does where X documents nothing.

use std::time::Duration;

use crate::accounts::Account;
use crate::state::oauth2::Oauth2Settings;
use crate::state::rate_limit::WINDOW_SECS;
use crate::state::Settings;

mod oauth2;

/// Which host the `type` URI of a problem names: X sends both `https://api.x.com/2/problems/...`
/// and `https://api.twitter.com/2/problems/...` (the same problem has been seen with each), and
/// documents no rule, so a bot must compare the suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProblemTypes {
    /// Alternate between the two hosts, answer by answer, so a bot that compares the whole URI
    /// fails here as it would on X (the default). The `credits` problem, seen with one host
    /// only, keeps it.
    BothHosts,
    /// Each problem with the host it was recorded with.
    AsRecorded,
}

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
                unsigned_access_token: true,
                poll_without_text: true,
                problem_types: ProblemTypes::BothHosts,
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

    /// Registers one more callback URL for every demo app (they all have
    /// [`DEMO_CALLBACK_URL`](crate::DEMO_CALLBACK_URL)), matched exactly by the PIN flow's
    /// `oauth_callback` and OAuth 2.0's `redirect_uri`: e.g. the one your web app listens on.
    pub fn callback_url(mut self, url: impl Into<String>) -> SandboxConfig {
        self.demo_callback_urls.push(url.into());
        self
    }

    /// Whether `POST /oauth/access_token` takes the request token and the verifier without a
    /// signature (default yes): X's reference says "Authentication: Not required" and its curl
    /// example sends no `Authorization` header
    /// (<https://docs.x.com/fundamentals/authentication/api-reference>). A signed request is
    /// always verified.
    pub fn unsigned_access_token(mut self, allowed: bool) -> SandboxConfig {
        self.settings.unsigned_access_token = allowed;
        self
    }

    /// Whether a post with a poll needs no text (default: it needs none). X's schema requires no
    /// property of `POST /2/tweets`, but its description of `text` says "Required unless media is
    /// provided": unconfirmed for a poll, hence configurable.
    pub fn poll_without_text(mut self, allowed: bool) -> SandboxConfig {
        self.settings.poll_without_text = allowed;
        self
    }

    /// Which host problem `type` URIs name (default [`ProblemTypes::BothHosts`]).
    pub fn problem_types(mut self, types: ProblemTypes) -> SandboxConfig {
        self.settings.problem_types = types;
        self
    }
}
