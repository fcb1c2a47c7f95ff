//! What X answers about OAuth 2.0: the scopes and what the consent page says of each, the token
//! endpoint's RFC 6749 error bodies in X's wording, and the failure page of the authorize step.
//! Each cites where it was seen; "inferred" marks what no real answer was recorded for.

use std::fmt;

/// Every scope X knows, with the meaning its docs give
/// (<https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code>), in that
/// table's order, then the ones only X's OpenAPI spec lists (`broadcast.*`, `timeline.read`;
/// xurl asks for `broadcast.*` too) and the Ads API's (`ads.*`, <https://docs.x.com/x-ads-api/mcp>).
pub(crate) const SCOPES: &[(&str, &str)] = &[
    ("tweet.read", "All the Tweets you can view, including Tweets from protected accounts."),
    ("tweet.write", "Tweet and Retweet for you."),
    ("tweet.moderate.write", "Hide and unhide replies to your Tweets."),
    ("users.email", "Email from an authenticated user."),
    ("users.read", "Any account you can view, including protected accounts."),
    ("follows.read", "People who follow you and people who you follow."),
    ("follows.write", "Follow and unfollow people for you."),
    ("offline.access", "Stay connected to your account until you revoke access."),
    ("space.read", "All the Spaces you can view."),
    ("mute.read", "Accounts you’ve muted."),
    ("mute.write", "Mute and unmute accounts for you."),
    ("like.read", "Tweets you’ve liked and likes you can view."),
    ("like.write", "Like and un-like Tweets for you."),
    ("list.read", "Lists, list members, and list followers of lists you’ve created or are a member of, including private lists."),
    ("list.write", "Create and manage Lists for you."),
    ("block.read", "Accounts you’ve blocked."),
    ("block.write", "Block and unblock accounts for you."),
    ("bookmark.read", "Get Bookmarked Tweets from an authenticated user."),
    ("bookmark.write", "Bookmark and remove Bookmarks from Tweets."),
    ("dm.read", "All the Direct Messages you can view, including Direct Messages from protected accounts."),
    ("dm.write", "Send and manage Direct Messages for you."),
    ("media.write", "Upload media."),
    // X's docs describe none of these: the consent page shows their names alone.
    ("broadcast.read", ""),
    ("broadcast.write", ""),
    ("timeline.read", ""),
    ("ads.read", ""),
    ("ads.write", ""),
];

/// The scopes of the documented table (the first 22 of [`SCOPES`]): what a demo token holds.
pub(crate) const DOCUMENTED_SCOPES: usize = 22;

/// A set of known scopes, kept in [`SCOPES`] order: X answers its `scope` in an order of its own,
/// not the order asked (xdevplatform/twitter-api-typescript-sdk#71), so clients must not rely on it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Scopes(Vec<&'static str>);

impl Scopes {
    /// Parses a space-separated scope list (`+` and `%20` are already decoded to spaces).
    ///
    /// # Errors
    /// The first unknown scope.
    pub(crate) fn parse(list: &str) -> Result<Scopes, String> {
        let mut found = Vec::new();
        for name in list.split(' ').filter(|s| !s.is_empty()) {
            match SCOPES.iter().position(|(s, _)| *s == name) {
                Some(i) => found.push(i),
                None => return Err(name.to_string()),
            }
        }
        found.sort_unstable();
        found.dedup();
        Ok(Scopes(found.into_iter().map(|i| SCOPES[i].0).collect()))
    }

    /// The documented scopes, all of them.
    pub(crate) fn documented() -> Scopes {
        Scopes(
            SCOPES[..DOCUMENTED_SCOPES]
                .iter()
                .map(|(s, _)| *s)
                .collect(),
        )
    }

    /// These scopes without `removed`.
    pub(crate) fn without(&self, removed: &[&str]) -> Scopes {
        Scopes(
            self.0
                .iter()
                .copied()
                .filter(|s| !removed.contains(s))
                .collect(),
        )
    }

    /// Whether the set is empty.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `scope` is in the set.
    pub(crate) fn contains(&self, scope: &str) -> bool {
        self.0.contains(&scope)
    }

    /// Whether every scope of `other` is in this set.
    pub(crate) fn covers(&self, other: &Scopes) -> bool {
        other.0.iter().all(|s| self.contains(s))
    }

    /// The scopes of `needed` this set lacks.
    pub(crate) fn missing<'a>(&self, needed: &[&'a str]) -> Vec<&'a str> {
        needed
            .iter()
            .copied()
            .filter(|s| !self.contains(s))
            .collect()
    }

    /// Each scope with its meaning.
    pub(crate) fn meanings(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.0
            .iter()
            .filter_map(|s| SCOPES.iter().find(|(n, _)| n == s).copied())
    }
}

impl fmt::Display for Scopes {
    /// Space-separated, as the token response's `scope`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(" "))
    }
}

/// An RFC 6749 §5.2 error body, as X writes them: `{"error":...,"error_description":...}`.
pub(crate) fn token_error(error: &str, description: &str) -> String {
    serde_json::json!({ "error": error, "error_description": description }).to_string()
}

/// A confidential client without valid Basic credentials: 401 (pennersr/django-allauth#3347,
/// exact body; plhery/node-twitter-api-v2#319, the status).
pub(crate) const MISSING_AUTHORIZATION_HEADER: &str = "Missing valid authorization header";

/// A code that was already exchanged (plhery/node-twitter-api-v2#496); X's answer adds an
/// `errors` array whose content was not shown. The sandbox answers the same for an expired or
/// unknown code (inferred).
pub(crate) const INVALID_CODE: &str = "Value passed for the authorization code was invalid.";

/// A `code_verifier` that does not match the challenge (xdevplatform/twitter-api-typescript-sdk#26).
pub(crate) const VERIFIER_MISMATCH: &str =
    "Value passed for the code verifier did not match the code challenge.";

/// A spent, revoked or unknown refresh token: only unattributed test mocks show this wording
/// (inferred; the 400 status is gptme/gptme-contrib#285's).
pub(crate) const INVALID_TOKEN: &str = "Value passed for the token was invalid.";

/// A `redirect_uri` other than the code's (inferred wording).
pub(crate) const REDIRECT_MISMATCH: &str =
    "Value passed for the redirect uri did not match the uri of the authorization code.";

/// A `grant_type` other than X's two (inferred wording).
pub(crate) const INVALID_GRANT_TYPE: &str = "Value passed for the grant type was invalid.";

/// A scope asked on refresh that the grant does not hold (inferred wording).
pub(crate) const INVALID_SCOPE: &str = "Value passed for the scope was invalid.";

/// "Missing required parameter [code_verifier]." (tweepy/tweepy#2014, #2021), for any parameter.
pub(crate) fn missing_parameter(name: &str) -> String {
    format!("Missing required parameter [{name}].")
}

/// The answer of `/2/oauth2/revoke`: X's TypeScript SDK types it `{"revoked": boolean}`
/// (xdevplatform/twitter-api-typescript-sdk, `OAuth2User.ts`); status and body are unconfirmed.
pub(crate) const REVOKED: &str = r#"{"revoked":true}"#;

/// The authorize step's failure page has this title and text (<https://docs.x.com/tools/xurl>,
/// <https://docs.x.com/tools/mcp>), then "Go back and try logging in again."
/// (jarulsamy/Twitter-Archive#21); X shows no redirect.
pub(crate) const FAILURE_TITLE: &str = "Something went wrong";
/// The failure page's text.
pub(crate) const FAILURE_TEXT: &str =
    "You weren’t able to give access to the App. Go back and try logging in again.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_into_the_table_order_and_name_the_unknown_one() {
        let s =
            Scopes::parse("users.read  tweet.write tweet.read offline.access tweet.read").unwrap();
        assert_eq!(
            s.to_string(),
            "tweet.read tweet.write users.read offline.access"
        );
        assert_eq!(
            Scopes::parse("tweet.read account.follows.read"),
            Err("account.follows.read".into())
        );
        assert!(Scopes::parse("").unwrap().is_empty());
        assert_eq!(s.missing(&["tweet.read", "dm.write"]), vec!["dm.write"]);
        assert!(s.covers(&Scopes::parse("tweet.read").unwrap()));
        assert!(!s.covers(&Scopes::parse("dm.read").unwrap()));
    }

    #[test]
    fn the_documented_table_has_22_scopes_with_a_meaning_each() {
        let all = Scopes::documented();
        assert_eq!(all.meanings().count(), 22);
        assert!(all.contains("media.write") && !all.contains("broadcast.read"));
        let missing = all.without(&["tweet.write", "dm.write"]);
        assert_eq!(missing.meanings().count(), 20);
    }

    #[test]
    fn error_bodies_are_json() {
        let body: serde_json::Value =
            serde_json::from_str(&token_error("invalid_request", VERIFIER_MISMATCH)).unwrap();
        assert_eq!(body["error"], "invalid_request");
        assert_eq!(
            missing_parameter("code_verifier"),
            "Missing required parameter [code_verifier]."
        );
        assert!(serde_json::from_str::<serde_json::Value>(REVOKED).is_ok());
    }
}
