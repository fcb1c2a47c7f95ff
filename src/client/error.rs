//! Why a request got no HTTP answer: the transport failures, named.

use std::time::Duration;

/// Why a request got no HTTP answer from X.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The base URL doesn't parse.
    #[error("the API base URL {url:?} is not a valid URL ({reason}); set X_API_BASE_URL to e.g. https://api.x.com")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// Why.
        reason: String,
    },
    /// Plain HTTP to anything but this machine would send the signed request in clear text.
    #[error("refusing to send signed requests over plain HTTP to {url}: use https:// (plain http is allowed only to 127.0.0.1 or localhost, for the sandbox)")]
    InsecureBaseUrl {
        /// The URL as given.
        url: String,
    },
    /// No complete answer within the timeout.
    #[error("X did not answer within {timeout:?} ({})", attempts_and_why(*attempts, *last))]
    Timeout {
        /// The per-request timeout.
        timeout: Duration,
        /// Requests sent.
        attempts: u32,
        /// Why the last attempt was the last.
        last: LastAttempt,
    },
    /// The host name didn't resolve.
    #[error("the name {host} could not be resolved (DNS): {reason}")]
    Dns {
        /// The host.
        host: String,
        /// The resolver's words.
        reason: String,
        /// Requests attempted.
        attempts: u32,
    },
    /// The TLS handshake failed (certificate, proxy that intercepts TLS...).
    #[error("the TLS connection to {host} failed: {reason}")]
    Tls {
        /// The host.
        host: String,
        /// Why.
        reason: String,
        /// Requests attempted.
        attempts: u32,
    },
    /// Nothing listens, or the connection was refused or reset.
    #[error("could not connect to {host}: {reason}")]
    Connect {
        /// The host.
        host: String,
        /// Why.
        reason: String,
        /// Requests attempted.
        attempts: u32,
    },
    /// The connection broke while reading the answer.
    #[error("the connection to {host} broke while reading the answer: {reason}")]
    Interrupted {
        /// The host.
        host: String,
        /// Why.
        reason: String,
        /// Requests sent.
        attempts: u32,
    },
    /// The request could not be signed or built (a bug or an invalid header value).
    #[error("the request could not be signed: {0}")]
    Sign(String),
}

/// Why a failed request was not tried again (retries live in [`crate::client::XClient`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LastAttempt {
    /// A POST is never retried: one that got no answer may have been done (posted, sent).
    NotIdempotent,
    /// Another attempt, with its wait and its own timeout, would not end within the retry budget.
    Budget {
        /// The time all attempts together may take.
        budget: Duration,
    },
    /// Every retry allowed was used.
    RetriesUsed,
}

/// "1 attempt; a POST is never retried, …", "3 attempts, each signed anew".
fn attempts_and_why(attempts: u32, last: LastAttempt) -> String {
    let n = match attempts {
        1 => "1 attempt".to_string(),
        n => format!("{n} attempts, each signed anew"),
    };
    let why = match last {
        LastAttempt::NotIdempotent => "a POST is never retried, it may have been done".to_string(),
        LastAttempt::Budget { budget } => {
            format!("not retried: another attempt could not end within the {budget:?} retry budget")
        }
        LastAttempt::RetriesUsed => return n,
    };
    format!("{n}; {why}")
}

impl ClientError {
    /// The same error, saying why the attempt that failed was the last (for a timeout).
    pub(super) fn last_attempt(mut self, why: LastAttempt) -> Self {
        if let ClientError::Timeout { last, .. } = &mut self {
            *last = why;
        }
        self
    }

    /// How many requests were sent (or attempted) before giving up.
    pub fn attempts(&self) -> u32 {
        match self {
            ClientError::Timeout { attempts, .. }
            | ClientError::Dns { attempts, .. }
            | ClientError::Tls { attempts, .. }
            | ClientError::Connect { attempts, .. }
            | ClientError::Interrupted { attempts, .. } => *attempts,
            _ => 0,
        }
    }
}

/// Names a transport failure: timeout, DNS, TLS, refused/reset.
pub(super) fn classify_transport(
    e: reqwest::Error,
    host: &str,
    attempts: u32,
    timeout: Duration,
    reading: bool,
) -> ClientError {
    // The chain of causes, without the URL (reqwest's own message repeats it).
    let mut reason = String::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(&e);
    while let Some(s) = source {
        if !reason.is_empty() {
            reason.push_str(": ");
        }
        reason.push_str(&s.to_string());
        source = s.source();
    }
    if reason.is_empty() {
        reason = e.to_string();
    }
    let host = host.to_string();
    let lower = reason.to_ascii_lowercase();
    if e.is_timeout() {
        ClientError::Timeout {
            timeout,
            attempts,
            last: LastAttempt::RetriesUsed,
        }
    } else if lower.contains("dns error")
        || lower.contains("failed to lookup")
        || lower.contains("name or service not known")
    {
        ClientError::Dns {
            host,
            reason,
            attempts,
        }
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
    {
        ClientError::Tls {
            host,
            reason,
            attempts,
        }
    } else if reading || e.is_body() || e.is_decode() {
        ClientError::Interrupted {
            host,
            reason,
            attempts,
        }
    } else {
        ClientError::Connect {
            host,
            reason,
            attempts,
        }
    }
}
