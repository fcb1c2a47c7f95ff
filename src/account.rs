//! Who the keys act for and with what permission: the [`Account`] X answers with, the
//! [`AccessLevel`] of a token (`x-access-level`), and the [`Need`] a reader has for it.
//!
//! Both `verify` (user context) and `bearer` (app-only lookups) read accounts; neither depends on
//! the other for it.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// The account the keys act for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Account {
    /// The numeric user id.
    pub id: String,
    /// The @username, without `@`.
    pub username: String,
    /// The display name.
    pub name: String,
}

impl Account {
    /// The account in a user object's JSON (`data` of `/2/users/me` or `/2/users/by/username/…`):
    /// `None` without an `id` and a `username`.
    pub fn from_data(data: &serde_json::Value) -> Option<Account> {
        let s = |k: &str| data.get(k).and_then(|x| x.as_str()).map(str::to_string);
        Some(Account {
            id: s("id")?,
            username: s("username")?,
            name: s("name").unwrap_or_default(),
        })
    }
}

/// The permission an Access Token carries, from `x-access-level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AccessLevel {
    /// `read`.
    Read,
    /// `read-write`.
    ReadWrite,
    /// `read-write-directmessages` (legacy `read-write-privatemessages`).
    #[serde(rename = "read-write-directmessages")]
    ReadWriteDirectMessages,
}

impl AccessLevel {
    /// Parses the header's value; `None` for an empty or unknown one.
    pub fn from_header(value: &str) -> Option<AccessLevel> {
        match value.trim() {
            "read" => Some(AccessLevel::Read),
            "read-write" => Some(AccessLevel::ReadWrite),
            "read-write-directmessages" | "read-write-privatemessages" => {
                Some(AccessLevel::ReadWriteDirectMessages)
            }
            _ => None,
        }
    }

    /// The header's value, e.g. `read-write` (as serialized).
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::Read => "read",
            AccessLevel::ReadWrite => "read-write",
            AccessLevel::ReadWriteDirectMessages => "read-write-directmessages",
        }
    }

    /// The name the portal's 'App permissions' shows.
    pub fn label(self) -> &'static str {
        match self {
            AccessLevel::Read => "Read",
            AccessLevel::ReadWrite => "Read and write",
            AccessLevel::ReadWriteDirectMessages => "Read and write and Direct message",
        }
    }

    /// Whether it is enough for a need.
    pub fn satisfies(self, need: Need) -> bool {
        match need {
            Need::Read => true,
            Need::Write => self >= AccessLevel::ReadWrite,
            Need::DirectMessages => self == AccessLevel::ReadWriteDirectMessages,
        }
    }
}

/// What the reader needs the keys for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Need {
    /// Reading only.
    Read,
    /// Posting (and reading).
    Write,
    /// Direct messages (and posting, reading): the guide's setting.
    DirectMessages,
}

impl Need {
    /// Every need, as `--need` lists them.
    pub const ALL: [Need; 3] = [Need::Read, Need::Write, Need::DirectMessages];

    /// Its name on the command line: `read`, `write` or `dm`.
    pub fn name(self) -> &'static str {
        match self {
            Need::Read => "read",
            Need::Write => "write",
            Need::DirectMessages => "dm",
        }
    }

    /// The portal's name for the least permission that satisfies it.
    pub fn label(self) -> &'static str {
        match self {
            Need::Read => AccessLevel::Read.label(),
            Need::Write => AccessLevel::ReadWrite.label(),
            Need::DirectMessages => AccessLevel::ReadWriteDirectMessages.label(),
        }
    }
}

/// A `--need` that is not `read`, `write` or `dm`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a need: use read, write or dm")]
pub struct UnknownNeed(pub String);

impl FromStr for Need {
    type Err = UnknownNeed;

    /// `read`, `write` or `dm` (what `--need` takes).
    fn from_str(name: &str) -> Result<Need, UnknownNeed> {
        Need::ALL
            .into_iter()
            .find(|n| n.name() == name)
            .ok_or_else(|| UnknownNeed(name.to_string()))
    }
}

impl fmt::Display for Need {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_levels_parse_and_satisfy() {
        assert_eq!(
            AccessLevel::from_header("read-write-privatemessages"),
            Some(AccessLevel::ReadWriteDirectMessages)
        );
        assert_eq!(AccessLevel::from_header(""), None);
        assert!(AccessLevel::ReadWrite.satisfies(Need::Write));
        assert!(!AccessLevel::ReadWrite.satisfies(Need::DirectMessages));
        assert!(!AccessLevel::Read.satisfies(Need::Write));
        assert_eq!(
            Need::DirectMessages.label(),
            "Read and write and Direct message"
        );
        for level in [
            AccessLevel::Read,
            AccessLevel::ReadWrite,
            AccessLevel::ReadWriteDirectMessages,
        ] {
            assert_eq!(AccessLevel::from_header(level.as_str()), Some(level));
            assert_eq!(serde_json::to_value(level).unwrap(), level.as_str());
        }
    }

    #[test]
    fn needs_parse_from_their_names() {
        assert_eq!("dm".parse(), Ok(Need::DirectMessages));
        assert_eq!(
            "write".parse::<Need>().map(|n| n.to_string()).as_deref(),
            Ok("write")
        );
        let err = "admin".parse::<Need>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"admin\" is not a need: use read, write or dm"
        );
    }

    #[test]
    fn accounts_come_from_user_objects() {
        let data = serde_json::json!({"id": "42", "username": "bot", "name": "A bot"});
        assert_eq!(
            Account::from_data(&data),
            Some(Account {
                id: "42".into(),
                username: "bot".into(),
                name: "A bot".into()
            })
        );
        assert_eq!(Account::from_data(&serde_json::json!({"id": "42"})), None);
    }
}
