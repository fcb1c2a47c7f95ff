//! X's answers, explained: every failure X (or the network) can give classified into a [`Problem`]
//! with the cause in plain words, what to click, the chapter, and whether trying again can help.
//!
//! - [`ProblemKind`]: every kind of problem and its words (title, cause, fix, chapter);
//! - [`classify_response`], [`classify_call`], [`classify_client_error`]: an answer (or no answer)
//!   to its kind, by X's v2 problem types, its v1.1 error codes and the HTTP status;
//! - [`ApiFailure`]: a failed call, what was asked and what went wrong, as the examples print it.
//!
//! Problem `type` URIs are matched by suffix, so both `https://api.x.com/2/problems/…` and
//! `https://api.twitter.com/2/problems/…` work; bodies are never byte-compared.

mod classify;
mod failure;
pub(crate) mod kinds;

use std::time::Duration;

use serde::Serialize;

pub use classify::{classify_call, classify_client_error, classify_response, type_is, Call};
pub use failure::{ApiFailure, Retry};
pub use kinds::ProblemKind;

/// Beyond this many seconds between your clock and X's, a 401 is blamed on the clock. X publishes no
/// window; 300 s is the common OAuth server default and the sandbox's.
pub const CLOCK_TOLERANCE_SECS: i64 = 300;

/// Whose side a problem is on; decides `verify_keys`' exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Blame {
    /// The keys or the app's setup (exit 1).
    Setup,
    /// The network or X itself (exit 2).
    Network,
}

impl Blame {
    /// The examples' exit status for it: 1 for the setup, 2 for the network or X.
    pub fn exit_code(self) -> u8 {
        match self {
            Blame::Setup => 1,
            Blame::Network => 2,
        }
    }
}

/// A classified failure: what X (or the network) said and what it means.
#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    /// The category.
    pub kind: ProblemKind,
    /// The HTTP status, when X answered.
    pub status: Option<u16>,
    /// X's problem `type`, `title`, `detail`, `reason` or v1.1 code, in one line (never a secret).
    pub x_says: Option<String>,
    /// Whether trying again can help.
    pub retry: Retry,
}

impl Problem {
    /// A problem with no X answer behind it.
    pub fn new(kind: ProblemKind) -> Self {
        Self {
            kind,
            status: None,
            x_says: None,
            retry: Retry::default_for(kind, None),
        }
    }
}

/// How long until a Unix time, from now (zero if past).
pub fn until(unix_secs: u64) -> Duration {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Duration::from_secs(unix_secs.saturating_sub(now))
}
