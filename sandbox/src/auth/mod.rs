//! Who is calling, and whether X lets the call through: OAuth 1.0a user context or app-only
//! credentials, then X's checks in X's order. No HTTP types beyond status codes: the glue in
//! [`crate::http`] hands over the parts of a request ([`Presented`]) and renders the verdict.
//!
//! - [`oauth1`]: a signed request against the apps, tokens and nonces the sandbox knows.
//! - [`oauth2`]: OAuth 2.0 user access tokens and their scopes, the clients of
//!   `/2/oauth2/token` and `/2/oauth2/revoke`, and PKCE.
//! - [`app_only`]: Bearer Tokens and the `Basic` credentials of `/oauth2/token`
//!   ([`basic`] decodes them).
//! - [`call`]: an API endpoint's caller ([`call::authenticate`]) and X's checks after
//!   authentication ([`call::gates`]).

pub(crate) mod app_only;
pub(crate) mod basic;
pub(crate) mod call;
pub(crate) mod oauth1;
pub(crate) mod oauth2;

use std::sync::Arc;

use axum::http::StatusCode;

use crate::accounts::AccessLevel;
use crate::scenario::Scenario;
use crate::state::oauth2::UserToken;
use crate::state::rate_limit::RateStatus;
use crate::state::{App, Token};

/// The parts of a request that authentication reads, as the client sent them.
#[derive(Debug, Clone)]
pub(crate) struct Presented<'a> {
    /// HTTP method, e.g. `GET`.
    pub(crate) method: &'a str,
    /// The `Host` header, if it is there and ASCII.
    pub(crate) host: Option<&'a str>,
    /// The path, as sent.
    pub(crate) path: &'a str,
    /// The raw query string, if any.
    pub(crate) query: Option<&'a str>,
    /// The `Content-Type` header, if any.
    pub(crate) content_type: Option<&'a str>,
    /// The body.
    pub(crate) body: &'a [u8],
    /// Every `Authorization` header value (non-ASCII ones as `<non-ASCII header>`).
    pub(crate) authorization: Vec<&'a str>,
}

/// Which API family answers: v2 problem objects or v1.1 `errors[]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    /// `/2/...`: RFC 7807 problem objects.
    V2,
    /// `/1.1/...` and `/oauth/...`: `{"errors":[{"code":N,...}]}`.
    V11,
}

/// What an API endpoint needs and allows, as X publishes it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec {
    /// The endpoint, e.g. `GET /2/users/me`: the key of its rate-limit counters.
    pub(crate) endpoint: &'static str,
    /// Which error shapes it answers with.
    pub(crate) api: Api,
    /// Whether OAuth 1.0a user context may call it (X's OpenAPI `UserToken` security).
    pub(crate) oauth1: bool,
    /// `Some(the scopes an OAuth 2.0 user token needs)` when one may call it (X's OpenAPI
    /// `OAuth2UserToken` security); `None` on v1.1: "OAuth 2.0 can be used with the X API v2
    /// only" (<https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code>).
    pub(crate) scopes: Option<&'static [&'static str]>,
    /// The permission a user token needs.
    pub(crate) needs: AccessLevel,
    /// Requests per user per window.
    pub(crate) per_user: u32,
    /// `Some(requests per app per window)` when a Bearer Token (app-only) may call it.
    pub(crate) app_only: Option<u32>,
}

/// Which token a signed request must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// An access token (user context).
    Access,
    /// A request token of the PIN flow.
    Request,
    /// No token (`/oauth/request_token`).
    None,
    /// An access token or none (`/sandbox/echo`).
    Optional,
}

/// Who is calling: a user (OAuth 1.0a or OAuth 2.0) or an app (Bearer Token).
pub(crate) enum Caller {
    /// OAuth 1.0a user context.
    User {
        /// The app that signed.
        app: Arc<App>,
        /// The user's access token.
        token: Arc<Token>,
    },
    /// OAuth 2.0 user context: a user access token.
    OAuth2 {
        /// The app of the client the token was issued to.
        app: Arc<App>,
        /// Who the token acts for, and its scopes.
        token: Arc<UserToken>,
    },
    /// App-only: a Bearer Token.
    App {
        /// The app the Bearer Token belongs to.
        app: Arc<App>,
    },
}

impl Caller {
    /// The scenario the caller simulates: the token's, or the app's for app-only.
    pub(crate) fn scenario(&self) -> Scenario {
        match self {
            Caller::User { token, .. } => token.scenario,
            Caller::OAuth2 { token, .. } => token.scenario,
            Caller::App { app } => app.scenario,
        }
    }

    /// The calling app.
    pub(crate) fn app(&self) -> &Arc<App> {
        match self {
            Caller::User { app, .. } | Caller::OAuth2 { app, .. } | Caller::App { app } => app,
        }
    }

    /// The user a user-context caller acts for; `None` for app-only.
    pub(crate) fn user_id(&self) -> Option<&str> {
        match self {
            Caller::User { token, .. } => Some(&token.user_id),
            Caller::OAuth2 { token, .. } => Some(&token.user_id),
            Caller::App { .. } => None,
        }
    }
}

/// X's answer to a refused request: status, body and the sandbox's explanation.
#[derive(Debug, Clone)]
pub(crate) struct Refusal {
    /// The HTTP status.
    pub(crate) status: StatusCode,
    /// X's JSON body.
    pub(crate) body: String,
    /// Why, for the `x-sandbox-explain` header: never a secret.
    pub(crate) explain: String,
    /// How far the caller's server clock runs ahead (the `Date` header shows it).
    pub(crate) clock_offset: i64,
    /// The rate-limit headers, when the refusal came after counting.
    pub(crate) rate: Option<RateStatus>,
}

impl Refusal {
    /// A refusal with X's `status` and `body`, explained.
    pub(crate) fn new(
        status: StatusCode,
        body: impl Into<String>,
        explain: impl Into<String>,
    ) -> Refusal {
        Refusal {
            status,
            body: body.into(),
            explain: explain.into(),
            clock_offset: 0,
            rate: None,
        }
    }

    /// The same refusal, sent with the caller's server clock.
    pub(crate) fn at_clock(mut self, offset: i64) -> Refusal {
        self.clock_offset = offset;
        self
    }

    /// The same refusal, with the rate-limit headers.
    pub(crate) fn with_rate(mut self, rate: RateStatus) -> Refusal {
        self.rate = Some(rate);
        self
    }
}
