//! Get the Access Token and Secret of another account — your bot's — with the PIN flow, and save them
//! in .env (the portal's 'Generate' button only makes tokens for your own account).
//! Chapter: "Get tokens for a bot account" (book/tokens-for-a-bot-account.md).
//!
//! ```sh
//! cargo run --example pin_login                          # your app's API Key and Secret, from the environment or .env
//! cargo run --example pin_login -- --access-type write   # a token that can't send DMs
//! cargo run --example pin_login -- --sandbox             # try it offline against the local sandbox
//! ```
//!
//! Exit status: 0 tokens saved, 1 a problem with the keys, the PIN or the file (or nothing saved),
//! 2 a network or X problem.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use xkeys::api_error::ApiFailure;
use xkeys::client::ClientConfig;
use xkeys::credentials::{mask, ApiKey, ApiKeySecret, Field, Loader, Origin};
use xkeys::env_file;
use xkeys::pin::{AccessType, Pin, PinFlow};
use xkeys_sandbox::{Sandbox, Scenario};

#[derive(Parser)]
#[command(
    about = "Get an Access Token and Secret for a bot account (PIN flow) and save them in .env"
)]
struct Args {
    /// Ask for less than the app's permission: read, or write (read and write, no DMs)
    #[arg(long, value_parser = ["read", "write"])]
    access_type: Option<String>,
    /// Read the API Key and Secret from, and write the tokens to, this file instead of ./.env
    #[arg(long, value_name = "PATH")]
    env_file: Option<PathBuf>,
    /// Replace X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET already in the file without asking
    #[arg(long)]
    yes: bool,
    /// Try the flow offline: the built-in sandbox (a local X API) and its demo app
    #[arg(long)]
    sandbox: bool,
}

/// One line from stdin ("" at its end), read off the async runtime so the sandbox keeps serving.
async fn read_line(prompt: &str) -> anyhow::Result<String> {
    print!("{prompt}");
    std::io::stdout().flush()?;
    let read = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map(|_| line)
    });
    read.await?.context("reading stdin")
}

fn failed(failure: &ApiFailure) -> ExitCode {
    eprintln!("{}", failure.report());
    ExitCode::from(failure.exit_code())
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    let args = Args::parse();
    let path = args.env_file.clone().unwrap_or_else(|| ".env".into());
    let loaded = match path.exists() {
        true => Loader::new().env_file(&path).load()?,
        false => Loader::new().no_env_file().load()?,
    };
    let (mut config, mut sandbox) = (ClientConfig::from_env(), None);
    let (key, secret) = if args.sandbox {
        let sandbox = sandbox.insert(Sandbox::start().await?);
        config = config.base_url(sandbox.base_url());
        println!("SANDBOX: a demo app on the local sandbox, not X; its page lets you pick the account.\n");
        let demo = sandbox.demo(Scenario::FullAccess);
        (demo.api_key.clone(), demo.api_key_secret.clone())
    } else {
        let value = |f| loaded.effective(f).map(|v| v.expose_value().to_string());
        let (Some(key), Some(secret)) = (value(Field::ApiKey), value(Field::ApiKeySecret)) else {
            println!("No X_API_KEY and X_API_KEY_SECRET found in the environment or {}: get them first\n(book/get-the-api-key-and-secret.md), or try the flow offline:\n\n    cargo run --example pin_login -- --sandbox", path.display());
            return Ok(ExitCode::from(1));
        };
        // Offline first: a stray quote in a key fails for a known reason. The tokens get replaced.
        let report = xkeys::check::check(&loaded);
        let ignore = [Field::AccessToken, Field::AccessTokenSecret];
        let errors: Vec<_> = report.errors_ignoring(&ignore).collect();
        if !errors.is_empty() {
            errors.iter().for_each(|e| println!("{e}\n"));
            println!("Stopped before contacting X: fix the errors above, then run this again.");
            return Ok(ExitCode::from(1));
        }
        (key, secret)
    };

    // ANCHOR: flow
    let flow = PinFlow::new(ApiKey::new(key), ApiKeySecret::new(secret), config)?;
    let access = args.access_type.as_deref().and_then(AccessType::from_name);
    let request = match flow.request_token(access).await {
        Ok(request) => request,
        Err(failure) => return Ok(failed(&failure)),
    };
    println!("1. In your browser, log in to x.com as the BOT ACCOUNT (the one that will post).");
    println!("2. Open this URL, check the app and the permission, click 'Authorize app':\n");
    println!("   {}\n", flow.authorize_url(&request));
    let typed = read_line("3. Type the PIN X shows, then Enter: ").await?;
    let Ok(pin) = Pin::parse(&typed).inspect_err(|e| eprintln!("✘ {e}")) else {
        return Ok(ExitCode::from(1));
    };
    let grant = match flow.access_token(&request, &pin).await {
        Ok(grant) => grant,
        Err(failure) => return Ok(failed(&failure)),
    };
    let (token, name, id) = (
        grant.access_token.as_str(),
        &grant.screen_name,
        &grant.user_id,
    );
    println!(
        "\n✔ Tokens for @{name} (user id {id}), Access Token {}",
        mask(token)
    );
    // ANCHOR_END: flow

    if sandbox.is_some() && args.env_file.is_none() {
        println!("SANDBOX: nothing written; add --env-file demo.env to see that step.");
        return Ok(ExitCode::SUCCESS);
    }
    // ANCHOR: save
    let names = ["X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET"];
    let existing = env_file::assigned(&path, &names)?;
    if let (Some(first), false) = (existing.first(), args.yes) {
        let (file, line) = (path.display(), first.line);
        let question = format!(
            "Replace the existing {} in {file} (line {line}) with the tokens for @{name}? [y/N] ",
            names.join(" and ")
        );
        if !matches!(read_line(&question).await?.trim(), "y" | "Y" | "yes") {
            println!("Nothing written: {file} is unchanged.");
            return Ok(ExitCode::from(1));
        }
    }
    let secret = grant.access_token_secret.expose_secret();
    let written = env_file::set_values(&path, &[(names[0], token), (names[1], secret)])?;
    println!("✔ {written}.");
    // ANCHOR_END: save
    let from_env = loaded.effective(Field::AccessToken);
    if let Some(n) = from_env
        .filter(|v| v.origin == Origin::Environment)
        .map(|v| &v.name)
    {
        println!("! {n} is set in the environment too, and wins over the file: unset it.");
    }
    if sandbox.is_none() {
        println!("Next: cargo run --example verify_keys   # whose account does it act for?");
    }
    Ok(ExitCode::SUCCESS)
}
