//! The OAuth 2.0 values as types: the app's Client ID (public, shown masked) and Client Secret, and a
//! user's access and refresh tokens (secrets: `Debug` prints `[REDACTED]`), and saving them in `.env`.

use std::fmt;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use secrecy::{ExposeSecret, SecretString};

use super::names;
use super::scopes::Scopes;
use crate::credentials::mask;
use crate::credentials::secret::{public_id, secret};
use crate::env_file::{self, EnvFileError, Written};

public_id!(
    /// The 'Client ID' (34 characters ending in `MTpjaQ`): identifies the app in OAuth 2.0. It
    /// travels in the authorize URL, so it is not a secret; `Debug` still shows only its first 4
    /// characters.
    ClientId
);
secret!(
    /// The 'Client Secret' of a confidential client ('Web App, Automated App or Bot').
    ClientSecret
);
secret!(
    /// An OAuth 2.0 user access token (`Authorization: Bearer …` for one account; lives 2 hours).
    UserAccessToken
);
secret!(
    /// An OAuth 2.0 refresh token (only with `offline.access`; X replaces it on every refresh).
    RefreshToken
);

/// What the token endpoint gave: the access token, maybe a refresh token, the scopes granted and
/// when the access token expires. `Debug` shows the scopes and the expiry, never a token.
#[derive(Clone, Debug)]
pub struct Tokens {
    /// The user access token.
    pub access_token: UserAccessToken,
    /// The refresh token, when `offline.access` was granted.
    pub refresh_token: Option<RefreshToken>,
    /// The scopes X granted (its `scope`), the only record of what the token may do.
    pub scopes: Scopes,
    /// When the access token expires, in Unix seconds (from `expires_in`), if X said.
    pub expires_at: Option<u64>,
}

/// The current Unix time in seconds.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Tokens {
    /// Seconds until the access token expires at `now` (negative: expired); `None` if unknown.
    pub fn expires_in(&self, now: u64) -> Option<i64> {
        self.expires_at.map(|at| at as i64 - now as i64)
    }

    /// In words, for a report: the scopes, the minutes left at `now`, and whether it can be refreshed.
    pub fn describe(&self, now: u64) -> String {
        let refresh = match self.refresh_token {
            Some(_) => "yes",
            None => "no (ask for offline.access)",
        };
        let expires = match self.expires_in(now) {
            Some(secs) if secs > 0 => format!("expires in {} min", secs / 60),
            Some(_) => "expired".to_string(),
            None => "expiry unknown".to_string(),
        };
        format!(
            "scopes {}; {expires}; refresh token: {refresh}",
            self.scopes
        )
    }

    /// The `.env` lines for these tokens: `X_OAUTH2_ACCESS_TOKEN`, `X_OAUTH2_REFRESH_TOKEN` (empty
    /// when there is none, so that an old one can't linger), `X_OAUTH2_SCOPES`, `X_OAUTH2_EXPIRES_AT`.
    ///
    /// # Security
    /// The result holds the tokens: write it to a file, never to output.
    pub fn env_values(&self) -> Vec<(&'static str, String)> {
        let refresh = self.refresh_token.as_ref().map(|t| t.expose_secret());
        vec![
            (
                names::ACCESS_TOKEN,
                self.access_token.expose_secret().to_string(),
            ),
            (
                names::REFRESH_TOKEN,
                refresh.unwrap_or_default().to_string(),
            ),
            (names::SCOPES, self.scopes.to_string()),
            (
                names::EXPIRES_AT,
                self.expires_at.map(|t| t.to_string()).unwrap_or_default(),
            ),
        ]
    }
}

/// Saves the tokens in the `.env` file at `path` through [`env_file::set_values`]: mode 0600,
/// temp file and rename, every other line kept, old values replaced in place.
///
/// # Errors
/// [`EnvFileError`] when the file can't be read or written (then it is left as it was).
///
/// # Security
/// The tokens go to the file only; the [`Written`] names the variables, never a value.
pub fn save(path: &Path, tokens: &Tokens) -> Result<Written, EnvFileError> {
    let values = tokens.env_values();
    let pairs: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
    env_file::set_values(path, &pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCESS: &str = "bWRWa3gzdnk3WHRGU1o0bmRRcTJ5VUxWX1lZTDdJSUtmaWcxbTVxdEFXcW5tOjE2MjIxNDc3NDM5MTQ6MToxOmF0OjE";
    const REFRESH: &str = "bWRWa3gzdnk3WHRGU1o0bmRRcTJ5VUxWX1lZTDdJSUtmaWcxbTVxdEFXcW5tOjE2MjIxNDc3NDM5MTQ6MToxOnJ0OjE";

    fn tokens() -> Tokens {
        Tokens {
            access_token: UserAccessToken::new(ACCESS),
            refresh_token: Some(RefreshToken::new(REFRESH)),
            scopes: Scopes::granted("tweet.read users.read offline.access"),
            expires_at: Some(1_800_007_200),
        }
    }

    #[test]
    fn debug_never_shows_a_token_or_the_secret() {
        assert_eq!(
            format!(
                "{:?}",
                ClientSecret::new("Zq9wE8rT7yU6iO5pA4sD3fG2hJ1kL0zX9cV8bN7mQ6wE5rT4yU")
            ),
            "ClientSecret([REDACTED])"
        );
        assert_eq!(
            format!("{:?}", UserAccessToken::new(ACCESS)),
            "UserAccessToken([REDACTED])"
        );
        assert_eq!(
            format!("{:?}", RefreshToken::new(REFRESH)),
            "RefreshToken([REDACTED])"
        );
        assert_eq!(
            format!("{:?}", ClientId::new("M1M5R3BMVy13QmpScXkzTUt5OE46MTpjaQ")),
            "ClientId(\"M1M5…\")"
        );
        assert_eq!(
            format!("{:?}", tokens()),
            "Tokens { access_token: UserAccessToken([REDACTED]), refresh_token: Some(RefreshToken([REDACTED])), \
             scopes: Scopes([\"tweet.read\", \"users.read\", \"offline.access\"]), expires_at: Some(1800007200) }"
        );
    }

    #[test]
    fn saved_tokens_read_back_and_a_missing_refresh_token_empties_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(
            &path,
            "# mine\nX_CLIENT_ID=abc\nX_OAUTH2_REFRESH_TOKEN=old\n",
        )
        .unwrap();
        let mut t = tokens();
        t.refresh_token = None;
        let written = save(&path, &t).unwrap();
        assert_eq!(written.replaced, [names::REFRESH_TOKEN]);
        let back: Vec<(String, String)> = dotenvy::from_path_iter(&path)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let get = |n: &str| back.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
        assert_eq!(get("X_CLIENT_ID"), Some("abc"));
        assert_eq!(get(names::ACCESS_TOKEN), Some(ACCESS));
        assert_eq!(get(names::REFRESH_TOKEN), Some(""));
        assert_eq!(
            get(names::SCOPES),
            Some("tweet.read users.read offline.access")
        );
        assert_eq!(get(names::EXPIRES_AT), Some("1800007200"));
        assert!(std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("# mine\n"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(!written.to_string().contains(ACCESS));
        assert_eq!(tokens().expires_in(1_800_000_000), Some(7200));
        assert_eq!(
            tokens().describe(1_800_000_000),
            "scopes tweet.read users.read offline.access; expires in 120 min; refresh token: yes"
        );
        assert!(t
            .describe(1_900_000_000)
            .ends_with("expired; refresh token: no (ask for offline.access)"));
    }
}
