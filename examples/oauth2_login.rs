//! Log in with OAuth 2.0 (Authorization Code with PKCE): the account that clicks 'Authorize' gets
//! your bot a user access token (and, with offline.access, a refresh token), saved in .env.
//! Chapter: "Use OAuth 2.0 (Client ID and Client Secret)" (book/use-oauth-2.md).
//!
//! ```sh
//! cargo run --example oauth2_login                  # X_CLIENT_ID (and X_CLIENT_SECRET) from the environment or .env
//! cargo run --example oauth2_login -- --headless    # no browser on this machine: paste the redirect URL back
//! cargo run --example oauth2_login -- --scopes "tweet.read users.read tweet.write offline.access"
//! cargo run --example oauth2_login -- --sandbox     # the whole flow offline, against the local sandbox
//! ```
//!
//! Exit status: 0 tokens saved; 1 the setup, the login or the file (or nothing saved); 2 network or X.

mod support;

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use support::target::KeysArgs;
use support::terminal::read_line;
use xkeys::env_file;
use xkeys::oauth2::{names, parse_redirect, scopes, tokens, CallbackListener};
use xkeys::oauth2::{OAuth2Client, OAuth2Error, Scopes, Settings, Tokens, UserClient};
use xkeys_sandbox::{Sandbox, SandboxConfig};

#[derive(Parser)]
#[command(about = "Log in with OAuth 2.0 (PKCE) and save the account's tokens in .env")]
struct Args {
    /// The scopes to ask for, separated by spaces or commas
    #[arg(long, default_value = scopes::FOR_A_BOT)]
    scopes: Scopes,
    /// No listener: print the URL, then read the redirect URL pasted from the browser
    #[arg(long)]
    headless: bool,
    /// Seconds to wait for the browser to come back (without --headless)
    #[arg(long, default_value_t = 300, value_name = "SECS")]
    wait: u64,
    /// Replace the OAuth 2.0 tokens already in the file without asking
    #[arg(long)]
    yes: bool,
    #[command(flatten)]
    keys: KeysArgs,
}

// ANCHOR: flow
/// The login: the authorize URL, X's redirect (received, or pasted with --headless), the exchange.
async fn login(client: &OAuth2Client, args: &Args) -> Result<Tokens, OAuth2Error> {
    let login = client.authorize(&args.scopes);
    let back = client.redirect_uri();
    // Listen before printing the URL: X's redirect may come back within a second.
    let listener = match args.headless {
        true => None,
        false => Some(CallbackListener::bind(back).await?),
    };
    println!("1. Open this URL in a browser, logged in to x.com as the account the bot acts for:\n\n   {}\n", login.url);
    println!("2. Check the app's name and the scopes it asks for, then click 'Authorize'.");
    let code = match &listener {
        Some(listener) => {
            println!("3. Waiting for X to send the browser back to {back} …");
            let wait = Duration::from_secs(args.wait);
            listener.receive(&login.state, wait).await?
        }
        None => {
            let prompt = format!("3. Paste the browser's address ({back}?state=…) here: ");
            parse_redirect(&read_line(&prompt).await.unwrap_or_default(), &login.state)?
        }
    };
    client.exchange(code, login.verifier, &login.scopes).await
}
// ANCHOR_END: flow

#[tokio::main]
async fn main() -> ExitCode {
    support::terminal::exit(run(Args::parse())).await
}

async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = args.keys.env_path();
    let (settings, mut config) = (Settings::load(Some(&path))?, args.keys.config());
    let (redirect, mut app) = (settings.redirect_uri(), settings.clone());
    let sandbox = match args.keys.sandbox {
        true => Some(Sandbox::start_with(SandboxConfig::default().callback_url(&redirect)).await?),
        false => None,
    };
    if let Some(sandbox) = &sandbox {
        // The sandbox's demo app (a confidential client), with the redirect URI registered.
        let demo = sandbox.demo(args.keys.scenario()).oauth2_environment();
        app = Settings::from_sources(demo.map(|(name, value)| (name.into(), value)), None)?;
        config = config.base_url(sandbox.base_url());
        println!("SANDBOX: the demo app on the local sandbox, not X; its page lets you pick the account.\n");
    }
    let (Some(client_id), secret) = (app.client_id(), app.client_secret()) else {
        println!("No X_CLIENT_ID found in the environment or {}: copy the app's 'Client ID' there\n(book/use-oauth-2.md), or try the flow offline:\n\n    cargo run --example oauth2_login -- --sandbox", path.display());
        return Ok(ExitCode::from(1));
    };
    let client = OAuth2Client::new(client_id, secret, &redirect, config.clone());
    let tokens = match async { login(&client?, &args).await }.await {
        Ok(tokens) => tokens,
        Err(e) => {
            eprintln!("{}", e.report()); // what went wrong, why, the fix and the chapter
            return Ok(ExitCode::from(e.exit_code()));
        }
    };
    let who = UserClient::for_tokens(&tokens, config)?.me().await;
    let name = who.map_or("the account".into(), |me| me.to_string());
    let summary = tokens.describe(tokens::unix_now());
    println!("\n✔ Tokens for {name}: {summary}");
    if let missing @ [_, ..] = args.scopes.not_in(&tokens.scopes).as_slice() {
        println!("! X granted less than asked: no {}.", missing.join(" "));
    }
    if sandbox.is_some() && args.keys.env_file.is_none() {
        println!("SANDBOX: nothing written; add --env-file demo.env to see that step.");
        return Ok(ExitCode::SUCCESS);
    }
    // ANCHOR: save
    if let (Some(first), false) = (env_file::assigned(&path, &names::TOKENS)?.first(), args.yes) {
        let (file, line) = (path.display(), first.line);
        let question = format!("Replace the OAuth 2.0 tokens in {file} (line {line}) with the tokens for {name}? [y/N] ");
        if !matches!(read_line(&question).await?.trim(), "y" | "Y" | "yes") {
            return Ok(support::terminal::declined(&path));
        }
    }
    println!("✔ {}.", tokens::save(&path, &tokens)?);
    // ANCHOR_END: save
    Ok(ExitCode::SUCCESS)
}
