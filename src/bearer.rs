//! The app-only Bearer Token: get it from the API Key and Secret (`POST /oauth2/token`), and use it to
//! read public data (`GET /2/users/by/username/:username`). Chapter "Use the Bearer Token".
//!
//! A Bearer Token acts for the app, not for an account: it can't post, send DMs or call
//! `/2/users/me` (X answers 403 `unsupported-authentication`). No function here
//! retries: one request each, with the client's timeouts and HTTPS rules.

use reqwest::header::{HeaderValue, CONTENT_TYPE};
use reqwest::Method;

use crate::account::Account;
use crate::api_error::{type_is, ApiFailure, Call};
use crate::client::{self, endpoint, ApiResponse, ClientConfig, ClientError};
use crate::credentials::{ApiKey, ApiKeySecret, BearerToken};

/// `POST /oauth2/token`: the app's Bearer Token from its API Key and Secret.
pub const OAUTH2_TOKEN: &str = "/oauth2/token";

/// `GET /2/users/by/username/:username`: a public lookup that accepts a Bearer Token.
pub const USER_BY_USERNAME: &str = "/2/users/by/username/";

/// The account a lookup finds by default: X's own developer account.
pub const DEFAULT_USERNAME: &str = "XDevelopers";

/// What a lookup found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The account.
    Found(Account),
    /// X answered 200, with an error saying no account has this username (the token works).
    NotFound,
}

/// A username that can't be one of X's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--username {given:?} is not an X username: use 1 to 15 letters, digits or `_`, with or without the @ (e.g. XDevelopers)")]
pub struct UsernameError {
    /// What was given.
    pub given: String,
}

/// Checks a username offline: 1 to 15 of `A-Za-z0-9_`, an optional leading `@` removed.
///
/// # Errors
/// [`UsernameError`] naming the option and what a username looks like.
pub fn username(given: &str) -> Result<&str, UsernameError> {
    let name = given.trim().trim_start_matches('@');
    let ok = (1..=15).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if ok {
        Ok(name)
    } else {
        Err(UsernameError {
            given: given.to_string(),
        })
    }
}

/// RFC 1738 encoding of a key for Basic auth, as X asks (unreserved characters kept, others `%XX`).
fn rfc1738(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Sends one request for `path` (`build` adds its authorization and body) and returns the answer
/// when it is a success, with the request's name for later failures.
async fn send(
    config: &ClientConfig,
    method: Method,
    path: &str,
    call: Call,
    build: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
) -> Result<(ApiResponse, String), ApiFailure> {
    let request_name = format!("{method} {}", endpoint(config.base_url_str(), path));
    let fail = |e: &ClientError| ApiFailure::from_client_error(request_name.clone(), e);
    let (http, base) = client::http_client(config).map_err(|e| fail(&e))?;
    let url = client::join(&base, path).map_err(|e| fail(&e))?;
    let request = build(http.request(method, url.clone()))
        .build()
        .map_err(|e| fail(&ClientError::Sign(e.to_string())))?;
    let response = client::execute(&http, request, &url, 1, config.timeout_value())
        .await
        .map_err(|e| fail(&e))?;
    if !response.is_success() {
        return Err(ApiFailure::from_response(request_name, &response, call));
    }
    Ok((response, request_name))
}

/// Gets the app's Bearer Token: `POST /oauth2/token` with `grant_type=client_credentials` and Basic
/// auth of the RFC 1738-encoded `key:secret`. X gives the same token every time until it is
/// invalidated; asking too often gives 403 code 99.
///
/// # Errors
/// [`ApiFailure`]: typically 403 code 99 (the API Key and Secret are wrong).
///
/// # Security
/// The secret goes only into the Authorization header (marked sensitive); the token is returned,
/// never shown.
pub async fn obtain(
    config: &ClientConfig,
    api_key: &ApiKey,
    api_key_secret: &ApiKeySecret,
) -> Result<BearerToken, ApiFailure> {
    let form = HeaderValue::from_static("application/x-www-form-urlencoded;charset=UTF-8");
    let (response, request_name) =
        send(config, Method::POST, OAUTH2_TOKEN, Call::BearerToken, |r| {
            // reqwest marks the Authorization header of basic_auth sensitive.
            r.basic_auth(
                rfc1738(api_key.as_str()),
                Some(rfc1738(api_key_secret.expose_secret())),
            )
            .header(CONTENT_TYPE, form)
            .body("grant_type=client_credentials")
        })
        .await?;
    let token = response
        .json()
        .filter(|v| v["token_type"].as_str() == Some("bearer"))
        .and_then(|v| v["access_token"].as_str().map(str::to_string))
        .filter(|t| !t.is_empty());
    token.map(BearerToken::new).ok_or_else(|| {
        ApiFailure::unexpected(
            request_name,
            response.status,
            "an answer without token_type \"bearer\" and an access_token",
        )
    })
}

/// Looks up an account by username with the Bearer Token (app-only):
/// `GET /2/users/by/username/:username`.
///
/// # Errors
/// [`ApiFailure`]: typically 401 (the Bearer Token is wrong or was invalidated).
///
/// # Security
/// The token goes only into the Authorization header (marked sensitive by `bearer_auth`).
pub async fn lookup(
    config: &ClientConfig,
    bearer: &BearerToken,
    username: &str,
) -> Result<Lookup, ApiFailure> {
    let path = format!("{USER_BY_USERNAME}{username}");
    let (response, request_name) = send(config, Method::GET, &path, Call::AppOnly, |r| {
        r.bearer_auth(bearer.expose_secret())
    })
    .await?;
    let body = response.json();
    if let Some(account) = body
        .as_ref()
        .and_then(|b| Account::from_data(b.get("data")?))
    {
        return Ok(Lookup::Found(account));
    }
    // A missing user is a 200 with a resource-not-found error.
    let not_found = body
        .as_ref()
        .and_then(|b| b.get("errors"))
        .and_then(|e| e.as_array())
        .is_some_and(|errors| {
            errors
                .iter()
                .any(|e| type_is(e["type"].as_str(), "resource-not-found"))
        });
    if not_found {
        Ok(Lookup::NotFound)
    } else {
        Err(ApiFailure::unexpected(
            request_name,
            response.status,
            "a 2xx answer without data.id and data.username",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_checked_offline() {
        assert_eq!(username("@XDevelopers"), Ok("XDevelopers"));
        assert_eq!(username("xkeys_full"), Ok("xkeys_full"));
        for bad in ["", "@", "has space", "sixteen_chars_xx", "ümlaut", "a/b"] {
            let err = username(bad).unwrap_err();
            assert!(err.to_string().starts_with("--username"), "{err}");
        }
    }

    #[test]
    fn basic_auth_parts_are_rfc1738_encoded() {
        assert_eq!(rfc1738("xvz1evFS4wEEPTGEFPHBog"), "xvz1evFS4wEEPTGEFPHBog");
        assert_eq!(rfc1738("a b+c/d=e"), "a%20b%2Bc%2Fd%3De");
    }
}
