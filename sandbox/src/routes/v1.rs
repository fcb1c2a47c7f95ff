//! X API v1.1: `verify_credentials` and `invalidate_token`, with v1.1's `errors[]` bodies.

use axum::http::StatusCode;
use serde_json::json;

use super::forbidden;
use crate::accounts::AccessLevel;
use crate::auth::{Api, Spec};
use crate::http::{Call, Endpoint, Reply};
use crate::x::problems as p;
use crate::x::users;

/// `GET /1.1/account/verify_credentials.json`: 75 per user per 15 minutes (the long-standing
/// published value; the current rate-limits page no longer lists v1.1).
pub(super) struct VerifyCredentials;

impl Endpoint for VerifyCredentials {
    const SPEC: Spec = Spec {
        endpoint: "GET /1.1/account/verify_credentials.json",
        api: Api::V11,
        oauth1: true,
        scopes: None,
        needs: AccessLevel::Read,
        per_user: 75,
        app_only: None,
    };
}

/// `POST /1.1/oauth/invalidate_token`: X publishes no limit for revoking a token; one per window
/// is plenty, 15 is generous.
pub(super) struct InvalidateToken;

impl Endpoint for InvalidateToken {
    const SPEC: Spec = Spec {
        endpoint: "POST /1.1/oauth/invalidate_token",
        api: Api::V11,
        oauth1: true,
        scopes: None,
        needs: AccessLevel::Read,
        per_user: 15,
        app_only: None,
    };
}

/// `GET /1.1/account/verify_credentials.json`: the v1.1 user object of the token's user.
pub(super) async fn verify_credentials(call: Call<VerifyCredentials>) -> Reply {
    call.answer(|| {
        let user = call.user().ok_or_else(forbidden)?;
        Ok(Reply::json(StatusCode::OK, users::v1(&user).to_string()))
    })
    .await
}

/// `POST /1.1/oauth/invalidate_token`, signed with the token to revoke: answers
/// `{"access_token":"<token>"}`, and the token is refused from then on (401, v1.1 code 89), as
/// <https://docs.x.com/fundamentals/authentication/api-reference> describes.
pub(super) async fn invalidate_token(call: Call<InvalidateToken>) -> Reply {
    call.answer(|| {
        let token = call.token().ok_or_else(forbidden)?;
        let revoked = call
            .st
            .revoke(token)
            .ok_or_else(|| Reply::json(StatusCode::UNAUTHORIZED, p::V1_89))?;
        Ok(Reply::json(
            StatusCode::OK,
            json!({ "access_token": revoked }).to_string(),
        ))
    })
    .await
}
