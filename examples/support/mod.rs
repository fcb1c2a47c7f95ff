//! What the examples share, kept beside them and out of the library: where an example's requests
//! go (your keys, or a sandbox scenario's demo keys) and the options that choose it, what they print
//! when something stops them, and `verify_many`'s input and sandbox.
// Each example uses only part of this module.
#![allow(dead_code)]

pub mod many;
pub mod target;
pub mod terminal;
