//! The OAuth 2.0 part of [`SandboxConfig`]: callback URLs, and the behaviours X does not
//! document, each with the default the sandbox picked and why.

use std::time::Duration;

use super::SandboxConfig;

impl SandboxConfig {
    /// Registers one more callback URL for every demo app, matched exactly (they all have
    /// [`DEMO_REDIRECT_URI`](crate::DEMO_REDIRECT_URI)): e.g. the one your bot's login listens on.
    pub fn callback_url(mut self, url: impl Into<String>) -> SandboxConfig {
        self.demo_callback_urls.push(url.into());
        self
    }

    /// How long an unused refresh token lives (default 183 days). "Six months" comes only from
    /// an X DevRel blog post; X documents no lifetime.
    pub fn oauth2_refresh_lifetime(mut self, lifetime: Duration) -> SandboxConfig {
        self.settings.oauth2.refresh_lifetime = lifetime;
        self
    }

    /// Whether Cancel on the consent page sends the user back with
    /// `error=access_denied&state=...` (default yes, as RFC 6749 §4.1.2.1 says) or shows a page
    /// and sends nothing. X's answer to a refusal is unconfirmed.
    pub fn oauth2_cancel_redirects(mut self, redirects: bool) -> SandboxConfig {
        self.settings.oauth2.cancel_redirects = redirects;
        self
    }

    /// Whether an authorize request without `state` gets the failure page (default yes: X's
    /// docs list it among the parameters to send). Whether X requires it is unconfirmed.
    pub fn oauth2_require_state(mut self, required: bool) -> SandboxConfig {
        self.settings.oauth2.require_state = required;
        self
    }

    /// Whether `code_challenge_method=s256` (lower case, as twitter-api-v2 and X's own
    /// TypeScript SDK send it) counts as `S256` (default yes: those clients work against X,
    /// which X does not document).
    pub fn oauth2_lowercase_s256(mut self, accepted: bool) -> SandboxConfig {
        self.settings.oauth2.lowercase_s256 = accepted;
        self
    }

    /// Whether `/2/oauth2/token` and `/2/oauth2/revoke` read their parameters from a JSON body
    /// (twitter-api-v2) and from the query string (X's TypeScript SDK) as well as from the
    /// form body X documents (default yes: those clients work against X; undocumented).
    pub fn oauth2_json_and_query_params(mut self, accepted: bool) -> SandboxConfig {
        self.settings.oauth2.json_and_query = accepted;
        self
    }

    /// Whether a refresh also revokes the access token issued with the old refresh token
    /// (default no: it lives out its 2 hours). Unconfirmed.
    pub fn oauth2_refresh_revokes_access(mut self, revokes: bool) -> SandboxConfig {
        self.settings.oauth2.refresh_revokes_access = revokes;
        self
    }

    /// Whether revoking an access token also revokes its refresh token (default no). Revoking
    /// a refresh token always revokes its access token (RFC 7009 §2.1's "SHOULD"). Unconfirmed.
    pub fn oauth2_revoke_whole_grant(mut self, whole: bool) -> SandboxConfig {
        self.settings.oauth2.revoke_whole_grant = whole;
        self
    }

    /// Whether presenting a spent refresh token revokes every token refreshed from the same
    /// first one (default no). Only a third-party report claims X does so.
    pub fn oauth2_reuse_revokes_family(mut self, revokes: bool) -> SandboxConfig {
        self.settings.oauth2.reuse_revokes_family = revokes;
        self
    }
}
