//! The accounts the sandbox serves (an app, its user and the user's token), their permission
//! levels, and the demo account of each scenario.

use std::fmt;

use crate::keys::{alnum, bearer, snowflake};
use crate::scenario::Scenario;

/// An OAuth 1.0a permission level, as X reports it in the `x-access-level` header
/// (seen e.g. in plhery/node-twitter-api-v2#469).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessLevel {
    /// 'Read only': `x-access-level: read`.
    Read,
    /// 'Read and write': `x-access-level: read-write`.
    ReadWrite,
    /// 'Read and write and Direct message': `x-access-level: read-write-directmessages`.
    ReadWriteDirectMessages,
}

impl AccessLevel {
    /// The value of the `x-access-level` header.
    pub fn header_value(self) -> &'static str {
        match self {
            AccessLevel::Read => "read",
            AccessLevel::ReadWrite => "read-write",
            AccessLevel::ReadWriteDirectMessages => "read-write-directmessages",
        }
    }

    /// The label the Developer Portal shows.
    pub fn label(self) -> &'static str {
        match self {
            AccessLevel::Read => "Read",
            AccessLevel::ReadWrite => "Read and write",
            AccessLevel::ReadWriteDirectMessages => "Read and write and Direct message",
        }
    }
}

/// The callback URL every demo app registers: X's advice for local development is
/// `http://127.0.0.1`, not `localhost` (<https://docs.x.com/fundamentals/developer-apps>).
pub const DEMO_CALLBACK_URL: &str = "http://127.0.0.1/callback";

/// One app + user + token the sandbox serves, configured in code.
#[derive(Clone)]
pub struct Account {
    pub(crate) api_key: String,
    pub(crate) api_key_secret: String,
    pub(crate) access_token: String,
    pub(crate) access_token_secret: String,
    pub(crate) bearer_token: String,
    pub(crate) user_id: String,
    pub(crate) username: String,
    pub(crate) name: String,
    pub(crate) app_name: String,
    pub(crate) access_level: AccessLevel,
    pub(crate) app_access_level: AccessLevel,
    pub(crate) scenario: Scenario,
    pub(crate) description: String,
    /// The callback URLs registered for the app (none: a PIN-only app).
    pub(crate) callback_urls: Vec<String>,
}

impl Account {
    /// An account from four keys: full access, the user id taken from the Access Token's prefix.
    ///
    /// # Security
    /// The sandbox never prints the two secrets; keep them out of your own output too.
    pub fn new(
        api_key: impl Into<String>,
        api_key_secret: impl Into<String>,
        access_token: impl Into<String>,
        access_token_secret: impl Into<String>,
    ) -> Account {
        let api_key = api_key.into();
        let api_key_secret = api_key_secret.into();
        let access_token = access_token.into();
        let prefix = access_token.split('-').next().unwrap_or_default();
        let user_id = if !prefix.is_empty()
            && prefix.len() <= 19
            && prefix.bytes().all(|b| b.is_ascii_digit())
            && access_token.contains('-')
        {
            prefix.to_string()
        } else {
            snowflake(&format!("xkeys-user:{access_token}"))
        };
        let tail = &user_id[user_id.len().saturating_sub(6)..];
        Account {
            bearer_token: bearer(&format!("xkeys-bearer:{api_key_secret}")),
            username: format!("sandbox_{tail}"),
            name: "Sandbox user".to_string(),
            app_name: "Your app (sandbox)".to_string(),
            description: "An account served by the xkeys sandbox.".to_string(),
            api_key,
            api_key_secret,
            access_token,
            access_token_secret: access_token_secret.into(),
            user_id,
            access_level: AccessLevel::ReadWriteDirectMessages,
            app_access_level: AccessLevel::ReadWriteDirectMessages,
            scenario: Scenario::FullAccess,
            callback_urls: Vec::new(),
        }
    }

    /// The demo account of a scenario: the same well-formed keys on every run.
    pub fn demo(scenario: Scenario) -> Account {
        let seed = |field: &str| format!("xkeys-demo:{}:{field}", scenario.name());
        let mut account = Account::from_seed(&seed);
        account.username = scenario.demo_username().to_string();
        account.name = format!("xkeys demo ({})", scenario.name());
        account.app_name = format!("xkeys demo app ({})", scenario.name());
        account.description = format!(
            "Demo account of the xkeys sandbox: {}.",
            scenario.describe()
        );
        account.callback_urls = vec![DEMO_CALLBACK_URL.to_string()];
        account.scenario = scenario;
        let (token, app) = match scenario {
            // A token keeps the permission it was created with while the app moved on ("Changing
            // permissions requires users to re-authorize your app",
            // https://docs.x.com/fundamentals/developer-apps).
            Scenario::ReadOnly => (AccessLevel::Read, AccessLevel::ReadWrite),
            Scenario::ReadWrite => (AccessLevel::ReadWrite, AccessLevel::ReadWrite),
            _ => (
                AccessLevel::ReadWriteDirectMessages,
                AccessLevel::ReadWriteDirectMessages,
            ),
        };
        account.access_level = token;
        account.app_access_level = app;
        account
    }

    /// Account number `i` for load tests: deterministic, well-formed, cheap to make.
    pub fn generated(i: u64) -> Account {
        let seed = |field: &str| format!("xkeys-generated:{i}:{field}");
        let mut account = Account::from_seed(&seed);
        account.username = format!("xk_load_{i}");
        account.name = format!("xkeys load account {i}");
        account.app_name = format!("xkeys load app {i}");
        account
    }

    fn from_seed(seed: &dyn Fn(&str) -> String) -> Account {
        let user_id = snowflake(&seed("user_id"));
        let suffix = alnum(&seed("access_token"), 49 - user_id.len());
        let mut account = Account::new(
            alnum(&seed("api_key"), 25),
            alnum(&seed("api_key_secret"), 50),
            format!("{user_id}-{suffix}"),
            alnum(&seed("access_token_secret"), 45),
        );
        account.bearer_token = bearer(&seed("bearer_token"));
        account
    }

    /// Sets the user this token belongs to.
    pub fn user(
        mut self,
        user_id: impl Into<String>,
        username: impl Into<String>,
        name: impl Into<String>,
    ) -> Account {
        self.user_id = user_id.into();
        self.username = username.into();
        self.name = name.into();
        self
    }

    /// Sets the permission the token was created with (and the app's, if it was higher).
    pub fn access_level(mut self, level: AccessLevel) -> Account {
        self.access_level = level;
        self.app_access_level = level;
        self
    }

    /// Sets the app's current permission, which tokens made by the PIN flow get.
    pub fn app_access_level(mut self, level: AccessLevel) -> Account {
        self.app_access_level = level;
        self
    }

    /// Sets the scenario this account simulates.
    pub fn scenario(mut self, scenario: Scenario) -> Account {
        self.scenario = scenario;
        self
    }

    /// Registers a callback URL for the app (X allows at most 10, matched exactly): the PIN flow
    /// then accepts it as `oauth_callback` and sends the user back to it. An app with none is a
    /// PIN-only app.
    pub fn callback_url(mut self, url: impl Into<String>) -> Account {
        self.callback_urls.push(url.into());
        self
    }

    /// Sets the app name the authorize page shows.
    pub fn app_name(mut self, name: impl Into<String>) -> Account {
        self.app_name = name.into();
        self
    }

    /// Sets the Bearer Token of the app (URL-encoded, as X gives it).
    ///
    /// # Security
    /// The Bearer Token is a secret: the sandbox never prints it.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Account {
        self.bearer_token = token.into();
        self
    }

    /// The API Key (consumer key).
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// The Access Token.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// The user id (decimal).
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The username (without `@`).
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The scenario this account simulates.
    pub fn scenario_of(&self) -> Scenario {
        self.scenario
    }

    /// The four keys and identity as a [`DemoAccount`].
    pub fn to_demo(&self) -> DemoAccount {
        DemoAccount {
            scenario: self.scenario,
            api_key: self.api_key.clone(),
            api_key_secret: self.api_key_secret.clone(),
            access_token: self.access_token.clone(),
            access_token_secret: self.access_token_secret.clone(),
            bearer_token: self.bearer_token.clone(),
            user_id: self.user_id.clone(),
            username: self.username.clone(),
            name: self.name.clone(),
        }
    }
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        keys(
            &mut f.debug_struct("Account"),
            &self.api_key,
            &self.access_token,
        )
        .field("user_id", &self.user_id)
        .field("username", &self.username)
        .field("access_level", &self.access_level)
        .field("scenario", &self.scenario)
        .finish()
    }
}

/// The keys and identity of a demo account: fake, but shaped like X's.
#[derive(Clone, PartialEq, Eq)]
pub struct DemoAccount {
    /// The scenario this account simulates.
    pub scenario: Scenario,
    /// API Key (consumer key): 25 alphanumerics.
    pub api_key: String,
    /// API Key Secret (consumer secret): 50 alphanumerics.
    pub api_key_secret: String,
    /// Access Token: `<user id>-<alnum>`, 50 characters.
    pub access_token: String,
    /// Access Token Secret: 45 alphanumerics.
    pub access_token_secret: String,
    /// Bearer Token (app-only), URL-encoded as X gives it.
    pub bearer_token: String,
    /// The user id, 19 digits.
    pub user_id: String,
    /// The username, without `@`.
    pub username: String,
    /// The display name.
    pub name: String,
}

impl DemoAccount {
    /// The four keys as environment variables (`X_API_KEY`…), e.g. for a `Loader::environment`.
    ///
    /// # Security
    /// Holds the two secrets: pass it to a loader, never print it.
    pub fn environment(&self) -> [(&'static str, &str); 4] {
        [
            ("X_API_KEY", &self.api_key),
            ("X_API_KEY_SECRET", &self.api_key_secret),
            ("X_ACCESS_TOKEN", &self.access_token),
            ("X_ACCESS_TOKEN_SECRET", &self.access_token_secret),
        ]
    }
}

impl fmt::Debug for DemoAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        keys(
            f.debug_struct("DemoAccount")
                .field("scenario", &self.scenario),
            &self.api_key,
            &self.access_token,
        )
        .field("user_id", &self.user_id)
        .field("username", &self.username)
        .field("name", &self.name)
        .finish()
    }
}

/// The five keys in `Debug`: the API Key and Access Token masked, the secrets redacted.
fn keys<'d, 'a, 'b: 'a>(
    d: &'d mut fmt::DebugStruct<'a, 'b>,
    api_key: &str,
    access_token: &str,
) -> &'d mut fmt::DebugStruct<'a, 'b> {
    d.field("api_key", &mask(api_key))
        .field("api_key_secret", &Redacted)
        .field("access_token", &mask(access_token))
        .field("access_token_secret", &Redacted)
        .field("bearer_token", &Redacted)
}

/// Shows `[REDACTED]` in place of a secret.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

/// The first 4 characters and `…`: how an id may appear in output.
pub(crate) fn mask(id: &str) -> String {
    let head: String = id.chars().take(4).collect();
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_alnum(s: &str) -> bool {
        s.bytes().all(|b| b.is_ascii_alphanumeric())
    }

    #[test]
    fn demo_keys_are_well_formed_and_stable() {
        for &scenario in Scenario::ALL {
            let a = Account::demo(scenario).to_demo();
            assert_eq!(a.api_key.len(), 25);
            assert!(is_alnum(&a.api_key));
            assert_eq!(a.api_key_secret.len(), 50);
            assert!(is_alnum(&a.api_key_secret));
            assert_eq!(a.access_token.len(), 50);
            assert_eq!(a.user_id.len(), 19);
            assert!(a.access_token.starts_with(&format!("{}-", a.user_id)));
            assert!(is_alnum(&a.access_token[20..]));
            assert_eq!(a.access_token_secret.len(), 45);
            assert!(is_alnum(&a.access_token_secret));
            assert!(a.bearer_token.starts_with(&"A".repeat(21)));
            assert!(a.bearer_token.contains("%3D"));
            assert!(a.username.len() <= 15);
            assert_eq!(a, Account::demo(scenario).to_demo());
        }
    }

    #[test]
    fn debug_redacts_secrets() {
        let a = DemoAccount {
            scenario: Scenario::FullAccess,
            api_key: "abcdefghijklmnopqrstuvwxy".into(),
            api_key_secret: "SECRETSECRET".into(),
            access_token: "1234567890123456789-token".into(),
            access_token_secret: "TOKSECRET".into(),
            bearer_token: "AAAABEARER".into(),
            user_id: "1234567890123456789".into(),
            username: "xkeys_full".into(),
            name: "Full".into(),
        };
        assert_eq!(
            format!("{a:?}"),
            "DemoAccount { scenario: FullAccess, api_key: \"abcd…\", api_key_secret: [REDACTED], \
             access_token: \"1234…\", access_token_secret: [REDACTED], bearer_token: [REDACTED], \
             user_id: \"1234567890123456789\", username: \"xkeys_full\", name: \"Full\" }"
        );
        let acc = Account::new("k", "SECRETSECRET", "1-t", "TOKSECRET");
        let shown = format!("{acc:?}");
        assert!(!shown.contains("SECRETSECRET") && !shown.contains("TOKSECRET"));
        assert!(!shown.contains(&acc.bearer_token));
    }

    #[test]
    fn account_new_takes_the_user_id_from_the_token() {
        let a = Account::new("k", "s", "6253282-abc", "ts");
        assert_eq!(a.user_id(), "6253282");
        let b = Account::new("k", "s", "no-digits", "ts");
        assert_eq!(b.user_id().len(), 19);
    }
}
