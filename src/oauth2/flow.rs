//! The Authorization Code flow with PKCE (S256) on the `oauth2` crate: the authorize URL, the code
//! exchange, refresh and revoke, for a confidential client (Client Secret, sent in an
//! `Authorization: Basic` header) or a public one (`client_id` in the body).
//!
//! Requests go through the crate's own reqwest client ([`crate::client::http_client`]: timeouts, no
//! redirects, HTTPS except to loopback), so a failure is explained like every other call, and are
//! never retried: a code works once, and a refresh whose answer was lost may already have rotated
//! the refresh token.

use std::sync::Mutex;

use ::oauth2::basic::{BasicClient, BasicErrorResponse, BasicTokenResponse};
use ::oauth2::{
    AuthUrl, AuthorizationCode, CsrfToken, EndpointNotSet, EndpointSet, HttpRequest, HttpResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, TokenResponse,
    TokenUrl,
};
use url::Url;

use super::error::{FlowFailure, OAuth2Error, OAuth2Kind};
use super::scopes::Scopes;
use super::tokens::{unix_now, ClientId, ClientSecret, RefreshToken, Tokens, UserAccessToken};
use super::{AUTHORIZE_PATH, REVOKE_PATH, TOKEN_PATH, X_AUTHORIZE_URL};
use crate::api_error::{ApiFailure, Call};
use crate::client::{self, ApiResponse, ClientConfig, ClientError, DEFAULT_BASE_URL};

/// The `oauth2` crate's client with an authorize and a token URL set.
type Inner = BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// A login in progress: the URL to open, and the secrets to check and finish it with.
pub struct Authorization {
    /// The URL the account's owner opens (it carries the state and the code challenge, not the verifier).
    pub url: Url,
    /// The random `state` the redirect must bring back.
    pub state: CsrfToken,
    /// The PKCE verifier whose S256 challenge is in the URL; the exchange sends it.
    pub verifier: PkceCodeVerifier,
    /// The scopes asked for.
    pub scopes: Scopes,
}

impl std::fmt::Debug for Authorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authorization")
            .field("state", &"[REDACTED]")
            .field("verifier", &"[REDACTED]")
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// Which token a revocation is for (`token_type_hint`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// An access token.
    Access,
    /// A refresh token.
    Refresh,
}

/// What a token request answered, kept for explaining a failure (the `oauth2` crate's error has no
/// status).
enum Seen {
    Answer(ApiResponse),
    NoAnswer(ClientError),
}

/// The app's OAuth 2.0 client: its Client ID (and Secret, if confidential), its redirect URI, and
/// where X's endpoints are.
pub struct OAuth2Client {
    inner: Inner,
    client_id: ClientId,
    secret: Option<ClientSecret>,
    redirect: Url,
    http: reqwest::Client,
    base: Url,
    config: ClientConfig,
}

impl std::fmt::Debug for OAuth2Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuth2Client")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.secret)
            .field("redirect", &self.redirect.as_str())
            .field("base", &self.base.as_str())
            .finish()
    }
}

/// The authorize page for a base URL: X's on x.com when the API is X's, else the base URL's own
/// (the sandbox serves both).
pub fn authorize_url_for(base: &Url) -> Result<Url, ClientError> {
    let is_x = base.as_str().trim_end_matches('/') == DEFAULT_BASE_URL
        || base.host_str() == Some("api.twitter.com");
    match is_x {
        true => client::parse_base_url(X_AUTHORIZE_URL),
        false => client::join(base, AUTHORIZE_PATH),
    }
}

impl OAuth2Client {
    /// A client for this app: confidential when `secret` is given, public otherwise.
    ///
    /// # Errors
    /// An invalid or insecure base URL, or a redirect URI that isn't a URL.
    ///
    /// # Security
    /// The Client Secret goes only into the Basic header of token requests; never into errors or `Debug`.
    pub fn new(
        client_id: ClientId,
        secret: Option<ClientSecret>,
        redirect: &str,
        config: ClientConfig,
    ) -> Result<Self, OAuth2Error> {
        let bad_url =
            |e: ClientError| ApiFailure::from_client_error("Setting up OAuth 2.0".into(), &e);
        let (http, base) = client::http_client(&config).map_err(bad_url)?;
        let authorize = authorize_url_for(&base).map_err(bad_url)?;
        let token = client::join(&base, TOKEN_PATH).map_err(bad_url)?;
        let redirect_url = Url::parse(redirect).map_err(|e| {
            FlowFailure::new(
                format!("The redirect URI {redirect:?}"),
                OAuth2Kind::RedirectUriUnusable,
            )
            .saying(e.to_string())
        })?;
        let mut inner = BasicClient::new(::oauth2::ClientId::new(client_id.as_str().to_string()))
            .set_auth_uri(AuthUrl::from_url(authorize))
            .set_token_uri(TokenUrl::from_url(token))
            .set_redirect_uri(RedirectUrl::from_url(redirect_url.clone()));
        if let Some(secret) = &secret {
            inner = inner.set_client_secret(::oauth2::ClientSecret::new(
                secret.expose_secret().to_string(),
            ));
        }
        Ok(Self {
            inner,
            client_id,
            secret,
            redirect: redirect_url,
            http,
            base,
            config,
        })
    }

    /// The redirect URI (sent in the authorize URL and the exchange; registered in the app).
    pub fn redirect_uri(&self) -> &Url {
        &self.redirect
    }

    /// Whether the client has a Client Secret (a confidential client).
    pub fn is_confidential(&self) -> bool {
        self.secret.is_some()
    }

    /// Step 1: the authorize URL for these scopes, with a fresh random `state` and a PKCE pair (S256).
    pub fn authorize(&self, scopes: &Scopes) -> Authorization {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state) = self
            .inner
            .authorize_url(CsrfToken::new_random)
            .add_scopes(scopes.iter().map(|s| Scope::new(s.to_string())))
            .set_pkce_challenge(challenge)
            .url();
        Authorization {
            url,
            state,
            verifier,
            scopes: scopes.clone(),
        }
    }

    /// Step 3: trades the code from the redirect for tokens, with the login's own verifier.
    ///
    /// # Errors
    /// [`OAuth2Error`]: the wrong verifier, a used or stale code, a missing or wrong Client Secret,
    /// or the network and X failing.
    ///
    /// # Security
    /// The answer holds the tokens: they are only returned, never shown.
    pub async fn exchange(
        &self,
        code: AuthorizationCode,
        verifier: PkceCodeVerifier,
        asked: &Scopes,
    ) -> Result<Tokens, OAuth2Error> {
        let step = format!("POST {} (authorization code)", self.token_endpoint());
        let seen = Mutex::new(None);
        let send = |request: HttpRequest| self.send(request, &seen);
        let answer = self
            .inner
            .exchange_code(code)
            .set_pkce_verifier(verifier)
            .request_async(&send)
            .await;
        self.finish(answer, &seen, step, Grant::Code, None, asked)
    }

    /// Trades a refresh token for a new access token (and a new refresh token: X rotates them; save
    /// it, the old one no longer works).
    ///
    /// # Errors
    /// [`OAuth2Error`]: [`OAuth2Kind::RefreshRejected`] for a spent, revoked or expired refresh
    /// token; a missing or wrong Client Secret; the network and X failing.
    ///
    /// # Security
    /// As [`OAuth2Client::exchange`].
    pub async fn refresh(
        &self,
        refresh: &RefreshToken,
        scopes: &Scopes,
    ) -> Result<Tokens, OAuth2Error> {
        let step = format!("POST {} (refresh token)", self.token_endpoint());
        let seen = Mutex::new(None);
        let send = |request: HttpRequest| self.send(request, &seen);
        let token = ::oauth2::RefreshToken::new(refresh.expose_secret().to_string());
        let answer = self
            .inner
            .exchange_refresh_token(&token)
            .request_async(&send)
            .await;
        self.finish(answer, &seen, step, Grant::Refresh, Some(refresh), scopes)
    }

    /// Revokes an access or refresh token (`POST /2/oauth2/revoke`). A plain form POST: the `oauth2`
    /// crate refuses revocation URLs that aren't https, which would leave this path untested against
    /// the sandbox on 127.0.0.1.
    ///
    /// # Errors
    /// [`OAuth2Error`]: X refused (its words are shown), or the network and X failing.
    ///
    /// # Security
    /// The token is sent to X only.
    pub async fn revoke(&self, token: &str, kind: TokenKind) -> Result<(), OAuth2Error> {
        let endpoint = client::endpoint(self.base.as_str(), REVOKE_PATH);
        let step = format!("POST {endpoint}");
        let failed = |e: &ClientError| ApiFailure::from_client_error(step.clone(), e);
        let url = client::join(&self.base, REVOKE_PATH).map_err(|e| failed(&e))?;
        let hint = match kind {
            TokenKind::Access => "access_token",
            TokenKind::Refresh => "refresh_token",
        };
        let mut form = vec![("token", token), ("token_type_hint", hint)];
        let builder = self.http.post(url.clone());
        let builder = match &self.secret {
            // RFC 6749 §2.3.1: both halves form-urlencoded, as the oauth2 crate does for the token endpoint.
            Some(secret) => builder.basic_auth(
                urlencode(self.client_id.as_str()),
                Some(urlencode(secret.expose_secret())),
            ),
            None => {
                form.push(("client_id", self.client_id.as_str()));
                builder
            }
        };
        let request = builder
            .form(&form)
            .build()
            .map_err(|e| failed(&ClientError::Sign(e.to_string())))?;
        let timeout = self.config.timeout_value();
        let response = client::execute(&self.http, request, &url, 1, timeout)
            .await
            .map_err(|e| failed(&e))?;
        if response.is_success() {
            return Ok(());
        }
        Err(explain_answer(&response, step, Grant::Revoke))
    }

    fn token_endpoint(&self) -> String {
        client::endpoint(self.base.as_str(), TOKEN_PATH)
    }

    /// The HTTP client the `oauth2` crate sends through: the crate's reqwest client, keeping the
    /// answer (or its absence) for [`explain_answer`].
    async fn send(
        &self,
        request: HttpRequest,
        seen: &Mutex<Option<Seen>>,
    ) -> Result<HttpResponse, ClientError> {
        let remember = |s: Seen| {
            if let Ok(mut slot) = seen.lock() {
                *slot = Some(s);
            }
        };
        let mut request =
            reqwest::Request::try_from(request).map_err(|e| ClientError::Sign(e.to_string()))?;
        if let Some(auth) = request
            .headers_mut()
            .get_mut(reqwest::header::AUTHORIZATION)
        {
            auth.set_sensitive(true);
        }
        let url = request.url().clone();
        let timeout = self.config.timeout_value();
        let response = match client::execute(&self.http, request, &url, 1, timeout).await {
            Ok(response) => response,
            Err(e) => {
                let error = ClientError::Sign(e.to_string());
                remember(Seen::NoAnswer(e));
                return Err(error);
            }
        };
        let mut builder = ::oauth2::http::Response::builder().status(response.status);
        if let Some(ct) = &response.content_type {
            builder = builder.header(::oauth2::http::header::CONTENT_TYPE, ct.as_str());
        }
        let http = builder
            .body(response.body().as_bytes().to_vec())
            .map_err(|e| ClientError::Sign(e.to_string()));
        remember(Seen::Answer(response));
        http
    }

    /// The tokens of a success, or the explained failure.
    fn finish<E: std::error::Error>(
        &self,
        answer: Result<BasicTokenResponse, RequestTokenError<E, BasicErrorResponse>>,
        seen: &Mutex<Option<Seen>>,
        step: String,
        grant: Grant,
        old_refresh: Option<&RefreshToken>,
        asked: &Scopes,
    ) -> Result<Tokens, OAuth2Error> {
        let seen = seen.lock().ok().and_then(|mut s| s.take());
        match (answer, seen) {
            (Ok(response), _) => Ok(tokens_of(&response, old_refresh, asked)),
            (Err(_), Some(Seen::NoAnswer(e))) => {
                Err(ApiFailure::from_client_error(step, &e).into())
            }
            (Err(_), Some(Seen::Answer(r))) if r.status != 200 => {
                Err(explain_answer(&r, step, grant))
            }
            // A 200 the crate could not read: never show the body, it may hold a token.
            (Err(RequestTokenError::Parse(e, _)), _) => Err(ApiFailure::unexpected(
                step,
                200,
                &format!(
                    "a 200 answer that is not a token response (at {})",
                    e.path()
                ),
            )
            .into()),
            (Err(e), _) => Err(ApiFailure::unexpected(step, 200, &other_words(&e)).into()),
        }
    }
}

/// The crate's words for a failure that is not X's error body (they never hold the body).
fn other_words<E: std::error::Error>(e: &RequestTokenError<E, BasicErrorResponse>) -> String {
    match e {
        RequestTokenError::Other(words) => words.clone(),
        _ => "an answer that is not a token response".to_string(),
    }
}

/// Which request a token-endpoint answer is to: the same `invalid_request` means different things.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Grant {
    Code,
    Refresh,
    Revoke,
}

/// X's answer to a token or revoke request that is not a success, explained: its RFC 6749 error
/// (`error`, `error_description`) by the grant, else as any other call ([`crate::api_error`]).
fn explain_answer(response: &ApiResponse, step: String, grant: Grant) -> OAuth2Error {
    let body = response.json();
    let field = |k: &str| {
        body.as_ref()
            .and_then(|b| b.get(k))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let (Some(error), description) = (field("error"), field("error_description")) else {
        if matches!(response.status, 401 | 400) && grant != Grant::Revoke {
            // A bare 400/401 from the token endpoint: the client's credentials or the grant.
            let kind = match (grant, response.status) {
                (Grant::Refresh, 400) => OAuth2Kind::RefreshRejected,
                (_, 401) => OAuth2Kind::ClientRejected,
                _ => OAuth2Kind::TokenRefused,
            };
            return flow(
                response,
                step,
                kind,
                "a bare answer without an error".into(),
            );
        }
        return ApiFailure::from_response(step, response, Call::BearerToken).into();
    };
    let says = match &description {
        Some(d) => format!("{error}: {d}"),
        None => error.clone(),
    };
    let text = description.unwrap_or_default().to_ascii_lowercase();
    let kind = match (grant, error.as_str()) {
        (_, "unauthorized_client") if text.contains("missing valid authorization header") => {
            OAuth2Kind::ClientSecretMissing
        }
        (_, "unauthorized_client" | "invalid_client") => OAuth2Kind::ClientRejected,
        (Grant::Code, _) if text.contains("code verifier") || text.contains("[code_verifier]") => {
            OAuth2Kind::VerifierMismatch
        }
        (Grant::Code, _) if text.contains("authorization code") => OAuth2Kind::CodeInvalid,
        (Grant::Refresh, "invalid_request" | "invalid_grant") => OAuth2Kind::RefreshRejected,
        _ => OAuth2Kind::TokenRefused,
    };
    flow(response, step, kind, says)
}

fn flow(response: &ApiResponse, step: String, kind: OAuth2Kind, says: String) -> OAuth2Error {
    let mut failure = FlowFailure::new(step, kind).saying(says);
    failure.status = Some(response.status);
    failure.sandbox_explain = response.sandbox_explain.clone();
    failure.into()
}

/// The tokens of a token response; the expiry from `expires_in`, counted from now.
fn tokens_of(
    response: &BasicTokenResponse,
    old_refresh: Option<&RefreshToken>,
    asked: &Scopes,
) -> Tokens {
    let scopes = match response.scopes() {
        Some(granted) => Scopes::granted(
            &granted
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        // RFC 6749 §5.1: no `scope` means the scopes asked for.
        None => asked.clone(),
    };
    let refresh = response
        .refresh_token()
        .map(|t| RefreshToken::new(t.secret().clone()))
        .or_else(|| old_refresh.cloned());
    Tokens {
        access_token: UserAccessToken::new(response.access_token().secret().clone()),
        refresh_token: refresh,
        scopes,
        expires_at: response.expires_in().map(|d| unix_now() + d.as_secs()),
    }
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(secret: Option<&str>, base: &str) -> OAuth2Client {
        OAuth2Client::new(
            ClientId::new("M1M5R3BMVy13QmpScXkzTUt5OE46MTpjaQ"),
            secret.map(ClientSecret::new),
            "http://127.0.0.1:8765/callback",
            ClientConfig::default().base_url(base),
        )
        .unwrap()
    }

    #[test]
    fn the_authorize_url_is_x_com_for_x_and_carries_pkce_state_and_scopes() {
        let auth = client(None, "https://api.x.com").authorize(&Scopes::for_a_bot());
        let url = auth.url.as_str();
        assert!(url.starts_with("https://x.com/i/oauth2/authorize?response_type=code&client_id=M1M5R3BMVy13QmpScXkzTUt5OE46MTpjaQ&state="), "{url}");
        assert!(url.contains("&code_challenge_method=S256"), "{url}");
        assert!(
            url.contains("&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback"),
            "{url}"
        );
        assert!(
            url.contains("&scope=tweet.read+tweet.write+users.read+dm.write+offline.access"),
            "{url}"
        );
        assert!(
            !url.contains(auth.verifier.secret()),
            "the verifier stays here"
        );
        assert_eq!(
            format!("{auth:?}"),
            "Authorization { state: \"[REDACTED]\", verifier: \"[REDACTED]\", scopes: Scopes([\"tweet.read\", \"tweet.write\", \"users.read\", \"dm.write\", \"offline.access\"]) }"
        );
        let sandbox = client(None, "http://127.0.0.1:4321").authorize(&Scopes::for_a_bot());
        assert!(sandbox
            .url
            .as_str()
            .starts_with("http://127.0.0.1:4321/i/oauth2/authorize?"));
    }

    #[test]
    fn debug_hides_the_client_secret() {
        let shown = format!(
            "{:?}",
            client(
                Some("Zq9wE8rT7yU6iO5pA4sD3fG2hJ1kL0zX9cV8bN7mQ6wE5rT4yU"),
                "https://api.x.com"
            )
        );
        assert!(!shown.contains("Zq9wE8rT"), "{shown}");
        assert!(
            shown.contains("ClientSecret([REDACTED])") && shown.contains("M1M5…"),
            "{shown}"
        );
    }

    #[test]
    fn x_error_texts_become_kinds() {
        let kind = |status: u16, body: &str, grant: Grant| {
            let response = ApiResponse::for_test(status, body);
            match explain_answer(&response, "POST t".into(), grant) {
                OAuth2Error::Flow(f) => Some(f.kind),
                OAuth2Error::Api(_) => None,
            }
        };
        let verifier = r#"{"error":"invalid_request","error_description":"Value passed for the code verifier did not match the code challenge."}"#;
        assert_eq!(
            kind(400, verifier, Grant::Code),
            Some(OAuth2Kind::VerifierMismatch)
        );
        let missing = r#"{"error":"invalid_request","error_description":"Missing required parameter [code_verifier]."}"#;
        assert_eq!(
            kind(400, missing, Grant::Code),
            Some(OAuth2Kind::VerifierMismatch)
        );
        let code = r#"{"error":"invalid_request","error_description":"Value passed for the authorization code was invalid.","errors":[]}"#;
        assert_eq!(kind(400, code, Grant::Code), Some(OAuth2Kind::CodeInvalid));
        let header = r#"{"error":"unauthorized_client","error_description":"Missing valid authorization header"}"#;
        assert_eq!(
            kind(401, header, Grant::Code),
            Some(OAuth2Kind::ClientSecretMissing)
        );
        assert_eq!(
            kind(401, header, Grant::Refresh),
            Some(OAuth2Kind::ClientSecretMissing)
        );
        let token = r#"{"error":"invalid_request","error_description":"Value passed for the token was invalid."}"#;
        assert_eq!(
            kind(400, token, Grant::Refresh),
            Some(OAuth2Kind::RefreshRejected)
        );
        assert_eq!(
            kind(400, r#"{"error":"invalid_scope"}"#, Grant::Code),
            Some(OAuth2Kind::TokenRefused)
        );
        assert_eq!(kind(503, "<html>busy</html>", Grant::Code), None);
        assert_eq!(
            kind(429, r#"{"title":"Too Many Requests"}"#, Grant::Refresh),
            None
        );
    }
}
