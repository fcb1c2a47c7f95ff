//! An HTTP answer from X, with the headers that matter for diagnosis. The body of an answer from
//! `/oauth/access_token` or `/oauth2/token` holds secrets, so `Debug` shows only its length.

use std::fmt;
use std::time::SystemTime;

use reqwest::header::HeaderMap;

/// X's rate-limit headers (`x-rate-limit-*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RateLimit {
    /// Requests allowed in the window.
    pub limit: u64,
    /// Requests left in the window.
    pub remaining: u64,
    /// When the window resets, in Unix seconds.
    pub reset: u64,
}

/// An HTTP answer from X (any status), with the headers that matter for diagnosis.
#[derive(Clone)]
pub struct ApiResponse {
    /// The HTTP status.
    pub status: u16,
    /// `x-access-level` as sent (`read`, `read-write`, `read-write-directmessages`).
    pub access_level: Option<String>,
    /// The `x-rate-limit-*` headers.
    pub rate_limit: Option<RateLimit>,
    /// The server's clock, from the `Date` header.
    pub date: Option<SystemTime>,
    /// When the response arrived, by the local clock (to measure skew against `date`).
    pub received_at: SystemTime,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The `Location` header (redirects are never followed).
    pub location: Option<String>,
    /// The `x-sandbox-explain` header, when talking to the sandbox.
    pub sandbox_explain: Option<String>,
    /// The body (at most 1 MiB): private, as it may hold secrets ([`ApiResponse::body`]).
    body: String,
    /// How many requests were sent for this answer (retries included).
    pub attempts: u32,
}

impl ApiResponse {
    /// An answer from its status, headers and body, as it arrived at `received_at`.
    pub(crate) fn new(
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
        received_at: SystemTime,
        attempts: u32,
    ) -> Self {
        Self {
            status,
            access_level: header(headers, "x-access-level"),
            rate_limit: rate_limit(headers),
            date: header(headers, "date").and_then(|d| httpdate::parse_http_date(&d).ok()),
            received_at,
            content_type: header(headers, "content-type"),
            location: header(headers, "location"),
            sandbox_explain: header(headers, "x-sandbox-explain").map(|e| ellipses(&e)),
            body: String::from_utf8_lossy(body).into_owned(),
            attempts,
        }
    }

    /// A JSON answer with this status and body, dated now: for the crate's unit tests.
    #[cfg(test)]
    pub(crate) fn for_test(status: u16, body: &str) -> Self {
        let mut headers = HeaderMap::new();
        let json = "application/json; charset=utf-8";
        headers.insert(
            "content-type",
            reqwest::header::HeaderValue::from_static(json),
        );
        let now = SystemTime::now();
        let mut response = Self::new(status, &headers, body.as_bytes(), now, 1);
        response.date = Some(now);
        response
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The server's clock minus the local clock, in seconds (positive: X is ahead).
    pub fn clock_skew(&self) -> Option<i64> {
        let date = self.date?;
        Some(match date.duration_since(self.received_at) {
            Ok(ahead) => ahead.as_secs() as i64,
            Err(behind) => -(behind.duration().as_secs() as i64),
        })
    }

    /// The body as text (invalid UTF-8 replaced).
    ///
    /// # Security
    /// The answers of `POST /oauth/request_token`, `/oauth/access_token` and `/oauth2/token` hold
    /// secrets: read what you need from them, never print them.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The body as JSON, when it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// A string in the answer's `data` object, e.g. `data_field("id")` for `data.id`.
    pub fn data_field(&self, name: &str) -> Option<String> {
        self.json()?
            .get("data")?
            .get(name)?
            .as_str()
            .map(str::to_string)
    }
}

impl fmt::Debug for ApiResponse {
    /// The status and the headers read, and only the length of the body (it may hold secrets).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiResponse")
            .field("status", &self.status)
            .field("access_level", &self.access_level)
            .field("rate_limit", &self.rate_limit)
            .field("clock_skew", &self.clock_skew())
            .field("content_type", &self.content_type)
            .field("location", &self.location)
            .field("sandbox_explain", &self.sandbox_explain)
            .field(
                "body",
                &format_args!("[{} bytes, not shown]", self.body.len()),
            )
            .field("attempts", &self.attempts)
            .finish()
    }
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The sandbox's explanation with its masks written as everywhere else, `1391…`: a header value is
/// ASCII, so the sandbox sends each `…` as `...` (only `...` right after a letter or digit is a mask).
fn ellipses(explain: &str) -> String {
    let mut out = String::with_capacity(explain.len());
    let mut rest = explain;
    while let Some(i) = rest.find("...") {
        let masked = rest[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        out.push_str(&rest[..i]);
        out.push_str(if masked { "…" } else { "..." });
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    out
}

fn rate_limit(headers: &HeaderMap) -> Option<RateLimit> {
    let num = |name| header(headers, name)?.trim().parse::<u64>().ok();
    Some(RateLimit {
        limit: num("x-rate-limit-limit")?,
        remaining: num("x-rate-limit-remaining")?,
        reset: num("x-rate-limit-reset")?,
    })
}

/// The canonical reason phrase of an HTTP status, e.g. `Unauthorized` for 401 (empty if none).
pub fn reason_phrase(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn debug_shows_the_headers_and_only_the_length_of_the_body() {
        let mut headers = HeaderMap::new();
        let set = |h: &mut HeaderMap, name: &'static str, value: &'static str| {
            h.insert(name, HeaderValue::from_static(value));
        };
        set(
            &mut headers,
            "content-type",
            "application/x-www-form-urlencoded",
        );
        set(&mut headers, "x-access-level", "read-write");
        set(&mut headers, "date", "Sun, 09 Sep 2001 01:46:40 GMT");
        set(&mut headers, "x-rate-limit-limit", "75");
        set(&mut headers, "x-rate-limit-remaining", "74");
        set(&mut headers, "x-rate-limit-reset", "1000000900");
        let body = "oauth_token=1790000000000000042-Hq8Wm3Lx7Kp2Rv9Tz4Nc6Bj1Fd5Gs0&oauth_token_secret=Yt6Rp1Lm9Kq3Wx7Zn2Vb5Hc8Jd4Fg0Sa6Qe1Tu9Io3Py7";
        let received = UNIX_EPOCH + Duration::from_secs(1_000_000_003);
        let r = ApiResponse::new(200, &headers, body.as_bytes(), received, 1);
        assert_eq!(
            format!("{r:?}"),
            "ApiResponse { status: 200, access_level: Some(\"read-write\"), \
             rate_limit: Some(RateLimit { limit: 75, remaining: 74, reset: 1000000900 }), \
             clock_skew: Some(-3), content_type: Some(\"application/x-www-form-urlencoded\"), \
             location: None, sandbox_explain: None, body: [127 bytes, not shown], attempts: 1 }"
        );
        assert_eq!(r.body(), body);
    }

    #[test]
    fn data_fields_and_reason_phrases() {
        let r = ApiResponse::new(
            200,
            &HeaderMap::new(),
            br#"{"data":{"id":"42","n":1}}"#,
            SystemTime::now(),
            1,
        );
        assert_eq!(r.data_field("id").as_deref(), Some("42"));
        assert_eq!(r.data_field("n"), None);
        assert_eq!(r.data_field("missing"), None);
        assert_eq!(reason_phrase(401), "Unauthorized");
        assert_eq!(reason_phrase(599), "");
    }

    #[test]
    fn the_sandboxs_masks_get_their_ellipsis_back() {
        assert_eq!(
            ellipses("token 1391... was revoked; not 'OAuth ...'"),
            "token 1391… was revoked; not 'OAuth ...'"
        );
    }
}
