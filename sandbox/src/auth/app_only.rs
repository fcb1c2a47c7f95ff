//! App-only credentials: a Bearer Token on an API endpoint, and the `Basic` API Key and Secret
//! that `/oauth2/token` exchanges for one
//! (<https://docs.x.com/fundamentals/authentication/oauth-2-0/application-only>).

use std::sync::Arc;

use axum::http::StatusCode;

use super::basic::{self, constant_time_eq, Basic};
use super::oauth1::DUMMY_CONSUMER_SECRET;
use super::{Api, Caller, Refusal, Spec};
use crate::state::{App, Shared};
use crate::x::problems as p;

/// The caller of an API endpoint if `authorization` is one `Bearer` header; `None` if it isn't.
///
/// # Errors
/// An unknown Bearer Token (401), or one on a user-context endpoint: X answers 403
/// `unsupported-authentication` (plhery/node-twitter-api-v2#475).
pub(crate) fn bearer(
    st: &Shared,
    authorization: &[&str],
    spec: &Spec,
) -> Option<Result<Caller, Refusal>> {
    let [one] = authorization else {
        return None;
    };
    let token = one.strip_prefix("Bearer ")?;
    let Some(app) = st.app_of_bearer(token.trim()) else {
        let body = if spec.api == Api::V2 {
            p::UNAUTHORIZED
        } else {
            p::V1_89
        };
        return Some(Err(Refusal::new(
            StatusCode::UNAUTHORIZED,
            body,
            "unknown or invalidated Bearer Token",
        )));
    };
    if spec.app_only.is_none() {
        let (body, how) = if spec.oauth1 {
            (
                p::UNSUPPORTED_AUTHENTICATION,
                "sign with OAuth 1.0a or send an OAuth 2.0 user access token",
            )
        } else {
            (
                p::UNSUPPORTED_AUTHENTICATION_APP_ONLY_OAUTH2,
                "send an OAuth 2.0 user access token",
            )
        };
        return Some(Err(Refusal::new(
            StatusCode::FORBIDDEN,
            body,
            format!("a Bearer Token (app-only) cannot call this user-context endpoint: {how}"),
        )
        .at_clock(st.clock_offset(app.scenario))));
    }
    Some(Ok(Caller::App { app }))
}

/// The app of `Authorization: Basic base64(enc(key):enc(secret))`, the secret compared in
/// constant time (and against a dummy for an unknown key).
///
/// # Errors
/// Anything but one valid `Basic` header of a known app: 403, v1.1 code 99.
pub(crate) fn basic(st: &Shared, authorization: &[&str]) -> Result<Arc<App>, Refusal> {
    let refuse = |why: &str| Refusal::new(StatusCode::FORBIDDEN, p::V1_99, why);
    let (key, secret) = match basic::decode(authorization) {
        Basic::Pair(key, secret) => (key, secret),
        Basic::Absent => {
            return Err(refuse(
                "exactly one Authorization: Basic header is required",
            ))
        }
        Basic::Malformed(why) => return Err(refuse(why)),
    };
    let app = st.app(&key);
    let expected = app
        .as_ref()
        .map(|a| a.consumer_secret.as_str())
        .unwrap_or(DUMMY_CONSUMER_SECRET);
    if !constant_time_eq(expected.as_bytes(), secret.as_bytes()) {
        return Err(refuse("unknown API Key or wrong API Key Secret"));
    }
    app.ok_or_else(|| refuse("unknown API Key"))
}
