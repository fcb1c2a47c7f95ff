//! X's answer and the headers X sends with it.

use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::http::header::{CONTENT_TYPE, DATE, LOCATION};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::accounts::AccessLevel;
use crate::auth::Refusal;
use crate::state::rate_limit::RateStatus;

/// The `api-version` header: real responses of 2026 carried 2.163 to 2.165
/// (tryethernal/ethernal#1290); X's published OpenAPI spec is 2.167.
const API_VERSION: &str = "2.167";
/// X's content type for JSON, errors included (plhery/node-twitter-api-v2#469).
pub(crate) const JSON: &str = "application/json; charset=utf-8";
/// The content type of the PIN flow's form-encoded answers.
pub(crate) const FORM: &str = "application/x-www-form-urlencoded";
/// The content type of the authorize pages.
pub(crate) const HTML: &str = "text/html; charset=utf-8";

/// A response being built: X's body plus the headers X sends.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) content_type: &'static str,
    pub(crate) body: String,
    /// The `x-sandbox-explain` header: why, never a secret.
    pub(crate) explain: Option<String>,
    /// The `x-access-level` header (OAuth 1.0a user context).
    pub(crate) access_level: Option<AccessLevel>,
    /// The `x-rate-limit-*` headers.
    pub(crate) rate: Option<RateStatus>,
    /// How far the caller's server clock runs ahead, for the `Date` header.
    pub(crate) clock_offset: i64,
    /// The `Location` header of a redirect (the authorize page back to a web app's callback).
    pub(crate) location: Option<Box<str>>,
}

impl Reply {
    /// A reply with this status, content type and body, and no extra headers.
    pub(crate) fn new(
        status: StatusCode,
        content_type: &'static str,
        body: impl Into<String>,
    ) -> Reply {
        Reply {
            status,
            content_type,
            body: body.into(),
            explain: None,
            access_level: None,
            rate: None,
            clock_offset: 0,
            location: None,
        }
    }

    /// A JSON reply.
    pub(crate) fn json(status: StatusCode, body: impl Into<String>) -> Reply {
        Reply::new(status, JSON, body)
    }

    /// The same reply, explained in `x-sandbox-explain`.
    pub(crate) fn explain(mut self, why: impl Into<String>) -> Reply {
        self.explain = Some(why.into());
        self
    }
}

impl From<Refusal> for Reply {
    fn from(r: Refusal) -> Reply {
        let mut reply = Reply::json(r.status, r.body).explain(r.explain);
        reply.clock_offset = r.clock_offset;
        reply.rate = r.rate;
        reply
    }
}

impl IntoResponse for Reply {
    /// The HTTP response, headers in X's order: `content-type`, `api-version`, `date` (the
    /// caller's server clock), `x-access-level`, `x-rate-limit-*`, then `x-sandbox-explain`.
    fn into_response(self) -> Response {
        let mut resp = Response::new(Body::from(self.body));
        *resp.status_mut() = self.status;
        let h = resp.headers_mut();
        h.insert(CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        h.insert(
            HeaderName::from_static("api-version"),
            HeaderValue::from_static(API_VERSION),
        );
        if let Ok(v) =
            HeaderValue::from_str(&httpdate::fmt_http_date(server_time(self.clock_offset)))
        {
            h.insert(DATE, v);
        }
        if let Some(level) = self.access_level {
            h.insert(
                HeaderName::from_static("x-access-level"),
                HeaderValue::from_static(level.header_value()),
            );
        }
        if let Some(rate) = self.rate {
            for (name, value) in [
                ("x-rate-limit-limit", rate.limit.to_string()),
                ("x-rate-limit-remaining", rate.remaining.to_string()),
                ("x-rate-limit-reset", rate.reset.to_string()),
            ] {
                if let Ok(v) = HeaderValue::from_str(&value) {
                    h.insert(HeaderName::from_static(name), v);
                }
            }
        }
        if let Some(v) = self
            .location
            .as_deref()
            .and_then(|l| HeaderValue::from_str(l).ok())
        {
            h.insert(LOCATION, v);
        }
        if let Some(v) = self.explain.as_deref().and_then(explain_header) {
            h.insert(HeaderName::from_static("x-sandbox-explain"), v);
        }
        resp
    }
}

/// The server's clock, `offset` seconds from the real one.
fn server_time(offset: i64) -> SystemTime {
    if offset >= 0 {
        SystemTime::now() + Duration::from_secs(offset as u64)
    } else {
        SystemTime::now() - Duration::from_secs(offset.unsigned_abs())
    }
}

/// An explanation as a header value, which must be visible ASCII: '…' becomes '...', anything
/// else '?', at most 4,000 characters.
fn explain_header(explain: &str) -> Option<HeaderValue> {
    let ascii: String = explain
        .replace('…', "...")
        .chars()
        .take(4000)
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                c
            } else {
                '?'
            }
        })
        .collect();
    HeaderValue::from_str(&ascii).ok()
}
