//! How a failure reads: whether to retry ([`Retry`]), a [`Problem`] as the report's lines, and
//! [`ApiFailure`], a failed call with what was asked.

use std::fmt;

use serde::Serialize;

use super::{classify_call, classify_client_error, until, Blame, Call, Problem, ProblemKind};
use crate::client::{reason_phrase, ApiResponse, ClientError};

/// Whether trying again can help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "when")]
pub enum Retry {
    /// Not until something is fixed.
    No,
    /// Yes, after the rate-limit window resets (Unix seconds).
    AfterReset {
        /// When, in Unix seconds.
        reset: Option<u64>,
    },
    /// Yes, in a little while (X-side or network trouble).
    Later,
    /// Only after checking: a POST that got no answer (a post, a DM) may have been done, and doing
    /// it again could do it twice.
    AfterChecking,
}

impl Retry {
    /// Whether trying again, unchanged, can succeed.
    pub fn can_help(self) -> bool {
        !matches!(self, Retry::No)
    }

    /// What a kind of problem allows: after the reset for limits, later for the network or X, else no.
    pub(crate) fn default_for(kind: ProblemKind, reset: Option<u64>) -> Retry {
        match kind {
            ProblemKind::RateLimited | ProblemKind::UsageCapped => Retry::AfterReset { reset },
            k if k.blame() == Blame::Network => Retry::Later,
            _ => Retry::No,
        }
    }
}

impl fmt::Display for Retry {
    /// Whether trying again helps, as a sentence.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Retry::No => f.write_str("no: it fails the same way until the cause is fixed."),
            Retry::Later => {
                f.write_str("yes, in a minute or two: the cause is on the network's or X's side.")
            }
            Retry::AfterReset { reset: Some(reset) } => write!(
                f,
                "yes, after the rate-limit window resets (in {} min).",
                until(*reset).as_secs().div_ceil(60)
            ),
            Retry::AfterReset { reset: None } => {
                f.write_str("yes, after the rate-limit window resets.")
            }
            Retry::AfterChecking => f.write_str(
                "only after checking: the request went out and no answer came, so X may have done it; running this again could do it twice.",
            ),
        }
    }
}

impl Problem {
    /// What to do: the kind's fix, or, when the request may have been done, to look first.
    pub fn fix(&self) -> &'static str {
        match self.retry {
            Retry::AfterChecking => "Don't run this again yet: first look at the account (its posts, or the conversation) for what this request would have done. If it isn't there, run this again; if timeouts keep happening, check your network, proxy and firewall (HTTPS to api.x.com must be allowed), or raise --timeout.",
            _ => self.kind.fix(),
        }
    }
}

impl fmt::Display for Problem {
    /// The title, why, the fix, the chapter (and the Part I step) and whether to retry; no final newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.kind;
        writeln!(f, "✘ {}", kind.title())?;
        writeln!(f, "  Why:   {}", kind.explanation())?;
        writeln!(f, "  Fix:   {}", self.fix())?;
        match kind.guide_step() {
            Some(step) => writeln!(f, "  See:   {}; the steps: {}", kind.chapter(), step)?,
            None => writeln!(f, "  See:   {}", kind.chapter())?,
        }
        write!(f, "  Retry: {}", self.retry)
    }
}

/// A call to X that failed, classified: what was asked, and what went wrong. Never holds a secret.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{request}: {}", self.what())]
pub struct ApiFailure {
    /// The request, e.g. `POST https://api.x.com/oauth/request_token`.
    pub request: String,
    /// What went wrong.
    pub problem: Problem,
    /// The sandbox's explanation, when talking to it.
    pub sandbox_explain: Option<String>,
}

impl ApiFailure {
    /// From an HTTP answer that is not a success.
    pub fn from_response(request: String, response: &ApiResponse, call: Call) -> Self {
        Self {
            request,
            problem: classify_call(response, call),
            sandbox_explain: response.sandbox_explain.clone(),
        }
    }

    /// From a request that got no HTTP answer.
    pub fn from_client_error(request: String, error: &ClientError) -> Self {
        Self {
            request,
            problem: classify_client_error(error),
            sandbox_explain: None,
        }
    }

    /// From what a call got when it isn't what was needed: an answer that is not a success, no
    /// answer at all, or a success without `what` (e.g. "data.id") ([`ApiFailure::unexpected`]).
    pub fn from_outcome(
        request: String,
        outcome: &Result<ApiResponse, ClientError>,
        call: Call,
        what: &str,
    ) -> Self {
        match outcome {
            Ok(r) if r.is_success() => {
                Self::unexpected(request, r.status, &format!("an answer without {what}"))
            }
            Ok(r) => Self::from_response(request, r, call),
            Err(e) => Self::from_client_error(request, e),
        }
    }

    /// [`ApiFailure::from_outcome`] for a POST that changes something (a post, a DM): when the
    /// request went out and no answer came (a timeout, a connection that broke while the answer was
    /// read), X may have done it, so the advice is to look before trying again
    /// ([`Retry::AfterChecking`]), never just to run it again.
    pub fn from_write_outcome(
        request: String,
        outcome: &Result<ApiResponse, ClientError>,
        call: Call,
        what: &str,
    ) -> Self {
        let mut failure = Self::from_outcome(request, outcome, call, what);
        if let Err(ClientError::Timeout { .. } | ClientError::Interrupted { .. }) = outcome {
            failure.problem.retry = Retry::AfterChecking;
        }
        failure
    }

    /// Whether the request may have been done although it failed ([`Retry::AfterChecking`]).
    pub fn maybe_done(&self) -> bool {
        self.problem.retry == Retry::AfterChecking
    }

    /// From a success answer that lacks what X always sends (`what` names it; never the body).
    pub fn unexpected(request: String, status: u16, what: &str) -> Self {
        let mut problem = Problem::new(ProblemKind::UnexpectedResponse);
        problem.status = Some(status);
        problem.x_says = Some(what.to_string());
        Self {
            request,
            problem,
            sandbox_explain: None,
        }
    }

    /// What failed, the explanation with the fix and the chapter, and the sandbox's words if any:
    /// what an example prints (to stderr) when a call fails.
    pub fn report(&self) -> String {
        let mut text = format!("✘ {self}\n\n{}", self.problem);
        if let Some(explain) = &self.sandbox_explain {
            text.push_str(&format!("\n\n  The sandbox explains: {explain}"));
        }
        text
    }

    /// The examples' exit status: 1 for the setup, 2 for the network or X.
    pub fn exit_code(&self) -> u8 {
        self.problem.kind.blame().exit_code()
    }

    /// The status and what X said, in one line, e.g. `401 Unauthorized: code 32: Could not authenticate you.`.
    pub fn what(&self) -> String {
        let says = self.problem.x_says.as_deref().unwrap_or("");
        match self.problem.status {
            Some(status) => {
                let sep = if says.is_empty() { "" } else { ": " };
                format!("{status} {}{sep}{says}", reason_phrase(status))
            }
            None => says.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_and_a_problem_read_as_sentences() {
        let failure = ApiFailure::from_response(
            "POST http://127.0.0.1:1/oauth/access_token".into(),
            &ApiResponse::for_test(
                401,
                r#"{"errors":[{"code":32,"message":"Could not authenticate you."}]}"#,
            ),
            Call::AccessToken,
        );
        assert_eq!(
            failure.to_string(),
            "POST http://127.0.0.1:1/oauth/access_token: 401 Unauthorized: code 32: Could not authenticate you."
        );
        let text = failure.problem.to_string();
        assert!(
            text.starts_with("✘ X refused the PIN (401)\n  Why:"),
            "{text}"
        );
        assert!(
            text.contains("troubleshooting.md#the-pin-is-rejected"),
            "{text}"
        );
        assert!(text.ends_with("Retry: no: it fails the same way until the cause is fixed."));
    }
}
