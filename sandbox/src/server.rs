//! The running server: [`Sandbox`] binds a port, serves the router on its own task, and stops
//! when dropped.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::accounts::{Account, DemoAccount};
use crate::config::SandboxConfig;
use crate::scenario::Scenario;
use crate::state::oauth2::Clock;
use crate::state::{now, Shared};
use crate::{routes, SandboxError};

/// A running sandbox; dropping it stops the server.
#[derive(Debug)]
pub struct Sandbox {
    base_url: String,
    addr: SocketAddr,
    demos: Vec<DemoAccount>,
    public_client_id: String,
    clock: Clock,
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
        let started = now();
        let demo_accounts: Vec<Account> = Scenario::ALL
            .iter()
            .map(|&s| {
                let mut demo = Account::demo(s);
                demo.callback_urls
                    .extend(config.demo_callback_urls.iter().cloned());
                demo
            })
            .collect();
        let demos = demo_accounts
            .iter()
            .map(|a| a.to_demo_at(started))
            .collect();
        let public_client_id = demo_accounts
            .iter()
            .find_map(|a| a.public_client_id.clone())
            .unwrap_or_default();
        let mut accounts = if config.demo_accounts {
            demo_accounts
        } else {
            Vec::new()
        };
        accounts.extend(config.accounts);
        let shared = Arc::new(Shared::new(config.settings, &accounts, started)?);
        let clock = shared.oauth2.clock();
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
        let app = routes::router(shared);
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
            public_client_id,
            clock,
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

    /// The Client ID of the demo public OAuth 2.0 client (a Native App: PKCE, no secret) of the
    /// `full-access` demo app. Its callback URLs are that app's.
    pub fn public_client_id(&self) -> &str {
        &self.public_client_id
    }

    /// Moves the sandbox's OAuth 2.0 clock forward: codes live 30 s and access tokens 2 hours
    /// on it, so a test sees them expire without waiting. Only those lifetimes move: the `Date`
    /// header, OAuth 1.0a timestamps and rate-limit windows stay on the real clock. The same as
    /// `POST /sandbox/clock?advance=SECS`, for tests in other languages.
    pub fn advance_clock(&self, by: Duration) {
        self.clock.advance(by.as_secs() as i64);
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
