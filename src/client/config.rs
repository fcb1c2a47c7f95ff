//! How the client connects: the base URL, the timeouts and the retry budget.

use std::time::Duration;

/// X's API host, as the docs and the OpenAPI `servers` spell it.
pub const DEFAULT_BASE_URL: &str = "https://api.x.com";

/// The environment variable that overrides the base URL (e.g. to point at the sandbox).
pub const BASE_URL_VAR: &str = "X_API_BASE_URL";

/// How the client connects: base URL, timeouts, retries.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub(super) base_url: String,
    pub(super) connect_timeout: Duration,
    pub(super) timeout: Duration,
    pub(super) max_retries: u32,
    pub(super) retry_budget: Duration,
    pub(super) first_backoff: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_string(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(20),
            max_retries: 2,
            retry_budget: Duration::from_secs(30),
            first_backoff: Duration::from_millis(500),
        }
    }
}

impl ClientConfig {
    /// The defaults, with the base URL from `X_API_BASE_URL` when set.
    pub fn from_env() -> Self {
        let mut config = Self::default();
        if let Ok(url) = std::env::var(BASE_URL_VAR) {
            if !url.trim().is_empty() {
                config.base_url = url.trim().to_string();
            }
        }
        config
    }

    /// Sends requests to this base URL instead (e.g. the sandbox's).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The base URL in use.
    pub fn base_url_str(&self) -> &str {
        &self.base_url
    }

    /// The time allowed to connect (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The time allowed for one whole request and response (default 20 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The configured per-request timeout.
    pub fn timeout_value(&self) -> Duration {
        self.timeout
    }

    /// How many times an idempotent call is retried (default 2), and within what total time (default 30 s).
    pub fn retries(mut self, max_retries: u32, budget: Duration) -> Self {
        self.max_retries = max_retries;
        self.retry_budget = budget;
        self
    }

    /// The first wait before a retry (default 500 ms; doubles each time).
    pub fn backoff(mut self, first: Duration) -> Self {
        self.first_backoff = first;
        self
    }
}
