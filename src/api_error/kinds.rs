//! Every kind of problem, and its words: the title, the cause, the fix, the chapter and whose side
//! it is on. The enum and [`ProblemKind::ALL`] come from one list, so no kind can be left out of the
//! book's check that every kind points to a section that exists.

use super::Blame;
use crate::chapters::{self, Chapter};

/// Declares a kind enum and, from the same list, its `ALL` and its `name()`, so the compiler keeps the
/// three in step (a kind left out of a hand-kept `ALL` would escape the book's tests).
macro_rules! kinds {
    ($(#[$enum_doc:meta])* $Enum:ident { $($(#[$doc:meta])* $kind:ident = $name:literal,)+ }) => {
        $(#[$enum_doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
        #[non_exhaustive]
        pub enum $Enum {
            $($(#[$doc])* #[serde(rename = $name)] $kind,)+
        }

        impl $Enum {
            /// Every kind, in the order declared, for tables and tests.
            pub const ALL: &'static [$Enum] = &[$($Enum::$kind),+];

            /// Its kebab-case name, as in JSON output and `verify_many`'s results.
            pub fn name(self) -> &'static str {
                match self {
                    $($Enum::$kind => $name,)+
                }
            }
        }
    };
}
// `crate::oauth2::OAuth2Kind` is declared with it too.
pub(crate) use kinds;

kinds! {
    /// What went wrong, as a category a reader can act on.
    ProblemKind {
        /// 401 and the clocks agree: the keys don't belong together, or one was regenerated or revoked.
        KeysRejected = "keys-rejected",
        /// 401 and this machine's clock is off: the signature's timestamp looks stale to X.
        ClockSkew = "clock-skew",
        /// v1.1 code 89: the token was revoked or invalidated.
        TokenRevoked = "token-revoked",
        /// 403 `oauth1-permissions` (v1.1 261/93): the token lacks write or DM permission.
        MissingPermission = "missing-permission",
        /// The token works but carries less access than needed (from `x-access-level`).
        AccessTooLow = "access-too-low",
        /// The Access Token's user id is not the account X answered for.
        TokenAccountMismatch = "token-account-mismatch",
        /// 403 `client-forbidden` / `client-not-enrolled`: the app is not in a Project / Pay-per-use.
        AppNotEnrolled = "app-not-enrolled",
        /// 403 `client-forbidden` / `user-not-enrolled`: the account has no pay-per-use developer account.
        UserNotEnrolled = "user-not-enrolled",
        /// 402 `CreditsDepleted`: the pay-per-use balance is empty or the spending limit is reached.
        CreditsDepleted = "credits-depleted",
        /// 429 `usage-capped`: a monthly or daily usage cap.
        UsageCapped = "usage-capped",
        /// 403 `unsupported-authentication`: the wrong kind of credential for this endpoint.
        UnsupportedAuthentication = "unsupported-authentication",
        /// 403 code 453: a v1.1 endpoint outside your access level.
        V1Unavailable = "v1-unavailable",
        /// 403 duplicate content (v1.1 187).
        DuplicateContent = "duplicate-content",
        /// 429: over the rate limit.
        RateLimited = "rate-limited",
        /// 5xx: X failed or is overloaded.
        ServerError = "server-error",
        /// No answer in time.
        Timeout = "timeout",
        /// The host name didn't resolve.
        Dns = "dns",
        /// The TLS handshake failed.
        Tls = "tls",
        /// Couldn't connect, or the connection broke.
        Connection = "connection",
        /// A redirect: the base URL is probably wrong.
        Redirect = "redirect",
        /// Any other answer that isn't what X sends (HTML, empty, malformed JSON, wrong content type).
        UnexpectedResponse = "unexpected-response",
        /// The base URL is invalid or plain HTTP to another machine.
        BadBaseUrl = "bad-base-url",
        /// 401 on `POST /oauth/request_token` or `/oauth2/token` (403 code 99 there): the API Key and
        /// Secret are wrong.
        AppKeysRejected = "app-keys-rejected",
        /// 401 on `POST /oauth/access_token`: the PIN is wrong, used or expired.
        PinRejected = "pin-rejected",
        /// v1.1 code 415: the callback URL is not one of the app's.
        CallbackNotApproved = "callback-not-approved",
        /// v1.1 code 417: a desktop (PIN) app sent a callback other than `oob`.
        OobRequired = "oob-required",
        /// 401 with a Bearer Token: it is not (or no longer) the app's.
        BearerRejected = "bearer-rejected",
        /// 403 `unsupported-authentication`, "OAuth 1.0a User Context is forbidden": an endpoint that
        /// takes OAuth 2.0 user tokens only (bookmarks).
        Oauth2Only = "oauth2-only",
    }
}

impl ProblemKind {
    /// A short title, e.g. "The token lacks the permission".
    pub fn title(self) -> &'static str {
        use ProblemKind::*;
        match self {
            KeysRejected => "X rejected the keys (401 Unauthorized)",
            ClockSkew => "Your clock is off (401 Unauthorized)",
            TokenRevoked => "The Access Token was revoked",
            MissingPermission => "The Access Token lacks the permission (403 oauth1-permissions)",
            AccessTooLow => "The Access Token's permission is lower than you need",
            TokenAccountMismatch => "The Access Token belongs to another account",
            AppNotEnrolled => "The app is not enrolled (403 client-not-enrolled)",
            UserNotEnrolled => {
                "Your account is not enrolled in Pay-per-use (403 user-not-enrolled)"
            }
            CreditsDepleted => "No credits left (402 CreditsDepleted)",
            UsageCapped => "A usage cap is reached (429 usage-capped)",
            UnsupportedAuthentication => {
                "The wrong kind of credential (403 unsupported-authentication)"
            }
            V1Unavailable => "A v1.1 endpoint outside your access (403 code 453)",
            DuplicateContent => "Duplicate content (403)",
            RateLimited => "Rate limited (429 Too Many Requests)",
            ServerError => "X failed (5xx)",
            Timeout => "X did not answer in time",
            Dns => "The API host name doesn't resolve",
            Tls => "The secure connection failed (TLS)",
            Connection => "Could not connect to X",
            Redirect => "X answered with a redirect",
            UnexpectedResponse => "An answer X doesn't send",
            BadBaseUrl => "The API base URL is wrong",
            AppKeysRejected => "X rejected the API Key and API Key Secret",
            PinRejected => "X refused the PIN (401)",
            CallbackNotApproved => "The callback URL is not approved (code 415)",
            OobRequired => "This app may only use oauth_callback=oob (code 417)",
            BearerRejected => "X rejected the Bearer Token (401)",
            Oauth2Only => {
                "This endpoint takes OAuth 2.0 user tokens only (403 unsupported-authentication)"
            }
        }
    }

    /// The cause, in plain words.
    pub fn explanation(self) -> &'static str {
        use ProblemKind::*;
        match self {
            KeysRejected => "X could not verify the signature. Your clock agrees with X's, so the keys themselves are the cause: the four values don't belong together (an API Key from one app with a token from another), one of them was regenerated since you copied it (regenerating invalidates the old value), the token was revoked, or a value was mis-copied. X answers all of these with the same bare 401.",
            ClockSkew => "Every signature carries a timestamp, and X rejects requests whose timestamp is too far from its own clock. Your computer's clock differs from X's by more than a few minutes, so even correct keys are refused.",
            TokenRevoked => "X says the token is invalid or expired: it was revoked (the account removed the app's access), regenerated (which invalidates the old one), or the app was suspended. Access Tokens don't expire on their own.",
            MissingPermission => "X accepted the keys but refused this request: the Access Token doesn't carry the permission it needs. Tokens keep the permission the app had when they were generated; changing 'App permissions' later does not upgrade existing tokens.",
            AccessTooLow => "X accepted the keys, but the Access Token carries less access than you asked for. Tokens keep the permission the app had when they were generated: the token was made before 'Read and write and Direct message' was saved.",
            TokenAccountMismatch => "The number at the start of an Access Token is the id of the account it acts for, and it differs from the account X answered with. The Access Token in your configuration was probably edited or combined from two tokens.",
            AppNotEnrolled => "The keys are fine, but X refuses requests from this app: it is not attached to a Project with API access, or (since 2026) not moved into the Pay-per-use package and the Production environment.",
            UserNotEnrolled => "The keys are fine, but this request is billed to the account that owns the token, and that account has no developer account enrolled in Pay-per-use.",
            CreditsDepleted => "The keys work, but your pay-per-use balance is empty or your spending limit is reached, so X refuses billed requests. Failed requests are not billed.",
            UsageCapped => "The keys work, but your account reached a usage cap for this period.",
            UnsupportedAuthentication => "This endpoint needs a user's credentials (OAuth 1.0a: the four keys), but the request used another kind, typically the app-only Bearer Token. The Bearer Token can read public data; it can't post, send DMs or call /2/users/me.",
            V1Unavailable => "X no longer offers this v1.1 endpoint at your access level; most v1.1 endpoints are gone except a few (media upload, OAuth).",
            DuplicateContent => "X refuses to post the same text twice from one account. The keys and permissions are fine.",
            RateLimited => "The keys work, but this account made too many requests to this endpoint in the current window. X sends no Retry-After; the window's end is in x-rate-limit-reset.",
            ServerError => "X answered with a server error. This is on X's side, not yours.",
            Timeout => "No answer came within the time allowed. X may be slow, or a firewall or proxy is holding the connection.",
            Dns => "The API host name could not be looked up: no network, a DNS problem, or a typo in X_API_BASE_URL.",
            Tls => "The connection was made but the secure (TLS) handshake failed: often a proxy or antivirus that intercepts HTTPS, or a wrong host in X_API_BASE_URL.",
            Connection => "The connection was refused, reset or broke before a complete answer came.",
            Redirect => "X's API never redirects a correct API URL. The base URL probably points at a web page or the wrong host.",
            UnexpectedResponse => "The answer isn't the JSON X's API sends, so the request probably didn't reach X's API: a proxy, a captive portal, or a wrong X_API_BASE_URL.",
            BadBaseUrl => "The API base URL is invalid, or it uses plain http:// to another machine, which would send signed requests unencrypted.",
            AppKeysRejected => "X could not verify your app's own credentials. This request uses only the API Key and the API Key Secret (no Access Token), so they are the cause: they don't belong together, one of them was regenerated since you copied it (regenerating invalidates the old pair), or one was mis-copied. X answers 401 on /oauth/request_token, and 403 code 99 'Unable to verify your credentials' on /oauth2/token (which it also says when the Bearer Token is asked for too often).",
            PinRejected => "X did not trade the request token and the PIN for an Access Token: the PIN was mistyped, was already used (each PIN works once), or comes from an earlier attempt; or the request token expired before the PIN came back (X doesn't say how long it lasts). X answers all of these with the same 401.",
            CallbackNotApproved => "X refused to start the authorization because the app's callback URL settings don't allow it: X wants at least one callback URL configured for every OAuth 1.0a flow, PIN-based ones included, and a callback sent by the app must match one of them exactly (trailing slash included).",
            OobRequired => "X treats this app as a desktop (PIN-based) app, and those may only send oauth_callback=oob with POST /oauth/request_token; this request sent a callback URL instead.",
            BearerRejected => "X doesn't accept this Bearer Token: it was mis-copied, or regenerated or invalidated since you copied it (an app has one Bearer Token at a time, and invalidating it makes a new one).",
            Oauth2Only => "The keys are fine, but X refuses OAuth 1.0a on this endpoint: \"Authenticating with OAuth 1.0a User Context is forbidden for this endpoint. Supported authentication types are [OAuth 2.0 User Context].\" Bookmarks are such endpoints.",
        }
    }

    /// What to do, step by step, with the portal's labels.
    pub fn fix(self) -> &'static str {
        use ProblemKind::*;
        match self {
            KeysRejected => "In the developer portal open your app → 'Keys and tokens'. Regenerate the 'Access Token and Secret' (and, if you aren't sure they are current, click 'Regenerate' in 'Consumer Keys' too), save all four in .env at once, and run this again.",
            ClockSkew => "Set your computer's clock automatically (enable NTP: `sudo timedatectl set-ntp true` on Linux; Settings → Date & Time → 'Set time automatically' on macOS and Windows), then run this again. The keys may be fine.",
            TokenRevoked => "In the developer portal open your app → 'Keys and tokens' → 'Authentication Tokens' and click 'Regenerate' in 'Access Token and Secret'; save the new pair in .env. For another account's token, authorize the app again (PIN flow).",
            MissingPermission | AccessTooLow => "In the developer portal open your app → 'User authentication settings' → 'Edit'; in 'App permissions' select 'Read and write and Direct message' and 'Save'. Then 'Keys and tokens' → 'Access Token and Secret' → 'Regenerate', and put the new Access Token and Access Token Secret in .env.",
            TokenAccountMismatch => "Copy the 'Access Token' and 'Access Token Secret' again, together, from 'Keys and tokens' → 'Authentication Tokens' (click 'Regenerate' if you no longer have them).",
            AppNotEnrolled => "In the Developer Console (console.x.com) make sure the app belongs to a Project, is in the Pay-per-use package and in the Production environment; then run this again with the same keys.",
            UserNotEnrolled => "Sign in to the Developer Console (console.x.com) with the account that owns the token, create its developer account and enroll it in Pay-per-use.",
            CreditsDepleted => "In the Developer Console (console.x.com) buy credits or raise your spending limit. Don't retry automatically: nothing changes until the balance does.",
            UsageCapped => "Wait for the next billing period or raise the cap in the Developer Console (console.x.com).",
            UnsupportedAuthentication => "Sign this request with OAuth 1.0a (API Key, API Key Secret, Access Token, Access Token Secret) instead of the Bearer Token; keep the Bearer Token for app-only reads such as user lookups.",
            V1Unavailable => "Use the v2 endpoint instead (for example POST /2/tweets rather than /1.1/statuses/update.json, GET /2/users/me rather than /1.1/account/verify_credentials.json).",
            DuplicateContent => "Change the text (a timestamp or counter makes each post unique). Don't retry the same text.",
            RateLimited => "Wait until the reset time shown, then try again; spread your requests out. Verifying keys costs one request of the 75 allowed per 15 minutes.",
            ServerError => "Wait a minute and run this again. If it lasts, check X's status page (https://docs.x.com/status) and the developer community.",
            Timeout => "Run this again. If it keeps happening, check your network, proxy and firewall (HTTPS to api.x.com must be allowed), or raise --timeout.",
            Dns => "Check your network connection and that X_API_BASE_URL is unset or https://api.x.com.",
            Tls => "Check for an HTTPS-intercepting proxy or antivirus; make sure X_API_BASE_URL is https://api.x.com.",
            Connection => "Check your network connection, proxy and firewall, and that X_API_BASE_URL is unset or https://api.x.com; then run this again.",
            Redirect => "Unset X_API_BASE_URL, or set it to https://api.x.com (not a web page such as developer.x.com).",
            UnexpectedResponse => "Unset X_API_BASE_URL or set it to https://api.x.com, and check for a proxy or captive portal (open any web page in a browser).",
            BadBaseUrl => "Unset X_API_BASE_URL or set it to https://api.x.com; plain http:// is only for the sandbox on 127.0.0.1.",
            AppKeysRejected => "In the developer portal open your app → 'Keys and tokens' → 'Consumer Keys' and click 'Regenerate'; save the new 'API Key' and 'API Key Secret' in .env as X_API_KEY and X_API_KEY_SECRET, and run this again. Then verify your Access Tokens too: X doesn't document whether tokens made with the old pair keep working.",
            PinRejected => "Run the PIN flow again from the start: open the new URL it prints while logged in to x.com as the bot account, click 'Authorize app', and type the new PIN right away.",
            CallbackNotApproved => "In the developer portal open your app → 'User authentication settings' → 'Edit'; in 'Callback URI / Redirect URL' enter a URL you own (https://…; for local development http://127.0.0.1, not localhost) and 'Save'. A PIN-based bot still sends oauth_callback=oob; the setting only has to exist.",
            OobRequired => "Send oauth_callback=oob with POST /oauth/request_token (with reqwest-oauth1: OAuthParameters::new().callback(\"oob\")) and let the user type the PIN; a web callback needs an app set up as 'Web App, Automated App or Bot' with that callback URL.",
            BearerRejected => "Copy the Bearer Token again from 'Keys and tokens' → 'Bearer Token' (click 'Regenerate' if you no longer have it) into X_BEARER_TOKEN, or remove X_BEARER_TOKEN and get the current one from the API Key and Secret with POST /oauth2/token (the bearer_lookup example does it).",
            Oauth2Only => "Call it with an OAuth 2.0 user token instead (Authorization: Bearer, with the scopes it needs, e.g. bookmark.write): get one with `cargo run --example oauth2_login`.",
        }
    }

    /// The chapter and section that explain it.
    pub fn chapter(self) -> Chapter {
        use ProblemKind::*;
        let file = match self {
            KeysRejected => "troubleshooting.md#401-unauthorized-the-keys-dont-match",
            ClockSkew => "troubleshooting.md#401-unauthorized-your-clock-is-off",
            TokenRevoked => "troubleshooting.md#the-token-was-revoked",
            MissingPermission | AccessTooLow => {
                "troubleshooting.md#403-oauth1-permissions-the-token-lacks-the-permission"
            }
            TokenAccountMismatch => "troubleshooting.md#the-token-belongs-to-another-account",
            AppNotEnrolled => "troubleshooting.md#403-client-not-enrolled",
            UserNotEnrolled => "troubleshooting.md#403-user-not-enrolled",
            CreditsDepleted => "troubleshooting.md#402-creditsdepleted",
            UsageCapped => "troubleshooting.md#429-too-many-requests",
            UnsupportedAuthentication => "troubleshooting.md#403-unsupported-authentication",
            V1Unavailable => "troubleshooting.md#403-code-453-v11-not-available",
            DuplicateContent => "troubleshooting.md#403-duplicate-content",
            RateLimited => "troubleshooting.md#429-too-many-requests",
            ServerError => "troubleshooting.md#5xx-x-failed",
            Timeout | Dns | Tls | Connection | Redirect | UnexpectedResponse | BadBaseUrl => {
                "troubleshooting.md#network-problems"
            }
            AppKeysRejected => "troubleshooting.md#the-api-key-and-secret-are-rejected",
            PinRejected => "troubleshooting.md#the-pin-is-rejected",
            CallbackNotApproved => "troubleshooting.md#403-code-415-callback-url-not-approved",
            OobRequired => "troubleshooting.md#401-code-417-only-oob-is-allowed",
            BearerRejected => "troubleshooting.md#401-with-the-bearer-token",
            Oauth2Only => "troubleshooting.md#403-oauth2-only",
        };
        Chapter {
            title: chapters::TROUBLESHOOTING.title,
            file,
        }
    }

    /// The Part I chapter where the fix is clicked, if the fix is in the portal.
    pub fn guide_step(self) -> Option<Chapter> {
        use ProblemKind::*;
        match self {
            KeysRejected | TokenRevoked | TokenAccountMismatch => Some(chapters::GET_ACCESS_TOKEN),
            MissingPermission | AccessTooLow => Some(chapters::CONFIGURE_ACCESS),
            AppNotEnrolled | UserNotEnrolled => Some(chapters::REGISTER_A_PROJECT),
            AppKeysRejected => Some(chapters::GET_API_KEY),
            PinRejected | OobRequired => Some(chapters::TOKENS_FOR_A_BOT),
            CallbackNotApproved => Some(chapters::CONFIGURE_ACCESS),
            BearerRejected => Some(chapters::BEARER_TOKEN),
            Oauth2Only => Some(chapters::OAUTH2),
            _ => None,
        }
    }

    /// Whose side it is on.
    pub fn blame(self) -> Blame {
        use ProblemKind::*;
        match self {
            RateLimited | ServerError | Timeout | Dns | Tls | Connection | Redirect
            | UnexpectedResponse => Blame::Network,
            _ => Blame::Setup,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_words_and_a_chapter() {
        for kind in ProblemKind::ALL {
            assert!(
                !kind.title().is_empty() && kind.explanation().len() > 40 && kind.fix().len() > 20
            );
            assert!(kind.chapter().file.starts_with("troubleshooting.md#"));
        }
    }

    #[test]
    fn all_lists_every_kind_once() {
        let names: std::collections::BTreeSet<String> = ProblemKind::ALL
            .iter()
            .map(|k| serde_json::to_string(k).unwrap())
            .collect();
        assert_eq!(names.len(), ProblemKind::ALL.len());
        assert_eq!(ProblemKind::ALL.len(), 28);
        assert_eq!(ProblemKind::ALL[0], ProblemKind::KeysRejected);
        // Each name is its variant's in kebab-case, and the JSON says the same.
        for kind in ProblemKind::ALL {
            let mut kebab = String::new();
            for (i, c) in format!("{kind:?}").chars().enumerate() {
                if c.is_ascii_uppercase() && i > 0 {
                    kebab.push('-');
                }
                kebab.push(c.to_ascii_lowercase());
            }
            assert_eq!(kind.name(), kebab);
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
        }
        assert_eq!(ProblemKind::V1Unavailable.name(), "v1-unavailable");
    }
}
