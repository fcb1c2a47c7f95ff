//! The online verdict: one signed `GET /2/users/me` says whether the keys work, whose account they
//! belong to, which permission the token carries, how far your clock is from X's, and how much of the
//! rate limit is left — or, when anything fails, why and what to click. When a Bearer Token is
//! configured, a second, app-only request checks it too.

use std::fmt;

use serde::Serialize;

use crate::account::{AccessLevel, Account, Need};
use crate::api_error::{self, Blame, Problem, ProblemKind, Retry, CLOCK_TOLERANCE_SECS};
use crate::bearer::{self, Lookup};
use crate::client::{endpoint, reason_phrase, ApiResponse, ClientConfig, RateLimit, XClient};
use crate::credentials::{mask, BearerToken};

/// The endpoint that answers "who am I".
pub const USERS_ME: &str = "/2/users/me";

/// The state of one point of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// It holds.
    Pass,
    /// It doesn't.
    Fail,
    /// Worth a look, not a failure.
    Warn,
    /// Not known (the request failed before it could be seen).
    Unknown,
}

impl Status {
    /// The mark shown in reports.
    pub fn mark(self) -> &'static str {
        match self {
            Status::Pass => "✔",
            Status::Fail => "✘",
            Status::Warn => "!",
            Status::Unknown => "·",
        }
    }
}

/// One point of the report: a label, its status, and what was seen (never a secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What is checked, e.g. "Access level".
    pub label: &'static str,
    /// Whether it holds.
    pub status: Status,
    /// What was seen.
    pub detail: String,
}

impl Check {
    /// A point with its label, status and what was seen.
    pub fn new(label: &'static str, status: Status, detail: impl Into<String>) -> Check {
        Check {
            label,
            status,
            detail: detail.into(),
        }
    }
}

/// One line of a report: `  ✔ Label                  what was seen`.
impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "  {} {:<22} {}",
            self.status.mark(),
            self.label,
            self.detail
        )
    }
}

/// Everything one verification learned.
#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    /// The request, e.g. `GET https://api.x.com/2/users/me`.
    pub request: String,
    /// The HTTP status, when X answered.
    pub status: Option<u16>,
    /// The account, when X answered with one.
    pub account: Option<Account>,
    /// The token's permission, when X said.
    pub access_level: Option<AccessLevel>,
    /// What the reader needs.
    pub need: Need,
    /// The user id in the Access Token's `<digits>-` prefix.
    pub token_user_id: Option<String>,
    /// X's clock minus yours, in seconds.
    pub clock_skew_secs: Option<i64>,
    /// The rate limit of this endpoint for this account.
    pub rate_limit: Option<RateLimit>,
    /// One line per point.
    pub checks: Vec<Check>,
    /// What went wrong, the main problem first; empty when everything holds.
    pub problems: Vec<Problem>,
    /// Requests sent (1, or more when retried after a 5xx or a connection failure).
    pub requests: u32,
    /// The sandbox's explanation of a rejected signature, when verifying against it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sandbox_explain: Option<String>,
    /// When the keys verified were the sandbox's demo keys because none of yours were found: why
    /// (e.g. `no .env in /home/you/bot`). The report then speaks of the demo keys, and its last line
    /// says that yours were not checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demo_because: Option<String>,
}

impl Verdict {
    /// Whether everything holds.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// 0 when everything holds, 1 for the keys or the app's setup, 2 for the network or X.
    pub fn exit_code(&self) -> u8 {
        self.problems
            .first()
            .map_or(0, |p| p.kind.blame().exit_code())
    }
}

/// Signs one `GET /2/users/me` and interprets the answer; with a Bearer Token configured, also looks
/// up the account app-only (a second request) and reports it on a "Bearer Token" line.
pub async fn verify(client: &XClient, need: Need) -> Verdict {
    let credentials = client.credentials();
    let mut verdict = Verdict {
        request: format!("GET {}", endpoint(client.base_url().as_str(), USERS_ME)),
        status: None,
        account: None,
        access_level: None,
        need,
        token_user_id: credentials.access_token.user_id().map(str::to_string),
        clock_skew_secs: None,
        rate_limit: None,
        checks: Vec::new(),
        problems: Vec::new(),
        requests: 0,
        sandbox_explain: None,
        demo_because: None,
    };
    let fields = [("user.fields", "created_at,verified,protected")];
    match client.get(USERS_ME, &fields).await {
        Err(e) => {
            verdict.requests = e.attempts().max(1);
            let problem = api_error::classify_client_error(&e);
            verdict
                .checks
                .push(Check::new("Reached X", Status::Fail, e.to_string()));
            verdict.problems.push(problem);
        }
        Ok(response) => {
            let signed_with = format!(
                "signed with API Key {} and Access Token {}",
                mask(credentials.api_key.as_str()),
                mask(credentials.access_token.as_str())
            );
            interpret(&mut verdict, &response, &signed_with);
        }
    }
    // A second request, only when a Bearer Token is configured: does app-only work too?
    if let Some(bearer) = &credentials.bearer_token {
        check_bearer(&mut verdict, client.config(), bearer).await;
    }
    verdict
}

/// Looks up the account (or @XDevelopers) with the Bearer Token and adds the "Bearer Token" line.
async fn check_bearer(verdict: &mut Verdict, config: &ClientConfig, bearer_token: &BearerToken) {
    let username = verdict
        .account
        .as_ref()
        .map_or(bearer::DEFAULT_USERNAME, |a| a.username.as_str())
        .to_string();
    verdict.requests += 1;
    let (status, detail) = match bearer::lookup(config, bearer_token, &username).await {
        Ok(Lookup::Found(found)) => (
            Status::Pass,
            format!("200 OK: app-only lookup of @{} works", found.username),
        ),
        Ok(Lookup::NotFound) => (
            Status::Pass,
            format!("200 OK: app-only lookup works (X has no account @{username})"),
        ),
        Err(failure) => {
            let detail = failure.what();
            verdict.problems.push(failure.problem);
            (Status::Fail, detail)
        }
    };
    verdict
        .checks
        .push(Check::new("Bearer Token", status, detail));
}

/// Fills a verdict from X's answer: the answer itself, then (with an account) whose it is and its
/// permission, then the clock and the rate limit, which every answer carries.
fn interpret(verdict: &mut Verdict, response: &ApiResponse, signed_with: &str) {
    verdict.requests = response.attempts;
    verdict.status = Some(response.status);
    verdict.clock_skew_secs = response.clock_skew();
    verdict.rate_limit = response.rate_limit;
    verdict.sandbox_explain = response.sandbox_explain.clone();
    verdict.access_level = response
        .access_level
        .as_deref()
        .and_then(AccessLevel::from_header);
    let account = response
        .is_success()
        .then(|| response.json())
        .flatten()
        .and_then(|body| Account::from_data(body.get("data")?));
    match &account {
        Some(account) => {
            let (status, reason) = (response.status, reason_phrase(response.status));
            let detail = format!("{status} {reason}: {signed_with}");
            verdict
                .checks
                .push(Check::new("X's answer", Status::Pass, detail));
            check_account(verdict, account);
        }
        None => check_failed_answer(verdict, response),
    }
    verdict.account = account;
    if let Some(skew) = verdict.clock_skew_secs {
        verdict.checks.push(clock_check(skew));
    }
    if let Some(rl) = verdict.rate_limit {
        verdict.checks.push(rate_limit_check(rl));
    }
    // A rate-limited account can try again when its window resets.
    if let Some(first) = verdict.problems.first_mut() {
        if first.kind == ProblemKind::RateLimited {
            first.retry = Retry::AfterReset {
                reset: verdict.rate_limit.map(|r| r.reset),
            };
        }
    }
}

/// The "X's answer" line and the problem of an answer without an account.
fn check_failed_answer(verdict: &mut Verdict, response: &ApiResponse) {
    let mut problem = if response.is_success() {
        let mut p = Problem::new(ProblemKind::UnexpectedResponse);
        p.status = Some(response.status);
        p.x_says = Some("a 2xx answer without data.id and data.username".into());
        p
    } else {
        api_error::classify_response(response)
    };
    if problem.kind == ProblemKind::UnexpectedResponse && response.status == 404 {
        problem.x_says = Some(format!(
            "404 for {USERS_ME}: the base URL doesn't point at X's API"
        ));
    }
    let says = problem
        .x_says
        .as_deref()
        .map(|s| format!(": {s}"))
        .unwrap_or_default();
    let retried = match response.attempts {
        0 | 1 => String::new(),
        n => format!(" ({n} requests: retried)"),
    };
    let (status, reason) = (response.status, reason_phrase(response.status));
    let detail = format!("{status} {reason}{says}{retried}");
    verdict
        .checks
        .push(Check::new("X's answer", Status::Fail, detail));
    verdict.problems.push(problem);
}

/// The lines about the account X answered for: who, whether the token is its, and its permission.
fn check_account(verdict: &mut Verdict, a: &Account) {
    let who = format!("@{} ({}), user id {}", a.username, a.name, a.id);
    verdict
        .checks
        .push(Check::new("Account", Status::Pass, who));
    let token = match &verdict.token_user_id {
        Some(id) if *id == a.id => Check::new(
            "Token matches account",
            Status::Pass,
            format!("the Access Token starts with {id}-"),
        ),
        Some(id) => {
            verdict
                .problems
                .push(Problem::new(ProblemKind::TokenAccountMismatch));
            Check::new(
                "Token matches account",
                Status::Fail,
                format!(
                    "the Access Token starts with {id}-, but X answered for {}",
                    a.id
                ),
            )
        }
        None => Check::new(
            "Token matches account",
            Status::Warn,
            "the Access Token has no <digits>- prefix to compare",
        ),
    };
    verdict.checks.push(token);
    let need = verdict.need;
    let level = match verdict.access_level {
        Some(level) if level.satisfies(need) => Check::new(
            "Access level",
            Status::Pass,
            format!("'{}' (needed: '{}')", level.label(), need.label()),
        ),
        Some(level) => {
            verdict
                .problems
                .push(Problem::new(ProblemKind::AccessTooLow));
            Check::new(
                "Access level",
                Status::Fail,
                format!("'{}', but you need '{}'", level.label(), need.label()),
            )
        }
        None => Check::new(
            "Access level",
            Status::Warn,
            "X sent no x-access-level header: the permission is unknown",
        ),
    };
    verdict.checks.push(level);
}

/// The "Clock" line: more than 30 s apart is worth a look, more than the tolerance a failure.
fn clock_check(skew: i64) -> Check {
    let status = if skew.abs() > CLOCK_TOLERANCE_SECS {
        Status::Fail
    } else if skew.abs() > 30 {
        Status::Warn
    } else {
        Status::Pass
    };
    Check::new("Clock", status, describe_skew(skew))
}

/// The "Rate limit" line: what is left of the window, and when it resets.
fn rate_limit_check(rl: RateLimit) -> Check {
    let minutes = api_error::until(rl.reset).as_secs().div_ceil(60);
    let status = if rl.remaining == 0 {
        Status::Warn
    } else {
        Status::Pass
    };
    let detail = format!(
        "{} of {} requests left for {USERS_ME}; the window resets in {minutes} min",
        rl.remaining, rl.limit
    );
    Check::new("Rate limit", status, detail)
}

/// Says how far apart the clocks are, in words that stay the same within a second or two.
pub fn describe_skew(skew: i64) -> String {
    let (abs, whose) = (
        skew.unsigned_abs(),
        if skew > 0 { "ahead of" } else { "behind" },
    );
    if abs <= 2 {
        "your clock agrees with X's (within 2 s)".to_string()
    } else if abs < 120 {
        format!("X's clock is {abs} s {whose} yours")
    } else {
        format!("X's clock is about {} min {whose} yours", (abs + 30) / 60)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whose = if self.demo_because.is_some() {
            "the demo keys"
        } else {
            "your keys"
        };
        writeln!(f, "Verifying {whose}: {}", self.request)?;
        writeln!(f)?;
        for check in &self.checks {
            writeln!(f, "{check}")?;
        }
        for (i, p) in self.problems.iter().enumerate() {
            writeln!(f)?;
            if i > 0 {
                writeln!(f, "Also:")?;
            }
            writeln!(f, "{p}")?;
        }
        // The sandbox's own words help debug a signature; other refusals are explained above.
        let signature_problem = self.problems.first().is_some_and(|p| {
            matches!(
                p.kind,
                ProblemKind::KeysRejected | ProblemKind::TokenRevoked
            )
        });
        if let (Some(explain), true) = (&self.sandbox_explain, signature_problem) {
            writeln!(f)?;
            writeln!(f, "  The sandbox explains: {explain}")?;
        }
        writeln!(f)?;
        self.fmt_conclusion(f)
    }
}

impl Verdict {
    /// The last line: whether the keys work, or whose side the problem is on.
    fn fmt_conclusion(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(why) = &self.demo_because {
            let mark = if self.is_ok() {
                "✔ The demo keys work"
            } else {
                "✘ The demo keys failed"
            };
            return write!(
                f,
                "{mark} (SANDBOX) — your own keys were not checked: {why}."
            );
        }
        let first = self.problems.first();
        match (first, &self.account) {
            (None, Some(a)) => write!(
                f,
                "✔ Your keys work: they act for @{} with '{}' access.",
                a.username,
                self.access_level.map_or("unknown", |l| l.label())
            ),
            (None, None) => write!(f, "✔ Your keys work."),
            // A 429 is this account's own usage: X authenticated the request, then refused it.
            (Some(p), _) if p.kind == ProblemKind::RateLimited => {
                let when = match p.retry {
                    Retry::AfterReset { reset: Some(reset) } => format!(
                        " (in {} min)",
                        api_error::until(reset).as_secs().div_ceil(60)
                    ),
                    _ => String::new(),
                };
                write!(
                    f,
                    "✘ Not verified this time: this account used up its own rate limit for {USERS_ME}. Wait until the window resets{when}, then run this again."
                )
            }
            (Some(p), _) if p.kind.blame() == Blame::Network && self.status.is_none() => write!(
                f,
                "✘ X could not be reached, so nothing is known about your keys yet: fix the network problem above, then run this again."
            ),
            (Some(p), _) if p.kind.blame() == Blame::Network => write!(
                f,
                "✘ X could not check your keys this time (the problem is on X's or the network's side): run this again later."
            ),
            (Some(_), _) => write!(
                f,
                "✘ Your keys don't work yet for what you need: fix the problem above, then run this again."
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skew_words_are_stable() {
        assert_eq!(describe_skew(1), "your clock agrees with X's (within 2 s)");
        assert_eq!(describe_skew(-45), "X's clock is 45 s behind yours");
        assert_eq!(
            describe_skew(3599),
            "X's clock is about 60 min ahead of yours"
        );
        assert_eq!(
            describe_skew(3601),
            "X's clock is about 60 min ahead of yours"
        );
    }
}
