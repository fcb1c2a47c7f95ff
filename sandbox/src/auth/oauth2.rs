//! OAuth 2.0 user context as X checks it: a user access token on an API endpoint and the scopes
//! the endpoint needs; the client of `/2/oauth2/token` and `/2/oauth2/revoke` (Basic for a
//! confidential client, `client_id` for a public one); the parameters as real clients send them;
//! and PKCE (RFC 7636).

use std::sync::Arc;

use axum::http::StatusCode;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::basic::{self, constant_time_eq, Basic};
use super::{Api, Caller, Presented, Refusal, Spec};
use crate::accounts::mask;
use crate::keys::{kind_of, TokenKind};
use crate::oauth1::parse_form;
use crate::state::oauth2::{Access, Challenge, Client, UserToken};
use crate::state::Shared;
use crate::x::oauth2::{self as o, token_error};
use crate::x::problems as p;

/// The caller of an API endpoint if `authorization` is one `Bearer` header holding an OAuth 2.0
/// user access token this sandbox issued (or one shaped like X's); `None` otherwise, for the
/// app-only check.
///
/// # Errors
/// An expired, revoked or unknown token: 401. A valid one on v1.1: 403 ("OAuth 2.0 can be used
/// with the X API v2 only", plhery/node-twitter-api-v2#167).
pub(crate) fn bearer(
    st: &Shared,
    authorization: &[&str],
    spec: &Spec,
) -> Option<Result<Caller, Refusal>> {
    let [one] = authorization else {
        return None;
    };
    let value = one.strip_prefix("Bearer ")?.trim();
    let unauthorized = |why: String| {
        let body = match spec.api {
            Api::V2 => p::UNAUTHORIZED,
            Api::V11 => p::V1_89,
        };
        Some(Err(Refusal::new(StatusCode::UNAUTHORIZED, body, why)))
    };
    let token = match st.oauth2.access(value) {
        Access::Valid(token) => token,
        Access::Expired(at) => {
            return unauthorized(format!(
                "the OAuth 2.0 access token {} expired at {at} (sandbox clock {}): access tokens live 2 hours; get a new one with grant_type=refresh_token",
                mask(value),
                st.oauth2.now()
            ))
        }
        Access::Revoked => {
            return unauthorized(format!(
                "the OAuth 2.0 access token {} was revoked: the user must authorize the app again",
                mask(value)
            ))
        }
        Access::Unknown => return unknown(value).and_then(unauthorized),
    };
    let Some(app) = st.app(&token.consumer_key) else {
        return unauthorized("the app of this OAuth 2.0 token is no longer served".into());
    };
    let clock = st.clock_offset(app.scenario);
    if spec.scopes.is_none() {
        return Some(Err(Refusal::new(
            StatusCode::FORBIDDEN,
            p::V1_220,
            "an OAuth 2.0 user token works with X API v2 only: sign v1.1 requests with OAuth 1.0a",
        )
        .at_clock(clock)));
    }
    Some(Ok(Caller::OAuth2 { app, token }))
}

/// Why an unknown Bearer value is refused, if it has the shape of an OAuth 2.0 value (other
/// values may be app-only Bearer Tokens).
fn unknown(value: &str) -> Option<String> {
    let what = match kind_of(value)? {
        TokenKind::Access => "an OAuth 2.0 access token this sandbox did not issue (X's tokens don't work here, and the sandbox keeps no tokens across restarts: get one from its /2/oauth2/token)",
        TokenKind::Refresh => "a refresh token: send it to POST /2/oauth2/token with grant_type=refresh_token, and call the API with the access token it returns",
        TokenKind::Code => "an authorization code: exchange it at POST /2/oauth2/token (grant_type=authorization_code) for an access token",
    };
    Some(format!("the Bearer value {} is {what}", mask(value)))
}

/// The endpoint's scopes against the token's: X answers 403 "Forbidden" when one is missing
/// (plhery/node-twitter-api-v2#265, #434), with no rate-limit headers.
///
/// # Errors
/// The missing scopes, named in the explanation.
pub(crate) fn check_scopes(token: &UserToken, spec: &Spec) -> Result<(), Refusal> {
    let needed = spec.scopes.unwrap_or_default();
    let missing = token.scopes.missing(needed);
    if missing.is_empty() {
        return Ok(());
    }
    Err(Refusal::new(
        StatusCode::FORBIDDEN,
        p::FORBIDDEN,
        format!(
            "{} needs the OAuth 2.0 scopes {}; the token lacks {} (it has: {}). Ask for them in the authorize URL's scope and have the user authorize again: a refresh cannot add scopes",
            spec.endpoint,
            needed.join(" "),
            missing.join(" "),
            token.scopes
        ),
    ))
}

/// The parameters of a token or revoke request: the form body, then (when allowed) a JSON
/// body (twitter-api-v2) and the query string (X's TypeScript SDK); the first value of a name wins.
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    /// Reads the parameters of `req`.
    pub(crate) fn read(req: &Presented<'_>, json_and_query: bool) -> Params {
        let content_type = req.content_type.unwrap_or_default().to_ascii_lowercase();
        let mut pairs = Vec::new();
        if content_type.starts_with("application/json") {
            if json_and_query {
                pairs.extend(json_pairs(req.body));
            }
        } else {
            pairs.extend(form_pairs(&String::from_utf8_lossy(req.body)));
        }
        if json_and_query {
            pairs.extend(form_pairs(req.query.unwrap_or_default()));
        }
        Params(pairs)
    }

    /// The first value named `name`, if it is not empty.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }
}

fn form_pairs(input: &str) -> Vec<(String, String)> {
    parse_form(input)
        .into_iter()
        .map(|(n, v)| {
            (
                String::from_utf8_lossy(&n).into_owned(),
                String::from_utf8_lossy(&v).into_owned(),
            )
        })
        .collect()
}

/// The top-level strings (and numbers) of a JSON object.
fn json_pairs(body: &[u8]) -> Vec<(String, String)> {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice(body) else {
        return Vec::new();
    };
    map.into_iter()
        .filter_map(|(k, v)| match v {
            serde_json::Value::String(s) => Some((k, s)),
            serde_json::Value::Number(n) => Some((k, n.to_string())),
            _ => None,
        })
        .collect()
}

/// X's answer to a token or revoke request it refuses: RFC 6749 §5.2 JSON, explained.
pub(crate) fn refuse(status: StatusCode, error: &str, description: &str, why: String) -> Refusal {
    Refusal::new(status, token_error(error, description), why)
}

/// 401 `unauthorized_client` "Missing valid authorization header", X's answer whenever a
/// confidential client's Basic credentials are missing or wrong (pennersr/django-allauth#3347).
fn unauthorized_client(why: String) -> Refusal {
    refuse(
        StatusCode::UNAUTHORIZED,
        "unauthorized_client",
        o::MISSING_AUTHORIZATION_HEADER,
        why,
    )
}

/// The client of a token or revoke request: a confidential one by `Authorization: Basic`
/// (a `client_id` in the body, if any, must be the same), a public one by `client_id`.
///
/// # Errors
/// 401 `unauthorized_client` for a confidential client without valid Basic credentials (X
/// rejects `client_secret` in the body, <https://docs.x.com/x-ads-api/mcp>); 401
/// `invalid_client` for an unknown Client ID (inferred).
pub(crate) fn client(
    st: &Shared,
    req: &Presented<'_>,
    params: &Params,
) -> Result<Arc<Client>, Refusal> {
    let body_id = params.get("client_id");
    match basic::decode(&req.authorization) {
        Basic::Pair(id, secret) => {
            let client = st.oauth2.client(&id).ok_or_else(|| {
                unauthorized_client(format!(
                    "no OAuth 2.0 client has the Client ID {} of the Basic credentials",
                    mask(&id)
                ))
            })?;
            let secret_ok = match client.secret() {
                Some(expected) => constant_time_eq(expected.as_bytes(), secret.as_bytes()),
                None => secret.is_empty(),
            };
            if !secret_ok {
                return Err(unauthorized_client(format!(
                    "the Basic credentials of Client ID {} have the wrong Client Secret",
                    mask(&id)
                )));
            }
            if body_id.is_some_and(|b| b != id) {
                return Err(unauthorized_client(
                    "the client_id of the body is not the Client ID of the Basic credentials"
                        .into(),
                ));
            }
            Ok(client)
        }
        Basic::Malformed(why) => Err(unauthorized_client(format!(
            "malformed Basic credentials: {why}"
        ))),
        Basic::Absent => {
            let Some(id) = body_id else {
                return Err(unauthorized_client(
                    "no client: a confidential client sends Authorization: Basic base64(client_id:client_secret), a public client sends client_id".into(),
                ));
            };
            let client = st.oauth2.client(id).ok_or_else(|| {
                refuse(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "Value passed for the client id was invalid.",
                    format!("no OAuth 2.0 client has the Client ID {}", mask(id)),
                )
            })?;
            if client.is_confidential() {
                let sent = if params.get("client_secret").is_some() {
                    " (X rejects client_secret in the body)"
                } else {
                    ""
                };
                return Err(unauthorized_client(format!(
                    "Client ID {} is a confidential client: send Authorization: Basic base64(client_id:client_secret){sent}",
                    mask(id)
                )));
            }
            Ok(client)
        }
    }
}

/// The PKCE challenge of an authorize request: `S256` (or `s256` when `lowercase` is allowed)
/// or `plain`, the default without a method (RFC 7636 §4.3).
///
/// # Errors
/// What is wrong, for the failure page's explanation.
pub(crate) fn challenge(
    challenge: Option<&str>,
    method: Option<&str>,
    lowercase: bool,
) -> Result<Challenge, String> {
    let Some(challenge) = challenge.filter(|c| !c.is_empty()) else {
        return Err("code_challenge is required (PKCE)".into());
    };
    match method.unwrap_or("plain") {
        "S256" => Ok(Challenge::S256(challenge.to_string())),
        "s256" if lowercase => Ok(Challenge::S256(challenge.to_string())),
        "plain" => Ok(Challenge::Plain(challenge.to_string())),
        other => Err(format!(
            "code_challenge_method must be S256 or plain, not {other:?}"
        )),
    }
}

/// Whether `verifier` answers `challenge`. The lengths RFC 7636 asks for are not enforced: X's
/// own example uses the 9-character verifier `challenge`
/// (<https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token>).
pub(crate) fn verifies(challenge: &Challenge, verifier: &str) -> bool {
    let (expected, computed) = match challenge {
        Challenge::S256(c) => (
            c.as_str(),
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier)),
        ),
        Challenge::Plain(c) => (c.as_str(), verifier.to_string()),
    };
    constant_time_eq(expected.as_bytes(), computed.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_matches_rfc_7636s_example() {
        // RFC 7636 Appendix B.
        let c = challenge(
            Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
            Some("S256"),
            false,
        )
        .unwrap();
        assert!(verifies(&c, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        assert!(!verifies(&c, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl"));
        let plain = challenge(Some("challenge"), Some("plain"), false).unwrap();
        assert!(verifies(&plain, "challenge") && !verifies(&plain, "Challenge"));
        assert_eq!(
            challenge(Some("x"), None, false),
            Ok(Challenge::Plain("x".into()))
        );
    }

    #[test]
    fn lowercase_s256_is_a_setting() {
        assert!(matches!(
            challenge(Some("x"), Some("s256"), true),
            Ok(Challenge::S256(_))
        ));
        assert!(challenge(Some("x"), Some("s256"), false).is_err());
        assert!(challenge(Some("x"), Some("S512"), true).is_err());
        assert!(challenge(None, Some("S256"), true).is_err());
    }

    fn presented<'a>(
        content_type: Option<&'a str>,
        body: &'a [u8],
        query: Option<&'a str>,
    ) -> Presented<'a> {
        Presented {
            method: "POST",
            host: Some("127.0.0.1"),
            path: "/2/oauth2/token",
            query,
            content_type,
            body,
            authorization: Vec::new(),
        }
    }

    #[test]
    fn params_come_from_the_form_json_or_query_as_allowed() {
        let form = presented(
            Some("application/x-www-form-urlencoded"),
            b"grant_type=refresh_token&scope=a+b",
            None,
        );
        let p = Params::read(&form, true);
        assert_eq!(
            (p.get("grant_type"), p.get("scope")),
            (Some("refresh_token"), Some("a b"))
        );
        let json = presented(
            Some("application/json;charset=UTF-8"),
            br#"{"code":"c","n":1}"#,
            None,
        );
        assert_eq!(Params::read(&json, true).get("code"), Some("c"));
        assert_eq!(Params::read(&json, true).get("n"), Some("1"));
        assert_eq!(Params::read(&json, false).get("code"), None);
        let query = presented(None, b"", Some("code=q&code_verifier=v%20w"));
        assert_eq!(Params::read(&query, true).get("code_verifier"), Some("v w"));
        assert_eq!(Params::read(&query, false).get("code"), None);
        let empty = presented(None, b"code=", None);
        assert_eq!(Params::read(&empty, true).get("code"), None);
    }
}
