//! Where an example's requests go: your own keys (environment or `.env`, checked offline first) to
//! X, or a sandbox scenario's demo keys to a local [`Sandbox`] started for the run.

use std::path::Path;
use std::time::Duration;

use xkeys::check::{self, Report};
use xkeys::client::ClientConfig;
use xkeys::credentials::{Credentials, LoadError, Loader};
use xkeys_sandbox::{Sandbox, SandboxConfig, SandboxError, Scenario};

/// The keys to sign with and where to send the requests.
#[derive(Debug)]
pub struct Target {
    /// The four keys, past the offline check.
    pub credentials: Credentials,
    /// The base URL (`X_API_BASE_URL`, X's, or the sandbox's) and the timeout.
    pub config: ClientConfig,
    /// The sandbox serving the demo keys, if any: keep it alive while requests go out.
    pub sandbox: Option<Sandbox>,
    /// Where the requests go, in words for a report.
    pub describe: String,
}

/// Why there is nothing to send requests with.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// The offline check found errors or missing keys (the report says which and how to fix them).
    #[error(
        "{0}\n\nStopped before contacting X: the offline check needs all four keys and no errors."
    )]
    Check(Box<Report>),
    /// The `.env` file named could not be read.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The sandbox could not start.
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
}

/// Your keys from the environment and `env_file` (default `./.env`), checked offline; or, with
/// `sandbox`, that scenario's demo keys and a sandbox whose slow scenario outlasts `timeout`.
///
/// # Errors
/// [`TargetError::Check`] with the offline report when keys are missing or wrong; a `.env` named
/// explicitly that can't be read; a sandbox that can't start.
///
/// # Security
/// The credentials returned hold the secrets: they go to the signer only.
pub async fn target(
    env_file: Option<&Path>,
    sandbox: Option<Scenario>,
    timeout: Duration,
) -> Result<Target, TargetError> {
    let mut config = ClientConfig::from_env().timeout(timeout);
    let mut describe = config.base_url_str().to_string();
    let mut started = None;
    let loader = match (sandbox, env_file) {
        (Some(scenario), _) => {
            let slow = SandboxConfig::default().slow_delay(timeout + Duration::from_secs(5));
            let sb = Sandbox::start_with(slow).await?;
            let loader = Loader::new()
                .no_env_file()
                .environment(sb.demo(scenario).environment());
            config = config.base_url(sb.base_url());
            describe = format!("the SANDBOX (scenario '{scenario}'), not X");
            started = Some(sb);
            loader
        }
        (None, Some(path)) => Loader::new().env_file(path),
        (None, None) => Loader::new(),
    };
    let loaded = loader.load()?;
    let report = check::check(&loaded);
    if report.has_errors() || !report.is_complete() {
        return Err(TargetError::Check(Box::new(report)));
    }
    let credentials = loaded
        .credentials()
        .map_err(|_| TargetError::Check(Box::new(report)))?;
    Ok(Target {
        credentials,
        config,
        sandbox: started,
        describe,
    })
}
