//! X's response bodies, byte for byte as observed (shared/x-api/openapi-excerpts/observed-bodies.json).
//!
//! v2 errors are top-level problem objects, not the playground's `errors[]` envelope (FACTS §3.2).
//! Bodies marked "inferred" follow the observed `about:blank` pattern; no real one was recorded.

/// observed-bodies `v2_unauthorized` (xurl#8).
pub(crate) const UNAUTHORIZED: &str =
    r#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#;

/// observed-bodies `v2_oauth1_permissions`.
pub(crate) const OAUTH1_PERMISSIONS: &str = r#"{"title":"Forbidden","status":403,"detail":"Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.","type":"https://api.twitter.com/2/problems/oauth1-permissions"}"#;

/// observed-bodies `v2_unsupported_auth_app_only_on_user_endpoint` (two spaces after "endpoint.").
pub(crate) const UNSUPPORTED_AUTHENTICATION: &str = r#"{"title":"Unsupported Authentication","detail":"Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].","type":"https://api.twitter.com/2/problems/unsupported-authentication","status":403}"#;

/// observed-bodies `v2_duplicate_tweet`.
pub(crate) const DUPLICATE: &str = r#"{"detail":"You are not allowed to create a Tweet with duplicate content.","type":"about:blank","title":"Forbidden","status":403}"#;

/// observed-bodies `v2_forbidden_generic`.
pub(crate) const FORBIDDEN: &str =
    r#"{"title":"Forbidden","type":"about:blank","status":403,"detail":"Forbidden"}"#;

/// observed-bodies `v2_too_many_requests`.
pub(crate) const TOO_MANY_REQUESTS: &str = r#"{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}"#;

/// Inferred from the `about:blank` pattern.
pub(crate) const INTERNAL_SERVER_ERROR: &str = r#"{"title":"Internal Server Error","detail":"Internal Server Error","type":"about:blank","status":500}"#;

/// Inferred from the `about:blank` pattern.
pub(crate) const SERVICE_UNAVAILABLE: &str = r#"{"title":"Service Unavailable","detail":"Service Unavailable","type":"about:blank","status":503}"#;

/// Inferred from the `about:blank` pattern.
pub(crate) const NOT_FOUND: &str =
    r#"{"title":"Not Found","detail":"Not Found","type":"about:blank","status":404}"#;

/// observed-bodies `v1_32_could_not_authenticate`.
pub(crate) const V1_32: &str =
    r#"{"errors":[{"code":32,"message":"Could not authenticate you."}]}"#;

/// observed-bodies `v1_89_invalid_or_expired_token`.
pub(crate) const V1_89: &str = r#"{"errors":[{"message":"Invalid or expired token","code":89}]}"#;

/// observed-bodies `v1_135_timestamp_out_of_bounds`.
pub(crate) const V1_135: &str = r#"{"errors":[{"message":"Timestamp out of bounds","code":135}]}"#;

/// The v1.1 rate-limit body the docs show (observed-bodies `v2_too_many_requests` notes).
pub(crate) const V1_88: &str = r#"{"errors":[{"code":88,"message":"Rate limit exceeded"}]}"#;

/// observed-bodies `v1_99_oauth2_token_unable_to_verify`.
pub(crate) const V1_99: &str = r#"{"errors":[{"code":99,"label":"authenticity_token_error","message":"Unable to verify your credentials"}]}"#;

/// FACTS §3.4 code 215 (HTTP 400).
pub(crate) const V1_215: &str = r#"{"errors":[{"code":215,"message":"Bad Authentication data."}]}"#;

/// FACTS §3.4 code 417 (HTTP 401).
pub(crate) const V1_417: &str = r#"{"errors":[{"code":417,"message":"Desktop applications only support the oauth_callback value 'oob'"}]}"#;

/// observed-bodies `v1_453_subset_of_endpoints`.
pub(crate) const V1_453: &str = r#"{"errors":[{"message":"You currently have access to a subset of Twitter API v2 endpoints and limited v1.1 endpoints (e.g. media post, oauth) only. If you need access to this endpoint, you may need a different access level. You can learn more here: https://developer.twitter.com/en/portal/product","code":453}]}"#;

/// observed-bodies `v2_client_not_enrolled` with the app's numeric id.
pub(crate) fn client_not_enrolled(client_id: &str) -> String {
    format!(
        r#"{{"client_id":"{client_id}","detail":"When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project. You can create a project via the developer portal.","registration_url":"https://developer.twitter.com/en/docs/projects/overview","title":"Client Forbidden","required_enrollment":"Appropriate Level of API Access","reason":"client-not-enrolled","type":"https://api.twitter.com/2/problems/client-forbidden"}}"#
    )
}

/// observed-bodies `v2_user_not_enrolled_pay_per_use`; `required_enrollment` was truncated in
/// the source, so the sandbox uses the value seen on `client-not-enrolled`.
pub(crate) const USER_NOT_ENROLLED: &str = r#"{"type":"https://api.x.com/2/problems/client-forbidden","title":"Client Forbidden","detail":"This request is billed to the authenticated user. Create a developer account at the Developer Console and enroll it in Pay-per-use.","reason":"user-not-enrolled","registration_url":"https://console.x.com","required_enrollment":"Appropriate Level of API Access"}"#;

/// observed-bodies `v2_credits_depleted`: 185 bytes with a 19-digit account id (FACTS §3.3).
pub(crate) fn credits_depleted(account_id: &str) -> String {
    format!(
        r#"{{"title":"CreditsDepleted","detail":"Your enrolled account [{account_id}] does not have any credits to fulfill this request.","type":"https://api.twitter.com/2/problems/credits"}}"#
    )
}

/// observed-bodies `v2_invalid_request` (schema-derived), with one error.
pub(crate) fn invalid_request(parameter: &str, value: &str, message: &str) -> String {
    let errors = serde_json::json!([{
        "parameters": { parameter: [value] },
        "message": message,
    }]);
    format!(
        r#"{{"errors":{errors},"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","type":"https://api.twitter.com/2/problems/invalid-request"}}"#
    )
}

/// A lookup that found nothing: 200 with a partial error (FACTS §3.2, last row).
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
    }
}
