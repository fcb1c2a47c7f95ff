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
/// `authorization` holds every `Authorization` header value received. The checks run in this
/// order, and the first that fails decides the [`Failure`]: one header; its parameters (quoted,
/// `oauth_*` only, none twice); no `oauth_*` in the query or body; the required parameters;
/// HMAC-SHA1; `oauth_version` 1.0 when sent; a numeric timestamp.
///
/// # Errors
/// The first [`Failure`] met.
pub fn collect(req: &Received<'_>, authorization: &[&str]) -> Result<Collected, Failure> {
    let header = match authorization {
        [] => return Err(Failure::MissingAuthorization),
        [one] => *one,
        _ => return Err(Failure::MultipleAuthorization),
    };
    let (oauth, signature) = protocol_parameters(header)?;
    let (params, query_len) = request_parameters(req)?;
    let signature = signature.ok_or(Failure::MissingParameter("oauth_signature"))?;
    let timestamp = check_protocol(&oauth)?;

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

/// The `oauth_*` parameters of the header (without `realm`) and the signature, if sent.
fn protocol_parameters(
    header: &str,
) -> Result<(BTreeMap<String, String>, Option<String>), Failure> {
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
    Ok((oauth, signature))
}

/// The query parameters, then the form-body ones, and how many came from the query.
fn request_parameters(req: &Received<'_>) -> Result<(Params, usize), Failure> {
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
