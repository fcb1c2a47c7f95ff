//! The OAuth 2.0 user token an example checks: yours (`X_OAUTH2_*` in the environment or `.env`),
//! or, with `--sandbox --scenario oauth2-…`, that scenario's demo token on a sandbox started for the run.

use xkeys::account::Need;
use xkeys::client::ClientConfig;
use xkeys::credentials::{Field, LoadedKeys};
use xkeys::oauth2::{verify_token, OAuth2Verdict, Settings};

use super::target::{Demo, KeysArgs};

/// A user token to verify, and where.
pub struct OAuth2Target {
    /// The saved values (the tokens, their scopes and expiry, the Client ID).
    pub settings: Settings,
    /// Where the request goes.
    pub config: ClientConfig,
    /// The sandbox serving the demo token, if any: keep it alive while the request goes out.
    pub demo: Option<Demo>,
}

impl KeysArgs {
    /// Whether the sandbox scenario is one of OAuth 2.0's: then only the user token is verified.
    pub fn oauth2_scenario(&self) -> bool {
        self.sandbox && self.scenario().name().starts_with("oauth2-")
    }

    /// The user token to verify: the scenario's demo one for an `oauth2-…` scenario; none for the
    /// other scenarios; otherwise yours, if `X_OAUTH2_ACCESS_TOKEN` is set.
    ///
    /// # Errors
    /// The sandbox can't start.
    pub async fn oauth2_target(&self) -> anyhow::Result<Option<OAuth2Target>> {
        let mut config = self.config();
        if self.oauth2_scenario() {
            let demo = self.demo(&mut config).await?;
            let env = demo
                .account
                .oauth2_environment()
                .map(|(k, v)| (k.to_string(), v));
            let settings = Settings::from_sources(env, None)?;
            return Ok(Some(OAuth2Target {
                settings,
                config,
                demo: Some(demo),
            }));
        }
        if self.sandbox {
            return Ok(None);
        }
        let path = self.env_path();
        // A .env that dotenv can't read is the offline check's to report, with the line.
        let Ok(settings) = Settings::load(Some(&path)) else {
            return Ok(None);
        };
        Ok(settings.tokens().is_some().then_some(OAuth2Target {
            settings,
            config,
            demo: None,
        }))
    }
}

impl OAuth2Target {
    /// Verifies the token ([`verify_token`]) for what the bot needs.
    pub async fn verify(&self, need: Need) -> Option<OAuth2Verdict> {
        let tokens = self.settings.tokens()?;
        let client_id = self.settings.client_id().is_some();
        Some(verify_token(&tokens, client_id, need, self.config.clone()).await)
    }
}

/// Whether the OAuth 1.0a keys are there at all (any of the four): else an OAuth 2.0 token is
/// verified alone.
pub fn has_oauth1(loaded: &LoadedKeys) -> bool {
    Field::USER_CONTEXT.iter().any(|f| {
        loaded
            .effective(*f)
            .is_some_and(|v| !v.expose_value().is_empty())
    })
}

/// verify_keys for a user token alone: the offline check of its values first (for yours), then the
/// verdict, as text or JSON (`mode` says sandbox or X); returns the exit status.
///
/// # Errors
/// The JSON can't be written.
pub async fn verify_alone(
    target: OAuth2Target,
    loaded: &LoadedKeys,
    need: Need,
    json: bool,
) -> anyhow::Result<std::process::ExitCode> {
    let oauth1 = [&Field::USER_CONTEXT[..], &[Field::BearerToken]].concat();
    if target.demo.is_none() {
        if let Some(stop) = super::terminal::offline_errors(loaded, &oauth1) {
            return Ok(stop);
        }
    }
    let Some(mut verdict) = target.verify(need).await else {
        return Ok(std::process::ExitCode::from(1));
    };
    if target.demo.is_some() {
        verdict.request = "GET /2/users/me on the sandbox".into();
    }
    if json {
        let mode = if target.demo.is_some() {
            "sandbox"
        } else {
            "x"
        };
        let (ok, code) = (verdict.is_ok(), verdict.exit_code());
        let json =
            serde_json::json!({ "mode": mode, "ok": ok, "exit_code": code, "oauth2": verdict });
        println!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        println!("{verdict}");
        if target.demo.is_some() {
            println!(
                "\nThat was the SANDBOX, not X: run without --sandbox to verify your own token."
            );
        }
    }
    Ok(std::process::ExitCode::from(verdict.exit_code()))
}
