//! The sandbox's own OAuth 1.0a (RFC 5849) verifier: parsing, base string, HMAC-SHA1, nonces.
//!
//! This code shares nothing with any signer: clients sign with reqwest-oauth1, the sandbox
//! checks with this file, so a bug on one side shows up as a failed test instead of cancelling out.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::accounts::mask;

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

/// Why a request failed verification; [`Failure::explain`] is safe to show (no secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No `Authorization` header.
    MissingAuthorization,
    /// More than one `Authorization` header.
    MultipleAuthorization,
    /// The `Authorization` header is not `OAuth ...`.
    NotOAuth,
    /// The header could not be parsed.
    Malformed(String),
    /// The same `oauth_*` parameter twice.
    DuplicateParameter(String),
    /// An `oauth_*` parameter both in the header and in the query or body.
    TwoPlaces(String),
    /// A required parameter is missing.
    MissingParameter(&'static str),
    /// A parameter that must be absent here was sent.
    UnexpectedParameter(String),
    /// `oauth_signature_method` other than HMAC-SHA1.
    UnsupportedSignatureMethod(String),
    /// `oauth_version` other than `1.0`.
    BadVersion(String),
    /// `oauth_timestamp` is not a number.
    BadTimestamp(String),
    /// No app has this consumer key.
    UnknownConsumerKey(String),
    /// No token has this value (for this app).
    UnknownToken(String),
    /// The signature does not match; carries the base string the sandbox computed (ids masked).
    SignatureMismatch(String),
    /// The signature matches the request without its form-body parameters: the client left the
    /// body out of its base string (reqwest-oauth1 0.3 does so when a request has both a URL query
    /// and a form body, STACK.md pitfall 8). Carries the base string it should have signed (ids masked).
    BodyNotSigned(String),
    /// The timestamp is outside the window.
    Stale {
        /// Client timestamp minus server time, in seconds.
        skew: i64,
        /// The allowed window, in seconds.
        window: u64,
        /// The server's clock (Unix seconds).
        server_time: i64,
    },
    /// The nonce was already used with this key, token and timestamp.
    NonceReplayed,
    /// The nonce store is full of live nonces.
    NonceStoreFull(usize),
    /// The token was revoked.
    Revoked(String),
}

impl Failure {
    /// A one-line explanation for the `x-sandbox-explain` header: never a secret.
    pub fn explain(&self) -> String {
        match self {
            Failure::MissingAuthorization => "no Authorization header".into(),
            Failure::MultipleAuthorization => "more than one Authorization header".into(),
            Failure::NotOAuth => {
                "Authorization header is not 'OAuth ...' (OAuth 1.0a user context expected)".into()
            }
            Failure::Malformed(why) => format!("malformed Authorization header: {why}"),
            Failure::DuplicateParameter(name) => format!("duplicate parameter {name}"),
            Failure::TwoPlaces(name) => format!(
                "oauth params in two places: {name} is in the Authorization header and in the query or body"
            ),
            Failure::MissingParameter(name) => format!("missing required parameter {name}"),
            Failure::UnexpectedParameter(name) => format!("unexpected parameter {name}"),
            Failure::UnsupportedSignatureMethod(m) => {
                format!("oauth_signature_method {m} is not supported: only HMAC-SHA1")
            }
            Failure::BadVersion(v) => format!("oauth_version must be 1.0 when sent, got {v}"),
            Failure::BadTimestamp(t) => format!("oauth_timestamp is not a number: {t}"),
            Failure::UnknownConsumerKey(k) => format!("unknown consumer key {k}"),
            Failure::UnknownToken(t) => format!(
                "unknown token {t} for this consumer key (an access token, or on /oauth/access_token a request token: unknown, used or cancelled)"
            ),
            Failure::SignatureMismatch(base) => format!(
                "signature mismatch; the sandbox computed the base string (ids masked): {base}"
            ),
            Failure::BodyNotSigned(base) => format!(
                "signature mismatch; the client signed without the form-body parameters (it signed the URL query only, as reqwest-oauth1 0.3 does when a request has both a query and a form body): put all parameters in one place, see \"How an OAuth 1.0a signature is made\" (book/how-a-signature-is-made.md); the sandbox computed the base string (ids masked): {base}"
            ),
            Failure::Stale {
                skew,
                window,
                server_time,
            } => {
                let direction = if *skew < 0 { "behind" } else { "ahead of" };
                format!(
                    "timestamp outside the window: {} s {direction} the server clock (window +/-{window} s, server time {server_time})",
                    skew.unsigned_abs()
                )
            }
            Failure::NonceReplayed => {
                "nonce replayed: this consumer key, token, timestamp and nonce were already used".into()
            }
            Failure::NonceStoreFull(cap) => format!(
                "nonce store full ({cap} live nonces): the sandbox refuses new nonces rather than forget old ones; retry later"
            ),
            Failure::Revoked(t) => format!("token {t} was revoked"),
        }
    }
}

/// Parses `OAuth k="v", ...` into decoded pairs (RFC 5849 §3.5.1), `realm` included.
pub fn parse_authorization(value: &str) -> Result<Vec<(String, String)>, Failure> {
    let value = value.trim();
    let rest = match value.split_once(char::is_whitespace) {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("OAuth") => rest,
        None if value.eq_ignore_ascii_case("OAuth") => "",
        _ => return Err(Failure::NotOAuth),
    };
    let mut out = Vec::new();
    for item in rest.split(',') {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let (name, quoted) = item
            .split_once('=')
            .ok_or_else(|| Failure::Malformed(format!("no '=' in {:?}", truncate(item, 40))))?;
        let name = name.trim();
        let quoted = quoted.trim();
        let inner = quoted
            .strip_prefix('"')
            .and_then(|q| q.strip_suffix('"'))
            .ok_or_else(|| Failure::Malformed(format!("the value of {name} is not quoted")))?;
        let decode = |s: &str| {
            percent_decode(s, false)
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| Failure::Malformed(format!("bad percent-encoding in {name}")))
        };
        out.push((decode(name)?, decode(inner)?));
    }
    Ok(out)
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// A request as received, the parts that a signature covers.
#[derive(Debug, Clone, Copy)]
pub struct Received<'a> {
    /// HTTP method, e.g. `GET`.
    pub method: &'a str,
    /// The scheme the client used (the sandbox serves `http`).
    pub scheme: &'a str,
    /// The `Host` header, as sent.
    pub host: &'a str,
    /// The path, as sent.
    pub path: &'a str,
    /// The raw query string, if any.
    pub query: Option<&'a str>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<&'a str>,
    /// The body.
    pub body: &'a [u8],
}

/// A request whose OAuth parameters were collected and whose base string was computed.
#[derive(Debug, Clone)]
pub struct Collected {
    /// The `oauth_*` parameters from the header, decoded, without `oauth_signature`.
    pub oauth: BTreeMap<String, String>,
    /// The claimed signature.
    pub signature: String,
    /// Query and form parameters (not `oauth_*`), decoded.
    pub params: Vec<(Vec<u8>, Vec<u8>)>,
    /// The base string the sandbox computed.
    pub base_string: String,
    /// The base string without the form-body parameters, when there are any: a signature that
    /// matches it comes from a client that didn't sign the body (for the explanation only).
    pub base_string_without_body: Option<String>,
    /// `oauth_timestamp` as a number.
    pub timestamp: i64,
}

impl Collected {
    /// The consumer key.
    pub fn consumer_key(&self) -> &str {
        self.oauth
            .get("oauth_consumer_key")
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// The token, if one was sent.
    pub fn token(&self) -> Option<&str> {
        self.oauth.get("oauth_token").map(String::as_str)
    }

    /// The nonce.
    pub fn nonce(&self) -> &str {
        self.oauth
            .get("oauth_nonce")
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// The first query/form parameter named `name`, decoded (lossy UTF-8).
    pub fn param(&self, name: &str) -> Option<String> {
        self.params
            .iter()
            .find(|(n, _)| n == name.as_bytes())
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    }

    /// The base string with the consumer key and token masked, for explanations.
    pub fn masked_base_string(&self) -> String {
        let mut s = self.base_string.clone();
        for id in [Some(self.consumer_key()), self.token()]
            .into_iter()
            .flatten()
        {
            if !id.is_empty() {
                // In the base string the value is encoded twice.
                let twice = percent_encode(percent_encode(id));
                let masked = percent_encode(percent_encode(mask(id)));
                s = s.replace(&twice, &masked);
            }
        }
        s
    }
}

fn is_form(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|ct| ct.split(';').next())
        .map(|mt| {
            mt.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
        .unwrap_or(false)
}

/// Collects the parameters of a request and computes its base string.
///
/// `authorization` holds every `Authorization` header value received.
pub fn collect(req: &Received<'_>, authorization: &[&str]) -> Result<Collected, Failure> {
    let header = match authorization {
        [] => return Err(Failure::MissingAuthorization),
        [one] => *one,
        _ => return Err(Failure::MultipleAuthorization),
    };
    let mut oauth = BTreeMap::new();
    let mut signature = None;
    for (name, value) in parse_authorization(header)? {
        if name == "realm" {
            continue;
        }
        if !name.starts_with("oauth_") {
            return Err(Failure::UnexpectedParameter(name));
        }
        if name == "oauth_signature" {
            if signature.replace(value).is_some() {
                return Err(Failure::DuplicateParameter(name));
            }
            continue;
        }
        if oauth.contains_key(&name) {
            return Err(Failure::DuplicateParameter(name));
        }
        oauth.insert(name, value);
    }

    let mut params = req.query.map(parse_form).unwrap_or_default();
    let query_len = params.len();
    if is_form(req.content_type) {
        params.extend(parse_form(&String::from_utf8_lossy(req.body)));
    }
    // RFC 5849 §3.5: protocol parameters travel in one place only.
    if let Some((name, _)) = params.iter().find(|(n, _)| n.starts_with(b"oauth_")) {
        return Err(Failure::TwoPlaces(
            String::from_utf8_lossy(name).into_owned(),
        ));
    }

    let signature = signature.ok_or(Failure::MissingParameter("oauth_signature"))?;
    for required in [
        "oauth_consumer_key",
        "oauth_signature_method",
        "oauth_timestamp",
        "oauth_nonce",
    ] {
        if !oauth.contains_key(required) {
            return Err(Failure::MissingParameter(required));
        }
    }
    let method = oauth
        .get("oauth_signature_method")
        .cloned()
        .unwrap_or_default();
    if method != "HMAC-SHA1" {
        return Err(Failure::UnsupportedSignatureMethod(method));
    }
    if let Some(version) = oauth.get("oauth_version") {
        if version != "1.0" {
            return Err(Failure::BadVersion(version.clone()));
        }
    }
    let raw_ts = oauth.get("oauth_timestamp").cloned().unwrap_or_default();
    let timestamp =
        if !raw_ts.is_empty() && raw_ts.len() <= 12 && raw_ts.bytes().all(|b| b.is_ascii_digit()) {
            raw_ts
                .parse::<i64>()
                .map_err(|_| Failure::BadTimestamp(raw_ts.clone()))?
        } else {
            return Err(Failure::BadTimestamp(truncate(&raw_ts, 20)));
        };

    let uri = base_string_uri(req.scheme, req.host, req.path);
    let pairs = |params: &[(Vec<u8>, Vec<u8>)]| -> Vec<(Vec<u8>, Vec<u8>)> {
        params
            .iter()
            .cloned()
            .chain(
                oauth
                    .iter()
                    .map(|(n, v)| (n.clone().into_bytes(), v.clone().into_bytes())),
            )
            .collect()
    };
    let base_string = signature_base_string(req.method, &uri, &pairs(&params));
    let base_string_without_body = (params.len() > query_len)
        .then(|| signature_base_string(req.method, &uri, &pairs(&params[..query_len])));

    Ok(Collected {
        oauth,
        signature,
        params,
        base_string,
        base_string_without_body,
        timestamp,
    })
}

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

    #[test]
    fn authorization_header_parses() {
        let p = parse_authorization(
            r#"OAuth realm="Photos", oauth_callback="http%3A%2F%2Fx%2Fy", oauth_nonce="a""#,
        );
        assert_eq!(
            p,
            Ok(vec![
                ("realm".into(), "Photos".into()),
                ("oauth_callback".into(), "http://x/y".into()),
                ("oauth_nonce".into(), "a".into())
            ])
        );
        assert_eq!(parse_authorization("Bearer abc"), Err(Failure::NotOAuth));
        assert!(matches!(
            parse_authorization("OAuth oauth_nonce=abc"),
            Err(Failure::Malformed(_))
        ));
    }

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

    #[test]
    fn masked_base_string_hides_ids() {
        let req = Received {
            method: "GET",
            scheme: "http",
            host: "127.0.0.1:1",
            path: "/x",
            query: None,
            content_type: None,
            body: b"",
        };
        let c = collect(
            &req,
            &[
                r#"OAuth oauth_consumer_key="ABCDEFG", oauth_token="123-XYZ", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1", oauth_nonce="n", oauth_signature="x""#,
            ],
        );
        let Ok(c) = c else {
            panic!("collect failed: {c:?}")
        };
        let masked = c.masked_base_string();
        assert!(!masked.contains("ABCDEFG") && !masked.contains("123-XYZ"));
        assert!(masked.contains("ABCD%25E2%2580%25A6"));
    }
}
