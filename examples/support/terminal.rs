//! What the examples print when something stops them, and how they read a line typed by the user.

use std::future::Future;
use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::Context;
use xkeys::api_error::{ApiFailure, Problem};
use xkeys::credentials::{Field, LoadedKeys};

/// Runs an example and gives its exit status; an error that stopped it is printed as one clean line
/// (to stderr, never with a backtrace, whatever `RUST_BACKTRACE` says) and gives exit status 1.
///
/// A reader that leaves early (`verify_keys | head -3`, quitting `less`) ends the example quietly
/// with status 141, as a shell tool killed by SIGPIPE does, instead of a panic about a broken pipe.
pub async fn exit(run: impl Future<Output = anyhow::Result<ExitCode>>) -> ExitCode {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = (info.payload().downcast_ref::<String>().map(String::as_str))
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to std") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default_hook(info)
    }));
    run.await.unwrap_or_else(|e| {
        eprintln!("✘ error: {e:#}");
        ExitCode::from(1)
    })
}

/// Prints a failed call's report (to stderr) and returns the exit status for it.
pub fn failed(failure: &ApiFailure) -> ExitCode {
    eprintln!("{}", failure.report());
    ExitCode::from(failure.exit_code())
}

/// Prints a problem's explanation (to stdout, after the report's lines) and returns its exit status.
pub fn problem(problem: &Problem) -> ExitCode {
    println!("\n{problem}");
    ExitCode::from(problem.kind.blame().exit_code())
}

/// The offline check of the keys that will be used (`unused` are not): prints its errors and returns
/// exit status 1 if there are any, so that a key with a stray quote fails for a known reason.
pub fn offline_errors(loaded: &LoadedKeys, unused: &[Field]) -> Option<ExitCode> {
    let report = xkeys::check::check(loaded);
    let errors: Vec<_> = report.errors_ignoring(unused).collect();
    if errors.is_empty() {
        return None;
    }
    errors.iter().for_each(|e| println!("{e}\n"));
    println!("Stopped before contacting X: fix the errors above, then run this again.");
    Some(ExitCode::from(1))
}

/// Prints `prompt` and reads one line from stdin ("" at its end), off the async runtime so that a
/// sandbox in this process keeps serving meanwhile.
///
/// # Errors
/// stdout or stdin failed.
pub async fn read_line(prompt: &str) -> anyhow::Result<String> {
    print!("{prompt}");
    std::io::stdout().flush()?;
    let read = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map(|_| line)
    });
    read.await?.context("reading stdin")
}

/// When the user keeps the tokens already in `file`: says that the new ones are not kept, and how
/// to keep both; exit status 1.
pub fn declined(file: &std::path::Path) -> ExitCode {
    println!(
        "Nothing written: {} is unchanged, and the new tokens are not kept anywhere.",
        file.display()
    );
    println!(
        "To keep both, run this again with --env-file and a new file, e.g. --env-file bot2.env."
    );
    ExitCode::from(1)
}
