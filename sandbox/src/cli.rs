//! The sandbox as a program: `cargo run -p xkeys-sandbox -- --port 8080` (or
//! `cargo run --example sandbox -- --port 8080` from the xkeys repository). A bot in any language
//! points its base URL at it; the demo keys it prints are the same on every run.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use clap::Parser;

use crate::{Account, Sandbox, SandboxConfig, SandboxError, Scenario, DEMO_REDIRECT_URI};

/// A local X API that verifies OAuth 1.0a signatures and OAuth 2.0 tokens as X does.
#[derive(Debug, Parser)]
#[command(name = "xkeys-sandbox")]
pub struct Args {
    /// Port to listen on, on 127.0.0.1 (0 picks a free port).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// How long the `slow` scenario delays each response, in seconds.
    #[arg(long, default_value_t = 30)]
    pub slow_delay: u64,
    /// Don't serve the keys found in the environment or .env.
    #[arg(long)]
    pub no_env_keys: bool,
}

/// The four standard variables, if all are set (from the environment or .env).
fn keys_from_env() -> Option<[String; 4]> {
    // Never print a .env parse error: dotenvy quotes the offending line, secret included.
    if let Err(e) = dotenvy::dotenv() {
        if !e.not_found() {
            eprintln!("warning: .env could not be parsed; its keys are not served");
        }
    }
    let get = |name| {
        std::env::var(name)
            .ok()
            .filter(|v: &String| !v.trim().is_empty())
    };
    Some([
        get("X_API_KEY")?,
        get("X_API_KEY_SECRET")?,
        get("X_ACCESS_TOKEN")?,
        get("X_ACCESS_TOKEN_SECRET")?,
    ])
}

/// Starts the sandbox `args` describe, prints its address and demo keys, and serves until Ctrl-C.
///
/// # Errors
/// The port can't be bound, the keys from `.env` conflict with a demo account, or Ctrl-C can't be
/// waited for.
///
/// # Security
/// The demo keys (and OAuth 2.0 clients) it prints are fake; keys from the environment or `.env`
/// are served, never printed (only the first 4 characters of the API Key).
pub async fn serve_until_ctrl_c(args: Args) -> Result<(), SandboxError> {
    let mut config = SandboxConfig::default().slow_delay(Duration::from_secs(args.slow_delay));

    // Your own keys become one more full-access account: a bot runs unchanged against it.
    let demo_keys: Vec<String> = Scenario::ALL
        .iter()
        .map(|&s| Account::demo(s).api_key().to_string())
        .collect();
    let mut own_key = None;
    if let Some([key, secret, token, token_secret]) = keys_from_env().filter(|_| !args.no_env_keys)
    {
        if !demo_keys.contains(&key) {
            own_key = Some(key.chars().take(4).collect::<String>());
            config = config.account(Account::new(key, secret, token, token_secret));
        }
    }

    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let sandbox = Sandbox::start_on(config, addr).await?;
    let base = sandbox.base_url();

    println!("xkeys sandbox listening on {base}");
    println!();
    println!("Point a bot at it:  X_API_BASE_URL={base}");
    println!("Debug your signing: any signed request to {base}/sandbox/echo");
    println!();
    println!("Demo accounts (fake keys, the same on every run), one per scenario:");
    for demo in sandbox.demos() {
        println!();
        println!(
            "# {} (@{}): {}",
            demo.scenario,
            demo.username,
            demo.scenario.describe()
        );
        println!("X_API_KEY={}", demo.api_key);
        println!("X_API_KEY_SECRET={}", demo.api_key_secret);
        println!("X_ACCESS_TOKEN={}", demo.access_token);
        println!("X_ACCESS_TOKEN_SECRET={}", demo.access_token_secret);
        println!("X_CLIENT_ID={}", demo.client_id);
        println!("X_CLIENT_SECRET={}", demo.client_secret);
    }
    println!();
    println!("OAuth 2.0: authorize at {base}/i/oauth2/authorize, tokens at {base}/2/oauth2/token;");
    println!("every demo app has the callback URL {DEMO_REDIRECT_URI}.");
    println!(
        "Public client (PKCE, no secret) of full-access: X_CLIENT_ID={}",
        sandbox.public_client_id()
    );
    println!();
    if let Some(head) = own_key {
        println!("also serving your keys from .env (API Key {head}…) as a full-access account");
    }
    println!("Ctrl-C to stop.");

    tokio::signal::ctrl_c()
        .await
        .map_err(SandboxError::Signal)?;
    println!("stopped");
    Ok(())
}
