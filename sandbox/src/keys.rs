//! Deterministic, well-formed fake keys: the same demo keys on every run.
//!
//! The shapes are X's: API Key 25 alphanumerics, API Key Secret 50, Access Token
//! `<19-digit user id>-<alphanumerics>` (50 characters), Access Token Secret 45, the shapes secret
//! scanners match (gitleaks' `twitter.go` rules); the Bearer Token is 21 `A`s and 110 characters
//! decoded, URL-encoded so it always holds `%3D`, like the examples of
//! <https://docs.x.com/fundamentals/authentication/oauth-2-0/bearer-tokens>.
//!
//! OAuth 2.0 values have the shapes seen on X (treat them as opaque): a Client ID is 34
//! characters, unpadded base64 of `<20 chars>:1:ci`, so it always ends `MTpjaQ`
//! (<https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code>); a Client
//! Secret 50 characters of `[A-Za-z0-9_-]`; codes and tokens unpadded base64 of
//! `<45 chars>:<13-digit ms timestamp>:1:0:<ac|at|rt>:1`, 91 characters (tweepy/tweepy#2021,
//! plhery/node-twitter-api-v2#265).

use base64::Engine as _;
use sha1::{Digest, Sha1};

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/// The characters of OAuth 2.0 ids and secrets: base64url's.
pub(crate) const URL_SAFE: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

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

/// `n` characters of `[A-Za-z0-9_-]` derived from `seed`.
pub(crate) fn url_safe(seed: &str, n: usize) -> String {
    let mut s = Stream::new(seed);
    (0..n)
        .map(|_| URL_SAFE[s.below(64) as usize] as char)
        .collect()
}

/// An OAuth 2.0 Client ID derived from `seed`: unpadded base64 of `<20 chars>:1:ci`.
pub(crate) fn client_id(seed: &str) -> String {
    unpadded(&format!("{}:1:ci", url_safe(seed, 20)))
}

/// What an X-shaped OAuth 2.0 code or token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// An authorization code (`ac`).
    Code,
    /// An access token (`at`).
    Access,
    /// A refresh token (`rt`).
    Refresh,
}

impl TokenKind {
    fn tag(self) -> &'static str {
        match self {
            TokenKind::Code => "ac",
            TokenKind::Access => "at",
            TokenKind::Refresh => "rt",
        }
    }
}

/// An X-shaped OAuth 2.0 code or token: unpadded base64 of
/// `<45 chars>:<issued at, 13-digit ms>:1:0:<ac|at|rt>:1`, 91 characters.
pub(crate) fn oauth2_token(random45: &str, issued_ms: u64, kind: TokenKind) -> String {
    unpadded(&format!("{random45}:{issued_ms:013}:1:0:{}:1", kind.tag()))
}

/// What an X-shaped OAuth 2.0 value is, if it is one (for explanations only: X's tokens are
/// opaque, and the sandbox looks every token up).
pub(crate) fn kind_of(token: &str) -> Option<TokenKind> {
    let decoded = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(token)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let parts: Vec<&str> = text.split(':').collect();
    match parts.as_slice() {
        [_, ms, "1", _, tag, "1"] if ms.len() == 13 => {
            [TokenKind::Code, TokenKind::Access, TokenKind::Refresh]
                .into_iter()
                .find(|k| k.tag() == *tag)
        }
        _ => None,
    }
}

fn unpadded(text: &str) -> String {
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_have_the_shape_of_x() {
        // X's documented example decodes to `3S9GpLW-wBjRqy3MKy8N:1:ci`.
        assert_eq!(
            unpadded("3S9GpLW-wBjRqy3MKy8N:1:ci"),
            "M1M5R3BMVy13QmpScXkzTUt5OE46MTpjaQ"
        );
        for seed in ["a", "b", "c"] {
            let id = client_id(seed);
            assert_eq!(id.len(), 34, "{id}");
            assert!(id.ends_with("MTpjaQ"), "{id}");
        }
        assert_ne!(client_id("a"), client_id("b"));
    }

    #[test]
    fn tokens_are_91_chars_and_say_what_they_are() {
        let random = url_safe("t", 45);
        for kind in [TokenKind::Code, TokenKind::Access, TokenKind::Refresh] {
            let t = oauth2_token(&random, 1_650_521_309_248, kind);
            assert_eq!(t.len(), 91, "{t}");
            assert!(t.bytes().all(|b| URL_SAFE.contains(&b)), "{t}");
            assert_eq!(kind_of(&t), Some(kind));
        }
        // A real code ends `MTowOmFjOjE` (`1:0:ac:1`, tweepy/tweepy#2021).
        assert!(oauth2_token(&random, 1_650_521_309_248, TokenKind::Code).ends_with("MTowOmFjOjE"));
        assert_eq!(kind_of("AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid"), None);
        assert_eq!(kind_of(""), None);
    }
}
