//! The endpoints: X API v2 and v1.1, plus `/sandbox/health` and `/sandbox/echo`.

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{any, delete, get, post};
use axum::Router;
use serde_json::{json, Map, Value};

use super::accounts::AccessLevel;
use super::flow;
use super::oauth1::percent_encode;
use super::problems as p;
use super::rate_limit::Endpoint;
use super::server::{
    lock, write_lock, Api, Caller, Incoming, Reply, Shared, Spec, Token, TokenKind, User,
};

type St = State<Arc<Shared>>;

/// The sandbox's routes.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/2/users/me", get(users_me))
        .route("/2/tweets", post(create_tweet))
        .route("/2/tweets/{id}", delete(delete_tweet))
        .route(
            "/2/dm_conversations/with/{participant_id}/messages",
            post(send_dm),
        )
        .route("/2/users/by/username/{username}", get(user_by_username))
        .route(
            "/1.1/account/verify_credentials.json",
            get(verify_credentials),
        )
        .route("/1.1/oauth/invalidate_token", post(invalidate_token))
        .route("/oauth/request_token", post(flow::request_token))
        .route(
            "/oauth/authorize",
            get(flow::authorize_page).post(flow::authorize_submit),
        )
        .route("/oauth/access_token", post(flow::access_token))
        .route("/oauth2/token", post(flow::oauth2_token))
        .route("/oauth2/invalidate_token", post(flow::oauth2_invalidate))
        .route("/sandbox/health", get(health))
        .route("/sandbox/echo", any(echo))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            latency,
        ))
        .with_state(shared)
}

/// Adds the configured latency to every response but `/sandbox/health`.
async fn latency(State(st): St, req: Request, next: axum::middleware::Next) -> Response {
    let health = req.uri().path() == "/sandbox/health";
    let resp = next.run(req).await;
    if !health && !st.settings.latency.is_zero() {
        tokio::time::sleep(st.settings.latency).await;
    }
    resp
}

/// Reads the request, or answers with the error reading it produced.
macro_rules! read {
    ($req:expr) => {
        match Incoming::read($req).await {
            Ok(inc) => inc,
            Err(reply) => return reply.into_response(),
        }
    };
}
pub(crate) use read;

/// Every `user.fields` value of the v2.167 `User` schema (FACTS §2.1).
const USER_FIELDS: &[&str] = &[
    "affiliation",
    "confirmed_email",
    "connection_status",
    "created_at",
    "description",
    "entities",
    "id",
    "is_identity_verified",
    "location",
    "most_recent_post_id",
    "name",
    "parody",
    "pinned_post_id",
    "pinned_tweet_id",
    "profile_banner_url",
    "profile_image_url",
    "protected",
    "public_metrics",
    "receives_your_dm",
    "subscribes_to_you",
    "subscription",
    "subscription_type",
    "url",
    "username",
    "verified",
    "verified_followers_count",
    "verified_type",
    "withheld",
];

/// `Sat, 05 Mar 2022 06:47:24 GMT` split into (weekday, day, month, year, time).
fn date_parts(unix_secs: u64) -> Option<(String, String, String, String, String)> {
    let s = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(unix_secs));
    let mut it = s.split([',', ' ']).filter(|x| !x.is_empty());
    Some((
        it.next()?.to_string(),
        it.next()?.to_string(),
        it.next()?.to_string(),
        it.next()?.to_string(),
        it.next()?.to_string(),
    ))
}

/// When the account was created: read from the snowflake id (ms = (id >> 22) + 1288834974657).
fn created_unix(id: &str) -> u64 {
    match id.parse::<u64>() {
        Ok(n) if n >= 1_000_000_000_000_000 => ((n >> 22) + 1_288_834_974_657) / 1000,
        // Pre-snowflake accounts: the day snowflake ids started.
        _ => 1_288_834_974,
    }
}

fn created_at_v2(id: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match date_parts(created_unix(id)) {
        Some((_, day, mon, year, time)) => {
            let m = MONTHS.iter().position(|x| *x == mon).unwrap_or(0) + 1;
            format!("{year}-{m:02}-{day}T{time}.000Z")
        }
        None => "2010-11-04T01:42:54.000Z".into(),
    }
}

fn created_at_v1(id: &str) -> String {
    match date_parts(created_unix(id)) {
        Some((wd, day, mon, year, time)) => format!("{wd} {mon} {day} {time} +0000 {year}"),
        None => "Thu Nov 04 01:42:54 +0000 2010".into(),
    }
}

/// Deterministic public metrics read from the id.
fn metrics(id: &str) -> [u64; 6] {
    let n = id.parse::<u64>().unwrap_or(0);
    [
        n % 5000,
        (n / 7) % 800,
        (n / 13) % 3000,
        (n / 17) % 20,
        (n / 19) % 10_000,
        (n / 23) % 100,
    ]
}

const DEFAULT_AVATAR: &str =
    "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png";

fn user_json(user: &User, fields: &[String]) -> Value {
    let mut data = Map::new();
    data.insert("id".into(), json!(user.id));
    data.insert("name".into(), json!(user.name));
    data.insert("username".into(), json!(user.username));
    let [followers, following, tweets, listed, likes, media] = metrics(&user.id);
    for field in fields {
        let value = match field.as_str() {
            "created_at" => json!(created_at_v2(&user.id)),
            "description" => json!(user.description),
            "public_metrics" => json!({
                "followers_count": followers,
                "following_count": following,
                "tweet_count": tweets,
                "listed_count": listed,
                "like_count": likes,
                "media_count": media,
            }),
            "verified" => json!(false),
            "verified_type" => json!("none"),
            "profile_image_url" => json!(DEFAULT_AVATAR),
            "protected" => json!(false),
            "subscription_type" => json!("None"),
            // Other fields: absent, as X omits fields a user does not have.
            _ => continue,
        };
        data.insert(field.clone(), value);
    }
    json!({ "data": data })
}

/// Parses `user.fields`; an unknown value gives X's 400 invalid-request.
fn user_fields(inc: &Incoming) -> Result<Vec<String>, Reply> {
    let Some(raw) = inc.query_param("user.fields") else {
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

const fn spec(endpoint: Endpoint, app_only: bool, needs: AccessLevel, api: Api) -> Spec {
    Spec {
        endpoint,
        app_only,
        needs,
        api,
    }
}

fn caller_user(st: &Shared, caller: &Caller) -> Option<Arc<User>> {
    match caller {
        Caller::User { token, .. } => st.user(&token.user_id),
        Caller::App { .. } => None,
    }
}

async fn users_me(State(st): St, req: Request) -> Response {
    let inc = read!(req);
    st.api(
        &inc,
        spec(Endpoint::UsersMe, false, AccessLevel::Read, Api::V2),
        |st, caller, inc| {
            let fields = match user_fields(inc) {
                Ok(f) => f,
                Err(r) => return r,
            };
            match caller_user(st, caller) {
                Some(user) => Reply::json(StatusCode::OK, user_json(&user, &fields).to_string()),
                None => Reply::json(StatusCode::FORBIDDEN, p::FORBIDDEN),
            }
        },
    )
    .send()
    .await
}

/// Reads `{"text": "..."}`; a missing or empty text gives 400 invalid-request.
fn json_text(inc: &Incoming) -> Result<String, Reply> {
    let bad = |msg: &str| Reply::json(StatusCode::BAD_REQUEST, p::invalid_request("text", "", msg));
    let value: Value = serde_json::from_slice(&inc.body)
        .map_err(|_| bad("The request body is not valid JSON."))?;
    match value.get("text").and_then(Value::as_str) {
        Some(t) if !t.is_empty() => Ok(t.to_string()),
        _ => Err(bad(
            "The `text` field is required and must be a non-empty string.",
        )),
    }
}

async fn create_tweet(State(st): St, req: Request) -> Response {
    let inc = read!(req);
    st.api(
        &inc,
        spec(
            Endpoint::CreateTweet,
            false,
            AccessLevel::ReadWrite,
            Api::V2,
        ),
        |st, caller, inc| {
            let text = match json_text(inc) {
                Ok(t) => t,
                Err(r) => return r,
            };
            let Caller::User { token, .. } = caller else {
                return Reply::json(StatusCode::FORBIDDEN, p::FORBIDDEN);
            };
            let duplicate = || {
                Reply::json(StatusCode::FORBIDDEN, p::DUPLICATE)
                    .explain("this user already posted this text")
            };
            if caller.scenario() == super::Scenario::DuplicatePost {
                return duplicate().explain("scenario duplicate-post: every post is a duplicate");
            }
            let id = st.next_id();
            {
                let mut posts = lock(&st.posts);
                if !posts.texts.insert((token.user_id.clone(), text.clone())) {
                    return duplicate();
                }
                posts
                    .by_id
                    .insert(id.clone(), (token.user_id.clone(), text.clone()));
            }
            Reply::json(
                StatusCode::CREATED,
                json!({"data": {"edit_history_tweet_ids": [id], "id": id, "text": text}})
                    .to_string(),
            )
        },
    )
    .send()
    .await
}

async fn delete_tweet(State(st): St, Path(id): Path<String>, req: Request) -> Response {
    let inc = read!(req);
    st.api(
        &inc,
        spec(
            Endpoint::DeleteTweet,
            false,
            AccessLevel::ReadWrite,
            Api::V2,
        ),
        |st, caller, _| {
            let Caller::User { token, .. } = caller else {
                return Reply::json(StatusCode::FORBIDDEN, p::FORBIDDEN);
            };
            let mut posts = lock(&st.posts);
            match posts.by_id.get(&id).cloned() {
                None => Reply::json(StatusCode::NOT_FOUND, p::NOT_FOUND)
                    .explain(format!("no post with id {id}")),
                Some((author, _)) if author != token.user_id => {
                    Reply::json(StatusCode::FORBIDDEN, p::FORBIDDEN)
                        .explain("you can only delete your own posts")
                }
                Some((author, text)) => {
                    posts.by_id.remove(&id);
                    posts.texts.remove(&(author, text));
                    Reply::json(StatusCode::OK, r#"{"data":{"deleted":true}}"#)
                }
            }
        },
    )
    .send()
    .await
}

/// Orders two numeric ids as numbers.
fn numeric_order<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) {
    if (a.len(), a) <= (b.len(), b) {
        (a, b)
    } else {
        (b, a)
    }
}

async fn send_dm(State(st): St, Path(participant): Path<String>, req: Request) -> Response {
    let inc = read!(req);
    st.api(
        &inc,
        spec(
            Endpoint::SendDm,
            false,
            AccessLevel::ReadWriteDirectMessages,
            Api::V2,
        ),
        |st, caller, inc| {
            // OpenAPI: participant_id matches ^[0-9]{1,19}$ (FACTS §5).
            if participant.is_empty()
                || participant.len() > 19
                || !participant.bytes().all(|b| b.is_ascii_digit())
            {
                return Reply::json(
                    StatusCode::BAD_REQUEST,
                    p::invalid_request(
                        "participant_id",
                        &participant,
                        &format!("The `participant_id` path parameter value [{participant}] does not match ^[0-9]{{1,19}}$"),
                    ),
                );
            }
            if let Err(r) = json_text(inc) {
                return r;
            }
            let Caller::User { token, .. } = caller else {
                return Reply::json(StatusCode::FORBIDDEN, p::FORBIDDEN);
            };
            let (low, high) = numeric_order(&token.user_id, &participant);
            Reply::json(
                StatusCode::CREATED,
                json!({"data": {"dm_conversation_id": format!("{low}-{high}"), "dm_event_id": st.next_id()}})
                    .to_string(),
            )
        },
    )
    .send()
    .await
}

async fn user_by_username(State(st): St, Path(username): Path<String>, req: Request) -> Response {
    let inc = read!(req);
    st.api(
        &inc,
        spec(Endpoint::UserByUsername, true, AccessLevel::Read, Api::V2),
        |st, _, inc| {
            let fields = match user_fields(inc) {
                Ok(f) => f,
                Err(r) => return r,
            };
            let user = st
                .usernames
                .get(&username.to_ascii_lowercase())
                .and_then(|id| st.user(id));
            match user {
                Some(user) => Reply::json(StatusCode::OK, user_json(&user, &fields).to_string()),
                None => Reply::json(StatusCode::OK, p::user_not_found(&username)),
            }
        },
    )
    .send()
    .await
}

async fn verify_credentials(State(st): St, req: Request) -> Response {
    let inc = read!(req);
    st.api(
        &inc,
        spec(
            Endpoint::VerifyCredentials,
            false,
            AccessLevel::Read,
            Api::V11,
        ),
        |st, caller, _| {
            let Some(user) = caller_user(st, caller) else {
                return Reply::json(StatusCode::FORBIDDEN, p::FORBIDDEN);
            };
            let [followers, following, tweets, listed, likes, _] = metrics(&user.id);
            let body = json!({
                "id": user.id.parse::<u64>().unwrap_or(0),
                "id_str": user.id,
                "name": user.name,
                "screen_name": user.username,
                "description": user.description,
                "protected": false,
                "verified": false,
                "followers_count": followers,
                "friends_count": following,
                "listed_count": listed,
                "favourites_count": likes,
                "statuses_count": tweets,
                "created_at": created_at_v1(&user.id),
                "profile_image_url_https": DEFAULT_AVATAR,
            });
            Reply::json(StatusCode::OK, body.to_string())
        },
    )
    .send()
    .await
}

/// `POST /1.1/oauth/invalidate_token`, signed with the token to revoke: answers
/// `{"access_token":"<token>"}`, and the token is refused from then on (401; v1.1 code 89). FACTS §4.
async fn invalidate_token(State(st): St, req: Request) -> Response {
    let inc = read!(req);
    st.api(
        &inc,
        spec(
            Endpoint::InvalidateToken,
            false,
            AccessLevel::Read,
            Api::V11,
        ),
        |st, caller, _| {
            let Caller::User { token, .. } = caller else {
                return Reply::json(StatusCode::FORBIDDEN, p::FORBIDDEN);
            };
            let mut tokens = write_lock(&st.tokens);
            let Some(id) = tokens
                .iter()
                .find(|(_, t)| Arc::ptr_eq(t, token))
                .map(|(id, _)| id.clone())
            else {
                return Reply::json(StatusCode::UNAUTHORIZED, p::V1_89);
            };
            tokens.insert(
                id.clone(),
                Arc::new(Token {
                    secret: token.secret.clone(),
                    consumer_key: token.consumer_key.clone(),
                    user_id: token.user_id.clone(),
                    level: token.level,
                    scenario: token.scenario,
                    revoked: true,
                }),
            );
            Reply::json(StatusCode::OK, json!({ "access_token": id }).to_string())
        },
    )
    .send()
    .await
}

async fn health() -> Response {
    Reply::json(StatusCode::OK, r#"{"status":"ok"}"#).into_response()
}

/// Verifies the signature of any request and shows what was verified.
async fn echo(State(st): St, req: Request) -> Response {
    let inc = read!(req);
    let reply = match st.verify_oauth1(&inc, TokenKind::Optional) {
        Err(f) => f.reply(Api::V2),
        Ok(v) => {
            let mut params: Vec<(String, String)> = v
                .collected
                .params
                .iter()
                .map(|(n, v)| (percent_encode(n), percent_encode(v)))
                .chain(
                    v.collected
                        .oauth
                        .iter()
                        .map(|(n, v)| (percent_encode(n), percent_encode(v))),
                )
                .collect();
            params.sort();
            let body = json!({
                "verified": true,
                "method": inc.method.as_str(),
                "base_string": v.collected.base_string,
                "parameters": params,
                "consumer_key": v.app.consumer_key,
                "token": v.collected.token(),
                "oauth_version_sent": v.collected.oauth.contains_key("oauth_version"),
            });
            let mut r = Reply::json(StatusCode::OK, body.to_string());
            r.access_level = v.token.as_ref().map(|t| t.level);
            r
        }
    };
    reply.send().await
}

async fn not_found(req: Request) -> Response {
    Reply::json(StatusCode::NOT_FOUND, p::NOT_FOUND)
        .explain(format!(
            "the sandbox has no endpoint {} {}",
            req.method(),
            req.uri().path()
        ))
        .into_response()
}
