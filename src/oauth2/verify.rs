//! The online verdict on an OAuth 2.0 user token: one `GET /2/users/me` with it says whether X takes
//! it and whose it is; what was saved with it at login says which scopes it carries against what
//! the bot needs, when it expires, and whether it can be refreshed. Nothing is refreshed here: a
//! refresh would spend the refresh token.

use std::fmt;

use reqwest::Method;
use serde::Serialize;

use super::api::{Saved, UserClient};
use super::error::{FlowFailure, OAuth2Error, OAuth2Kind};
use super::scopes::Action;
use super::tokens::{unix_now, Tokens};
use crate::account::{Account, Need};
use crate::client::{endpoint, reason_phrase, ClientConfig};
use crate::verify::{Check, Status, USERS_ME};

/// The calls a bot with this need makes, whose scopes the token must carry.
pub fn actions_for(need: Need) -> &'static [Action] {
    match need {
        Need::Read => &[Action::WhoAmI],
        Need::Write => &[Action::WhoAmI, Action::Post],
        Need::DirectMessages => &[Action::WhoAmI, Action::Post, Action::SendDm],
    }
}

/// Everything one verification of a user token learned.
#[derive(Debug)]
pub struct OAuth2Verdict {
    /// The request, e.g. `GET https://api.x.com/2/users/me`.
    pub request: String,
    /// The account, when X answered with one.
    pub account: Option<Account>,
    /// What the bot needs.
    pub need: Need,
    /// One line per point.
    pub checks: Vec<Check>,
    /// What went wrong, the main problem first; empty when everything holds.
    pub problems: Vec<OAuth2Error>,
}

impl OAuth2Verdict {
    /// Whether everything holds.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// 0 when everything holds, 1 for the token or the app's setup, 2 for the network or X.
    pub fn exit_code(&self) -> u8 {
        self.problems.first().map_or(0, OAuth2Error::exit_code)
    }
}

/// Asks X who the token acts for, and compares what was saved with it to what `need` needs.
/// `client_id`: whether `X_CLIENT_ID` is set (a refresh needs it).
///
/// # Security
/// The tokens go to X only (the access token in the `Authorization` header); no check shows them.
pub async fn verify_token(
    tokens: &Tokens,
    client_id: bool,
    need: Need,
    config: ClientConfig,
) -> OAuth2Verdict {
    let request = format!("GET {}", endpoint(config.base_url_str(), USERS_ME));
    let mut verdict = OAuth2Verdict {
        request,
        account: None,
        need,
        checks: Vec::new(),
        problems: Vec::new(),
    };
    let answer = match UserClient::for_tokens(tokens, config) {
        Ok(user) => user.call(Action::WhoAmI, Method::GET, USERS_ME, None).await,
        Err(e) => Err(e),
    };
    match answer {
        Ok(response) => {
            let account = response
                .json()
                .and_then(|b| Account::from_data(b.get("data")?));
            let detail = format!(
                "{} {}: X takes the token",
                response.status,
                reason_phrase(response.status)
            );
            verdict
                .checks
                .push(Check::new("X's answer", Status::Pass, detail));
            if let Some(a) = &account {
                let who = format!("@{} ({}), user id {}", a.username, a.name, a.id);
                verdict
                    .checks
                    .push(Check::new("Account", Status::Pass, who));
            }
            verdict.account = account;
        }
        Err(e) => {
            verdict
                .checks
                .push(Check::new("X's answer", Status::Fail, e.what()));
            verdict.problems.push(e);
        }
    }
    check_scopes(&mut verdict, tokens);
    check_expiry(&mut verdict, tokens);
    let revoked = verdict
        .problems
        .iter()
        .any(|p| p.kind() == Some(OAuth2Kind::TokenRevoked));
    verdict.checks.push(match revoked {
        true => Check::new(
            "Refresh",
            Status::Warn,
            "unlikely to help: the grant was revoked, log in again",
        ),
        false => refresh_check(tokens, client_id),
    });
    verdict
}

/// The "Scopes" line: the saved scopes against what the need's calls need.
fn check_scopes(verdict: &mut OAuth2Verdict, tokens: &Tokens) {
    let saved = Saved::of(tokens);
    let need = verdict.need;
    let mut needed: Vec<&str> = Vec::new();
    for scope in actions_for(need).iter().flat_map(|a| a.needs()) {
        if !needed.contains(scope) {
            needed.push(scope);
        }
    }
    let Some(scopes) = saved.scopes else {
        let detail =
            "X_OAUTH2_SCOPES is not set: what the token may do is unknown (X can't be asked)";
        verdict
            .checks
            .push(Check::new("Scopes", Status::Warn, detail));
        return;
    };
    let missing: Vec<&str> = needed
        .iter()
        .copied()
        .filter(|s| !scopes.contains(s))
        .collect();
    if missing.is_empty() {
        let detail = format!(
            "has what --need {} needs: {}",
            need.name(),
            needed.join(" ")
        );
        verdict
            .checks
            .push(Check::new("Scopes", Status::Pass, detail));
        return;
    }
    let detail = format!(
        "lacks {} (--need {} needs {})",
        missing.join(" "),
        need.name(),
        needed.join(" ")
    );
    verdict
        .checks
        .push(Check::new("Scopes", Status::Fail, detail));
    let says = format!(
        "the scopes saved at login (X_OAUTH2_SCOPES) lack {}, which '{}' needs",
        missing.join(" "),
        need.label()
    );
    let failure = FlowFailure::new("The token's scopes", OAuth2Kind::MissingScope).saying(says);
    verdict.problems.push(failure.into());
}

/// The "Expires" line, from the saved expiry, in minutes (rounded: stable within half a minute).
fn check_expiry(verdict: &mut OAuth2Verdict, tokens: &Tokens) {
    let Some(left) = tokens.expires_in(unix_now()) else {
        let detail = "X_OAUTH2_EXPIRES_AT is not set: access tokens live 2 hours from the login";
        verdict
            .checks
            .push(Check::new("Expires", Status::Warn, detail));
        return;
    };
    let minutes = (left.unsigned_abs() + 30) / 60;
    if left > 0 {
        let status = if left < 300 {
            Status::Warn
        } else {
            Status::Pass
        };
        let detail = format!("in {minutes} min (X_OAUTH2_EXPIRES_AT)");
        verdict.checks.push(Check::new("Expires", status, detail));
        return;
    }
    let detail = format!("{minutes} min ago (X_OAUTH2_EXPIRES_AT): refresh it");
    verdict
        .checks
        .push(Check::new("Expires", Status::Fail, detail));
    // X's own 401 already says so when the call was refused.
    if !verdict
        .problems
        .iter()
        .any(|p| p.kind() == Some(OAuth2Kind::TokenExpired))
    {
        let says = format!("X_OAUTH2_EXPIRES_AT was {minutes} min ago");
        let failure = FlowFailure::new("The token's expiry", OAuth2Kind::TokenExpired).saying(says);
        verdict.problems.push(failure.into());
    }
}

/// The "Refresh" line: whether a refresh could work (it is not tried: it would spend the token).
fn refresh_check(tokens: &Tokens, client_id: bool) -> Check {
    let offline = tokens.scopes.is_empty() || tokens.scopes.contains("offline.access");
    let (status, detail) = match (&tokens.refresh_token, offline, client_id) {
        (Some(_), true, true) => (Status::Pass, "possible: X_OAUTH2_REFRESH_TOKEN and X_CLIENT_ID are set (not tried: a refresh spends the refresh token)"),
        (Some(_), true, false) => (Status::Warn, "X_OAUTH2_REFRESH_TOKEN is set, but X_CLIENT_ID isn't: a refresh needs the app's Client ID"),
        (Some(_), false, _) => (Status::Warn, "the saved scopes lack offline.access, so the refresh token may not work"),
        (None, _, _) => (Status::Warn, "not possible: no refresh token (log in with offline.access to get one)"),
    };
    Check::new("Refresh", status, detail)
}

impl fmt::Display for OAuth2Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Verifying your OAuth 2.0 token: {} with it",
            self.request
        )?;
        writeln!(f)?;
        for check in &self.checks {
            writeln!(f, "{check}")?;
        }
        for (i, problem) in self.problems.iter().enumerate() {
            writeln!(f)?;
            if i > 0 {
                writeln!(f, "Also:")?;
            }
            match problem {
                OAuth2Error::Flow(failure) => writeln!(f, "{}", failure.explain())?,
                OAuth2Error::Api(api) => writeln!(f, "{}", api.problem)?,
            }
        }
        writeln!(f)?;
        match (self.problems.first(), &self.account) {
            (None, Some(a)) => write!(f, "✔ Your OAuth 2.0 token works: it acts for @{} with the scopes you need.", a.username),
            (None, None) => write!(f, "✔ Your OAuth 2.0 token works."),
            (Some(p), _) if p.exit_code() == 2 => write!(f, "✘ X could not check your OAuth 2.0 token this time (the network's or X's side): run this again later."),
            (Some(_), _) => write!(f, "✘ Your OAuth 2.0 token doesn't work yet for what you need: fix the problem above, then run this again."),
        }
    }
}

/// A problem as JSON: its kind, the words of the report, never a secret.
#[derive(Serialize)]
struct ProblemJson {
    kind: &'static str,
    title: &'static str,
    says: String,
    fix: &'static str,
    chapter: String,
}

impl Serialize for OAuth2Verdict {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            request: &'a str,
            ok: bool,
            account: &'a Option<Account>,
            need: Need,
            checks: &'a [Check],
            problems: Vec<ProblemJson>,
        }
        let problems = self
            .problems
            .iter()
            .map(|p| match p {
                OAuth2Error::Flow(f) => ProblemJson {
                    kind: f.kind.name(),
                    title: f.kind.title(),
                    says: f.to_string(),
                    fix: f.kind.fix(),
                    chapter: f.kind.chapter().to_string(),
                },
                OAuth2Error::Api(a) => ProblemJson {
                    kind: a.problem.kind.name(),
                    title: a.problem.kind.title(),
                    says: a.to_string(),
                    fix: a.problem.kind.fix(),
                    chapter: a.problem.kind.chapter().to_string(),
                },
            })
            .collect();
        Json {
            request: &self.request,
            ok: self.is_ok(),
            account: &self.account,
            need: self.need,
            checks: &self.checks,
            problems,
        }
        .serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth2::scopes::Scopes;
    use crate::oauth2::tokens::{RefreshToken, UserAccessToken};

    fn tokens(scopes: &str, expires_in: i64, refresh: bool) -> Tokens {
        Tokens {
            access_token: UserAccessToken::new("Q0Mzb0VhZ0V5"),
            refresh_token: refresh.then(|| RefreshToken::new("bWRWa3gz")),
            scopes: Scopes::granted(scopes),
            expires_at: Some((unix_now() as i64 + expires_in) as u64),
        }
    }

    fn verdict(need: Need) -> OAuth2Verdict {
        OAuth2Verdict {
            request: "GET x".into(),
            account: None,
            need,
            checks: Vec::new(),
            problems: Vec::new(),
        }
    }

    #[test]
    fn the_saved_scopes_and_expiry_are_judged_offline() {
        let mut v = verdict(Need::DirectMessages);
        let t = tokens(
            "tweet.read users.read tweet.write offline.access",
            -61,
            true,
        );
        check_scopes(&mut v, &t);
        check_expiry(&mut v, &t);
        assert_eq!(
            v.checks[0].detail,
            "lacks dm.write (--need dm needs tweet.read users.read tweet.write dm.write)"
        );
        assert_eq!(
            v.checks[1].detail,
            "1 min ago (X_OAUTH2_EXPIRES_AT): refresh it"
        );
        let kinds: Vec<_> = v.problems.iter().map(|p| p.kind()).collect();
        assert_eq!(
            kinds,
            [
                Some(OAuth2Kind::MissingScope),
                Some(OAuth2Kind::TokenExpired)
            ]
        );
        let mut v = verdict(Need::Write);
        let t = tokens("tweet.read users.read tweet.write", 7199, false);
        check_scopes(&mut v, &t);
        check_expiry(&mut v, &t);
        assert!(v.problems.is_empty());
        assert_eq!(v.checks[1].detail, "in 120 min (X_OAUTH2_EXPIRES_AT)");
        assert_eq!(refresh_check(&t, true).status, Status::Warn);
        assert_eq!(
            refresh_check(&tokens("offline.access", 1, true), true).status,
            Status::Pass
        );
        assert_eq!(
            refresh_check(&tokens("offline.access", 1, true), false).status,
            Status::Warn
        );
    }

    #[test]
    fn json_names_the_kinds_and_shows_no_token() {
        let mut v = verdict(Need::Read);
        let t = tokens("tweet.read", 3600, true);
        check_scopes(&mut v, &t);
        let json = serde_json::to_string(&v).unwrap();
        assert!(json.contains("\"kind\":\"oauth2-missing-scope\""), "{json}");
        assert!(
            !json.contains("Q0Mzb0") && !json.contains("bWRWa3gz"),
            "{json}"
        );
        assert!(v.to_string().contains("✘ The token lacks a scope"), "{v}");
    }
}
