//! What X answers, byte for byte: its error bodies ([`problems`]), its user objects ([`users`]),
//! and OAuth 2.0's scopes and token errors ([`oauth2`]).
//! The machinery that decides *when* to answer what lives in `auth` and `routes`.

pub(crate) mod oauth2;
pub(crate) mod problems;
pub(crate) mod users;
