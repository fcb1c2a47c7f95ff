//! OAuth 2.0 user context (Authorization Code with PKCE): the consent page ([`authorize`],
//! X: `https://x.com/i/oauth2/authorize`), the token and revoke endpoints ([`token`], X:
//! `https://api.x.com/2/oauth2/...`), all on the sandbox's one host, and the sandbox's own
//! `POST /sandbox/clock`, which moves the clock codes and tokens expire on.

mod authorize;
mod token;

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;

pub(super) use authorize::{authorize_page, authorize_submit};
pub(super) use token::{revoke, token};

use crate::http::{Incoming, Reply};
use crate::state::Shared;

/// `POST /sandbox/clock?advance=SECS`: moves the OAuth 2.0 clock forward (what
/// [`crate::Sandbox::advance_clock`] does, for tests in other languages) and answers
/// `{"now": <sandbox time>, "ahead": <seconds ahead of the real clock>}`.
pub(super) async fn clock(State(st): State<Arc<Shared>>, request: Incoming) -> Reply {
    let advance = request.query_param("advance").unwrap_or_else(|| "0".into());
    let Ok(secs) = advance.parse::<u32>() else {
        return Reply::json(
            StatusCode::BAD_REQUEST,
            json!({"error": "advance must be a whole number of seconds, at least 0"}).to_string(),
        )
        .explain(format!("advance={advance:?} is not a number of seconds"));
    };
    let ahead = st.oauth2.clock().advance(i64::from(secs));
    Reply::json(
        StatusCode::OK,
        json!({"now": st.oauth2.now(), "ahead": ahead}).to_string(),
    )
}
