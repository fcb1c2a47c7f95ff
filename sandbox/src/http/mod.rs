//! The glue between axum and the sandbox: requests in, X's answers out.
//!
//! - [`Incoming`] reads a request once (method, URI, headers, the body within 1 MiB) and hands
//!   [`crate::auth`] the parts it checks.
//! - [`Call`], [`Signed`] and [`AppCredentials`] are extractors that read *and* authenticate: a
//!   handler that takes one runs only for a request X would let through; otherwise the extractor
//!   answers as X does.
//! - [`Reply`] is X's answer: status, body, X's headers and the `x-sandbox-explain` header.
//! - [`multipart`] reads the `multipart/form-data` bodies of media uploads.

mod extract;
pub(crate) mod multipart;
mod reply;
mod request;

pub(crate) use extract::{AppCredentials, Call, ConsumerOnly, Endpoint, OptionalToken, Signed};
pub(crate) use reply::{Reply, FORM, HTML, JSON};
pub(crate) use request::Incoming;
