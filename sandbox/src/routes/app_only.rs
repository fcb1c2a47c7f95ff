//! App-only Bearer Tokens: `POST /oauth2/token` (`grant_type=client_credentials`) and
//! `POST /oauth2/invalidate_token`, both with the app's `Basic` API Key and Secret
//! (<https://docs.x.com/fundamentals/authentication/oauth-2-0/application-only>).

use axum::extract::State;
use axum::http::StatusCode;

use crate::http::{AppCredentials, Reply, JSON};
use crate::state::Shared;
use crate::x::problems as p;

type St = State<std::sync::Arc<Shared>>;

/// `POST /oauth2/token` with `grant_type=client_credentials`: the app's Bearer Token. An app has
/// one Bearer Token, the same on every call, until it is invalidated.
pub(super) async fn token(creds: AppCredentials) -> Reply {
    if creds.request.form_param("grant_type").as_deref() != Some("client_credentials") {
        return Reply::json(StatusCode::FORBIDDEN, p::V1_99)
            .explain("the form body must be grant_type=client_credentials");
    }
    let bearer = creds.app.bearer_token();
    Reply::json(
        StatusCode::OK,
        format!(r#"{{"token_type":"bearer","access_token":"{bearer}"}}"#),
    )
}

/// `POST /oauth2/invalidate_token?access_token=...`: invalidates the Bearer Token; the next
/// `/oauth2/token` gives a new one.
pub(super) async fn invalidate(State(st): St, creds: AppCredentials) -> Reply {
    let given = creds
        .request
        .query_param("access_token")
        .or_else(|| creds.request.form_param("access_token"))
        .unwrap_or_default();
    match st.rotate_bearer(&creds.app, &given) {
        Some(old) => Reply::new(
            StatusCode::OK,
            JSON,
            format!(r#"{{"access_token":"{old}"}}"#),
        ),
        None => Reply::json(StatusCode::FORBIDDEN, p::V1_99)
            .explain("access_token is not this app's current Bearer Token"),
    }
}
