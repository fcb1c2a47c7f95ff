//! A request read in full, once.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use axum::http::{HeaderMap, Method, StatusCode};

use super::Reply;
use crate::auth::Presented;
use crate::oauth1::parse_form;
use crate::x::problems as p;

/// Largest body the sandbox reads: 8 MiB, room for a 5 MB image in one media upload (or a
/// chunk of twitter-api-v2's default 1 MiB, with its multipart framing).
const BODY_LIMIT: usize = 8 << 20;

/// A request read in full: method, path, query, headers and body.
pub(crate) struct Incoming {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for Incoming {
    type Rejection = Reply;

    /// Reads the body within [`BODY_LIMIT`]; a larger one gets 413 and X's invalid-request body.
    async fn from_request(req: Request, _: &S) -> Result<Incoming, Reply> {
        let (parts, body) = req.into_parts();
        let body = axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| {
            Reply::json(
                StatusCode::PAYLOAD_TOO_LARGE,
                p::invalid_request("body", "", "The request body is too large."),
            )
        })?;
        Ok(Incoming {
            method: parts.method,
            path: parts.uri.path().to_string(),
            query: parts.uri.query().map(str::to_string),
            headers: parts.headers,
            body,
        })
    }
}

impl Incoming {
    /// The first query parameter named `name`, decoded.
    pub(crate) fn query_param(&self, name: &str) -> Option<String> {
        first(&parse_form(self.query.as_deref()?), name)
    }

    /// The first form-body parameter named `name`, decoded.
    pub(crate) fn form_param(&self, name: &str) -> Option<String> {
        first(&parse_form(&String::from_utf8_lossy(&self.body)), name)
    }

    /// The `Content-Type` header, if it is ASCII.
    pub(crate) fn content_type(&self) -> Option<&str> {
        self.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok())
    }

    /// The parts authentication reads.
    pub(crate) fn presented(&self) -> Presented<'_> {
        Presented {
            method: self.method.as_str(),
            host: self.headers.get(HOST).and_then(|v| v.to_str().ok()),
            path: &self.path,
            query: self.query.as_deref(),
            content_type: self.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()),
            body: &self.body,
            authorization: self
                .headers
                .get_all(AUTHORIZATION)
                .iter()
                .map(|v| v.to_str().unwrap_or("<non-ASCII header>"))
                .collect(),
        }
    }
}

/// The value of the first pair named `name`, as (lossy) UTF-8.
fn first(pairs: &[(Vec<u8>, Vec<u8>)], name: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(n, _)| n == name.as_bytes())
        .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
}
