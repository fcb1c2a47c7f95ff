//! A signed HTTP client for X: reqwest 0.12 + reqwest-oauth1 (OAuth 1.0a, HMAC-SHA1), with timeouts,
//! HTTPS only (except loopback, for the sandbox), no redirects, and retries only where they are safe.
//!
//! Retries happen above the signing layer: every attempt is signed anew (new nonce and timestamp),
//! only idempotent calls (GET, DELETE) are retried, only on 5xx and connection failures, and both the
//! count and the total time are bounded. POSTs are never retried: a timed-out post may have been posted.

use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, AUTHORIZATION};
use reqwest::{Method, Url};
use reqwest_oauth1::OAuthClientProvider;

use crate::credentials::Credentials;

/// X's API host, as the docs and the OpenAPI `servers` spell it (FACTS §0.6).
pub const DEFAULT_BASE_URL: &str = "https://api.x.com";

/// The environment variable that overrides the base URL (e.g. to point at the sandbox).
pub const BASE_URL_VAR: &str = "X_API_BASE_URL";

/// The most of a response body that is read (X's bodies are a few hundred bytes).
const MAX_BODY: usize = 1 << 20;

/// How the client connects: base URL, timeouts, retries.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    base_url: String,
    connect_timeout: Duration,
    timeout: Duration,
    max_retries: u32,
    retry_budget: Duration,
    first_backoff: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_string(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(20),
            max_retries: 2,
            retry_budget: Duration::from_secs(30),
            first_backoff: Duration::from_millis(500),
        }
    }
}

impl ClientConfig {
    /// The defaults, with the base URL from `X_API_BASE_URL` when set.
    pub fn from_env() -> Self {
        let mut config = Self::default();
        if let Ok(url) = std::env::var(BASE_URL_VAR) {
            if !url.trim().is_empty() {
                config.base_url = url.trim().to_string();
            }
        }
        config
    }

    /// Sends requests to this base URL instead (e.g. the sandbox's).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The base URL in use.
    pub fn base_url_str(&self) -> &str {
        &self.base_url
    }

    /// The time allowed to connect (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The time allowed for one whole request and response (default 20 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The configured per-request timeout.
    pub fn timeout_value(&self) -> Duration {
        self.timeout
    }

    /// How many times an idempotent call is retried (default 2), and within what total time (default 30 s).
    pub fn retries(mut self, max_retries: u32, budget: Duration) -> Self {
        self.max_retries = max_retries;
        self.retry_budget = budget;
        self
    }

    /// The first wait before a retry (default 500 ms; doubles each time).
    pub fn backoff(mut self, first: Duration) -> Self {
        self.first_backoff = first;
        self
    }
}

/// Why a request got no HTTP answer from X.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The base URL doesn't parse.
    #[error("the API base URL {url:?} is not a valid URL ({reason}); set X_API_BASE_URL to e.g. https://api.x.com")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// Why.
        reason: String,
    },
    /// Plain HTTP to anything but this machine would send the signed request in clear text.
    #[error("refusing to send signed requests over plain HTTP to {url}: use https:// (plain http is allowed only to 127.0.0.1 or localhost, for the sandbox)")]
    InsecureBaseUrl {
        /// The URL as given.
        url: String,
    },
    /// No complete answer within the timeout.
    #[error("X did not answer within {timeout:?} ({attempts} attempt(s))")]
    Timeout {
        /// The per-request timeout.
        timeout: Duration,
        /// Requests sent.
        attempts: u32,
    },
    /// The host name didn't resolve.
    #[error("the name {host} could not be resolved (DNS): {reason}")]
    Dns {
        /// The host.
        host: String,
        /// The resolver's words.
        reason: String,
        /// Requests attempted.
        attempts: u32,
    },
    /// The TLS handshake failed (certificate, proxy that intercepts TLS...).
    #[error("the TLS connection to {host} failed: {reason}")]
    Tls {
        /// The host.
        host: String,
        /// Why.
        reason: String,
        /// Requests attempted.
        attempts: u32,
    },
    /// Nothing listens, or the connection was refused or reset.
    #[error("could not connect to {host}: {reason}")]
    Connect {
        /// The host.
        host: String,
        /// Why.
        reason: String,
        /// Requests attempted.
        attempts: u32,
    },
    /// The connection broke while reading the answer.
    #[error("the connection to {host} broke while reading the answer: {reason}")]
    Interrupted {
        /// The host.
        host: String,
        /// Why.
        reason: String,
        /// Requests sent.
        attempts: u32,
    },
    /// The request could not be signed or built (a bug or an invalid header value).
    #[error("the request could not be signed: {0}")]
    Sign(String),
}

impl ClientError {
    /// How many requests were sent (or attempted) before giving up.
    pub fn attempts(&self) -> u32 {
        match self {
            ClientError::Timeout { attempts, .. }
            | ClientError::Dns { attempts, .. }
            | ClientError::Tls { attempts, .. }
            | ClientError::Connect { attempts, .. }
            | ClientError::Interrupted { attempts, .. } => *attempts,
            _ => 0,
        }
    }
}

/// X's rate-limit headers (`x-rate-limit-*`, FACTS §2.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RateLimit {
    /// Requests allowed in the window.
    pub limit: u64,
    /// Requests left in the window.
    pub remaining: u64,
    /// When the window resets, in Unix seconds.
    pub reset: u64,
}

/// An HTTP answer from X (any status), with the headers that matter for diagnosis.
#[derive(Clone, Debug)]
pub struct ApiResponse {
    /// The HTTP status.
    pub status: u16,
    /// `x-access-level` as sent (`read`, `read-write`, `read-write-directmessages`).
    pub access_level: Option<String>,
    /// The `x-rate-limit-*` headers.
    pub rate_limit: Option<RateLimit>,
    /// The server's clock, from the `Date` header.
    pub date: Option<SystemTime>,
    /// When the response arrived, by the local clock (to measure skew against `date`).
    pub received_at: SystemTime,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The `Location` header (redirects are never followed).
    pub location: Option<String>,
    /// The `x-sandbox-explain` header, when talking to the sandbox.
    pub sandbox_explain: Option<String>,
    /// The body (at most 1 MiB).
    pub body: String,
    /// How many requests were sent for this answer (retries included).
    pub attempts: u32,
}

impl ApiResponse {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The server's clock minus the local clock, in seconds (positive: X is ahead).
    pub fn clock_skew(&self) -> Option<i64> {
        let date = self.date?;
        Some(match date.duration_since(self.received_at) {
            Ok(ahead) => ahead.as_secs() as i64,
            Err(behind) => -(behind.duration().as_secs() as i64),
        })
    }
}

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
        let (http, base) = http_client(&config)?;
        Ok(Self {
            http,
            base,
            config,
            credentials,
        })
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

    /// The full URL for a path such as `/2/users/me`.
    ///
    /// # Errors
    /// [`ClientError::InvalidBaseUrl`] if the path doesn't join.
    pub fn url(&self, path: &str) -> Result<Url, ClientError> {
        let base = self.base.as_str().trim_end_matches('/');
        Url::parse(&format!("{base}{path}")).map_err(|e| ClientError::InvalidBaseUrl {
            url: format!("{base}{path}"),
            reason: e.to_string(),
        })
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
                Err(_) => false,
            };
            let time_left = self
                .config
                .retry_budget
                .checked_sub(started.elapsed() + backoff)
                .is_some();
            if !(idempotent && retryable && attempts <= self.config.max_retries && time_left) {
                return outcome;
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
        // One place for all parameters: reqwest-oauth1 0.3 mis-signs a query plus a form body
        // (STACK.md pitfall 8).
        let builder = match payload {
            Payload::None => builder,
            Payload::Query([]) => builder,
            Payload::Query(q) => builder.query(q),
            Payload::Json(body) => builder.json(body),
            Payload::Form(form) => builder.form(form),
        };
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
    let transport =
        |e: reqwest::Error, reading: bool| classify_transport(e, &host, attempts, timeout, reading);
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
    Ok(ApiResponse {
        status: response.status().as_u16(),
        access_level: header(&headers, "x-access-level"),
        rate_limit: rate_limit(&headers),
        date: header(&headers, "date").and_then(|d| httpdate::parse_http_date(&d).ok()),
        received_at,
        content_type: header(&headers, "content-type"),
        location: header(&headers, "location"),
        sandbox_explain: header(&headers, "x-sandbox-explain"),
        body: String::from_utf8_lossy(&body).into_owned(),
        attempts,
    })
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn rate_limit(headers: &HeaderMap) -> Option<RateLimit> {
    let num = |name| header(headers, name)?.trim().parse::<u64>().ok();
    Some(RateLimit {
        limit: num("x-rate-limit-limit")?,
        remaining: num("x-rate-limit-remaining")?,
        reset: num("x-rate-limit-reset")?,
    })
}

/// Names a transport failure: timeout, DNS, TLS, refused/reset.
fn classify_transport(
    e: reqwest::Error,
    host: &str,
    attempts: u32,
    timeout: Duration,
    reading: bool,
) -> ClientError {
    // The chain of causes, without the URL (reqwest's own message repeats it).
    let mut reason = String::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(&e);
    while let Some(s) = source {
        if !reason.is_empty() {
            reason.push_str(": ");
        }
        reason.push_str(&s.to_string());
        source = s.source();
    }
    if reason.is_empty() {
        reason = e.to_string();
    }
    let host = host.to_string();
    let lower = reason.to_ascii_lowercase();
    if e.is_timeout() {
        ClientError::Timeout { timeout, attempts }
    } else if lower.contains("dns error")
        || lower.contains("failed to lookup")
        || lower.contains("name or service not known")
    {
        ClientError::Dns {
            host,
            reason,
            attempts,
        }
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
    {
        ClientError::Tls {
            host,
            reason,
            attempts,
        }
    } else if reading || e.is_body() || e.is_decode() {
        ClientError::Interrupted {
            host,
            reason,
            attempts,
        }
    } else {
        ClientError::Connect {
            host,
            reason,
            attempts,
        }
    }
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
}
