//! The OAuth 1.0a PIN flow: `POST /oauth/request_token`, the `/oauth/authorize` page where a
//! user approves the app and gets a PIN, and `POST /oauth/access_token`, as
//! <https://docs.x.com/fundamentals/authentication/api-reference> and
//! <https://docs.x.com/fundamentals/authentication/oauth-1-0a/pin-based-oauth> describe.

use axum::extract::State;
use axum::http::StatusCode;

use crate::accounts::AccessLevel;
use crate::http::{ConsumerOnly, Incoming, Reply, Signed, WithRequestToken, FORM, HTML};
use crate::oauth1::percent_encode;
use crate::state::{Shared, Unredeemable};
use crate::x::problems as p;

type St = State<std::sync::Arc<Shared>>;

/// `POST /oauth/request_token`: `oauth_callback=oob` required, optional `x_auth_access_type`.
pub(super) async fn request_token(State(st): St, signed: Signed<ConsumerOnly>) -> Reply {
    let v = &signed.verified;
    match v.collected.oauth.get("oauth_callback").map(String::as_str) {
        Some("oob") => {}
        None => {
            return Reply::json(StatusCode::BAD_REQUEST, p::V1_215).explain(
                "oauth_callback is required: the sandbox serves PIN apps, use oauth_callback=oob",
            )
        }
        Some(_) => {
            return Reply::json(StatusCode::UNAUTHORIZED, p::V1_417)
                .explain("the sandbox's apps are PIN (desktop) apps: use oauth_callback=oob")
        }
    }
    // x_auth_access_type can only lower the app's permission, and has no DM value.
    let level = match v.collected.param("x_auth_access_type").as_deref() {
        Some("read") => v.app.level.min(AccessLevel::Read),
        Some("write") => v.app.level.min(AccessLevel::ReadWrite),
        _ => v.app.level,
    };
    let (token, secret) = st.issue_request_token(&v.app.consumer_key, level);
    Reply::new(
        StatusCode::OK,
        FORM,
        format!("oauth_token={token}&oauth_token_secret={secret}&oauth_callback_confirmed=true"),
    )
}

/// `GET /oauth/authorize?oauth_token=...`: the page where a user approves the app.
pub(super) async fn authorize_page(State(st): St, request: Incoming) -> Reply {
    let token = request.query_param("oauth_token").unwrap_or_default();
    let Some((consumer_key, level)) = st.pending(&token) else {
        return invalid_request_token();
    };
    let options: String = st
        .users_in_order()
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
        app = html_escape(&st.app_name(&consumer_key)),
        level = level.label(),
        token = html_escape(&token),
    );
    Reply::new(StatusCode::OK, HTML, page("Authorize app", &body))
}

/// `POST /oauth/authorize`: the user approved (show a single-use 7-digit PIN) or cancelled (the
/// request token is dropped, so `/oauth/access_token` refuses it).
pub(super) async fn authorize_submit(State(st): St, request: Incoming) -> Reply {
    let token = request.form_param("oauth_token").unwrap_or_default();
    if request.form_param("decision").as_deref() == Some("deny") {
        if !st.decline(&token) {
            return invalid_request_token();
        }
        return Reply::new(
            StatusCode::OK,
            HTML,
            page(
                "Authorization cancelled",
                "<p>You did not authorize the app: no PIN was issued, and the app's request token is no longer valid.</p>",
            ),
        );
    }
    let username = request.form_param("username").unwrap_or_default();
    let Some(user_id) = st.user_id_of(&username) else {
        return Reply::new(
            StatusCode::BAD_REQUEST,
            HTML,
            page(
                "Unknown account",
                "<p>No sandbox account has this username.</p>",
            ),
        );
    };
    let Some((pin, app_name)) = st.approve(&token, user_id) else {
        return invalid_request_token();
    };
    let body = format!(
        "<p>You authorized <strong>{}</strong> as @{}.</p>\n\
         <p>Enter this PIN to complete the authorization process:</p>\n\
         <p class=\"pin\" id=\"pin\">{pin}</p>",
        html_escape(&app_name),
        html_escape(&username),
    );
    Reply::new(StatusCode::OK, HTML, page("Authorized", &body))
}

/// `POST /oauth/access_token`: exchanges an approved request token and its PIN for an access token.
pub(super) async fn access_token(State(st): St, signed: Signed<WithRequestToken>) -> Reply {
    let v = &signed.verified;
    let refuse = |why: &str| Reply::json(StatusCode::UNAUTHORIZED, p::V1_32).explain(why);
    let verifier = v.collected.oauth.get("oauth_verifier").map(String::as_str);
    let request_token = v.request_token.as_deref().unwrap_or_default();
    let (user_id, level) = match st.redeem(request_token, verifier) {
        Ok(redeemed) => redeemed,
        Err(why) => {
            return refuse(match why {
                Unredeemable::Unknown => "unknown or used request token",
                Unredeemable::NotApproved => {
                    "the request token was not authorized yet: open /oauth/authorize"
                }
                Unredeemable::NoVerifier => "missing oauth_verifier (the PIN)",
                Unredeemable::WrongVerifier => {
                    "oauth_verifier does not match the PIN shown on /oauth/authorize"
                }
            })
        }
    };
    let Some(user) = st.user(&user_id) else {
        return refuse("the approving user no longer exists");
    };
    let (token, secret) = st.issue_access_token(&v.app, &user_id, level);
    Reply::new(
        StatusCode::OK,
        FORM,
        format!(
            "oauth_token={}&oauth_token_secret={secret}&user_id={user_id}&screen_name={}",
            percent_encode(&token),
            percent_encode(&user.username)
        ),
    )
}

/// The page for an unknown, used or cancelled request token.
fn invalid_request_token() -> Reply {
    Reply::new(
        StatusCode::BAD_REQUEST,
        HTML,
        page(
            "This page is no longer valid",
            "<p>The request token is unknown or was already used. Start again with POST /oauth/request_token.</p>",
        ),
    )
    .explain("unknown or used request token")
}

/// An HTML page of the sandbox's X look-alike.
pub(super) fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t} - xkeys sandbox</title>\n\
         <style>body{{font-family:sans-serif;max-width:32em;margin:3em auto}}.pin{{font-size:2em;letter-spacing:.2em}}</style>\n\
         </head>\n<body>\n<h1>{t}</h1>\n{body}\n</body>\n</html>\n",
        t = html_escape(title)
    )
}

/// Escapes text for HTML.
pub(super) fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
