//! `POST /2/oauth2/token` (the `authorization_code` grant with PKCE, and `refresh_token`) and
//! `POST /2/oauth2/revoke`, as <https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token>
//! describes them, with the error bodies seen from X (each cited in the `x` module).

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use serde_json::Value;

use crate::accounts::mask;
use crate::auth::oauth2::{client, refuse, verifies, Params};
use crate::auth::{Presented, Refusal};
use crate::http::{Incoming, Reply};
use crate::state::oauth2::{Client, Issued, Spent, ACCESS_LIFETIME, CODE_LIFETIME};
use crate::state::Shared;
use crate::x::oauth2::{self as o, Scopes};

type St = State<Arc<Shared>>;

/// `POST /2/oauth2/token`.
pub(crate) async fn token(State(st): St, request: Incoming) -> Reply {
    let req = request.presented();
    let params = Params::read(&req, st.oauth2.settings.json_and_query);
    match grant(&st, &req, &params) {
        Ok(reply) => reply,
        Err(refusal) => refusal.into(),
    }
}

/// 400 `invalid_request` with X's description, explained.
fn invalid(description: &str, why: String) -> Refusal {
    refuse(StatusCode::BAD_REQUEST, "invalid_request", description, why)
}

/// A required parameter, or X's "Missing required parameter [name]." (tweepy/tweepy#2014).
fn required<'a>(params: &'a Params, name: &str) -> Result<&'a str, Refusal> {
    params
        .get(name)
        .ok_or_else(|| invalid(&o::missing_parameter(name), format!("{name} is required")))
}

/// The client, then the grant it asks for.
fn grant(st: &Shared, req: &Presented<'_>, params: &Params) -> Result<Reply, Refusal> {
    let client = client(st, req, params)?;
    match required(params, "grant_type")? {
        "authorization_code" => exchange(st, &client, params),
        "refresh_token" => refresh(st, &client, params),
        other => {
            let hint = if other == "client_credentials" {
                ": app-only Bearer Tokens come from POST /oauth2/token (no /2/), with the API Key and Secret"
            } else {
                ""
            };
            Err(refuse(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                o::INVALID_GRANT_TYPE,
                format!("X has two grants here, authorization_code and refresh_token, not {other:?}{hint}"),
            ))
        }
    }
}

/// Why the PKCE or redirect check of an exchange failed.
enum Mismatch {
    RedirectUri,
    Verifier,
}

/// `grant_type=authorization_code`: `code`, `code_verifier`, `redirect_uri`.
fn exchange(st: &Shared, client: &Client, params: &Params) -> Result<Reply, Refusal> {
    let code = required(params, "code")?;
    let verifier = required(params, "code_verifier")?;
    let redirect_uri = required(params, "redirect_uri")?;
    let issued = st
        .oauth2
        .exchange(client, code, scenario(st, client), |consent| {
            if consent.redirect_uri != redirect_uri {
                Err(Mismatch::RedirectUri)
            } else if !verifies(&consent.challenge, verifier) {
                Err(Mismatch::Verifier)
            } else {
                Ok(())
            }
        })
        .map_err(|refused| match refused {
            Ok(spent) => invalid(o::INVALID_CODE, code_spent(spent, code)),
            Err(Mismatch::RedirectUri) => invalid(
                o::REDIRECT_MISMATCH,
                "redirect_uri is not the one the code was issued for".into(),
            ),
            Err(Mismatch::Verifier) => invalid(
                o::VERIFIER_MISMATCH,
                "code_verifier does not match the code_challenge (S256: BASE64URL(SHA256(code_verifier)), unpadded, must equal it; plain: the same string); the code stays usable".into(),
            ),
        })?;
    Ok(Reply::json(StatusCode::OK, exchanged(&issued)))
}

fn code_spent(spent: Spent, code: &str) -> String {
    let code = mask(code);
    match spent {
        Spent::Used => format!("the code {code} was already exchanged: a code works once"),
        Spent::Expired => format!("the code {code} expired: codes live {CODE_LIFETIME} s"),
        Spent::Unknown | Spent::Revoked => {
            format!("the code {code} was not issued by this sandbox to this client")
        }
    }
}

/// `grant_type=refresh_token`: `refresh_token`, and `scope` to narrow the grant.
fn refresh(st: &Shared, client: &Client, params: &Params) -> Result<Reply, Refusal> {
    let refresh_token = required(params, "refresh_token")?;
    let bad_scope = |why: String| {
        refuse(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            o::INVALID_SCOPE,
            why,
        )
    };
    let scopes = match params.get("scope") {
        Some(list) => {
            Some(Scopes::parse(list).map_err(|s| bad_scope(format!("X has no scope {s:?}")))?)
        }
        None => None,
    };
    let issued = st
        .oauth2
        .refresh(client, refresh_token, scopes, scenario(st, client))
        .map_err(|refused| {
            let token = mask(refresh_token);
            match refused {
                None => bad_scope("a refresh can only keep or narrow the scopes granted".into()),
                Some(Spent::Used) => invalid(o::INVALID_TOKEN, format!("the refresh token {token} was already used: refresh tokens rotate, keep the newest one each refresh returns")),
                Some(Spent::Revoked) => invalid(o::INVALID_TOKEN, format!("the refresh token {token} was revoked: the user must authorize the app again")),
                Some(Spent::Expired) => invalid(o::INVALID_TOKEN, format!("the refresh token {token} expired unused")),
                Some(Spent::Unknown) => invalid(o::INVALID_TOKEN, format!("the refresh token {token} was not issued by this sandbox to this client")),
            }
        })?;
    Ok(Reply::json(StatusCode::OK, refreshed(&issued)))
}

/// The scenario of the client's app, which the new tokens inherit.
fn scenario(st: &Shared, client: &Client) -> crate::scenario::Scenario {
    st.app(&client.consumer_key)
        .map(|a| a.scenario)
        .unwrap_or(crate::scenario::Scenario::FullAccess)
}

fn string(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// The exchange's answer, keys in the order of X's answers (myConsciousness/twitter-oauth2-pkce#10,
/// sferik/twitter-ruby#1022); `refresh_token` only with `offline.access`.
fn exchanged(issued: &Issued) -> String {
    let refresh = issued
        .refresh_token
        .as_deref()
        .map(|r| format!(r#","refresh_token":{}"#, string(r)))
        .unwrap_or_default();
    format!(
        r#"{{"token_type":"bearer","expires_in":{ACCESS_LIFETIME},"access_token":{},"scope":{}{refresh}}}"#,
        string(&issued.access_token),
        string(&issued.scopes.to_string()),
    )
}

/// The refresh's answer, keys in the order seen from X: `refresh_token`, `access_token`, `scope`,
/// `expires_in`, `token_type`.
fn refreshed(issued: &Issued) -> String {
    let refresh = issued
        .refresh_token
        .as_deref()
        .map(|r| format!(r#""refresh_token":{},"#, string(r)))
        .unwrap_or_default();
    format!(
        r#"{{{refresh}"access_token":{},"scope":{},"expires_in":{ACCESS_LIFETIME},"token_type":"bearer"}}"#,
        string(&issued.access_token),
        string(&issued.scopes.to_string()),
    )
}

/// `POST /2/oauth2/revoke` with `token` (and an optional `token_type_hint`, which clients send and
/// X's docs don't): an access or a refresh token of the calling client.
pub(crate) async fn revoke(State(st): St, request: Incoming) -> Reply {
    let req = request.presented();
    let params = Params::read(&req, st.oauth2.settings.json_and_query);
    let answer = || -> Result<Reply, Refusal> {
        let client = client(&st, &req, &params)?;
        let token = required(&params, "token")?;
        let why = match st.oauth2.revoke(&client, token) {
            None => {
                return Err(invalid(
                    o::INVALID_TOKEN,
                    format!("the token {} was issued to another client", mask(token)),
                ))
            }
            Some(true) => format!("the token {} is revoked", mask(token)),
            // RFC 7009 §2.2: an invalid token is no error.
            Some(false) => format!(
                "the token {} was unknown or already dead: nothing to revoke",
                mask(token)
            ),
        };
        Ok(Reply::json(StatusCode::OK, o::REVOKED).explain(why))
    };
    answer().unwrap_or_else(Reply::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_answers_are_json_in_x_order() {
        let issued = Issued {
            access_token: "at".into(),
            refresh_token: Some("rt".into()),
            scopes: Scopes::parse("users.read tweet.read offline.access").unwrap(),
        };
        assert_eq!(
            exchanged(&issued),
            r#"{"token_type":"bearer","expires_in":7200,"access_token":"at","scope":"tweet.read users.read offline.access","refresh_token":"rt"}"#
        );
        assert_eq!(
            refreshed(&issued),
            r#"{"refresh_token":"rt","access_token":"at","scope":"tweet.read users.read offline.access","expires_in":7200,"token_type":"bearer"}"#
        );
        let short = Issued {
            refresh_token: None,
            ..issued
        };
        assert!(!exchanged(&short).contains("refresh_token"));
        assert!(serde_json::from_str::<Value>(&refreshed(&short)).is_ok());
    }
}
