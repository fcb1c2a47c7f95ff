//! A value as loading found it: untrimmed and unvalidated, with its variable name and where it was.

use std::fmt;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};

use super::secret::looks_public;
use super::{mask, Field};

/// Where a value was found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
    ///
    /// # Security
    /// `value` may be a secret: it is kept in a [`SecretString`] and never printed.
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

/// A value in `Debug`: masked when public, `[REDACTED]` when secret or shaped like one.
struct DebugValue<'a>(Field, &'a str);

impl fmt::Debug for DebugValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_secret() || !looks_public(self.1) {
            f.write_str("[REDACTED]")
        } else {
            write!(f, "\"{}\"", mask(self.1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_value_debug_hides_secrets() {
        let secret = "Zq9wE8rT7yU6iO5pA4sD3fG2hJ1kL0zX9cV8bN7mQ6wE5rT4yU";
        let v = FoundValue::new(
            Field::ApiKeySecret,
            "X_API_KEY_SECRET",
            Origin::Environment,
            secret,
        );
        let text = format!("{v:?}");
        assert!(!text.contains(&secret[..8]), "{text}");
        assert!(text.contains("[REDACTED]"));
        let v = FoundValue::new(
            Field::ApiKey,
            "X_API_KEY",
            Origin::Environment,
            "Xa1bC2dE3fG4hI5jK6lM7nO8p",
        );
        assert!(format!("{v:?}").contains("\"Xa1b…\""));
        // The secret in the API Key's slot is redacted too.
        let v = FoundValue::new(Field::ApiKey, "X_API_KEY", Origin::Environment, secret);
        let text = format!("{v:?}");
        assert!(
            !text.contains(&secret[..4]) && text.contains("[REDACTED]"),
            "{text}"
        );
    }
}
