//! Per-user and per-app rate limits with X's published 15-minute windows (FACTS §2.5).

use std::collections::HashMap;
use std::sync::Mutex;

/// The endpoints the sandbox rate-limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Endpoint {
    UsersMe,
    CreateTweet,
    DeleteTweet,
    SendDm,
    UserByUsername,
    VerifyCredentials,
    InvalidateToken,
}

/// The length of every window: 15 minutes (X's; a sandbox can shorten it for tests).
pub(crate) const WINDOW_SECS: i64 = 15 * 60;

impl Endpoint {
    /// Requests per 15-minute window.
    pub(crate) fn limit(self, app_only: bool) -> u32 {
        match self {
            // FACTS §2.5 (docs rate-limits.mdx @HEAD).
            Endpoint::UsersMe => 75,
            Endpoint::CreateTweet => 100,
            Endpoint::DeleteTweet => 50,
            Endpoint::SendDm => 15,
            // Not in FACTS §2.5: the long-standing published values for user lookup
            // (300 per app, 900 per user) and v1.1 verify_credentials (75 per user).
            Endpoint::UserByUsername if app_only => 300,
            Endpoint::UserByUsername => 900,
            Endpoint::VerifyCredentials => 75,
            // X publishes no limit for revoking a token; one per window is plenty, 15 is generous.
            Endpoint::InvalidateToken => 15,
        }
    }
}

/// What the rate-limit headers say for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RateStatus {
    pub(crate) limit: u32,
    pub(crate) remaining: u32,
    /// Unix seconds when the window resets.
    pub(crate) reset: i64,
    pub(crate) exceeded: bool,
}

/// Fixed windows per (user or app, endpoint), opened by the first request.
pub(crate) struct RateLimiter {
    enabled: bool,
    window: i64,
    windows: Mutex<HashMap<(String, Endpoint), (i64, u32)>>,
}

impl RateLimiter {
    pub(crate) fn new(enabled: bool, window: i64) -> RateLimiter {
        RateLimiter {
            enabled,
            window,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request of `who` on `endpoint` at `now`.
    pub(crate) fn hit(
        &self,
        who: &str,
        endpoint: Endpoint,
        app_only: bool,
        now: i64,
    ) -> RateStatus {
        let limit = endpoint.limit(app_only);
        if !self.enabled {
            return RateStatus {
                limit,
                remaining: limit,
                reset: now + self.window,
                exceeded: false,
            };
        }
        let mut windows = match self.windows.lock() {
            Ok(w) => w,
            Err(poisoned) => poisoned.into_inner(),
        };
        let entry = windows
            .entry((who.to_string(), endpoint))
            .or_insert((now + self.window, 0));
        if entry.0 <= now {
            *entry = (now + self.window, 0);
        }
        let exceeded = entry.1 >= limit;
        if !exceeded {
            entry.1 += 1;
        }
        RateStatus {
            limit,
            remaining: limit - entry.1,
            reset: entry.0,
            exceeded,
        }
    }

    /// The status of a user who is always over the limit (the rate-limited scenario).
    pub(crate) fn exhausted(&self, endpoint: Endpoint, app_only: bool, now: i64) -> RateStatus {
        RateStatus {
            limit: endpoint.limit(app_only),
            remaining: 0,
            reset: now + self.window,
            exceeded: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_down_then_refuses_then_resets() {
        let r = RateLimiter::new(true, WINDOW_SECS);
        for i in 0..15 {
            let s = r.hit("u", Endpoint::SendDm, false, 1000);
            assert_eq!((s.remaining, s.exceeded), (14 - i, false));
            assert_eq!(s.reset, 1000 + WINDOW_SECS);
        }
        assert!(r.hit("u", Endpoint::SendDm, false, 1001).exceeded);
        assert!(!r.hit("other", Endpoint::SendDm, false, 1001).exceeded);
        let s = r.hit("u", Endpoint::SendDm, false, 1000 + WINDOW_SECS);
        assert_eq!((s.remaining, s.exceeded), (14, false));
    }
}
