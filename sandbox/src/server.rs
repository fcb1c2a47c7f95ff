//! The sandbox's state, request authentication and X's order of checks.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, DATE, HOST};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::Response;

use super::accounts::{mask, AccessLevel, Account, Scenario};
use super::oauth1::{self, Collected, Failure, NonceStore, Received};
use super::problems as p;
use super::rate_limit::{Endpoint, RateLimiter, RateStatus};
use super::SandboxError;

/// The `api-version` header X sent in 2026 (FACTS §2.4 saw 2.163-2.165; the spec is 2.167).
pub(crate) const API_VERSION: &str = "2.167";
/// The scheme clients use to reach the sandbox, part of every base string.
const SCHEME: &str = "http";
/// Used for unknown keys so an unknown key costs the same HMAC as a known one.
const DUMMY_CONSUMER_SECRET: &str = "xkeysSandboxDummyConsumerSecret0000000000000000000";
const DUMMY_TOKEN_SECRET: &str = "xkeysSandboxDummyTokenSecret00000000000000000";
/// Largest body the sandbox reads.
const BODY_LIMIT: usize = 1 << 20;

/// Settings that stay fixed while the sandbox runs.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) timestamp_window: Duration,
    pub(crate) latency: Duration,
    pub(crate) slow_delay: Duration,
    pub(crate) clock_skew: Duration,
    pub(crate) nonce_capacity: usize,
    pub(crate) rate_limits: bool,
    pub(crate) rate_limit_window: Duration,
}

/// An app: consumer key and secret, its current permission, its Bearer Token.
pub(crate) struct App {
    pub(crate) consumer_key: String,
    pub(crate) consumer_secret: String,
    pub(crate) name: String,
    pub(crate) app_id: String,
    pub(crate) level: AccessLevel,
    pub(crate) scenario: Scenario,
    pub(crate) owner_user_id: String,
    /// (generation, current Bearer Token).
    pub(crate) bearer: Mutex<(u32, String)>,
}

/// An access token.
pub(crate) struct Token {
    pub(crate) secret: String,
    pub(crate) consumer_key: String,
    pub(crate) user_id: String,
    pub(crate) level: AccessLevel,
    pub(crate) scenario: Scenario,
    pub(crate) revoked: bool,
}

/// A user.
pub(crate) struct User {
    pub(crate) id: String,
    pub(crate) username: String,
    pub(crate) name: String,
    pub(crate) description: String,
}

/// A request token of the PIN flow.
pub(crate) struct RequestToken {
    pub(crate) consumer_key: String,
    pub(crate) secret: String,
    pub(crate) level: AccessLevel,
    /// (PIN, user id) once a user approved it.
    pub(crate) approved: Option<(String, String)>,
}

/// Posts, for deletes and duplicate detection.
#[derive(Default)]
pub(crate) struct Posts {
    pub(crate) by_id: HashMap<String, (String, String)>,
    pub(crate) texts: HashSet<(String, String)>,
}

/// Everything the handlers share.
pub(crate) struct Shared {
    pub(crate) settings: Settings,
    pub(crate) apps: HashMap<String, Arc<App>>,
    pub(crate) tokens: RwLock<HashMap<String, Arc<Token>>>,
    pub(crate) users: HashMap<String, Arc<User>>,
    pub(crate) usernames: HashMap<String, String>,
    pub(crate) user_order: Vec<String>,
    pub(crate) bearers: RwLock<HashMap<String, String>>,
    pub(crate) nonces: Mutex<NonceStore>,
    pub(crate) limiter: RateLimiter,
    pub(crate) posts: Mutex<Posts>,
    pub(crate) request_tokens: Mutex<HashMap<String, RequestToken>>,
    pub(crate) next_id: AtomicU64,
}

/// Locks a mutex, recovering from poisoning (a panicked handler must not stop the sandbox).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

fn read_lock<T>(m: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    match m.read() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

pub(crate) fn write_lock<T>(m: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    match m.write() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// The real clock, Unix seconds.
pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl Shared {
    pub(crate) fn new(settings: Settings, accounts: &[Account]) -> Result<Shared, SandboxError> {
        let mut apps: HashMap<String, Arc<App>> = HashMap::new();
        let mut tokens = HashMap::new();
        let mut users = HashMap::new();
        let mut usernames = HashMap::new();
        let mut user_order = Vec::new();
        let mut bearers = HashMap::new();
        for a in accounts {
            match apps.get(&a.api_key) {
                Some(app) if app.consumer_secret != a.api_key_secret => {
                    return Err(SandboxError::ConflictingApp(mask(&a.api_key)));
                }
                Some(_) => {}
                None => {
                    let app_id = super::accounts::snowflake(&format!("xkeys-app:{}", a.api_key))
                        [..8]
                        .to_string();
                    bearers.insert(a.bearer_token.clone(), a.api_key.clone());
                    apps.insert(
                        a.api_key.clone(),
                        Arc::new(App {
                            consumer_key: a.api_key.clone(),
                            consumer_secret: a.api_key_secret.clone(),
                            name: a.app_name.clone(),
                            app_id,
                            level: a.app_access_level,
                            scenario: a.scenario,
                            owner_user_id: a.user_id.clone(),
                            bearer: Mutex::new((0, a.bearer_token.clone())),
                        }),
                    );
                }
            }
            if tokens.contains_key(&a.access_token) {
                return Err(SandboxError::DuplicateToken(mask(&a.access_token)));
            }
            tokens.insert(
                a.access_token.clone(),
                Arc::new(Token {
                    secret: a.access_token_secret.clone(),
                    consumer_key: a.api_key.clone(),
                    user_id: a.user_id.clone(),
                    level: a.access_level,
                    scenario: a.scenario,
                    revoked: a.scenario == Scenario::Revoked,
                }),
            );
            if !users.contains_key(&a.user_id) {
                usernames
                    .entry(a.username.to_ascii_lowercase())
                    .or_insert_with(|| a.user_id.clone());
                user_order.push(a.user_id.clone());
                users.insert(
                    a.user_id.clone(),
                    Arc::new(User {
                        id: a.user_id.clone(),
                        username: a.username.clone(),
                        name: a.name.clone(),
                        description: a.description.clone(),
                    }),
                );
            }
        }
        Ok(Shared {
            nonces: Mutex::new(NonceStore::new(settings.nonce_capacity)),
            limiter: RateLimiter::new(
                settings.rate_limits,
                settings.rate_limit_window.as_secs().max(1) as i64,
            ),
            settings,
            apps,
            tokens: RwLock::new(tokens),
            users,
            usernames,
            user_order,
            bearers: RwLock::new(bearers),
            posts: Mutex::new(Posts::default()),
            request_tokens: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1_950_000_000_000_000_000),
        })
    }

    /// A fresh 19-digit post or event id (deterministic: a counter).
    pub(crate) fn next_id(&self) -> String {
        self.next_id.fetch_add(1, Ordering::Relaxed).to_string()
    }

    /// How far this scenario's server clock runs ahead of the real one, in seconds.
    pub(crate) fn clock_offset(&self, scenario: Scenario) -> i64 {
        if scenario == Scenario::ClockSkew {
            self.settings.clock_skew.as_secs() as i64
        } else {
            0
        }
    }

    /// The delay the `slow` scenario adds (the latency is added to every response apart).
    pub(crate) fn delay(&self, scenario: Scenario) -> Duration {
        match scenario {
            Scenario::Slow => self.settings.slow_delay,
            _ => Duration::ZERO,
        }
    }
}

/// A request read in full.
pub(crate) struct Incoming {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Incoming {
    pub(crate) async fn read(req: Request) -> Result<Incoming, Reply> {
        let (parts, body) = req.into_parts();
        let body = axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| {
            Reply::json(
                StatusCode::PAYLOAD_TOO_LARGE,
                p::invalid_request("body", "", "The request body is too large."),
            )
        })?;
        Ok(Incoming {
            method: parts.method,
            path: parts.uri.path().to_string(),
            query: parts.uri.query().map(str::to_string),
            headers: parts.headers,
            body,
        })
    }

    /// The first query parameter named `name`, decoded.
    pub(crate) fn query_param(&self, name: &str) -> Option<String> {
        let query = self.query.as_deref()?;
        oauth1::parse_form(query)
            .into_iter()
            .find(|(n, _)| n == name.as_bytes())
            .map(|(_, v)| String::from_utf8_lossy(&v).into_owned())
    }

    /// The first form-body parameter named `name`, decoded.
    pub(crate) fn form_param(&self, name: &str) -> Option<String> {
        oauth1::parse_form(&String::from_utf8_lossy(&self.body))
            .into_iter()
            .find(|(n, _)| n == name.as_bytes())
            .map(|(_, v)| String::from_utf8_lossy(&v).into_owned())
    }

    fn authorization(&self) -> Vec<&str> {
        self.headers
            .get_all(AUTHORIZATION)
            .iter()
            .map(|v| v.to_str().unwrap_or("<non-ASCII header>"))
            .collect()
    }
}

/// A response being built: X's body plus the headers X sends.
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) content_type: &'static str,
    pub(crate) body: String,
    pub(crate) explain: Option<String>,
    pub(crate) access_level: Option<AccessLevel>,
    pub(crate) rate: Option<RateStatus>,
    pub(crate) clock_offset: i64,
    pub(crate) delay: Duration,
}

/// X's content type for JSON, errors included (FACTS §2.4).
pub(crate) const JSON: &str = "application/json; charset=utf-8";

impl Reply {
    pub(crate) fn new(
        status: StatusCode,
        content_type: &'static str,
        body: impl Into<String>,
    ) -> Reply {
        Reply {
            status,
            content_type,
            body: body.into(),
            explain: None,
            access_level: None,
            rate: None,
            clock_offset: 0,
            delay: Duration::ZERO,
        }
    }

    pub(crate) fn json(status: StatusCode, body: impl Into<String>) -> Reply {
        Reply::new(status, JSON, body)
    }

    pub(crate) fn explain(mut self, why: impl Into<String>) -> Reply {
        self.explain = Some(why.into());
        self
    }

    /// Waits out the delay, then builds the HTTP response.
    pub(crate) async fn send(self) -> Response {
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        self.into_response()
    }

    pub(crate) fn into_response(self) -> Response {
        let mut resp = Response::new(Body::from(self.body));
        *resp.status_mut() = self.status;
        let h = resp.headers_mut();
        h.insert(CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        h.insert(
            HeaderName::from_static("api-version"),
            HeaderValue::from_static(API_VERSION),
        );
        let server_time = if self.clock_offset >= 0 {
            SystemTime::now() + Duration::from_secs(self.clock_offset as u64)
        } else {
            SystemTime::now() - Duration::from_secs(self.clock_offset.unsigned_abs())
        };
        if let Ok(v) = HeaderValue::from_str(&httpdate::fmt_http_date(server_time)) {
            h.insert(DATE, v);
        }
        if let Some(level) = self.access_level {
            h.insert(
                HeaderName::from_static("x-access-level"),
                HeaderValue::from_static(level.header_value()),
            );
        }
        if let Some(rate) = self.rate {
            for (name, value) in [
                ("x-rate-limit-limit", rate.limit.to_string()),
                ("x-rate-limit-remaining", rate.remaining.to_string()),
                ("x-rate-limit-reset", rate.reset.to_string()),
            ] {
                if let Ok(v) = HeaderValue::from_str(&value) {
                    h.insert(HeaderName::from_static(name), v);
                }
            }
        }
        if let Some(explain) = self.explain {
            // Header values must be visible ASCII: '…' becomes '...', anything else '?'.
            let ascii: String = explain
                .replace('…', "...")
                .chars()
                .take(4000)
                .map(|c| {
                    if c.is_ascii() && !c.is_ascii_control() {
                        c
                    } else {
                        '?'
                    }
                })
                .collect();
            if let Ok(v) = HeaderValue::from_str(&ascii) {
                h.insert(HeaderName::from_static("x-sandbox-explain"), v);
            }
        }
        resp
    }
}

/// Which token a request must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// An access token (user context).
    Access,
    /// A request token of the PIN flow.
    Request,
    /// No token (`/oauth/request_token`).
    None,
    /// An access token or none (`/sandbox/echo`).
    Optional,
}

/// A request whose OAuth 1.0a signature checked out.
pub(crate) struct Verified {
    pub(crate) app: Arc<App>,
    pub(crate) token: Option<Arc<Token>>,
    pub(crate) request_token: Option<String>,
    pub(crate) collected: Collected,
}

/// Why authentication failed, and what the response should say about the server's clock.
pub(crate) struct AuthFailure {
    pub(crate) failure: Failure,
    pub(crate) clock_offset: i64,
}

/// Which API family answers: v2 problem objects or v1.1 `errors[]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    V2,
    V11,
}

impl AuthFailure {
    /// X's answer to a failed authentication, plus the sandbox's explanation.
    pub(crate) fn reply(self, api: Api) -> Reply {
        let (status, body) = match (&self.failure, api) {
            (Failure::NonceStoreFull(_), _) => {
                (StatusCode::SERVICE_UNAVAILABLE, p::SERVICE_UNAVAILABLE)
            }
            (_, Api::V2) => (StatusCode::UNAUTHORIZED, p::UNAUTHORIZED),
            (Failure::MissingAuthorization, Api::V11) => (StatusCode::BAD_REQUEST, p::V1_215),
            (Failure::Stale { .. }, Api::V11) => (StatusCode::UNAUTHORIZED, p::V1_135),
            (Failure::Revoked(_) | Failure::UnknownToken(_), Api::V11) => {
                (StatusCode::UNAUTHORIZED, p::V1_89)
            }
            (_, Api::V11) => (StatusCode::UNAUTHORIZED, p::V1_32),
        };
        let mut reply = Reply::json(status, body).explain(self.failure.explain());
        reply.clock_offset = self.clock_offset;
        reply
    }
}

impl Shared {
    /// Verifies an OAuth 1.0a request: parameters, signature, timestamp, nonce (RFC 5849 §3.2).
    pub(crate) fn verify_oauth1(
        &self,
        inc: &Incoming,
        kind: TokenKind,
    ) -> Result<Verified, AuthFailure> {
        let fail = |failure, clock_offset| AuthFailure {
            failure,
            clock_offset,
        };
        let host = inc
            .headers
            .get(HOST)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| fail(Failure::Malformed("no Host header".into()), 0))?;
        let received = Received {
            method: inc.method.as_str(),
            scheme: SCHEME,
            host,
            path: &inc.path,
            query: inc.query.as_deref(),
            content_type: inc.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()),
            body: &inc.body,
        };
        let collected = oauth1::collect(&received, &inc.authorization()).map_err(|f| fail(f, 0))?;
        let consumer_key = collected.consumer_key().to_string();
        let app = self.apps.get(&consumer_key).cloned();
        let offset = app
            .as_ref()
            .map(|a| self.clock_offset(a.scenario))
            .unwrap_or(0);

        // Find the token's secret; unknown tokens use a dummy so the HMAC work is the same.
        let token_value = collected.token().map(str::to_string);
        let mut token = None;
        let mut token_secret: Option<String> = None;
        match (kind, &token_value) {
            (TokenKind::Access, None) | (TokenKind::Request, None) => {
                return Err(fail(Failure::MissingParameter("oauth_token"), offset));
            }
            (TokenKind::None, Some(_)) => {
                return Err(fail(
                    Failure::UnexpectedParameter("oauth_token".into()),
                    offset,
                ));
            }
            (TokenKind::None | TokenKind::Optional, None) => token_secret = Some(String::new()),
            (TokenKind::Access | TokenKind::Optional, Some(t)) => {
                if let Some(found) = read_lock(&self.tokens).get(t) {
                    if found.consumer_key == consumer_key {
                        token_secret = Some(found.secret.clone());
                        token = Some(found.clone());
                    }
                }
            }
            (TokenKind::Request, Some(t)) => {
                if let Some(found) = lock(&self.request_tokens).get(t) {
                    if found.consumer_key == consumer_key {
                        token_secret = Some(found.secret.clone());
                    }
                }
            }
        }

        let signature_ok = oauth1::verify_hmac_sha1(
            &collected.base_string,
            app.as_ref()
                .map(|a| a.consumer_secret.as_str())
                .unwrap_or(DUMMY_CONSUMER_SECRET),
            token_secret.as_deref().unwrap_or(DUMMY_TOKEN_SECRET),
            &collected.signature,
        );
        let Some(app) = app else {
            return Err(fail(Failure::UnknownConsumerKey(mask(&consumer_key)), 0));
        };
        if token_secret.is_none() {
            let t = token_value.as_deref().unwrap_or_default();
            return Err(fail(Failure::UnknownToken(mask(t)), offset));
        }
        if !signature_ok {
            // Say why when the client left the form body out of its base string (STACK.md
            // pitfall 8): the signature then matches the base string of the query alone.
            let body_not_signed =
                collected
                    .base_string_without_body
                    .as_deref()
                    .is_some_and(|without_body| {
                        oauth1::verify_hmac_sha1(
                            without_body,
                            &app.consumer_secret,
                            token_secret.as_deref().unwrap_or(DUMMY_TOKEN_SECRET),
                            &collected.signature,
                        )
                    });
            let masked = collected.masked_base_string();
            return Err(fail(
                if body_not_signed {
                    Failure::BodyNotSigned(masked)
                } else {
                    Failure::SignatureMismatch(masked)
                },
                offset,
            ));
        }
        if let Some(t) = &token {
            if t.revoked {
                let v = token_value.as_deref().unwrap_or_default();
                return Err(fail(Failure::Revoked(mask(v)), offset));
            }
        }

        let real_now = now();
        let server_now = real_now + offset;
        let window = self.settings.timestamp_window.as_secs();
        let skew = collected.timestamp - server_now;
        if skew.unsigned_abs() > window {
            return Err(fail(
                Failure::Stale {
                    skew,
                    window,
                    server_time: server_now,
                },
                offset,
            ));
        }
        // The nonce stays replayable until its timestamp leaves the window (real clock).
        let expires = collected.timestamp + window as i64 - offset;
        lock(&self.nonces)
            .check_and_insert(
                &consumer_key,
                token_value.as_deref().unwrap_or_default(),
                collected.timestamp,
                collected.nonce(),
                expires,
                real_now,
            )
            .map_err(|f| fail(f, offset))?;

        Ok(Verified {
            app,
            request_token: if kind == TokenKind::Request {
                token_value
            } else {
                None
            },
            token,
            collected,
        })
    }

    /// The app a Bearer Token belongs to.
    pub(crate) fn app_of_bearer(&self, bearer: &str) -> Option<Arc<App>> {
        let ck = read_lock(&self.bearers).get(bearer).cloned()?;
        self.apps.get(&ck).cloned()
    }

    /// The user with this id.
    pub(crate) fn user(&self, id: &str) -> Option<Arc<User>> {
        self.users.get(id).cloned()
    }
}

/// Who is calling: a user (OAuth 1.0a) or an app (Bearer Token).
pub(crate) enum Caller {
    User { app: Arc<App>, token: Arc<Token> },
    App { app: Arc<App> },
}

impl Caller {
    pub(crate) fn scenario(&self) -> Scenario {
        match self {
            Caller::User { token, .. } => token.scenario,
            Caller::App { app } => app.scenario,
        }
    }

    pub(crate) fn app(&self) -> &Arc<App> {
        match self {
            Caller::User { app, .. } | Caller::App { app } => app,
        }
    }
}

/// What an endpoint needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec {
    pub(crate) endpoint: Endpoint,
    /// Whether a Bearer Token (app-only) is accepted.
    pub(crate) app_only: bool,
    /// The permission a user token needs.
    pub(crate) needs: AccessLevel,
    pub(crate) api: Api,
}

impl Shared {
    /// Authenticates the caller of an API endpoint (OAuth 1.0a user context or Bearer Token).
    fn authenticate(&self, inc: &Incoming, spec: &Spec) -> Result<Caller, Reply> {
        let auth = inc.authorization();
        if let [one] = auth.as_slice() {
            if let Some(bearer) = one.strip_prefix("Bearer ") {
                let Some(app) = self.app_of_bearer(bearer.trim()) else {
                    let body = if spec.api == Api::V2 {
                        p::UNAUTHORIZED
                    } else {
                        p::V1_89
                    };
                    return Err(Reply::json(StatusCode::UNAUTHORIZED, body)
                        .explain("unknown or invalidated Bearer Token"));
                };
                if !spec.app_only {
                    // FACTS §3.2: app-only on a user-context endpoint.
                    let mut r = Reply::json(StatusCode::FORBIDDEN, p::UNSUPPORTED_AUTHENTICATION)
                        .explain("a Bearer Token (app-only) cannot call this user-context endpoint: sign with OAuth 1.0a");
                    r.clock_offset = self.clock_offset(app.scenario);
                    return Err(r);
                }
                return Ok(Caller::App { app });
            }
        }
        let verified = self
            .verify_oauth1(inc, TokenKind::Access)
            .map_err(|f| f.reply(spec.api))?;
        match verified.token {
            Some(token) => Ok(Caller::User {
                app: verified.app,
                token,
            }),
            None => Err(Reply::json(StatusCode::UNAUTHORIZED, p::UNAUTHORIZED)
                .explain("an access token is required")),
        }
    }

    /// X's checks after authentication, in X's order: app enrolment, user enrolment,
    /// credits, rate limit, permission (FACTS §3, §7).
    fn gates(&self, caller: &Caller, spec: &Spec, now: i64) -> Result<RateStatus, Reply> {
        let scenario = caller.scenario();
        let explain = |what: &str| format!("scenario {}: {what}", scenario.name());
        match scenario {
            Scenario::ServerError => {
                return Err(Reply::json(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    p::INTERNAL_SERVER_ERROR,
                )
                .explain(explain("X fails with 500")))
            }
            Scenario::ServiceUnavailable => {
                return Err(
                    Reply::json(StatusCode::SERVICE_UNAVAILABLE, p::SERVICE_UNAVAILABLE)
                        .explain(explain("X is overloaded")),
                )
            }
            _ => {}
        }
        if spec.api == Api::V11
            && matches!(scenario, Scenario::V1Unavailable | Scenario::AppNotEnrolled)
        {
            return Err(
                Reply::json(StatusCode::FORBIDDEN, p::V1_453).explain(explain(
                    "v1.1 endpoints are not in this access level; use v2",
                )),
            );
        }
        match scenario {
            Scenario::AppNotEnrolled => {
                return Err(Reply::json(
                    StatusCode::FORBIDDEN,
                    p::client_not_enrolled(&caller.app().app_id),
                )
                .explain(explain("the app is not in the Pay-per-use package")))
            }
            Scenario::UserNotEnrolled => {
                return Err(Reply::json(StatusCode::FORBIDDEN, p::USER_NOT_ENROLLED)
                    .explain(explain("the user has no pay-per-use developer account")))
            }
            Scenario::CreditsDepleted => {
                return Err(Reply::json(
                    StatusCode::PAYMENT_REQUIRED,
                    p::credits_depleted(&caller.app().owner_user_id),
                )
                .explain(explain("no credits left; not retryable")))
            }
            _ => {}
        }
        let app_only = matches!(caller, Caller::App { .. });
        let who = match caller {
            Caller::User { token, .. } => format!("user:{}", token.user_id),
            Caller::App { app } => format!("app:{}", app.consumer_key),
        };
        let rate = if scenario == Scenario::RateLimited {
            self.limiter.exhausted(spec.endpoint, app_only, now)
        } else {
            self.limiter.hit(&who, spec.endpoint, app_only, now)
        };
        if rate.exceeded {
            let body = if spec.api == Api::V2 {
                p::TOO_MANY_REQUESTS
            } else {
                p::V1_88
            };
            let mut r = Reply::json(StatusCode::TOO_MANY_REQUESTS, body)
                .explain("rate limit reached: wait until x-rate-limit-reset");
            r.rate = Some(rate);
            return Err(r);
        }
        if let Caller::User { token, .. } = caller {
            if token.level < spec.needs {
                let mut r = Reply::json(StatusCode::FORBIDDEN, p::OAUTH1_PERMISSIONS).explain(format!(
                    "the token has access level {} but this endpoint needs {}: change the app's permission, then regenerate the Access Token and Secret",
                    token.level.header_value(),
                    spec.needs.header_value()
                ));
                r.rate = Some(rate);
                return Err(r);
            }
        }
        Ok(rate)
    }

    /// Runs an API endpoint: authentication, X's checks, then `handler`; adds X's headers.
    pub(crate) fn api(
        &self,
        inc: &Incoming,
        spec: Spec,
        handler: impl FnOnce(&Shared, &Caller, &Incoming) -> Reply,
    ) -> Reply {
        let caller = match self.authenticate(inc, &spec) {
            Ok(c) => c,
            Err(r) => return r,
        };
        let scenario = caller.scenario();
        let mut reply = match self.gates(&caller, &spec, now()) {
            Ok(rate) => {
                let mut r = handler(self, &caller, inc);
                r.rate = Some(rate);
                r
            }
            Err(r) => r,
        };
        reply.clock_offset = self.clock_offset(scenario);
        reply.delay = self.delay(scenario);
        if let Caller::User { token, .. } = &caller {
            reply.access_level = Some(token.level);
        }
        reply
    }
}
