//! X's error bodies, byte for byte as they were seen in real responses (each cites where).
//!
//! v2 errors are top-level problem objects (RFC 7807), not the `errors[]` envelope X's own
//! emulator, xdevplatform/playground, wraps them in. Bodies marked "inferred" follow the observed
//! `about:blank` pattern; no real one was recorded.

/// 401 on v2 (xdevplatform/xurl#8).
pub(crate) const UNAUTHORIZED: &str =
    r#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#;

/// 403 when the token's permission is too low (public logs of `POST /2/tweets`, 2025-2026; also
/// seen with the `https://api.x.com/2/problems/` prefix).
pub(crate) const OAUTH1_PERMISSIONS: &str = r#"{"title":"Forbidden","status":403,"detail":"Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.","type":"https://api.twitter.com/2/problems/oauth1-permissions"}"#;

/// 403 for a Bearer Token on a user-context endpoint (plhery/node-twitter-api-v2#475,
/// xdevplatform/bookmarks-search#10); two spaces after "endpoint.".
pub(crate) const UNSUPPORTED_AUTHENTICATION: &str = r#"{"title":"Unsupported Authentication","detail":"Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].","type":"https://api.twitter.com/2/problems/unsupported-authentication","status":403}"#;

/// 403 for OAuth 1.0a on an endpoint that takes only OAuth 2.0 user context, e.g. bookmarks
/// (sferik/x-ruby#28, xdevplatform/xmcp#11); two spaces after "endpoint.".
pub(crate) const UNSUPPORTED_AUTHENTICATION_OAUTH1: &str = r#"{"title":"Unsupported Authentication","detail":"Authenticating with OAuth 1.0a User Context is forbidden for this endpoint.  Supported authentication types are [OAuth 2.0 User Context].","type":"https://api.twitter.com/2/problems/unsupported-authentication","status":403}"#;

/// 403 for a Bearer Token on an endpoint that takes only OAuth 2.0 user context: inferred from
/// the two bodies above (the supported types are the endpoint's).
pub(crate) const UNSUPPORTED_AUTHENTICATION_APP_ONLY_OAUTH2: &str = r#"{"title":"Unsupported Authentication","detail":"Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 2.0 User Context].","type":"https://api.twitter.com/2/problems/unsupported-authentication","status":403}"#;

/// 403 for a duplicate post (akrherz/iembot#163, sferik/x-ruby#24).
pub(crate) const DUPLICATE: &str = r#"{"detail":"You are not allowed to create a Tweet with duplicate content.","type":"about:blank","title":"Forbidden","status":403}"#;

/// The generic 403 (plhery/node-twitter-api-v2#434).
pub(crate) const FORBIDDEN: &str =
    r#"{"title":"Forbidden","type":"about:blank","status":403,"detail":"Forbidden"}"#;

/// 429 on v2 (blorm-network/ZerePy#73).
pub(crate) const TOO_MANY_REQUESTS: &str = r#"{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}"#;

/// Inferred from the `about:blank` pattern.
pub(crate) const INTERNAL_SERVER_ERROR: &str = r#"{"title":"Internal Server Error","detail":"Internal Server Error","type":"about:blank","status":500}"#;

/// Inferred from the `about:blank` pattern.
pub(crate) const SERVICE_UNAVAILABLE: &str = r#"{"title":"Service Unavailable","detail":"Service Unavailable","type":"about:blank","status":503}"#;

/// Inferred from the `about:blank` pattern.
pub(crate) const NOT_FOUND: &str =
    r#"{"title":"Not Found","detail":"Not Found","type":"about:blank","status":404}"#;

/// v1.1 code 32, HTTP 401 (twitter/twurl#70).
pub(crate) const V1_32: &str =
    r#"{"errors":[{"code":32,"message":"Could not authenticate you."}]}"#;

/// v1.1 code 89, HTTP 401 (tweepy/tweepy#1960;
/// <https://docs.x.com/fundamentals/authentication/oauth-2-0/application-only>).
pub(crate) const V1_89: &str = r#"{"errors":[{"message":"Invalid or expired token","code":89}]}"#;

/// v1.1 code 135, HTTP 401 (ttezel/twit#130, abraham/twitteroauth#223).
pub(crate) const V1_135: &str = r#"{"errors":[{"message":"Timestamp out of bounds","code":135}]}"#;

/// The v1.1 rate-limit body <https://docs.x.com/x-api/fundamentals/rate-limits> shows.
pub(crate) const V1_88: &str = r#"{"errors":[{"code":88,"message":"Rate limit exceeded"}]}"#;

/// v1.1 code 99 from `/oauth2/token`, HTTP 403
/// (<https://docs.x.com/fundamentals/authentication/oauth-2-0/application-only>).
pub(crate) const V1_99: &str = r#"{"errors":[{"code":99,"label":"authenticity_token_error","message":"Unable to verify your credentials"}]}"#;

/// v1.1 code 215, HTTP 400 (christian-fei/twitter-oauth-login-in-nodejs#4).
pub(crate) const V1_215: &str = r#"{"errors":[{"code":215,"message":"Bad Authentication data."}]}"#;

/// v1.1 code 417, HTTP 401 (the v1.1 code table of
/// <https://docs.x.com/x-api/fundamentals/response-codes-and-errors>, 2025 version).
pub(crate) const V1_417: &str = r#"{"errors":[{"code":417,"message":"Desktop applications only support the oauth_callback value 'oob'"}]}"#;

/// v1.1 code 220, 403: credentials that may not call a user-context v1.1 endpoint
/// (<https://docs.x.com/fundamentals/authentication/oauth-2-0/application-only>). Seen for
/// app-only Bearer Tokens; for an OAuth 2.0 user token, only the 403 is recorded
/// (plhery/node-twitter-api-v2#167, #417), the body is inferred.
pub(crate) const V1_220: &str = r#"{"errors":[{"message":"Your credentials do not allow access to this resource","code":220}]}"#;

/// v1.1 code 453, HTTP 403 (tweepy/tweepy#2137, nicknochnack/TwitterPresidentialDebate#1).
pub(crate) const V1_453: &str = r#"{"errors":[{"message":"You currently have access to a subset of Twitter API v2 endpoints and limited v1.1 endpoints (e.g. media post, oauth) only. If you need access to this endpoint, you may need a different access level. You can learn more here: https://developer.twitter.com/en/portal/product","code":453}]}"#;

/// 403 `client-not-enrolled` with the app's numeric id (xdevplatform/samples#160,
/// plhery/node-twitter-api-v2#487).
pub(crate) fn client_not_enrolled(client_id: &str) -> String {
    format!(
        r#"{{"client_id":"{client_id}","detail":"When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project. You can create a project via the developer portal.","registration_url":"https://developer.twitter.com/en/docs/projects/overview","title":"Client Forbidden","required_enrollment":"Appropriate Level of API Access","reason":"client-not-enrolled","type":"https://api.twitter.com/2/problems/client-forbidden"}}"#
    )
}

/// 403 `user-not-enrolled` (cursor/plugins#270); `required_enrollment` was cut off in that
/// report, so the sandbox uses the value seen on `client-not-enrolled`.
pub(crate) const USER_NOT_ENROLLED: &str = r#"{"type":"https://api.x.com/2/problems/client-forbidden","title":"Client Forbidden","detail":"This request is billed to the authenticated user. Create a developer account at the Developer Console and enroll it in Pay-per-use.","reason":"user-not-enrolled","registration_url":"https://console.x.com","required_enrollment":"Appropriate Level of API Access"}"#;

/// 402 `CreditsDepleted`: 185 bytes with a 19-digit account id, the `content-length` of the real
/// responses in tryethernal/ethernal#1290.
pub(crate) fn credits_depleted(account_id: &str) -> String {
    format!(
        r#"{{"title":"CreditsDepleted","detail":"Your enrolled account [{account_id}] does not have any credits to fulfill this request.","type":"https://api.twitter.com/2/problems/credits"}}"#
    )
}

/// 400 `invalid-request` with one error, after the `InvalidRequestProblem` schema of X's OpenAPI
/// spec (xdevplatform/xdk `latest-openapi.json`).
pub(crate) fn invalid_request(parameter: &str, value: &str, message: &str) -> String {
    let errors = serde_json::json!([{
        "parameters": { parameter: [value] },
        "message": message,
    }]);
    format!(
        r#"{{"errors":{errors},"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","type":"https://api.twitter.com/2/problems/invalid-request"}}"#
    )
}

/// A lookup that found nothing: 200 with a partial error
/// (<https://docs.x.com/x-api/fundamentals/response-codes-and-errors>).
pub(crate) fn user_not_found(username: &str) -> String {
    serde_json::json!({
        "errors": [{
            "value": username,
            "detail": format!("Could not find user with username: [{username}]."),
            "title": "Not Found Error",
            "resource_type": "user",
            "parameter": "username",
            "resource_id": username,
            "type": "https://api.twitter.com/2/problems/resource-not-found",
        }]
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_body_is_185_bytes_with_a_19_digit_id() {
        assert_eq!(credits_depleted("1234567890123456789").len(), 185);
    }

    #[test]
    fn every_body_is_json() {
        for body in [
            UNAUTHORIZED,
            OAUTH1_PERMISSIONS,
            UNSUPPORTED_AUTHENTICATION,
            UNSUPPORTED_AUTHENTICATION_OAUTH1,
            UNSUPPORTED_AUTHENTICATION_APP_ONLY_OAUTH2,
            V1_220,
            DUPLICATE,
            FORBIDDEN,
            TOO_MANY_REQUESTS,
            INTERNAL_SERVER_ERROR,
            SERVICE_UNAVAILABLE,
            NOT_FOUND,
            V1_32,
            V1_89,
            V1_135,
            V1_88,
            V1_99,
            V1_215,
            V1_417,
            V1_453,
            USER_NOT_ENROLLED,
            &client_not_enrolled("1"),
            &credits_depleted("1"),
            &invalid_request("p", "v", "m"),
            &user_not_found("u"),
        ] {
            assert!(
                serde_json::from_str::<serde_json::Value>(body).is_ok(),
                "{body}"
            );
        }
        assert!(UNSUPPORTED_AUTHENTICATION.contains("endpoint.  Supported"));
        assert!(UNSUPPORTED_AUTHENTICATION_OAUTH1.contains("endpoint.  Supported"));
    }
}
