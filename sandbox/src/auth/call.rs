//! An API endpoint's caller, and X's checks once it is known: the scenario's outage, v1.1
//! access, app and user enrolment, credits, an OAuth 2.0 token's scopes, the rate limit, an
//! OAuth 1.0a token's permission, in that order.
//! X documents no order. This one refuses on enrolment before looking at anything else, as X
//! refuses an app that is not enrolled even when its tokens are good (xdevplatform/xurl's
//! README, "X Platform Enrollment Troubleshooting").

use axum::http::StatusCode;

use super::{app_only, oauth1, oauth2, Api, Caller, Presented, Refusal, Spec, TokenKind};
use crate::scenario::Scenario;
use crate::state::rate_limit::RateStatus;
use crate::state::Shared;
use crate::x::problems as p;

/// Authenticates the caller of an API endpoint: an OAuth 2.0 user access token, else a Bearer
/// Token (app-only), else OAuth 1.0a user context.
///
/// # Errors
/// X's answer to bad credentials, or to credentials of the wrong kind for this endpoint.
pub(crate) fn authenticate(
    st: &Shared,
    req: &Presented<'_>,
    spec: &Spec,
) -> Result<Caller, Refusal> {
    if let Some(caller) = oauth2::bearer(st, &req.authorization, spec) {
        return caller;
    }
    if let Some(caller) = app_only::bearer(st, &req.authorization, spec) {
        return caller;
    }
    let verified = oauth1::verify(st, req, TokenKind::Access).map_err(|f| f.refusal(spec.api))?;
    match verified.token {
        // A good signature on an endpoint that takes only OAuth 2.0 user context (sferik/x-ruby#28).
        Some(_) if !spec.oauth1 => Err(Refusal::new(
            StatusCode::FORBIDDEN,
            p::UNSUPPORTED_AUTHENTICATION_OAUTH1,
            format!(
                "{} takes only OAuth 2.0 user context: authorize the user with OAuth 2.0 (PKCE) and send Authorization: Bearer <user access token>",
                spec.endpoint
            ),
        )
        .at_clock(st.clock_offset(verified.app.scenario))),
        Some(token) => Ok(Caller::User {
            app: verified.app,
            token,
        }),
        None => Err(Refusal::new(
            StatusCode::UNAUTHORIZED,
            p::UNAUTHORIZED,
            "an access token is required",
        )),
    }
}

/// X's checks after authentication, in order; counts the request against the rate limit.
///
/// # Errors
/// The first check that refuses the call.
pub(crate) fn gates(
    st: &Shared,
    caller: &Caller,
    spec: &Spec,
    now: i64,
) -> Result<RateStatus, Refusal> {
    outage(caller.scenario())?;
    enrolment(caller, spec)?;
    // Before counting: X's 403 for a missing scope carries no rate-limit headers
    // (plhery/node-twitter-api-v2#265).
    if let Caller::OAuth2 { token, .. } = caller {
        oauth2::check_scopes(token, spec)?;
    }
    let rate = count(st, caller, spec, now);
    if rate.exceeded {
        let body = if spec.api == Api::V2 {
            p::TOO_MANY_REQUESTS
        } else {
            p::V1_88
        };
        return Err(Refusal::new(
            StatusCode::TOO_MANY_REQUESTS,
            body,
            "rate limit reached: wait until x-rate-limit-reset",
        )
        .with_rate(rate));
    }
    if let Caller::User { token, .. } = caller {
        if token.level < spec.needs {
            return Err(Refusal::new(
                StatusCode::FORBIDDEN,
                p::OAUTH1_PERMISSIONS,
                format!(
                    "the token has access level {} but this endpoint needs {}: change the app's permission, then regenerate the Access Token and Secret",
                    token.level.header_value(),
                    spec.needs.header_value()
                ),
            )
            .with_rate(rate));
        }
    }
    Ok(rate)
}

/// `scenario {name}: {what}`, the explanation of a scenario's refusal.
fn explain(scenario: Scenario, what: &str) -> String {
    format!("scenario {}: {what}", scenario.name())
}

/// The scenarios where X itself fails: 500 and 503.
fn outage(scenario: Scenario) -> Result<(), Refusal> {
    match scenario {
        Scenario::ServerError => Err(Refusal::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            p::INTERNAL_SERVER_ERROR,
            explain(scenario, "X fails with 500"),
        )),
        Scenario::ServiceUnavailable => Err(Refusal::new(
            StatusCode::SERVICE_UNAVAILABLE,
            p::SERVICE_UNAVAILABLE,
            explain(scenario, "X is overloaded"),
        )),
        _ => Ok(()),
    }
}

/// v1.1 access, then the app's and the user's enrolment, then the credits.
fn enrolment(caller: &Caller, spec: &Spec) -> Result<(), Refusal> {
    let scenario = caller.scenario();
    if spec.api == Api::V11
        && matches!(scenario, Scenario::V1Unavailable | Scenario::AppNotEnrolled)
    {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            p::V1_453,
            explain(
                scenario,
                "v1.1 endpoints are not in this access level; use v2",
            ),
        ));
    }
    match scenario {
        Scenario::AppNotEnrolled => Err(Refusal::new(
            StatusCode::FORBIDDEN,
            p::client_not_enrolled(&caller.app().app_id),
            explain(scenario, "the app is not in the Pay-per-use package"),
        )),
        Scenario::UserNotEnrolled => Err(Refusal::new(
            StatusCode::FORBIDDEN,
            p::USER_NOT_ENROLLED,
            explain(scenario, "the user has no pay-per-use developer account"),
        )),
        Scenario::CreditsDepleted => Err(Refusal::new(
            StatusCode::PAYMENT_REQUIRED,
            p::credits_depleted(&caller.app().owner_user_id),
            explain(scenario, "no credits left; not retryable"),
        )),
        _ => Ok(()),
    }
}

/// Counts the request of this user (or app) on this endpoint.
fn count(st: &Shared, caller: &Caller, spec: &Spec, now: i64) -> RateStatus {
    // Per-user limits "apply with OAuth 1.0a or OAuth 2.0 user tokens"
    // (https://docs.x.com/x-api/fundamentals/rate-limits): one counter per user.
    let (who, limit) = match caller {
        Caller::User { token, .. } => (format!("user:{}", token.user_id), spec.per_user),
        Caller::OAuth2 { token, .. } => (format!("user:{}", token.user_id), spec.per_user),
        Caller::App { app } => (
            format!("app:{}", app.consumer_key),
            spec.app_only.unwrap_or(spec.per_user),
        ),
    };
    if caller.scenario() == Scenario::RateLimited {
        st.limiter.exhausted(limit, now)
    } else {
        st.limiter.hit(&who, spec.endpoint, limit, now)
    }
}
