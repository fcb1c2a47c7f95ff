//! What the examples share, kept beside them and out of the library: where an example's requests
//! go (your keys, or a sandbox scenario's demo keys) and the options that choose it, what they print
//! when something stops them, `verify_many`'s input and sandbox, and the OAuth 2.0 token to verify.
// Each example uses only part of this module.
#![allow(dead_code)]

pub mod many;
pub mod oauth2;
pub mod target;
pub mod terminal;
