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

use std::process::ExitCode;

use clap::Parser;
use support::target::KeysArgs;
use support::terminal::problem;
use xkeys::api_error::{classify_client_error, ApiFailure, Call};
use xkeys::client::XClient;

#[derive(Parser)]
#[command(about = "Send one Direct Message with your X keys (only with --yes)")]
struct Args {
    /// The numeric user id of the account to write to (not the @username)
    #[arg(long, value_name = "USER_ID")]
    to: String,
    /// Really send it (X bills it); without it nothing is sent
    #[arg(long)]
    yes: bool,
    #[command(flatten)]
    keys: KeysArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    support::terminal::exit(run(Args::parse())).await
}

async fn run(Args { to, yes, keys }: Args) -> anyhow::Result<ExitCode> {
    // The pattern of participant_id in X's OpenAPI spec (https://api.x.com/2/openapi.json): ^[0-9]{1,19}$.
    let to = to.trim();
    if to.is_empty() || to.len() > 19 || !to.bytes().all(|b| b.is_ascii_digit()) {
        eprintln!("✘ --to must be the numeric user id of the account to write to: 1 to 19 digits, such as");
        eprintln!("  1790000000000000042, not an @username. GET /2/users/by/username/NAME returns it as data.id.");
        eprintln!("  See {}.", xkeys::chapters::CHECK_POSTING);
        return Ok(ExitCode::from(1));
    }
    let try_it = format!("cargo run --example send_dm -- --sandbox --yes --to {to}");
    let target = match keys.target_or_exit(&try_it).await {
        Ok(target) => target,
        Err(exit) => return Ok(exit),
    };
    let can = "Checking that your keys can send Direct Messages,";
    println!("{can} {}\non {}.\n", target.signed_with(), target.describe);
    let path = format!("/2/dm_conversations/with/{to}/messages");
    if !yes {
        return Ok(preview(&path, to, keys.sandbox));
    }
    let client = match XClient::new(target.credentials, target.config) {
        Ok(client) => client,
        Err(e) => return Ok(problem(&classify_client_error(&e))),
    };

    // ANCHOR: send_dm
    // One POST, never retried: a DM that timed out may have been sent.
    let text = "xkeys check: this bot's keys can send Direct Messages.";
    let sent = client
        .post_json(&path, &serde_json::json!({ "text": text }))
        .await;
    let ids = match &sent {
        Ok(r) if r.status == 201 => r
            .data_field("dm_event_id")
            .zip(r.data_field("dm_conversation_id")),
        _ => None,
    };
    let Some((event, conversation)) = ids else {
        let what = "data.dm_event_id and data.dm_conversation_id";
        let request = format!("POST {path}");
        let failed = ApiFailure::from_write_outcome(request, &sent, Call::UserContext, what);
        println!("  ✘ POST {path}  {}", failed.what());
        if failed.maybe_done() {
            println!("\n! The DM MAY HAVE BEEN SENT: the request went out but no answer came, and a POST is");
            println!("  never retried (it could send it twice). Look at the conversation before trying again.");
        }
        return Ok(problem(&failed.problem));
    };
    println!("  ✔ POST {path}  201 Created: event {event} in conversation {conversation}");
    // ANCHOR_END: send_dm
    println!("\n✔ Your keys can send Direct Messages: X accepted the message to user {to}.");
    Ok(ExitCode::SUCCESS)
}

/// What `--yes` would do and cost, and the command that does it.
fn preview(path: &str, to: &str, sandbox: bool) -> ExitCode {
    // X's pay-per-use price per request (https://docs.x.com/x-api/getting-started/pricing, 2026-08).
    println!("With --yes this will:");
    println!("  POST {path}  send a short DM to user {to}  $0.015 (DM create)");
    println!("\nThe message stays in that conversation: write to an account of yours or one that expects it.");
    println!(
        "Under pay-per-use that costs $0.015 at X's published per-request prices (as of 2026-08);"
    );
    println!("failed requests are not billed. It also uses 1 of your 15 DMs per 15 minutes.");
    let again = if sandbox { "--sandbox --yes" } else { "--yes" };
    println!("\nNothing was sent. To do it: cargo run --example send_dm -- {again} --to {to}");
    ExitCode::SUCCESS
}
