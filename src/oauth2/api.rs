//! Calls with an OAuth 2.0 user token (`Authorization: Bearer <user access token>`), and what X's
//! refusals of them mean: a 403 "Forbidden" is a missing scope, a 401 an expired or revoked token.

use reqwest::Method;
use serde_json::Value;
use url::Url;

use super::error::{FlowFailure, OAuth2Error, OAuth2Kind};
use super::scopes::{Action, Scopes};
use super::tokens::{unix_now, Tokens, UserAccessToken};
use crate::api_error::{classify_response, ApiFailure, Call, ProblemKind};
use crate::client::{self, ApiResponse, ClientConfig, ClientError};

/// The account a user token acts for, from `GET /2/users/me`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Me {
    /// The numeric user id.
    pub id: String,
    /// The username, without `@`.
    pub username: String,
}

impl std::fmt::Display for Me {
    /// `@username (user id 123)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "@{} (user id {})", self.username, self.id)
    }
}

/// A client that sends one account's OAuth 2.0 user token with every request.
pub struct UserClient {
    http: reqwest::Client,
    base: Url,
    config: ClientConfig,
    token: UserAccessToken,
    saved: Saved,
}

/// What was saved with the token at login, which X can't tell later: its scopes and expiry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Saved {
    /// The scopes granted (`X_OAUTH2_SCOPES`), if known.
    pub scopes: Option<Scopes>,
    /// When the token expires, in Unix seconds (`X_OAUTH2_EXPIRES_AT`), if known.
    pub expires_at: Option<u64>,
}

impl Saved {
    /// What the tokens' record says (empty scopes count as unknown).
    pub fn of(tokens: &Tokens) -> Saved {
        Saved {
            scopes: Some(tokens.scopes.clone()).filter(|s| !s.is_empty()),
            expires_at: tokens.expires_at,
        }
    }
}

impl std::fmt::Debug for UserClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserClient")
            .field("base", &self.base.as_str())
            .field("token", &self.token)
            .finish()
    }
}

impl UserClient {
    /// A client for this token, with the crate's timeouts and HTTPS rules.
    ///
    /// # Errors
    /// An invalid or insecure base URL.
    ///
    /// # Security
    /// The token goes only into the `Authorization` header (marked sensitive).
    pub fn new(token: UserAccessToken, config: ClientConfig) -> Result<Self, OAuth2Error> {
        let (http, base) = client::http_client(&config)
            .map_err(|e| ApiFailure::from_client_error("Setting up OAuth 2.0".into(), &e))?;
        Ok(Self {
            http,
            base,
            config,
            token,
            saved: Saved::default(),
        })
    }

    /// A client for the access token of `tokens`, which knows their scopes and expiry (to explain
    /// a 403 or a 401).
    ///
    /// # Errors
    /// As [`UserClient::new`].
    ///
    /// # Security
    /// As [`UserClient::new`].
    pub fn for_tokens(tokens: &Tokens, config: ClientConfig) -> Result<Self, OAuth2Error> {
        let mut client = Self::new(tokens.access_token.clone(), config)?;
        client.saved = Saved::of(tokens);
        Ok(client)
    }

    /// Sends one request (never retried), with a JSON body if given; any HTTP status is an `Ok`.
    ///
    /// # Errors
    /// [`ClientError`] when no HTTP answer came.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        json: Option<&Value>,
    ) -> Result<ApiResponse, ClientError> {
        let url = client::join(&self.base, path)?;
        let builder = self
            .http
            .request(method, url.clone())
            .bearer_auth(self.token.expose_secret());
        let builder = match json {
            Some(body) => builder.json(body),
            None => builder,
        };
        let request = builder
            .build()
            .map_err(|e| ClientError::Sign(e.to_string()))?;
        client::execute(&self.http, request, &url, 1, self.config.timeout_value()).await
    }

    /// Sends a request for `action` and returns a success, or X's refusal explained
    /// ([`explain_refusal`], with what was saved with the token).
    ///
    /// # Errors
    /// [`OAuth2Error`]: a missing scope, an expired or revoked token, or any other failure.
    pub async fn call(
        &self,
        action: Action,
        method: Method,
        path: &str,
        json: Option<&Value>,
    ) -> Result<ApiResponse, OAuth2Error> {
        let step = format!("{method} {}", client::endpoint(self.base.as_str(), path));
        match self.send(method, path, json).await {
            Ok(r) if r.is_success() => Ok(r),
            Ok(r) => Err(explain_refusal(&r, step, action, &self.saved)),
            Err(e) => Err(ApiFailure::from_client_error(step, &e).into()),
        }
    }

    /// `GET /2/users/me`: the account the token acts for (needs `tweet.read` and `users.read`).
    ///
    /// # Errors
    /// As [`UserClient::call`]; an answer without `data.id` and `data.username`.
    pub async fn me(&self) -> Result<Me, OAuth2Error> {
        let r = self
            .call(Action::WhoAmI, Method::GET, "/2/users/me", None)
            .await?;
        match (r.data_field("id"), r.data_field("username")) {
            (Some(id), Some(username)) => Ok(Me { id, username }),
            _ => Err(ApiFailure::unexpected(
                format!(
                    "GET {}",
                    client::endpoint(self.base.as_str(), "/2/users/me")
                ),
                r.status,
                "an answer without data.id and data.username",
            )
            .into()),
        }
    }
}

/// X's refusal of a call made with a user token, explained: a 403 on v1.1 is OAuth 2.0 being v2
/// only; a plain 403 "Forbidden" a missing scope (X doesn't say which: the saved scopes against what
/// `action` needs do); a 401 an expired token (past the saved expiry) or a revoked one; anything else
/// (credits, enrollment, rate limits, X failing) as any call.
pub fn explain_refusal(
    response: &ApiResponse,
    step: String,
    action: Action,
    saved: &Saved,
) -> OAuth2Error {
    let expired = saved.expires_at.map(|at| at <= unix_now());
    let kind = match response.status {
        401 if expired == Some(false) => OAuth2Kind::TokenRevoked,
        401 => OAuth2Kind::TokenExpired,
        403 if step.contains("/1.1/") => OAuth2Kind::V1NeedsOAuth1,
        // A 403 without a problem type of its own: X's bare "Forbidden" for a scope.
        403 if classify_response(response).kind == ProblemKind::UnexpectedResponse => {
            OAuth2Kind::MissingScope
        }
        _ => return ApiFailure::from_response(step, response, Call::UserContext).into(),
    };
    let needs = action.needs().join(" ");
    let says = match (kind, saved.scopes.as_ref()) {
        (OAuth2Kind::MissingScope, Some(scopes)) => match scopes.missing_for(action).as_slice() {
            [] => format!("to {} a token needs {needs}; the saved scopes have them all, so X granted less than X_OAUTH2_SCOPES says", action.describe()),
            missing => format!("to {} a token needs {needs}; this one lacks {}", action.describe(), missing.join(" ")),
        },
        (OAuth2Kind::MissingScope, None) => format!("to {} a token needs {needs}", action.describe()),
        (OAuth2Kind::TokenExpired, _) if expired == Some(true) => "X no longer accepts this token: X_OAUTH2_EXPIRES_AT is past".to_string(),
        (OAuth2Kind::TokenExpired, _) => "X no longer accepts this token: it expired (2 hours) or was revoked".to_string(),
        (OAuth2Kind::TokenRevoked, _) => "X no longer accepts this token, though X_OAUTH2_EXPIRES_AT is still ahead".to_string(),
        _ => "OAuth 2.0 works with the v2 API only".to_string(),
    };
    let mut failure = FlowFailure::new(step, kind).saying(says);
    failure.status = Some(response.status);
    failure.sandbox_explain = response.sandbox_explain.clone();
    failure.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_403_is_a_missing_scope_and_a_401_expired_or_revoked_by_the_saved_expiry() {
        let forbidden =
            r#"{"title":"Forbidden","type":"about:blank","status":403,"detail":"Forbidden"}"#;
        let response = ApiResponse::for_test(403, forbidden);
        let saved = Saved {
            scopes: Some(Scopes::granted("tweet.read users.read offline.access")),
            expires_at: Some(unix_now() + 3600),
        };
        let err = explain_refusal(&response, "POST /2/tweets".into(), Action::Post, &saved);
        assert_eq!(err.kind(), Some(OAuth2Kind::MissingScope));
        assert!(
            err.to_string().ends_with("this one lacks tweet.write"),
            "{err}"
        );
        assert!(err.report().contains("--scopes"), "{}", err.report());
        let v1 = "POST http://127.0.0.1:1/1.1/media/upload.json".to_string();
        let err = explain_refusal(&response, v1, Action::UploadMedia, &saved);
        assert_eq!(err.kind(), Some(OAuth2Kind::V1NeedsOAuth1));

        let unauthorized =
            r#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#;
        let unauthorized = ApiResponse::for_test(401, unauthorized);
        let me = || "GET /2/users/me".to_string();
        let err = explain_refusal(&unauthorized, me(), Action::WhoAmI, &saved);
        assert_eq!(
            err.kind(),
            Some(OAuth2Kind::TokenRevoked),
            "not expired yet"
        );
        let past = Saved {
            expires_at: Some(1),
            ..Saved::default()
        };
        let err = explain_refusal(&unauthorized, me(), Action::WhoAmI, &past);
        assert_eq!(err.kind(), Some(OAuth2Kind::TokenExpired));

        let credits = r#"{"title":"CreditsDepleted","type":"https://api.x.com/2/problems/credits","detail":"x"}"#;
        let credits = ApiResponse::for_test(402, credits);
        let err = explain_refusal(
            &credits,
            "POST /2/tweets".into(),
            Action::Post,
            &Saved::default(),
        );
        assert_eq!(err.kind(), None);
        let me = Me {
            id: "17".into(),
            username: "bot".into(),
        };
        assert_eq!(me.to_string(), "@bot (user id 17)");
    }
}
