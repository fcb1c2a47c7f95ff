//! # xkeys
//!
//! Load, check and verify X (Twitter) API credentials from Rust, with a local X API to test against.
//!
//! The crate follows the book (`book/`). Data flows one way:
//! [`credentials`] loads the keys from the environment and `.env`; [`check`] finds copy-paste and
//! setup mistakes offline; [`client`] signs requests (reqwest-oauth1); [`verify`] asks X who the keys
//! belong to ([`account`]: which account, with what permission) and [`api_error`] explains every
//! failure. Every finding names the chapter that explains the fix ([`chapters`]). [`pin`] gets the
//! tokens of another account (the PIN flow), [`bearer`] gets and uses the app-only Bearer Token, [`oauth2`] runs
//! OAuth 2.0's Authorization Code flow with PKCE (Client ID and Client Secret), and
//! [`env_file`] saves values in `.env` safely (the loader and the writer read `.env` text with one
//! lexer, the private `dotenv` module). [`many`] verifies the tokens of many accounts of one app;
//! [`leak_scan`] searches a repository's history for committed keys.
//!
//! The sandbox (package `xkeys-sandbox`) is a local X API that verifies signatures with its own
//! code — it shares nothing with the signer, so the two check each other. Which keys an example
//! uses (yours, or a sandbox scenario's) is the examples' own plumbing (`examples/support/`).

pub mod account;
pub mod api_error;
pub mod bearer;
pub mod chapters;
pub mod check;
pub mod client;
pub mod credentials;
mod dotenv;
pub mod env_file;
pub mod leak_scan;
pub mod many;
pub mod oauth2;
pub mod pin;
pub mod verify;
mod words;
