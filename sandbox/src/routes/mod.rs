//! The router: every endpoint the sandbox serves, by family.
//!
//! - [`v2`]: X API v2 (`/2/users/me`, posts, the three ways to send a DM, users by username).
//! - [`media`]: media upload, v2 (in one request or in chunks) and v1.1 (in one request).
//! - [`v1`]: X API v1.1 (`verify_credentials`, `invalidate_token`, `statuses/update`).
//! - [`oauth`]: the OAuth 1.0a PIN flow (`/oauth/request_token`, `/oauth/authorize` and
//!   `/oauth/authenticate`, `/oauth/access_token`), and its callback-URL form for web apps.
//! - [`app_only`]: app-only Bearer Tokens (`/oauth2/token`, `/oauth2/invalidate_token`).
//! - [`oauth2`]: OAuth 2.0 user context (`/i/oauth2/authorize`, `/2/oauth2/token`,
//!   `/2/oauth2/revoke`) and the sandbox's `/sandbox/clock`.
//! - [`sandbox`]: the sandbox's own `/sandbox/health`, `/sandbox/accounts`,
//!   `/sandbox/rate-limits/reset` and `/sandbox/echo`.
//!
//! A new family is one more file here and its lines
//! in [`router`]. An endpoint behind X's checks declares its [`Spec`](crate::auth::Spec) beside
//! its handler, which takes a [`Call`](crate::http::Call) of it.

mod app_only;
mod media;
mod oauth;
mod oauth2;
mod sandbox;
mod v1;
mod v2;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::middleware::{from_fn_with_state, Next};
use axum::response::Response;
use axum::routing::{any, delete, get, post};
use axum::Router;

use serde_json::Value;

use crate::config::ProblemTypes;
use crate::http::{Incoming, Reply};
use crate::state::Shared;
use crate::x::problems as p;

/// The sandbox's routes.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/2/users/me", get(v2::users_me))
        .route("/2/tweets", post(v2::create_tweet))
        .route("/2/tweets/{id}", delete(v2::delete_tweet))
        .route(
            "/2/dm_conversations/with/{participant_id}/messages",
            post(v2::send_dm),
        )
        .route("/2/dm_conversations", post(v2::create_dm_conversation))
        .route(
            "/2/dm_conversations/{dm_conversation_id}/messages",
            post(v2::send_dm_in_conversation),
        )
        .route("/2/users/by/username/{username}", get(v2::user_by_username))
        .route("/2/users/{id}/bookmarks", post(v2::bookmark))
        .route("/2/media/upload", post(media::upload).get(media::status))
        .route("/2/media/upload/initialize", post(media::initialize))
        .route("/2/media/upload/{id}/append", post(media::append))
        .route("/2/media/upload/{id}/finalize", post(media::finalize))
        .route("/1.1/media/upload.json", post(media::upload_v1))
        .route(
            "/1.1/account/verify_credentials.json",
            get(v1::verify_credentials),
        )
        .route("/1.1/oauth/invalidate_token", post(v1::invalidate_token))
        .route("/1.1/statuses/update.json", post(v1::statuses_update))
        .route("/oauth/request_token", post(oauth::request_token))
        .route(
            "/oauth/authorize",
            get(oauth::authorize_page).post(oauth::authorize_submit),
        )
        .route(
            "/oauth/authenticate",
            get(oauth::authorize_page).post(oauth::authorize_submit),
        )
        .route("/oauth/access_token", post(oauth::access_token))
        .route("/oauth2/token", post(app_only::token))
        .route("/oauth2/invalidate_token", post(app_only::invalidate))
        .route(
            "/i/oauth2/authorize",
            get(oauth2::authorize_page).post(oauth2::authorize_submit),
        )
        .route("/2/oauth2/token", post(oauth2::token))
        .route("/2/oauth2/revoke", post(oauth2::revoke))
        .route("/sandbox/clock", post(oauth2::clock))
        .route("/sandbox/health", get(sandbox::health))
        .route("/sandbox/accounts", get(sandbox::accounts))
        .route(
            "/sandbox/rate-limits/reset",
            post(sandbox::reset_rate_limits),
        )
        .route("/sandbox/echo", any(sandbox::echo))
        .fallback(not_found)
        .layer(from_fn_with_state(shared.clone(), problem_hosts))
        .layer(from_fn_with_state(shared.clone(), latency))
        .with_state(shared)
}

/// Adds the configured latency to every response but `/sandbox/health` (the slow scenario's
/// delay is [`Call`](crate::http::Call)'s).
async fn latency(State(st): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let health = req.uri().path() == "/sandbox/health";
    let resp = next.run(req).await;
    if !health && !st.settings.latency.is_zero() {
        tokio::time::sleep(st.settings.latency).await;
    }
    resp
}

/// With [`ProblemTypes::BothHosts`], the problem `type` URIs of a JSON answer name
/// `api.x.com` and `api.twitter.com` in turn, as X's answers do; `credits`, seen with one host
/// only, keeps it.
async fn problem_hosts(State(st): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    const HOSTS: [&str; 2] = [
        "https://api.x.com/2/problems/",
        "https://api.twitter.com/2/problems/",
    ];
    let resp = next.run(req).await;
    let json = resp
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if st.settings.problem_types != ProblemTypes::BothHosts || !json {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, axum::body::Body::empty());
    };
    let text = String::from_utf8_lossy(&bytes);
    let names_problem =
        HOSTS.iter().any(|h| text.contains(h)) && !text.contains("/2/problems/credits\"");
    if !names_problem {
        return Response::from_parts(parts, axum::body::Body::from(bytes));
    }
    let host = st.next_problem_host();
    let rewritten = HOSTS
        .iter()
        .fold(text.into_owned(), |t, h| t.replace(h, host));
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(rewritten))
}

/// Any other path: X's 404, explained.
async fn not_found(req: Request) -> Reply {
    Reply::json(StatusCode::NOT_FOUND, p::NOT_FOUND).explain(format!(
        "the sandbox has no endpoint {} {}",
        req.method(),
        req.uri().path()
    ))
}

/// The JSON body, checked against X's request schema `schema`: 400 invalid-request with every
/// violation in `errors[]` otherwise (a body that is not JSON at all: one error).
fn validated(request: &Incoming, schema: &str) -> Result<Value, Reply> {
    let value: Value = serde_json::from_slice(&request.body)
        .map_err(|_| invalid("body", "The request body is not valid JSON."))?;
    let violations = crate::x::schema::validate(schema, &value);
    if violations.is_empty() {
        return Ok(value);
    }
    let explain = violations
        .iter()
        .map(|v| v.text())
        .collect::<Vec<_>>()
        .join("; ");
    Err(Reply::json(
        StatusCode::BAD_REQUEST,
        p::invalid_request_errors(&violations),
    )
    .explain(format!(
        "the body does not match X's {schema} schema: {explain}"
    )))
}

/// X's 400 invalid-request about one parameter.
fn invalid(parameter: &str, message: &str) -> Reply {
    Reply::json(
        StatusCode::BAD_REQUEST,
        p::invalid_request(parameter, "", message),
    )
    .explain(message.to_string())
}

/// X's generic 403, for an app-only caller where a user is needed.
fn forbidden() -> Reply {
    Reply::json(StatusCode::FORBIDDEN, p::FORBIDDEN)
}
