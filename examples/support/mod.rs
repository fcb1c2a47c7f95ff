//! What the examples share, kept beside them and out of the library: where an example's requests
//! go (your keys, or a sandbox scenario's demo keys), and the sandbox seeding of `verify_many`.
// Each example uses only part of this module.
#![allow(dead_code)]

pub mod many_sandbox;
pub mod target;
