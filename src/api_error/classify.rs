//! From an answer (or no answer) to a [`Problem`]: by the HTTP status, by X's v1.1 error codes, and
//! by its v2 problem types, in that order of precedence, then by the call the answer is to.

use serde::Serialize;

use super::{Problem, ProblemKind, Retry, CLOCK_TOLERANCE_SECS};
use crate::client::{ApiResponse, ClientError};

use ProblemKind::*;

/// The parts of an error body that classification reads.
#[derive(Default, Debug)]
struct Body {
    kind: Option<String>,
    title: Option<String>,
    detail: Option<String>,
    reason: Option<String>,
    codes: Vec<i64>,
    messages: Vec<String>,
}

impl Body {
    fn parse(text: &str) -> Option<Body> {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        let obj = v.as_object()?;
        let s = |k: &str| obj.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let mut body = Body {
            kind: s("type"),
            title: s("title"),
            detail: s("detail"),
            reason: s("reason"),
            ..Body::default()
        };
        let text_of =
            |e: &serde_json::Value, k: &str| e.get(k).and_then(|t| t.as_str()).map(str::to_string);
        for e in obj
            .get("errors")
            .and_then(|e| e.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(code) = e.get("code").and_then(|c| c.as_i64()) {
                body.codes.push(code);
            }
            body.messages.extend(text_of(e, "message"));
            // Problem objects inside errors[] (partial errors, X's playground envelope).
            if body.kind.is_none() {
                body.kind = text_of(e, "type");
                body.detail = body.detail.or_else(|| text_of(e, "detail"));
            }
        }
        Some(body)
    }

    fn has_code(&self, code: i64) -> bool {
        self.codes.contains(&code)
    }

    fn type_is(&self, name: &str) -> bool {
        type_is(self.kind.as_deref(), name)
    }

    /// Whether the detail or a message says this (case-insensitive).
    fn says(&self, needle: &str) -> bool {
        let has = |text: &str| text.to_ascii_lowercase().contains(needle);
        self.detail.as_deref().is_some_and(has) || self.messages.iter().any(|m| has(m))
    }

    /// What X said, in one line: title, type, reason, codes and detail.
    fn summary(&self) -> String {
        let mut parts = Vec::new();
        parts.extend(self.title.clone());
        parts.extend(self.kind.as_ref().map(|t| format!("type {t}")));
        parts.extend(self.reason.as_ref().map(|r| format!("reason {r}")));
        for (code, msg) in self.codes.iter().zip(&self.messages) {
            parts.push(format!("code {code}: {msg}"));
        }
        if let Some(d) = &self.detail {
            if self.title.as_deref() != Some(d.as_str()) {
                parts.push(format!("\"{d}\""));
            }
        }
        parts.join(", ")
    }
}

/// Whether a problem `type` URI ends with this name (`…/2/problems/<name>`), on either host.
pub fn type_is(kind: Option<&str>, name: &str) -> bool {
    kind.is_some_and(|k| {
        k.strip_suffix(name)
            .is_some_and(|rest| rest.ends_with("/problems/") || rest.is_empty())
    })
}

/// Classifies an HTTP answer that is not a success. The clock skew (X's `Date` against yours)
/// decides between a bad clock and bad keys on 401.
pub fn classify_response(response: &ApiResponse) -> Problem {
    let body = Body::parse(response.body());
    let kind = kind_of(response, body.as_ref());
    let x_says = body
        .as_ref()
        .map(Body::summary)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| describe_body(response));
    Problem {
        kind,
        status: Some(response.status),
        x_says: Some(x_says),
        retry: Retry::default_for(kind, response.rate_limit.map(|r| r.reset)),
    }
}

/// The kind of an answer: the status first, then the v1.1 codes, then the v2 problem types.
fn kind_of(response: &ApiResponse, body: Option<&Body>) -> ProblemKind {
    let status = response.status;
    let skewed = response
        .clock_skew()
        .is_some_and(|s| s.abs() > CLOCK_TOLERANCE_SECS);
    let json = response
        .content_type
        .as_deref()
        .is_some_and(|c| c.to_ascii_lowercase().contains("json"));
    if let Some(kind) = by_status(status, body) {
        return kind;
    }
    match body.filter(|_| json) {
        // HTML error pages, empty bodies, proxies: not X's API.
        None => match status {
            429 => RateLimited,
            401 if skewed => ClockSkew,
            _ => UnexpectedResponse,
        },
        Some(body) => by_v1_code(status, body, skewed)
            .or_else(|| by_problem_type(status, body))
            .unwrap_or(UnexpectedResponse),
    }
}

/// The statuses that decide alone: a redirect, a server error, no credits (402, or X's
/// `CreditsDepleted` problem whatever the status).
fn by_status(status: u16, body: Option<&Body>) -> Option<ProblemKind> {
    let credits = body.is_some_and(|b| {
        b.title.as_deref() == Some("CreditsDepleted")
            || b.type_is("credits")
            || b.type_is("credits-depleted")
    });
    match status {
        300..=399 => Some(Redirect),
        500.. => Some(ServerError),
        402 => Some(CreditsDepleted),
        _ if credits => Some(CreditsDepleted),
        _ => None,
    }
}

/// The v1.1 codes of authentication and X's bare 401: callback, `oob`, app keys, revoked token,
/// the clock, and keys that don't match.
fn by_v1_code(status: u16, body: &Body, skewed: bool) -> Option<ProblemKind> {
    let code = |c| body.has_code(c);
    Some(if code(415) {
        CallbackNotApproved
    } else if code(417) {
        OobRequired
    } else if code(99) {
        AppKeysRejected
    } else if code(89) {
        TokenRevoked
    } else if code(135) || (status == 401 && skewed) {
        ClockSkew
    } else if status == 401 || code(32) || code(215) {
        KeysRejected
    } else {
        return None;
    })
}

/// The v2 problem types (and the v1.1 codes that mean the same): enrollment, permissions, the kind
/// of credential, v1.1 access, duplicates, caps and rate limits.
fn by_problem_type(status: u16, body: &Body) -> Option<ProblemKind> {
    let (code, is) = (|c| body.has_code(c), |t| body.type_is(t));
    Some(if is("client-forbidden") || is("client-not-enrolled") {
        match body.reason.as_deref() {
            Some("user-not-enrolled") => UserNotEnrolled,
            _ => AppNotEnrolled,
        }
    } else if is("oauth1-permissions") || code(261) || code(93) {
        MissingPermission
    } else if is("unsupported-authentication") && body.says("oauth 1.0a user context is forbidden")
    {
        Oauth2Only
    } else if is("unsupported-authentication") || code(220) {
        UnsupportedAuthentication
    } else if code(453) {
        V1Unavailable
    } else if code(187) || body.says("duplicate content") {
        DuplicateContent
    } else if is("usage-capped") {
        UsageCapped
    } else if status == 429 || code(88) || is("rate-limit-exceeded") {
        RateLimited
    } else {
        return None;
    })
}

/// What an answer without a readable error body was: empty, or of which content type.
fn describe_body(response: &ApiResponse) -> String {
    match (
        response.content_type.as_deref(),
        response.body().trim().is_empty(),
    ) {
        (_, true) => "an empty body".to_string(),
        (Some(ct), false) => format!("a {} body", ct.split(';').next().unwrap_or(ct)),
        (None, false) => "a body without a content type".to_string(),
    }
}

/// Classifies a request that got no HTTP answer.
pub fn classify_client_error(error: &ClientError) -> Problem {
    let kind = match error {
        ClientError::InvalidBaseUrl { .. } | ClientError::InsecureBaseUrl { .. } => BadBaseUrl,
        ClientError::Timeout { .. } => Timeout,
        ClientError::Dns { .. } => Dns,
        ClientError::Tls { .. } => Tls,
        _ => Connection,
    };
    let mut problem = Problem::new(kind);
    problem.x_says = Some(error.to_string());
    problem
}

/// Which kind of call an answer is to: the same status means different things on different calls
/// (a 401 on `/oauth/access_token` is a bad PIN, with a Bearer Token a bad Bearer Token).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Call {
    /// Signed with the four keys (OAuth 1.0a user context), e.g. `GET /2/users/me`.
    UserContext,
    /// `POST /oauth/request_token`: signed with the API Key and Secret only.
    RequestToken,
    /// `POST /oauth/access_token`: signed with the API Key and Secret and the request token, with the PIN.
    AccessToken,
    /// `POST /oauth2/token`: Basic auth with the API Key and Secret.
    BearerToken,
    /// An app-only request with `Authorization: Bearer …`.
    AppOnly,
}

/// Classifies an answer that is not a success, knowing which call it answers (see [`Call`]).
pub fn classify_call(response: &ApiResponse, call: Call) -> Problem {
    let mut problem = classify_response(response);
    // X's bare 401s (and the text bodies its OAuth endpoints may send) mean what the call says.
    let bare = matches!(
        problem.kind,
        KeysRejected | TokenRevoked | UnexpectedResponse
    );
    // Basic and Bearer authorization carry no timestamp: the clock can't be the cause.
    let unsigned = matches!(call, Call::BearerToken | Call::AppOnly);
    let bare = bare || (unsigned && problem.kind == ClockSkew);
    let kind = match (call, response.status) {
        (Call::RequestToken, 401) if bare => AppKeysRejected,
        (Call::AccessToken, 401) if bare => PinRejected,
        (Call::BearerToken, 401) if bare => AppKeysRejected,
        (Call::AppOnly, 401) if bare => BearerRejected,
        _ => problem.kind,
    };
    if kind != problem.kind {
        problem.kind = kind;
        problem.retry = Retry::default_for(kind, response.rate_limit.map(|r| r.reset));
    }
    problem
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn answer(status: u16, body: &str) -> ApiResponse {
        ApiResponse::for_test(status, body)
    }

    #[test]
    fn oauth1_on_an_oauth2_only_endpoint_is_not_the_bearer_token_mistake() {
        // sferik/x-ruby#28 (two spaces after the first sentence, as X sends it).
        let body = r#"{"title":"Unsupported Authentication","detail":"Authenticating with OAuth 1.0a User Context is forbidden for this endpoint.  Supported authentication types are [OAuth 2.0 User Context].","type":"https://api.twitter.com/2/problems/unsupported-authentication","status":403}"#;
        assert_eq!(classify_response(&answer(403, body)).kind, Oauth2Only);
        let app_only = r#"{"title":"Unsupported Authentication","detail":"Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].","type":"https://api.twitter.com/2/problems/unsupported-authentication","status":403}"#;
        assert_eq!(
            classify_response(&answer(403, app_only)).kind,
            UnsupportedAuthentication
        );
    }

    #[test]
    fn types_match_by_suffix_on_both_hosts() {
        assert!(type_is(
            Some("https://api.x.com/2/problems/oauth1-permissions"),
            "oauth1-permissions"
        ));
        assert!(type_is(
            Some("https://api.twitter.com/2/problems/oauth1-permissions"),
            "oauth1-permissions"
        ));
        assert!(!type_is(
            Some("https://api.x.com/2/problems/not-oauth1-permissions"),
            "oauth1-permissions"
        ));
        assert!(!type_is(None, "credits"));
        assert!(!type_is(
            Some("https://api.x.com/2/problems/credits-depleted"),
            "credits"
        ));
    }

    #[test]
    fn observed_bodies_are_classified() {
        let cases: &[(u16, &str, ProblemKind)] = &[
            (
                401,
                r#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#,
                ProblemKind::KeysRejected,
            ),
            (
                403,
                r#"{"title":"Forbidden","status":403,"detail":"Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.","type":"https://api.twitter.com/2/problems/oauth1-permissions"}"#,
                ProblemKind::MissingPermission,
            ),
            (
                403,
                r#"{"title":"Unsupported Authentication","detail":"Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].","type":"https://api.twitter.com/2/problems/unsupported-authentication","status":403}"#,
                ProblemKind::UnsupportedAuthentication,
            ),
            (
                403,
                r#"{"client_id":"1","detail":"When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.","registration_url":"https://developer.twitter.com/en/docs/projects/overview","title":"Client Forbidden","required_enrollment":"Appropriate Level of API Access","reason":"client-not-enrolled","type":"https://api.twitter.com/2/problems/client-forbidden"}"#,
                ProblemKind::AppNotEnrolled,
            ),
            (
                403,
                r#"{"type":"https://api.x.com/2/problems/client-forbidden","title":"Client Forbidden","detail":"This request is billed to the authenticated user.","reason":"user-not-enrolled","registration_url":"https://console.x.com"}"#,
                ProblemKind::UserNotEnrolled,
            ),
            (
                402,
                r#"{"title":"CreditsDepleted","detail":"Your enrolled account [1234567890123456789] does not have any credits to fulfill this request.","type":"https://api.twitter.com/2/problems/credits"}"#,
                ProblemKind::CreditsDepleted,
            ),
            (
                403,
                r#"{"detail":"You are not allowed to create a Tweet with duplicate content.","type":"about:blank","title":"Forbidden","status":403}"#,
                ProblemKind::DuplicateContent,
            ),
            (
                429,
                r#"{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}"#,
                ProblemKind::RateLimited,
            ),
            (
                401,
                r#"{"errors":[{"message":"Invalid or expired token","code":89}]}"#,
                ProblemKind::TokenRevoked,
            ),
            (
                401,
                r#"{"errors":[{"message":"Timestamp out of bounds","code":135}]}"#,
                ProblemKind::ClockSkew,
            ),
            (
                403,
                r#"{"errors":[{"message":"You currently have access to a subset of Twitter API v2 endpoints and limited v1.1 endpoints (e.g. media post, oauth) only.","code":453}]}"#,
                ProblemKind::V1Unavailable,
            ),
            (
                403,
                r#"{"errors":[{"code":261,"message":"Application cannot perform write actions."}]}"#,
                ProblemKind::MissingPermission,
            ),
            (
                403,
                r#"{"errors":[{"code":187,"message":"Status is a duplicate."}]}"#,
                ProblemKind::DuplicateContent,
            ),
            (
                503,
                r#"{"title":"Service Unavailable"}"#,
                ProblemKind::ServerError,
            ),
        ];
        for (status, body, want) in cases {
            assert_eq!(
                classify_response(&answer(*status, body)).kind,
                *want,
                "{status} {body}"
            );
        }
    }

    #[test]
    fn a_401_with_a_skewed_clock_is_the_clock() {
        let mut r = answer(
            401,
            r#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#,
        );
        r.date = Some(r.received_at + Duration::from_secs(3600));
        let p = classify_response(&r);
        assert_eq!(p.kind, ProblemKind::ClockSkew);
        assert_eq!(p.retry, Retry::No);
    }

    #[test]
    fn non_json_answers_are_unexpected() {
        let mut r = answer(403, "<html><body>Forbidden</body></html>");
        r.content_type = Some("text/html".into());
        let p = classify_response(&r);
        assert_eq!(p.kind, ProblemKind::UnexpectedResponse);
        assert_eq!(p.x_says.as_deref(), Some("a text/html body"));
        assert_eq!(
            classify_response(&answer(200, "")).kind,
            ProblemKind::UnexpectedResponse
        );
    }

    #[test]
    fn the_call_decides_what_a_401_means() {
        use ProblemKind::*;
        let v1_32 = r#"{"errors":[{"code":32,"message":"Could not authenticate you."}]}"#;
        let v1_89 = r#"{"errors":[{"message":"Invalid or expired token","code":89}]}"#;
        let v2 =
            r#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#;
        let kind = |r: &ApiResponse, call| classify_call(r, call).kind;
        assert_eq!(
            kind(&answer(401, v1_32), Call::RequestToken),
            AppKeysRejected
        );
        assert_eq!(kind(&answer(401, v1_32), Call::AccessToken), PinRejected);
        assert_eq!(kind(&answer(401, v1_89), Call::AccessToken), PinRejected);
        assert_eq!(kind(&answer(401, v1_32), Call::UserContext), KeysRejected);
        assert_eq!(kind(&answer(401, v2), Call::AppOnly), BearerRejected);
        assert_eq!(kind(&answer(401, v2), Call::BearerToken), AppKeysRejected);
        // X's OAuth endpoints may answer in plain text.
        let mut text = answer(401, "Failed to validate oauth signature and token");
        text.content_type = Some("text/plain".into());
        assert_eq!(kind(&text, Call::RequestToken), AppKeysRejected);
        assert_eq!(kind(&text, Call::UserContext), UnexpectedResponse);
        // A skewed clock explains a signed call's 401, never a Bearer Token's.
        let mut skewed = answer(401, v2);
        skewed.date = Some(skewed.received_at + Duration::from_secs(3600));
        assert_eq!(kind(&skewed, Call::RequestToken), ClockSkew);
        assert_eq!(kind(&skewed, Call::AppOnly), BearerRejected);
        // Codes that say it all, whatever the call.
        let code = |c: u16, n: i64| {
            answer(
                c,
                &format!(r#"{{"errors":[{{"code":{n},"message":"m"}}]}}"#),
            )
        };
        assert_eq!(
            kind(&code(403, 415), Call::RequestToken),
            CallbackNotApproved
        );
        assert_eq!(kind(&code(401, 417), Call::RequestToken), OobRequired);
        assert_eq!(kind(&code(403, 99), Call::BearerToken), AppKeysRejected);
        assert_eq!(kind(&code(403, 99), Call::UserContext), AppKeysRejected);
        // Other answers keep their meaning.
        assert_eq!(kind(&answer(503, "{}"), Call::AccessToken), ServerError);
        assert_eq!(
            classify_call(&code(401, 32), Call::AccessToken).retry,
            Retry::No
        );
    }
}
