//! The credentials by name: the portal's labels, the variable names and their aliases. The five of
//! OAuth 1.0a and app-only come first; then the four of OAuth 2.0 user context.

use std::fmt;

use super::mask;
use super::secret::{hidden, looks_public};

/// One of the credentials X gives you, by its name in the developer portal (the OAuth 2.0 tokens come
/// from a login, not the portal).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Field {
    /// 'API Key' (OAuth 1.0a consumer key): identifies your app.
    ApiKey,
    /// 'API Key Secret' (consumer secret): signs for your app.
    ApiKeySecret,
    /// 'Access Token' (OAuth 1.0a token): one account acting through your app.
    AccessToken,
    /// 'Access Token Secret' (token secret): signs for that account.
    AccessTokenSecret,
    /// 'Bearer Token' (OAuth 2.0 app-only): optional, for app-only reads.
    BearerToken,
    /// 'Client ID' (OAuth 2.0): identifies your app in OAuth 2.0's login.
    ClientId,
    /// 'Client Secret' (OAuth 2.0, confidential clients): authenticates your app to the token endpoint.
    ClientSecret,
    /// An OAuth 2.0 user access token, from the login: one account, for 2 hours.
    OAuth2AccessToken,
    /// An OAuth 2.0 refresh token, from the login (with `offline.access`).
    OAuth2RefreshToken,
}

impl Field {
    /// All of them, in the order the guide hands them out (declaration order).
    pub const ALL: [Field; 9] = [
        Field::ApiKey,
        Field::ApiKeySecret,
        Field::AccessToken,
        Field::AccessTokenSecret,
        Field::BearerToken,
        Field::ClientId,
        Field::ClientSecret,
        Field::OAuth2AccessToken,
        Field::OAuth2RefreshToken,
    ];

    /// The four of OAuth 2.0 user context (`oauth2_login` writes the tokens).
    pub const OAUTH2: [Field; 4] = [
        Field::ClientId,
        Field::ClientSecret,
        Field::OAuth2AccessToken,
        Field::OAuth2RefreshToken,
    ];

    /// The four that OAuth 1.0a user context needs.
    pub const USER_CONTEXT: [Field; 4] = [
        Field::ApiKey,
        Field::ApiKeySecret,
        Field::AccessToken,
        Field::AccessTokenSecret,
    ];

    /// The canonical environment variable, e.g. `X_API_KEY`.
    pub fn env_name(self) -> &'static str {
        match self {
            Field::ApiKey => "X_API_KEY",
            Field::ApiKeySecret => "X_API_KEY_SECRET",
            Field::AccessToken => "X_ACCESS_TOKEN",
            Field::AccessTokenSecret => "X_ACCESS_TOKEN_SECRET",
            Field::BearerToken => "X_BEARER_TOKEN",
            Field::ClientId => "X_CLIENT_ID",
            Field::ClientSecret => "X_CLIENT_SECRET",
            Field::OAuth2AccessToken => "X_OAUTH2_ACCESS_TOKEN",
            Field::OAuth2RefreshToken => "X_OAUTH2_REFRESH_TOKEN",
        }
    }

    /// Whether it is one of OAuth 2.0 user context's ([`Field::OAUTH2`]).
    pub fn is_oauth2(self) -> bool {
        Field::OAUTH2.contains(&self)
    }

    /// Other names tools and X's samples use for the same value (tweepy's examples, X's samples,
    /// twitter-api-v2's docs, older `TWITTER_*` setups), in order of preference.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::ApiKey => &[
                "X_CONSUMER_KEY",
                "TWITTER_API_KEY",
                "TWITTER_CONSUMER_KEY",
                "CONSUMER_KEY",
            ],
            Field::ApiKeySecret => &[
                "X_API_SECRET",
                "X_CONSUMER_SECRET",
                "TWITTER_API_KEY_SECRET",
                "TWITTER_API_SECRET",
                "TWITTER_CONSUMER_SECRET",
                "CONSUMER_SECRET",
            ],
            Field::AccessToken => &["TWITTER_ACCESS_TOKEN", "ACCESS_TOKEN"],
            Field::AccessTokenSecret => &[
                "X_ACCESS_SECRET",
                "TWITTER_ACCESS_TOKEN_SECRET",
                "TWITTER_ACCESS_SECRET",
                "ACCESS_TOKEN_SECRET",
                "ACCESS_SECRET",
            ],
            Field::BearerToken => &["TWITTER_BEARER_TOKEN", "BEARER_TOKEN"],
            // xurl's environment variables, and the TWITTER_ spelling of older setups.
            Field::ClientId => &["TWITTER_CLIENT_ID", "CLIENT_ID"],
            Field::ClientSecret => &["TWITTER_CLIENT_SECRET", "CLIENT_SECRET"],
            Field::OAuth2AccessToken | Field::OAuth2RefreshToken => &[],
        }
    }

    /// Every variable name for this field: the canonical one, then the aliases in order of preference.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.env_name()).chain(self.aliases().iter().copied())
    }

    /// The field a variable name stands for, canonical or alias.
    ///
    /// (Not `FromStr`: a field displays as its portal label, `API Key`, which is not a variable name.)
    pub fn from_env_name(name: &str) -> Option<Field> {
        Field::ALL
            .into_iter()
            .find(|f| f.names().any(|n| n == name))
    }

    /// The label the developer portal shows, e.g. `API Key Secret`.
    pub fn label(self) -> &'static str {
        match self {
            Field::ApiKey => "API Key",
            Field::ApiKeySecret => "API Key Secret",
            Field::AccessToken => "Access Token",
            Field::AccessTokenSecret => "Access Token Secret",
            Field::BearerToken => "Bearer Token",
            Field::ClientId => "Client ID",
            Field::ClientSecret => "Client Secret",
            Field::OAuth2AccessToken => "OAuth 2.0 token",
            Field::OAuth2RefreshToken => "Refresh token",
        }
    }

    /// Whether the value is a secret (never shown, not even in part).
    pub fn is_secret(self) -> bool {
        !matches!(self, Field::ApiKey | Field::AccessToken | Field::ClientId)
    }

    /// How to show a value of this field: a [`mask`]ed prefix for a public id, only the length for
    /// a secret — and for whatever sits in a public slot without a public id's shape (a secret
    /// pasted as the API Key shows no prefix either).
    pub(crate) fn display_value(self, value: &str) -> String {
        if self.is_secret() || !looks_public(value) {
            hidden(value)
        } else {
            mask(value)
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_find_their_field_and_nothing_else() {
        for field in Field::ALL {
            assert_eq!(field.names().next(), Some(field.env_name()));
            for name in field.names() {
                assert_eq!(Field::from_env_name(name), Some(field), "{name}");
            }
        }
        assert_eq!(Field::from_env_name("API Key"), None);
        assert_eq!(Field::from_env_name("x_api_key"), None);
        assert_eq!(Field::from_env_name("X_CLIENT_ID"), Some(Field::ClientId));
        assert_eq!(Field::ALL.map(|f| f as usize), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
        assert!(Field::OAUTH2.iter().all(|f| f.is_oauth2()) && !Field::BearerToken.is_oauth2());
    }

    #[test]
    fn secrets_show_only_their_length() {
        assert_eq!(
            Field::ApiKeySecret.display_value("abcdefgh"),
            "8 characters, hidden"
        );
        assert_eq!(Field::AccessToken.display_value("1790-abc"), "1790…");
        assert_eq!(
            Field::ClientId.display_value("M1M5R3BMVy13QmpScXkzTUt5OE46MTpjaQ"),
            "M1M5…"
        );
        assert_eq!(
            Field::OAuth2AccessToken.display_value("abc"),
            "3 characters, hidden"
        );
        // Masked by what the value is: the API Key Secret in the API Key's slot, the Access Token
        // Secret in the Access Token's.
        let key_secret = "XkeysFakeApiKeySecret0123456789abcdefghijABCDEFGHI";
        assert_eq!(
            Field::ApiKey.display_value(key_secret),
            "50 characters, hidden"
        );
        let token_secret = "XkeysFakeAccessTokenSecret0123456789abcdefghi";
        assert_eq!(
            Field::AccessToken.display_value(token_secret),
            "45 characters, hidden"
        );
    }
}
