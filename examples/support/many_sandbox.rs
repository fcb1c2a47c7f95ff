//! `verify_many --sandbox`: a local sandbox that serves the input's rows as users of a demo app.

use xkeys::credentials::{ApiKey, ApiKeySecret};
use xkeys::many::{AccountRow, App, Entry, InputError};
use xkeys_sandbox::{
    AccessLevel as SandboxLevel, Account, Sandbox, SandboxConfig, SandboxError, Scenario,
};

/// Starts a sandbox that serves every well-formed row of `entries` as a user of one demo app, and
/// returns it with that app's keys: `verify_many --sandbox` (see [`sandbox_account`]).
///
/// # Errors
/// The input can't be read; the sandbox can't start.
pub async fn sandbox_for<I>(entries: I) -> Result<(Sandbox, App), SandboxForError>
where
    I: Iterator<Item = Result<Entry, InputError>>,
{
    let demo = Account::demo(Scenario::FullAccess).to_demo();
    let mut config = SandboxConfig::default();
    for entry in entries {
        if let Entry::Account(row) = entry? {
            config = config.account(sandbox_account(&demo.api_key, &demo.api_key_secret, &row));
        }
    }
    let sandbox = Sandbox::start_with(config).await?;
    let app = App {
        api_key: ApiKey::new(&demo.api_key),
        api_key_secret: ApiKeySecret::new(&demo.api_key_secret),
    };
    Ok((sandbox, app))
}

/// Why a sandbox for an input could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxForError {
    /// The input can't be read.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The sandbox can't start.
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
}

/// The sandbox account that serves a row, for trying the tool offline (`verify_many --sandbox`): a
/// user of the app `api_key`, named after the row's label. A label ending in a scenario name in
/// parentheses, e.g. `carol (revoked)`, makes the account simulate that scenario.
///
/// # Security
/// The account holds the row's and the app's secrets, as the sandbox needs them to verify signatures.
pub fn sandbox_account(api_key: &str, api_key_secret: &str, row: &AccountRow) -> Account {
    let label = row.label.as_deref().unwrap_or_default();
    let (name, scenario) = match label.strip_suffix(')').and_then(|l| l.rsplit_once(" (")) {
        Some((name, s)) => (name, Scenario::from_name(s)),
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
    match scenario {
        Some(Scenario::ReadOnly) => account.access_level(SandboxLevel::Read),
        Some(Scenario::ReadWrite) => account.access_level(SandboxLevel::ReadWrite),
        Some(s) => account.scenario(s),
        None => account,
    }
    .scenario(scenario.unwrap_or(Scenario::FullAccess))
}
