//! Use the Bearer Token (app-only): take X_BEARER_TOKEN, or get it from the API Key and Secret
//! (POST /oauth2/token), and look up an account by username — public data, no user context.
//! Chapter: "Use the Bearer Token" (book/the-bearer-token.md).
//!
//! ```sh
//! cargo run --example bearer_lookup                          # X_BEARER_TOKEN, or your API Key and Secret
//! cargo run --example bearer_lookup -- --username XDevelopers
//! cargo run --example bearer_lookup -- --sandbox             # against the local sandbox
//! ```
//!
//! With nothing configured it runs against the built-in sandbox with a demo app, and says so.
//! Exit status: 0 found, 1 a problem with the keys (or no such account), 2 a network or X problem.

mod support;

use std::process::ExitCode;

use clap::Parser;
use support::target::KeysArgs;
use support::terminal::{failed, offline_errors};
use xkeys::bearer::{self, Lookup};
use xkeys::credentials::{BearerToken, Field};

#[derive(Parser)]
#[command(about = "Look up an X account with the app-only Bearer Token")]
struct Args {
    /// The account to look up (default: XDevelopers; on the sandbox, its demo account)
    #[arg(long, value_name = "NAME", value_parser = |s: &str| bearer::username(s).map(str::to_string))]
    username: Option<String>,
    #[command(flatten)]
    keys: KeysArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    support::terminal::exit(run(Args::parse())).await
}

async fn run(Args { username, keys }: Args) -> anyhow::Result<ExitCode> {
    let (loaded, mut config) = (keys.loader().load()?, keys.config());
    // Nothing configured (or --sandbox): a demo app on the local sandbox, said plainly.
    let no_keys = !keys.sandbox && loaded.is_empty();
    let (demo, app) = keys.app_keys(&loaded, no_keys, &mut config).await?;
    match (&demo, no_keys) {
        (Some(_), false) => println!("SANDBOX: a demo app against the local sandbox, not X.\n"),
        (Some(_), true) => println!("No X keys found in the environment or .env, so this is a DEMONSTRATION:\na demo app against the xkeys sandbox (a local X API), not X.\n"),
        (None, _) => {}
    }
    let on_demo = demo.as_ref().map(|d| d.account.username.clone());
    let username = username
        .or(on_demo)
        .unwrap_or_else(|| bearer::DEFAULT_USERNAME.into());
    let configured = loaded
        .effective(Field::BearerToken)
        .filter(|_| demo.is_none());
    let bearer_token = configured.map(|v| BearerToken::new(v.expose_value()));
    // Offline first: a Bearer Token with a "Bearer " prefix or in the wrong slot fails for a known reason.
    // The Access Token pair is not used here; nor are the API Key and Secret when a Bearer Token is set.
    let unused = match bearer_token {
        Some(_) => &Field::USER_CONTEXT[..],
        None => &Field::USER_CONTEXT[2..],
    };
    if let Some(Some(stop)) = demo.is_none().then(|| offline_errors(&loaded, unused)) {
        return Ok(stop);
    }

    // ANCHOR: lookup
    let bearer = match (bearer_token, app) {
        (Some(token), _) => {
            println!("Bearer Token: X_BEARER_TOKEN");
            token
        }
        (None, Some((key, secret))) => {
            let token = match bearer::obtain(&config, &key, &secret).await {
                Ok(token) => token,
                Err(failure) => return Ok(failed(&failure)),
            };
            println!("Bearer Token: from POST /oauth2/token with the API Key and Secret (X gives the same one\nuntil it is invalidated: save it in .env as X_BEARER_TOKEN to skip this request)");
            token
        }
        (None, None) => {
            println!(
                "Set X_BEARER_TOKEN, or X_API_KEY and X_API_KEY_SECRET (book/the-bearer-token.md)."
            );
            return Ok(ExitCode::from(1));
        }
    };
    println!("Looking up @{username}: GET /2/users/by/username/{username}, app-only\n");
    match bearer::lookup(&config, &bearer, &username).await {
        Ok(Lookup::Found(account)) => {
            println!("  id        {}", account.id);
            println!("  username  @{}", account.username);
            println!("  name      {}", account.name);
        }
        Ok(Lookup::NotFound) => {
            // On the sandbox, the sandbox answered: it is not X's list of accounts.
            let who = if demo.is_some() { "the sandbox" } else { "X" };
            println!(
                "✘ {who} has no account @{username} (the Bearer Token works: {who} answered 200)."
            );
            return Ok(ExitCode::from(1));
        }
        Err(failure) => return Ok(failed(&failure)),
    }
    // ANCHOR_END: lookup

    println!(
        "\nA Bearer Token reads public data only: posting, DMs and /2/users/me need the four keys"
    );
    println!("(X answers 403 unsupported-authentication: book/troubleshooting.md#403-unsupported-authentication).");
    if demo.is_some() {
        println!("\nThat was the SANDBOX, not X: with your keys in .env the same command asks X.");
    }
    Ok(ExitCode::SUCCESS)
}
