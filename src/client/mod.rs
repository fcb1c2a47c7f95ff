//! A signed HTTP client for X: reqwest 0.12 + reqwest-oauth1 (OAuth 1.0a, HMAC-SHA1), with timeouts,
//! HTTPS only (except loopback, for the sandbox), no redirects, and retries only where they are safe.
//!
//! Retries happen above the signing layer: every attempt is signed anew (new nonce and timestamp),
//! only idempotent calls (GET, DELETE) are retried, only on 5xx, connection failures and timeouts,
//! and both the count and the total time are bounded: a retry starts only if it can end, its own
//! timeout included, within the retry budget (so with the default 20 s timeout and 30 s budget a
//! timeout is not retried, with `--timeout 5` it is). POSTs are never retried: a timed-out post may
//! have been posted.
//!
//! [`join`] is the one place a path is joined to the base URL; [`sign`] the one place a
//! reqwest-oauth1 request is signed; [`execute`] the one place an answer is read.

mod config;
mod error;
mod response;

use std::time::{Duration, Instant, SystemTime};

use reqwest::header::AUTHORIZATION;
use reqwest::{Method, Url};
use reqwest_oauth1::{DefaultSM, OAuthClientProvider, SecretsProvider, Signer};

use crate::credentials::Credentials;

pub use config::{ClientConfig, BASE_URL_VAR, DEFAULT_BASE_URL};
pub use error::{ClientError, LastAttempt};
pub use response::{reason_phrase, ApiResponse, RateLimit};

/// The most of a response body that is read (X's bodies are a few hundred bytes).
const MAX_BODY: usize = 1 << 20;

/// A client that signs every request with the four keys (OAuth 1.0a user context).
pub struct XClient {
    http: reqwest::Client,
    base: Url,
    config: ClientConfig,
    credentials: Credentials,
}

impl std::fmt::Debug for XClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XClient")
            .field("base", &self.base.as_str())
            .field("credentials", &self.credentials)
            .finish()
    }
}

/// Whether a URL points at this machine (where plain HTTP is allowed, for the sandbox).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Parses and checks a base URL: https, or http to loopback only.
///
/// # Errors
/// [`ClientError::InvalidBaseUrl`], [`ClientError::InsecureBaseUrl`].
pub fn parse_base_url(url: &str) -> Result<Url, ClientError> {
    let parsed = Url::parse(url).map_err(|e| ClientError::InvalidBaseUrl {
        url: url.to_string(),
        reason: e.to_string(),
    })?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if is_loopback(&parsed) => Ok(parsed),
        "http" => Err(ClientError::InsecureBaseUrl {
            url: url.to_string(),
        }),
        other => Err(ClientError::InvalidBaseUrl {
            url: url.to_string(),
            reason: format!("scheme {other} is not http or https"),
        }),
    }
}

/// A path on a base URL, as text: `https://api.x.com` and `/2/users/me` give
/// `https://api.x.com/2/users/me` (a path prefix in the base is kept, a trailing `/` is not doubled).
/// What [`join`] parses, and what names a request in a report, even before its URL parses.
pub fn endpoint(base: &str, path: &str) -> String {
    format!("{}{path}", base.trim_end_matches('/'))
}

/// The URL of a path such as `/2/users/me` on a base URL (see [`endpoint`]).
///
/// # Errors
/// [`ClientError::InvalidBaseUrl`] if the joined text is not a URL.
pub fn join(base: &Url, path: &str) -> Result<Url, ClientError> {
    let joined = endpoint(base.as_str(), path);
    Url::parse(&joined).map_err(|e| ClientError::InvalidBaseUrl {
        url: joined,
        reason: e.to_string(),
    })
}

/// Builds the reqwest client every call uses: timeouts, no redirects, HTTPS only unless loopback.
///
/// # Errors
/// [`ClientError::InvalidBaseUrl`], [`ClientError::InsecureBaseUrl`], or a TLS backend failure.
pub fn http_client(config: &ClientConfig) -> Result<(reqwest::Client, Url), ClientError> {
    let base = parse_base_url(&config.base_url)?;
    let http = reqwest::Client::builder()
        .connect_timeout(config.connect_timeout)
        .timeout(config.timeout)
        // The signature covers the URL: a redirect would be unsigned or signed for the wrong URL.
        .redirect(reqwest::redirect::Policy::none())
        .https_only(!is_loopback(&base))
        .user_agent(concat!("xkeys/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ClientError::Sign(e.to_string()))?;
    Ok((http, base))
}

/// Signs a request built with reqwest-oauth1 (HMAC-SHA1) and marks its `Authorization` header
/// sensitive (reqwest-oauth1 sets it with a plain `.header()`).
///
/// # Errors
/// [`ClientError::Sign`] when it can't be signed or built.
pub fn sign<S: SecretsProvider + Clone>(
    builder: reqwest_oauth1::RequestBuilder<Signer<'_, S, DefaultSM>>,
) -> Result<reqwest::Request, ClientError> {
    let mut request = builder
        .generate_signature()
        .map_err(|e| ClientError::Sign(e.to_string()))?
        .build()
        .map_err(|e| ClientError::Sign(e.to_string()))?;
    if let Some(auth) = request.headers_mut().get_mut(AUTHORIZATION) {
        auth.set_sensitive(true);
    }
    Ok(request)
}

/// What a request carries besides the signature.
enum Payload<'a> {
    None,
    Query(&'a [(&'a str, &'a str)]),
    Json(&'a serde_json::Value),
    Form(&'a [(&'a str, &'a str)]),
}

impl XClient {
    /// A client for these credentials.
    ///
    /// # Errors
    /// An invalid or insecure base URL.
    ///
    /// # Security
    /// The credentials are used only to sign; they never appear in errors or `Debug`.
    pub fn new(credentials: Credentials, config: ClientConfig) -> Result<Self, ClientError> {
        let (http, _) = http_client(&config)?;
        Self::with_http(credentials, config, http)
    }

    /// A client that sends through `http`, an existing client from [`http_client`] (same `config`),
    /// so that many accounts share one connection pool (`verify_many`).
    ///
    /// # Errors
    /// An invalid or insecure base URL.
    ///
    /// # Security
    /// As [`XClient::new`].
    pub fn with_http(
        credentials: Credentials,
        config: ClientConfig,
        http: reqwest::Client,
    ) -> Result<Self, ClientError> {
        let base = parse_base_url(&config.base_url)?;
        Ok(Self {
            http,
            base,
            config,
            credentials,
        })
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The credentials this client signs with.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The full URL for a path such as `/2/users/me` ([`join`]).
    ///
    /// # Errors
    /// [`ClientError::InvalidBaseUrl`] if the path doesn't join.
    pub fn url(&self, path: &str) -> Result<Url, ClientError> {
        join(&self.base, path)
    }

    /// A signed GET, retried on 5xx and connection failures.
    ///
    /// # Errors
    /// [`ClientError`] when no HTTP answer came; any HTTP status is an `Ok`.
    pub async fn get(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<ApiResponse, ClientError> {
        self.send(Method::GET, path, Payload::Query(query), true)
            .await
    }

    /// A signed DELETE, retried like a GET (deleting twice is harmless).
    ///
    /// # Errors
    /// As [`XClient::get`].
    pub async fn delete(&self, path: &str) -> Result<ApiResponse, ClientError> {
        self.send(Method::DELETE, path, Payload::None, true).await
    }

    /// A signed POST with a JSON body (not part of the signature). Never retried.
    ///
    /// # Errors
    /// As [`XClient::get`].
    pub async fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<ApiResponse, ClientError> {
        self.send(Method::POST, path, Payload::Json(body), false)
            .await
    }

    /// A signed POST with a form body (part of the signature). Never retried.
    ///
    /// # Errors
    /// As [`XClient::get`].
    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<ApiResponse, ClientError> {
        self.send(Method::POST, path, Payload::Form(form), false)
            .await
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        payload: Payload<'_>,
        idempotent: bool,
    ) -> Result<ApiResponse, ClientError> {
        let url = self.url(path)?;
        let started = Instant::now();
        let mut attempts = 0;
        let mut backoff = self.config.first_backoff;
        loop {
            attempts += 1;
            // Signed anew on every attempt: a fresh nonce and timestamp.
            let request = self.signed(method.clone(), url.clone(), &payload)?;
            let outcome = execute(&self.http, request, &url, attempts, self.config.timeout).await;
            let retryable = match &outcome {
                Ok(r) => matches!(r.status, 500 | 502 | 503 | 504),
                Err(ClientError::Connect { .. } | ClientError::Interrupted { .. }) => true,
                Err(ClientError::Timeout { .. }) => true,
                Err(_) => false,
            };
            // The next attempt must be able to end within the budget: its wait, then its timeout.
            let next_ends = started.elapsed() + backoff + self.config.timeout;
            let last = if !idempotent {
                Some(LastAttempt::NotIdempotent)
            } else if attempts > self.config.max_retries {
                Some(LastAttempt::RetriesUsed)
            } else if next_ends > self.config.retry_budget {
                Some(LastAttempt::Budget {
                    budget: self.config.retry_budget,
                })
            } else {
                None
            };
            match last {
                Some(why) if retryable => return outcome.map_err(|e| e.last_attempt(why)),
                None if retryable => {}
                _ => return outcome,
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(120));
        }
    }

    fn signed(
        &self,
        method: Method,
        url: Url,
        payload: &Payload<'_>,
    ) -> Result<reqwest::Request, ClientError> {
        let c = &self.credentials;
        let secrets =
            reqwest_oauth1::Secrets::new(c.api_key.as_str(), c.api_key_secret.expose_secret())
                .token(
                    c.access_token.as_str(),
                    c.access_token_secret.expose_secret(),
                );
        let builder = self.http.clone().oauth1(secrets).request(method, url);
        // One place for all parameters: reqwest-oauth1 0.3 signs only the query of a POST that has
        // both a query and a form body.
        let builder = match payload {
            Payload::None => builder,
            Payload::Query([]) => builder,
            Payload::Query(q) => builder.query(q),
            Payload::Json(body) => builder.json(body),
            Payload::Form(form) => builder.form(form),
        };
        sign(builder)
    }
}

/// Sends a built request and reads the answer, turning transport failures into [`ClientError`]s.
///
/// # Errors
/// [`ClientError`] when no complete HTTP answer came.
pub async fn execute(
    http: &reqwest::Client,
    request: reqwest::Request,
    url: &Url,
    attempts: u32,
    timeout: Duration,
) -> Result<ApiResponse, ClientError> {
    let host = url.host_str().unwrap_or("").to_string();
    let transport = |e: reqwest::Error, reading: bool| {
        error::classify_transport(e, &host, attempts, timeout, reading)
    };
    let mut response = http
        .execute(request)
        .await
        .map_err(|e| transport(e, false))?;
    let received_at = SystemTime::now();
    let headers = response.headers().clone();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| transport(e, true))? {
        let room = MAX_BODY.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
    }
    let status = response.status().as_u16();
    Ok(ApiResponse::new(
        status,
        &headers,
        &body,
        received_at,
        attempts,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_loopback() {
        assert!(parse_base_url("http://127.0.0.1:8080").is_ok());
        assert!(parse_base_url("http://localhost:1").is_ok());
        assert!(parse_base_url("http://[::1]:1").is_ok());
        assert!(parse_base_url("https://api.x.com").is_ok());
        let err = parse_base_url("http://api.x.com").unwrap_err();
        assert!(matches!(err, ClientError::InsecureBaseUrl { .. }), "{err}");
        assert!(err.to_string().contains("use https://"));
        assert!(matches!(
            parse_base_url("ftp://x").unwrap_err(),
            ClientError::InvalidBaseUrl { .. }
        ));
        assert!(matches!(
            parse_base_url("not a url").unwrap_err(),
            ClientError::InvalidBaseUrl { .. }
        ));
    }

    #[test]
    fn paths_join_the_base_url_keeping_its_prefix() {
        let base = parse_base_url("http://127.0.0.1:8080/").unwrap();
        assert_eq!(
            join(&base, "/2/users/me").unwrap().as_str(),
            "http://127.0.0.1:8080/2/users/me"
        );
        let prefixed = parse_base_url("https://proxy.example/x-api").unwrap();
        assert_eq!(
            join(&prefixed, "/oauth2/token").unwrap().as_str(),
            "https://proxy.example/x-api/oauth2/token"
        );
        assert_eq!(
            endpoint("https://api.x.com/", "/2/tweets"),
            "https://api.x.com/2/tweets"
        );
    }
}
