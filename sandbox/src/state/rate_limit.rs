//! Per-user and per-app rate-limit counters in fixed windows, X's 15 minutes by default
//! (<https://docs.x.com/x-api/fundamentals/rate-limits>). Each endpoint's limits live in its
//! [`Spec`](crate::auth::Spec), beside its handler.

use std::collections::HashMap;
use std::sync::Mutex;

use super::lock;

/// The length of every window: 15 minutes (X's; a sandbox can shorten it for tests).
pub(crate) const WINDOW_SECS: i64 = 15 * 60;

/// What the rate-limit headers say for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RateStatus {
    /// `x-rate-limit-limit`: requests per window.
    pub(crate) limit: u32,
    /// `x-rate-limit-remaining`.
    pub(crate) remaining: u32,
    /// `x-rate-limit-reset`: Unix seconds when the window resets.
    pub(crate) reset: i64,
    /// Whether this request is over the limit (429).
    pub(crate) exceeded: bool,
}

/// (who, endpoint) → (when the window resets, requests counted in it).
type Windows = HashMap<(String, &'static str), (i64, u32)>;

/// Fixed windows per (user or app, endpoint), opened by the first request.
pub(crate) struct RateLimiter {
    enabled: bool,
    window: i64,
    windows: Mutex<Windows>,
}

impl RateLimiter {
    /// Counters with windows of `window` seconds; when not `enabled`, nobody is ever limited.
    pub(crate) fn new(enabled: bool, window: i64) -> RateLimiter {
        RateLimiter {
            enabled,
            window,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request of `who` on `endpoint`, which allows `limit` per window, at `now`.
    /// `used_up`: a window this request opens starts with no request left (the rate-limited
    /// scenario), so the caller is refused until it resets, then counts afresh: a client that
    /// waits for `x-rate-limit-reset` gets through.
    pub(crate) fn hit(
        &self,
        who: &str,
        endpoint: &'static str,
        limit: u32,
        now: i64,
        used_up: bool,
    ) -> RateStatus {
        if !self.enabled {
            return RateStatus {
                limit,
                remaining: limit,
                reset: now + self.window,
                exceeded: false,
            };
        }
        let mut windows = lock(&self.windows);
        let opened = if used_up { limit } else { 0 };
        let entry = windows
            .entry((who.to_string(), endpoint))
            .or_insert((now + self.window, opened));
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
}

impl RateLimiter {
    /// Forgets every window: each caller's next request opens a new one, as on a fresh sandbox
    /// (the rate-limited scenario's account starts at its limit again). Returns how many there were.
    pub(crate) fn reset(&self) -> usize {
        let mut windows = lock(&self.windows);
        let count = windows.len();
        windows.clear();
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_down_then_refuses_then_resets() {
        const DM: &str = "POST /2/dm_conversations/with/:participant_id/messages";
        let r = RateLimiter::new(true, WINDOW_SECS);
        for i in 0..15 {
            let s = r.hit("u", DM, 15, 1000, false);
            assert_eq!((s.remaining, s.exceeded), (14 - i, false));
            assert_eq!(s.reset, 1000 + WINDOW_SECS);
        }
        assert!(r.hit("u", DM, 15, 1001, false).exceeded);
        assert!(!r.hit("other", DM, 15, 1001, false).exceeded);
        let s = r.hit("u", DM, 15, 1000 + WINDOW_SECS, false);
        assert_eq!((s.remaining, s.exceeded), (14, false));
    }

    #[test]
    fn a_used_up_window_keeps_its_reset_then_recovers() {
        const ME: &str = "GET /2/users/me";
        let r = RateLimiter::new(true, 60);
        let first = r.hit("u", ME, 75, 1000, true);
        assert_eq!(
            (first.remaining, first.exceeded, first.reset),
            (0, true, 1060)
        );
        // Later calls in the window see the same reset: it does not slide.
        let later = r.hit("u", ME, 75, 1059, true);
        assert_eq!((later.exceeded, later.reset), (true, 1060));
        // At the reset the caller gets a fresh window.
        let after = r.hit("u", ME, 75, 1060, true);
        assert_eq!(
            (after.remaining, after.exceeded, after.reset),
            (74, false, 1120)
        );
        // A reset forgets the windows: the rate-limited caller is at its limit again.
        assert_eq!(r.reset(), 1);
        assert!(r.hit("u", ME, 75, 1061, true).exceeded);
    }
}
