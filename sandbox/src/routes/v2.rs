//! X API v2: the user behind the token, posts, DMs, users by username, and bookmarks. Each
//! endpoint's limits are X's published ones (<https://docs.x.com/x-api/fundamentals/rate-limits>)
//! unless its [`Spec`] says otherwise; its OAuth 2.0 scopes are the `OAuth2UserToken` security of
//! X's OpenAPI spec (<https://api.x.com/2/openapi.json>).

use axum::extract::Path;
use axum::http::StatusCode;
use serde_json::{json, Value};

use super::{forbidden, invalid, validated};
use crate::accounts::AccessLevel;
use crate::auth::{Api, Spec};
use crate::http::{Call, Endpoint, Incoming, Reply};
use crate::scenario::Scenario;
use crate::state::{now, Deleted, Shared};
use crate::x::problems as p;
use crate::x::users::{self, USER_EXPANSIONS, USER_FIELDS};

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
        limited_v11: false,
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
        limited_v11: false,
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
        limited_v11: false,
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
        limited_v11: false,
    };
}

/// `POST /2/dm_conversations`: like the other DM endpoints, 15 per user per 15 minutes.
pub(super) struct CreateDmConversation;

impl Endpoint for CreateDmConversation {
    const SPEC: Spec = Spec {
        endpoint: "POST /2/dm_conversations",
        api: Api::V2,
        oauth1: true,
        scopes: Some(&["dm.write", "tweet.read", "users.read"]),
        needs: AccessLevel::ReadWriteDirectMessages,
        per_user: 15,
        app_only: None,
        limited_v11: false,
    };
}

/// `POST /2/dm_conversations/:dm_conversation_id/messages`: 15 per user per 15 minutes.
pub(super) struct SendDmInConversation;

impl Endpoint for SendDmInConversation {
    const SPEC: Spec = Spec {
        endpoint: "POST /2/dm_conversations/:dm_conversation_id/messages",
        api: Api::V2,
        oauth1: true,
        scopes: Some(&["dm.write", "tweet.read", "users.read"]),
        needs: AccessLevel::ReadWriteDirectMessages,
        per_user: 15,
        app_only: None,
        limited_v11: false,
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
        limited_v11: false,
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
        limited_v11: false,
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

/// `POST /2/tweets`: the body is checked against X's `CreatePostsRequest` schema (an unknown
/// property, a wrong type or a value outside an enum is 400 invalid-request); a post needs text,
/// media or (configurable) a poll; each media id must be an upload of this user. 201 with the
/// new post; the same text twice from one user is X's 403 duplicate.
pub(super) async fn create_tweet(call: Call<CreateTweet>) -> Reply {
    call.answer(|| {
        let body = validated(&call.request, "CreatePostsRequest")?;
        let user_id = call.user_id().ok_or_else(forbidden)?;
        let text = body.get("text").and_then(Value::as_str).unwrap_or_default();
        let media_ids: Vec<&str> = body
            .pointer("/media/media_ids")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let poll = body.get("poll").is_some() && call.st.settings.poll_without_text;
        if text.is_empty() && media_ids.is_empty() && !poll {
            return Err(invalid(
                "text",
                "$.text: is required unless media (or a poll) is given",
            ));
        }
        if let Some(bad) = media_ids
            .iter()
            .find(|id| !call.st.media_usable(id, user_id, now()))
        {
            return Err(Reply::json(
                StatusCode::BAD_REQUEST,
                p::invalid_request("media.media_ids", bad, "Your media IDs are invalid."),
            )
            .explain(format!(
                "media id {bad} is not a finished upload of this user (upload it with POST /2/media/upload)"
            )));
        }
        let duplicate = || {
            Reply::json(StatusCode::FORBIDDEN, p::DUPLICATE)
                .explain("this user already posted this text")
        };
        if call.caller.scenario() == Scenario::DuplicatePost {
            return Err(duplicate().explain("scenario duplicate-post: every post is a duplicate"));
        }
        let id = call.st.post(user_id, text).ok_or_else(duplicate)?;
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

/// `POST /2/dm_conversations/with/:participant_id/messages` (`text` or `attachments`, X's
/// schema): 201 with the conversation (the two ids, lower first) and a fresh event id.
pub(super) async fn send_dm(Path(participant): Path<String>, call: Call<SendDm>) -> Reply {
    call.answer(|| {
        if !is_id(&participant) {
            return Err(Reply::json(
                StatusCode::BAD_REQUEST,
                p::invalid_request(
                    "participant_id",
                    &participant,
                    &format!("The `participant_id` path parameter value [{participant}] does not match ^[0-9]{{1,19}}$"),
                ),
            ));
        }
        let body = validated(&call.request, "CreateDirectMessagesByParticipantIdRequest")?;
        let user_id = call.user_id().ok_or_else(forbidden)?;
        check_attachments(&call.st, &body, user_id)?;
        let (low, high) = numeric_order(user_id, &participant);
        Ok(dm_created(&format!("{low}-{high}"), &call.st.next_id()))
    })
    .await
}

/// `POST /2/dm_conversations`: a group conversation (`conversation_type` `Group`, 2 to 49
/// `participant_ids`, a first `message`), X's schema: 201 with its id and the first event's.
pub(super) async fn create_dm_conversation(call: Call<CreateDmConversation>) -> Reply {
    call.answer(|| {
        let body = validated(&call.request, "CreateDirectMessagesConversationRequest")?;
        let user_id = call.user_id().ok_or_else(forbidden)?;
        let message = body.get("message").cloned().unwrap_or_default();
        if message.get("text").is_none() && message.get("attachments").is_none() {
            return Err(invalid(
                "message",
                "$.message: must have at least one of [text, attachments]",
            ));
        }
        check_attachments(&call.st, &message, user_id)?;
        let participants: Vec<String> = body["participant_ids"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let id = call.st.create_conversation(user_id, &participants);
        Ok(dm_created(&id, &call.st.next_id()))
    })
    .await
}

/// `POST /2/dm_conversations/:dm_conversation_id/messages` (`text` or `attachments`): 201 in a
/// conversation the caller is in (a group it made or joined, or a one-to-one `<id>-<id>`).
pub(super) async fn send_dm_in_conversation(
    Path(conversation): Path<String>,
    call: Call<SendDmInConversation>,
) -> Reply {
    call.answer(|| {
        let body = validated(&call.request, "CreateDirectMessagesByConversationIdRequest")?;
        let user_id = call.user_id().ok_or_else(forbidden)?;
        check_attachments(&call.st, &body, user_id)?;
        if !call.st.in_conversation(&conversation, user_id) {
            return Err(forbidden().explain(format!(
                "the caller is not in the conversation {conversation}"
            )));
        }
        Ok(dm_created(&conversation, &call.st.next_id()))
    })
    .await
}

/// X's 201 for a DM: the conversation and the event.
fn dm_created(conversation: &str, event: &str) -> Reply {
    Reply::json(
        StatusCode::CREATED,
        json!({"data": {"dm_conversation_id": conversation, "dm_event_id": event}}).to_string(),
    )
}

/// Each `attachments[].media_id` must be a finished upload of this user.
fn check_attachments(st: &Shared, body: &Value, user_id: &str) -> Result<(), Reply> {
    let ids = body
        .get("attachments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| a.get("media_id")?.as_str());
    for id in ids {
        if !st.media_usable(id, user_id, now()) {
            return Err(Reply::json(
                StatusCode::BAD_REQUEST,
                p::invalid_request("attachments.media_id", id, "Your media IDs are invalid."),
            )
            .explain(format!(
                "media id {id} is not a finished upload of this user"
            )));
        }
    }
    Ok(())
}

/// 1 to 19 digits, X's `^[0-9]{1,19}$`.
fn is_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit())
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
        if !is_id(tweet_id) {
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

/// Parses `user.fields` (and checks `expansions`); a value outside X's 2.167 lists gives X's 400
/// invalid-request.
fn user_fields(request: &Incoming) -> Result<Vec<String>, Reply> {
    if let Some(raw) = request.query_param("expansions") {
        one_of(&raw, "expansions", USER_EXPANSIONS)?;
    }
    match request.query_param("user.fields") {
        Some(raw) => one_of(&raw, "user.fields", USER_FIELDS),
        None => Ok(Vec::new()),
    }
}

/// The comma-separated values of a query parameter, each one of `allowed`.
fn one_of(raw: &str, name: &str, allowed: &[&str]) -> Result<Vec<String>, Reply> {
    let mut values = Vec::new();
    for f in raw.split(',').filter(|f| !f.is_empty()) {
        if !allowed.contains(&f) {
            return Err(Reply::json(
                StatusCode::BAD_REQUEST,
                p::invalid_request(
                    name,
                    f,
                    &format!(
                        "The `{name}` query parameter value [{f}] is not one of [{}]",
                        allowed.join(",")
                    ),
                ),
            )
            .explain(format!(
                "{f} is not a value of {name} in X's OpenAPI spec 2.167"
            )));
        }
        values.push(f.to_string());
    }
    Ok(values)
}

/// Orders two numeric ids as numbers.
fn numeric_order<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) {
    if (a.len(), a) <= (b.len(), b) {
        (a, b)
    } else {
        (b, a)
    }
}
