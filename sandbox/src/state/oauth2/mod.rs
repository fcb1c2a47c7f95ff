//! What OAuth 2.0 remembers: the apps' clients, the codes the consent page issues, the access
//! and refresh tokens, and the clock their lifetimes run on. Every change of a code or a token
//! happens under one lock ([`tokens`] holds them), so a code or a refresh token is never spent twice.
//!
//! Lifetimes are X's: a code lives 30 s, an access token 2 h (`expires_in: 7200`), and a
//! refresh token, issued only with `offline.access`, rotates on every refresh
//! (<https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code>,
//! <https://docs.x.com/x-ads-api/mcp>).

mod tokens;

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::lock;
use crate::accounts::{mask, Account};
use crate::scenario::Scenario;
use crate::x::oauth2::Scopes;
use crate::SandboxError;
use tokens::{At, Tokens};

/// How long a code lives, in seconds.
pub(crate) const CODE_LIFETIME: i64 = 30;
/// How long an access token lives, in seconds: the `expires_in` of every token response.
pub(crate) const ACCESS_LIFETIME: i64 = 7200;

/// OAuth 2.0 behaviours X does not document, set through [`crate::SandboxConfig`].
#[derive(Debug, Clone)]
pub(crate) struct Oauth2Settings {
    /// How long a refresh token lives unused.
    pub(crate) refresh_lifetime: Duration,
    /// Whether Cancel on the consent page redirects with `error=access_denied`.
    pub(crate) cancel_redirects: bool,
    /// Whether the authorize request must carry `state`.
    pub(crate) require_state: bool,
    /// Whether `code_challenge_method=s256` counts as `S256`.
    pub(crate) lowercase_s256: bool,
    /// Whether the token and revoke endpoints read JSON bodies and query strings too.
    pub(crate) json_and_query: bool,
    /// Whether a refresh revokes the access token issued with the old refresh token.
    pub(crate) refresh_revokes_access: bool,
    /// Whether revoking either token of a grant revokes both.
    pub(crate) revoke_whole_grant: bool,
    /// Whether presenting a spent refresh token revokes every token refreshed from it.
    pub(crate) reuse_revokes_family: bool,
}

impl Default for Oauth2Settings {
    fn default() -> Oauth2Settings {
        Oauth2Settings {
            // "Six months" comes only from an X DevRel blog post (dev.to/twitterdev).
            refresh_lifetime: Duration::from_secs(183 * 24 * 3600),
            cancel_redirects: true,
            require_state: true,
            lowercase_s256: true,
            json_and_query: true,
            refresh_revokes_access: false,
            revoke_whole_grant: false,
            reuse_revokes_family: false,
        }
    }
}

/// An OAuth 2.0 client of an app: confidential (Web App, Automated App or Bot: a secret) or
/// public (Native App, Single Page App: PKCE only).
pub(crate) struct Client {
    /// The Client ID.
    pub(crate) id: String,
    secret: Option<String>,
    /// The app (its consumer key) the client belongs to.
    pub(crate) consumer_key: String,
}

impl Client {
    /// Whether the client has a secret (and so must authenticate with Basic).
    pub(crate) fn is_confidential(&self) -> bool {
        self.secret.is_some()
    }

    /// The secret, for a constant-time comparison (`None` for a public client).
    pub(crate) fn secret(&self) -> Option<&str> {
        self.secret.as_deref()
    }
}

/// A PKCE challenge as the authorize request gave it (RFC 7636 §4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Challenge {
    /// `S256`: BASE64URL(SHA256(verifier)).
    S256(String),
    /// `plain`: the verifier itself.
    Plain(String),
}

/// What a user approved on the consent page, remembered with the code.
#[derive(Debug, Clone)]
pub(crate) struct Consent {
    /// The client that asked.
    pub(crate) client_id: String,
    /// The redirect URI the code was sent to: the exchange must name it again.
    pub(crate) redirect_uri: String,
    /// The scopes granted (all the scopes asked: partial grants are not modelled).
    pub(crate) scopes: Scopes,
    /// The PKCE challenge.
    pub(crate) challenge: Challenge,
    /// Who approved.
    pub(crate) user_id: String,
}

/// Who an OAuth 2.0 token acts for, and what it may do.
#[derive(Debug)]
pub(crate) struct UserToken {
    /// The client it was issued to.
    pub(crate) client_id: String,
    /// The app of that client.
    pub(crate) consumer_key: String,
    /// The user.
    pub(crate) user_id: String,
    /// The scopes granted.
    pub(crate) scopes: Scopes,
    /// The scenario the token simulates.
    pub(crate) scenario: Scenario,
}

/// What a lookup of an access token found.
pub(crate) enum Access {
    /// A live token.
    Valid(Arc<UserToken>),
    /// Its 2 hours are over (at this sandbox time).
    Expired(i64),
    /// Revoked by the app (or the user).
    Revoked,
    /// Never issued by this sandbox.
    Unknown,
}

/// Why a code or a refresh token could not be redeemed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Spent {
    /// Never issued, or issued to another client.
    Unknown,
    /// Already exchanged (a code) or refreshed (a refresh token).
    Used,
    /// Past its lifetime.
    Expired,
    /// Revoked.
    Revoked,
}

/// A token response's content (no `Debug`: it holds the tokens).
#[derive(Clone)]
pub(crate) struct Issued {
    pub(crate) access_token: String,
    pub(crate) refresh_token: Option<String>,
    pub(crate) scopes: Scopes,
}

/// How far the OAuth 2.0 clock was moved ahead of the real one, in seconds; shared by the
/// state and the [`crate::Sandbox`] that moves it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Clock(Arc<AtomicI64>);

impl Clock {
    /// Moves the clock forward by `secs`; returns how far it is ahead of the real one now.
    pub(crate) fn advance(&self, secs: i64) -> i64 {
        self.0.fetch_add(secs, Ordering::Relaxed) + secs
    }

    fn ahead(&self) -> i64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// The OAuth 2.0 part of the sandbox's state.
pub(crate) struct Oauth2 {
    pub(crate) settings: Oauth2Settings,
    clients: HashMap<String, Arc<Client>>,
    clock: Clock,
    tokens: Mutex<Tokens>,
}

/// The real clock in milliseconds.
fn real_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Oauth2 {
    /// The clients of the accounts' apps, and the tokens each account starts with, issued at
    /// `started` (Unix seconds).
    ///
    /// # Errors
    /// Two apps with the same Client ID ([`SandboxError::DuplicateClientId`]).
    pub(crate) fn build(
        settings: Oauth2Settings,
        accounts: &[Account],
        started: i64,
    ) -> Result<Oauth2, SandboxError> {
        let mut clients: HashMap<String, Arc<Client>> = HashMap::new();
        let mut app_client: HashMap<&str, String> = HashMap::new();
        let mut tokens = Tokens::default();
        for a in accounts {
            let client_id = match app_client.get(a.api_key.as_str()) {
                Some(id) => id.clone(),
                None => {
                    let public = a.public_client_id.iter().map(|id| (id, None));
                    let confidential = [(&a.client_id, Some(a.client_secret.clone()))];
                    for (id, secret) in confidential.into_iter().chain(public) {
                        if clients.contains_key(id) {
                            return Err(SandboxError::DuplicateClientId(mask(id)));
                        }
                        let client = Client {
                            id: id.clone(),
                            secret,
                            consumer_key: a.api_key.clone(),
                        };
                        clients.insert(id.clone(), Arc::new(client));
                    }
                    app_client.insert(&a.api_key, a.client_id.clone());
                    a.client_id.clone()
                }
            };
            tokens.preissue(a, client_id, started, &settings);
        }
        Ok(Oauth2 {
            settings,
            clients,
            clock: Clock::default(),
            tokens: Mutex::new(tokens),
        })
    }

    /// The sandbox's OAuth 2.0 clock, Unix seconds: the real one plus what [`Clock::advance`] added.
    pub(crate) fn now(&self) -> i64 {
        self.at().secs
    }

    fn at(&self) -> At {
        let ms = real_ms() + self.clock.ahead() * 1000;
        At {
            secs: ms.div_euclid(1000),
            ms,
        }
    }

    /// The clock, to move it.
    pub(crate) fn clock(&self) -> Clock {
        self.clock.clone()
    }

    /// The client with this Client ID.
    pub(crate) fn client(&self, id: &str) -> Option<Arc<Client>> {
        self.clients.get(id).cloned()
    }

    /// Issues a single-use code for what the user approved.
    pub(crate) fn issue_code(&self, consent: Consent) -> String {
        let at = self.at();
        lock(&self.tokens).issue_code(consent, at)
    }

    /// Exchanges a code of `client` for tokens, if `check` accepts what was approved (the
    /// redirect URI and the PKCE verifier); the code is spent only when the exchange succeeds.
    /// The tokens inherit `scenario`, the app's, minus what belongs to a token.
    ///
    /// # Errors
    /// Why the code can't be redeemed, or `check`'s refusal.
    pub(crate) fn exchange<R>(
        &self,
        client: &Client,
        code: &str,
        scenario: Scenario,
        check: impl FnOnce(&Consent) -> Result<(), R>,
    ) -> Result<Issued, Result<Spent, R>> {
        let at = self.at();
        lock(&self.tokens).exchange(client, code, fresh(scenario), check, at, &self.settings)
    }

    /// What an access token is now.
    pub(crate) fn access(&self, token: &str) -> Access {
        let at = self.at();
        lock(&self.tokens).access(token, at)
    }

    /// Refreshes: a new access token and a new refresh token; the old refresh token is spent.
    /// `scopes`, when given, must be within the grant's and narrow the new tokens.
    ///
    /// # Errors
    /// Why the refresh token can't be used; `None`: `scopes` asks for more than was granted.
    pub(crate) fn refresh(
        &self,
        client: &Client,
        refresh_token: &str,
        scopes: Option<Scopes>,
        scenario: Scenario,
    ) -> Result<Issued, Option<Spent>> {
        let at = self.at();
        lock(&self.tokens).refresh(
            client,
            refresh_token,
            scopes,
            fresh(scenario),
            at,
            &self.settings,
        )
    }

    /// Revokes an access or refresh token of `client`: `Some(true)` if it was live, `Some(false)`
    /// if it was already dead or unknown, `None` if it belongs to another client.
    pub(crate) fn revoke(&self, client: &Client, token: &str) -> Option<bool> {
        lock(&self.tokens).revoke(client, token, self.settings.revoke_whole_grant)
    }
}

/// The scenario of a token issued now for an app of `scenario`: what belonged to the old token
/// stays with it.
fn fresh(scenario: Scenario) -> Scenario {
    if scenario.belongs_to_token() {
        Scenario::FullAccess
    } else {
        scenario
    }
}
