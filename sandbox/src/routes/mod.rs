//! The router: every endpoint the sandbox serves, by family.
//!
//! - [`v2`]: X API v2 (`/2/users/me`, posts, DMs, users by username).
//! - [`v1`]: X API v1.1 (`verify_credentials`, `invalidate_token`).
//! - [`oauth`]: the OAuth 1.0a PIN flow (`/oauth/request_token`, `/oauth/authorize`,
//!   `/oauth/access_token`).
//! - [`app_only`]: app-only Bearer Tokens (`/oauth2/token`, `/oauth2/invalidate_token`).
//! - [`oauth2`]: OAuth 2.0 user context (`/i/oauth2/authorize`, `/2/oauth2/token`,
//!   `/2/oauth2/revoke`) and the sandbox's `/sandbox/clock`.
//! - [`sandbox`]: the sandbox's own `/sandbox/health` and `/sandbox/echo`.
//!
//! A new family (media upload...) is one more file here and its lines
//! in [`router`]. An endpoint behind X's checks declares its [`Spec`](crate::auth::Spec) beside
//! its handler, which takes a [`Call`](crate::http::Call) of it.

mod app_only;
mod oauth;
mod oauth2;
mod sandbox;
mod v1;
mod v2;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{from_fn_with_state, Next};
use axum::response::Response;
use axum::routing::{any, delete, get, post};
use axum::Router;

use crate::http::Reply;
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
        .route("/2/users/by/username/{username}", get(v2::user_by_username))
        .route("/2/users/{id}/bookmarks", post(v2::bookmark))
        .route(
            "/1.1/account/verify_credentials.json",
            get(v1::verify_credentials),
        )
        .route("/1.1/oauth/invalidate_token", post(v1::invalidate_token))
        .route("/oauth/request_token", post(oauth::request_token))
        .route(
            "/oauth/authorize",
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
        .route("/sandbox/echo", any(sandbox::echo))
        .fallback(not_found)
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

/// Any other path: X's 404, explained.
async fn not_found(req: Request) -> Reply {
    Reply::json(StatusCode::NOT_FOUND, p::NOT_FOUND).explain(format!(
        "the sandbox has no endpoint {} {}",
        req.method(),
        req.uri().path()
    ))
}

/// X's generic 403, for an app-only caller where a user is needed.
fn forbidden() -> Reply {
    Reply::json(StatusCode::FORBIDDEN, p::FORBIDDEN)
}
