//! Check your X keys offline: every copy-paste and setup mistake at once, values masked.
//! Chapter: "Check your keys offline" (book/check-your-keys-offline.md).
//!
//! ```sh
//! cargo run --example check_keys                          # the environment and ./.env
//! cargo run --example check_keys -- --env-file bot/.env   # another file
//! cargo run --example check_keys -- --git                 # did I commit my keys? (the whole git history)
//! ```
//!
//! `--git` allows known-fake values marked `xkeys:allow` or listed in `.xkeysignore` (as gitleaks does).
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

/// `--git`: every X credential ever committed, masked, and how to rotate it; what was scanned and
/// what was allowed as a known fake.
fn scan_history(repo: &std::path::Path) -> ExitCode {
    use xkeys::leak_scan::{self, AllowedBy};
    let scan = match leak_scan::scan(repo) {
        Ok(scan) => scan,
        Err(e) => {
            eprintln!("✘ error: {e}");
            return ExitCode::from(1);
        }
    };
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let scanned = format!(
        "{}, {}; reachable from {}",
        plural(scan.commits, "commit"),
        plural(scan.files, "file"),
        refs_in_words(&scan.refs)
    );
    let by = |how| scan.allowed.iter().filter(|(_, b)| *b == how).count();
    let allowed = match scan.allowed.len() {
        0 => String::new(),
        n => format!(
            "\n  {n} allowed as known fakes: {} by {}, {} by `{}` markers.",
            by(AllowedBy::AllowFile),
            leak_scan::ALLOW_FILE,
            by(AllowedBy::Marker),
            leak_scan::ALLOW_MARKER
        ),
    };
    let repo = repo.display();
    if scan.leaks.is_empty() {
        println!("✔ No X credentials found in the git history of {repo} ({scanned}).{allowed}");
        return ExitCode::SUCCESS;
    }
    let found = plural(scan.leaks.len(), "X credential");
    println!("✘ {found} found in the git history of {repo} ({scanned}):\n");
    for leak in &scan.leaks {
        // A commit that only a remote-tracking branch or a tag reaches is still in the repository.
        let not_head = if leak.refs.iter().any(|r| r == "HEAD") {
            ""
        } else {
            " (not in HEAD)"
        };
        println!(
            "  ✘ {leak}\n      in {}{not_head}",
            refs_in_words(&leak.refs)
        );
        println!("      fingerprint {}", leak.fingerprint());
    }
    if !allowed.is_empty() {
        println!("{allowed}");
    }
    println!("\n    fix: {}", leak_scan::FIX);
    println!("    see: {}", leak_scan::CHAPTER);
    println!("    {}", leak_scan::HOW_TO_ALLOW);
    ExitCode::from(1)
}

/// "HEAD, main and origin/old-keys", at most six refs named.
fn refs_in_words(refs: &[String]) -> String {
    match refs.len() {
        0 => "no ref (only dangling commits)".to_string(),
        1 => refs[0].clone(),
        n if n <= 6 => format!("{} and {}", refs[..n - 1].join(", "), refs[n - 1]),
        n => format!("{} and {} more refs", refs[..5].join(", "), n - 5),
    }
}
