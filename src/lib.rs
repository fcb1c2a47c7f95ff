//! xkeys
pub mod sandbox;
