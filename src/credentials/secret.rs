//! The typed credentials: secrets in [`secrecy::SecretString`], public ids shown only [`mask`]ed.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// Masks a public id for display: its first 4 characters and `…` (only `…` if it is that short).
///
/// The one masking function of the crate: every `Debug`, report and leak finding shows public ids
/// through it. It masks by what the value *is*, not by the slot it came from: a value that doesn't
/// have the shape of a public id ([`looks_public`]) — a secret, a Bearer Token or an OAuth 2.0
/// token pasted where the API Key or the Access Token belongs — is shown only as its length,
/// `(50 characters, hidden)`.
///
/// # Security
/// Use only for the API Key, the Access Token and the Client ID, never for a secret.
pub fn mask(value: &str) -> String {
    if !looks_public(value) {
        return format!("({})", hidden(value));
    }
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(4).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        "…".to_string()
    }
}

/// A value shown only by its length: `50 characters, hidden`.
pub(crate) fn hidden(value: &str) -> String {
    let n = value.chars().count();
    format!("{}, hidden", crate::words::counted(n as u64, "character"))
}

/// Whether a value has the shape of a public id, once the spaces, quotes and `Bearer ` a copy-paste
/// adds are taken off: an API Key (letters and digits, at most 30: X's are 25, older ones 22), an
/// Access Token (`<digits>-<letters and digits>`, at most 64 characters: X's are 48 to 50) or an
/// OAuth 2.0 Client ID (34 characters ending in `MTpjaQ`). The secrets are longer (41 to 50), and a
/// Bearer Token, a Client Secret or an OAuth 2.0 token has `%`, `-` or `_` or is longer still: none
/// of them passes, so none is ever shown in part, whatever slot it was pasted in.
pub fn looks_public(value: &str) -> bool {
    const WRAPPING: &[char] = &['"', '\'', '`', '“', '”', '‘', '’', '„', '«', '»'];
    let mut v = value.trim().trim_matches(WRAPPING).trim();
    if let Some(head) = v.get(..7) {
        if head.eq_ignore_ascii_case("bearer ") {
            v = v[7..].trim();
        }
    }
    let alnum = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric());
    let api_key = alnum(v) && v.len() <= 30;
    let access_token =
        v.len() <= 64 && user_id_prefix(v).is_some_and(|id| alnum(&v[id.len() + 1..]));
    let client_id = v.len() == 34 && alnum(v) && v.ends_with("MTpjaQ");
    api_key || access_token || client_id
}

/// The decimal user id before the first `-` of an Access Token, if the token has one.
pub fn user_id_prefix(token: &str) -> Option<&str> {
    let (digits, rest) = token.split_once('-')?;
    let ok = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty();
    ok.then_some(digits)
}

/// Declares a public id newtype (not a secret, but `Debug` shows only its [`mask`]ed form).
macro_rules! public_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// Wraps a value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }
            /// The full value (it is not a secret, but print only [`mask`]ed forms of it).
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}(\"{}\")", stringify!($name), mask(&self.0))
            }
        }
    };
}

/// Declares a secret newtype: kept in a [`SecretString`], `Debug` prints `Name([REDACTED])`.
macro_rules! secret {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(SecretString);

        impl $name {
            /// Wraps a secret value.
            ///
            /// # Security
            /// The value is kept in a [`SecretString`] (zeroed on drop) and never printed.
            pub fn new(value: impl Into<String>) -> Self {
                Self(SecretString::from(value.into()))
            }
            /// The secret itself.
            ///
            /// # Security
            /// Pass it only to what signs or sends the request (or writes `.env`); never print,
            /// log or format it.
            pub fn expose_secret(&self) -> &str {
                self.0.expose_secret()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}([REDACTED])", stringify!($name))
            }
        }
    };
}

// The OAuth 2.0 values (`crate::oauth2::tokens`) are declared with the same two macros.
pub(crate) use {public_id, secret};

public_id!(
    /// The 'API Key' (OAuth 1.0a consumer key). `Debug` shows only its first 4 characters.
    ApiKey
);
public_id!(
    /// The 'Access Token' (`<user id>-<random>`). `Debug` shows only its first 4 characters.
    AccessToken
);
secret!(
    /// The 'API Key Secret' (consumer secret). `Debug` prints `[REDACTED]`.
    ApiKeySecret
);
secret!(
    /// The 'Access Token Secret' (token secret). `Debug` prints `[REDACTED]`.
    AccessTokenSecret
);
secret!(
    /// The app-only 'Bearer Token'. `Debug` prints `[REDACTED]`.
    BearerToken
);

impl AccessToken {
    /// The user id in the token's `<digits>-` prefix: the account the token acts for.
    pub fn user_id(&self) -> Option<&str> {
        user_id_prefix(&self.0)
    }
}

/// The four keys of OAuth 1.0a user context, plus the optional Bearer Token.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// The 'API Key'.
    pub api_key: ApiKey,
    /// The 'API Key Secret'.
    pub api_key_secret: ApiKeySecret,
    /// The 'Access Token'.
    pub access_token: AccessToken,
    /// The 'Access Token Secret'.
    pub access_token_secret: AccessTokenSecret,
    /// The 'Bearer Token', when configured.
    pub bearer_token: Option<BearerToken>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const API_KEY: &str = "Xa1bC2dE3fG4hI5jK6lM7nO8p";
    const API_SECRET: &str = "Zq9wE8rT7yU6iO5pA4sD3fG2hJ1kL0zX9cV8bN7mQ6wE5rT4yU";

    fn creds() -> Credentials {
        Credentials {
            api_key: ApiKey::new(API_KEY),
            api_key_secret: ApiKeySecret::new(API_SECRET),
            access_token: AccessToken::new("1790000000000000001-AbCdEfGhIjKlMnOpQrStUvWxYz0123"),
            access_token_secret: AccessTokenSecret::new(
                "Sx1Dc2Fv3Gb4Hn5Jm6Kq7Lw8Ze9Xr0Ct1Vy2Bu3Ni4Mo5Pa",
            ),
            bearer_token: Some(BearerToken::new(
                "AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid",
            )),
        }
    }

    #[test]
    fn debug_text_is_pinned() {
        assert_eq!(
            format!("{:?}", creds()),
            "Credentials { api_key: ApiKey(\"Xa1b…\"), api_key_secret: ApiKeySecret([REDACTED]), \
             access_token: AccessToken(\"1790…\"), access_token_secret: AccessTokenSecret([REDACTED]), \
             bearer_token: Some(BearerToken([REDACTED])) }"
        );
    }

    #[test]
    fn mask_shows_at_most_four_chars() {
        assert_eq!(mask("abcdefgh"), "abcd…");
        assert_eq!(mask("abcd"), "…");
        assert_eq!(mask(""), "…");
    }

    #[test]
    fn a_secret_in_a_public_slot_shows_only_its_length() {
        // Public shapes: an API Key (old and new), an Access Token (short and long user ids), a
        // Client ID; with the wrapping a copy-paste adds.
        for public in [
            API_KEY,
            "xvz1evFS4wEEPTGEFPHBog",
            "6253282-eWudHldSbIaelX7swmsiHImEL4KinwaGloHANdrY",
            "1790000000000000001-AbCdEfGhIjKlMnOpQrStUvWxYz0123",
            "M1M5R3BMVy13QmpScXkzTUt5OE46MTpjaQ",
            " \"Bearer 6253282-eWudHldSbIaelX7swmsiHImEL4KinwaGloHANdrY\" ",
        ] {
            assert!(looks_public(public), "{public}");
        }
        // An API Key Secret (50, older 43), an Access Token Secret (45, older 41), a Bearer Token,
        // a Client Secret, OAuth 2.0 tokens: never a prefix, only the length.
        for secret in [
            API_SECRET,
            "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
            "Sx1Dc2Fv3Gb4Hn5Jm6Kq7Lw8Ze9Xr0Ct1Vy2Bu3Ni4Mo5Pa",
            "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
            "AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F",
            "Hq4-Zt8Lm2Xw6Rb0Nc3Vp7Ks1Fd5Jg9Ty2Ue6Ai0Op4Yh8Gb3M_",
            "bWRWa3gzdUk4OmNtUHNwWjZYNlJ0QmNmM05JWjJOSXlYV1pUUUtQWldtNGlEcE9xOjE2MjIxNjA4MDAwMDA6MTowOmF0OjE",
        ] {
            assert!(!looks_public(secret), "{secret}");
            let shown = mask(secret);
            assert_eq!(shown, format!("({} characters, hidden)", secret.len()));
            assert!(!shown.contains(&secret[..4]), "{shown}");
            let debug = format!("{:?}", ApiKey::new(secret));
            assert!(!debug.contains(&secret[..4]), "{debug}");
        }
    }

    #[test]
    fn user_id_prefix_needs_digits_and_dash() {
        assert_eq!(
            user_id_prefix("6253282-eWudHldSbIaelX7swmsiHImEL4KinwaGloHANdrY"),
            Some("6253282")
        );
        assert_eq!(
            user_id_prefix("eWudHldSbIaelX7swmsiHImEL4KinwaGloHANdrY"),
            None
        );
        assert_eq!(user_id_prefix("-abc"), None);
        assert_eq!(user_id_prefix("123-"), None);
        assert_eq!(creds().access_token.user_id(), Some("1790000000000000001"));
    }
}
