//! The behaviours of X the sandbox can simulate, one per demo account.
//!
//! `Scenario` is deliberately exhaustive: tests and the book keep one row per scenario (e.g. the
//! expected verdict of each in `tests/verify.rs`), and a new scenario should fail to compile
//! wherever its row is missing rather than fall into a silent wildcard arm.

use std::fmt;

/// One behaviour of X the sandbox can simulate; each demo account has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scenario {
    /// Everything works: 'Read and write and Direct message' permission.
    FullAccess,
    /// Token created before the app got write permission: reads work, writes get 403.
    ReadOnly,
    /// 'Read and write' without Direct Messages: DMs get 403.
    ReadWrite,
    /// The token was invalidated: 401 (v1.1 code 89).
    Revoked,
    /// The app is not enrolled: 403 `client-forbidden`, reason `client-not-enrolled`.
    AppNotEnrolled,
    /// The user has no pay-per-use developer account: 403 `client-forbidden`, reason `user-not-enrolled`.
    UserNotEnrolled,
    /// The pay-per-use balance is empty: 402 `CreditsDepleted`.
    CreditsDepleted,
    /// Every call is over its rate limit: 429 with `x-rate-limit-remaining: 0`.
    RateLimited,
    /// The server's clock runs ahead of yours: correctly signed requests get 401.
    ClockSkew,
    /// Every post is a duplicate: 403 duplicate content.
    DuplicatePost,
    /// v1.1 endpoints are not in your access level: 403 code 453.
    V1Unavailable,
    /// X fails: 500.
    ServerError,
    /// X is overloaded: 503.
    ServiceUnavailable,
    /// Every response is delayed (default 30 s): for client timeout tests.
    Slow,
    /// The demo OAuth 2.0 access token has expired (they live 2 hours): 401 until refreshed.
    Oauth2Expired,
    /// The demo OAuth 2.0 token lacks `tweet.write` and `dm.write`: posts and DMs get 403.
    Oauth2MissingScope,
    /// The demo OAuth 2.0 tokens were revoked: 401, and the refresh token is refused.
    Oauth2Revoked,
    /// The demo OAuth 2.0 refresh token was already used (they rotate): refreshing gets 400.
    Oauth2RefreshReused,
}

impl Scenario {
    /// Every scenario, in the order the book's table lists them.
    pub const ALL: &'static [Scenario] = &[
        Scenario::FullAccess,
        Scenario::ReadOnly,
        Scenario::ReadWrite,
        Scenario::Revoked,
        Scenario::AppNotEnrolled,
        Scenario::UserNotEnrolled,
        Scenario::CreditsDepleted,
        Scenario::RateLimited,
        Scenario::ClockSkew,
        Scenario::DuplicatePost,
        Scenario::V1Unavailable,
        Scenario::ServerError,
        Scenario::ServiceUnavailable,
        Scenario::Slow,
        Scenario::Oauth2Expired,
        Scenario::Oauth2MissingScope,
        Scenario::Oauth2Revoked,
        Scenario::Oauth2RefreshReused,
    ];

    /// The kebab-case name, e.g. `"read-only"`.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::FullAccess => "full-access",
            Scenario::ReadOnly => "read-only",
            Scenario::ReadWrite => "read-write",
            Scenario::Revoked => "revoked",
            Scenario::AppNotEnrolled => "app-not-enrolled",
            Scenario::UserNotEnrolled => "user-not-enrolled",
            Scenario::CreditsDepleted => "credits-depleted",
            Scenario::RateLimited => "rate-limited",
            Scenario::ClockSkew => "clock-skew",
            Scenario::DuplicatePost => "duplicate-post",
            Scenario::V1Unavailable => "v1-unavailable",
            Scenario::ServerError => "server-error",
            Scenario::ServiceUnavailable => "service-unavailable",
            Scenario::Slow => "slow",
            Scenario::Oauth2Expired => "oauth2-expired",
            Scenario::Oauth2MissingScope => "oauth2-missing-scope",
            Scenario::Oauth2Revoked => "oauth2-revoked",
            Scenario::Oauth2RefreshReused => "oauth2-refresh-reused",
        }
    }

    /// The scenario with this kebab-case name.
    pub fn from_name(name: &str) -> Option<Scenario> {
        Scenario::ALL.iter().copied().find(|s| s.name() == name)
    }

    /// One line saying what the scenario simulates.
    pub fn describe(self) -> &'static str {
        match self {
            Scenario::FullAccess => "keys with 'Read and write and Direct message' permission: everything works",
            Scenario::ReadOnly => "a token created before the app got write permission: reads work, writes are refused",
            Scenario::ReadWrite => "'Read and write' without Direct Messages: posts work, DMs are refused",
            Scenario::Revoked => "a token that was revoked or regenerated",
            Scenario::AppNotEnrolled => "an app not moved into the Pay-per-use package",
            Scenario::UserNotEnrolled => "a user without a pay-per-use developer account",
            Scenario::CreditsDepleted => "a pay-per-use account with no credits left",
            Scenario::RateLimited => "a user over the rate limit of every endpoint",
            Scenario::ClockSkew => "a server clock one hour ahead of yours: signatures look stale",
            Scenario::DuplicatePost => "every post is refused as duplicate content",
            Scenario::V1Unavailable => "an access level without the v1.1 endpoints",
            Scenario::ServerError => "X failing with 500 Internal Server Error",
            Scenario::ServiceUnavailable => "X overloaded: 503 Service Unavailable",
            Scenario::Slow => "X answering slowly (30 s by default): test your timeouts",
            Scenario::Oauth2Expired => "an OAuth 2.0 access token past its 2 hours: refresh it",
            Scenario::Oauth2MissingScope => "an OAuth 2.0 token without tweet.write and dm.write: posts and DMs are refused",
            Scenario::Oauth2Revoked => "OAuth 2.0 tokens the app or the user revoked",
            Scenario::Oauth2RefreshReused => "an OAuth 2.0 refresh token already used once: it rotated",
        }
    }

    /// The username of this scenario's demo user (at most 15 characters, as on X).
    pub(crate) fn demo_username(self) -> &'static str {
        match self {
            Scenario::FullAccess => "xkeys_full",
            Scenario::ReadOnly => "xkeys_readonly",
            Scenario::ReadWrite => "xkeys_readwrite",
            Scenario::Revoked => "xkeys_revoked",
            Scenario::AppNotEnrolled => "xkeys_noapp",
            Scenario::UserNotEnrolled => "xkeys_nouser",
            Scenario::CreditsDepleted => "xkeys_nocredits",
            Scenario::RateLimited => "xkeys_ratelimit",
            Scenario::ClockSkew => "xkeys_skew",
            Scenario::DuplicatePost => "xkeys_dupe",
            Scenario::V1Unavailable => "xkeys_nov1",
            Scenario::ServerError => "xkeys_error",
            Scenario::ServiceUnavailable => "xkeys_down",
            Scenario::Slow => "xkeys_slow",
            Scenario::Oauth2Expired => "xkeys_o2expired",
            Scenario::Oauth2MissingScope => "xkeys_o2scope",
            Scenario::Oauth2Revoked => "xkeys_o2revoked",
            Scenario::Oauth2RefreshReused => "xkeys_o2reused",
        }
    }

    /// Whether the scenario is a property of a token rather than of its app: a token the app gets
    /// now (by a flow, or by refreshing) does not inherit it.
    pub(crate) fn belongs_to_token(self) -> bool {
        matches!(
            self,
            Scenario::ReadOnly
                | Scenario::ReadWrite
                | Scenario::Revoked
                | Scenario::Oauth2Expired
                | Scenario::Oauth2MissingScope
                | Scenario::Oauth2Revoked
                | Scenario::Oauth2RefreshReused
        )
    }
}

/// An unknown scenario name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown scenario '{0}': the sandbox has {names}", names = Scenario::ALL.iter().map(|s| s.name()).collect::<Vec<_>>().join(", "))]
pub struct UnknownScenario(pub String);

impl std::str::FromStr for Scenario {
    type Err = UnknownScenario;

    /// The scenario with this kebab-case name, e.g. `"read-only"`.
    fn from_str(name: &str) -> Result<Scenario, UnknownScenario> {
        Scenario::from_name(name).ok_or_else(|| UnknownScenario(name.to_string()))
    }
}

/// `--scenario NAME` in the sandbox's and the examples' command lines, with every name in `--help`.
impl clap::ValueEnum for Scenario {
    fn value_variants<'a>() -> &'a [Scenario] {
        Scenario::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()).help(self.describe()))
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for &s in Scenario::ALL {
            assert_eq!(Scenario::from_name(s.name()), Some(s));
        }
        assert_eq!(Scenario::from_name("nope"), None);
        assert_eq!(Scenario::ReadOnly.name(), "read-only");
        assert_eq!(
            Scenario::Oauth2RefreshReused.name(),
            "oauth2-refresh-reused"
        );
    }

    #[test]
    fn demo_usernames_are_distinct_and_fit_x() {
        let names: std::collections::HashSet<_> =
            Scenario::ALL.iter().map(|s| s.demo_username()).collect();
        assert_eq!(names.len(), Scenario::ALL.len());
        assert!(names.iter().all(|n| n.len() <= 15));
    }

    #[test]
    fn the_oauth2_scenarios_come_last_in_the_book_order() {
        let n = Scenario::ALL.len();
        assert_eq!(Scenario::ALL[n - 5], Scenario::Slow);
        assert_eq!(
            &Scenario::ALL[n - 4..],
            &[
                Scenario::Oauth2Expired,
                Scenario::Oauth2MissingScope,
                Scenario::Oauth2Revoked,
                Scenario::Oauth2RefreshReused
            ]
        );
    }
}
