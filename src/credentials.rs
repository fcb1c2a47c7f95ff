//! The five X credentials: their types, their names, and loading them from the environment and `.env`.
//!
//! Loading keeps every value exactly as found (untrimmed, unvalidated) together with where it came
//! from, so that [`crate::check`] can say precisely what is wrong and where. Secrets live in
//! [`secrecy::SecretString`]; no `Debug` or `Display` here prints one.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};

/// One of the five credentials X gives you, by its name in the developer portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

    /// The field a variable name stands for, canonical or alias.
    pub fn from_env_name(name: &str) -> Option<Field> {
        Field::ALL
            .into_iter()
            .find(|f| f.env_name() == name || f.aliases().contains(&name))
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

    /// How to show a value of this field: a masked prefix for the public ids, only the length for secrets.
    pub fn display_value(self, value: &str) -> String {
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

/// Masks a public id for display: its first 4 characters and `…` (the whole value if that short).
///
/// # Security
/// Use only for the API Key and the Access Token, never for a secret.
pub fn mask(value: &str) -> String {
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(4).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        "…".to_string()
    }
}

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

macro_rules! secret {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(SecretString);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(SecretString::from(value.into()))
            }
            /// The secret itself.
            ///
            /// # Security
            /// Pass it only to the signer; never print, log or format it.
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

/// The decimal user id before the first `-` of an Access Token, if the token has one.
pub fn user_id_prefix(token: &str) -> Option<&str> {
    let (digits, rest) = token.split_once('-')?;
    let ok = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty();
    ok.then_some(digits)
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

/// Where a value was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The process environment.
    Environment,
    /// A `.env` file, at a line.
    EnvFile {
        /// The file.
        path: PathBuf,
        /// The 1-based line the variable is set on.
        line: usize,
    },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Environment => f.write_str("the environment"),
            Origin::EnvFile { path, line } => write!(f, "{} line {line}", path.display()),
        }
    }
}

/// One credential variable found while loading: which field, under which name, from where.
#[derive(Clone)]
pub struct FoundValue {
    /// The credential it holds.
    pub field: Field,
    /// The variable name it was found under (canonical or alias).
    pub name: String,
    /// Where it was found.
    pub origin: Origin,
    /// Whether the raw `.env` text has a `$` that dotenv expands (unquoted or double-quoted).
    pub dollar_expanded: bool,
    value: SecretString,
}

impl FoundValue {
    /// Records a value.
    pub fn new(field: Field, name: impl Into<String>, origin: Origin, value: &str) -> Self {
        Self {
            field,
            name: name.into(),
            origin,
            dollar_expanded: false,
            value: SecretString::from(value.to_string()),
        }
    }

    /// The value exactly as loaded.
    ///
    /// # Security
    /// For checking and signing only; never print it.
    pub fn expose_value(&self) -> &str {
        self.value.expose_secret()
    }

    /// Whether the name is the canonical one (`X_*`) rather than an alias.
    pub fn is_canonical(&self) -> bool {
        self.name == self.field.env_name()
    }
}

impl fmt::Debug for FoundValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FoundValue")
            .field("field", &self.field)
            .field("name", &self.name)
            .field("origin", &self.origin)
            .field("value", &DebugValue(self.field, self.expose_value()))
            .finish()
    }
}

struct DebugValue<'a>(Field, &'a str);

impl fmt::Debug for DebugValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_secret() {
            f.write_str("[REDACTED]")
        } else {
            write!(f, "\"{}\"", mask(self.1))
        }
    }
}

/// Something about the `.env` file itself that the checker reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileIssue {
    /// A line dotenv can't parse; the line's text is not kept (it may hold a secret).
    Unparsable {
        /// The 1-based line.
        line: usize,
        /// Whether it looks like YAML (`NAME: value`) rather than `NAME=value`.
        yaml_style: bool,
        /// The variable name on that line, when it is a credential name.
        name: Option<String>,
    },
    /// The file starts with a UTF-8 byte order mark.
    Bom,
    /// The file is not valid UTF-8; the first bad byte is on this line.
    NotUtf8 {
        /// The 1-based line.
        line: usize,
    },
    /// A variable whose name looks like an X credential but isn't one xkeys knows.
    UnknownName {
        /// The name.
        name: String,
        /// The 1-based line.
        line: usize,
    },
}

/// What was found about the `.env` file.
#[derive(Clone, Debug)]
pub struct EnvFile {
    /// Its path, as given or found.
    pub path: PathBuf,
    /// Its Unix permission bits, where the platform has them.
    pub mode: Option<u32>,
    /// Problems with the file itself.
    pub issues: Vec<FileIssue>,
}

/// Everything loading found: each credential variable from each source, and the `.env` file.
#[derive(Clone, Debug, Default)]
pub struct LoadedKeys {
    /// Every credential variable found, environment first, then the file in line order.
    pub values: Vec<FoundValue>,
    /// The `.env` file, when one was read.
    pub env_file: Option<EnvFile>,
}

/// The `.env` file named explicitly could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file doesn't exist or can't be read.
    #[error(
        "can't read {path}: {reason}. Check the path, or leave out --env-file to use ./.env \
         (see \"Store and load your keys\", book/store-and-load-your-keys.md)"
    )]
    EnvFile {
        /// The file.
        path: PathBuf,
        /// Why, from the operating system.
        reason: String,
    },
}

/// Where to look for credentials.
#[derive(Clone, Debug)]
pub struct Loader {
    env_file: Option<PathBuf>,
    env_file_required: bool,
    environment: Option<Vec<(OsString, OsString)>>,
}

impl Default for Loader {
    fn default() -> Self {
        Self::new()
    }
}

impl Loader {
    /// The process environment and `./.env` if it exists.
    pub fn new() -> Self {
        Self {
            env_file: Some(PathBuf::from(".env")),
            env_file_required: false,
            environment: None,
        }
    }

    /// Reads this file instead of `./.env`; it must exist.
    pub fn env_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.env_file = Some(path.into());
        self.env_file_required = true;
        self
    }

    /// Reads no `.env` file.
    pub fn no_env_file(mut self) -> Self {
        self.env_file = None;
        self
    }

    /// Uses these variables instead of the process environment (for tests and embedding).
    pub fn environment<K, V>(mut self, vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<OsString>,
        V: Into<OsString>,
    {
        self.environment = Some(
            vars.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        );
        self
    }

    /// Loads, keeping every credential variable found with its origin.
    ///
    /// # Errors
    /// [`LoadError::EnvFile`] when a file named with [`Loader::env_file`] can't be read. A missing
    /// default `./.env` is not an error; a file that isn't valid dotenv is reported, not refused.
    pub fn load(&self) -> Result<LoadedKeys, LoadError> {
        let mut loaded = LoadedKeys::default();
        let env: Vec<(OsString, OsString)> = match &self.environment {
            Some(vars) => vars.clone(),
            None => std::env::vars_os().collect(),
        };
        for (name, value) in env {
            let (Some(name), Some(value)) = (name.to_str(), value.to_str()) else {
                continue;
            };
            if let Some(field) = Field::from_env_name(name) {
                loaded
                    .values
                    .push(FoundValue::new(field, name, Origin::Environment, value));
            }
        }
        // The environment's order is arbitrary: make reports stable.
        loaded
            .values
            .sort_by(|a, b| (a.field, &a.name).cmp(&(b.field, &b.name)));

        if let Some(path) = &self.env_file {
            match std::fs::read(path) {
                Ok(bytes) => {
                    let mut file = EnvFile {
                        path: path.clone(),
                        mode: file_mode(path),
                        issues: Vec::new(),
                    };
                    parse_env_file(&bytes, &mut file, &mut loaded.values);
                    loaded.env_file = Some(file);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && !self.env_file_required => {}
                Err(e) => {
                    return Err(LoadError::EnvFile {
                        path: path.clone(),
                        reason: e.to_string(),
                    })
                }
            }
        }
        Ok(loaded)
    }
}

/// Loads from the process environment and `./.env` (if present).
///
/// # Errors
/// Never for the default `./.env`; see [`Loader::load`].
pub fn load() -> Result<LoadedKeys, LoadError> {
    Loader::new().load()
}

impl LoadedKeys {
    /// The value used for a field: the canonical name before aliases, the environment before the file
    /// (as `dotenvy::dotenv()` does: it never overrides a variable already set), the first definition
    /// in the file before later ones.
    pub fn effective(&self, field: Field) -> Option<&FoundValue> {
        let names = std::iter::once(field.env_name()).chain(field.aliases().iter().copied());
        for name in names {
            let mut candidates = self
                .values
                .iter()
                .filter(|v| v.field == field && v.name == name);
            if let Some(v) = candidates.next() {
                return Some(v);
            }
        }
        None
    }

    /// The typed credentials, if all four user-context values are present (values as loaded: run
    /// [`crate::check::check`] first to catch copy-paste mistakes).
    ///
    /// # Errors
    /// The fields that are missing.
    pub fn credentials(&self) -> Result<Credentials, Vec<Field>> {
        let get = |f| self.effective(f).map(|v| v.expose_value().to_string());
        let missing: Vec<Field> = Field::USER_CONTEXT
            .into_iter()
            .filter(|f| get(*f).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        let value = |f| get(f).unwrap_or_default();
        Ok(Credentials {
            api_key: ApiKey::new(value(Field::ApiKey)),
            api_key_secret: ApiKeySecret::new(value(Field::ApiKeySecret)),
            access_token: AccessToken::new(value(Field::AccessToken)),
            access_token_secret: AccessTokenSecret::new(value(Field::AccessTokenSecret)),
            bearer_token: get(Field::BearerToken).map(BearerToken::new),
        })
    }

    /// What loading these `.env` bytes finds, as if read from `path` (no environment, no file access).
    pub fn from_env_file_bytes(path: impl Into<PathBuf>, bytes: &[u8]) -> LoadedKeys {
        let mut file = EnvFile {
            path: path.into(),
            mode: None,
            issues: Vec::new(),
        };
        let mut values = Vec::new();
        parse_env_file(bytes, &mut file, &mut values);
        LoadedKeys {
            values,
            env_file: Some(file),
        }
    }

    /// Whether no credential was found anywhere.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

#[cfg(unix)]
fn file_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn file_mode(_path: &Path) -> Option<u32> {
    None
}

/// A physical line that assigns a variable: its name and what the raw text says about the value.
struct Assignment {
    name: String,
    line: usize,
    dollar_expanded: bool,
}

/// Parses `.env` bytes with dotenvy (so values are what a bot using dotenvy gets), and separately scans
/// the raw lines for line numbers and the traps dotenvy hides (`$` expansion, YAML style, unknown names).
fn parse_env_file(bytes: &[u8], file: &mut EnvFile, values: &mut Vec<FoundValue>) {
    let mut bytes = bytes;
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        file.issues.push(FileIssue::Bom);
        bytes = rest;
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            file.issues.push(FileIssue::NotUtf8 { line });
            String::from_utf8_lossy(bytes)
        }
    };

    let assignments = scan_assignments(&text);
    for a in &assignments {
        if Field::from_env_name(&a.name).is_none() && looks_like_x_name(&a.name) {
            file.issues.push(FileIssue::UnknownName {
                name: a.name.clone(),
                line: a.line,
            });
        }
    }

    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut search_from = 0;
    for item in dotenvy::from_read_iter(text.as_bytes()) {
        match item {
            Ok((name, value)) => {
                let Some(field) = Field::from_env_name(&name) else {
                    continue;
                };
                let nth = seen.entry(name.clone()).or_insert(0);
                let assignment = assignments.iter().filter(|a| a.name == name).nth(*nth);
                *nth += 1;
                let line = assignment.map_or(0, |a| a.line);
                let mut found = FoundValue::new(
                    field,
                    name,
                    Origin::EnvFile {
                        path: file.path.clone(),
                        line,
                    },
                    &value,
                );
                found.dollar_expanded = assignment.is_some_and(|a| a.dollar_expanded);
                values.push(found);
            }
            Err(dotenvy::Error::LineParse(bad, _)) => {
                // Find the line without ever printing it: it may hold a secret.
                let at = text[search_from..]
                    .find(bad.as_str())
                    .map(|i| i + search_from)
                    .unwrap_or(search_from);
                search_from = (at + bad.len()).min(text.len());
                let line = text[..at].matches('\n').count() + 1;
                let name = scan_name(bad.trim_start());
                let yaml_style = name.as_ref().is_some_and(|(_, sep)| *sep == ':');
                file.issues.push(FileIssue::Unparsable {
                    line,
                    yaml_style,
                    name: name
                        .map(|(n, _)| n)
                        .filter(|n| Field::from_env_name(n).is_some()),
                });
            }
            Err(_) => break,
        }
    }
}

/// The variable name at the start of a line and the separator after it (`=` or `:`).
fn scan_name(line: &str) -> Option<(String, char)> {
    let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(line.len());
    let (name, rest) = line.split_at(end);
    let sep = rest.trim_start().chars().next()?;
    (!name.is_empty() && (sep == '=' || sep == ':')).then(|| (name.to_string(), sep))
}

fn scan_assignments(text: &str) -> Vec<Assignment> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let trimmed = raw.trim_start();
        if trimmed.starts_with('#') {
            continue;
        }
        let Some((name, sep)) = scan_name(trimmed) else {
            continue;
        };
        if sep != '=' {
            continue;
        }
        let value = trimmed.split_once('=').map_or("", |(_, v)| v).trim_start();
        // dotenvy substitutes `$NAME` and `${NAME}` except inside single quotes.
        let dollar_expanded = !value.starts_with('\'') && has_substitution(value);
        out.push(Assignment {
            name,
            line: i + 1,
            dollar_expanded,
        });
    }
    out
}

fn has_substitution(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.iter().enumerate().any(|(i, b)| {
        *b == b'$'
            && (i == 0 || bytes[i - 1] != b'\\')
            && bytes
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == b'_' || *n == b'{')
    })
}

fn looks_like_x_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper.contains("TWITTER")
        || (upper.starts_with("X_") && ["KEY", "SECRET", "TOKEN"].iter().any(|w| upper.contains(w)))
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
    fn found_value_debug_hides_secrets() {
        let v = FoundValue::new(
            Field::ApiKeySecret,
            "X_API_KEY_SECRET",
            Origin::Environment,
            API_SECRET,
        );
        let text = format!("{v:?}");
        assert!(!text.contains(&API_SECRET[..8]), "{text}");
        assert!(text.contains("[REDACTED]"));
        let v = FoundValue::new(Field::ApiKey, "X_API_KEY", Origin::Environment, API_KEY);
        assert!(format!("{v:?}").contains("\"Xa1b…\""));
    }

    #[test]
    fn mask_shows_at_most_four_chars() {
        assert_eq!(mask("abcdefgh"), "abcd…");
        assert_eq!(mask("abcd"), "…");
        assert_eq!(mask(""), "…");
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
    }

    #[test]
    fn env_file_values_lines_and_traps() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(
            &path,
            "# comment\nX_API_KEY=abc\nX_API_KEY_SECRET=\"a${HOME}\"\nX_ACCESS_TOKEN='1-a$b'\nX_API_KEY=dup\nX_TWITTER_KEY=1\nX_ACCESS_TOKEN_SECRET: yaml\n",
        )
        .unwrap();
        let loaded = Loader::new()
            .env_file(&path)
            .environment(Vec::<(String, String)>::new())
            .load()
            .unwrap();
        let lines: Vec<(&str, usize, bool)> = loaded
            .values
            .iter()
            .map(|v| match &v.origin {
                Origin::EnvFile { line, .. } => (v.name.as_str(), *line, v.dollar_expanded),
                Origin::Environment => (v.name.as_str(), 0, false),
            })
            .collect();
        assert_eq!(
            lines,
            vec![
                ("X_API_KEY", 2, false),
                ("X_API_KEY_SECRET", 3, true),
                ("X_ACCESS_TOKEN", 4, false),
                ("X_API_KEY", 5, false),
            ]
        );
        assert_eq!(
            loaded.effective(Field::ApiKey).unwrap().expose_value(),
            "abc"
        );
        assert_eq!(
            loaded.effective(Field::AccessToken).unwrap().expose_value(),
            "1-a$b"
        );
        let issues = &loaded.env_file.as_ref().unwrap().issues;
        assert!(
            issues.contains(&FileIssue::UnknownName {
                name: "X_TWITTER_KEY".into(),
                line: 6
            }),
            "{issues:?}"
        );
        assert!(
            issues.contains(&FileIssue::Unparsable {
                line: 7,
                yaml_style: true,
                name: Some("X_ACCESS_TOKEN_SECRET".into())
            }),
            "{issues:?}"
        );
    }

    #[test]
    fn environment_wins_over_file_and_canonical_over_alias() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, "X_API_KEY=fromfile\nCONSUMER_KEY=alias\n").unwrap();
        let loaded = Loader::new()
            .env_file(&path)
            .environment([("X_API_KEY", "fromenv"), ("PATH", "/bin")])
            .load()
            .unwrap();
        let eff = loaded.effective(Field::ApiKey).unwrap();
        assert_eq!(eff.expose_value(), "fromenv");
        assert_eq!(eff.origin, Origin::Environment);
        assert_eq!(loaded.values.len(), 3);
    }

    #[test]
    fn missing_named_file_is_a_clear_error() {
        let err = Loader::new()
            .env_file("/nonexistent/.env")
            .load()
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("/nonexistent/.env") && text.contains("--env-file"),
            "{text}"
        );
    }

    #[test]
    fn bom_and_bad_utf8_are_reported_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(
            &path,
            b"\xEF\xBB\xBFX_API_KEY=abc\nX_API_KEY_SECRET=\xff\xfe\n",
        )
        .unwrap();
        let loaded = Loader::new()
            .env_file(&path)
            .environment(Vec::<(String, String)>::new())
            .load()
            .unwrap();
        let issues = &loaded.env_file.as_ref().unwrap().issues;
        assert!(issues.contains(&FileIssue::Bom));
        assert!(issues.contains(&FileIssue::NotUtf8 { line: 2 }));
        assert_eq!(
            loaded.effective(Field::ApiKey).unwrap().expose_value(),
            "abc"
        );
    }
}
