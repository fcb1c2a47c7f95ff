//! X API v2: the user behind the token, posts, DMs, users by username, and bookmarks. Each
//! endpoint's limits are X's published ones (<https://docs.x.com/x-api/fundamentals/rate-limits>)
//! unless its [`Spec`] says otherwise; its OAuth 2.0 scopes are the `OAuth2UserToken` security of
//! X's OpenAPI spec (<https://api.x.com/2/openapi.json>).

use axum::extract::Path;
use axum::http::StatusCode;
use serde_json::{json, Value};

use super::forbidden;
use crate::accounts::AccessLevel;
use crate::auth::{Api, Spec};
use crate::http::{Call, Endpoint, Incoming, Reply};
use crate::scenario::Scenario;
use crate::state::Deleted;
use crate::x::problems as p;
use crate::x::users::{self, USER_FIELDS};

/// `GET /2/users/me`: user context only, 75 per user per 15 minutes.
pub(super) struct UsersMe;

impl Endpoint for UsersMe {
    const SPEC: Spec = Spec {
        endpoint: "GET /2/users/me",
        api: Api::V2,
        oauth1: true,
        scopes: Some(&["tweet.read", "users.read"]),
        needs: AccessLevel::Read,
        per_user: 75,
        app_only: None,
    };
}

/// `POST /2/tweets`: 'Read and write', 100 per user per 15 minutes.
pub(super) struct CreateTweet;

impl Endpoint for CreateTweet {
    const SPEC: Spec = Spec {
        endpoint: "POST /2/tweets",
        api: Api::V2,
        oauth1: true,
        scopes: Some(&["tweet.read", "tweet.write", "users.read"]),
        needs: AccessLevel::ReadWrite,
        per_user: 100,
        app_only: None,
    };
}

/// `DELETE /2/tweets/:id`: 'Read and write', 50 per user per 15 minutes.
pub(super) struct DeleteTweet;

impl Endpoint for DeleteTweet {
    const SPEC: Spec = Spec {
        endpoint: "DELETE /2/tweets/:id",
        api: Api::V2,
        oauth1: true,
        scopes: Some(&["tweet.read", "tweet.write", "users.read"]),
        needs: AccessLevel::ReadWrite,
        per_user: 50,
        app_only: None,
    };
}

/// `POST /2/dm_conversations/with/:participant_id/messages`: 'Read and write and Direct
/// message', 15 per user per 15 minutes.
pub(super) struct SendDm;

impl Endpoint for SendDm {
    const SPEC: Spec = Spec {
        endpoint: "POST /2/dm_conversations/with/:participant_id/messages",
        api: Api::V2,
        oauth1: true,
        scopes: Some(&["dm.write", "tweet.read", "users.read"]),
        needs: AccessLevel::ReadWriteDirectMessages,
        per_user: 15,
        app_only: None,
    };
}

/// `GET /2/users/by/username/:username`: user context or app-only. Not on the rate-limits page:
/// the long-standing published values, 900 per user and 300 per app per 15 minutes.
pub(super) struct UserByUsername;

impl Endpoint for UserByUsername {
    const SPEC: Spec = Spec {
        endpoint: "GET /2/users/by/username/:username",
        api: Api::V2,
        oauth1: true,
        scopes: Some(&["tweet.read", "users.read"]),
        needs: AccessLevel::Read,
        per_user: 900,
        app_only: Some(300),
    };
}

/// `POST /2/users/:id/bookmarks`: OAuth 2.0 user context only (the spec lists no `UserToken`
/// for it, and X refuses OAuth 1.0a there: sferik/x-ruby#28), 50 per user per 15 minutes.
pub(super) struct Bookmark;

impl Endpoint for Bookmark {
    const SPEC: Spec = Spec {
        endpoint: "POST /2/users/:id/bookmarks",
        api: Api::V2,
        oauth1: false,
        scopes: Some(&["bookmark.write", "tweet.read", "users.read"]),
        needs: AccessLevel::Read,
        per_user: 50,
        app_only: None,
    };
}

/// `GET /2/users/me`: the user the token belongs to, with the `user.fields` asked for.
pub(super) async fn users_me(call: Call<UsersMe>) -> Reply {
    call.answer(|| {
        let fields = user_fields(&call.request)?;
        let user = call.user().ok_or_else(forbidden)?;
        Ok(Reply::json(
            StatusCode::OK,
            users::v2(&user, &fields).to_string(),
        ))
    })
    .await
}

/// `POST /2/tweets` with `{"text": "..."}`: 201 with the new post; the same text twice from one
/// user is X's 403 duplicate.
pub(super) async fn create_tweet(call: Call<CreateTweet>) -> Reply {
    call.answer(|| {
        let text = json_text(&call.request)?;
        let user_id = call.user_id().ok_or_else(forbidden)?;
        let duplicate = || {
            Reply::json(StatusCode::FORBIDDEN, p::DUPLICATE)
                .explain("this user already posted this text")
        };
        if call.caller.scenario() == Scenario::DuplicatePost {
            return Err(duplicate().explain("scenario duplicate-post: every post is a duplicate"));
        }
        let id = call.st.post(user_id, &text).ok_or_else(duplicate)?;
        Ok(Reply::json(
            StatusCode::CREATED,
            json!({"data": {"edit_history_tweet_ids": [id], "id": id, "text": text}}).to_string(),
        ))
    })
    .await
}

/// `DELETE /2/tweets/:id`: deletes one of the caller's own posts.
pub(super) async fn delete_tweet(Path(id): Path<String>, call: Call<DeleteTweet>) -> Reply {
    call.answer(|| {
        let user_id = call.user_id().ok_or_else(forbidden)?;
        Ok(match call.st.delete_post(&id, user_id) {
            Deleted::Missing => Reply::json(StatusCode::NOT_FOUND, p::NOT_FOUND)
                .explain(format!("no post with id {id}")),
            Deleted::NotYours => Reply::json(StatusCode::FORBIDDEN, p::FORBIDDEN)
                .explain("you can only delete your own posts"),
            Deleted::Done => Reply::json(StatusCode::OK, r#"{"data":{"deleted":true}}"#),
        })
    })
    .await
}

/// `POST /2/dm_conversations/with/:participant_id/messages` with `{"text": "..."}`: 201 with the
/// conversation (the two ids, lower first) and a fresh event id.
pub(super) async fn send_dm(Path(participant): Path<String>, call: Call<SendDm>) -> Reply {
    call.answer(|| {
        // X's OpenAPI spec: participant_id matches ^[0-9]{1,19}$.
        if participant.is_empty()
            || participant.len() > 19
            || !participant.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(Reply::json(
                StatusCode::BAD_REQUEST,
                p::invalid_request(
                    "participant_id",
                    &participant,
                    &format!("The `participant_id` path parameter value [{participant}] does not match ^[0-9]{{1,19}}$"),
                ),
            ));
        }
        json_text(&call.request)?;
        let user_id = call.user_id().ok_or_else(forbidden)?;
        let (low, high) = numeric_order(user_id, &participant);
        Ok(Reply::json(
            StatusCode::CREATED,
            json!({"data": {"dm_conversation_id": format!("{low}-{high}"), "dm_event_id": call.st.next_id()}})
                .to_string(),
        ))
    })
    .await
}

/// `POST /2/users/:id/bookmarks` with `{"tweet_id": "..."}`: `{"data":{"bookmarked":true}}`;
/// `:id` must be the caller's own id.
pub(super) async fn bookmark(Path(id): Path<String>, call: Call<Bookmark>) -> Reply {
    call.answer(|| {
        let user_id = call.user_id().ok_or_else(forbidden)?;
        if id != user_id {
            return Err(Reply::json(StatusCode::FORBIDDEN, p::FORBIDDEN)
                .explain("the :id of /2/users/:id/bookmarks must be the authenticated user's id"));
        }
        let value: Value = serde_json::from_slice(&call.request.body).unwrap_or(Value::Null);
        let tweet_id = value
            .get("tweet_id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        // X's OpenAPI spec: tweet_id matches ^[0-9]{1,19}$.
        if tweet_id.is_empty()
            || tweet_id.len() > 19
            || !tweet_id.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(Reply::json(
                StatusCode::BAD_REQUEST,
                p::invalid_request(
                    "tweet_id",
                    tweet_id,
                    "The `tweet_id` field is required and must match ^[0-9]{1,19}$.",
                ),
            )
            .explain("the body must be {\"tweet_id\": \"<the post's id>\"}"));
        }
        Ok(Reply::json(
            StatusCode::OK,
            r#"{"data":{"bookmarked":true}}"#,
        ))
    })
    .await
}

/// `GET /2/users/by/username/:username`: the user, or 200 with X's partial "not found" error.
pub(super) async fn user_by_username(
    Path(username): Path<String>,
    call: Call<UserByUsername>,
) -> Reply {
    call.answer(|| {
        let fields = user_fields(&call.request)?;
        let user = call
            .st
            .user_id_of(&username)
            .and_then(|id| call.st.user(&id));
        Ok(match user {
            Some(user) => Reply::json(StatusCode::OK, users::v2(&user, &fields).to_string()),
            None => Reply::json(StatusCode::OK, p::user_not_found(&username)),
        })
    })
    .await
}

/// Parses `user.fields`; an unknown value gives X's 400 invalid-request.
fn user_fields(request: &Incoming) -> Result<Vec<String>, Reply> {
    let Some(raw) = request.query_param("user.fields") else {
        return Ok(Vec::new());
    };
    let mut fields = Vec::new();
    for f in raw.split(',').filter(|f| !f.is_empty()) {
        if !USER_FIELDS.contains(&f) {
            return Err(Reply::json(
                StatusCode::BAD_REQUEST,
                p::invalid_request(
                    "user.fields",
                    f,
                    &format!(
                        "The `user.fields` query parameter value [{f}] is not one of [{}]",
                        USER_FIELDS.join(",")
                    ),
                ),
            ));
        }
        fields.push(f.to_string());
    }
    Ok(fields)
}

/// Reads `{"text": "..."}`; a missing or empty text gives 400 invalid-request.
fn json_text(request: &Incoming) -> Result<String, Reply> {
    let bad = |msg: &str| Reply::json(StatusCode::BAD_REQUEST, p::invalid_request("text", "", msg));
    let value: Value = serde_json::from_slice(&request.body)
        .map_err(|_| bad("The request body is not valid JSON."))?;
    match value.get("text").and_then(Value::as_str) {
        Some(t) if !t.is_empty() => Ok(t.to_string()),
        _ => Err(bad(
            "The `text` field is required and must be a non-empty string.",
        )),
    }
}

/// Orders two numeric ids as numbers.
fn numeric_order<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) {
    if (a.len(), a) <= (b.len(), b) {
        (a, b)
    } else {
        (b, a)
    }
}
