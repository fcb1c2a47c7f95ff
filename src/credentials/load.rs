//! Loading: every credential variable from the environment and a `.env` file, with its origin, and
//! what is wrong with the file itself.
//!
//! Values are the ones dotenvy yields (what a bot using dotenvy sees); [`crate::dotenv`]'s lexer gives
//! each its line and explains the lines dotenvy refuses.

use std::borrow::Cow;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::{
    AccessToken, AccessTokenSecret, ApiKey, ApiKeySecret, BearerToken, Credentials, Field,
    FoundValue, Origin, Refusal,
};
use crate::dotenv::{self, Kind};

/// Something about the `.env` file itself that the checker reports.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileIssue {
    /// A line dotenv can't parse; the line's text is not kept (it may hold a secret).
    Unparsable {
        /// The 1-based line.
        line: usize,
        /// Whether it looks like YAML (`NAME: value`) rather than `NAME=value`.
        yaml_style: bool,
        /// The variable name on that line, when it is a credential name.
        name: Option<String>,
        /// Why dotenv refuses it, as far as the line shows.
        cause: Refusal,
    },
    /// A credential assigned with spaces around `=` (dotenv reads it; a shell doesn't).
    SpacesAroundEquals {
        /// The 1-based line.
        line: usize,
        /// The variable name.
        name: String,
    },
    /// The file starts with a UTF-8 byte order mark.
    Bom,
    /// The file is not valid UTF-8; the first bad byte is on this line.
    NotUtf8 {
        /// The 1-based line.
        line: usize,
    },
    /// A credential's line that dotenv reads as part of an earlier line's value: that line's quote
    /// never closes, so the value goes on to the end of the file.
    Swallowed {
        /// The 1-based line that sets the credential.
        line: usize,
        /// Its variable name.
        name: String,
        /// The line whose quote never closes.
        opened_on: usize,
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
    /// Where the default `.env` was looked for and not found (and a parent folder's, if any).
    pub no_env_file: Option<NoEnvFile>,
    /// Variables under common names that xkeys doesn't read but that may hold a credential
    /// (`API_KEY`, `API_SECRET`): named in the report when that credential is missing.
    pub unread: Vec<UnreadName>,
}

/// The default `.env` was not there: the folder looked in, and the `.env` of a parent folder that
/// `dotenvy::dotenv()` would load instead (it searches the parent folders; xkeys doesn't).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoEnvFile {
    /// The folder looked in, absolute when the current directory is known.
    pub folder: PathBuf,
    /// The nearest parent folder's `.env`, if there is one.
    pub in_parent: Option<PathBuf>,
}

impl NoEnvFile {
    /// Where the looking happened: `dir` (the folder of the path looked for, relative to the current
    /// directory), then up its parents for a `.env`.
    fn looked_in(path: &Path) -> Self {
        let dir = path.parent().unwrap_or(Path::new(""));
        let folder = std::env::current_dir().map_or(dir.to_path_buf(), |cwd| cwd.join(dir));
        let folder = folder.canonicalize().unwrap_or(folder);
        let in_parent = folder
            .ancestors()
            .skip(1)
            .map(|d| d.join(".env"))
            .find(|f| f.is_file());
        Self { folder, in_parent }
    }

    /// The parent folder's `.env` as `--env-file` takes it from the folder looked in: `../.env`.
    pub fn parent_relative(&self) -> Option<PathBuf> {
        let found = self.in_parent.as_ref()?;
        let up = self
            .folder
            .ancestors()
            .position(|d| found.parent() == Some(d))?;
        Some(
            std::iter::repeat_n("..", up)
                .collect::<PathBuf>()
                .join(".env"),
        )
    }
}

impl std::fmt::Display for NoEnvFile {
    /// `no .env in /path/to/bot`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no .env in {}", self.folder.display())
    }
}

/// A variable xkeys doesn't read under a name tutorials use for an X credential (`API_KEY`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnreadName {
    /// The credential it may hold.
    pub field: Field,
    /// The variable name.
    pub name: String,
    /// Where it is set.
    pub origin: Origin,
}

/// Names that tweepy tutorials use for the API Key and Secret but that other services use too (an
/// `API_KEY` in the environment may well be another service's): never read, only pointed at.
const UNREAD_NAMES: &[(&str, Field)] = &[
    ("API_KEY", Field::ApiKey),
    ("API_SECRET", Field::ApiKeySecret),
    ("API_KEY_SECRET", Field::ApiKeySecret),
    ("API_SECRET_KEY", Field::ApiKeySecret),
];

/// The credential an unread common name may hold.
fn unread_field(name: &str) -> Option<Field> {
    UNREAD_NAMES
        .iter()
        .find_map(|(n, f)| (*n == name).then_some(*f))
}

/// The `.env` file named explicitly could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
            } else if let Some(field) = unread_field(name).filter(|_| !value.is_empty()) {
                let (name, origin) = (name.to_string(), Origin::Environment);
                loaded.unread.push(UnreadName {
                    field,
                    name,
                    origin,
                });
            }
        }
        // The environment's order is arbitrary: make reports stable.
        loaded
            .values
            .sort_by(|a, b| (a.field, &a.name).cmp(&(b.field, &b.name)));
        loaded.unread.sort_by(|a, b| a.name.cmp(&b.name));

        if let Some(path) = &self.env_file {
            match std::fs::read(path) {
                Ok(bytes) => {
                    let mode = dotenv::mode_of(path);
                    let file = read_env_file(path.clone(), mode, &bytes, &mut loaded);
                    loaded.env_file = Some(file);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && !self.env_file_required => {
                    loaded.no_env_file = Some(NoEnvFile::looked_in(path));
                }
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
        field.names().find_map(|name| {
            self.values
                .iter()
                .find(|v| v.field == field && v.name == name)
        })
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
        let mut loaded = LoadedKeys::default();
        let file = read_env_file(path.into(), None, bytes, &mut loaded);
        loaded.env_file = Some(file);
        loaded
    }

    /// Whether no credential was found anywhere.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// Reads `.env` bytes: the values with dotenvy (so they are what a bot using dotenvy gets), their lines
/// and the traps dotenvy hides (`$` expansion, YAML style, unknown names) from the lexer's spans.
fn read_env_file(
    path: PathBuf,
    mode: Option<u32>,
    bytes: &[u8],
    loaded: &mut LoadedKeys,
) -> EnvFile {
    let mut issues = Vec::new();
    let text = decode(bytes, &mut issues);
    let spans = dotenv::spans(&text);
    for span in &spans {
        if span.unterminated {
            swallowed(span, &mut issues);
        }
        if let Some(a) = span.assignment() {
            let known = Field::from_env_name(a.name).is_some();
            if let Some(field) = unread_field(a.name).filter(|_| !a.value.is_empty()) {
                let line = span.first_line;
                loaded.unread.push(UnreadName {
                    field,
                    name: a.name.to_string(),
                    origin: Origin::EnvFile {
                        path: path.clone(),
                        line,
                    },
                });
            } else if !known && looks_like_x_name(a.name) {
                issues.push(FileIssue::UnknownName {
                    name: a.name.to_string(),
                    line: span.first_line,
                });
            }
            let separator = span.text[a.prefix.len() + a.name.len()..]
                .split_inclusive('=')
                .next()
                .unwrap_or("");
            let after = &span.text[a.prefix.len() + a.name.len() + separator.len()..];
            if known && (separator.len() > 1 || after.starts_with([' ', '\t'])) {
                issues.push(FileIssue::SpacesAroundEquals {
                    name: a.name.to_string(),
                    line: span.first_line,
                });
            }
        }
    }
    // Each span that is not blank or a comment is one item of dotenvy, in order.
    let mut items = spans.iter().filter(|s| s.is_item());
    for item in dotenvy::from_read_iter(text.as_bytes()) {
        let span = items.next();
        match item {
            Ok((name, value)) => {
                let Some(field) = Field::from_env_name(&name) else {
                    continue;
                };
                let assignment = span
                    .and_then(|s| s.assignment().map(|a| (s.first_line, a)))
                    .filter(|(_, a)| a.name == name);
                let origin = Origin::EnvFile {
                    path: path.clone(),
                    line: assignment.map_or(0, |(line, _)| line),
                };
                let mut found = FoundValue::new(field, name, origin, &value);
                found.dollar_expanded = assignment.is_some_and(|(_, a)| a.expands_dollar());
                loaded.values.push(found);
            }
            // The line is never printed, only its number and name: it may hold a secret.
            Err(dotenvy::Error::LineParse(..)) => issues.push(FileIssue::Unparsable {
                line: span.map_or(0, |s| s.first_line),
                yaml_style: span.is_some_and(|s| {
                    matches!(
                        s.kind,
                        Kind::Unparsable {
                            yaml_style: true,
                            ..
                        }
                    )
                }),
                name: span
                    .and_then(|s| s.name())
                    .filter(|n| Field::from_env_name(n).is_some())
                    .map(str::to_string),
                cause: span.map_or(Refusal::Other, |s| s.refusal()),
            }),
            Err(_) => break,
        }
    }
    EnvFile { path, mode, issues }
}

/// The credentials set on the lines an unterminated span runs over (after its first): dotenv reads
/// them as part of the first line's value, so they are in the file but not loaded.
fn swallowed(span: &dotenv::Span<'_>, issues: &mut Vec<FileIssue>) {
    for (i, line) in span.text.split_inclusive('\n').enumerate().skip(1) {
        let name = dotenv::spans(line)
            .first()
            .and_then(|s| s.assignment().map(|a| a.name));
        if let Some(name) = name.filter(|n| Field::from_env_name(n).is_some()) {
            issues.push(FileIssue::Swallowed {
                line: span.first_line + i,
                name: name.to_string(),
                opened_on: span.first_line,
            });
        }
    }
}

/// The text of the file, without a byte order mark; bad UTF-8 is replaced (and reported) so the rest
/// can still be checked.
fn decode<'a>(bytes: &'a [u8], issues: &mut Vec<FileIssue>) -> Cow<'a, str> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => {
            issues.push(FileIssue::Bom);
            rest
        }
        None => bytes,
    };
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(e) => {
            let line = dotenv::line_at(bytes, e.valid_up_to());
            issues.push(FileIssue::NotUtf8 { line });
            String::from_utf8_lossy(bytes)
        }
    }
}

/// Whether an unknown variable name looks like it was meant for an X credential.
fn looks_like_x_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper.contains("TWITTER")
        || (upper.starts_with("X_") && ["KEY", "SECRET", "TOKEN"].iter().any(|w| upper.contains(w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loads a `.env` file holding `content`, with this environment.
    fn load_from(content: impl AsRef<[u8]>, env: &[(&str, &str)]) -> LoadedKeys {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, content).unwrap();
        Loader::new()
            .env_file(&path)
            .environment(env.iter().copied())
            .load()
            .unwrap()
    }

    #[test]
    fn env_file_values_lines_and_traps() {
        let loaded = load_from(
            "# comment\nX_API_KEY=abc\nX_API_KEY_SECRET=\"a${HOME}\"\nX_ACCESS_TOKEN='1-a$b'\nX_API_KEY=dup\nX_TWITTER_KEY=1\nX_ACCESS_TOKEN_SECRET: yaml\n",
            &[],
        );
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
                name: Some("X_ACCESS_TOKEN_SECRET".into()),
                cause: Refusal::Yaml,
            }),
            "{issues:?}"
        );
    }

    #[test]
    fn lines_stay_right_after_multi_line_values_and_refused_lines_are_named() {
        let text = "# a b\nX_API_KEY=\"two\nlines\"\nX_API_KEY_SECRET=a b\nX_ACCESS_TOKEN=1-a # $HOME\nX_BEARER_TOKEN=\"open\n";
        let loaded = LoadedKeys::from_env_file_bytes(".env", text.as_bytes());
        let lines: Vec<(&str, String, bool)> = loaded
            .values
            .iter()
            .map(|v| (v.name.as_str(), v.origin.to_string(), v.dollar_expanded))
            .collect();
        assert_eq!(
            lines,
            [
                ("X_API_KEY", ".env line 2".to_string(), false),
                ("X_ACCESS_TOKEN", ".env line 5".to_string(), false),
            ]
        );
        let unparsable = |line, name: &str, cause| FileIssue::Unparsable {
            line,
            yaml_style: false,
            name: Some(name.into()),
            cause,
        };
        assert_eq!(
            loaded.env_file.unwrap().issues,
            [
                unparsable(4, "X_API_KEY_SECRET", Refusal::SpaceInValue),
                unparsable(6, "X_BEARER_TOKEN", Refusal::UnclosedQuote)
            ]
        );
    }

    #[test]
    fn environment_wins_over_file_and_canonical_over_alias() {
        let loaded = load_from(
            "X_API_KEY=fromfile\nCONSUMER_KEY=alias\n",
            &[("X_API_KEY", "fromenv"), ("PATH", "/bin")],
        );
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
        let loaded = load_from(
            b"\xEF\xBB\xBFX_API_KEY=abc\nX_API_KEY_SECRET=\xff\xfe\n",
            &[],
        );
        let issues = &loaded.env_file.as_ref().unwrap().issues;
        assert!(issues.contains(&FileIssue::Bom));
        assert!(issues.contains(&FileIssue::NotUtf8 { line: 2 }));
        assert_eq!(
            loaded.effective(Field::ApiKey).unwrap().expose_value(),
            "abc"
        );
    }
}
