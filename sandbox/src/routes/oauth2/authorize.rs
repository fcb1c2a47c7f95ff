//! The consent page of OAuth 2.0 (X: `https://x.com/i/oauth2/authorize`): it shows the app and
//! the scopes asked, the user picks a demo account and clicks Authorize or Cancel, and the page
//! sends them back to the app's redirect URI with `state` and `code`
//! (<https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token>). A request X
//! would not serve (an unknown `client_id`, a `redirect_uri` that is not registered exactly)
//! gets X's failure page and no redirect.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::super::oauth::{html_escape, page};
use crate::accounts::mask;
use crate::auth::oauth2::challenge;
use crate::http::{Incoming, Reply, HTML};
use crate::oauth1::percent_encode;
use crate::state::oauth2::{Challenge, Client, Consent};
use crate::state::{App, Shared};
use crate::x::oauth2::{self as o, Scopes};

type St = State<Arc<Shared>>;

/// X's limit on `state` (<https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code>).
const STATE_MAX: usize = 500;

/// The parameters an authorize request carries through the page, as given.
const CARRIED: [&str; 7] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
];

/// An authorize request X would serve.
struct Asked {
    client: Arc<Client>,
    app: Arc<App>,
    redirect_uri: String,
    state: Option<String>,
    scopes: Scopes,
    challenge: Challenge,
    /// The [`CARRIED`] parameters, for the form's hidden fields.
    carried: Vec<(&'static str, String)>,
}

/// Reads an authorize request (from the query, or the page's form): X's failure page if X would
/// not serve it. Whether X redirects with an `error` once the client and the redirect URI are
/// known good (RFC 6749 §4.1.2.1) is unconfirmed: the sandbox shows the failure page for every
/// bad request.
fn read(st: &Shared, get: impl Fn(&str) -> Option<String>) -> Result<Asked, Reply> {
    let client_id = get("client_id").unwrap_or_default();
    let client = st.oauth2.client(&client_id).ok_or_else(|| {
        failure(format!(
            "no OAuth 2.0 client has the client_id {}",
            mask(&client_id)
        ))
    })?;
    let app = st
        .app(&client.consumer_key)
        .ok_or_else(|| failure("the client's app is no longer served".into()))?;
    let redirect_uri = get("redirect_uri").unwrap_or_default();
    if !app.callback_urls.contains(&redirect_uri) {
        return Err(failure(format!(
            "redirect_uri {redirect_uri:?} is not one of the app's callback URLs, which must match exactly (trailing slash included): {}",
            app.callback_urls.join(", ")
        )));
    }
    if get("response_type").as_deref() != Some("code") {
        return Err(failure("response_type must be code".into()));
    }
    let state = get("state").filter(|s| !s.is_empty());
    match &state {
        None if st.oauth2.settings.require_state => {
            return Err(failure(
                "state is required (a random value the app checks on the way back, against CSRF)"
                    .into(),
            ))
        }
        Some(s) if s.chars().count() > STATE_MAX => {
            return Err(failure(format!(
                "state is longer than X's {STATE_MAX} characters"
            )))
        }
        _ => {}
    }
    let scopes = Scopes::parse(&get("scope").unwrap_or_default())
        .map_err(|unknown| failure(format!("X has no scope {unknown:?}")))?;
    if scopes.is_empty() {
        return Err(failure(
            "scope is required: the space-separated scopes the app asks for".into(),
        ));
    }
    let challenge = challenge(
        get("code_challenge").as_deref(),
        get("code_challenge_method").as_deref(),
        st.oauth2.settings.lowercase_s256,
    )
    .map_err(failure)?;
    let carried = CARRIED
        .iter()
        .filter_map(|&name| get(name).map(|v| (name, v)))
        .collect();
    Ok(Asked {
        client,
        app,
        redirect_uri,
        state,
        scopes,
        challenge,
        carried,
    })
}

/// X's failure page ("Something went wrong"), explained; no redirect.
fn failure(why: String) -> Reply {
    let body = format!("<p>{}</p>", html_escape(o::FAILURE_TEXT));
    Reply::new(StatusCode::BAD_REQUEST, HTML, page(o::FAILURE_TITLE, &body)).explain(why)
}

/// `GET /i/oauth2/authorize?response_type=code&client_id=...`: the consent page.
pub(crate) async fn authorize_page(State(st): St, request: Incoming) -> Reply {
    let asked = match read(&st, |name| request.query_param(name)) {
        Ok(asked) => asked,
        Err(failure) => return failure,
    };
    let scopes: String = asked
        .scopes
        .meanings()
        .map(|(scope, meaning)| format!("<li><code>{scope}</code> {}</li>\n", html_escape(meaning)))
        .collect();
    let hidden: String = asked
        .carried
        .iter()
        .map(|(name, value)| {
            format!(
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">\n",
                html_escape(value)
            )
        })
        .collect();
    let accounts: String = st
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
        "<p><strong>{app}</strong> wants to access your X account.</p>\n\
         <p>It will be able to:</p>\n<ul id=\"scopes\">\n{scopes}</ul>\n\
         <form method=\"post\" action=\"/i/oauth2/authorize\">\n{hidden}\
         <label for=\"username\">You are logged in to the sandbox as</label>\n\
         <select id=\"username\" name=\"username\">\n{accounts}</select>\n\
         <p><button type=\"submit\" name=\"decision\" value=\"allow\">Authorize app</button>\n\
         <button type=\"submit\" name=\"decision\" value=\"deny\">Cancel</button></p>\n</form>",
        app = html_escape(&asked.app.name),
    );
    Reply::new(StatusCode::OK, HTML, page("Authorize app", &body))
}

/// `POST /i/oauth2/authorize`: the page's form. Authorize sends the user to the redirect URI with
/// `state` then `code` (the order of X's example); Cancel with `error=access_denied` (unconfirmed,
/// see [`crate::SandboxConfig::oauth2_cancel_redirects`]).
pub(crate) async fn authorize_submit(State(st): St, request: Incoming) -> Response {
    let asked = match read(&st, |name| request.form_param(name)) {
        Ok(asked) => asked,
        Err(failure) => return failure.into_response(),
    };
    let state = asked.state.as_deref().map(|s| ("state", s));
    if request.form_param("decision").as_deref() != Some("allow") {
        if !st.oauth2.settings.cancel_redirects {
            let body = "<p>You did not give the app access to your account.</p>";
            return Reply::new(StatusCode::OK, HTML, page("Access not given", body))
                .explain("the user cancelled; no redirect (oauth2_cancel_redirects is off)")
                .into_response();
        }
        let params: Vec<(&str, &str)> = [("error", "access_denied")]
            .into_iter()
            .chain(state)
            .collect();
        return redirect(
            &asked.redirect_uri,
            &params,
            "the user cancelled: error=access_denied",
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
        )
        .explain(format!(
            "no sandbox user is @{username}: pick one of the page's accounts"
        ))
        .into_response();
    };
    let code = st.oauth2.issue_code(Consent {
        client_id: asked.client.id.clone(),
        redirect_uri: asked.redirect_uri.clone(),
        scopes: asked.scopes,
        challenge: asked.challenge,
        user_id,
    });
    let params: Vec<(&str, &str)> = state.into_iter().chain([("code", code.as_str())]).collect();
    redirect(
        &asked.redirect_uri,
        &params,
        &format!("@{username} authorized the app: the code lives 30 s and works once"),
    )
}

/// A 302 to `uri` with `params` added to its query (and, for an http(s) URI that is a bare
/// origin, a `/` before it, as X's example shows: `https://www.example.com/?state=state&code=...`).
fn redirect(uri: &str, params: &[(&str, &str)], why: &str) -> Response {
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect();
    let bare_origin = ["http://", "https://"]
        .iter()
        .find_map(|scheme| uri.strip_prefix(scheme))
        .is_some_and(|rest| !rest.contains(['/', '?', '#']));
    let slash = if bare_origin { "/" } else { "" };
    let sep = if uri.contains('?') { '&' } else { '?' };
    let location = format!("{uri}{slash}{sep}{}", query.join("&"));
    let mut resp = Reply::new(StatusCode::FOUND, HTML, String::new())
        .explain(why)
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(LOCATION, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(uri: &str) -> String {
        let resp = redirect(uri, &[("state", "a b+/="), ("code", "c")], "test");
        assert_eq!(resp.status(), StatusCode::FOUND);
        resp.headers()[LOCATION].to_str().unwrap().to_string()
    }

    #[test]
    fn the_redirect_adds_state_then_code_to_the_query() {
        assert_eq!(
            location("https://www.example.com"),
            "https://www.example.com/?state=a%20b%2B%2F%3D&code=c"
        );
        assert_eq!(
            location("http://127.0.0.1:8765/callback"),
            "http://127.0.0.1:8765/callback?state=a%20b%2B%2F%3D&code=c"
        );
        assert_eq!(
            location("http://h/cb?x=1"),
            "http://h/cb?x=1&state=a%20b%2B%2F%3D&code=c"
        );
        assert_eq!(
            location("myapp://cb"),
            "myapp://cb?state=a%20b%2B%2F%3D&code=c"
        );
    }
}
