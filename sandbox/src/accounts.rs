//! The accounts the sandbox serves (an app, its user and the user's token), their permission
//! levels, and the demo account of each scenario.

use std::fmt;

use crate::keys::{alnum, bearer, client_id, oauth2_token, snowflake, url_safe, TokenKind};
use crate::scenario::Scenario;
use crate::state::oauth2::ACCESS_LIFETIME;
use crate::x::oauth2::Scopes;

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

/// The callback URL every demo app registers, for OAuth 1.0a's `oauth_callback` and OAuth 2.0's
/// `redirect_uri` alike (`SandboxConfig::callback_url` adds more): X's advice for local
/// development is `http://127.0.0.1`, not `localhost` (<https://docs.x.com/fundamentals/developer-apps>),
/// and port 8765 is where xkeys' `oauth2_login` example listens for the redirect.
pub const DEMO_CALLBACK_URL: &str = "http://127.0.0.1:8765/callback";

/// When the sandbox's pre-issued OAuth 2.0 tokens say they were issued (2026-01-01, in ms): a
/// fixed value, so that the demo tokens are the same on every run.
const DEMO_ISSUED_MS: u64 = 1_767_225_600_000;

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
    /// The callback URLs registered for the app, matched exactly (none: a PIN-only app, and no
    /// OAuth 2.0 consent).
    pub(crate) callback_urls: Vec<String>,
    /// The app's confidential OAuth 2.0 client.
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    /// A public OAuth 2.0 client of the app (PKCE only), if it has one.
    pub(crate) public_client_id: Option<String>,
    /// The OAuth 2.0 tokens the user starts with (issued to the confidential client).
    pub(crate) oauth2_access_token: String,
    pub(crate) oauth2_refresh_token: String,
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
        let token = |kind, seed: &str| oauth2_token(&url_safe(seed, 45), DEMO_ISSUED_MS, kind);
        Account {
            client_id: client_id(&format!("xkeys-oauth2-client:{api_key}")),
            client_secret: url_safe(&format!("xkeys-oauth2-secret:{api_key_secret}"), 50),
            public_client_id: None,
            oauth2_access_token: token(
                TokenKind::Access,
                &format!("xkeys-oauth2-at:{access_token}"),
            ),
            oauth2_refresh_token: token(
                TokenKind::Refresh,
                &format!("xkeys-oauth2-rt:{access_token}"),
            ),
            callback_urls: Vec::new(),
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
        if scenario == Scenario::FullAccess {
            account.public_client_id = Some(client_id(&seed("public_client_id")));
        }
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
        account.client_id = client_id(&seed("client_id"));
        account.client_secret = url_safe(&seed("client_secret"), 50);
        let token = |kind, field| oauth2_token(&url_safe(&seed(field), 45), DEMO_ISSUED_MS, kind);
        account.oauth2_access_token = token(TokenKind::Access, "oauth2_access_token");
        account.oauth2_refresh_token = token(TokenKind::Refresh, "oauth2_refresh_token");
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

    /// Registers a callback URL for the app (X allows at most 10, matched exactly, trailing slash
    /// included): the PIN flow then accepts it as `oauth_callback` and sends the user back to
    /// it, and OAuth 2.0's consent page redirects to it. An app with none is a PIN-only app.
    pub fn callback_url(mut self, url: impl Into<String>) -> Account {
        self.callback_urls.push(url.into());
        self
    }

    /// Sets the app's confidential OAuth 2.0 client (by default one is derived from the API Key).
    ///
    /// # Security
    /// The sandbox never prints the Client Secret.
    pub fn oauth2_client(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Account {
        self.client_id = client_id.into();
        self.client_secret = client_secret.into();
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

    /// The OAuth 2.0 Client ID of the app's confidential client.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The scopes of the OAuth 2.0 token the user starts with: every documented scope, minus
    /// `tweet.write` and `dm.write` in the `oauth2-missing-scope` scenario.
    pub(crate) fn oauth2_scopes(&self) -> Scopes {
        match self.scenario {
            Scenario::Oauth2MissingScope => {
                Scopes::documented().without(&["tweet.write", "dm.write"])
            }
            _ => Scopes::documented(),
        }
    }

    /// When the OAuth 2.0 access token the user starts with expires, for a sandbox started at
    /// `started` (Unix seconds): 2 hours later, or, in `oauth2-expired`, a minute before.
    pub(crate) fn oauth2_expires_at(&self, started: i64) -> i64 {
        match self.scenario {
            Scenario::Oauth2Expired => started - 60,
            _ => started + ACCESS_LIFETIME,
        }
    }

    /// The keys and identity as a [`DemoAccount`], its OAuth 2.0 token issued now.
    pub fn to_demo(&self) -> DemoAccount {
        self.to_demo_at(crate::state::now())
    }

    /// The keys and identity as a [`DemoAccount`], its OAuth 2.0 token issued at `started`.
    pub(crate) fn to_demo_at(&self, started: i64) -> DemoAccount {
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
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            oauth2_access_token: self.oauth2_access_token.clone(),
            oauth2_refresh_token: self.oauth2_refresh_token.clone(),
            oauth2_scopes: self.oauth2_scopes().to_string(),
            oauth2_expires_at: self.oauth2_expires_at(started).max(0) as u64,
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
    /// OAuth 2.0 Client ID of the app's confidential client: 34 characters ending `MTpjaQ`.
    pub client_id: String,
    /// OAuth 2.0 Client Secret of that client: 50 characters of `[A-Za-z0-9_-]`.
    pub client_secret: String,
    /// An OAuth 2.0 user access token the sandbox issued to that client for this user when it
    /// started (the same on every run; the scenario says whether it still works).
    pub oauth2_access_token: String,
    /// The refresh token issued with it (the demo tokens have `offline.access`).
    pub oauth2_refresh_token: String,
    /// The scopes of that token, space-separated, as the token response's `scope`.
    pub oauth2_scopes: String,
    /// When that access token expires, Unix seconds.
    pub oauth2_expires_at: u64,
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

    /// The OAuth 2.0 values as environment variables (`X_CLIENT_ID`, `X_CLIENT_SECRET`,
    /// `X_OAUTH2_ACCESS_TOKEN`, `X_OAUTH2_REFRESH_TOKEN`, `X_OAUTH2_SCOPES`, `X_OAUTH2_EXPIRES_AT`).
    ///
    /// # Security
    /// Holds the Client Secret and the tokens: pass it to a loader, never print it.
    pub fn oauth2_environment(&self) -> [(&'static str, String); 6] {
        [
            ("X_CLIENT_ID", self.client_id.clone()),
            ("X_CLIENT_SECRET", self.client_secret.clone()),
            ("X_OAUTH2_ACCESS_TOKEN", self.oauth2_access_token.clone()),
            ("X_OAUTH2_REFRESH_TOKEN", self.oauth2_refresh_token.clone()),
            ("X_OAUTH2_SCOPES", self.oauth2_scopes.clone()),
            ("X_OAUTH2_EXPIRES_AT", self.oauth2_expires_at.to_string()),
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
        .field("client_id", &mask(&self.client_id))
        .field("client_secret", &Redacted)
        .field("oauth2_access_token", &Redacted)
        .field("oauth2_refresh_token", &Redacted)
        .field("oauth2_scopes", &self.oauth2_scopes)
        .field("oauth2_expires_at", &self.oauth2_expires_at)
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

/// How a value the sandbox was sent may appear in output: the first 4 characters and `…` when it
/// has the shape of a public id (an API Key, an Access Token, a Client ID), else only its length. It
/// masks by what the value is, not by the slot it came in: a secret sent where the API Key goes, or a
/// Bearer Token, an OAuth 2.0 token, a code, never shows in part.
pub(crate) fn mask(id: &str) -> String {
    if !looks_public(id) {
        return format!("({} characters, hidden)", id.chars().count());
    }
    let head: String = id.chars().take(4).collect();
    format!("{head}…")
}

/// An API Key (letters and digits, at most 30: X's are 25, older ones 22), an Access Token
/// (`<digits>-<letters and digits>`, at most 64) or a Client ID (34, ending in `MTpjaQ`). The secrets
/// are longer (41 to 50), and Bearer Tokens, Client Secrets and OAuth 2.0 tokens longer still or with
/// `%`, `-` or `_`.
fn looks_public(v: &str) -> bool {
    let alnum = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric());
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let token = v
        .split_once('-')
        .is_some_and(|(id, rest)| digits(id) && alnum(rest));
    (alnum(v) && (v.len() <= 30 || (v.len() == 34 && v.ends_with("MTpjaQ"))))
        || (token && v.len() <= 64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_alnum(s: &str) -> bool {
        s.bytes().all(|b| b.is_ascii_alphanumeric())
    }

    #[test]
    fn a_secret_is_masked_by_its_length_an_id_by_its_prefix() {
        for public in [
            "Qz7mKp2VxR9tLw4NcB8hJd3Fs",                        // xkeys:allow (fake)
            "xvz1evFS4wEEPTGEFPHBog",                           // xkeys:allow (fake)
            "6253282-eWudHldSbIaelX7swmsiHImEL4KinwaGloHANdrY", // xkeys:allow (fake)
            "M1M5R3BMVy13QmpScXkzTUt5OE46MTpjaQ",               // xkeys:allow (fake)
        ] {
            assert_eq!(mask(public), format!("{}…", &public[..4]));
        }
        // An API Key Secret, an Access Token Secret, a Bearer Token, an OAuth 2.0 token.
        for secret in [
            "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw", // xkeys:allow (fake)
            "Sx1Dc2Fv3Gb4Hn5Jm6Kq7Lw8Ze9Xr0Ct1Vy2Bu3Ni4Mo5Pa", // xkeys:allow (fake)
            "AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F", // xkeys:allow (fake)
            "bWRWa3gzdUk4OmNtUHNwWjZYNlJ0QmNmM05JWjJOSXlYV1pUUUtQWldtNGlEcE9xOjE2MjIxNjA4MDAwMDA6MTowOmF0OjE", // xkeys:allow (fake)
        ] {
            assert_eq!(mask(secret), format!("({} characters, hidden)", secret.len()));
        }
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
            client_id: "M1M5R3BMVy13QmpScXkzTUt5OE46MTpjaQ".into(),
            client_secret: "CLIENTSECRET".into(),
            oauth2_access_token: "ACCESSTOKEN".into(),
            oauth2_refresh_token: "REFRESHTOKEN".into(),
            oauth2_scopes: "tweet.read users.read".into(),
            oauth2_expires_at: 1_767_232_800,
        };
        assert_eq!(
            format!("{a:?}"),
            "DemoAccount { scenario: FullAccess, api_key: \"abcd…\", api_key_secret: [REDACTED], \
             access_token: \"1234…\", access_token_secret: [REDACTED], bearer_token: [REDACTED], \
             user_id: \"1234567890123456789\", username: \"xkeys_full\", name: \"Full\", \
             client_id: \"M1M5…\", client_secret: [REDACTED], oauth2_access_token: [REDACTED], \
             oauth2_refresh_token: [REDACTED], oauth2_scopes: \"tweet.read users.read\", \
             oauth2_expires_at: 1767232800 }"
        );
        let acc = Account::new("k", "SECRETSECRET", "1-t", "TOKSECRET");
        let shown = format!("{acc:?}");
        assert!(!shown.contains("SECRETSECRET") && !shown.contains("TOKSECRET"));
        assert!(!shown.contains(&acc.bearer_token));
        for secret in [
            &acc.client_secret,
            &acc.oauth2_access_token,
            &acc.oauth2_refresh_token,
        ] {
            assert!(!shown.contains(secret.as_str()));
        }
    }

    #[test]
    fn demo_oauth2_values_have_x_shapes_and_the_scenario_state() {
        let url_safe = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        let mut ids = std::collections::HashSet::new();
        for &scenario in Scenario::ALL {
            let a = Account::demo(scenario).to_demo_at(1_800_000_000);
            assert_eq!(a.client_id.len(), 34);
            assert!(a.client_id.ends_with("MTpjaQ"));
            assert!(ids.insert(a.client_id.clone()), "distinct Client IDs");
            assert_eq!(a.client_secret.len(), 50);
            assert!(url_safe(&a.client_secret));
            assert_eq!(a.oauth2_access_token.len(), 91);
            assert_eq!(a.oauth2_refresh_token.len(), 91);
            assert_eq!(a, Account::demo(scenario).to_demo_at(1_800_000_000));
            let expected_expiry = match scenario {
                Scenario::Oauth2Expired => 1_800_000_000 - 60,
                _ => 1_800_000_000 + 7200,
            };
            assert_eq!(a.oauth2_expires_at, expected_expiry);
            let scopes: Vec<&str> = a.oauth2_scopes.split(' ').collect();
            let lacks_writes = scenario == Scenario::Oauth2MissingScope;
            assert_eq!(!scopes.contains(&"tweet.write"), lacks_writes, "{scenario}");
            assert_eq!(!scopes.contains(&"dm.write"), lacks_writes, "{scenario}");
            assert!(scopes.contains(&"offline.access") && scopes.contains(&"tweet.read"));
        }
        let env = Account::demo(Scenario::FullAccess)
            .to_demo()
            .oauth2_environment();
        assert_eq!(env.map(|(k, _)| k)[..2], ["X_CLIENT_ID", "X_CLIENT_SECRET"]);
        let public = Account::demo(Scenario::FullAccess).public_client_id;
        assert!(public.is_some_and(|id| id.ends_with("MTpjaQ") && !ids.contains(&id)));
        assert!(Account::demo(Scenario::ReadOnly).public_client_id.is_none());
    }

    #[test]
    fn account_new_takes_the_user_id_from_the_token() {
        let a = Account::new("k", "s", "6253282-abc", "ts");
        assert_eq!(a.user_id(), "6253282");
        let b = Account::new("k", "s", "no-digits", "ts");
        assert_eq!(b.user_id().len(), 19);
    }
}
