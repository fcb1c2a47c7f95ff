//! The five X credentials: their names, their types, and loading them from the environment and `.env`.
//!
//! Loading keeps every value exactly as found (untrimmed, unvalidated) with where it came from, so
//! that [`crate::check`] can say precisely what is wrong and where. Secrets live in
//! [`secrecy::SecretString`]; no `Debug` or `Display` here prints one, and public ids are shown only
//! through [`mask`].

mod field;
mod found;
mod load;
pub(crate) mod secret;

pub use crate::dotenv::Refusal;
pub use field::Field;
pub use found::{FoundValue, Origin};
pub use load::{load, EnvFile, FileIssue, LoadError, LoadedKeys, Loader, NoEnvFile, UnreadName};
pub use secret::{
    mask, user_id_prefix, AccessToken, AccessTokenSecret, ApiKey, ApiKeySecret, BearerToken,
    Credentials,
};
