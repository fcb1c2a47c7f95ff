//! The OAuth 2.0 values a bot keeps (`X_CLIENT_ID`, `X_CLIENT_SECRET`, `X_OAUTH2_*`), read from the
//! environment and a `.env` file as dotenvy reads them: the environment wins, empty means unset.

use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};

use super::names;
use super::scopes::Scopes;
use super::tokens::{ClientId, ClientSecret, RefreshToken, Tokens, UserAccessToken};
use super::DEFAULT_REDIRECT_URI;

/// Where a value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The process environment (it wins over the file).
    Environment,
    /// The `.env` file.
    File(PathBuf),
}

/// The `.env` file can't be read as dotenvy reads it. Never holds a value or a line's text.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// The file exists but can't be read.
    #[error("can't read {path}: {reason}. Check the path and its permissions (see \"Store and load your keys\", book/store-and-load-your-keys.md)")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why, from the operating system.
        reason: String,
    },
    /// dotenvy stops at a line it can't parse, and ignores everything after it.
    #[error("{path} has a line dotenv can't read, and dotenv ignores every line after it: run `cargo run --example check_keys` to find and fix it")]
    Unparsable {
        /// The file.
        path: PathBuf,
    },
}

/// The OAuth 2.0 values found, with their sources. `Debug` shows names and sources only.
#[derive(Clone, Default)]
pub struct Settings {
    values: Vec<(String, SecretString, Source)>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut list = f.debug_map();
        for (name, _, source) in &self.values {
            list.entry(name, source);
        }
        list.finish()
    }
}

impl Settings {
    /// The OAuth 2.0 values of the process environment and `env_file` (a missing file is empty).
    ///
    /// # Errors
    /// [`SettingsError`] when the file can't be read or has a line dotenvy refuses.
    pub fn load(env_file: Option<&Path>) -> Result<Settings, SettingsError> {
        Settings::from_sources(std::env::vars(), env_file)
    }

    /// The same, from these variables instead of the process environment.
    ///
    /// # Errors
    /// As [`Settings::load`].
    pub fn from_sources(
        environment: impl IntoIterator<Item = (String, String)>,
        env_file: Option<&Path>,
    ) -> Result<Settings, SettingsError> {
        let mut settings = Settings::default();
        for (name, value) in environment {
            settings.add(name, value, Source::Environment);
        }
        let Some(path) = env_file.filter(|p| p.exists()) else {
            return Ok(settings);
        };
        let read_failed = |e: dotenvy::Error| match e {
            dotenvy::Error::Io(io) => SettingsError::Read {
                path: path.to_path_buf(),
                reason: io.to_string(),
            },
            // The error holds the line's text, which may hold a secret: only the file is named.
            _ => SettingsError::Unparsable {
                path: path.to_path_buf(),
            },
        };
        for item in dotenvy::from_path_iter(path).map_err(read_failed)? {
            let (name, value) = item.map_err(read_failed)?;
            settings.add(name, value, Source::File(path.to_path_buf()));
        }
        Ok(settings)
    }

    /// Keeps an OAuth 2.0 variable that is set and not empty, unless one of the same name came first.
    fn add(&mut self, name: String, value: String, source: Source) {
        let ours = names::ALL.contains(&name.as_str());
        if ours && !value.trim().is_empty() && self.get(&name).is_none() {
            self.values.push((name, SecretString::from(value), source));
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, ..)| n == name)
            .map(|(_, v, _)| v.expose_secret())
    }

    /// Where a variable came from, if it is set.
    pub fn source(&self, name: &str) -> Option<&Source> {
        self.values
            .iter()
            .find(|(n, ..)| n == name)
            .map(|(.., s)| s)
    }

    /// `X_CLIENT_ID`.
    pub fn client_id(&self) -> Option<ClientId> {
        self.get(names::CLIENT_ID).map(|v| ClientId::new(v.trim()))
    }

    /// `X_CLIENT_SECRET` (set for a confidential client only).
    ///
    /// # Security
    /// The secret goes to the token endpoint's Basic header only.
    pub fn client_secret(&self) -> Option<ClientSecret> {
        self.get(names::CLIENT_SECRET)
            .map(|v| ClientSecret::new(v.trim()))
    }

    /// `X_OAUTH2_REDIRECT_URI`, or `http://127.0.0.1:8765/callback`.
    pub fn redirect_uri(&self) -> String {
        self.get(names::REDIRECT_URI)
            .unwrap_or(DEFAULT_REDIRECT_URI)
            .trim()
            .to_string()
    }

    /// The saved tokens (`X_OAUTH2_ACCESS_TOKEN` and the others), when an access token is set.
    ///
    /// # Security
    /// The tokens are secrets: send them to X only.
    pub fn tokens(&self) -> Option<Tokens> {
        let access = self.get(names::ACCESS_TOKEN)?;
        Some(Tokens {
            access_token: UserAccessToken::new(access.trim()),
            refresh_token: self
                .get(names::REFRESH_TOKEN)
                .map(|v| RefreshToken::new(v.trim())),
            scopes: Scopes::granted(self.get(names::SCOPES).unwrap_or("")),
            expires_at: self
                .get(names::EXPIRES_AT)
                .and_then(|v| v.trim().parse().ok()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_wins_empty_is_unset_and_debug_shows_no_value() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        let file = "X_CLIENT_ID=fromfile\nX_CLIENT_SECRET=s3cr3tfromfile\nX_OAUTH2_ACCESS_TOKEN=at\nX_OAUTH2_REFRESH_TOKEN=\nX_OAUTH2_SCOPES='tweet.read users.read'\nX_OAUTH2_EXPIRES_AT=1800000000\nOTHER=x\n";
        std::fs::write(&path, file).unwrap();
        let env = [("X_CLIENT_ID".to_string(), "fromenv".to_string())];
        let s = Settings::from_sources(env, Some(&path)).unwrap();
        assert_eq!(s.client_id().unwrap().as_str(), "fromenv");
        assert_eq!(s.source(names::CLIENT_ID), Some(&Source::Environment));
        assert_eq!(s.client_secret().unwrap().expose_secret(), "s3cr3tfromfile");
        let tokens = s.tokens().unwrap();
        assert!(tokens.refresh_token.is_none());
        assert_eq!(tokens.scopes.to_string(), "tweet.read users.read");
        assert_eq!(tokens.expires_at, Some(1_800_000_000));
        assert_eq!(s.redirect_uri(), DEFAULT_REDIRECT_URI);
        let shown = format!("{s:?}");
        assert!(
            !shown.contains("s3cr3t") && shown.contains("X_CLIENT_SECRET"),
            "{shown}"
        );
        assert!(s.source("OTHER").is_none());
    }

    #[test]
    fn a_line_dotenv_refuses_is_reported_without_its_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, "X_CLIENT_SECRET: s3cr3t value\n").unwrap();
        let err = Settings::from_sources(Vec::new(), Some(&path)).unwrap_err();
        assert!(matches!(err, SettingsError::Unparsable { .. }));
        assert!(!err.to_string().contains("s3cr3t"), "{err}");
        let missing = dir.path().join("none.env");
        assert!(Settings::from_sources(Vec::new(), Some(&missing))
            .unwrap()
            .client_id()
            .is_none());
    }
}
