//! # xkeys
//!
//! Load, check and verify X (Twitter) API credentials from Rust, with a local X API to test against.
//!
//! The crate follows the book (`book/`): [`credentials`] loads the keys from the environment and `.env`,
//! [`check`] finds copy-paste and setup mistakes offline, and every finding names the chapter that
//! explains the fix ([`chapters`]).

pub mod chapters;
pub mod check;
pub mod credentials;
pub mod api_error;
pub mod client;
pub mod verify;
