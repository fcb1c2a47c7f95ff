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

use std::process::ExitCode;

use clap::Parser;
use support::oauth2::{has_oauth1, verify_alone};
use support::target::{KeysArgs, TargetError};
use xkeys::account::Need;
use xkeys::api_error::ProblemKind;
use xkeys::client::XClient;
use xkeys::verify::verify;

#[derive(Parser)]
#[command(about = "Verify your X API keys with one signed request to GET /2/users/me")]
struct Args {
    /// What you need the keys for: read, write or dm
    #[arg(long, default_value = "dm")]
    need: Need,
    /// Print the verdict as JSON
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    keys: KeysArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    support::terminal::exit(run(Args::parse())).await
}

async fn run(Args { need, json, keys }: Args) -> anyhow::Result<ExitCode> {
    // No keys at all, not even a .env file (or --sandbox): demo keys against the local sandbox, said
    // plainly. A .env that holds nothing usable is checked and reported like any other.
    let loaded = keys.loader().load()?;
    let no_keys = !keys.sandbox && loaded.is_empty() && loaded.env_file.is_none();
    let demo = keys.sandbox || no_keys;
    let because = no_keys.then(|| support::target::not_checked(&loaded));
    if demo && !json {
        if keys.sandbox {
            let scenario = keys.scenario();
            println!("SANDBOX: demo keys for the scenario '{scenario}' ({}), against the local sandbox, not X.\n", scenario.describe());
            support::target::say_env_file_unread(&keys);
        } else {
            support::target::demo_banner(because.as_deref().unwrap_or_default());
        }
    }

    // An OAuth 2.0 user token: verified alone without the four keys or for an oauth2-… scenario.
    let alone = keys.oauth2_scenario() || !has_oauth1(&loaded);
    let oauth2 = match keys.oauth2_target().await? {
        Some(target) if alone => return verify_alone(target, &loaded, need, json).await,
        other => other,
    };

    // ANCHOR: verify
    // Offline first: a key with a stray quote or swapped with its secret fails for a known reason.
    let target = match keys.target(demo).await {
        Ok(target) => target,
        Err(stop @ TargetError::Check(_)) => {
            return Ok(stop.stop("cargo run --example verify_keys -- --sandbox"))
        }
        Err(e) => return Err(e.into()),
    };
    if !json {
        target.warnings().for_each(|w| println!("{w}\n"));
    }
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
        verdict.demo_because = because;
    }
    let oauth2 = match &oauth2 {
        Some(target) => target.verify(need).await,
        None => None,
    };
    let code = verdict
        .exit_code()
        .max(oauth2.as_ref().map_or(0, |v| v.exit_code()));
    if json {
        let mode = if demo { "sandbox" } else { "x" };
        let json = serde_json::json!({ "mode": mode, "ok": code == 0, "exit_code": code, "verdict": verdict, "oauth2": oauth2 });
        println!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(ExitCode::from(code));
    }
    println!("{verdict}");
    let too_low = verdict.problems.first().map(|p| p.kind) == Some(ProblemKind::AccessTooLow);
    if too_low && need != Need::Read {
        let (label, name) = (need.label(), need.name());
        println!("\nDoes your bot need '{label}' (--need {name})? One that only posts needs 'Read and write'");
        println!("(--need write), one that only reads 'Read' (--need read). Which level a bot needs: \"Configure read and");
        println!("write access\" (book/configure-read-and-write-access.md#what-to-enter-for-your-own-bot).");
    }
    if let Some(oauth2) = &oauth2 {
        println!("\n{oauth2}");
    }
    if keys.sandbox {
        println!("\nThat was the SANDBOX, not X: run without --sandbox to verify your own keys.");
    }
    Ok(ExitCode::from(code))
}
