//! Check that your keys can send Direct Messages: send one short DM to an account you name
//! (`POST /2/dm_conversations/with/:participant_id/messages`). Without `--yes` it only says what it
//! would do and what it costs.
//! Chapter: "Check that posting and DMs work" (book/check-posting-and-dms.md).
//!
//! ```sh
//! cargo run --example send_dm -- --to 1790000000000000042          # what it would do; sends nothing
//! cargo run --example send_dm -- --to 1790000000000000042 --yes    # sends it, with your keys
//! cargo run --example send_dm -- --sandbox --scenario read-write --to 1790000000000000042 --yes
//! ```
//!
//! Exit status: 0 sent (or nothing sent), 1 a problem with the keys, the app's setup or `--to`,
//! 2 a network or X problem.

mod support;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use support::target::{target, TargetError};
use xkeys::api_error::{classify_client_error, ApiFailure, Call, Problem, ProblemKind};
use xkeys::client::{ApiResponse, XClient};
use xkeys::credentials::mask;
use xkeys_sandbox::Scenario;

#[derive(Parser)]
#[command(about = "Send one Direct Message with your X keys (only with --yes)")]
struct Args {
    /// The numeric user id of the account to write to (not the @username)
    #[arg(long, value_name = "USER_ID")]
    to: String,
    /// Really send it (X bills it); without it nothing is sent
    #[arg(long)]
    yes: bool,
    /// Use the built-in sandbox (a local X API) with demo keys instead of X
    #[arg(long)]
    sandbox: bool,
    /// The sandbox scenario (with --sandbox), e.g. read-write, user-not-enrolled, rate-limited
    #[arg(long, value_name = "NAME", requires = "sandbox", value_parser = Scenario::ALL.iter().map(|s| s.name()).collect::<Vec<_>>())]
    scenario: Option<String>,
    /// Seconds to wait for X's answer
    #[arg(long, default_value_t = 20, value_name = "SECS")]
    timeout: u64,
    /// Read this file instead of ./.env
    #[arg(long, value_name = "PATH")]
    env_file: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    let args = Args::parse();
    // The OpenAPI spec's pattern for participant_id: ^[0-9]{1,19}$ (FACTS §5).
    let to = args.to.trim();
    if to.is_empty() || to.len() > 19 || !to.bytes().all(|b| b.is_ascii_digit()) {
        eprintln!("✘ --to must be the numeric user id of the account to write to: 1 to 19 digits, such as");
        eprintln!("  1790000000000000042, not an @username. GET /2/users/by/username/NAME returns it as data.id.");
        eprintln!("  See {}.", xkeys::chapters::CHECK_POSTING);
        return Ok(ExitCode::from(1));
    }
    let scenario = args.sandbox.then(|| {
        let name = args.scenario.as_deref().unwrap_or("full-access");
        Scenario::from_name(name).unwrap_or(Scenario::FullAccess)
    });
    let timeout = Duration::from_secs(args.timeout);
    let target = match target(args.env_file.as_deref(), scenario, timeout).await {
        Ok(target) => target,
        Err(e) => {
            println!("{e}");
            if matches!(&e, TargetError::Check(report) if !report.is_complete()) {
                println!("No keys yet? Try the sandbox: cargo run --example send_dm -- --sandbox --yes --to {to}");
            }
            return Ok(ExitCode::from(1));
        }
    };
    let c = &target.credentials;
    let (key, token) = (mask(c.api_key.as_str()), mask(c.access_token.as_str()));
    println!("Checking that your keys can send Direct Messages, with API Key {key} and Access Token {token}");
    println!("on {}.\n", target.describe);
    let path = format!("/2/dm_conversations/with/{to}/messages");
    if !args.yes {
        // X's published pay-per-use price per request (FACTS §2.5, docs snapshot of 2026-08).
        println!("With --yes this will:");
        println!("  POST {path}  send a short DM to user {to}  $0.015 (DM create)");
        println!("\nThe message stays in that conversation: write to an account of yours or one that expects it.");
        println!("Under pay-per-use that costs $0.015 at X's published per-request prices (as of 2026-08);");
        println!("failed requests are not billed. It also uses 1 of your 15 DMs per 15 minutes.");
        let again = if args.sandbox {
            "--sandbox --yes"
        } else {
            "--yes"
        };
        println!("\nNothing was sent. To do it: cargo run --example send_dm -- {again} --to {to}");
        return Ok(ExitCode::SUCCESS);
    }
    let client = match XClient::new(target.credentials, target.config) {
        Ok(client) => client,
        Err(e) => return Ok(fail(&classify_client_error(&e))),
    };

    // ANCHOR: send_dm
    // One POST, never retried: a DM that timed out may have been sent.
    let text = "xkeys check: this bot's keys can send Direct Messages.";
    let sent = client
        .post_json(&path, &serde_json::json!({ "text": text }))
        .await;
    let ids = match &sent {
        Ok(r) if r.status == 201 => data(r, "dm_event_id").zip(data(r, "dm_conversation_id")),
        _ => None,
    };
    let Some((event, conversation)) = ids else {
        let what = "data.dm_event_id and data.dm_conversation_id";
        let failed =
            ApiFailure::from_outcome(format!("POST {path}"), &sent, Call::UserContext, what);
        println!("  ✘ POST {path}  {}", failed.what());
        if failed.problem.kind == ProblemKind::Timeout {
            println!("\n! The DM MAY HAVE BEEN SENT: the request went out but no answer came in time, and a POST is");
            println!("  never retried (it could send it twice). Look at the conversation before trying again.");
        }
        return Ok(fail(&failed.problem));
    };
    println!("  ✔ POST {path}  201 Created: event {event} in conversation {conversation}");
    // ANCHOR_END: send_dm
    println!("\n✔ Your keys can send Direct Messages: X accepted the message to user {to}.");
    Ok(ExitCode::SUCCESS)
}

/// A field of the answer's `data` object.
fn data(r: &ApiResponse, field: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(&r.body).ok()?;
    v["data"][field].as_str().map(str::to_string)
}

/// Prints the explanation and returns the exit status for it.
fn fail(problem: &Problem) -> ExitCode {
    println!("\n{problem}");
    ExitCode::from(problem.kind.blame().exit_code())
}
