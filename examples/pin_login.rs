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

mod support;

use std::process::ExitCode;

use clap::Parser;
use support::target::KeysArgs;
use support::terminal::{failed, offline_errors, read_line};
use xkeys::client::is_loopback;
use xkeys::credentials::{mask, Field, Origin};
use xkeys::env_file;
use xkeys::pin::{AccessType, Pin, PinFlow};

#[derive(Parser)]
#[command(
    about = "Get an Access Token and Secret for a bot account (PIN flow) and save them in .env",
    mut_arg("env_file", |a| a.help("Read the API Key and Secret from, and write the tokens to, this file instead of ./.env"))
)]
struct Args {
    /// Ask for less than the app's permission: read, or write (read and write, no DMs)
    #[arg(long)]
    access_type: Option<AccessType>,
    /// Replace X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET already in the file without asking
    #[arg(long)]
    yes: bool,
    #[command(flatten)]
    keys: KeysArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    support::terminal::exit(run(Args::parse())).await
}

async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (path, loader) = args.keys.env_to_write();
    let (loaded, mut config) = (loader.load()?, args.keys.config());
    let (demo, app) = args.keys.app_keys(&loaded, false, &mut config).await?;
    let Some((key, secret)) = app else {
        println!("No X_API_KEY and X_API_KEY_SECRET found in the environment or {}: get them first\n(book/get-the-api-key-and-secret.md), or try the flow offline:\n\n    cargo run --example pin_login -- --sandbox", path.display());
        return Ok(ExitCode::from(1));
    };
    if demo.is_some() {
        println!("SANDBOX: a demo app on the local sandbox, not X; its page lets you pick the account.\n");
    }
    // Offline first: a stray quote in a key fails for a known reason. The tokens get replaced.
    let unused = [Field::AccessToken, Field::AccessTokenSecret];
    if let Some(Some(stop)) = demo.is_none().then(|| offline_errors(&loaded, &unused)) {
        return Ok(stop);
    }

    // A sandbox, started for this run or running on this machine (X_API_BASE_URL), has no x.com login.
    let local = url::Url::parse(config.base_url_str()).is_ok_and(|u| is_loopback(&u));
    // ANCHOR: flow
    let flow = PinFlow::new(key, secret, config)?;
    let request = match flow.request_token(args.access_type).await {
        Ok(request) => request,
        Err(failure) => return Ok(failed(&failure)),
    };
    // Nobody logs in to x.com for the sandbox: its authorize page lets you pick the account.
    let who = if local { "the sandbox" } else { "X" };
    let step1 = match local {
        false => "In your browser, log in to x.com as the BOT ACCOUNT (the one that will post).",
        true => "The sandbox has no x.com login: its authorize page lets you pick the account.",
    };
    println!("1. {step1}");
    println!("2. Open this URL, check the app and the permission, click 'Authorize app':\n");
    println!("   {}\n", flow.authorize_url(&request));
    let typed = read_line(&format!("3. Type the PIN {who} shows, then Enter: ")).await?;
    let Ok(pin) = Pin::parse(&typed).inspect_err(|e| eprintln!("✘ {e}")) else {
        return Ok(ExitCode::from(1));
    };
    let grant = match flow.access_token(&request, &pin).await {
        Ok(grant) => grant,
        Err(failure) => return Ok(failed(&failure)),
    };
    let (token, name) = (grant.access_token.as_str(), &grant.screen_name);
    let (id, masked) = (&grant.user_id, mask(token));
    println!("\n✔ Tokens for @{name} (user id {id}), Access Token {masked}");
    // ANCHOR_END: flow

    if demo.is_some() && args.keys.env_file.is_none() {
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
            return Ok(support::terminal::declined(&path));
        }
    }
    let secret = grant.access_token_secret.expose_secret();
    let written = env_file::set_values(&path, &[(names[0], token), (names[1], secret)])?;
    println!("✔ {written}.");
    // ANCHOR_END: save
    let from_env = loaded
        .effective(Field::AccessToken)
        .filter(|v| v.origin == Origin::Environment);
    if let Some(name) = from_env.map(|v| &v.name) {
        println!("! {name} is set in the environment too, and wins over the file: unset it.");
    }
    if demo.is_none() {
        let file = (args.keys.env_file.as_ref()).map(|p| format!(" -- --env-file {}", p.display()));
        let file = file.unwrap_or_default();
        println!("Next: cargo run --example verify_keys{file}   # whose account does it act for?");
    }
    Ok(ExitCode::SUCCESS)
}
