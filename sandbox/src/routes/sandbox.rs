//! The sandbox's own endpoints: `/sandbox/health` and `/sandbox/echo`, which shows what the
//! sandbox verified (the base string above all), to debug a client's signing.

use axum::http::StatusCode;
use serde_json::json;

use crate::http::{OptionalToken, Reply, Signed};
use crate::oauth1::percent_encode;

/// `GET /sandbox/health`: 200 `{"status":"ok"}`, with no latency added.
pub(super) async fn health() -> Reply {
    Reply::json(StatusCode::OK, r#"{"status":"ok"}"#)
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
