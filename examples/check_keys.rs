//! Check your X keys offline: every copy-paste and setup mistake at once, values masked.
//! Chapter: "Check your keys offline" (book/check-your-keys-offline.md).
//!
//! ```sh
//! cargo run --example check_keys                          # the environment and ./.env
//! cargo run --example check_keys -- --env-file bot/.env   # another file
//! cargo run --example check_keys -- --git                 # did I commit my keys? (the whole git history)
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
    /// Search the git history of this repository (default: the current one) for committed keys
    #[arg(long, value_name = "REPO", num_args = 0..=1, default_missing_value = ".")]
    git: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if let Some(repo) = &args.git {
        return scan_history(repo);
    }
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

/// `--git`: every X credential ever committed, masked, and how to rotate it.
fn scan_history(repo: &std::path::Path) -> ExitCode {
    let leaks = match xkeys::leak_scan::scan_history(repo) {
        Ok(leaks) => leaks,
        Err(e) => {
            eprintln!("✘ error: {e}");
            return ExitCode::from(1);
        }
    };
    if leaks.is_empty() {
        println!(
            "✔ No X credentials found in the git history of {}.",
            repo.display()
        );
        return ExitCode::SUCCESS;
    }
    println!(
        "✘ {} X credential(s) found in the git history of {}:\n",
        leaks.len(),
        repo.display()
    );
    for leak in &leaks {
        println!("  ✘ {leak}");
    }
    println!("\n    fix: {}", xkeys::leak_scan::FIX);
    println!("    see: {}", xkeys::leak_scan::CHAPTER);
    ExitCode::from(1)
}
