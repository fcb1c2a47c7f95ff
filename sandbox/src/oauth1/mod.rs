//! The sandbox's own OAuth 1.0a (RFC 5849) verifier: encoding, base string, HMAC-SHA1, the
//! parameters a signature covers ([`collect`]), why a request fails ([`Failure`]) and the nonce
//! store ([`NonceStore`]). No HTTP here: the sandbox's glue hands it the parts of a request.
//!
//! This code shares nothing with any signer: clients sign with reqwest-oauth1, the sandbox
//! checks with this module, so a bug on one side shows up as a failed test instead of cancelling out.

mod failure;
mod nonce;
mod request;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

pub use failure::Failure;
pub use nonce::NonceStore;
pub use request::{collect, parse_authorization, Collected, Received};

type HmacSha1 = Hmac<Sha1>;

/// RFC 3986 percent-encoding: everything but `A-Za-z0-9-._~` becomes `%XX` (upper-case hex).
pub fn percent_encode(input: impl AsRef<[u8]>) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = input.as_ref();
    let mut out = String::with_capacity(bytes.len() * 3);
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
    out
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` (and `+` as a space when `plus_is_space`); `None` on a malformed escape.
fn percent_decode(input: &str, plus_is_space: bool) -> Option<Vec<u8>> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(hex_value)?;
                let lo = bytes.get(i + 2).copied().and_then(hex_value)?;
                out.push(hi << 4 | lo);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(out)
}

/// Splits an `application/x-www-form-urlencoded` string (a query or a form body) into pairs.
///
/// Malformed escapes are kept literally, as WHATWG form parsing (and so reqwest-oauth1) does.
pub fn parse_form(input: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    input
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            let decode = |s: &str| {
                percent_decode(s, true).unwrap_or_else(|| s.replace('+', " ").into_bytes())
            };
            (decode(name), decode(value))
        })
        .collect()
}

/// The base string URI (RFC 5849 §3.4.1.2): lower-case scheme and host, default port dropped,
/// the path as sent, no query.
pub fn base_string_uri(scheme: &str, host: &str, path: &str) -> String {
    let scheme = scheme.to_ascii_lowercase();
    let mut host = host.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => Some(":80"),
        "https" => Some(":443"),
        _ => None,
    };
    if let Some(port) = default_port {
        if let Some(stripped) = host.strip_suffix(port) {
            host = stripped.to_string();
        }
    }
    let path = if path.is_empty() { "/" } else { path };
    format!("{scheme}://{host}{path}")
}

/// The normalized parameter string (RFC 5849 §3.4.1.3.2): each name and value encoded,
/// sorted by name then value, joined with `=` and `&`.
pub fn normalized_parameters<N: AsRef<[u8]>, V: AsRef<[u8]>>(params: &[(N, V)]) -> String {
    let mut encoded: Vec<(String, String)> = params
        .iter()
        .map(|(n, v)| (percent_encode(n), percent_encode(v)))
        .collect();
    encoded.sort();
    encoded
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The signature base string (RFC 5849 §3.4.1): `METHOD&enc(uri)&enc(normalized params)`.
///
/// `params` are the decoded query, form-body and `oauth_*` parameters, without
/// `oauth_signature` and `realm`.
pub fn signature_base_string<N: AsRef<[u8]>, V: AsRef<[u8]>>(
    method: &str,
    base_uri: &str,
    params: &[(N, V)],
) -> String {
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        percent_encode(base_uri),
        percent_encode(normalized_parameters(params))
    )
}

fn mac(consumer_secret: &str, token_secret: &str) -> HmacSha1 {
    let key = format!(
        "{}&{}",
        percent_encode(consumer_secret),
        percent_encode(token_secret)
    );
    // HMAC accepts keys of any length, so this cannot fail; fall back to an empty key anyway.
    HmacSha1::new_from_slice(key.as_bytes())
        .unwrap_or_else(|_| <HmacSha1 as hmac::digest::KeyInit>::new(&Default::default()))
}

/// The HMAC-SHA1 signature of a base string, base64-encoded (for tests and the book).
///
/// # Security
/// Takes both secrets; the result proves knowledge of them but does not reveal them.
pub fn hmac_sha1_signature(base_string: &str, consumer_secret: &str, token_secret: &str) -> String {
    let mut m = mac(consumer_secret, token_secret);
    m.update(base_string.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(m.finalize().into_bytes())
}

/// Checks a base64 signature in constant time (`hmac::Mac::verify_slice`).
///
/// # Security
/// Takes both secrets; never prints them.
pub fn verify_hmac_sha1(
    base_string: &str,
    consumer_secret: &str,
    token_secret: &str,
    signature: &str,
) -> bool {
    let mut m = mac(consumer_secret, token_secret);
    m.update(base_string.as_bytes());
    // A signature that is not base64 still costs the same HMAC, then compares against nothing.
    let given = base64::engine::general_purpose::STANDARD
        .decode(signature)
        .unwrap_or_default();
    m.verify_slice(&given).is_ok()
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_is_rfc3986() {
        assert_eq!(
            percent_encode("Ladies + Gentlemen"),
            "Ladies%20%2B%20Gentlemen"
        );
        assert_eq!(percent_encode("a-._~Z9"), "a-._~Z9");
        assert_eq!(percent_encode("☃"), "%E2%98%83");
        assert_eq!(percent_encode("*!'()"), "%2A%21%27%28%29");
    }

    #[test]
    fn base_uri_lowercases_and_drops_default_ports() {
        assert_eq!(
            base_string_uri("HTTP", "Example.COM:80", "/r%20v/X"),
            "http://example.com/r%20v/X"
        );
        assert_eq!(base_string_uri("https", "a.b:443", "/"), "https://a.b/");
        assert_eq!(
            base_string_uri("http", "127.0.0.1:8080", "/2/users/me"),
            "http://127.0.0.1:8080/2/users/me"
        );
    }
}
