//! Verify your keys: sign one request and ask X who they belong to, with what permission — and if
//! anything is wrong, say why and what to click.
//! Chapter: "Verify your keys with X" (book/verify-your-keys.md); failures: "Troubleshooting".
//!
//! ```sh
//! cargo run --example verify_keys                          # your keys, from the environment or .env
//! cargo run --example verify_keys -- --need write          # only posting is needed
//! cargo run --example verify_keys -- --sandbox --scenario read-only   # see any failure's report
//! ```
//!
//! With no keys configured at all it verifies demo keys against the built-in sandbox and says so.
//! Exit status: 0 all holds, 1 a problem with the keys or the app's setup, 2 a network or X problem.

mod support;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use support::target::{target, TargetError};
use xkeys::client::XClient;
use xkeys::credentials::Loader;
use xkeys::verify::{verify, Need};
use xkeys_sandbox::Scenario;

#[derive(Parser)]
#[command(about = "Verify your X API keys with one signed request to GET /2/users/me")]
struct Args {
    /// What you need the keys for: read, write or dm
    #[arg(long, default_value = "dm", value_parser = ["read", "write", "dm"])]
    need: String,
    /// Use the built-in sandbox (a local X API) with demo keys instead of X
    #[arg(long)]
    sandbox: bool,
    /// The sandbox scenario to show (with --sandbox), e.g. read-only, revoked, credits-depleted
    #[arg(long, value_name = "NAME", requires = "sandbox", value_parser = scenario_names())]
    scenario: Option<String>,
    /// Print the verdict as JSON
    #[arg(long)]
    json: bool,
    /// Seconds to wait for X's answer
    #[arg(long, default_value_t = 20, value_name = "SECS")]
    timeout: u64,
    /// Read this file instead of ./.env
    #[arg(long, value_name = "PATH")]
    env_file: Option<PathBuf>,
}

fn scenario_names() -> Vec<&'static str> {
    Scenario::ALL.iter().map(|s| s.name()).collect()
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    let args = Args::parse();
    let need = Need::from_name(&args.need).context("--need is read, write or dm")?;
    let timeout = Duration::from_secs(args.timeout);

    // No keys at all (or --sandbox): demo keys against the local sandbox, said plainly.
    let no_keys = !args.sandbox
        && match &args.env_file {
            Some(path) => Loader::new().env_file(path),
            None => Loader::new(),
        }
        .load()?
        .is_empty();
    let demo = args.sandbox || no_keys;
    let scenario = demo.then(|| {
        args.scenario
            .as_deref()
            .and_then(Scenario::from_name)
            .unwrap_or(Scenario::FullAccess)
    });
    if let (Some(scenario), false) = (scenario, args.json) {
        if args.sandbox {
            println!("SANDBOX: demo keys for the scenario '{scenario}' ({}), against the local sandbox, not X.\n", scenario.describe());
        } else {
            println!("No X keys found in the environment or .env, so this is a DEMONSTRATION:");
            println!(
                "demo keys verified against the xkeys sandbox (a local X API), not against X.\n"
            );
        }
    }

    // ANCHOR: verify
    // Offline first: a key with a stray quote or swapped with its secret fails for a known reason.
    let target = match target(args.env_file.as_deref(), scenario, timeout).await {
        Ok(target) => target,
        Err(stop @ TargetError::Check(_)) => {
            println!("{stop}");
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.into()),
    };
    let client = match XClient::new(target.credentials, target.config) {
        Ok(client) => client,
        Err(e) => {
            eprintln!("✘ {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let mut verdict = verify(&client, need).await;
    // ANCHOR_END: verify

    if demo {
        verdict.request = "GET /2/users/me on the sandbox".into();
    }
    if args.json {
        let mode = if demo { "sandbox" } else { "x" };
        let json = serde_json::json!({ "mode": mode, "ok": verdict.is_ok(), "exit_code": verdict.exit_code(), "verdict": verdict });
        println!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        println!("{verdict}");
        if demo && !args.sandbox {
            println!("\nThat was the SANDBOX with demo keys, not X. To check your own keys, follow Part I of the");
            println!("book (book/introduction.md), save them in .env (see .env.example) and run this again.");
        } else if demo {
            println!(
                "\nThat was the SANDBOX, not X: run without --sandbox to verify your own keys."
            );
        }
    }
    Ok(ExitCode::from(verdict.exit_code()))
}
