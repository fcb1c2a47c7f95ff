//! The OAuth 1.0a PIN flow: `POST /oauth/request_token`, the `/oauth/authorize` page where a
//! user approves the app and gets a PIN, and `POST /oauth/access_token`, as
//! <https://docs.x.com/fundamentals/authentication/api-reference> and
//! <https://docs.x.com/fundamentals/authentication/oauth-1-0a/pin-based-oauth> describe.

use axum::extract::State;
use axum::http::StatusCode;

use crate::accounts::AccessLevel;
use crate::auth::oauth1::verify;
use crate::auth::{Api, TokenKind};
use crate::http::{ConsumerOnly, Incoming, Reply, Signed, FORM, HTML};
use crate::oauth1::percent_encode;
use crate::state::{Shared, Unredeemable};
use crate::x::problems as p;

type St = State<std::sync::Arc<Shared>>;

/// `POST /oauth/request_token`: `oauth_callback` is `oob` (a PIN) or one of the app's registered
/// callback URLs, matched exactly; optional `x_auth_access_type`. A URL the app did not register
/// is X's 403 code 415; an app with no callback URL at all only takes `oob` (401 code 417)
/// (<https://docs.x.com/fundamentals/developer-apps>).
pub(super) async fn request_token(State(st): St, signed: Signed<ConsumerOnly>) -> Reply {
    let v = &signed.verified;
    let callback = match v.collected.oauth.get("oauth_callback").map(String::as_str) {
        Some("oob") => None,
        None => {
            return Reply::json(StatusCode::BAD_REQUEST, p::V1_215).explain(
                "oauth_callback is required: oob for a PIN, or one of the app's callback URLs",
            )
        }
        Some(url) if v.app.callback_urls.iter().any(|u| u == url) => Some(url.to_string()),
        Some(_) if v.app.callback_urls.is_empty() => {
            return Reply::json(StatusCode::UNAUTHORIZED, p::V1_417).explain(
                "this app registers no callback URL (a PIN-only app): use oauth_callback=oob",
            )
        }
        Some(_) => {
            return Reply::json(StatusCode::FORBIDDEN, p::V1_415).explain(format!(
                "oauth_callback is not one of the app's {} registered callback URLs (matched exactly, trailing slash included); oob works too",
                v.app.callback_urls.len()
            ))
        }
    };
    // x_auth_access_type can only lower the app's permission, and has no DM value.
    let level = match v.collected.param("x_auth_access_type").as_deref() {
        Some("read") => v.app.level.min(AccessLevel::Read),
        Some("write") => v.app.level.min(AccessLevel::ReadWrite),
        _ => v.app.level,
    };
    let (token, secret) = st.issue_request_token(&v.app.consumer_key, level, callback);
    Reply::new(
        StatusCode::OK,
        FORM,
        format!("oauth_token={token}&oauth_token_secret={secret}&oauth_callback_confirmed=true"),
    )
}

/// `GET /oauth/authorize?oauth_token=...` (and `/oauth/authenticate`, the "Sign in with X"
/// link): the page where a user approves the app. Its form posts back to the same path.
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
         <form method=\"post\" action=\"{action}\">\n\
         <input type=\"hidden\" name=\"oauth_token\" value=\"{token}\">\n\
         <label for=\"username\">You are logged in to the sandbox as</label>\n\
         <select id=\"username\" name=\"username\">\n{options}</select>\n\
         <p><button type=\"submit\" name=\"decision\" value=\"allow\">Authorize app</button>\n\
         <button type=\"submit\" name=\"decision\" value=\"deny\">Cancel</button></p>\n</form>",
        app = html_escape(&st.app_name(&consumer_key)),
        level = level.label(),
        token = html_escape(&token),
        action = html_escape(&request.path),
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
    let Some(approved) = st.approve(&token, user_id) else {
        return invalid_request_token();
    };
    if let Some(callback) = approved.callback {
        // A web app: back to its callback URL with the token and the verifier.
        let sep = if callback.contains('?') { '&' } else { '?' };
        let location = format!(
            "{callback}{sep}oauth_token={}&oauth_verifier={}",
            percent_encode(&token),
            percent_encode(&approved.verifier)
        );
        let mut reply = Reply::new(StatusCode::FOUND, HTML, page("Redirecting", ""));
        reply.location = Some(location.into());
        return reply;
    }
    let body = format!(
        "<p>You authorized <strong>{}</strong> as @{}.</p>\n\
         <p>Enter this PIN to complete the authorization process:</p>\n\
         <p class=\"pin\" id=\"pin\">{}</p>",
        html_escape(&approved.app_name),
        html_escape(&username),
        approved.verifier,
    );
    Reply::new(StatusCode::OK, HTML, page("Authorized", &body))
}

/// `POST /oauth/access_token`: exchanges an approved request token and its verifier (the PIN)
/// for an access token. Signed with the request token, its parameters anywhere (twitter-api-v2's
/// `login` sends `oauth_token` and `oauth_verifier` in the form body); or, as X's reference
/// documents it ("Authentication: Not required"), unsigned with `oauth_token` and
/// `oauth_verifier` in the query or the body: the request token and the verifier are the credential.
pub(super) async fn access_token(State(st): St, request: Incoming) -> Reply {
    let presented = request.presented();
    let signed = !presented.authorization.is_empty()
        || request.query_param("oauth_signature").is_some()
        || request.form_param("oauth_signature").is_some();
    let (app, request_token, verifier) = if signed {
        let v = match verify(&st, &presented, TokenKind::Request) {
            Ok(v) => v,
            Err(failure) => return failure.refusal(Api::V11).into(),
        };
        let verifier = v.collected.oauth.get("oauth_verifier").cloned();
        (v.app, v.request_token.unwrap_or_default(), verifier)
    } else {
        let param = |name| {
            request
                .query_param(name)
                .or_else(|| request.form_param(name))
        };
        if !st.settings.unsigned_access_token {
            return Reply::json(StatusCode::BAD_REQUEST, p::V1_215).explain(
                "no Authorization header, and this sandbox is configured to want a signed /oauth/access_token",
            );
        }
        let token = param("oauth_token").unwrap_or_default();
        let Some(app) = st.pending(&token).and_then(|(ck, _)| st.app(&ck)) else {
            return Reply::json(StatusCode::UNAUTHORIZED, p::V1_32)
                .explain("unsigned /oauth/access_token: unknown or used request token");
        };
        (app, token, param("oauth_verifier"))
    };
    let refuse = |why: &str| Reply::json(StatusCode::UNAUTHORIZED, p::V1_32).explain(why);
    let (user_id, level) =
        match st.redeem(&request_token, verifier.as_deref()) {
            Ok(redeemed) => redeemed,
            Err(why) => return refuse(match why {
                Unredeemable::Unknown => "unknown or used request token",
                Unredeemable::NotApproved => {
                    "the request token was not authorized yet: open /oauth/authorize"
                }
                Unredeemable::NoVerifier => "missing oauth_verifier (the PIN)",
                Unredeemable::WrongVerifier => {
                    "oauth_verifier does not match the verifier (the PIN) the authorize page gave"
                }
            }),
        };
    let Some(user) = st.user(&user_id) else {
        return refuse("the approving user no longer exists");
    };
    let (token, secret) = st.issue_access_token(&app, &user_id, level);
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
