//! A local X API that verifies OAuth 1.0a and OAuth 2.0 exactly as X does, for tests and offline work.
//!
//! # What it serves
//! X API v2 `GET /2/users/me`, `POST /2/tweets`, `DELETE /2/tweets/:id`,
//! `POST /2/dm_conversations/with/:participant_id/messages`, `GET /2/users/by/username/:username`
//! and `POST /2/users/:id/bookmarks` (OAuth 2.0 only); v1.1 `GET /1.1/account/verify_credentials.json`
//! and `POST /1.1/oauth/invalidate_token`; the PIN flow (`/oauth/request_token`, `/oauth/authorize`,
//! `/oauth/access_token`); app-only Bearer Tokens (`/oauth2/token`, `/oauth2/invalidate_token`);
//! OAuth 2.0 user context with PKCE (the consent page `/i/oauth2/authorize`, `/2/oauth2/token`,
//! `/2/oauth2/revoke`; user tokens work on every v2 endpoint above, with X's scopes); and its own
//! `/sandbox/health`, `/sandbox/echo` (any signed request: shows the base string it verified) and
//! `/sandbox/clock` (moves the clock OAuth 2.0 codes and tokens expire on). It answers with X's
//! statuses, bodies and headers (`x-access-level`, `x-rate-limit-*`, `api-version`, a `Date` on the
//! server's clock), serves one demo account per [`Scenario`] (a revoked token, an app not enrolled,
//! no credits left, a clock one hour ahead, an expired OAuth 2.0 token...), and explains every
//! refusal in an `x-sandbox-explain` header. See the chapter "Test offline with the sandbox"
//! (book/test-offline-with-the-sandbox.md).
//!
//! # How to run it
//! From Rust, start it on a free port of 127.0.0.1 and point a client at [`Sandbox::base_url`]:
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
//!
//! As a program, for a bot in any language (it prints the demo keys, the same on every run):
//!
//! ```sh
//! cargo run -p xkeys-sandbox -- --port 8080
//! ```
//!
//! # It shares no code with the client's signer
//! Clients sign with reqwest-oauth1; the sandbox verifies with its own [`oauth1`] module. This
//! package depends on neither `xkeys` nor reqwest-oauth1, so the compiler keeps the two apart:
//! a bug in one shows up as a failed test instead of cancelling out in a shared helper.
//!
//! # Layout
//! - [`oauth1`]: the verifier (RFC 5849 base string, HMAC-SHA1, nonce store), no HTTP.
//! - `auth`: who calls (OAuth 1.0a, an OAuth 2.0 user token, a Bearer Token, Basic) and X's
//!   checks, in X's order; OAuth 2.0's clients and PKCE.
//! - `http`: the axum glue: extractors that read and authenticate a request, X's reply.
//! - `routes`: the router and the handlers, by family (v2, v1.1, OAuth, OAuth 2.0, app-only, sandbox).
//! - `state`: what the running sandbox remembers (accounts, issued tokens, nonces, rate limits,
//!   OAuth 2.0 codes and tokens and their clock).
//! - `x`: X's error bodies and user objects, each with its source.
//! - [`Account`], [`Scenario`], [`SandboxConfig`], [`Sandbox`]: the public face; [`cli`]: the
//!   program's command line.

mod accounts;
mod auth;
pub mod cli;
mod config;
mod http;
mod keys;
pub mod oauth1;
mod routes;
mod scenario;
mod server;
mod state;
mod x;

use std::net::SocketAddr;

pub use accounts::{AccessLevel, Account, DemoAccount, DEMO_REDIRECT_URI};
pub use config::SandboxConfig;
pub use scenario::{Scenario, UnknownScenario};
pub use server::Sandbox;

/// Why the sandbox could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
    /// Two apps use the same OAuth 2.0 Client ID.
    #[error("two apps use the OAuth 2.0 Client ID {0}")]
    DuplicateClientId(String),
    /// Ctrl-C could not be waited for (the program's serve loop).
    #[error("cannot wait for Ctrl-C: {0}")]
    Signal(std::io::Error),
}
