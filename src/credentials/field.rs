//! The five credentials by name: the portal's labels, the variable names and their aliases.

use std::fmt;

use super::mask;

/// One of the five credentials X gives you, by its name in the developer portal.
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
}

impl Field {
    /// All five, in the order the guide hands them out.
    pub const ALL: [Field; 5] = [
        Field::ApiKey,
        Field::ApiKeySecret,
        Field::AccessToken,
        Field::AccessTokenSecret,
        Field::BearerToken,
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
        }
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
        }
    }

    /// Whether the value is a secret (never shown, not even in part).
    pub fn is_secret(self) -> bool {
        !matches!(self, Field::ApiKey | Field::AccessToken)
    }

    /// How to show a value of this field: a [`mask`]ed prefix for the public ids, only the length for
    /// secrets.
    pub(crate) fn display_value(self, value: &str) -> String {
        if self.is_secret() {
            format!("{} characters, hidden", value.chars().count())
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
    }

    #[test]
    fn secrets_show_only_their_length() {
        assert_eq!(
            Field::ApiKeySecret.display_value("abcdefgh"),
            "8 characters, hidden"
        );
        assert_eq!(Field::AccessToken.display_value("1790-abc"), "1790…");
    }
}
