//! Check that your keys can post: post a unique text (`POST /2/tweets`), then delete it at once
//! (`DELETE /2/tweets/:id`). Without `--yes` it only says what it would do and what it costs.
//! Chapter: "Check that posting and DMs work" (book/check-posting-and-dms.md).
//!
//! ```sh
//! cargo run --example post_and_delete                # what it would do and cost; sends nothing
//! cargo run --example post_and_delete -- --yes       # posts and deletes, with your keys
//! cargo run --example post_and_delete -- --sandbox --yes --scenario read-only
//! ```
//!
//! Exit status: 0 posted and deleted (or nothing sent), 1 a problem with the keys or the app's
//! setup, 2 a network or X problem.

mod support;

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Parser;
use support::target::KeysArgs;
use support::terminal::problem;
use xkeys::api_error::{classify_client_error, ApiFailure, Call};
use xkeys::client::XClient;

#[derive(Parser)]
#[command(about = "Post a unique text with your X keys and delete it again (only with --yes)")]
struct Args {
    /// Really post and delete (X bills it); without it nothing is sent
    #[arg(long)]
    yes: bool,
    #[command(flatten)]
    keys: KeysArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    support::terminal::exit(run(Args::parse())).await
}

async fn run(Args { yes, keys }: Args) -> anyhow::Result<ExitCode> {
    let try_it = "cargo run --example post_and_delete -- --sandbox --yes";
    let target = match keys.target_or_exit(try_it).await {
        Ok(target) => target,
        Err(exit) => return Ok(exit),
    };
    println!("Checking that your keys can post, {}", target.signed_with());
    println!("on {}.\n", target.describe);
    if !yes {
        return Ok(preview(keys.sandbox));
    }
    let client = match XClient::new(target.credentials, target.config) {
        Ok(client) => client,
        Err(e) => return Ok(problem(&classify_client_error(&e))),
    };

    // ANCHOR: post_and_delete
    // A unique text: X refuses the same text twice (403 duplicate content).
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let text = format!("xkeys write check {now} {:08x}", rand::random::<u32>());
    // POSTs are never retried: a post that timed out may have been posted.
    let posted = client
        .post_json("/2/tweets", &serde_json::json!({ "text": text }))
        .await;
    let id = match &posted {
        Ok(r) if r.status == 201 => r
            .data_field("id")
            .filter(|_| r.data_field("text").is_some()),
        _ => None,
    };
    let Some(id) = id else {
        let what = "data.id and data.text";
        let request = "POST /2/tweets".to_string();
        let failed = ApiFailure::from_write_outcome(request, &posted, Call::UserContext, what);
        println!("  ✘ POST /2/tweets       {}", failed.what());
        if failed.maybe_done() {
            println!("\n! The post MAY HAVE BEEN POSTED: the request went out but no answer came, and a POST");
            println!("  is never retried (it could post twice). Look at the account's posts; delete this one by hand:");
            println!("  \"{text}\"");
        }
        return Ok(problem(&failed.problem));
    };
    println!("  ✔ POST /2/tweets       201 Created: post {id} with the text as sent");

    let deleted = client.delete(&format!("/2/tweets/{id}")).await;
    let gone =
        |r: &xkeys::client::ApiResponse| r.json().is_some_and(|v| v["data"]["deleted"] == true);
    match &deleted {
        Ok(r) if r.status == 200 && gone(r) => {
            println!("  ✔ DELETE /2/tweets/:id 200 OK: {{\"deleted\":true}}")
        }
        _ => {
            let request = format!("DELETE /2/tweets/{id}");
            let failed =
                ApiFailure::from_outcome(request, &deleted, Call::UserContext, "data.deleted");
            println!("  ✘ DELETE /2/tweets/:id {}", failed.what());
            println!("\n!!! THE POST WAS NOT DELETED: post {id} is public on your account. Delete it by hand:");
            println!("!!! https://x.com/i/web/status/{id}");
            return Ok(problem(&failed.problem));
        }
    }
    // ANCHOR_END: post_and_delete
    println!("\n✔ Your keys can post: X created the post and deleted it again.");
    Ok(ExitCode::SUCCESS)
}

/// What `--yes` would do and cost, and the command that does it.
fn preview(sandbox: bool) -> ExitCode {
    // X's pay-per-use prices per request (https://docs.x.com/x-api/getting-started/pricing, 2026-08).
    println!("With --yes this will:");
    println!("  1. POST /2/tweets        post \"xkeys write check <time> <random>\"  $0.015 (Post create)");
    println!("  2. DELETE /2/tweets/:id  delete that post at once                $0.010 (delete)");
    println!("\nThe post is public on your account for about a second. Under pay-per-use that costs $0.025");
    println!("at X's published per-request prices (as of 2026-08); failed requests are not billed. It also");
    println!("uses 1 of your 100 posts and 1 of your 50 deletes per 15 minutes.");
    let again = if sandbox { "--sandbox --yes" } else { "--yes" };
    println!("\nNothing was sent. To do it: cargo run --example post_and_delete -- {again}");
    ExitCode::SUCCESS
}
