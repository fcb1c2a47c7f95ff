//! Verify many accounts of one app: which of your users' Access Tokens still work? One signed
//! `GET /2/users/me` per row of a CSV or JSON Lines file, many at once, one result line per row.
//! Chapter: "Verify many accounts" (book/verify-many-accounts.md).
//!
//! ```sh
//! cargo run --example verify_many -- tokens.csv                    # your app's keys from the environment or .env
//! cargo run --example verify_many -- tokens.jsonl --format csv --concurrency 32 > results.csv
//! cargo run --example verify_many -- --sandbox examples/data/accounts.csv   # try it offline
//! ```
//!
//! Exit status: 0 every account works, 1 some accounts or rows need fixing, 2 some could not be
//! checked (network or X): run those again later.

mod support;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use xkeys::client::ClientConfig;
use xkeys::credentials::Loader;
use xkeys::many::{self, App, InputFormat, Options, OutcomeWriter, OutputFormat};
use xkeys::verify::Need;

#[derive(Parser)]
#[command(about = "Verify the Access Tokens of many accounts of one app with GET /2/users/me")]
struct Args {
    /// The tokens: CSV (access_token,access_token_secret[,label]) or JSON Lines; `-` for stdin
    input: PathBuf,
    /// The input's format, when its extension (.csv, .jsonl) doesn't say
    #[arg(long, value_parser = ["csv", "jsonl"])]
    input_format: Option<String>,
    /// The result lines' format on stdout
    #[arg(long, default_value = "jsonl", value_parser = ["jsonl", "csv"])]
    format: String,
    /// Requests in flight at once
    #[arg(long, default_value_t = 16, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1000))]
    concurrency: u16,
    /// What the tokens must allow: read, write or dm
    #[arg(long, default_value = "read", value_parser = ["read", "write", "dm"])]
    need: String,
    /// On 429, report the account as rate-limited instead of waiting for the reset
    #[arg(long)]
    no_wait: bool,
    /// The most seconds one account waits for its rate limit to reset
    #[arg(long, default_value_t = 900, value_name = "SECS")]
    max_wait: u64,
    /// Seconds to wait for each of X's answers
    #[arg(long, default_value_t = 20, value_name = "SECS")]
    timeout: u64,
    /// Serve the input's tokens from a local sandbox with a demo app instead of X
    #[arg(long)]
    sandbox: bool,
    /// Read the app's keys from this file instead of ./.env
    #[arg(long, value_name = "PATH")]
    env_file: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    run(Args::parse()).await.unwrap_or_else(|e| {
        eprintln!("✘ {e:#}");
        ExitCode::from(1)
    })
}

async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let format = match args.input_format.as_deref() {
        Some(name) => InputFormat::from_name(name),
        None => InputFormat::from_path(&args.input),
    };
    let Some(format) = format else {
        eprintln!("✘ the input's format is unknown: name the file .csv or .jsonl, or add --input-format csv|jsonl");
        return Ok(ExitCode::from(1));
    };
    let open = || -> anyhow::Result<Box<dyn std::io::Read + Send>> {
        match args.input.to_str() {
            Some("-") => Ok(Box::new(std::io::stdin())),
            _ => Ok(Box::new(std::fs::File::open(&args.input).with_context(
                || format!("cannot open the input {}", args.input.display()),
            )?)),
        }
    };
    let mut config = ClientConfig::from_env().timeout(Duration::from_secs(args.timeout));
    if args.sandbox && args.input.to_str() == Some("-") {
        eprintln!("✘ --sandbox reads the input twice (to serve its tokens, then to verify them): give a file, not -");
        return Ok(ExitCode::from(1));
    }
    let (app, _sandbox) = if args.sandbox {
        // A local sandbox serves every well-formed row for a demo app; "carol (revoked)" picks a scenario.
        let (sandbox, app) =
            support::many_sandbox::sandbox_for(many::rows(open()?, format)?).await?;
        config = config.base_url(sandbox.base_url());
        eprintln!("SANDBOX: the input's tokens, served by a local sandbox for a demo app, not X.");
        (app, Some(sandbox))
    } else {
        let loader = args
            .env_file
            .as_ref()
            .map_or_else(Loader::new, |p| Loader::new().env_file(p));
        match App::from_loaded(&loader.load()?) {
            Ok(app) => (app, None),
            Err(findings) => {
                for finding in &findings {
                    eprintln!("{finding}\n");
                }
                eprintln!("✘ verify_many needs your app's X_API_KEY and X_API_KEY_SECRET (environment or .env), without");
                eprintln!("  errors; the Access Tokens come from the input. To try it offline, add --sandbox.");
                return Ok(ExitCode::from(1));
            }
        }
    };
    let entries = match many::rows(open()?, format) {
        Ok(entries) => entries,
        Err(e) => {
            eprintln!("✘ {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let options = Options {
        concurrency: usize::from(args.concurrency),
        need: Need::from_name(&args.need).unwrap_or(Need::Read),
        wait: !args.no_wait,
        max_wait: Duration::from_secs(args.max_wait),
        ..Options::default()
    };
    let out_format = if args.format == "csv" {
        OutputFormat::Csv
    } else {
        OutputFormat::JsonLines
    };

    // ANCHOR: verify_many
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::no_length()
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(ProgressStyle::with_template(
        "{spinner} {pos} accounts verified ({per_sec}) {msg}",
    )?);
    let mut out = OutcomeWriter::new(
        std::io::BufWriter::new(std::io::stdout().lock()),
        out_format,
    )?;
    let mut write_error = None;
    let summary = many::verify_all(&app, &config, entries, &options, |outcome| {
        if let Err(e) = out.write(outcome) {
            write_error.get_or_insert(e);
        }
        if outcome.verdict == "malformed" {
            let reason = outcome.reason.as_deref().unwrap_or_default();
            bar.suspend(|| eprintln!("line {}: malformed: {reason}", outcome.line));
        }
        bar.inc(1);
    })
    .await;
    bar.finish_and_clear();
    out.flush()?;
    // ANCHOR_END: verify_many
    if let Some(e) = write_error {
        return Err(e.into());
    }
    match summary {
        Ok(summary) => {
            eprintln!("\n{summary}");
            Ok(ExitCode::from(summary.exit_code))
        }
        Err(e) => {
            eprintln!("✘ stopped: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
