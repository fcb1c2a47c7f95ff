//! The PIN flow (`/oauth/request_token`, `/oauth/authorize`, `/oauth/access_token`) and
//! app-only Bearer Tokens (`/oauth2/token`, `/oauth2/invalidate_token`), as FACTS §4 describes.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine as _;
use rand::distributions::Alphanumeric;
use rand::Rng;

use super::accounts::{bearer, AccessLevel, Scenario};
use super::api::read;
use super::oauth1::percent_encode;
use super::problems as p;
use super::server::{
    lock, write_lock, Api, Incoming, Reply, RequestToken, Shared, Token, TokenKind, JSON,
};

type St = State<Arc<Shared>>;

const FORM: &str = "application/x-www-form-urlencoded";
const HTML: &str = "text/html; charset=utf-8";

fn random_alnum(n: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(n)
        .map(char::from)
        .collect()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t} - xkeys sandbox</title>\n\
         <style>body{{font-family:sans-serif;max-width:32em;margin:3em auto}}.pin{{font-size:2em;letter-spacing:.2em}}</style>\n\
         </head>\n<body>\n<h1>{t}</h1>\n{body}\n</body>\n</html>\n",
        t = html_escape(title)
    )
}

/// `POST /oauth/request_token`: `oauth_callback=oob` required, optional `x_auth_access_type`.
pub(crate) async fn request_token(State(st): St, req: Request) -> Response {
    let inc = read!(req);
    let v = match st.verify_oauth1(&inc, TokenKind::None) {
        Ok(v) => v,
        Err(f) => return f.reply(Api::V11).send().await,
    };
    match v.collected.oauth.get("oauth_callback").map(String::as_str) {
        Some("oob") => {}
        None => return Reply::json(StatusCode::BAD_REQUEST, p::V1_215)
            .explain(
                "oauth_callback is required: the sandbox serves PIN apps, use oauth_callback=oob",
            )
            .into_response(),
        Some(_) => {
            return Reply::json(StatusCode::UNAUTHORIZED, p::V1_417)
                .explain("the sandbox's apps are PIN (desktop) apps: use oauth_callback=oob")
                .into_response()
        }
    }
    // x_auth_access_type can only down-scope, and has no DM value (FACTS §4).
    let level = match v.collected.param("x_auth_access_type").as_deref() {
        Some("read") => v.app.level.min(AccessLevel::Read),
        Some("write") => v.app.level.min(AccessLevel::ReadWrite),
        _ => v.app.level,
    };
    let token = random_alnum(27);
    let secret = random_alnum(32);
    lock(&st.request_tokens).insert(
        token.clone(),
        RequestToken {
            consumer_key: v.app.consumer_key.clone(),
            secret: secret.clone(),
            level,
            approved: None,
        },
    );
    Reply::new(
        StatusCode::OK,
        FORM,
        format!("oauth_token={token}&oauth_token_secret={secret}&oauth_callback_confirmed=true"),
    )
    .send()
    .await
}

/// `GET /oauth/authorize?oauth_token=...`: the page where a user approves the app.
pub(crate) async fn authorize_page(State(st): St, req: Request) -> Response {
    let inc = read!(req);
    let token = inc.query_param("oauth_token").unwrap_or_default();
    let found = lock(&st.request_tokens)
        .get(&token)
        .map(|rt| (rt.consumer_key.clone(), rt.level));
    let Some((ck, level)) = found else {
        return invalid_request_token();
    };
    let app_name = st.apps.get(&ck).map(|a| a.name.clone()).unwrap_or_default();
    let options: String = st
        .user_order
        .iter()
        .filter_map(|id| st.user(id))
        .map(|u| {
            format!(
                "<option value=\"{0}\">@{0} ({1})</option>\n",
                html_escape(&u.username),
                html_escape(&u.name)
            )
        })
        .collect();
    let body = format!(
        "<p><strong>{app}</strong> wants to use your account.</p>\n\
         <p>Permission asked: <strong>{level}</strong>.</p>\n\
         <form method=\"post\" action=\"/oauth/authorize\">\n\
         <input type=\"hidden\" name=\"oauth_token\" value=\"{token}\">\n\
         <label for=\"username\">You are logged in to the sandbox as</label>\n\
         <select id=\"username\" name=\"username\">\n{options}</select>\n\
         <p><button type=\"submit\" name=\"decision\" value=\"allow\">Authorize app</button>\n\
         <button type=\"submit\" name=\"decision\" value=\"deny\">Cancel</button></p>\n</form>",
        app = html_escape(&app_name),
        level = level.label(),
        token = html_escape(&token),
    );
    Reply::new(StatusCode::OK, HTML, page("Authorize app", &body)).into_response()
}

fn invalid_request_token() -> Response {
    Reply::new(
        StatusCode::BAD_REQUEST,
        HTML,
        page(
            "This page is no longer valid",
            "<p>The request token is unknown or was already used. Start again with POST /oauth/request_token.</p>",
        ),
    )
    .explain("unknown or used request token")
    .into_response()
}

/// `POST /oauth/authorize`: the user approved (show a single-use 7-digit PIN) or cancelled (the
/// request token is dropped, so `/oauth/access_token` refuses it).
pub(crate) async fn authorize_submit(State(st): St, req: Request) -> Response {
    let inc = read!(req);
    let token = inc.form_param("oauth_token").unwrap_or_default();
    if inc.form_param("decision").as_deref() == Some("deny") {
        if lock(&st.request_tokens).remove(&token).is_none() {
            return invalid_request_token();
        }
        return Reply::new(
            StatusCode::OK,
            HTML,
            page(
                "Authorization cancelled",
                "<p>You did not authorize the app: no PIN was issued, and the app's request token is no longer valid.</p>",
            ),
        )
        .into_response();
    }
    let username = inc.form_param("username").unwrap_or_default();
    let Some(user_id) = st.usernames.get(&username.to_ascii_lowercase()).cloned() else {
        return Reply::new(
            StatusCode::BAD_REQUEST,
            HTML,
            page(
                "Unknown account",
                "<p>No sandbox account has this username.</p>",
            ),
        )
        .into_response();
    };
    let pin = format!("{:07}", rand::thread_rng().gen_range(0..10_000_000u32));
    let app_name = {
        let mut tokens = lock(&st.request_tokens);
        let Some(rt) = tokens.get_mut(&token) else {
            return invalid_request_token();
        };
        rt.approved = Some((pin.clone(), user_id));
        st.apps
            .get(&rt.consumer_key)
            .map(|a| a.name.clone())
            .unwrap_or_default()
    };
    let body = format!(
        "<p>You authorized <strong>{}</strong> as @{}.</p>\n\
         <p>Enter this PIN to complete the authorization process:</p>\n\
         <p class=\"pin\" id=\"pin\">{pin}</p>",
        html_escape(&app_name),
        html_escape(&username),
    );
    Reply::new(StatusCode::OK, HTML, page("Authorized", &body)).into_response()
}

/// `POST /oauth/access_token`: exchanges an approved request token and its PIN for an access token.
pub(crate) async fn access_token(State(st): St, req: Request) -> Response {
    let inc = read!(req);
    let v = match st.verify_oauth1(&inc, TokenKind::Request) {
        Ok(v) => v,
        Err(f) => return f.reply(Api::V11).send().await,
    };
    let verifier = v.collected.oauth.get("oauth_verifier").cloned();
    let request_token = v.request_token.clone().unwrap_or_default();
    let refuse = |why: &str| {
        Reply::json(StatusCode::UNAUTHORIZED, p::V1_32)
            .explain(why.to_string())
            .into_response()
    };
    let approved = {
        let mut tokens = lock(&st.request_tokens);
        let Some(rt) = tokens.get(&request_token) else {
            return refuse("unknown or used request token");
        };
        let Some((pin, user_id)) = rt.approved.clone() else {
            return refuse("the request token was not authorized yet: open /oauth/authorize");
        };
        match verifier {
            None => return refuse("missing oauth_verifier (the PIN)"),
            Some(given) if given != pin => {
                return refuse("oauth_verifier does not match the PIN shown on /oauth/authorize")
            }
            Some(_) => {}
        }
        let level = rt.level;
        // PINs are single-use (FACTS §4): the request token goes away with it.
        tokens.remove(&request_token);
        (user_id, level)
    };
    let (user_id, level) = approved;
    let Some(user) = st.user(&user_id) else {
        return refuse("the approving user no longer exists");
    };
    // A new token behaves like its app's account, minus what belonged to the old token.
    let scenario = match v.app.scenario {
        Scenario::ReadOnly | Scenario::ReadWrite | Scenario::Revoked => Scenario::FullAccess,
        s => s,
    };
    let access_token = format!(
        "{user_id}-{}",
        random_alnum(49usize.saturating_sub(user_id.len()).max(20))
    );
    let secret = random_alnum(45);
    write_lock(&st.tokens).insert(
        access_token.clone(),
        Arc::new(Token {
            secret: secret.clone(),
            consumer_key: v.app.consumer_key.clone(),
            user_id: user_id.clone(),
            level,
            scenario,
            revoked: false,
        }),
    );
    Reply::new(
        StatusCode::OK,
        FORM,
        format!(
            "oauth_token={}&oauth_token_secret={secret}&user_id={user_id}&screen_name={}",
            percent_encode(&access_token),
            percent_encode(&user.username)
        ),
    )
    .send()
    .await
}

/// Reads `Authorization: Basic base64(enc(key):enc(secret))` and checks it (FACTS §4).
fn basic_app(st: &Shared, inc: &Incoming) -> Result<Arc<super::server::App>, Reply> {
    let refuse = |why: &str| Reply::json(StatusCode::FORBIDDEN, p::V1_99).explain(why.to_string());
    let auth: Vec<_> = inc.headers.get_all(AUTHORIZATION).iter().collect();
    let [one] = auth.as_slice() else {
        return Err(refuse(
            "exactly one Authorization: Basic header is required",
        ));
    };
    let encoded = one
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Basic "))
        .ok_or_else(|| refuse("Authorization is not Basic"))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| refuse("the Basic credentials are not base64"))?;
    let (key, secret) = decoded
        .split_once(':')
        .ok_or_else(|| refuse("the Basic credentials have no ':'"))?;
    let unescape = |s: &str| {
        super::oauth1::parse_form(&format!("x={s}"))
            .pop()
            .map(|(_, v)| String::from_utf8_lossy(&v).into_owned())
            .unwrap_or_default()
    };
    let (key, secret) = (unescape(key), unescape(secret));
    let app = st.apps.get(&key).cloned();
    let expected = app
        .as_ref()
        .map(|a| a.consumer_secret.as_str())
        .unwrap_or("xkeysSandboxDummyConsumerSecret0000000000000000000");
    if !constant_time_eq(expected.as_bytes(), secret.as_bytes()) {
        return Err(refuse("unknown API Key or wrong API Key Secret"));
    }
    app.ok_or_else(|| refuse("unknown API Key"))
}

/// Compares in time that depends only on the lengths.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `POST /oauth2/token` with `grant_type=client_credentials`: the app's Bearer Token.
pub(crate) async fn oauth2_token(State(st): St, req: Request) -> Response {
    let inc = read!(req);
    let app = match basic_app(&st, &inc) {
        Ok(a) => a,
        Err(r) => return r.into_response(),
    };
    if inc.form_param("grant_type").as_deref() != Some("client_credentials") {
        return Reply::json(StatusCode::FORBIDDEN, p::V1_99)
            .explain("the form body must be grant_type=client_credentials")
            .into_response();
    }
    // One Bearer Token per app: the same one every time (FACTS §4).
    let bearer = lock(&app.bearer).1.clone();
    Reply::json(
        StatusCode::OK,
        format!(r#"{{"token_type":"bearer","access_token":"{bearer}"}}"#),
    )
    .send()
    .await
}

/// `POST /oauth2/invalidate_token?access_token=...`: invalidates the Bearer Token; the next
/// `/oauth2/token` gives a new one.
pub(crate) async fn oauth2_invalidate(State(st): St, req: Request) -> Response {
    let inc = read!(req);
    let app = match basic_app(&st, &inc) {
        Ok(a) => a,
        Err(r) => return r.into_response(),
    };
    let given = inc
        .query_param("access_token")
        .or_else(|| inc.form_param("access_token"))
        .unwrap_or_default();
    let old = {
        let mut current = lock(&app.bearer);
        if given != current.1 {
            return Reply::json(StatusCode::FORBIDDEN, p::V1_99)
                .explain("access_token is not this app's current Bearer Token")
                .into_response();
        }
        let generation = current.0 + 1;
        let fresh = bearer(&format!(
            "xkeys-bearer:{}:{generation}",
            app.consumer_secret
        ));
        let mut bearers = write_lock(&st.bearers);
        bearers.remove(&current.1);
        bearers.insert(fresh.clone(), app.consumer_key.clone());
        std::mem::replace(&mut *current, (generation, fresh)).1
    };
    Reply::new(
        StatusCode::OK,
        JSON,
        format!(r#"{{"access_token":"{old}"}}"#),
    )
    .send()
    .await
}
