//! xkeys
