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

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use support::target::KeysArgs;
use xkeys::account::Need;
use xkeys::many::{self, InputFormat, Options, OutcomeWriter, OutputFormat, RowVerdict};

#[derive(Parser)]
#[command(
    about = "Verify the Access Tokens of many accounts of one app with GET /2/users/me",
    mut_arg("sandbox", |a| a.help("Serve the input's tokens from a local sandbox with a demo app instead of X")),
    mut_arg("scenario", |a| a.help("With --sandbox, the scenario of rows whose label names none"))
)]
struct Args {
    /// The tokens: CSV (access_token,access_token_secret[,label]) or JSON Lines; `-` for stdin
    input: PathBuf,
    /// The input's format, when its extension (.csv, .jsonl) doesn't say: csv or jsonl
    #[arg(long, value_name = "FORMAT")]
    input_format: Option<InputFormat>,
    /// The result lines' format on stdout: jsonl or csv
    #[arg(long, default_value = "jsonl", value_name = "FORMAT")]
    format: OutputFormat,
    /// Requests in flight at once
    #[arg(long, default_value_t = 16, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1000))]
    concurrency: u16,
    /// What the tokens must allow: read, write or dm
    #[arg(long, default_value = "read")]
    need: Need,
    /// On 429, report the account as rate-limited instead of waiting for the reset
    #[arg(long)]
    no_wait: bool,
    /// The most seconds one account waits for its rate limit to reset
    #[arg(long, default_value_t = 900, value_name = "SECS")]
    max_wait: u64,
    #[command(flatten)]
    keys: KeysArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    support::terminal::exit(run(Args::parse())).await
}

async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let format = args
        .input_format
        .or_else(|| InputFormat::from_path(&args.input));
    let Some(format) = format else {
        eprintln!("✘ the input's format is unknown: name the file .csv or .jsonl, or add --input-format csv|jsonl");
        return Ok(ExitCode::from(1));
    };
    // Your app's keys, or (--sandbox) a demo app on a sandbox that serves the input's tokens.
    let Some((app, config, _sandbox)) = support::many::app(&args.keys, &args.input, format).await?
    else {
        return Ok(ExitCode::from(1));
    };
    let entries = support::many::rows(&args.input, format)?;
    let options = Options {
        concurrency: usize::from(args.concurrency),
        need: args.need,
        wait: !args.no_wait,
        max_wait: Duration::from_secs(args.max_wait),
        ..Options::default()
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
    let stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut out = OutcomeWriter::new(stdout, args.format)?;
    let mut write_error = None;
    let summary = many::verify_all(&app, &config, entries, &options, |outcome| {
        if let Err(e) = out.write(outcome) {
            write_error.get_or_insert(e);
        }
        if outcome.verdict == RowVerdict::Malformed {
            let reason = outcome.reason.as_deref().unwrap_or_default();
            bar.suspend(|| eprintln!("line {}: malformed: {reason}", outcome.line));
        }
        bar.inc(1);
    })
    .await;
    bar.finish_and_clear();
    out.flush()?;
    // ANCHOR_END: verify_many
    write_error.map_or(Ok(()), Err)?;
    let summary = summary.map_err(|e| anyhow::anyhow!("stopped: {e}"))?;
    eprintln!("\n{summary}");
    Ok(ExitCode::from(summary.exit_code))
}
