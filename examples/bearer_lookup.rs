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

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use xkeys::api_error::ApiFailure;
use xkeys::bearer::{self, Lookup};
use xkeys::client::ClientConfig;
use xkeys::credentials::{ApiKey, ApiKeySecret, BearerToken, Field, Loader};
use xkeys_sandbox::{Sandbox, Scenario};

#[derive(Parser)]
#[command(about = "Look up an X account with the app-only Bearer Token")]
struct Args {
    /// The account to look up (default: XDevelopers; on the sandbox, its demo account)
    #[arg(long, value_name = "NAME", value_parser = |s: &str| bearer::username(s).map(str::to_string))]
    username: Option<String>,
    /// Use the built-in sandbox (a local X API) with a demo app instead of X
    #[arg(long)]
    sandbox: bool,
    /// Read this file instead of ./.env
    #[arg(long, value_name = "PATH")]
    env_file: Option<PathBuf>,
}

fn failed(failure: &ApiFailure) -> ExitCode {
    eprintln!("{}", failure.report());
    ExitCode::from(failure.exit_code())
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    let args = Args::parse();
    let loader = match &args.env_file {
        Some(path) => Loader::new().env_file(path),
        None => Loader::new(),
    };
    let mut loaded = loader.load()?;
    let (mut config, mut sandbox, mut username) = (ClientConfig::from_env(), None, args.username);
    if args.sandbox || loaded.is_empty() {
        let sandbox = sandbox.insert(Sandbox::start().await?);
        let demo = sandbox.demo(Scenario::FullAccess);
        config = config.base_url(sandbox.base_url());
        username.get_or_insert_with(|| demo.username.clone());
        let keys = [
            ("X_API_KEY", &demo.api_key),
            ("X_API_KEY_SECRET", &demo.api_key_secret),
        ];
        loaded = Loader::new().no_env_file().environment(keys).load()?;
        match args.sandbox {
            true => println!("SANDBOX: a demo app against the local sandbox, not X.\n"),
            false => println!("No X keys found in the environment or .env, so this is a DEMONSTRATION:\na demo app against the xkeys sandbox (a local X API), not X.\n"),
        }
    }
    let username = username.unwrap_or_else(|| bearer::DEFAULT_USERNAME.to_string());
    let value = |f| loaded.effective(f).map(|v| v.expose_value().to_string());

    // Offline first: a Bearer Token with a "Bearer " prefix or in the wrong slot fails for a known reason.
    // The Access Token pair is not used here; nor are the API Key and Secret when a Bearer Token is set.
    let unused = match value(Field::BearerToken) {
        Some(_) => &Field::USER_CONTEXT[..],
        None => &Field::USER_CONTEXT[2..],
    };
    let report = xkeys::check::check(&loaded);
    let errors: Vec<_> = report.errors_ignoring(unused).collect();
    if !errors.is_empty() {
        errors.iter().for_each(|e| println!("{e}\n"));
        println!("Stopped before contacting X: fix the errors above, then run this again.");
        return Ok(ExitCode::from(1));
    }

    // ANCHOR: lookup
    let bearer = match (
        value(Field::BearerToken),
        value(Field::ApiKey),
        value(Field::ApiKeySecret),
    ) {
        (Some(token), _, _) => {
            println!("Bearer Token: X_BEARER_TOKEN");
            BearerToken::new(token)
        }
        (None, Some(key), Some(secret)) => {
            let token = match bearer::obtain(&config, &ApiKey::new(key), &ApiKeySecret::new(secret))
                .await
            {
                Ok(token) => token,
                Err(failure) => return Ok(failed(&failure)),
            };
            println!("Bearer Token: from POST /oauth2/token with the API Key and Secret (X gives the same one\nuntil it is invalidated: save it in .env as X_BEARER_TOKEN to skip this request)");
            token
        }
        _ => {
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
            println!("✘ X has no account @{username} (the Bearer Token works: X answered 200).");
            return Ok(ExitCode::from(1));
        }
        Err(failure) => return Ok(failed(&failure)),
    }
    // ANCHOR_END: lookup

    println!(
        "\nA Bearer Token reads public data only: posting, DMs and /2/users/me need the four keys"
    );
    println!("(X answers 403 unsupported-authentication: book/troubleshooting.md#403-unsupported-authentication).");
    if sandbox.is_some() {
        println!("\nThat was the SANDBOX, not X: with your keys in .env the same command asks X.");
    }
    Ok(ExitCode::SUCCESS)
}
