//! Where an example's requests go: your own keys (environment or `.env`, checked offline first) to
//! X, or a sandbox scenario's demo keys to a local [`Sandbox`] started for the run. [`KeysArgs`] is
//! the options every example that talks to X shares: `--sandbox`, `--scenario`, `--timeout` and
//! `--env-file` (flattened into each example's own `Args`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use xkeys::check::{self, Report};
use xkeys::client::{ClientConfig, BASE_URL_VAR};
use xkeys::credentials::{
    mask, ApiKey, ApiKeySecret, Credentials, Field, LoadError, LoadedKeys, Loader,
};
use xkeys_sandbox::{DemoAccount, Sandbox, SandboxConfig, SandboxError, Scenario};

/// Your keys or the sandbox's, where to send, how long to wait.
#[derive(clap::Args, Debug, Clone)]
pub struct KeysArgs {
    /// Use the built-in sandbox (a local X API) with demo keys instead of X
    #[arg(long)]
    pub sandbox: bool,
    /// The sandbox scenario to show (with --sandbox)
    #[arg(long, value_name = "NAME", requires = "sandbox")]
    pub scenario: Option<Scenario>,
    /// Seconds to wait for each of X's answers
    #[arg(long, default_value_t = 20, value_name = "SECS")]
    pub timeout: u64,
    /// Read this file instead of ./.env
    #[arg(long, value_name = "PATH")]
    pub env_file: Option<PathBuf>,
}

/// A sandbox started for the run, and the demo account of the scenario asked for.
pub struct Demo {
    /// The sandbox: keep it alive while requests go out.
    pub sandbox: Sandbox,
    /// The scenario's demo keys.
    pub account: DemoAccount,
}

impl KeysArgs {
    /// The scenario asked for, or full access.
    pub fn scenario(&self) -> Scenario {
        self.scenario.unwrap_or(Scenario::FullAccess)
    }

    /// A loader of your keys: the environment and `--env-file` (default `./.env`).
    pub fn loader(&self) -> Loader {
        match &self.env_file {
            Some(path) => Loader::new().env_file(path),
            None => Loader::new(),
        }
    }

    /// The `.env` file: `--env-file`, default `./.env`.
    pub fn env_path(&self) -> PathBuf {
        self.env_file.clone().unwrap_or_else(|| ".env".into())
    }

    /// The `.env` an example writes to ([`KeysArgs::env_path`]), and a loader of your keys that
    /// reads it if it exists yet.
    pub fn env_to_write(&self) -> (PathBuf, Loader) {
        let path = self.env_path();
        let loader = match path.exists() {
            true => Loader::new().env_file(&path),
            false => Loader::new().no_env_file(),
        };
        (path, loader)
    }

    /// The client's configuration, and `--timeout`: `X_API_BASE_URL` from the environment, else from
    /// the `.env` file ([`KeysArgs::env_path`]) as a bot that loads it with dotenvy sees it, else X.
    pub fn config(&self) -> ClientConfig {
        let config = ClientConfig::from_env().timeout(Duration::from_secs(self.timeout));
        if std::env::var_os(BASE_URL_VAR).is_some() {
            return config;
        }
        let in_file = dotenvy::from_path_iter(self.env_path())
            .ok()
            .and_then(|mut items| items.find_map(|i| i.ok().filter(|(k, _)| k == BASE_URL_VAR)));
        match in_file {
            Some((_, url)) => config.base_url(url),
            None => config,
        }
    }

    /// Starts a sandbox whose slow scenario outlasts `--timeout`, and points `config` at it.
    ///
    /// # Errors
    /// The sandbox can't start.
    pub async fn demo(&self, config: &mut ClientConfig) -> Result<Demo, SandboxError> {
        let slow = Duration::from_secs(self.timeout + 5);
        let sandbox = Sandbox::start_with(SandboxConfig::default().slow_delay(slow)).await?;
        *config = config.clone().base_url(sandbox.base_url());
        let account = sandbox.demo(self.scenario()).clone();
        Ok(Demo { sandbox, account })
    }

    /// The app's API Key and Secret: with `--sandbox` (or `demo`), the scenario's demo app's on a
    /// sandbox started for the run (`config` then points at it); else `loaded`'s, if both are set.
    ///
    /// # Errors
    /// The sandbox can't start.
    ///
    /// # Security
    /// The API Key Secret goes to the signer only.
    pub async fn app_keys(
        &self,
        loaded: &LoadedKeys,
        demo: bool,
        config: &mut ClientConfig,
    ) -> Result<(Option<Demo>, Option<(ApiKey, ApiKeySecret)>), SandboxError> {
        if self.sandbox || demo {
            let demo = self.demo(config).await?;
            let app = &demo.account;
            let keys = (
                ApiKey::new(&app.api_key),
                ApiKeySecret::new(&app.api_key_secret),
            );
            return Ok((Some(demo), Some(keys)));
        }
        let value = |f| loaded.effective(f).map(|v| v.expose_value().to_string());
        let keys = value(Field::ApiKey).zip(value(Field::ApiKeySecret));
        Ok((
            None,
            keys.map(|(k, s)| (ApiKey::new(k), ApiKeySecret::new(s))),
        ))
    }

    /// [`KeysArgs::target`] for `--sandbox` or your keys; when there is none, prints why (and, if
    /// keys are missing, `try_it`: the command that tries the sandbox) and gives exit status 1.
    ///
    /// # Security
    /// As [`KeysArgs::target`].
    pub async fn target_or_exit(&self, try_it: &str) -> Result<Target, ExitCode> {
        self.target(self.sandbox).await.map_err(|e| e.stop(try_it))
    }

    /// Your four keys, checked offline; or, with `sandbox`, that scenario's demo keys and a sandbox.
    ///
    /// # Errors
    /// [`TargetError::Check`] with the offline report when keys are missing or wrong; a `.env`
    /// named explicitly that can't be read; a sandbox that can't start.
    ///
    /// # Security
    /// The credentials returned hold the secrets: they go to the signer only.
    pub async fn target(&self, sandbox: bool) -> Result<Target, TargetError> {
        let mut config = self.config();
        let mut describe = config.base_url_str().to_string();
        let (loader, demo) = if sandbox {
            let demo = self.demo(&mut config).await?;
            let loader = Loader::new()
                .no_env_file()
                .environment(demo.account.environment());
            describe = format!("the SANDBOX (scenario '{}'), not X", self.scenario());
            (loader, Some(demo))
        } else {
            (self.loader(), None)
        };
        let loaded = loader.load()?;
        let report = check::check(&loaded);
        if report.has_errors() || !report.is_complete() {
            return Err(TargetError::Check(Box::new(report)));
        }
        let Ok(credentials) = loaded.credentials() else {
            return Err(TargetError::Check(Box::new(report)));
        };
        Ok(Target {
            credentials,
            config,
            sandbox: demo.map(|d| d.sandbox),
            describe,
            report,
        })
    }
}

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
    /// The offline check the keys passed: its warnings are worth showing before the verdict.
    pub report: Report,
}

impl Target {
    /// The offline check's warnings (a `.env` others can read, one git doesn't ignore, ...).
    pub fn warnings(&self) -> impl Iterator<Item = &check::Finding> {
        self.report
            .findings
            .iter()
            .filter(|f| f.severity == check::Severity::Warning)
    }
}

impl Target {
    /// "with API Key Xa1b… and Access Token 1790…": the public halves, masked.
    pub fn signed_with(&self) -> String {
        let c = &self.credentials;
        let (key, token) = (mask(c.api_key.as_str()), mask(c.access_token.as_str()));
        format!("with API Key {key} and Access Token {token}")
    }
}

/// Why there is nothing to send requests with.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// The offline check found errors or missing keys (the report says which and how to fix them).
    #[error("{}", .0.before_contacting_x())]
    Check(Box<Report>),
    /// The `.env` file named could not be read.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The sandbox could not start.
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
}

impl TargetError {
    /// Whether keys are missing (rather than wrong): then trying the sandbox is the next step.
    pub fn keys_missing(&self) -> bool {
        matches!(self, TargetError::Check(report) if !report.is_complete())
    }

    /// Prints why nothing was sent (and, if keys are missing, `try_it`: the command that tries the
    /// sandbox instead); returns exit status 1.
    pub fn stop(&self, try_it: &str) -> ExitCode {
        match self {
            TargetError::Check(_) => println!("{self}"),
            _ => eprintln!("✘ error: {self}"),
        }
        if self.keys_missing() {
            println!("\nNo keys yet? Try the sandbox: {try_it}");
        }
        ExitCode::from(1)
    }
}

/// Why your own keys were not checked: no `.env` here (and the parent folder's, if there is one).
pub fn not_checked(loaded: &LoadedKeys) -> String {
    let Some(no) = &loaded.no_env_file else {
        return "no .env file".into();
    };
    match no.parent_relative() {
        Some(up) => format!(
            "{no} (a parent folder has one: try --env-file {})",
            up.display()
        ),
        None => no.to_string(),
    }
}

/// With `--sandbox`, `--env-file` is not read: says so, and how to check the tokens in that file.
pub fn say_env_file_unread(keys: &KeysArgs) {
    let (true, Some(path)) = (keys.sandbox, &keys.env_file) else {
        return;
    };
    println!("{} is not read with --sandbox: a sandbox started for this run knows only its demo keys. To check", path.display());
    println!("tokens a sandbox gave you, keep one running (cargo run --example sandbox -- --port 8080), get them");
    println!("from it, put X_API_BASE_URL=http://127.0.0.1:8080 in that file, and run this without --sandbox.\n");
}

/// What a run with no keys at all says first: this is a demonstration, and how to check yours.
pub fn demo_banner(not_checked: &str) {
    println!("No X keys found, so this is a DEMONSTRATION: demo keys verified against the xkeys");
    println!("sandbox (a local X API), not against X.");
    println!("Your own keys: none in the environment, {not_checked}.");
    println!("Keys in another file? Add --env-file PATH. None yet? Follow Part I of the book");
    println!("(book/introduction.md) and save them in .env (see .env.example).\n");
}
