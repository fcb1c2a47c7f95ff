//! X's answers, explained: every failure in FACTS §3 and §7 classified into a [`Problem`] with the
//! cause in plain words, what to click, the chapter, and whether trying again can help.
//!
//! Problem `type` URIs are matched by suffix, so both `https://api.x.com/2/problems/…` and
//! `https://api.twitter.com/2/problems/…` work (FACTS §0.6, §3.1); bodies are never byte-compared.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

use crate::chapters::{self, Chapter};
use crate::client::{ApiResponse, ClientError};

/// Beyond this many seconds between your clock and X's, a 401 is blamed on the clock. X publishes no
/// window (FACTS §3.5); 300 s is the common OAuth server default and the sandbox's.
pub const CLOCK_TOLERANCE_SECS: i64 = 300;

/// What went wrong, as a category a reader can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// 401 and the clocks agree: the keys don't belong together, or one was regenerated or revoked.
    KeysRejected,
    /// 401 and this machine's clock is off: the signature's timestamp looks stale to X.
    ClockSkew,
    /// v1.1 code 89: the token was revoked or invalidated.
    TokenRevoked,
    /// 403 `oauth1-permissions` (v1.1 261/93): the token lacks write or DM permission.
    MissingPermission,
    /// The token works but carries less access than needed (from `x-access-level`).
    AccessTooLow,
    /// The Access Token's user id is not the account X answered for.
    TokenAccountMismatch,
    /// 403 `client-forbidden` / `client-not-enrolled`: the app is not in a Project / Pay-per-use.
    AppNotEnrolled,
    /// 403 `client-forbidden` / `user-not-enrolled`: the account has no pay-per-use developer account.
    UserNotEnrolled,
    /// 402 `CreditsDepleted`: the pay-per-use balance is empty or the spending limit is reached.
    CreditsDepleted,
    /// 429 `usage-capped`: a monthly or daily usage cap.
    UsageCapped,
    /// 403 `unsupported-authentication`: the wrong kind of credential for this endpoint.
    UnsupportedAuthentication,
    /// 403 code 453: a v1.1 endpoint outside your access level.
    V1Unavailable,
    /// 403 duplicate content (v1.1 187).
    DuplicateContent,
    /// 429: over the rate limit.
    RateLimited,
    /// 5xx: X failed or is overloaded.
    ServerError,
    /// No answer in time.
    Timeout,
    /// The host name didn't resolve.
    Dns,
    /// The TLS handshake failed.
    Tls,
    /// Couldn't connect, or the connection broke.
    Connection,
    /// A redirect: the base URL is probably wrong.
    Redirect,
    /// Any other answer that isn't what X sends (HTML, empty, malformed JSON, wrong content type).
    UnexpectedResponse,
    /// The base URL is invalid or plain HTTP to another machine.
    BadBaseUrl,
    /// 401 on `POST /oauth/request_token` or `/oauth2/token` (403 code 99 there): the API Key and
    /// Secret are wrong.
    AppKeysRejected,
    /// 401 on `POST /oauth/access_token`: the PIN is wrong, used or expired.
    PinRejected,
    /// v1.1 code 415: the callback URL is not one of the app's.
    CallbackNotApproved,
    /// v1.1 code 417: a desktop (PIN) app sent a callback other than `oob`.
    OobRequired,
    /// 401 with a Bearer Token: it is not (or no longer) the app's.
    BearerRejected,
}

/// Whose side a problem is on; decides `verify_keys`' exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Blame {
    /// The keys or the app's setup (exit 1).
    Setup,
    /// The network or X itself (exit 2).
    Network,
}

impl Blame {
    /// The examples' exit status for it: 1 for the setup, 2 for the network or X.
    pub fn exit_code(self) -> u8 {
        match self {
            Blame::Setup => 1,
            Blame::Network => 2,
        }
    }
}

/// Whether trying again can help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "when")]
pub enum Retry {
    /// Not until something is fixed.
    No,
    /// Yes, after the rate-limit window resets (Unix seconds).
    AfterReset {
        /// When, in Unix seconds.
        reset: Option<u64>,
    },
    /// Yes, in a little while (X-side or network trouble).
    Later,
}

impl ProblemKind {
    /// Every kind, for tables and tests.
    pub const ALL: [ProblemKind; 27] = {
        use ProblemKind::*;
        [
            KeysRejected,
            ClockSkew,
            TokenRevoked,
            MissingPermission,
            AccessTooLow,
            TokenAccountMismatch,
            AppNotEnrolled,
            UserNotEnrolled,
            CreditsDepleted,
            UsageCapped,
            UnsupportedAuthentication,
            V1Unavailable,
            DuplicateContent,
            RateLimited,
            ServerError,
            Timeout,
            Dns,
            Tls,
            Connection,
            Redirect,
            UnexpectedResponse,
            BadBaseUrl,
            AppKeysRejected,
            PinRejected,
            CallbackNotApproved,
            OobRequired,
            BearerRejected,
        ]
    };

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

/// A classified failure: what X (or the network) said and what it means.
#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    /// The category.
    pub kind: ProblemKind,
    /// The HTTP status, when X answered.
    pub status: Option<u16>,
    /// X's problem `type`, `title`, `detail`, `reason` or v1.1 code, in one line (never a secret).
    pub x_says: Option<String>,
    /// Whether trying again can help.
    pub retry: Retry,
}

impl Problem {
    /// A problem with no X answer behind it.
    pub fn new(kind: ProblemKind) -> Self {
        let retry = default_retry(kind, None);
        Self {
            kind,
            status: None,
            x_says: None,
            retry,
        }
    }
}

fn default_retry(kind: ProblemKind, reset: Option<u64>) -> Retry {
    match kind {
        ProblemKind::RateLimited | ProblemKind::UsageCapped => Retry::AfterReset { reset },
        k if k.blame() == Blame::Network => Retry::Later,
        _ => Retry::No,
    }
}

/// The parts of an error body that classification reads.
#[derive(Default, Debug)]
struct Body {
    kind: Option<String>,
    title: Option<String>,
    detail: Option<String>,
    reason: Option<String>,
    codes: Vec<i64>,
    messages: Vec<String>,
}

fn parse_body(text: &str) -> Option<Body> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let obj = v.as_object()?;
    let s = |k: &str| obj.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let mut body = Body {
        kind: s("type"),
        title: s("title"),
        detail: s("detail"),
        reason: s("reason"),
        ..Body::default()
    };
    if let Some(errors) = obj.get("errors").and_then(|e| e.as_array()) {
        for e in errors {
            if let Some(code) = e.get("code").and_then(|c| c.as_i64()) {
                body.codes.push(code);
            }
            if let Some(m) = e.get("message").and_then(|m| m.as_str()) {
                body.messages.push(m.to_string());
            }
            // Problem objects inside errors[] (partial errors, X's playground envelope).
            if body.kind.is_none() {
                body.kind = e.get("type").and_then(|t| t.as_str()).map(str::to_string);
                body.detail = body
                    .detail
                    .or_else(|| e.get("detail").and_then(|t| t.as_str()).map(str::to_string));
            }
        }
    }
    Some(body)
}

/// Whether a problem `type` URI ends with this name (`…/2/problems/<name>`), on either host.
pub fn type_is(kind: Option<&str>, name: &str) -> bool {
    kind.is_some_and(|k| {
        k.strip_suffix(name)
            .is_some_and(|rest| rest.ends_with("/problems/") || rest.is_empty())
    })
}

/// Classifies an HTTP answer that is not a success. `clock_skew` (X's clock minus yours, seconds)
/// decides between a bad clock and bad keys on 401.
pub fn classify_response(response: &ApiResponse) -> Problem {
    let status = response.status;
    let parsed = parse_body(&response.body);
    let body = parsed.as_ref();
    let kind_str = body.and_then(|b| b.kind.as_deref());
    let has_code = |c: i64| body.is_some_and(|b| b.codes.contains(&c));
    let detail_has = |needle: &str| {
        body.is_some_and(|b| {
            b.detail
                .as_deref()
                .is_some_and(|d| d.to_ascii_lowercase().contains(needle))
                || b.messages
                    .iter()
                    .any(|m| m.to_ascii_lowercase().contains(needle))
        })
    };
    let skew_bad = response
        .clock_skew()
        .is_some_and(|s| s.abs() > CLOCK_TOLERANCE_SECS);
    let json = response
        .content_type
        .as_deref()
        .is_some_and(|c| c.to_ascii_lowercase().contains("json"));

    use ProblemKind::*;
    let kind = if (300..400).contains(&status) {
        Redirect
    } else if status >= 500 {
        ServerError
    } else if status == 402
        || body.is_some_and(|b| b.title.as_deref() == Some("CreditsDepleted"))
        || type_is(kind_str, "credits")
        || type_is(kind_str, "credits-depleted")
    {
        CreditsDepleted
    } else if body.is_none() || !json {
        // HTML error pages, empty bodies, proxies: not X's API.
        match status {
            429 => RateLimited,
            401 if skew_bad => ClockSkew,
            _ => UnexpectedResponse,
        }
    } else if has_code(415) {
        CallbackNotApproved
    } else if has_code(417) {
        OobRequired
    } else if has_code(99) {
        AppKeysRejected
    } else if has_code(89) {
        TokenRevoked
    } else if has_code(135) || (status == 401 && skew_bad) {
        ClockSkew
    } else if status == 401 || has_code(32) || has_code(215) {
        KeysRejected
    } else if type_is(kind_str, "client-forbidden") || type_is(kind_str, "client-not-enrolled") {
        match body.and_then(|b| b.reason.as_deref()) {
            Some("user-not-enrolled") => UserNotEnrolled,
            _ => AppNotEnrolled,
        }
    } else if type_is(kind_str, "oauth1-permissions") || has_code(261) || has_code(93) {
        MissingPermission
    } else if type_is(kind_str, "unsupported-authentication") || has_code(220) {
        UnsupportedAuthentication
    } else if has_code(453) {
        V1Unavailable
    } else if has_code(187) || detail_has("duplicate content") {
        DuplicateContent
    } else if type_is(kind_str, "usage-capped") {
        UsageCapped
    } else if status == 429 || has_code(88) || type_is(kind_str, "rate-limit-exceeded") {
        RateLimited
    } else {
        UnexpectedResponse
    };

    let x_says = body
        .map(|b| {
            let mut parts = Vec::new();
            if let Some(t) = &b.title {
                parts.push(t.clone());
            }
            if let Some(t) = &b.kind {
                parts.push(format!("type {t}"));
            }
            if let Some(r) = &b.reason {
                parts.push(format!("reason {r}"));
            }
            for (code, msg) in b.codes.iter().zip(b.messages.iter()) {
                parts.push(format!("code {code}: {msg}"));
            }
            if let Some(d) = &b.detail {
                if b.title.as_deref() != Some(d.as_str()) {
                    parts.push(format!("\"{d}\""));
                }
            }
            parts.join(", ")
        })
        .filter(|s| !s.is_empty())
        .or_else(|| {
            match (
                response.content_type.as_deref(),
                response.body.trim().is_empty(),
            ) {
                (_, true) => Some("an empty body".to_string()),
                (Some(ct), false) => Some(format!(
                    "a {ct} body",
                    ct = ct.split(';').next().unwrap_or(ct)
                )),
                (None, false) => Some("a body without a content type".to_string()),
            }
        });

    let reset = response.rate_limit.map(|r| r.reset);
    Problem {
        kind,
        status: Some(status),
        x_says,
        retry: default_retry(kind, reset),
    }
}

/// Classifies a request that got no HTTP answer.
pub fn classify_client_error(error: &ClientError) -> Problem {
    let kind = match error {
        ClientError::InvalidBaseUrl { .. } | ClientError::InsecureBaseUrl { .. } => {
            ProblemKind::BadBaseUrl
        }
        ClientError::Timeout { .. } => ProblemKind::Timeout,
        ClientError::Dns { .. } => ProblemKind::Dns,
        ClientError::Tls { .. } => ProblemKind::Tls,
        ClientError::Connect { .. } | ClientError::Interrupted { .. } | ClientError::Sign(_) => {
            ProblemKind::Connection
        }
    };
    let mut problem = Problem::new(kind);
    problem.x_says = Some(error.to_string());
    problem
}

/// Which kind of call an answer is to: the same status means different things on different calls
/// (a 401 on `/oauth/access_token` is a bad PIN, with a Bearer Token a bad Bearer Token).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Call {
    /// Signed with the four keys (OAuth 1.0a user context), e.g. `GET /2/users/me`.
    UserContext,
    /// `POST /oauth/request_token`: signed with the API Key and Secret only.
    RequestToken,
    /// `POST /oauth/access_token`: signed with the API Key and Secret and the request token, with the PIN.
    AccessToken,
    /// `POST /oauth2/token`: Basic auth with the API Key and Secret.
    BearerToken,
    /// An app-only request with `Authorization: Bearer …`.
    AppOnly,
}

/// Classifies an answer that is not a success, knowing which call it answers (see [`Call`]).
pub fn classify_call(response: &ApiResponse, call: Call) -> Problem {
    use ProblemKind::*;
    let mut problem = classify_response(response);
    // X's bare 401s (and the text bodies its OAuth endpoints may send) mean what the call says.
    let bare = matches!(
        problem.kind,
        KeysRejected | TokenRevoked | UnexpectedResponse
    );
    // Basic and Bearer authorization carry no timestamp: the clock can't be the cause.
    let unsigned = matches!(call, Call::BearerToken | Call::AppOnly);
    let bare = bare || (unsigned && problem.kind == ClockSkew);
    let kind = match (call, response.status) {
        (Call::RequestToken, 401) if bare => AppKeysRejected,
        (Call::AccessToken, 401) if bare => PinRejected,
        (Call::BearerToken, 401) if bare => AppKeysRejected,
        (Call::AppOnly, 401) if bare => BearerRejected,
        _ => problem.kind,
    };
    if kind != problem.kind {
        problem.kind = kind;
        problem.retry = default_retry(kind, response.rate_limit.map(|r| r.reset));
    }
    problem
}

/// A call to X that failed, classified: what was asked, and what went wrong. Never holds a secret.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{request}: {}", self.what())]
pub struct ApiFailure {
    /// The request, e.g. `POST https://api.x.com/oauth/request_token`.
    pub request: String,
    /// What went wrong.
    pub problem: Problem,
    /// The sandbox's explanation, when talking to it.
    pub sandbox_explain: Option<String>,
}

impl ApiFailure {
    /// From an HTTP answer that is not a success.
    pub fn from_response(request: String, response: &ApiResponse, call: Call) -> Self {
        Self {
            request,
            problem: classify_call(response, call),
            sandbox_explain: response.sandbox_explain.clone(),
        }
    }

    /// From a request that got no HTTP answer.
    pub fn from_client_error(request: String, error: &ClientError) -> Self {
        Self {
            request,
            problem: classify_client_error(error),
            sandbox_explain: None,
        }
    }

    /// From what a call got when it isn't what was needed: an answer that is not a success, no
    /// answer at all, or a success without `what` (e.g. "data.id") ([`ApiFailure::unexpected`]).
    pub fn from_outcome(
        request: String,
        outcome: &Result<ApiResponse, ClientError>,
        call: Call,
        what: &str,
    ) -> Self {
        match outcome {
            Ok(r) if r.is_success() => {
                Self::unexpected(request, r.status, &format!("an answer without {what}"))
            }
            Ok(r) => Self::from_response(request, r, call),
            Err(e) => Self::from_client_error(request, e),
        }
    }

    /// From a success answer that lacks what X always sends (`what` names it; never the body).
    pub fn unexpected(request: String, status: u16, what: &str) -> Self {
        let mut problem = Problem::new(ProblemKind::UnexpectedResponse);
        problem.status = Some(status);
        problem.x_says = Some(what.to_string());
        Self {
            request,
            problem,
            sandbox_explain: None,
        }
    }

    /// What failed, the explanation with the fix and the chapter, and the sandbox's words if any:
    /// what an example prints (to stderr) when a call fails.
    pub fn report(&self) -> String {
        let mut text = format!("✘ {self}\n\n{}", self.problem);
        if let Some(explain) = &self.sandbox_explain {
            text.push_str(&format!("\n\n  The sandbox explains: {explain}"));
        }
        text
    }

    /// The examples' exit status: 1 for the setup, 2 for the network or X.
    pub fn exit_code(&self) -> u8 {
        self.problem.kind.blame().exit_code()
    }

    /// The status and what X said, in one line, e.g. `401 Unauthorized: code 32: Could not authenticate you.`.
    pub fn what(&self) -> String {
        let says = self.problem.x_says.as_deref().unwrap_or("");
        match self.problem.status {
            Some(status) => {
                let reason = reqwest::StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("");
                let sep = if says.is_empty() { "" } else { ": " };
                format!("{status} {reason}{sep}{says}")
            }
            None => says.to_string(),
        }
    }
}

impl Retry {
    /// Whether trying again, unchanged, can succeed.
    pub fn can_help(self) -> bool {
        !matches!(self, Retry::No)
    }
}

impl fmt::Display for Retry {
    /// Whether trying again helps, as a sentence.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Retry::No => f.write_str("no: it fails the same way until the cause is fixed."),
            Retry::Later => {
                f.write_str("yes, in a minute or two: the cause is on the network's or X's side.")
            }
            Retry::AfterReset { reset: Some(reset) } => write!(
                f,
                "yes, after the rate-limit window resets (in {} min).",
                until(*reset).as_secs().div_ceil(60)
            ),
            Retry::AfterReset { reset: None } => {
                f.write_str("yes, after the rate-limit window resets.")
            }
        }
    }
}

impl fmt::Display for Problem {
    /// The title, why, the fix, the chapter (and the Part I step) and whether to retry; no final newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.kind;
        writeln!(f, "✘ {}", kind.title())?;
        writeln!(f, "  Why:   {}", kind.explanation())?;
        writeln!(f, "  Fix:   {}", kind.fix())?;
        match kind.guide_step() {
            Some(step) => writeln!(f, "  See:   {}; the steps: {}", kind.chapter(), step)?,
            None => writeln!(f, "  See:   {}", kind.chapter())?,
        }
        write!(f, "  Retry: {}", self.retry)
    }
}

/// How long until a Unix time, from now (zero if past).
pub fn until(unix_secs: u64) -> Duration {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Duration::from_secs(unix_secs.saturating_sub(now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    fn answer(status: u16, body: &str) -> ApiResponse {
        ApiResponse {
            status,
            access_level: None,
            rate_limit: None,
            date: Some(SystemTime::now()),
            received_at: SystemTime::now(),
            content_type: Some("application/json; charset=utf-8".into()),
            location: None,
            sandbox_explain: None,
            body: body.into(),
            attempts: 1,
        }
    }

    #[test]
    fn types_match_by_suffix_on_both_hosts() {
        assert!(type_is(
            Some("https://api.x.com/2/problems/oauth1-permissions"),
            "oauth1-permissions"
        ));
        assert!(type_is(
            Some("https://api.twitter.com/2/problems/oauth1-permissions"),
            "oauth1-permissions"
        ));
        assert!(!type_is(
            Some("https://api.x.com/2/problems/not-oauth1-permissions"),
            "oauth1-permissions"
        ));
        assert!(!type_is(None, "credits"));
        assert!(!type_is(
            Some("https://api.x.com/2/problems/credits-depleted"),
            "credits"
        ));
    }

    #[test]
    fn observed_bodies_are_classified() {
        let cases: &[(u16, &str, ProblemKind)] = &[
            (
                401,
                r#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#,
                ProblemKind::KeysRejected,
            ),
            (
                403,
                r#"{"title":"Forbidden","status":403,"detail":"Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.","type":"https://api.twitter.com/2/problems/oauth1-permissions"}"#,
                ProblemKind::MissingPermission,
            ),
            (
                403,
                r#"{"title":"Unsupported Authentication","detail":"Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].","type":"https://api.twitter.com/2/problems/unsupported-authentication","status":403}"#,
                ProblemKind::UnsupportedAuthentication,
            ),
            (
                403,
                r#"{"client_id":"1","detail":"When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.","registration_url":"https://developer.twitter.com/en/docs/projects/overview","title":"Client Forbidden","required_enrollment":"Appropriate Level of API Access","reason":"client-not-enrolled","type":"https://api.twitter.com/2/problems/client-forbidden"}"#,
                ProblemKind::AppNotEnrolled,
            ),
            (
                403,
                r#"{"type":"https://api.x.com/2/problems/client-forbidden","title":"Client Forbidden","detail":"This request is billed to the authenticated user.","reason":"user-not-enrolled","registration_url":"https://console.x.com"}"#,
                ProblemKind::UserNotEnrolled,
            ),
            (
                402,
                r#"{"title":"CreditsDepleted","detail":"Your enrolled account [1234567890123456789] does not have any credits to fulfill this request.","type":"https://api.twitter.com/2/problems/credits"}"#,
                ProblemKind::CreditsDepleted,
            ),
            (
                403,
                r#"{"detail":"You are not allowed to create a Tweet with duplicate content.","type":"about:blank","title":"Forbidden","status":403}"#,
                ProblemKind::DuplicateContent,
            ),
            (
                429,
                r#"{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}"#,
                ProblemKind::RateLimited,
            ),
            (
                401,
                r#"{"errors":[{"message":"Invalid or expired token","code":89}]}"#,
                ProblemKind::TokenRevoked,
            ),
            (
                401,
                r#"{"errors":[{"message":"Timestamp out of bounds","code":135}]}"#,
                ProblemKind::ClockSkew,
            ),
            (
                403,
                r#"{"errors":[{"message":"You currently have access to a subset of Twitter API v2 endpoints and limited v1.1 endpoints (e.g. media post, oauth) only.","code":453}]}"#,
                ProblemKind::V1Unavailable,
            ),
            (
                403,
                r#"{"errors":[{"code":261,"message":"Application cannot perform write actions."}]}"#,
                ProblemKind::MissingPermission,
            ),
            (
                403,
                r#"{"errors":[{"code":187,"message":"Status is a duplicate."}]}"#,
                ProblemKind::DuplicateContent,
            ),
            (
                503,
                r#"{"title":"Service Unavailable"}"#,
                ProblemKind::ServerError,
            ),
        ];
        for (status, body, want) in cases {
            assert_eq!(
                classify_response(&answer(*status, body)).kind,
                *want,
                "{status} {body}"
            );
        }
    }

    #[test]
    fn a_401_with_a_skewed_clock_is_the_clock() {
        let mut r = answer(
            401,
            r#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#,
        );
        r.date = Some(r.received_at + Duration::from_secs(3600));
        let p = classify_response(&r);
        assert_eq!(p.kind, ProblemKind::ClockSkew);
        assert_eq!(p.retry, Retry::No);
    }

    #[test]
    fn non_json_answers_are_unexpected() {
        let mut r = answer(403, "<html><body>Forbidden</body></html>");
        r.content_type = Some("text/html".into());
        let p = classify_response(&r);
        assert_eq!(p.kind, ProblemKind::UnexpectedResponse);
        assert_eq!(p.x_says.as_deref(), Some("a text/html body"));
        assert_eq!(
            classify_response(&answer(200, "")).kind,
            ProblemKind::UnexpectedResponse
        );
    }

    #[test]
    fn the_call_decides_what_a_401_means() {
        use ProblemKind::*;
        let v1_32 = r#"{"errors":[{"code":32,"message":"Could not authenticate you."}]}"#;
        let v1_89 = r#"{"errors":[{"message":"Invalid or expired token","code":89}]}"#;
        let v2 =
            r#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#;
        let kind = |r: &ApiResponse, call| classify_call(r, call).kind;
        assert_eq!(
            kind(&answer(401, v1_32), Call::RequestToken),
            AppKeysRejected
        );
        assert_eq!(kind(&answer(401, v1_32), Call::AccessToken), PinRejected);
        assert_eq!(kind(&answer(401, v1_89), Call::AccessToken), PinRejected);
        assert_eq!(kind(&answer(401, v1_32), Call::UserContext), KeysRejected);
        assert_eq!(kind(&answer(401, v2), Call::AppOnly), BearerRejected);
        assert_eq!(kind(&answer(401, v2), Call::BearerToken), AppKeysRejected);
        // X's OAuth endpoints may answer in plain text.
        let mut text = answer(401, "Failed to validate oauth signature and token");
        text.content_type = Some("text/plain".into());
        assert_eq!(kind(&text, Call::RequestToken), AppKeysRejected);
        assert_eq!(kind(&text, Call::UserContext), UnexpectedResponse);
        // A skewed clock explains a signed call's 401, never a Bearer Token's.
        let mut skewed = answer(401, v2);
        skewed.date = Some(skewed.received_at + Duration::from_secs(3600));
        assert_eq!(kind(&skewed, Call::RequestToken), ClockSkew);
        assert_eq!(kind(&skewed, Call::AppOnly), BearerRejected);
        // Codes that say it all, whatever the call.
        let code = |c: u16, n: i64| {
            answer(
                c,
                &format!(r#"{{"errors":[{{"code":{n},"message":"m"}}]}}"#),
            )
        };
        assert_eq!(
            kind(&code(403, 415), Call::RequestToken),
            CallbackNotApproved
        );
        assert_eq!(kind(&code(401, 417), Call::RequestToken), OobRequired);
        assert_eq!(kind(&code(403, 99), Call::BearerToken), AppKeysRejected);
        assert_eq!(kind(&code(403, 99), Call::UserContext), AppKeysRejected);
        // Other answers keep their meaning.
        assert_eq!(kind(&answer(503, "{}"), Call::AccessToken), ServerError);
        assert_eq!(
            classify_call(&code(401, 32), Call::AccessToken).retry,
            Retry::No
        );
    }

    #[test]
    fn a_failure_and_a_problem_read_as_sentences() {
        let failure = ApiFailure::from_response(
            "POST http://127.0.0.1:1/oauth/access_token".into(),
            &answer(
                401,
                r#"{"errors":[{"code":32,"message":"Could not authenticate you."}]}"#,
            ),
            Call::AccessToken,
        );
        assert_eq!(
            failure.to_string(),
            "POST http://127.0.0.1:1/oauth/access_token: 401 Unauthorized: code 32: Could not authenticate you."
        );
        let text = failure.problem.to_string();
        assert!(
            text.starts_with("✘ X refused the PIN (401)\n  Why:"),
            "{text}"
        );
        assert!(
            text.contains("troubleshooting.md#the-pin-is-rejected"),
            "{text}"
        );
        assert!(text.ends_with("Retry: no: it fails the same way until the cause is fixed."));
    }

    #[test]
    fn every_kind_has_words_and_a_chapter() {
        for kind in ProblemKind::ALL {
            assert!(
                !kind.title().is_empty() && kind.explanation().len() > 40 && kind.fix().len() > 20
            );
            assert!(kind.chapter().file.starts_with("troubleshooting.md#"));
        }
    }
}
