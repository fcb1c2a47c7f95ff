//! `Authorization: Basic base64(enc(id):enc(secret))` (RFC 6749 §2.3.1: each part
//! form-urlencoded before base64), shared by app-only `/oauth2/token` and OAuth 2.0's
//! confidential clients; and a comparison of secrets in constant time.

use base64::Engine as _;

use crate::oauth1::parse_form;

/// What the `Authorization` headers hold, as Basic credentials.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Basic {
    /// No `Authorization` header, or one of another scheme.
    Absent,
    /// Several headers, or one that does not decode: why.
    Malformed(&'static str),
    /// The decoded id and secret.
    Pair(String, String),
}

/// Reads Basic credentials from the `Authorization` headers.
pub(crate) fn decode(authorization: &[&str]) -> Basic {
    let basics: Vec<&str> = authorization
        .iter()
        .filter_map(|v| v.strip_prefix("Basic "))
        .collect();
    let encoded = match basics.as_slice() {
        [] => return Basic::Absent,
        [one] if authorization.len() == 1 => one,
        _ => return Basic::Malformed("more than one Authorization header"),
    };
    let Some(decoded) = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
    else {
        return Basic::Malformed("the Basic credentials are not base64");
    };
    let Some((id, secret)) = decoded.split_once(':') else {
        return Basic::Malformed("the Basic credentials have no ':'");
    };
    let unescape = |s: &str| {
        parse_form(&format!("x={s}"))
            .pop()
            .map(|(_, v)| String::from_utf8_lossy(&v).into_owned())
            .unwrap_or_default()
    };
    Basic::Pair(unescape(id), unescape(secret))
}

/// Compares in time that depends only on the lengths.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(raw: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
    }

    #[test]
    fn decodes_form_encoded_parts() {
        let h = header("abc%3Ad:s%2Be+t");
        assert_eq!(decode(&[&h]), Basic::Pair("abc:d".into(), "s+e t".into()));
        assert_eq!(decode(&[]), Basic::Absent);
        assert_eq!(decode(&["Bearer x"]), Basic::Absent);
        assert!(matches!(decode(&["Basic !!"]), Basic::Malformed(_)));
        assert!(matches!(decode(&[&header("nocolon")]), Basic::Malformed(_)));
        assert!(matches!(decode(&[&h, "Bearer x"]), Basic::Malformed(_)));
    }

    #[test]
    fn compares_whole_values() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
