//! OAuth 2.0 user context: the Authorization Code flow with PKCE, the other half of X's user
//! authentication (X docs, <https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code>).
//! Chapter "Use OAuth 2.0 (Client ID and Client Secret)".
//!
//! 1. [`OAuth2Client::authorize`]: the authorize URL, with the scopes, a random `state` and a PKCE
//!    challenge (S256); the account's owner opens it and clicks 'Authorize'.
//! 2. X redirects the browser to the redirect URI with `state` and `code`: a [`CallbackListener`] on
//!    `http://127.0.0.1:PORT/…` receives it, or the user pastes it ([`parse_redirect`]). Either way
//!    the `state` is checked in constant time.
//! 3. [`OAuth2Client::exchange`]: the code and the PKCE verifier buy the [`Tokens`]: a user access
//!    token (2 hours), a refresh token (with `offline.access`), and the scopes granted.
//! 4. [`OAuth2Client::refresh`] (X rotates refresh tokens: save the new one) and
//!    [`OAuth2Client::revoke`]; [`tokens::save`] writes them to `.env` (0600, other lines kept).
//!
//! Later, [`verify_token`] says whether a saved token still works, whose it is, whether its scopes
//! cover what the bot needs, when it expires and whether it can be refreshed ([`Settings`] reads
//! the saved values); [`UserClient`] calls X with it and explains X's refusals.
//!
//! The flow is the `oauth2` crate's (ramosbugs/oauth2-rs 5), sent through this crate's reqwest
//! client. Every failure is an [`OAuth2Error`] with the cause, the fix and the book's section.

mod api;
mod callback;
mod error;
mod flow;
mod listener;
pub mod scopes;
mod settings;
pub mod tokens;
mod verify;

pub use api::{explain_refusal, Me, Saved, UserClient};
pub use callback::{constant_time_eq, parse_redirect};
pub use error::{FlowFailure, OAuth2Error, OAuth2Kind};
pub use flow::{authorize_url_for, Authorization, OAuth2Client, TokenKind};
pub use listener::{loopback_address, CallbackListener};
pub use scopes::{Action, ScopeError, Scopes};
pub use settings::{Settings, SettingsError, Source};
pub use tokens::{ClientId, ClientSecret, RefreshToken, Tokens, UserAccessToken};
pub use verify::{actions_for, verify_token, OAuth2Verdict};

/// X's authorize page (on x.com, not api.x.com).
pub const X_AUTHORIZE_URL: &str = "https://x.com/i/oauth2/authorize";
/// The authorize page's path on another base URL (the sandbox's).
pub const AUTHORIZE_PATH: &str = "/i/oauth2/authorize";
/// `POST /2/oauth2/token`: the code exchange and refresh.
pub const TOKEN_PATH: &str = "/2/oauth2/token";
/// `POST /2/oauth2/revoke`.
pub const REVOKE_PATH: &str = "/2/oauth2/revoke";
/// The redirect URI used unless `X_OAUTH2_REDIRECT_URI` says otherwise: register it in the app.
pub const DEFAULT_REDIRECT_URI: &str = "http://127.0.0.1:8765/callback";

/// The variable names of the OAuth 2.0 values, in `.env` and the environment.
pub mod names {
    /// The 'Client ID'.
    pub const CLIENT_ID: &str = "X_CLIENT_ID";
    /// The 'Client Secret' (confidential clients only).
    pub const CLIENT_SECRET: &str = "X_CLIENT_SECRET";
    /// The user access token.
    pub const ACCESS_TOKEN: &str = "X_OAUTH2_ACCESS_TOKEN";
    /// The refresh token (with `offline.access`).
    pub const REFRESH_TOKEN: &str = "X_OAUTH2_REFRESH_TOKEN";
    /// The scopes granted, space-separated (X has no introspection: this is the only record).
    pub const SCOPES: &str = "X_OAUTH2_SCOPES";
    /// When the access token expires, in Unix seconds.
    pub const EXPIRES_AT: &str = "X_OAUTH2_EXPIRES_AT";
    /// The registered callback URI (optional).
    pub const REDIRECT_URI: &str = "X_OAUTH2_REDIRECT_URI";
    /// All of them.
    pub const ALL: [&str; 7] = [
        CLIENT_ID,
        CLIENT_SECRET,
        ACCESS_TOKEN,
        REFRESH_TOKEN,
        SCOPES,
        EXPIRES_AT,
        REDIRECT_URI,
    ];
    /// The four a login writes.
    pub const TOKENS: [&str; 4] = [ACCESS_TOKEN, REFRESH_TOKEN, SCOPES, EXPIRES_AT];
}
