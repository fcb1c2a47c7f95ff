//! Extractors that read a request and authenticate it: a handler that takes one runs only for
//! a request X would let through, and every refusal is answered here, as X answers it.

use std::marker::PhantomData;
use std::sync::Arc;

use axum::extract::{FromRequest, Request};

use super::{Incoming, Reply};
use crate::auth::call::{authenticate, gates};
use crate::auth::oauth1::{verify, Verified};
use crate::auth::{app_only, Api, Caller, Spec, TokenKind};
use crate::state::rate_limit::RateStatus;
use crate::state::{now, App, Shared, Token, User};

/// An API endpoint X puts behind its checks; its [`Spec`] says what it needs and allows.
pub(crate) trait Endpoint {
    /// What the endpoint needs and allows.
    const SPEC: Spec;
}

/// A call of the API endpoint `E` that passed X's checks: who calls, and the request.
///
/// Rejects like X: bad credentials, then the scenario's and X's refusals (enrolment, credits,
/// rate limit, permission), with X's headers.
pub(crate) struct Call<E> {
    /// The state the handler works on.
    pub(crate) st: Arc<Shared>,
    /// Who calls.
    pub(crate) caller: Caller,
    /// The request.
    pub(crate) request: Incoming,
    rate: RateStatus,
    endpoint: PhantomData<E>,
}

impl<E: Endpoint> FromRequest<Arc<Shared>> for Call<E> {
    type Rejection = Reply;

    async fn from_request(req: Request, st: &Arc<Shared>) -> Result<Call<E>, Reply> {
        let request = Incoming::from_request(req, st).await?;
        let caller = authenticate(st, &request.presented(), &E::SPEC)?;
        match gates(st, &caller, &E::SPEC, now()) {
            Ok(rate) => Ok(Call {
                st: st.clone(),
                caller,
                request,
                rate,
                endpoint: PhantomData,
            }),
            Err(refusal) => Err(for_caller(st, &caller, refusal.into()).await),
        }
    }
}

impl<E> Call<E> {
    /// Runs the endpoint's work and adds X's headers to its answer, success or not: the rate
    /// limit, the token's access level and the scenario's server clock; the slow scenario
    /// holds the answer back first.
    pub(crate) async fn answer(&self, work: impl FnOnce() -> Result<Reply, Reply>) -> Reply {
        let mut reply = work().unwrap_or_else(|refused| refused);
        reply.rate = Some(self.rate);
        for_caller(&self.st, &self.caller, reply).await
    }

    /// The caller's OAuth 1.0a access token; `None` for OAuth 2.0 and app-only.
    pub(crate) fn token(&self) -> Option<&Arc<Token>> {
        match &self.caller {
            Caller::User { token, .. } => Some(token),
            Caller::OAuth2 { .. } | Caller::App { .. } => None,
        }
    }

    /// The id of the calling user, for user context (OAuth 1.0a or 2.0); `None` for app-only.
    pub(crate) fn user_id(&self) -> Option<&str> {
        self.caller.user_id()
    }

    /// The calling user, for user context (OAuth 1.0a or 2.0); `None` for app-only.
    pub(crate) fn user(&self) -> Option<Arc<User>> {
        self.user_id().and_then(|id| self.st.user(id))
    }
}

/// The reply with the caller's headers (the scenario's server clock, an OAuth 1.0a token's access
/// level: none for OAuth 2.0, whose 403s carry none, plhery/node-twitter-api-v2#265), once the
/// scenario's delay is over: the response, and its `Date`, are made after the wait.
async fn for_caller(st: &Shared, caller: &Caller, mut reply: Reply) -> Reply {
    let scenario = caller.scenario();
    reply.clock_offset = st.clock_offset(scenario);
    if let Caller::User { token, .. } = caller {
        reply.access_level = Some(token.level);
    }
    let delay = st.delay(scenario);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    reply
}

/// Which token a [`Signed`] request carries, and which shapes its refusals take.
pub(crate) trait Expect {
    /// The token the request must (or must not) carry.
    const TOKEN: TokenKind;
    /// The shapes of the refusals.
    const API: Api;
}

/// An access token or none, refusals as v2 (`/sandbox/echo`).
pub(crate) struct OptionalToken;
/// No token: signed by the consumer alone, refusals as v1.1 (`/oauth/request_token`).
pub(crate) struct ConsumerOnly;
/// A request token, refusals as v1.1 (`/oauth/access_token`).
pub(crate) struct WithRequestToken;

impl Expect for OptionalToken {
    const TOKEN: TokenKind = TokenKind::Optional;
    const API: Api = Api::V2;
}

impl Expect for ConsumerOnly {
    const TOKEN: TokenKind = TokenKind::None;
    const API: Api = Api::V11;
}

impl Expect for WithRequestToken {
    const TOKEN: TokenKind = TokenKind::Request;
    const API: Api = Api::V11;
}

/// A request whose OAuth 1.0a signature checked out, with the token `K` says.
pub(crate) struct Signed<K> {
    /// What was verified.
    pub(crate) verified: Verified,
    /// The request.
    pub(crate) request: Incoming,
    kind: PhantomData<K>,
}

impl<K: Expect> FromRequest<Arc<Shared>> for Signed<K> {
    type Rejection = Reply;

    async fn from_request(req: Request, st: &Arc<Shared>) -> Result<Signed<K>, Reply> {
        let request = Incoming::from_request(req, st).await?;
        let verified = verify(st, &request.presented(), K::TOKEN)
            .map_err(|f| Reply::from(f.refusal(K::API)))?;
        Ok(Signed {
            verified,
            request,
            kind: PhantomData,
        })
    }
}

/// A request with the `Basic` API Key and Secret of a known app (`/oauth2/*`).
pub(crate) struct AppCredentials {
    /// The app.
    pub(crate) app: Arc<App>,
    /// The request.
    pub(crate) request: Incoming,
}

impl FromRequest<Arc<Shared>> for AppCredentials {
    type Rejection = Reply;

    async fn from_request(req: Request, st: &Arc<Shared>) -> Result<AppCredentials, Reply> {
        let request = Incoming::from_request(req, st).await?;
        let app = app_only::basic(st, &request.presented().authorization)?;
        Ok(AppCredentials { app, request })
    }
}
