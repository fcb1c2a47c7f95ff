//! The sandbox's own endpoints: `/sandbox/health`, `/sandbox/accounts` (the demo accounts, for
//! tests in any language), `/sandbox/rate-limits/reset` (a shared sandbox, fresh for each test run)
//! and `/sandbox/echo`, which shows what the sandbox verified (the base string above all), to debug
//! a client's signing.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;

use crate::accounts::DEMO_CALLBACK_URL;
use crate::http::{OptionalToken, Reply, Signed};
use crate::oauth1::percent_encode;
use crate::state::Shared;

/// `POST /sandbox/rate-limits/reset`: forgets every rate-limit window, so a test suite that shares
/// one sandbox starts each run as on a fresh one (the `rate-limited` account at its limit again).
/// Answers 200 `{"windows_reset": N}`.
pub(super) async fn reset_rate_limits(State(st): State<Arc<Shared>>) -> Reply {
    let count = st.limiter.reset();
    Reply::json(
        StatusCode::OK,
        json!({ "windows_reset": count }).to_string(),
    )
}

/// `GET /sandbox/health`: 200 `{"status":"ok"}`, with no latency added.
pub(super) async fn health() -> Reply {
    Reply::json(StatusCode::OK, r#"{"status":"ok"}"#)
}

/// `GET /sandbox/accounts`: the demo accounts the sandbox serves, with their four (fake) keys,
/// callback URLs, OAuth 2.0 client and pre-issued OAuth 2.0 tokens, the public OAuth 2.0 client,
/// the demo callback URL and the rate-limit window, for tests in any language. The keys of accounts
/// configured in code or read from `.env` are never listed: they may be real.
pub(super) async fn accounts(State(st): State<Arc<Shared>>) -> Reply {
    let accounts: Vec<_> = st
        .demos
        .iter()
        .map(|d| {
            let callback_urls = st
                .app(&d.api_key)
                .map(|a| a.callback_urls.clone())
                .unwrap_or_default();
            json!({
                "scenario": d.scenario.name(),
                "username": d.username,
                "user_id": d.user_id,
                "api_key": d.api_key,
                "api_key_secret": d.api_key_secret,
                "access_token": d.access_token,
                "access_token_secret": d.access_token_secret,
                "callback_urls": callback_urls,
                "client_id": d.client_id,
                "client_secret": d.client_secret,
                "oauth2_access_token": d.oauth2_access_token,
                "oauth2_refresh_token": d.oauth2_refresh_token,
                "oauth2_scopes": d.oauth2_scopes,
                "oauth2_expires_at": d.oauth2_expires_at,
            })
        })
        .collect();
    let public_client_id = (!st.demos.is_empty())
        .then(|| st.oauth2.public_client_id())
        .flatten();
    let body = json!({
        "accounts": accounts,
        "public_client_id": public_client_id,
        "redirect_uri": DEMO_CALLBACK_URL,
        "rate_limit_window_secs": st.settings.rate_limit_window.as_secs().max(1),
    });
    Reply::json(StatusCode::OK, body.to_string())
}

/// Any method on `/sandbox/echo`: verifies the signature (with or without an access token) and
/// shows the base string, the parameters as encoded, the consumer key and the token.
pub(super) async fn echo(signed: Signed<OptionalToken>) -> Reply {
    let v = &signed.verified;
    let mut params: Vec<(String, String)> = v
        .collected
        .params
        .iter()
        .map(|(n, v)| (percent_encode(n), percent_encode(v)))
        .chain(
            v.collected
                .oauth
                .iter()
                .map(|(n, v)| (percent_encode(n), percent_encode(v))),
        )
        .collect();
    params.sort();
    let body = json!({
        "verified": true,
        "method": signed.request.method.as_str(),
        "base_string": v.collected.base_string,
        "parameters": params,
        "consumer_key": v.app.consumer_key,
        "token": v.collected.token(),
        "oauth_version_sent": v.collected.oauth.contains_key("oauth_version"),
    });
    let mut reply = Reply::json(StatusCode::OK, body.to_string());
    reply.access_level = v.token.as_ref().map(|t| t.level);
    reply
}
