//! What can go wrong in the OAuth 2.0 flow, in plain words: what happened, why, what to do, and
//! the section of the book that explains it. The network and X's own failures (timeouts, 5xx, 429,
//! an HTML page instead of JSON) are explained by [`crate::api_error`], as for every other call.
//!
//! X's error texts are from public reports (each kind names its source in the book's section);
//! where X's answer is unconfirmed, the words say what it usually means and the sandbox decides.

use std::fmt;

use crate::api_error::kinds::kinds;
use crate::api_error::ApiFailure;
use crate::chapters::{self, Chapter};
use crate::client::reason_phrase;

kinds! {
    /// What went wrong in the OAuth 2.0 flow, as a category a reader can act on.
    OAuth2Kind {
        /// The redirect carried `error=access_denied`: the account clicked 'Cancel'.
        AccessDenied = "oauth2-access-denied",
        /// The redirect carried another `error`.
        AuthorizeRefused = "oauth2-authorize-refused",
        /// The redirect's `state` is not the one this login sent (or is missing).
        StateMismatch = "oauth2-state-mismatch",
        /// The redirect has the right `state` but no `code`.
        NoCode = "oauth2-no-code",
        /// What was pasted is not the redirect: no `state` or `code`, or another page (X's own).
        NotARedirect = "oauth2-not-a-redirect",
        /// No redirect came to the listener in time (X showed its failure page, or nobody clicked).
        NoRedirect = "oauth2-no-redirect",
        /// The callback port is taken by another program.
        PortInUse = "oauth2-port-in-use",
        /// The redirect URI can't be served here (not `http://127.0.0.1:PORT/…`).
        RedirectUriUnusable = "oauth2-redirect-uri-unusable",
        /// `invalid_request` "…code verifier did not match the code challenge.", or no verifier.
        VerifierMismatch = "oauth2-verifier-mismatch",
        /// `invalid_request` "Value passed for the authorization code was invalid.": used, stale or foreign.
        CodeInvalid = "oauth2-code-invalid",
        /// 401 `unauthorized_client` "Missing valid authorization header": a confidential client without
        /// its Client Secret (or a public client's flow against a confidential app).
        ClientSecretMissing = "oauth2-client-secret-missing",
        /// 401 (or `invalid_client`) with a Client Secret sent: the Client ID and Secret don't match.
        ClientRejected = "oauth2-client-rejected",
        /// The refresh token was refused (already used: they rotate; revoked; or expired).
        RefreshRejected = "oauth2-refresh-rejected",
        /// Any other refusal of the token or revoke endpoint: X's words are shown.
        TokenRefused = "oauth2-token-refused",
        /// 403 Forbidden to a call with a user token: the token lacks a scope the call needs.
        MissingScope = "oauth2-missing-scope",
        /// 401 to a call with a user token past its expiry: it expired (they live 2 hours).
        TokenExpired = "oauth2-token-expired",
        /// 401 to a call with a user token before its expiry: it was revoked (by the account or the app).
        TokenRevoked = "oauth2-token-revoked",
        /// 403 to an OAuth 2.0 user token on a v1.1 endpoint: OAuth 2.0 works with v2 only.
        V1NeedsOAuth1 = "oauth2-v1-needs-oauth1",
    }
}

impl OAuth2Kind {
    /// A short title.
    pub fn title(self) -> &'static str {
        use OAuth2Kind::*;
        match self {
            AccessDenied => "The account did not authorize the app (access_denied)",
            AuthorizeRefused => "X refused the authorization",
            StateMismatch => "The redirect is not this login's answer (state mismatch)",
            NoCode => "The redirect has no code",
            NotARedirect => "That is not the redirect URL",
            NoRedirect => "No redirect came back from X",
            PortInUse => "The callback port is in use",
            RedirectUriUnusable => "The redirect URI can't be served on this machine",
            VerifierMismatch => "X refused the code_verifier (invalid_request)",
            CodeInvalid => "X refused the authorization code (invalid_request)",
            ClientSecretMissing => "X wants the Client Secret (401 unauthorized_client)",
            ClientRejected => "X rejected the Client ID and Client Secret",
            RefreshRejected => "X refused the refresh token",
            TokenRefused => "X refused the token request",
            MissingScope => "The token lacks a scope it needs (X answers 403 Forbidden)",
            TokenExpired => "The OAuth 2.0 token expired (401 Unauthorized)",
            TokenRevoked => "The OAuth 2.0 token was revoked (401 Unauthorized)",
            V1NeedsOAuth1 => "OAuth 2.0 tokens don't work on v1.1 (403)",
        }
    }

    /// The cause, in plain words.
    pub fn explanation(self) -> &'static str {
        use OAuth2Kind::*;
        match self {
            AccessDenied => "The account's owner clicked 'Cancel' on X's authorization page, so X sent the browser back with error=access_denied and no code. (X doesn't document this redirect; it is what OAuth 2.0 servers send, and what the sandbox sends.)",
            AuthorizeRefused => "X sent the browser back with an error instead of a code: the authorization request itself was refused (for example a scope X doesn't know).",
            StateMismatch => "Every login sends a random state and X sends it back unchanged. This redirect carries another state (or none): it answers an earlier login or another program's, or the URL was edited. Accepting it could let someone else's code into your app (a CSRF attack), so it is refused.",
            NoCode => "The redirect came back with the right state but without the code that the token exchange needs; the URL was probably cut when it was copied.",
            NotARedirect => "The redirect URL is the address the browser shows after you click 'Authorize': your redirect URI with ?state=…&code=… added. What was pasted is not that. If the browser is still on X's page (x.com/i/oauth2/authorize), X did not send it back: it shows 'Something went wrong — You weren't able to give access to the App' when the Client ID is wrong or the redirect URI is not registered for the app.",
            NoRedirect => "Nothing came back to the redirect URI in time. Either nobody clicked 'Authorize', or X showed its failure page ('Something went wrong — You weren't able to give access to the App'), which it does without redirecting when the Client ID is wrong or the redirect URI is not one of the app's callback URLs, exactly as registered (scheme, 127.0.0.1 rather than localhost, port, path and trailing slash).",
            PortInUse => "Another program is listening on the redirect URI's port on 127.0.0.1, so the login can't receive X's redirect there (another run of this login still waiting, or a development server).",
            RedirectUriUnusable => "To receive the redirect on this machine, the redirect URI must be http://127.0.0.1:PORT/PATH: X's docs ask for 127.0.0.1 rather than localhost for local work, and a listener here can't serve https:// or another host.",
            VerifierMismatch => "With PKCE, the authorize URL carries a code_challenge (the SHA-256 of a random code_verifier) and the token exchange must send that very code_verifier. X got another one, or none: the verifier of an earlier login, or one that was lost between the two steps. X's answer: \"Value passed for the code verifier did not match the code challenge.\"",
            CodeInvalid => "X did not accept the authorization code: \"Value passed for the authorization code was invalid.\" A code works once and only for 30 seconds, and only with the redirect URI and Client ID of its own login. It was used already (a second exchange of the same code), it expired, or it comes from another login.",
            ClientSecretMissing => "The app is a confidential client ('Web App, Automated App or Bot' in 'Type of App'), and X wants those to authenticate with their Client ID and Client Secret in an Authorization: Basic header. This request had no such header: X_CLIENT_SECRET is not set, so the flow ran as a public client. X's answer: \"Missing valid authorization header\".",
            ClientRejected => "X did not accept the app's credentials: the Client ID and Client Secret don't belong together, the secret was regenerated since you copied it, or one was mis-copied. (X's exact answer to a wrong secret is unconfirmed.)",
            RefreshRejected => "X did not trade the refresh token for a new access token. Refresh tokens rotate: each refresh returns a new one and the old one stops working, so the one you sent was already used (by an earlier refresh, maybe one whose answer never reached you), was revoked, or has expired. X answers 400 (its exact wording is unconfirmed).",
            TokenRefused => "X refused the request to its token endpoint with the error shown. X documents few of these answers: an expired code, a redirect_uri other than the authorize URL's, or a wrong grant_type are the usual causes.",
            MissingScope => "The token was granted without a scope that the calls you need require. Used for one of them, it gets a bare 403 \"Forbidden\" with no hint which scope is missing, and X has no endpoint to ask what a token carries: the scope list saved at login (X_OAUTH2_SCOPES) is the only record. Scopes are fixed when the account authorizes: a token never gains one.",
            TokenExpired => "X did not accept the OAuth 2.0 token: access tokens live 2 hours, and this one is past its time (X_OAUTH2_EXPIRES_AT). X's body for an expired token is unconfirmed: a bare 401.",
            TokenRevoked => "X did not accept the OAuth 2.0 token although its 2 hours are not over: it was revoked, by the account (x.com/settings/connected_apps) or by the app (POST /2/oauth2/revoke), or a newer login of the same app and account replaced it.",
            V1NeedsOAuth1 => "X's docs: \"OAuth 2.0 can be used with the X API v2 only\". The v1.1 endpoints that remain (media upload among them) refuse an OAuth 2.0 user token with a 403; they take OAuth 1.0a (the four keys).",
        }
    }

    /// What to do.
    pub fn fix(self) -> &'static str {
        use OAuth2Kind::*;
        match self {
            AccessDenied => "Run the login again and click 'Authorize' this time, logged in as the account the bot acts for. Check the scopes on the page first: they are what the app asked for with --scopes.",
            AuthorizeRefused => "Check the error shown; for a scope error, ask only for X's scopes (--scopes, see the list in the chapter), then run the login again.",
            StateMismatch => "Start a new login and use only its own redirect: open the URL this run prints (not an older one from your history), click 'Authorize', and paste (or let it receive) the address the browser then shows.",
            NoCode => "Copy the whole address from the browser's address bar after clicking 'Authorize', from http:// to the end, and paste it again; or run the login again.",
            NotARedirect => "Paste the address the browser shows after 'Authorize' (it starts with your redirect URI). If X showed 'Something went wrong', register the redirect URI printed above in the app's 'User authentication settings' → 'Callback URI / Redirect URL' (exactly, e.g. http://127.0.0.1:8765/callback) and check X_CLIENT_ID, then run the login again.",
            NoRedirect => "If X showed 'Something went wrong', register the redirect URI printed above in the app's 'User authentication settings' → 'Callback URI / Redirect URL', exactly, and check that X_CLIENT_ID is the app's 'Client ID'. Then run the login again, and click 'Authorize' within the time allowed (or use --headless and paste the address).",
            PortInUse => "Stop the other program (or the other login), or pick a free port: register http://127.0.0.1:OTHERPORT/callback in the app's 'Callback URI / Redirect URL' and set X_OAUTH2_REDIRECT_URI to it. --headless needs no listener at all.",
            RedirectUriUnusable => "Set X_OAUTH2_REDIRECT_URI to http://127.0.0.1:8765/callback (or another port), registered exactly so in the app's 'Callback URI / Redirect URL'; or use --headless and paste the redirect, which works with any registered URI.",
            VerifierMismatch => "Run the login again from the start and exchange the code with the code_verifier made for that same authorize URL (with the oauth2 crate: the PkceCodeVerifier returned by PkceCodeChallenge::new_random_sha256() with the challenge you put in the URL).",
            CodeInvalid => "Run the login again, and exchange the new code right away and only once. Don't retry an exchange that timed out: start a new login instead.",
            ClientSecretMissing => "Set X_CLIENT_SECRET to the app's 'Client Secret' (shown with the 'Client ID' in 'Keys and tokens'; regenerate it there if you no longer have it) and run the login again. Keep it out of any code that runs in a browser or on a phone: those need a public client ('Native App' or 'Single page App', which have no secret).",
            ClientRejected => "Copy the 'Client ID' and 'Client Secret' again from the app's 'Keys and tokens' (regenerate the secret if you no longer have it) into X_CLIENT_ID and X_CLIENT_SECRET; an app of type 'Native App' or 'Single page App' has no secret: then leave X_CLIENT_SECRET unset.",
            RefreshRejected => "Log in again (run oauth2_login) to get a new pair, and from then on save the new refresh token X returns on every refresh before you use the access token. Never refresh the same token from two places, and don't retry a refresh whose answer was lost.",
            TokenRefused => "Run the login again from the start; if it keeps failing, compare the request with the chapter's program (the redirect_uri must be the authorize URL's, exactly).",
            MissingScope => "Log in again with the scopes the call needs (oauth2_login --scopes \"…\", see the chapter's table); the new token replaces the old one in .env.",
            TokenExpired => "Refresh the token (with offline.access: the refresh program in the chapter), then save the new pair; without a refresh token, or if X refuses it, log in again (cargo run --example oauth2_login).",
            TokenRevoked => "Log in again (cargo run --example oauth2_login): a revoked token can't be refreshed back. If the account removed the app, it must authorize it again.",
            V1NeedsOAuth1 => "Use the v2 endpoint (for media, POST /2/media/upload with the media.write scope), or sign this request with OAuth 1.0a and the four keys.",
        }
    }

    /// The section of the book that explains it.
    pub fn chapter(self) -> Chapter {
        use OAuth2Kind::*;
        let file = match self {
            AccessDenied | AuthorizeRefused => "troubleshooting.md#oauth2-access-denied",
            StateMismatch | NoCode => "troubleshooting.md#oauth2-state-mismatch",
            NotARedirect | NoRedirect => "troubleshooting.md#oauth2-failure-page",
            PortInUse | RedirectUriUnusable => "troubleshooting.md#oauth2-port-in-use",
            VerifierMismatch => "troubleshooting.md#oauth2-code-verifier",
            CodeInvalid | TokenRefused => "troubleshooting.md#oauth2-code-invalid",
            ClientSecretMissing | ClientRejected => "troubleshooting.md#oauth2-unauthorized-client",
            RefreshRejected => "troubleshooting.md#oauth2-refresh-rejected",
            MissingScope => "troubleshooting.md#oauth2-missing-scope",
            TokenExpired | TokenRevoked => "troubleshooting.md#oauth2-token-expired",
            V1NeedsOAuth1 => "troubleshooting.md#oauth2-v1-refused",
        };
        Chapter {
            title: chapters::TROUBLESHOOTING.title,
            file,
        }
    }
}

/// A failure of the flow that is about OAuth 2.0 itself, with what X said. Never holds a secret.
#[derive(Clone, Debug)]
pub struct FlowFailure {
    /// What failed, e.g. `POST https://api.x.com/2/oauth2/token (authorization code)`.
    pub step: String,
    /// The category.
    pub kind: OAuth2Kind,
    /// The HTTP status, when X answered.
    pub status: Option<u16>,
    /// X's `error` and `error_description`, or a detail of ours, in one line (never a secret).
    pub says: Option<String>,
    /// The sandbox's explanation, when talking to it.
    pub sandbox_explain: Option<String>,
}

impl FlowFailure {
    /// A failure of this kind at this step, with nothing more said.
    pub fn new(step: impl Into<String>, kind: OAuth2Kind) -> Self {
        Self {
            step: step.into(),
            kind,
            status: None,
            says: None,
            sandbox_explain: None,
        }
    }

    /// The same, with a detail (X's words or ours).
    pub fn saying(mut self, says: impl Into<String>) -> Self {
        self.says = Some(says.into());
        self
    }
}

impl FlowFailure {
    /// The kind's title, cause, fix and sections, as a report's block (no final newline).
    pub fn explain(&self) -> String {
        let kind = self.kind;
        format!(
            "✘ {}\n  Why:   {}\n  Fix:   {}\n  See:   {}; the flow: {}",
            kind.title(),
            kind.explanation(),
            kind.fix(),
            kind.chapter(),
            chapters::OAUTH2,
        )
    }

    /// The status and what was said, without the step, e.g. `401 Unauthorized: …`.
    pub fn what(&self) -> String {
        match (self.status, &self.says) {
            (Some(s), Some(says)) => format!("{s} {}: {says}", reason_phrase(s)),
            (Some(s), None) => format!("{s} {}", reason_phrase(s)),
            (None, Some(says)) => says.clone(),
            (None, None) => self.kind.title().to_string(),
        }
    }
}

impl fmt::Display for FlowFailure {
    /// The step, then the status and what was said, in one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.step)?;
        match (self.status, &self.says) {
            (Some(s), Some(says)) => write!(f, ": {s} {}: {says}", reason_phrase(s)),
            (Some(s), None) => write!(f, ": {s} {}", reason_phrase(s)),
            (None, Some(says)) => write!(f, ": {says}"),
            (None, None) => write!(f, ": {}", self.kind.title()),
        }
    }
}

/// Why an OAuth 2.0 step failed: about OAuth 2.0 itself ([`FlowFailure`]), or the network and X
/// failing as any call can ([`ApiFailure`]).
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OAuth2Error {
    /// The flow itself: state, code, verifier, client, scopes, the listener.
    #[error("{0}")]
    Flow(Box<FlowFailure>),
    /// No answer, X failing, or an answer X doesn't send.
    #[error("{0}")]
    Api(Box<ApiFailure>),
}

impl From<FlowFailure> for OAuth2Error {
    fn from(failure: FlowFailure) -> Self {
        OAuth2Error::Flow(Box::new(failure))
    }
}

impl From<ApiFailure> for OAuth2Error {
    fn from(failure: ApiFailure) -> Self {
        OAuth2Error::Api(Box::new(failure))
    }
}

impl OAuth2Error {
    /// The OAuth 2.0 kind, when it is one (not a network or X failure).
    pub fn kind(&self) -> Option<OAuth2Kind> {
        match self {
            OAuth2Error::Flow(f) => Some(f.kind),
            OAuth2Error::Api(_) => None,
        }
    }

    /// What failed, the cause, the fix and the chapter: what an example prints (to stderr).
    pub fn report(&self) -> String {
        let failure = match self {
            OAuth2Error::Api(api) => return api.report(),
            OAuth2Error::Flow(failure) => failure,
        };
        let mut text = format!("✘ {failure}\n\n{}", failure.explain());
        if let Some(explain) = &failure.sandbox_explain {
            text.push_str(&format!("\n\n  The sandbox explains: {explain}"));
        }
        text
    }

    /// The status and what X said, in one line, without the request.
    pub fn what(&self) -> String {
        match self {
            OAuth2Error::Flow(f) => f.what(),
            OAuth2Error::Api(api) => api.what(),
        }
    }

    /// The examples' exit status: 1 for the setup or the flow, 2 for the network or X.
    pub fn exit_code(&self) -> u8 {
        match self {
            OAuth2Error::Flow(_) => 1,
            OAuth2Error::Api(api) => api.exit_code(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_words_and_a_troubleshooting_section() {
        for kind in OAuth2Kind::ALL {
            assert!(
                kind.title().len() > 10 && kind.explanation().len() > 80 && kind.fix().len() > 40
            );
            assert!(
                kind.chapter()
                    .file
                    .starts_with("troubleshooting.md#oauth2-"),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn a_report_says_what_why_fix_and_where() {
        let mut failure = FlowFailure::new(
            "POST http://127.0.0.1:1/2/oauth2/token",
            OAuth2Kind::CodeInvalid,
        )
        .saying("invalid_request: Value passed for the authorization code was invalid.");
        failure.status = Some(400);
        let report = OAuth2Error::from(failure).report();
        assert!(
            report.starts_with("✘ POST http://127.0.0.1:1/2/oauth2/token: 400 Bad Request: invalid_request: Value passed"),
            "{report}"
        );
        assert!(
            report.contains("\n  Fix:   Run the login again"),
            "{report}"
        );
        assert!(
            report.contains("book/troubleshooting.md#oauth2-code-invalid"),
            "{report}"
        );
    }
}
