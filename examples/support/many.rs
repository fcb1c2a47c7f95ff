//! `verify_many`'s plumbing: open its input (a file or `-`), and get the app's keys: yours from the
//! environment or `.env`, or with `--sandbox` a local sandbox that serves the input's rows as users
//! of a demo app.

use std::io::Read;
use std::path::Path;

use anyhow::Context;
use xkeys::client::ClientConfig;
use xkeys::credentials::{ApiKey, ApiKeySecret};
use xkeys::many::{self, AccountRow, App, Entry, InputFormat, Rows};
use xkeys_sandbox::{AccessLevel as SandboxLevel, Account, Sandbox, SandboxConfig, Scenario};

use super::target::KeysArgs;

/// The input's rows: the file, or stdin for `-`.
///
/// # Errors
/// The file can't be opened; a CSV without its header.
pub fn rows(input: &Path, format: InputFormat) -> anyhow::Result<Rows<Box<dyn Read + Send>>> {
    let reader: Box<dyn Read + Send> = match input.to_str() {
        Some("-") => Box::new(std::io::stdin()),
        _ => Box::new(
            std::fs::File::open(input)
                .with_context(|| format!("cannot open the input {}", input.display()))?,
        ),
    };
    Ok(many::rows(reader, format)?)
}

/// The app to verify the rows for, and where to send: your app's keys (checked offline), or with
/// `--sandbox` a demo app on a sandbox that serves the input's tokens (keep it alive). `None` when
/// the keys are wrong or missing: what to do was printed.
///
/// # Errors
/// The input can't be read; the sandbox can't start.
///
/// # Security
/// The App holds the API Key Secret: it goes to the signer only.
pub async fn app(
    keys: &KeysArgs,
    input: &Path,
    format: InputFormat,
) -> anyhow::Result<Option<(App, ClientConfig, Option<Sandbox>)>> {
    let mut config = keys.config();
    if !keys.sandbox {
        return Ok(match App::from_loaded(&keys.loader().load()?) {
            Ok(app) => Some((app, config, None)),
            Err(findings) => {
                findings.iter().for_each(|f| eprintln!("{f}\n"));
                eprintln!("✘ verify_many needs your app's X_API_KEY and X_API_KEY_SECRET (environment or .env), without");
                eprintln!("  errors; the Access Tokens come from the input. To try it offline, add --sandbox.");
                None
            }
        });
    }
    if input.to_str() == Some("-") {
        eprintln!("✘ --sandbox reads the input twice (to serve its tokens, then to verify them): give a file, not -");
        return Ok(None);
    }
    // A sandbox serves every well-formed row for a demo app; "carol (revoked)" picks a scenario.
    let (sandbox, app) = sandbox_for(rows(input, format)?, keys.scenario()).await?;
    config = config.base_url(sandbox.base_url());
    eprintln!("SANDBOX: the input's tokens, served by a local sandbox for a demo app, not X.");
    Ok(Some((app, config, Some(sandbox))))
}

/// Starts a sandbox that serves every well-formed row of `entries` as a user of one demo app, and
/// returns it with that app's keys (see [`sandbox_account`]).
///
/// # Errors
/// The input can't be read; the sandbox can't start.
pub async fn sandbox_for<I>(entries: I, scenario: Scenario) -> anyhow::Result<(Sandbox, App)>
where
    I: Iterator<Item = Result<Entry, many::InputError>>,
{
    let demo = Account::demo(Scenario::FullAccess).to_demo();
    let mut config = SandboxConfig::default();
    // A demo account's token (the sandbox serves it already) or a row repeated (verify_many reports
    // it as a duplicate) is served once.
    let mut served: std::collections::HashSet<String> = Scenario::ALL
        .iter()
        .map(|&s| Account::demo(s).to_demo().access_token)
        .collect();
    for entry in entries {
        if let Entry::Account(row) = entry? {
            if served.insert(row.access_token.as_str().to_string()) {
                let account = sandbox_account(&demo.api_key, &demo.api_key_secret, &row, scenario);
                config = config.account(account);
            }
        }
    }
    let sandbox = Sandbox::start_with(config).await?;
    let app = App {
        api_key: ApiKey::new(&demo.api_key),
        api_key_secret: ApiKeySecret::new(&demo.api_key_secret),
    };
    Ok((sandbox, app))
}

/// The sandbox account that serves a row, for trying the tool offline (`verify_many --sandbox`): a
/// user of the app `api_key`, named after the row's label. A label ending in a scenario name in
/// parentheses, e.g. `carol (revoked)`, makes the account simulate that scenario; other rows
/// simulate `default` (`--scenario`, full access unless given).
///
/// # Security
/// The account holds the row's and the app's secrets, as the sandbox needs them to verify signatures.
pub fn sandbox_account(
    api_key: &str,
    api_key_secret: &str,
    row: &AccountRow,
    default: Scenario,
) -> Account {
    let label = row.label.as_deref().unwrap_or_default();
    let (name, scenario) = match label.strip_suffix(')').and_then(|l| l.rsplit_once(" (")) {
        Some((name, s)) => (name, s.parse().ok()),
        None => (label, None),
    };
    let mut account = Account::new(
        api_key,
        api_key_secret,
        row.access_token.as_str(),
        row.access_token_secret.expose_secret(),
    );
    let username: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(15)
        .collect();
    if let (false, Some(id)) = (username.is_empty(), row.access_token.user_id()) {
        account = account.user(id, username, name);
    }
    let scenario = scenario.unwrap_or(default);
    match scenario {
        Scenario::ReadOnly => account.access_level(SandboxLevel::Read),
        Scenario::ReadWrite => account.access_level(SandboxLevel::ReadWrite),
        _ => account,
    }
    .scenario(scenario)
}
