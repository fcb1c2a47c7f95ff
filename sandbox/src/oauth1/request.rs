//! What a signature covers: the `Authorization` header's protocol parameters, the query and form
//! parameters, and the base string the sandbox computes from them (RFC 5849 §3.4.1, §3.5).

use std::collections::BTreeMap;

use super::Failure;
use super::{base_string_uri, parse_form, percent_decode, percent_encode, signature_base_string};
use crate::accounts::mask;

/// Decoded (name, value) pairs, in the order they came.
type Params = Vec<(Vec<u8>, Vec<u8>)>;

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
/// `authorization` holds every `Authorization` header value received. Protocol parameters may
/// come in the header, the query and the form body (RFC 5849 §3.5), and some clients split them:
/// twitter-api-v2 sends `oauth_callback`, or `oauth_token` and `oauth_verifier`, in the form body
/// and the rest in the header, and X accepts it. A parameter sent in two places with the same
/// value counts once (as those clients sign it); with two values it is refused.
///
/// The checks run in this order, and the first that fails decides the [`Failure`]: at most one
/// header; its parameters (quoted, `oauth_*` only, none twice); the protocol parameters of the
/// query and the body (none twice in one place, none with two values); some protocol parameter
/// at all ([`Failure::MissingAuthorization`] otherwise); the required parameters; HMAC-SHA1;
/// `oauth_version` 1.0 when sent; a numeric timestamp.
///
/// # Errors
/// The first [`Failure`] met.
pub fn collect(req: &Received<'_>, authorization: &[&str]) -> Result<Collected, Failure> {
    let (mut protocol, mut signature) = match authorization {
        [] => (Protocol::new(), None),
        [one] => protocol_parameters(one)?,
        _ => return Err(Failure::MultipleAuthorization),
    };
    let (params, query_len) = request_parameters(req, &mut protocol, &mut signature)?;
    if protocol.values.is_empty() && signature.is_none() {
        return Err(Failure::MissingAuthorization);
    }
    let oauth = protocol.values;
    let signature = signature
        .map(|(value, _)| value)
        .ok_or(Failure::MissingParameter("oauth_signature"))?;
    let timestamp = check_protocol(&oauth)?;

    let uri = base_string_uri(req.scheme, req.host, req.path);
    let pairs = |params: &[(Vec<u8>, Vec<u8>)]| -> Params {
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

/// Where a protocol parameter came from.
const HEADER: &str = "the Authorization header";
const QUERY: &str = "the query";
const BODY: &str = "the form body";

/// The protocol parameters found so far (without `oauth_signature`), and where each came from.
struct Protocol {
    values: BTreeMap<String, String>,
    places: BTreeMap<String, &'static str>,
}

impl Protocol {
    fn new() -> Protocol {
        Protocol {
            values: BTreeMap::new(),
            places: BTreeMap::new(),
        }
    }

    /// Adds a parameter found in `place`; the same value again elsewhere counts once.
    fn add(&mut self, name: String, value: String, place: &'static str) -> Result<(), Failure> {
        match (self.values.get(&name), self.places.get(&name)) {
            (Some(_), Some(&first)) if first == place => Err(Failure::DuplicateParameter(name)),
            (Some(old), Some(&first)) if *old != value => Err(Failure::TwoPlaces {
                name,
                first,
                second: place,
            }),
            (Some(_), _) => Ok(()),
            (None, _) => {
                self.places.insert(name.clone(), place);
                self.values.insert(name, value);
                Ok(())
            }
        }
    }
}

/// The signature, if sent, and where it came from.
type Signature = Option<(String, &'static str)>;

/// Adds the signature found in `place`, like [`Protocol::add`].
fn add_signature(
    signature: &mut Signature,
    value: String,
    place: &'static str,
) -> Result<(), Failure> {
    match signature {
        Some((_, first)) if *first == place => {
            Err(Failure::DuplicateParameter("oauth_signature".into()))
        }
        Some((old, first)) if *old != value => Err(Failure::TwoPlaces {
            name: "oauth_signature".into(),
            first,
            second: place,
        }),
        Some(_) => Ok(()),
        None => {
            *signature = Some((value, place));
            Ok(())
        }
    }
}

/// The `oauth_*` parameters of the header (without `realm`) and the signature, if sent.
fn protocol_parameters(header: &str) -> Result<(Protocol, Signature), Failure> {
    let mut protocol = Protocol::new();
    let mut signature = None;
    for (name, value) in parse_authorization(header)? {
        if name == "realm" {
            continue;
        }
        if !name.starts_with("oauth_") {
            return Err(Failure::UnexpectedParameter(name));
        }
        if name == "oauth_signature" {
            add_signature(&mut signature, value, HEADER)?;
        } else {
            protocol.add(name, value, HEADER)?;
        }
    }
    Ok((protocol, signature))
}

/// The query parameters, then the form-body ones, and how many came from the query; their
/// `oauth_*` parameters go to `protocol` and `signature` instead.
fn request_parameters(
    req: &Received<'_>,
    protocol: &mut Protocol,
    signature: &mut Signature,
) -> Result<(Params, usize), Failure> {
    let query = req.query.map(parse_form).unwrap_or_default();
    let body = if is_form(req.content_type) {
        parse_form(&String::from_utf8_lossy(req.body))
    } else {
        Vec::new()
    };
    let mut params = Vec::new();
    let mut query_len = 0;
    for (place, pairs) in [(QUERY, query), (BODY, body)] {
        for (name, value) in pairs {
            if !name.starts_with(b"oauth_") {
                params.push((name, value));
                continue;
            }
            let text = |b: Vec<u8>| {
                String::from_utf8(b).map_err(|_| {
                    Failure::Malformed(format!("an oauth_* parameter of {place} is not UTF-8"))
                })
            };
            let (name, value) = (text(name)?, text(value)?);
            if name == "oauth_signature" {
                add_signature(signature, value, place)?;
            } else {
                protocol.add(name, value, place)?;
            }
        }
        if place == QUERY {
            query_len = params.len();
        }
    }
    Ok((params, query_len))
}

/// The required parameters, the method and the version; returns the timestamp.
fn check_protocol(oauth: &BTreeMap<String, String>) -> Result<i64, Failure> {
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
    if !raw_ts.is_empty() && raw_ts.len() <= 12 && raw_ts.bytes().all(|b| b.is_ascii_digit()) {
        raw_ts
            .parse::<i64>()
            .map_err(|_| Failure::BadTimestamp(raw_ts.clone()))
    } else {
        Err(Failure::BadTimestamp(truncate(&raw_ts, 20)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
