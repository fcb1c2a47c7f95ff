//! Deterministic, well-formed fake keys: the same demo keys on every run.
//!
//! The shapes are X's: API Key 25 alphanumerics, API Key Secret 50, Access Token
//! `<19-digit user id>-<alphanumerics>` (50 characters), Access Token Secret 45, the shapes secret
//! scanners match (gitleaks' `twitter.go` rules); the Bearer Token is 21 `A`s and 110 characters
//! decoded, URL-encoded so it always holds `%3D`, like the examples of
//! <https://docs.x.com/fundamentals/authentication/oauth-2-0/bearer-tokens>.

use sha1::{Digest, Sha1};

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// An endless deterministic byte stream: SHA-1 of `"<seed>:<block>"`.
struct Stream {
    seed: String,
    block: u32,
    buf: [u8; 20],
    pos: usize,
}

impl Stream {
    fn new(seed: &str) -> Stream {
        Stream {
            seed: seed.to_string(),
            block: 0,
            buf: [0; 20],
            pos: 20,
        }
    }

    fn next_byte(&mut self) -> u8 {
        if self.pos == self.buf.len() {
            let mut hasher = Sha1::new();
            hasher.update(self.seed.as_bytes());
            hasher.update(b":");
            hasher.update(self.block.to_be_bytes());
            self.buf.copy_from_slice(&hasher.finalize());
            self.block += 1;
            self.pos = 0;
        }
        let b = self.buf[self.pos];
        self.pos += 1;
        b
    }

    /// A uniform value below `n` (rejection sampling, so base62 stays unbiased).
    fn below(&mut self, n: u8) -> u8 {
        let limit = 256 - (256 % n as u16);
        loop {
            let b = self.next_byte();
            if (b as u16) < limit {
                return b % n;
            }
        }
    }
}

/// `n` base62 characters derived from `seed`.
pub(crate) fn alnum(seed: &str, n: usize) -> String {
    let mut s = Stream::new(seed);
    (0..n)
        .map(|_| BASE62[s.below(62) as usize] as char)
        .collect()
}

/// A 19-digit snowflake-style user id (a 2019-2025 account) derived from `seed`.
pub(crate) fn snowflake(seed: &str) -> String {
    let mut s = Stream::new(seed);
    let mut id = String::from("1");
    id.push((b'2' + s.below(7)) as char);
    for _ in 0..17 {
        id.push((b'0' + s.below(10)) as char);
    }
    id
}

/// A Bearer Token derived from `seed`: 110 characters decoded, then URL-encoded.
pub(crate) fn bearer(seed: &str) -> String {
    let mut s = Stream::new(seed);
    let mut decoded = "A".repeat(21);
    for _ in 0..4 {
        decoded.push(BASE62[s.below(62) as usize] as char);
    }
    decoded.push_str("AAAAAAA");
    for _ in 0..27 {
        decoded.push(BASE64[s.below(64) as usize] as char);
    }
    decoded.push('=');
    for _ in 0..50 {
        decoded.push(BASE62[s.below(62) as usize] as char);
    }
    decoded
        .replace('%', "%25")
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}
