//! Check your X keys offline: every copy-paste and setup mistake at once, values masked.
//! Chapter: "Check your keys offline" (book/check-your-keys-offline.md).
//!
//! ```sh
//! cargo run --example check_keys                          # the environment and ./.env
//! cargo run --example check_keys -- --env-file bot/.env   # another file
//! ```
//!
//! Exit status: 0 when there is no error (a partial set while following Part I is fine), 1 otherwise.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use xkeys::credentials::Loader;

/// Check X API credentials offline.
#[derive(Parser)]
#[command(about = "Check your X API keys offline, without sending anything to X")]
struct Args {
    /// Read this file instead of ./.env
    #[arg(long, value_name = "PATH")]
    env_file: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    // ANCHOR: check
    let loader = match &args.env_file {
        Some(path) => Loader::new().env_file(path),
        None => Loader::new(),
    };
    let loaded = match loader.load() {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("✘ error: {e}");
            return ExitCode::from(1);
        }
    };
    let report = xkeys::check::check(&loaded);
    println!("{report}");
    // ANCHOR_END: check
    if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
