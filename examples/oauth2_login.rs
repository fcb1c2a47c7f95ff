//! Log in with OAuth 2.0 (Authorization Code with PKCE): the account that clicks 'Authorize' gives
//! your app a user access token (and, with offline.access, a refresh token), saved in .env.
//! Chapter: "Use OAuth 2.0 (Client ID and Client Secret)" (book/use-oauth-2.md).
//!
//! ```sh
//! cargo run --example oauth2_login                  # X_CLIENT_ID (and X_CLIENT_SECRET) from the environment or .env
//! cargo run --example oauth2_login -- --headless    # no browser on this machine: paste the redirect URL back
//! cargo run --example oauth2_login -- --scopes "tweet.read users.read tweet.write offline.access"
//! cargo run --example oauth2_login -- --sandbox     # the whole flow offline, against the local sandbox
//! ```
//!
//! Exit status: 0 tokens saved, 1 a problem with the setup, the login or the file (or nothing
//! saved), 2 a network or X problem.

mod support;

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use support::target::KeysArgs;
use support::terminal::read_line;
use xkeys::env_file;
use xkeys::oauth2::{names, scopes, tokens, CallbackListener, OAuth2Client, OAuth2Error};
use xkeys::oauth2::{parse_redirect, ClientId, ClientSecret, Scopes, Settings, Source, UserClient};
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

fn failed(error: &OAuth2Error) -> ExitCode {
    eprintln!("{}", error.report());
    ExitCode::from(error.exit_code())
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    let args = Args::parse();
    let (path, _) = args.keys.env_to_write();
    let (settings, mut config) = (Settings::load(Some(&path))?, args.keys.config());
    let redirect = settings.redirect_uri();
    let (mut app, mut sandbox) = (settings.client_id().map(|id| (id, settings.client_secret())), None);
    if args.keys.sandbox {
        // The sandbox's demo app, a confidential client, with the redirect URI registered.
        let started = Sandbox::start_with(SandboxConfig::default().callback_url(&redirect)).await?;
        let demo = started.demo(args.keys.scenario());
        app = Some((ClientId::new(&demo.client_id), Some(ClientSecret::new(&demo.client_secret))));
        config = config.base_url(started.base_url());
        println!("SANDBOX: the demo app on the local sandbox, not X; its page lets you pick the account.\n");
        sandbox = Some(started);
    }
    let Some((client_id, secret)) = app else {
        println!("No X_CLIENT_ID found in the environment or {}: copy the app's 'Client ID' there\n(book/use-oauth-2.md), or try the flow offline:\n\n    cargo run --example oauth2_login -- --sandbox", path.display());
        return Ok(ExitCode::from(1));
    };

    // ANCHOR: flow
    let client = match OAuth2Client::new(client_id, secret, &redirect, config.clone()) {
        Ok(client) => client,
        Err(e) => return Ok(failed(&e)),
    };
    let login = client.authorize(&args.scopes);
    // Listen before printing the URL: X's redirect may come back within a second.
    let listener = match args.headless {
        true => None,
        false => match CallbackListener::bind(client.redirect_uri()).await {
            Ok(listener) => Some(listener),
            Err(e) => return Ok(failed(&e.into())),
        },
    };
    println!("1. Open this URL in a browser, logged in to x.com as the account the bot acts for:\n\n   {}\n", login.url);
    println!("2. Check the app's name and the scopes it asks for, then click 'Authorize'.");
    let code = match &listener {
        Some(l) => {
            println!("3. Waiting for X to send the browser back to {redirect} …");
            l.receive(&login.state, Duration::from_secs(args.wait)).await
        }
        None => {
            let prompt = format!("3. Paste the address the browser then shows ({redirect}?state=…), then Enter: ");
            parse_redirect(&read_line(&prompt).await?, &login.state)
        }
    };
    let code = match code {
        Ok(code) => code,
        Err(e) => return Ok(failed(&e.into())),
    };
    let tokens = match client.exchange(code, login.verifier, &login.scopes).await {
        Ok(tokens) => tokens,
        Err(e) => return Ok(failed(&e)),
    };
    // ANCHOR_END: flow
    let me = UserClient::new(tokens.access_token.clone(), config)?.me(Some(&tokens.scopes)).await;
    let name = me.map_or_else(|_| "the account".to_string(), |me| format!("@{} (user id {})", me.username, me.id));
    let refresh = if tokens.refresh_token.is_some() { "yes" } else { "no (ask for offline.access)" };
    println!("\n✔ Tokens for {name}: scopes {}; expires in {} min; refresh token: {refresh}", tokens.scopes, tokens.expires_in(tokens::unix_now()).unwrap_or(0) / 60);
    let missing: Vec<&str> = args.scopes.iter().filter(|s| !tokens.scopes.contains(s)).collect();
    if !missing.is_empty() {
        println!("! X granted less than asked: no {}.", missing.join(" "));
    }

    if sandbox.is_some() && args.keys.env_file.is_none() {
        println!("SANDBOX: nothing written; add --env-file demo.env to see that step.");
        return Ok(ExitCode::SUCCESS);
    }
    // ANCHOR: save
    let existing = env_file::assigned(&path, &names::TOKENS)?;
    if let (Some(first), false) = (existing.first(), args.yes) {
        let (file, line) = (path.display(), first.line);
        let question = format!("Replace the OAuth 2.0 tokens in {file} (line {line}) with the tokens for {name}? [y/N] ");
        if !matches!(read_line(&question).await?.trim(), "y" | "Y" | "yes") {
            println!("Nothing written: {file} is unchanged.");
            return Ok(ExitCode::from(1));
        }
    }
    println!("✔ {}.", tokens::save(&path, &tokens)?);
    // ANCHOR_END: save
    if settings.source(names::ACCESS_TOKEN) == Some(&Source::Environment) {
        println!("! {} is set in the environment too, and wins over the file: unset it.", names::ACCESS_TOKEN);
    }
    Ok(ExitCode::SUCCESS)
}
