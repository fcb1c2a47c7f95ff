//! Run the sandbox: a local X API that verifies OAuth 1.0a as X does, with one demo account
//! per scenario, until Ctrl-C. The same program as `cargo run -p xkeys-sandbox`.
//! Chapter: "Test offline with the sandbox" (book/test-offline-with-the-sandbox.md).
//!
//! ```sh
//! cargo run --example sandbox -- --port 8080
//! cargo run --example sandbox -- --port 0 --slow-delay 5   # any free port, a 5 s "slow"
//! ```

use std::process::ExitCode;

use clap::Parser;
use xkeys_sandbox::cli::{serve_until_ctrl_c, Args};

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let port = args.port;
    // One clean line for an expected failure (a port in use), never a backtrace.
    match serve_until_ctrl_c(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("✘ error: starting the sandbox on 127.0.0.1:{port}: {e}");
            ExitCode::from(1)
        }
    }
}
