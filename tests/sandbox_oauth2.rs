//! OAuth 2.0 user context against the sandbox, over raw HTTP as a client in any language would
//! drive it (reqwest, no OAuth 2.0 library: the sandbox and xkeys' own client check each other):
//! the consent page, the code, the exchange (S256 and plain; confidential and public clients),
//! API calls with the token, refresh with rotation, revoke, and each of X's refusals. The
//! S256 challenges were computed with Python's hashlib, apart from both Rust implementations.

mod common;

use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, LOCATION};
use reqwest::StatusCode;
use reqwest_oauth1::{OAuthClientProvider, Secrets};
use serde_json::{json, Value};
use xkeys_sandbox::{DemoAccount, Sandbox, SandboxConfig, Scenario, DEMO_REDIRECT_URI};

/// (verifier, BASE64URL(SHA256(verifier))), from RFC 7636 Appendix B and Python's hashlib.
const RFC_PAIR: (&str, &str) = (
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
);
const PAIR_2: (&str, &str) = (
    "xkeys-test-verifier-0123456789-abcdefghijklmnopqrstuvwxyz",
    "2mPqZ_9C6nro9JGpA1LZQxXU7fsU5Qm8YmR0I9R_iqs",
);
const PAIR_3: (&str, &str) = (
    "lower-case-s256-verifier_0123456789abcdefghijkl",
    "L65Pvh5lQOiiQqpSj0A_v6UnPxNxplPhe6ft8G22tvk",
);
const ALL_SCOPES: &str = "tweet.read tweet.write users.read offline.access dm.write bookmark.write";
const UNAUTHORIZED: &str =
    r#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#;
const FORBIDDEN: &str =
    r#"{"title":"Forbidden","type":"about:blank","status":403,"detail":"Forbidden"}"#;

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn header(resp: &reqwest::Response, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// An answer read in full.
struct Answer {
    status: StatusCode,
    body: String,
    explain: String,
    location: Option<String>,
    rate_limited: bool,
    access_level: Option<String>,
}

impl Answer {
    async fn of(resp: reqwest::Response) -> Answer {
        let status = resp.status();
        let explain = header(&resp, "x-sandbox-explain").unwrap_or_default();
        let location = header(&resp, LOCATION.as_str());
        let rate_limited = header(&resp, "x-rate-limit-remaining").is_some();
        let access_level = header(&resp, "x-access-level");
        let body = resp.text().await.expect("body");
        Answer {
            status,
            body,
            explain,
            location,
            rate_limited,
            access_level,
        }
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }

    /// Asserts X's RFC 6749 error and description.
    fn token_error(&self, status: u16, error: &str, description: &str) {
        assert_eq!(
            self.status.as_u16(),
            status,
            "{} / {}",
            self.body,
            self.explain
        );
        assert_eq!(
            self.json(),
            json!({"error": error, "error_description": description}),
            "{}",
            self.explain
        );
        assert!(!self.explain.is_empty(), "every refusal is explained");
    }
}

/// The authorize URL a client builds (scopes joined by `+`, as oauthlib and oauth2-rs do).
fn authorize_url(
    sb: &Sandbox,
    client_id: &str,
    scope: &str,
    challenge: (&str, &str),
    redirect_uri: &str,
) -> String {
    url::Url::parse_with_params(
        &format!("{}/i/oauth2/authorize", sb.base_url()),
        &[
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", redirect_uri),
            ("scope", scope),
            ("state", "st+/=ate"),
            ("code_challenge", challenge.0),
            ("code_challenge_method", challenge.1),
        ],
    )
    .expect("url")
    .to_string()
}

/// The hidden fields of the consent page's form.
fn hidden_fields(page: &str) -> Vec<(String, String)> {
    page.split("<input type=\"hidden\" ")
        .skip(1)
        .filter_map(|rest| {
            let name = rest.split("name=\"").nth(1)?.split('"').next()?;
            let value = rest.split("value=\"").nth(1)?.split('"').next()?;
            let value = value
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            Some((name.to_string(), value))
        })
        .collect()
}

/// Opens the consent page, then submits it as `username` with `decision` (allow or deny), as a
/// browser does: the answer is the redirect (or the failure page).
async fn consent(url: &str, username: &str, decision: &str) -> Answer {
    let page = Answer::of(http().get(url).send().await.expect("send")).await;
    if page.status != StatusCode::OK {
        return page;
    }
    assert!(page.body.contains("Authorize app") && page.body.contains("Cancel"));
    let mut form = hidden_fields(&page.body);
    form.push(("username".into(), username.into()));
    form.push(("decision".into(), decision.into()));
    let base = url.split("/i/oauth2/").next().expect("base");
    let resp = http()
        .post(format!("{base}/i/oauth2/authorize"))
        .form(&form)
        .send()
        .await
        .expect("send");
    Answer::of(resp).await
}

/// The code (and `state`) of a redirect to the callback URL.
fn code_of(answer: &Answer, redirect_uri: &str) -> String {
    assert_eq!(
        answer.status,
        StatusCode::FOUND,
        "{} / {}",
        answer.body,
        answer.explain
    );
    let location = answer.location.as_deref().expect("Location");
    assert!(
        location.starts_with(&format!("{redirect_uri}?state=")),
        "{location}"
    );
    let url = url::Url::parse(location).expect("url");
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert_eq!(
        pairs[0],
        ("state".into(), "st+/=ate".into()),
        "state first, as sent"
    );
    assert_eq!(pairs[1].0, "code");
    pairs[1].1.clone()
}

/// How the client authenticates to the token endpoint.
#[derive(Clone, Copy)]
enum Client<'a> {
    /// A confidential client: `Authorization: Basic`.
    Confidential(&'a DemoAccount),
    /// A public client: `client_id` in the parameters.
    Public(&'a str),
}

/// How the parameters travel.
#[derive(Clone, Copy, PartialEq)]
enum Wire {
    Form,
    Json,
    Query,
}

async fn post(
    sb: &Sandbox,
    path: &str,
    client: Client<'_>,
    params: &[(&str, &str)],
    wire: Wire,
) -> Answer {
    let mut params: Vec<(&str, &str)> = params.to_vec();
    let mut req = http().post(format!("{}{path}", sb.base_url()));
    match client {
        Client::Confidential(demo) => {
            req = req.basic_auth(&demo.client_id, Some(&demo.client_secret))
        }
        Client::Public(id) => params.push(("client_id", id)),
    }
    req = match wire {
        Wire::Form => req.form(&params),
        Wire::Json => req.json(
            &params
                .iter()
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect::<serde_json::Map<_, _>>(),
        ),
        Wire::Query => req.query(&params),
    };
    Answer::of(req.send().await.expect("send")).await
}

async fn exchange(
    sb: &Sandbox,
    client: Client<'_>,
    code: &str,
    verifier: &str,
    wire: Wire,
) -> Answer {
    let params = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", DEMO_REDIRECT_URI),
        ("code_verifier", verifier),
    ];
    post(sb, "/2/oauth2/token", client, &params, wire).await
}

async fn refresh(sb: &Sandbox, client: Client<'_>, refresh_token: &str) -> Answer {
    let params = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ];
    post(sb, "/2/oauth2/token", client, &params, Wire::Form).await
}

async fn revoke(sb: &Sandbox, client: Client<'_>, token: &str, hint: &str) -> Answer {
    let params = [("token", token), ("token_type_hint", hint)];
    post(sb, "/2/oauth2/revoke", client, &params, Wire::Form).await
}

/// Authorizes `scope` for @xkeys_full and exchanges the code: the token response.
async fn login(sb: &Sandbox, client: Client<'_>, scope: &str) -> Value {
    let id = match client {
        Client::Confidential(demo) => demo.client_id.clone(),
        Client::Public(id) => id.to_string(),
    };
    let url = authorize_url(sb, &id, scope, (RFC_PAIR.1, "S256"), DEMO_REDIRECT_URI);
    let code = code_of(
        &consent(&url, "xkeys_full", "allow").await,
        DEMO_REDIRECT_URI,
    );
    let answer = exchange(sb, client, &code, RFC_PAIR.0, Wire::Form).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "{} / {}",
        answer.body,
        answer.explain
    );
    answer.json()
}

async fn me(sb: &Sandbox, token: &str) -> Answer {
    let resp = http()
        .get(format!("{}/2/users/me", sb.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .expect("send");
    Answer::of(resp).await
}

async fn post_tweet(sb: &Sandbox, token: &str, text: &str) -> Answer {
    let resp = http()
        .post(format!("{}/2/tweets", sb.base_url()))
        .bearer_auth(token)
        .json(&json!({ "text": text }))
        .send()
        .await
        .expect("send");
    Answer::of(resp).await
}

async fn send_dm(sb: &Sandbox, token: &str) -> Answer {
    let resp = http()
        .post(format!(
            "{}/2/dm_conversations/with/1790000000000000077/messages",
            sb.base_url()
        ))
        .bearer_auth(token)
        .json(&json!({ "text": "hi" }))
        .send()
        .await
        .expect("send");
    Answer::of(resp).await
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("no {key} in {v}"))
}

/// An X-shaped token: 91 characters, unpadded base64 of `<45>:<13 digits>:1:0:<kind>:1`.
fn assert_x_shaped(token: &str, kind: &str) {
    assert_eq!(token.len(), 91, "{token}");
    assert!(token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert!(
        token.ends_with(match kind {
            "at" => "OmF0OjE",
            "rt" => "OnJ0OjE",
            _ => "OmFjOjE",
        }),
        "{token} is not an {kind}"
    );
}

#[tokio::test]
async fn a_confidential_client_logs_in_calls_refreshes_and_revokes() {
    let sb = Sandbox::start().await.unwrap();
    let demo = sb.demo(Scenario::FullAccess);
    let client = Client::Confidential(demo);

    // The consent page names the app and each scope asked, with X's meaning.
    let url = authorize_url(
        &sb,
        &demo.client_id,
        "tweet.read users.read offline.access",
        (RFC_PAIR.1, "S256"),
        DEMO_REDIRECT_URI,
    );
    let page = Answer::of(http().get(&url).send().await.unwrap()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("xkeys demo app (full-access)"),
        "{}",
        page.body
    );
    assert!(page.body.contains(
        "<code>offline.access</code> Stay connected to your account until you revoke access."
    ));
    assert!(!page.body.contains("tweet.write"), "only the scopes asked");
    assert!(
        page.body.contains("@xkeys_o2scope"),
        "every demo user can be picked"
    );

    let code = code_of(
        &consent(&url, "xkeys_full", "allow").await,
        DEMO_REDIRECT_URI,
    );
    assert_x_shaped(&code, "ac");
    let answer = exchange(&sb, client, &code, RFC_PAIR.0, Wire::Form).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.explain);
    assert!(
        answer
            .body
            .starts_with(r#"{"token_type":"bearer","expires_in":7200,"access_token":""#),
        "{}",
        answer.body
    );
    let tokens = answer.json();
    let scope: std::collections::BTreeSet<&str> = str_of(&tokens, "scope").split(' ').collect();
    assert_eq!(
        scope,
        ["offline.access", "tweet.read", "users.read"]
            .into_iter()
            .collect()
    );
    let (access, refresh_token) = (
        str_of(&tokens, "access_token"),
        str_of(&tokens, "refresh_token"),
    );
    assert_x_shaped(access, "at");
    assert_x_shaped(refresh_token, "rt");

    // The token works where X takes OAuth 2.0 user context, without OAuth 1.0a's x-access-level.
    let who = me(&sb, access).await;
    assert_eq!(who.status, StatusCode::OK, "{}", who.explain);
    assert_eq!(who.json()["data"]["username"], "xkeys_full");
    assert!(who.rate_limited && who.access_level.is_none());
    let by_name = http()
        .get(format!("{}/2/users/by/username/xkeys_nov1", sb.base_url()))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(by_name.status(), StatusCode::OK);

    // Refresh: new tokens, the old refresh token is spent (rotation), the old access token lives on.
    let fresh = refresh(&sb, client, refresh_token).await;
    assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.explain);
    assert!(
        fresh.body.starts_with(r#"{"refresh_token":""#),
        "{}",
        fresh.body
    );
    let fresh = fresh.json();
    let (access2, refresh2) = (
        str_of(&fresh, "access_token"),
        str_of(&fresh, "refresh_token"),
    );
    assert!(access2 != access && refresh2 != refresh_token);
    assert_eq!(fresh["expires_in"], 7200);
    refresh(&sb, client, refresh_token).await.token_error(
        400,
        "invalid_request",
        "Value passed for the token was invalid.",
    );
    assert_eq!(me(&sb, access2).await.status, StatusCode::OK);
    assert_eq!(me(&sb, access).await.status, StatusCode::OK);

    // Revoke: 200 {"revoked":true}, then 401 as X answers a dead token.
    let revoked = revoke(&sb, client, access2, "access_token").await;
    assert_eq!(
        (revoked.status, revoked.body.as_str()),
        (StatusCode::OK, r#"{"revoked":true}"#)
    );
    let after = me(&sb, access2).await;
    assert_eq!(
        (after.status, after.body.as_str()),
        (StatusCode::UNAUTHORIZED, UNAUTHORIZED)
    );
    assert!(after.explain.contains("revoked"), "{}", after.explain);
    // Revoking the refresh token kills its access token too (RFC 7009's SHOULD).
    let tokens = login(&sb, client, "tweet.read users.read offline.access").await;
    assert_eq!(
        revoke(
            &sb,
            client,
            str_of(&tokens, "refresh_token"),
            "refresh_token"
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        me(&sb, str_of(&tokens, "access_token")).await.status,
        StatusCode::UNAUTHORIZED
    );
    refresh(&sb, client, str_of(&tokens, "refresh_token"))
        .await
        .token_error(
            400,
            "invalid_request",
            "Value passed for the token was invalid.",
        );
}

#[tokio::test]
async fn a_public_client_logs_in_with_plain_and_lowercase_s256_over_every_wire() {
    let sb = Sandbox::start().await.unwrap();
    let public = Client::Public(sb.public_client_id());
    assert!(sb.public_client_id().ends_with("MTpjaQ"));
    for (method, (verifier, challenge), wire) in [
        ("plain", ("challenge", "challenge"), Wire::Form),
        ("s256", PAIR_3, Wire::Json),
        ("S256", PAIR_2, Wire::Query),
    ] {
        let challenge_value = if method == "plain" {
            verifier
        } else {
            challenge
        };
        let url = authorize_url(
            &sb,
            sb.public_client_id(),
            "tweet.read users.read",
            (challenge_value, method),
            DEMO_REDIRECT_URI,
        );
        let code = code_of(
            &consent(&url, "xkeys_readonly", "allow").await,
            DEMO_REDIRECT_URI,
        );
        let answer = exchange(&sb, public, &code, verifier, wire).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "{method}: {} / {}",
            answer.body,
            answer.explain
        );
        let tokens = answer.json();
        assert!(
            tokens.get("refresh_token").is_none(),
            "no offline.access, no refresh token"
        );
        let who = me(&sb, str_of(&tokens, "access_token")).await;
        assert_eq!(
            who.json()["data"]["username"],
            "xkeys_readonly",
            "the account picked"
        );
    }
    // Scopes joined by %20 (twitter-api-v2, X's TypeScript SDK) read as well as by +.
    let url = authorize_url(
        &sb,
        sb.public_client_id(),
        "tweet.read users.read",
        (RFC_PAIR.1, "S256"),
        DEMO_REDIRECT_URI,
    )
    .replace("tweet.read+users.read", "tweet.read%20users.read");
    assert!(url.contains("%20"));
    let page = Answer::of(http().get(&url).send().await.unwrap()).await;
    assert!(
        page.body.contains("<code>users.read</code>"),
        "{}",
        page.explain
    );
}

#[tokio::test]
async fn the_lenient_wire_is_a_setting() {
    let sb = Sandbox::start_with(
        SandboxConfig::default()
            .oauth2_lowercase_s256(false)
            .oauth2_json_and_query_params(false),
    )
    .await
    .unwrap();
    let url = authorize_url(
        &sb,
        sb.public_client_id(),
        "tweet.read",
        (PAIR_3.1, "s256"),
        DEMO_REDIRECT_URI,
    );
    let page = Answer::of(http().get(&url).send().await.unwrap()).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.explain.contains("code_challenge_method"),
        "{}",
        page.explain
    );
    let url = authorize_url(
        &sb,
        sb.public_client_id(),
        "tweet.read",
        (PAIR_3.1, "S256"),
        DEMO_REDIRECT_URI,
    );
    let code = code_of(
        &consent(&url, "xkeys_full", "allow").await,
        DEMO_REDIRECT_URI,
    );
    let public = Client::Public(sb.public_client_id());
    exchange(&sb, public, &code, PAIR_3.0, Wire::Json)
        .await
        .token_error(
            401,
            "unauthorized_client",
            "Missing valid authorization header",
        );
    assert_eq!(
        exchange(&sb, public, &code, PAIR_3.0, Wire::Form)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_wrong_verifier_is_refused_and_a_code_works_once() {
    let sb = Sandbox::start().await.unwrap();
    let demo = sb.demo(Scenario::FullAccess);
    let client = Client::Confidential(demo);
    let url = authorize_url(
        &sb,
        &demo.client_id,
        "tweet.read users.read",
        (RFC_PAIR.1, "S256"),
        DEMO_REDIRECT_URI,
    );
    let code = code_of(
        &consent(&url, "xkeys_full", "allow").await,
        DEMO_REDIRECT_URI,
    );
    let wrong = exchange(&sb, client, &code, PAIR_2.0, Wire::Form).await;
    wrong.token_error(
        400,
        "invalid_request",
        "Value passed for the code verifier did not match the code challenge.",
    );
    let missing = post(
        &sb,
        "/2/oauth2/token",
        client,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", DEMO_REDIRECT_URI),
        ],
        Wire::Form,
    )
    .await;
    missing.token_error(
        400,
        "invalid_request",
        "Missing required parameter [code_verifier].",
    );
    assert_eq!(
        exchange(&sb, client, &code, RFC_PAIR.0, Wire::Form)
            .await
            .status,
        StatusCode::OK
    );
    let reused = exchange(&sb, client, &code, RFC_PAIR.0, Wire::Form).await;
    reused.token_error(
        400,
        "invalid_request",
        "Value passed for the authorization code was invalid.",
    );
    assert!(
        reused.explain.contains("already exchanged"),
        "{}",
        reused.explain
    );
}

#[tokio::test]
async fn a_confidential_client_must_send_basic() {
    let sb = Sandbox::start().await.unwrap();
    let demo = sb.demo(Scenario::FullAccess);
    let url = authorize_url(
        &sb,
        &demo.client_id,
        "tweet.read users.read",
        (RFC_PAIR.1, "S256"),
        DEMO_REDIRECT_URI,
    );
    let code = code_of(
        &consent(&url, "xkeys_full", "allow").await,
        DEMO_REDIRECT_URI,
    );
    let as_public = exchange(
        &sb,
        Client::Public(&demo.client_id),
        &code,
        RFC_PAIR.0,
        Wire::Form,
    )
    .await;
    as_public.token_error(
        401,
        "unauthorized_client",
        "Missing valid authorization header",
    );
    // The secret in the body (client_secret_post) is refused too.
    let body_secret = post(
        &sb,
        "/2/oauth2/token",
        Client::Public(&demo.client_id),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", DEMO_REDIRECT_URI),
            ("code_verifier", RFC_PAIR.0),
            ("client_secret", &demo.client_secret),
        ],
        Wire::Form,
    )
    .await;
    body_secret.token_error(
        401,
        "unauthorized_client",
        "Missing valid authorization header",
    );
    assert!(
        body_secret.explain.contains("client_secret in the body"),
        "{}",
        body_secret.explain
    );
    let wrong_secret = http()
        .post(format!("{}/2/oauth2/token", sb.base_url()))
        .basic_auth(&demo.client_id, Some("not-the-secret"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", DEMO_REDIRECT_URI),
            ("code_verifier", RFC_PAIR.0),
        ])
        .send()
        .await
        .unwrap();
    Answer::of(wrong_secret).await.token_error(
        401,
        "unauthorized_client",
        "Missing valid authorization header",
    );
    // The code survived the refused attempts.
    assert_eq!(
        exchange(
            &sb,
            Client::Confidential(demo),
            &code,
            RFC_PAIR.0,
            Wire::Form
        )
        .await
        .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn only_registered_redirect_uris_and_known_clients_get_a_code() {
    let extra = "http://localhost:8080/callback";
    let sb = Sandbox::start_with(SandboxConfig::default().callback_url(extra))
        .await
        .unwrap();
    let demo = sb.demo(Scenario::FullAccess);
    for (client_id, redirect, why) in [
        (
            demo.client_id.as_str(),
            "http://127.0.0.1:8765/callback/",
            "redirect_uri",
        ),
        (
            demo.client_id.as_str(),
            "http://localhost:8765/callback",
            "redirect_uri",
        ),
        (
            demo.client_id.as_str(),
            "http://127.0.0.1:9999/callback",
            "redirect_uri",
        ),
        (
            "M1M5R3BMVy13QmpScXkzTUt5OE46MTpjaQ",
            DEMO_REDIRECT_URI,
            "client_id",
        ),
    ] {
        let url = authorize_url(&sb, client_id, "tweet.read", (RFC_PAIR.1, "S256"), redirect);
        let page = Answer::of(http().get(&url).send().await.unwrap()).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{redirect}");
        assert!(
            page.body.contains("Something went wrong"),
            "X's failure page"
        );
        assert!(
            page.location.is_none(),
            "no redirect to an unregistered URI"
        );
        assert!(page.explain.contains(why), "{}", page.explain);
    }
    // A URL added with callback_url works, for every demo app.
    let other = sb.demo(Scenario::ReadWrite);
    let url = authorize_url(
        &sb,
        &other.client_id,
        "tweet.read",
        (RFC_PAIR.1, "S256"),
        extra,
    );
    assert!(code_of(&consent(&url, "xkeys_full", "allow").await, extra).len() == 91);
    // A forged form fails the same checks as the page.
    let resp = http()
        .post(format!("{}/i/oauth2/authorize", sb.base_url()))
        .form(&[
            ("response_type", "code"),
            ("client_id", demo.client_id.as_str()),
            ("redirect_uri", "https://evil.example/cb"),
            ("scope", "tweet.read"),
            ("state", "s"),
            ("code_challenge", "c"),
            ("username", "xkeys_full"),
            ("decision", "allow"),
        ])
        .send()
        .await
        .unwrap();
    let forged = Answer::of(resp).await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert!(forged.location.is_none());
    // Unknown scopes and a missing state get the failure page too.
    let url = authorize_url(
        &sb,
        &demo.client_id,
        "tweet.read account.follows.read",
        (RFC_PAIR.1, "S256"),
        DEMO_REDIRECT_URI,
    );
    assert!(Answer::of(http().get(&url).send().await.unwrap())
        .await
        .explain
        .contains("account.follows.read"));
    let url = authorize_url(
        &sb,
        &demo.client_id,
        "tweet.read",
        (RFC_PAIR.1, "S256"),
        DEMO_REDIRECT_URI,
    )
    .replace("state=st%2B%2F%3Date&", "");
    assert!(!url.contains("state="), "{url}");
    assert!(Answer::of(http().get(&url).send().await.unwrap())
        .await
        .explain
        .contains("state is required"));
}

#[tokio::test]
async fn cancel_redirects_with_access_denied_or_shows_a_page() {
    let sb = Sandbox::start().await.unwrap();
    let url = authorize_url(
        &sb,
        sb.public_client_id(),
        "tweet.read",
        (RFC_PAIR.1, "S256"),
        DEMO_REDIRECT_URI,
    );
    let denied = consent(&url, "xkeys_full", "deny").await;
    assert_eq!(denied.status, StatusCode::FOUND);
    assert_eq!(
        denied.location.as_deref(),
        Some("http://127.0.0.1:8765/callback?error=access_denied&state=st%2B%2F%3Date")
    );
    let quiet = Sandbox::start_with(SandboxConfig::default().oauth2_cancel_redirects(false))
        .await
        .unwrap();
    let url = authorize_url(
        &quiet,
        quiet.public_client_id(),
        "tweet.read",
        (RFC_PAIR.1, "S256"),
        DEMO_REDIRECT_URI,
    );
    let page = consent(&url, "xkeys_full", "deny").await;
    assert_eq!((page.status, page.location), (StatusCode::OK, None));
}

#[tokio::test]
async fn codes_expire_after_30_seconds_and_tokens_after_2_hours() {
    let sb = Sandbox::start().await.unwrap();
    let demo = sb.demo(Scenario::FullAccess);
    let client = Client::Confidential(demo);
    let url = authorize_url(
        &sb,
        &demo.client_id,
        "tweet.read users.read offline.access",
        (RFC_PAIR.1, "S256"),
        DEMO_REDIRECT_URI,
    );
    let code = code_of(
        &consent(&url, "xkeys_full", "allow").await,
        DEMO_REDIRECT_URI,
    );
    sb.advance_clock(Duration::from_secs(31));
    let late = exchange(&sb, client, &code, RFC_PAIR.0, Wire::Form).await;
    late.token_error(
        400,
        "invalid_request",
        "Value passed for the authorization code was invalid.",
    );
    assert!(late.explain.contains("expired"), "{}", late.explain);

    let tokens = login(&sb, client, "tweet.read users.read offline.access").await;
    let access = str_of(&tokens, "access_token");
    sb.advance_clock(Duration::from_secs(7199));
    assert_eq!(
        me(&sb, access).await.status,
        StatusCode::OK,
        "still inside its 2 hours"
    );
    // The same clock, from any language: POST /sandbox/clock?advance=SECS.
    let moved = http()
        .post(format!("{}/sandbox/clock?advance=1", sb.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(Answer::of(moved).await.json()["ahead"], 31 + 7199 + 1);
    let expired = me(&sb, access).await;
    assert_eq!(
        (expired.status, expired.body.as_str()),
        (StatusCode::UNAUTHORIZED, UNAUTHORIZED)
    );
    assert!(
        expired.explain.contains("expired") && expired.explain.contains("refresh"),
        "{}",
        expired.explain
    );
    let fresh = refresh(&sb, client, str_of(&tokens, "refresh_token")).await;
    assert_eq!(
        me(&sb, str_of(&fresh.json(), "access_token")).await.status,
        StatusCode::OK
    );
    let bad = http()
        .post(format!("{}/sandbox/clock?advance=-5", sb.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_missing_scope_is_403_on_posts_and_dms() {
    let sb = Sandbox::start().await.unwrap();
    let demo = sb.demo(Scenario::FullAccess);
    let tokens = login(&sb, Client::Confidential(demo), "tweet.read users.read").await;
    let access = str_of(&tokens, "access_token");
    assert_eq!(me(&sb, access).await.status, StatusCode::OK);
    let post = post_tweet(&sb, access, "hello").await;
    assert_eq!(
        (post.status, post.body.as_str()),
        (StatusCode::FORBIDDEN, FORBIDDEN)
    );
    assert!(
        post.explain.contains("tweet.write") && !post.rate_limited,
        "{}",
        post.explain
    );
    let dm = send_dm(&sb, access).await;
    assert_eq!(
        (dm.status, dm.body.as_str()),
        (StatusCode::FORBIDDEN, FORBIDDEN)
    );
    assert!(dm.explain.contains("dm.write"), "{}", dm.explain);

    let full = login(&sb, Client::Confidential(demo), ALL_SCOPES).await;
    let post = post_tweet(&sb, str_of(&full, "access_token"), "hello").await;
    assert_eq!(post.status, StatusCode::CREATED, "{}", post.explain);
    assert_eq!(
        send_dm(&sb, str_of(&full, "access_token")).await.status,
        StatusCode::CREATED
    );

    // The scenario's demo token lacks both.
    let scoped = sb.demo(Scenario::Oauth2MissingScope);
    assert!(!scoped
        .oauth2_scopes
        .split(' ')
        .any(|s| s == "tweet.write" || s == "dm.write"));
    assert_eq!(
        me(&sb, &scoped.oauth2_access_token).await.status,
        StatusCode::OK
    );
    assert_eq!(
        post_tweet(&sb, &scoped.oauth2_access_token, "x")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send_dm(&sb, &scoped.oauth2_access_token).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn bookmarks_take_oauth2_only_and_v1_1_takes_no_oauth2() {
    let sb = Sandbox::start().await.unwrap();
    let demo = sb.demo(Scenario::FullAccess);
    let bookmarks = format!("{}/2/users/{}/bookmarks", sb.base_url(), demo.user_id);
    let signed = http()
        .oauth1(
            Secrets::new(demo.api_key.as_str(), demo.api_key_secret.as_str()).token(
                demo.access_token.as_str(),
                demo.access_token_secret.as_str(),
            ),
        )
        .post(&bookmarks)
        .json(&json!({"tweet_id": "1460323737035677698"}))
        .send()
        .await
        .unwrap();
    let oauth1 = Answer::of(signed).await;
    assert_eq!(oauth1.status, StatusCode::FORBIDDEN);
    assert_eq!(
        oauth1.body,
        r#"{"title":"Unsupported Authentication","detail":"Authenticating with OAuth 1.0a User Context is forbidden for this endpoint.  Supported authentication types are [OAuth 2.0 User Context].","type":"https://api.twitter.com/2/problems/unsupported-authentication","status":403}"#
    );
    assert!(oauth1.explain.contains("OAuth 2.0"), "{}", oauth1.explain);
    let bookmark = |token: String| {
        let url = bookmarks.clone();
        async move {
            let resp = http()
                .post(url)
                .bearer_auth(token)
                .json(&json!({"tweet_id": "1460323737035677698"}))
                .send()
                .await
                .unwrap();
            Answer::of(resp).await
        }
    };
    let ok = bookmark(demo.oauth2_access_token.clone()).await;
    assert_eq!(
        (ok.status, ok.body.as_str()),
        (StatusCode::OK, r#"{"data":{"bookmarked":true}}"#)
    );
    let narrow = login(&sb, Client::Confidential(demo), "tweet.read users.read").await;
    let no_scope = bookmark(str_of(&narrow, "access_token").to_string()).await;
    assert_eq!(no_scope.status, StatusCode::FORBIDDEN);
    assert!(
        no_scope.explain.contains("bookmark.write"),
        "{}",
        no_scope.explain
    );

    // An OAuth 2.0 token on v1.1: 403 ("OAuth 2.0 can be used with the X API v2 only").
    let v1 = http()
        .get(format!(
            "{}/1.1/account/verify_credentials.json",
            sb.base_url()
        ))
        .bearer_auth(&demo.oauth2_access_token)
        .send()
        .await
        .unwrap();
    let v1 = Answer::of(v1).await;
    assert_eq!(v1.status, StatusCode::FORBIDDEN);
    assert_eq!(v1.json()["errors"][0]["code"], 220);
    assert!(v1.explain.contains("v2 only"), "{}", v1.explain);
}

#[tokio::test]
async fn the_oauth2_scenarios_fail_as_they_say() {
    let sb = Sandbox::start().await.unwrap();
    let expired = sb.demo(Scenario::Oauth2Expired);
    assert!(expired.oauth2_expires_at < sb.demo(Scenario::FullAccess).oauth2_expires_at);
    assert_eq!(
        me(&sb, &expired.oauth2_access_token).await.status,
        StatusCode::UNAUTHORIZED
    );
    let fresh = refresh(
        &sb,
        Client::Confidential(expired),
        &expired.oauth2_refresh_token,
    )
    .await;
    assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.explain);
    let who = me(&sb, str_of(&fresh.json(), "access_token")).await;
    assert_eq!(who.json()["data"]["username"], "xkeys_o2expired");

    let revoked = sb.demo(Scenario::Oauth2Revoked);
    assert_eq!(
        me(&sb, &revoked.oauth2_access_token).await.status,
        StatusCode::UNAUTHORIZED
    );
    refresh(
        &sb,
        Client::Confidential(revoked),
        &revoked.oauth2_refresh_token,
    )
    .await
    .token_error(
        400,
        "invalid_request",
        "Value passed for the token was invalid.",
    );

    let reused = sb.demo(Scenario::Oauth2RefreshReused);
    assert_eq!(
        me(&sb, &reused.oauth2_access_token).await.status,
        StatusCode::OK
    );
    let again = refresh(
        &sb,
        Client::Confidential(reused),
        &reused.oauth2_refresh_token,
    )
    .await;
    again.token_error(
        400,
        "invalid_request",
        "Value passed for the token was invalid.",
    );
    assert!(again.explain.contains("rotate"), "{}", again.explain);

    // A refresh token works only for its own client.
    let other = refresh(
        &sb,
        Client::Confidential(sb.demo(Scenario::FullAccess)),
        &expired.oauth2_refresh_token,
    )
    .await;
    assert_eq!(other.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_other_scenarios_apply_to_oauth2_calls_too() {
    let sb = Sandbox::start().await.unwrap();
    for (scenario, status) in [
        (Scenario::FullAccess, 200),
        (Scenario::ReadOnly, 200),
        (Scenario::V1Unavailable, 200),
        (Scenario::AppNotEnrolled, 403),
        (Scenario::UserNotEnrolled, 403),
        (Scenario::CreditsDepleted, 402),
        (Scenario::RateLimited, 429),
        (Scenario::ServerError, 500),
        (Scenario::ServiceUnavailable, 503),
    ] {
        let answer = me(&sb, &sb.demo(scenario).oauth2_access_token).await;
        assert_eq!(
            answer.status.as_u16(),
            status,
            "{scenario}: {}",
            answer.explain
        );
    }
    // A read-only OAuth 1.0a token says nothing about OAuth 2.0: scopes decide.
    let post = post_tweet(
        &sb,
        &sb.demo(Scenario::ReadOnly).oauth2_access_token,
        "scopes decide",
    )
    .await;
    assert_eq!(post.status, StatusCode::CREATED, "{}", post.explain);
}

#[tokio::test]
async fn refusals_are_explained_and_never_show_a_token_or_secret() {
    let sb = Sandbox::start().await.unwrap();
    let demo = sb.demo(Scenario::FullAccess);
    let tokens = login(
        &sb,
        Client::Confidential(demo),
        "tweet.read users.read offline.access",
    )
    .await;
    let access = str_of(&tokens, "access_token").to_string();
    let refresh_token = str_of(&tokens, "refresh_token").to_string();
    let mut answers = vec![
        me(&sb, &refresh_token).await,
        me(&sb, "bm90LWEtdG9rZW4").await,
        post_tweet(
            &sb,
            &sb.demo(Scenario::Oauth2MissingScope).oauth2_access_token,
            "x",
        )
        .await,
        refresh(&sb, Client::Public(&demo.client_id), &refresh_token).await,
        revoke(
            &sb,
            Client::Confidential(sb.demo(Scenario::ReadWrite)),
            &access,
            "access_token",
        )
        .await,
        post(
            &sb,
            "/2/oauth2/token",
            Client::Confidential(demo),
            &[("grant_type", "client_credentials")],
            Wire::Form,
        )
        .await,
        post(
            &sb,
            "/2/oauth2/token",
            Client::Confidential(demo),
            &[],
            Wire::Form,
        )
        .await,
    ];
    assert_eq!(answers[0].status, StatusCode::UNAUTHORIZED);
    assert!(
        answers[0].explain.contains("a refresh token"),
        "{}",
        answers[0].explain
    );
    assert_eq!(
        answers[4].status,
        StatusCode::BAD_REQUEST,
        "another client's token"
    );
    answers[5].token_error(
        400,
        "unsupported_grant_type",
        "Value passed for the grant type was invalid.",
    );
    answers[6].token_error(
        400,
        "invalid_request",
        "Missing required parameter [grant_type].",
    );
    answers.push(revoke(&sb, Client::Confidential(demo), &access, "access_token").await);
    answers.push(me(&sb, &access).await);
    let secrets = [
        access.as_str(),
        refresh_token.as_str(),
        demo.client_secret.as_str(),
        demo.oauth2_access_token.as_str(),
    ];
    for answer in &answers {
        assert!(!answer.explain.is_empty(), "{}", answer.body);
        for secret in secrets {
            assert!(
                !answer.explain.contains(secret) && !answer.explain.contains(&secret[..12]),
                "{}",
                answer.explain
            );
            assert!(!answer.body.contains(secret), "{}", answer.body);
        }
    }
    // The Authorization header of a confidential client is Basic, as reqwest sends it.
    let raw = http()
        .post(format!("{}/2/oauth2/token", sb.base_url()))
        .header(AUTHORIZATION, "Basic !!!")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("grant_type=refresh_token&refresh_token=x")
        .send()
        .await
        .unwrap();
    Answer::of(raw).await.token_error(
        401,
        "unauthorized_client",
        "Missing valid authorization header",
    );
}

/// The `xkeys-sandbox` program (the `sandbox` example) prints every demo app's OAuth 2.0
/// client and the public one, and serves their tokens.
#[test]
fn the_program_prints_the_demo_oauth2_clients() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(common::example_bin("sandbox"))
        .args(["--port", "0", "--no-env-keys"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn the sandbox example");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut banner = String::new();
    while !banner.contains("Ctrl-C to stop.") {
        let line = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the banner in time");
        banner.push_str(&line);
        banner.push('\n');
    }
    let base = banner
        .lines()
        .find_map(|l| l.strip_prefix("xkeys sandbox listening on "))
        .expect("base URL")
        .to_string();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let demo = xkeys_sandbox::Account::demo(Scenario::FullAccess).to_demo();
    let status = rt.block_on(async {
        http()
            .get(format!("{base}/2/users/me"))
            .bearer_auth(&demo.oauth2_access_token)
            .send()
            .await
            .map(|r| r.status())
    });
    child.kill().expect("kill");
    let _ = child.wait();
    for &s in Scenario::ALL {
        let d = xkeys_sandbox::Account::demo(s).to_demo();
        assert!(
            banner.contains(&format!(
                "X_CLIENT_ID={}\nX_CLIENT_SECRET={}\n",
                d.client_id, d.client_secret
            )),
            "{s}"
        );
    }
    assert!(banner.contains(&format!("{base}/i/oauth2/authorize")));
    assert!(banner.contains(DEMO_REDIRECT_URI));
    let public = banner
        .lines()
        .find_map(|l| {
            l.strip_prefix("Public client (PKCE, no secret) of full-access: X_CLIENT_ID=")
        })
        .expect("the public client");
    assert!(public.len() == 34 && public.ends_with("MTpjaQ"), "{public}");
    assert!(
        !banner.contains(&demo.oauth2_access_token),
        "tokens are not printed"
    );
    assert_eq!(status.expect("answered").as_u16(), 200);
}
