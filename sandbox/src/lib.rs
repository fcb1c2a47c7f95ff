//! A local X API that verifies OAuth 1.0a exactly as X does, for tests and offline work.
//!
//! It serves `GET /2/users/me`, `POST /2/tweets`, `DELETE /2/tweets/:id`, DMs, user lookup,
//! v1.1 `verify_credentials`, the PIN flow and app-only Bearer Tokens, with X's statuses,
//! bodies and headers, and one demo account per [`Scenario`]. It verifies signatures with its
//! own code ([`oauth1`]), never with a client's, and explains every refusal in an
//! `x-sandbox-explain` header. See the chapter "Test offline with the sandbox".
//!
//! ```no_run
//! # async fn run() -> Result<(), xkeys_sandbox::SandboxError> {
//! use xkeys_sandbox::{Sandbox, Scenario};
//! let sandbox = Sandbox::start().await?;
//! let demo = sandbox.demo(Scenario::FullAccess);
//! println!("{} serves @{}", sandbox.base_url(), demo.username);
//! # Ok(())
//! # }
//! ```

mod accounts;
mod api;
pub mod cli;
mod flow;
pub mod oauth1;
mod problems;
mod rate_limit;
mod server;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use accounts::{AccessLevel, Account, DemoAccount, Scenario, UnknownScenario};

/// Why the sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The error from the OS.
        source: std::io::Error,
    },
    /// Two accounts use the same API Key with different secrets.
    #[error("two accounts use the API Key {0} with different API Key Secrets")]
    ConflictingApp(String),
    /// Two accounts use the same Access Token.
    #[error("two accounts use the Access Token {0}")]
    DuplicateToken(String),
    /// Ctrl-C could not be waited for (the program's serve loop).
    #[error("cannot wait for Ctrl-C: {0}")]
    Signal(std::io::Error),
}

/// How the sandbox behaves: accounts, timestamp window, delays (builder style).
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    accounts: Vec<Account>,
    demo_accounts: bool,
    timestamp_window: Duration,
    latency: Duration,
    slow_delay: Duration,
    clock_skew: Duration,
    nonce_capacity: usize,
    rate_limits: bool,
    rate_limit_window: Duration,
}

impl Default for SandboxConfig {
    /// One demo account per scenario, a ±300 s window, no latency, X's rate limits.
    fn default() -> SandboxConfig {
        SandboxConfig {
            accounts: Vec::new(),
            demo_accounts: true,
            // X publishes no window (FACTS §3.5): 300 s is an assumption, hence configurable.
            timestamp_window: Duration::from_secs(300),
            latency: Duration::ZERO,
            slow_delay: Duration::from_secs(30),
            clock_skew: Duration::from_secs(3600),
            nonce_capacity: 100_000,
            rate_limits: true,
            rate_limit_window: Duration::from_secs(rate_limit::WINDOW_SECS as u64),
        }
    }
}

impl SandboxConfig {
    /// How far `oauth_timestamp` may be from the server's clock (default 300 s).
    pub fn timestamp_window(mut self, window: Duration) -> SandboxConfig {
        self.timestamp_window = window;
        self
    }

    /// A delay added to every response but `/sandbox/health` (default none).
    pub fn latency(mut self, latency: Duration) -> SandboxConfig {
        self.latency = latency;
        self
    }

    /// The delay of the `slow` scenario (default 30 s).
    pub fn slow_delay(mut self, delay: Duration) -> SandboxConfig {
        self.slow_delay = delay;
        self
    }

    /// How far ahead the `clock-skew` scenario's server clock runs (default 1 hour).
    pub fn clock_skew(mut self, ahead: Duration) -> SandboxConfig {
        self.clock_skew = ahead;
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
    /// new requests with 503 until old nonces leave the window (see [`oauth1::NonceStore`]).
    pub fn nonce_capacity(mut self, capacity: usize) -> SandboxConfig {
        self.nonce_capacity = capacity;
        self
    }

    /// Turns the per-user rate-limit counters on or off (default on); headers stay.
    pub fn rate_limits(mut self, enabled: bool) -> SandboxConfig {
        self.rate_limits = enabled;
        self
    }

    /// The length of every rate-limit window (default X's 15 minutes; at least 1 s): shorter
    /// windows let tests see a limit reset.
    pub fn rate_limit_window(mut self, window: Duration) -> SandboxConfig {
        self.rate_limit_window = window;
        self
    }
}

/// A running sandbox; dropping it stops the server.
#[derive(Debug)]
pub struct Sandbox {
    base_url: String,
    addr: SocketAddr,
    demos: Vec<DemoAccount>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Sandbox {
    /// Starts a sandbox on a free port of 127.0.0.1 with the default configuration.
    ///
    /// # Errors
    /// [`SandboxError::Bind`] if no port can be bound.
    pub async fn start() -> Result<Sandbox, SandboxError> {
        Sandbox::start_with(SandboxConfig::default()).await
    }

    /// Starts a sandbox on a free port of 127.0.0.1.
    ///
    /// # Errors
    /// [`SandboxError::Bind`], or a conflict between configured accounts.
    pub async fn start_with(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        Sandbox::start_on(config, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
    }

    /// Starts a sandbox on `addr` (port 0 picks a free port).
    ///
    /// # Errors
    /// [`SandboxError::Bind`], or a conflict between configured accounts.
    pub async fn start_on(
        config: SandboxConfig,
        addr: SocketAddr,
    ) -> Result<Sandbox, SandboxError> {
        let demo_accounts: Vec<Account> = Scenario::ALL.iter().map(|&s| Account::demo(s)).collect();
        let demos = demo_accounts.iter().map(Account::to_demo).collect();
        let mut accounts = if config.demo_accounts {
            demo_accounts
        } else {
            Vec::new()
        };
        accounts.extend(config.accounts);
        let settings = server::Settings {
            timestamp_window: config.timestamp_window,
            latency: config.latency,
            slow_delay: config.slow_delay,
            clock_skew: config.clock_skew,
            nonce_capacity: config.nonce_capacity,
            rate_limits: config.rate_limits,
            rate_limit_window: config.rate_limit_window,
        };
        let shared = Arc::new(server::Shared::new(settings, &accounts)?);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| SandboxError::Bind { addr, source })?;
        let mut local = listener
            .local_addr()
            .map_err(|source| SandboxError::Bind { addr, source })?;
        // A wildcard address is not one a client can connect to: point at loopback instead.
        if local.ip().is_unspecified() {
            local.set_ip(match local.ip() {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
            });
        }
        let (tx, rx) = oneshot::channel::<()>();
        let app = api::router(shared);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Sandbox {
            base_url: format!("http://{local}"),
            addr: local,
            demos,
            shutdown: Some(tx),
            task,
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:8080` (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the sandbox listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The demo account of a scenario (its keys get 401 if demo accounts are turned off).
    pub fn demo(&self, scenario: Scenario) -> &DemoAccount {
        let i = Scenario::ALL
            .iter()
            .position(|&s| s == scenario)
            .unwrap_or(0);
        &self.demos[i]
    }

    /// Every demo account, in [`Scenario::ALL`] order.
    pub fn demos(&self) -> &[DemoAccount] {
        &self.demos
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        // Stop accepting at once; requests in flight finish on their own tasks.
        self.task.abort();
    }
}
