//! The sandbox's own endpoints: `/sandbox/health`, `/sandbox/accounts` (the demo accounts, for
//! tests in any language) and `/sandbox/echo`, which shows what the
//! sandbox verified (the base string above all), to debug a client's signing.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;

use crate::http::{OptionalToken, Reply, Signed};
use crate::oauth1::percent_encode;
use crate::state::Shared;

/// `GET /sandbox/health`: 200 `{"status":"ok"}`, with no latency added.
pub(super) async fn health() -> Reply {
    Reply::json(StatusCode::OK, r#"{"status":"ok"}"#)
}

/// `GET /sandbox/accounts`: the demo accounts the sandbox serves, with their four (fake) keys
/// and callback URLs, and the rate-limit window, for tests in any language. The keys of accounts
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
            })
        })
        .collect();
    let body = json!({
        "accounts": accounts,
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
