//! The running server: [`Sandbox`] binds a port, serves the router on its own task, and stops
//! when dropped.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::accounts::{Account, DemoAccount};
use crate::config::SandboxConfig;
use crate::scenario::Scenario;
use crate::state::Shared;
use crate::{routes, SandboxError};

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
        let demo_accounts: Vec<Account> = Scenario::ALL
            .iter()
            .map(|&s| {
                let mut demo = Account::demo(s);
                demo.callback_urls
                    .extend(config.demo_callback_urls.iter().cloned());
                demo
            })
            .collect();
        let demos: Vec<DemoAccount> = demo_accounts.iter().map(Account::to_demo).collect();
        let (mut accounts, served) = if config.demo_accounts {
            (demo_accounts, demos.clone())
        } else {
            (Vec::new(), Vec::new())
        };
        accounts.extend(config.accounts);
        let shared = Arc::new(Shared::new(config.settings, &accounts, served)?);
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
