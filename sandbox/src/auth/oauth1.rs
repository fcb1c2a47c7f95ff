//! A signed request checked against the apps, tokens and nonces the sandbox knows, in X's order.
//! The cryptography and the parsing are [`crate::oauth1`]'s; this module decides which secrets
//! to use and which failure wins.

use std::sync::Arc;

use axum::http::StatusCode;

use super::{Api, Presented, Refusal, TokenKind};
use crate::accounts::mask;
use crate::oauth1::{self, Collected, Failure, Received};
use crate::state::{lock, now, App, Shared, Token};
use crate::x::problems as p;

/// The scheme clients use to reach the sandbox, part of every base string.
const SCHEME: &str = "http";
/// Used for unknown keys so an unknown key costs the same HMAC as a known one.
pub(crate) const DUMMY_CONSUMER_SECRET: &str = "xkeysSandboxDummyConsumerSecret0000000000000000000";
const DUMMY_TOKEN_SECRET: &str = "xkeysSandboxDummyTokenSecret00000000000000000";

/// A request whose OAuth 1.0a signature checked out.
pub(crate) struct Verified {
    /// The app that signed.
    pub(crate) app: Arc<App>,
    /// The access token, when one was sent (and asked for).
    pub(crate) token: Option<Arc<Token>>,
    /// The request token, on `/oauth/access_token`.
    pub(crate) request_token: Option<String>,
    /// What the signature covered.
    pub(crate) collected: Collected,
}

/// Why verification failed, and what the answer should say about the server's clock.
pub(crate) struct AuthFailure {
    failure: Failure,
    clock_offset: i64,
}

impl AuthFailure {
    /// X's answer to the failure in `api`'s shapes, explained.
    pub(crate) fn refusal(self, api: Api) -> Refusal {
        let (status, body) = match (&self.failure, api) {
            (Failure::NonceStoreFull(_), _) => {
                (StatusCode::SERVICE_UNAVAILABLE, p::SERVICE_UNAVAILABLE)
            }
            (_, Api::V2) => (StatusCode::UNAUTHORIZED, p::UNAUTHORIZED),
            (Failure::MissingAuthorization, Api::V11) => (StatusCode::BAD_REQUEST, p::V1_215),
            (Failure::Stale { .. }, Api::V11) => (StatusCode::UNAUTHORIZED, p::V1_135),
            (
                Failure::Revoked(_) | Failure::UnknownToken(_) | Failure::TokenOfAnotherApp(_),
                Api::V11,
            ) => (StatusCode::UNAUTHORIZED, p::V1_89),
            (_, Api::V11) => (StatusCode::UNAUTHORIZED, p::V1_32),
        };
        Refusal::new(status, body, self.failure.explain()).at_clock(self.clock_offset)
    }
}

/// Verifies an OAuth 1.0a request (RFC 5849 §3.2). The checks, in order; the first that fails
/// decides the answer:
///
/// 1. the request's parameters and base string ([`oauth1::collect`]);
/// 2. a token where `kind` needs one, none where it forbids one;
/// 3. the HMAC, with dummy secrets for an unknown key or token, so that every request costs
///    the same work whether its key exists or not;
/// 4. the consumer key is known, 5. the token is known (for this app), 6. the signature matches,
///    7. the token is not revoked;
/// 8. the timestamp is inside the window of the caller's server clock, 9. the nonce is new.
///
/// # Errors
/// The first check that fails, with the caller's server clock.
pub(crate) fn verify(
    st: &Shared,
    req: &Presented<'_>,
    kind: TokenKind,
) -> Result<Verified, AuthFailure> {
    let collected = collect(req).map_err(|failure| AuthFailure {
        failure,
        clock_offset: 0,
    })?;
    let app = st.app(collected.consumer_key());
    let clock_offset = app
        .as_ref()
        .map(|a| st.clock_offset(a.scenario))
        .unwrap_or(0);
    let fail = |failure| AuthFailure {
        failure,
        clock_offset,
    };
    let token_value = collected.token().map(str::to_string);
    let (token_secret, token) =
        find_token(st, kind, collected.consumer_key(), token_value.as_deref()).map_err(fail)?;
    let signature_ok = oauth1::verify_hmac_sha1(
        &collected.base_string,
        app.as_ref()
            .map(|a| a.consumer_secret.as_str())
            .unwrap_or(DUMMY_CONSUMER_SECRET),
        token_secret.as_deref().unwrap_or(DUMMY_TOKEN_SECRET),
        &collected.signature,
    );
    let Some(app) = app else {
        return Err(AuthFailure {
            failure: Failure::UnknownConsumerKey(mask(collected.consumer_key())),
            clock_offset: 0,
        });
    };
    let Some(token_secret) = token_secret else {
        let t = token_value.as_deref().unwrap_or_default();
        // Say so when the token is real but another app's: it is not unknown, nor revoked.
        let another_app = kind != TokenKind::Request && st.access_token(t).is_some();
        return Err(fail(if another_app {
            Failure::TokenOfAnotherApp(mask(t))
        } else {
            Failure::UnknownToken(mask(t))
        }));
    };
    if !signature_ok {
        return Err(fail(mismatch(&collected, &app, &token_secret)));
    }
    if token.as_ref().is_some_and(|t| t.revoked) {
        let t = token_value.as_deref().unwrap_or_default();
        return Err(fail(Failure::Revoked(mask(t))));
    }
    check_fresh(st, &collected, clock_offset).map_err(fail)?;
    Ok(Verified {
        app,
        request_token: token_value.filter(|_| kind == TokenKind::Request),
        token,
        collected,
    })
}

/// Step 1: the request as the client signed it (the host as sent), its parameters, its base string.
fn collect(req: &Presented<'_>) -> Result<Collected, Failure> {
    let host = req
        .host
        .ok_or_else(|| Failure::Malformed("no Host header".into()))?;
    let received = Received {
        method: req.method,
        scheme: SCHEME,
        host,
        path: req.path,
        query: req.query,
        content_type: req.content_type,
        body: req.body,
    };
    oauth1::collect(&received, &req.authorization)
}

/// Step 2: the token secret to sign with (`Some("")` when no token is sent and none is needed;
/// `None` for an unknown token) and the access token itself.
fn find_token(
    st: &Shared,
    kind: TokenKind,
    consumer_key: &str,
    token: Option<&str>,
) -> Result<(Option<String>, Option<Arc<Token>>), Failure> {
    match (kind, token) {
        (TokenKind::Access | TokenKind::Request, None) => {
            Err(Failure::MissingParameter("oauth_token"))
        }
        (TokenKind::None, Some(_)) => Err(Failure::UnexpectedParameter("oauth_token".into())),
        (TokenKind::None | TokenKind::Optional, None) => Ok((Some(String::new()), None)),
        (TokenKind::Access | TokenKind::Optional, Some(t)) => {
            match st
                .access_token(t)
                .filter(|found| found.consumer_key == consumer_key)
            {
                Some(found) => Ok((Some(found.secret.clone()), Some(found))),
                None => Ok((None, None)),
            }
        }
        (TokenKind::Request, Some(t)) => Ok((st.request_token_secret(t, consumer_key), None)),
    }
}

/// Step 6 failed: say why when the client left the form body out of its base string (the
/// signature then matches the base string of the query alone).
fn mismatch(collected: &Collected, app: &App, token_secret: &str) -> Failure {
    let body_not_signed =
        collected
            .base_string_without_body
            .as_deref()
            .is_some_and(|without_body| {
                oauth1::verify_hmac_sha1(
                    without_body,
                    &app.consumer_secret,
                    token_secret,
                    &collected.signature,
                )
            });
    let masked = collected.masked_base_string();
    if body_not_signed {
        Failure::BodyNotSigned(masked)
    } else {
        Failure::SignatureMismatch(masked)
    }
}

/// Steps 8 and 9: the timestamp against the caller's server clock, then the nonce, which stays
/// replayable until its timestamp leaves the window (on the real clock).
fn check_fresh(st: &Shared, collected: &Collected, clock_offset: i64) -> Result<(), Failure> {
    let real_now = now();
    let server_now = real_now + clock_offset;
    let window = st.settings.timestamp_window.as_secs();
    let skew = collected.timestamp - server_now;
    if skew.unsigned_abs() > window {
        return Err(Failure::Stale {
            skew,
            window,
            server_time: server_now,
        });
    }
    let expires = collected.timestamp + window as i64 - clock_offset;
    lock(&st.nonces).check_and_insert(
        collected.consumer_key(),
        collected.token().unwrap_or_default(),
        collected.timestamp,
        collected.nonce(),
        expires,
        real_now,
    )
}
