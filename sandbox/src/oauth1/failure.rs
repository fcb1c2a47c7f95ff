//! Why a request fails OAuth 1.0a verification, and the one-line explanation the sandbox sends.

/// Why a request failed verification; [`Failure::explain`] is safe to show (no secret).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// No `Authorization` header.
    MissingAuthorization,
    /// More than one `Authorization` header.
    MultipleAuthorization,
    /// The `Authorization` header is not `OAuth ...`.
    NotOAuth,
    /// The header could not be parsed.
    Malformed(String),
    /// The same `oauth_*` parameter twice in one place (the header, the query or the form body).
    DuplicateParameter(String),
    /// An `oauth_*` parameter in two places (the header, the query, the form body) with two
    /// different values. The same value in two places counts once.
    TwoPlaces {
        /// The parameter.
        name: String,
        /// Where it came first: `the Authorization header`, `the query` or `the form body`.
        first: &'static str,
        /// Where it came again.
        second: &'static str,
    },
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
    /// The access token exists but was issued to another app: it must be signed with that app's
    /// API Key and Secret.
    TokenOfAnotherApp(String),
    /// The signature does not match; carries the base string the sandbox computed (ids masked).
    SignatureMismatch(String),
    /// The signature matches the request without its form-body parameters: the client left the
    /// body out of its base string (reqwest-oauth1 0.3.0 does so when a request has both a URL query
    /// and a form body, as `tests/sandbox_oauth1.rs` shows). Carries the base string it should have
    /// signed (ids masked).
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
            Failure::TwoPlaces {
                name,
                first,
                second,
            } => format!(
                "oauth params in two places with different values: {name} is in {first} and in {second}; send each once (the same value in two places counts once)"
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
            Failure::TokenOfAnotherApp(t) => format!(
                "token {t} belongs to another app: sign with the API Key and Secret of the app that issued it (not revoked)"
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
