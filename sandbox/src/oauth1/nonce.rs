//! The nonce store: a replay is refused while its timestamp is inside the window (RFC 5849 §4.10).

use std::collections::{BTreeSet, HashSet};

use super::Failure;
use crate::accounts::mask;

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct NonceKey {
    consumer_key: String,
    token: String,
    timestamp: i64,
    nonce: String,
}

/// Remembers nonces inside the timestamp window, with a bounded capacity (RFC 5849 §4.10).
///
/// Expired entries are evicted first. When the store is still full, a new nonce is refused
/// (fail closed): evicting a live nonce would let that request be replayed, and a verifier
/// must never accept a replay. Refusing costs availability only, and only until the oldest
/// nonces expire (at most the window).
#[derive(Debug)]
pub struct NonceStore {
    capacity: usize,
    live: HashSet<NonceKey>,
    by_expiry: BTreeSet<(i64, NonceKey)>,
}

impl std::fmt::Debug for NonceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "NonceKey({}, {})",
            mask(&self.consumer_key),
            self.timestamp
        )
    }
}

impl NonceStore {
    /// An empty store holding at most `capacity` live nonces.
    pub fn new(capacity: usize) -> NonceStore {
        NonceStore {
            capacity,
            live: HashSet::new(),
            by_expiry: BTreeSet::new(),
        }
    }

    /// How many nonces are remembered.
    pub fn len(&self) -> usize {
        self.live.len()
    }

    /// Whether no nonce is remembered.
    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }

    /// Records a nonce that stays replayable until `expires` (Unix seconds, real clock).
    ///
    /// # Errors
    /// [`Failure::NonceReplayed`] if it is already there, [`Failure::NonceStoreFull`] if the
    /// store is full of live nonces.
    pub fn check_and_insert(
        &mut self,
        consumer_key: &str,
        token: &str,
        timestamp: i64,
        nonce: &str,
        expires: i64,
        now: i64,
    ) -> Result<(), Failure> {
        while let Some(first) = self.by_expiry.first() {
            if first.0 >= now {
                break;
            }
            if let Some((_, key)) = self.by_expiry.pop_first() {
                self.live.remove(&key);
            }
        }
        let key = NonceKey {
            consumer_key: consumer_key.to_string(),
            token: token.to_string(),
            timestamp,
            nonce: nonce.to_string(),
        };
        if self.live.contains(&key) {
            return Err(Failure::NonceReplayed);
        }
        if self.live.len() >= self.capacity {
            return Err(Failure::NonceStoreFull(self.capacity));
        }
        self.live.insert(key.clone());
        self.by_expiry.insert((expires, key));
        Ok(())
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonce_store_rejects_replays_evicts_expired_and_fails_closed_when_full() {
        let mut s = NonceStore::new(2);
        assert_eq!(s.check_and_insert("k", "t", 100, "n1", 400, 100), Ok(()));
        assert_eq!(
            s.check_and_insert("k", "t", 100, "n1", 400, 101),
            Err(Failure::NonceReplayed)
        );
        // Same nonce, other timestamp: a different key.
        assert_eq!(s.check_and_insert("k", "t", 101, "n1", 401, 101), Ok(()));
        assert_eq!(
            s.check_and_insert("k", "t", 102, "n3", 402, 102),
            Err(Failure::NonceStoreFull(2))
        );
        assert_eq!(s.len(), 2);
        // Once the first two expire, room again, and the old ones are forgotten.
        assert_eq!(s.check_and_insert("k", "t", 1000, "n4", 1300, 1000), Ok(()));
        assert_eq!(s.len(), 1);
    }
}
