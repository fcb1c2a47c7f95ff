//! The sandbox, a local X API, as a program any bot's tests can run (Rust, Python, Node...).
//! Chapter: "Test offline with the sandbox" (book/test-offline-with-the-sandbox.md).
//!
//! ```sh
//! cargo run -p xkeys-sandbox -- --port 8080
//! cargo run -p xkeys-sandbox -- --port 0 --slow-delay 5   # any free port, a 5 s "slow"
//! ```

use std::process::ExitCode;

use clap::Parser;
use xkeys_sandbox::cli::{serve_until_ctrl_c, Args};

#[tokio::main]
async fn main() -> ExitCode {
    match serve_until_ctrl_c(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("✘ the sandbox could not start: {e}");
            ExitCode::from(1)
        }
    }
}
