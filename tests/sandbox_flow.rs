//! The PIN flow end to end, and 1,000 concurrent signed requests.

use std::time::Duration;

use reqwest_oauth1::{OAuthClientProvider, OAuthParameters, Secrets, TokenReaderFuture};
use serde_json::Value;
use xkeys_sandbox::{Account, Sandbox, SandboxConfig, Scenario};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

/// Runs request_token → authorize page → approve as `username` → PIN → access_token.
async fn pin_flow(
    sb: &Sandbox,
    app: Scenario,
    username: &str,
    access_type: Option<&str>,
) -> (String, String, String, String) {
    let demo = sb.demo(app);
    let base = sb.base_url();

    let mut req = client()
        .oauth1_with_params(
            Secrets::new(demo.api_key.as_str(), demo.api_key_secret.as_str()),
            OAuthParameters::new().callback("oob"),
        )
        .post(format!("{base}/oauth/request_token"));
    if let Some(t) = access_type {
        req = req.form(&[("x_auth_access_type", t)]);
    }
    let rt = req.send().parse_oauth_token().await.expect("request token");
    assert_eq!(
        rt.remain
            .get("oauth_callback_confirmed")
            .map(String::as_str),
        Some("true")
    );

    let page = client()
        .get(format!("{base}/oauth/authorize"))
        .query(&[("oauth_token", rt.oauth_token.as_str())])
        .send()
        .await
        .expect("authorize page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("xkeys demo app (full-access)") || html.contains(app.name()));
    assert!(html.contains("<select") && html.contains(&format!("value=\"{username}\"")));
    assert!(html.contains("Authorize app"));
    let asked = match access_type {
        Some("read") => "<strong>Read</strong>",
        _ => "<strong>Read and write and Direct message</strong>",
    };
    assert!(html.contains(asked), "{html}");

    let approved = client()
        .post(format!("{base}/oauth/authorize"))
        .form(&[
            ("oauth_token", rt.oauth_token.as_str()),
            ("username", username),
        ])
        .send()
        .await
        .expect("approve");
    assert_eq!(approved.status(), 200);
    let html = approved.text().await.expect("html");
    let pin = html
        .split("id=\"pin\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("a PIN on the page")
        .to_string();
    assert_eq!(pin.len(), 7);
    assert!(pin.bytes().all(|b| b.is_ascii_digit()));

    let access = client()
        .oauth1_with_params(
            Secrets::new(demo.api_key.as_str(), demo.api_key_secret.as_str())
                .token(rt.oauth_token.as_str(), rt.oauth_token_secret.as_str()),
            OAuthParameters::new().verifier(pin.as_str()),
        )
        .post(format!("{base}/oauth/access_token"))
        .send()
        .parse_oauth_token()
        .await
        .expect("access token");

    // The PIN is single-use.
    let again = client()
        .oauth1_with_params(
            Secrets::new(demo.api_key.as_str(), demo.api_key_secret.as_str())
                .token(rt.oauth_token.as_str(), rt.oauth_token_secret.as_str()),
            OAuthParameters::new().verifier(pin.as_str()),
        )
        .post(format!("{base}/oauth/access_token"))
        .send()
        .await
        .expect("send");
    assert_eq!(again.status(), 401);

    let user_id = access.remain.get("user_id").cloned().expect("user_id");
    let screen_name = access
        .remain
        .get("screen_name")
        .cloned()
        .expect("screen_name");
    (
        access.oauth_token,
        access.oauth_token_secret,
        user_id,
        screen_name,
    )
}

#[tokio::test]
async fn pin_flow_end_to_end() {
    let sb = Sandbox::start().await.expect("sandbox");
    let app = sb.demo(Scenario::FullAccess);
    let (token, secret, user_id, screen_name) =
        pin_flow(&sb, Scenario::FullAccess, "xkeys_readonly", None).await;
    let me = sb.demo(Scenario::ReadOnly);
    assert_eq!(user_id, me.user_id);
    assert_eq!(screen_name, "xkeys_readonly");
    assert_eq!(token.len(), 50);
    assert!(token.starts_with(&format!("{user_id}-")));
    assert_eq!(secret.len(), 45);

    // The new token is real: /2/users/me answers as its user, with the app's access level.
    let resp = client()
        .oauth1(
            Secrets::new(app.api_key.as_str(), app.api_key_secret.as_str())
                .token(token.as_str(), secret.as_str()),
        )
        .get(format!("{}/2/users/me", sb.base_url()))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["x-access-level"],
        "read-write-directmessages"
    );
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["data"]["username"], "xkeys_readonly");
}

#[tokio::test]
async fn x_auth_access_type_downscopes_the_new_token() {
    let sb = Sandbox::start().await.expect("sandbox");
    let app = sb.demo(Scenario::FullAccess);
    let (token, secret, _, _) =
        pin_flow(&sb, Scenario::FullAccess, "xkeys_full", Some("read")).await;
    let secrets = Secrets::new(app.api_key.as_str(), app.api_key_secret.as_str())
        .token(token.as_str(), secret.as_str());
    let resp = client()
        .oauth1(secrets.clone())
        .get(format!("{}/2/users/me", sb.base_url()))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.headers()["x-access-level"], "read");
    let resp = client()
        .oauth1(secrets)
        .post(format!("{}/2/tweets", sb.base_url()))
        .json(&serde_json::json!({"text": "not allowed"}))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 403);
}

/// `POST /oauth/request_token` signed by `key`/`secret` with this `oauth_callback`: the status and
/// the v1.1 error code (0 if none).
async fn request_token_with(url: &str, key: &str, secret: &str, callback: &str) -> (u16, i64) {
    let resp = client()
        .oauth1_with_params(
            Secrets::new(key, secret),
            OAuthParameters::new().callback(callback),
        )
        .post(url)
        .send()
        .await
        .expect("send");
    let status = resp.status().as_u16();
    let body: Value = resp.json().await.unwrap_or_default();
    (status, body["errors"][0]["code"].as_i64().unwrap_or(0))
}

#[tokio::test]
async fn a_callback_must_be_oob_or_registered_415_for_a_web_app_417_for_a_pin_only_app() {
    const KEY: &str = "XkeysPinOnlyApiKey0123456";
    const SECRET: &str = "XkeysPinOnlyApiKeySecret0123456789abcdefghijABCDEF";
    let pin_only = Account::new(
        KEY,
        SECRET,
        "1790000000000000077-XkeysPinOnlyAccessToken0123456789",
        "XkeysPinOnlyAccessTokenSecret0123456789abcde",
    );
    let sb = Sandbox::start_with(
        SandboxConfig::default()
            .callback_url("https://bot.example/twitter/callback")
            .account(pin_only),
    )
    .await
    .expect("sandbox");
    let demo = sb.demo(Scenario::FullAccess);
    let url = format!("{}/oauth/request_token", sb.base_url());
    let (key, secret) = (demo.api_key.as_str(), demo.api_key_secret.as_str());
    // Every demo app registers DEMO_CALLBACK_URL, plus the configured one.
    for registered in [
        xkeys_sandbox::DEMO_CALLBACK_URL,
        "https://bot.example/twitter/callback",
        "oob",
    ] {
        assert_eq!(
            request_token_with(&url, key, secret, registered).await,
            (200, 0),
            "{registered}"
        );
    }
    // Matched exactly: another URL, even a trailing slash more, is 403 code 415.
    for not_registered in [
        "https://example.com/cb",
        "https://bot.example/twitter/callback/",
    ] {
        assert_eq!(
            request_token_with(&url, key, secret, not_registered).await,
            (403, 415),
            "{not_registered}"
        );
    }
    // An app that registers no callback URL is a PIN-only app: 401 code 417.
    assert_eq!(
        request_token_with(&url, KEY, SECRET, "https://example.com/cb").await,
        (401, 417)
    );
    assert_eq!(request_token_with(&url, KEY, SECRET, "oob").await, (200, 0));
}

#[test]
fn eleven_callback_urls_are_one_too_many() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let app = (0..11).fold(Account::generated(1), |a, i| {
        a.callback_url(format!("https://bot.example/cb/{i}"))
    });
    let started = runtime.block_on(Sandbox::start_with(SandboxConfig::default().account(app)));
    assert!(
        matches!(
            started,
            Err(xkeys_sandbox::SandboxError::TooManyCallbackUrls(_))
        ),
        "{started:?}"
    );
}

#[tokio::test]
async fn request_token_needs_oob_and_a_valid_signature() {
    let sb = Sandbox::start().await.expect("sandbox");
    let demo = sb.demo(Scenario::FullAccess);
    let url = format!("{}/oauth/request_token", sb.base_url());
    let resp = client()
        .oauth1(Secrets::new(
            demo.api_key.as_str(),
            demo.api_key_secret.as_str(),
        ))
        .post(&url)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 400);
    let resp = client()
        .oauth1_with_params(
            Secrets::new(demo.api_key.as_str(), "wrong-secret"),
            OAuthParameters::new().callback("oob"),
        )
        .post(&url)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 401);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["errors"][0]["code"], 32);
    let page = client()
        .get(format!(
            "{}/oauth/authorize?oauth_token=unknown",
            sb.base_url()
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(page.status(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_signed_requests() {
    let accounts: Vec<Account> = (0..1000).map(Account::generated).collect();
    let config = SandboxConfig::default().accounts(accounts.clone());
    let sb = Sandbox::start_with(config).await.expect("sandbox");
    let me = format!("{}/2/users/me", sb.base_url());
    let c = client();
    let mut tasks = tokio::task::JoinSet::new();
    for account in accounts {
        let demo = account.to_demo();
        let (c, me) = (c.clone(), me.clone());
        tasks.spawn(async move {
            let resp = c
                .oauth1(
                    Secrets::new(demo.api_key.as_str(), demo.api_key_secret.as_str()).token(
                        demo.access_token.as_str(),
                        demo.access_token_secret.as_str(),
                    ),
                )
                .get(&me)
                .send()
                .await
                .expect("send");
            let status = resp.status().as_u16();
            let body: Value = resp.json().await.expect("json");
            (
                status,
                body["data"]["id"].as_str() == Some(demo.user_id.as_str()),
            )
        });
    }
    let mut ok = 0;
    while let Some(result) = tasks.join_next().await {
        let (status, same_user) = result.expect("task");
        assert_eq!(status, 200);
        assert!(same_user);
        ok += 1;
    }
    assert_eq!(ok, 1000);
}

#[tokio::test]
async fn ten_thousand_generated_accounts_are_cheap_and_distinct() {
    let started = std::time::Instant::now();
    let accounts: Vec<Account> = (0..10_000).map(Account::generated).collect();
    let keys: std::collections::HashSet<_> =
        accounts.iter().map(|a| a.api_key().to_string()).collect();
    let tokens: std::collections::HashSet<_> = accounts
        .iter()
        .map(|a| a.access_token().to_string())
        .collect();
    assert_eq!((keys.len(), tokens.len()), (10_000, 10_000));
    assert_eq!(
        Account::generated(42).access_token(),
        accounts[42].access_token()
    );
    let sb = Sandbox::start_with(SandboxConfig::default().accounts(accounts))
        .await
        .expect("sandbox with 10,000 accounts");
    assert!(started.elapsed() < Duration::from_secs(10));
    let last = Account::generated(9_999).to_demo();
    let resp = client()
        .oauth1(
            Secrets::new(last.api_key.as_str(), last.api_key_secret.as_str()).token(
                last.access_token.as_str(),
                last.access_token_secret.as_str(),
            ),
        )
        .get(format!("{}/2/users/me", sb.base_url()))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["data"]["username"], "xk_load_9999");
}

#[tokio::test]
async fn cancelling_on_the_authorize_page_issues_no_pin_and_kills_the_request_token() {
    let sb = Sandbox::start().await.expect("sandbox");
    let demo = sb.demo(Scenario::FullAccess);
    let base = sb.base_url();
    let rt = client()
        .oauth1_with_params(
            Secrets::new(demo.api_key.as_str(), demo.api_key_secret.as_str()),
            OAuthParameters::new().callback("oob"),
        )
        .post(format!("{base}/oauth/request_token"))
        .send()
        .parse_oauth_token()
        .await
        .expect("request token");
    let page = client()
        .get(format!("{base}/oauth/authorize"))
        .query(&[("oauth_token", rt.oauth_token.as_str())])
        .send()
        .await
        .expect("authorize page");
    assert!(page
        .text()
        .await
        .expect("html")
        .contains("value=\"deny\">Cancel</button>"));

    let cancelled = client()
        .post(format!("{base}/oauth/authorize"))
        .form(&[
            ("oauth_token", rt.oauth_token.as_str()),
            ("username", "xkeys_full"),
            ("decision", "deny"),
        ])
        .send()
        .await
        .expect("cancel");
    assert_eq!(cancelled.status(), 200);
    let html = cancelled.text().await.expect("html");
    assert!(
        html.contains("You did not authorize the app") && !html.contains("id=\"pin\""),
        "{html}"
    );

    let access = client()
        .oauth1_with_params(
            Secrets::new(demo.api_key.as_str(), demo.api_key_secret.as_str())
                .token(rt.oauth_token.as_str(), rt.oauth_token_secret.as_str()),
            OAuthParameters::new().verifier("1234567"),
        )
        .post(format!("{base}/oauth/access_token"))
        .send()
        .await
        .expect("send");
    assert_eq!(access.status(), 401);
    let explain = access
        .headers()
        .get("x-sandbox-explain")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        explain.contains("unknown token") && explain.contains("cancelled"),
        "{explain}"
    );
}

#[tokio::test]
async fn invalidate_token_revokes_the_token_for_good() {
    let sb = Sandbox::start().await.expect("sandbox");
    let demo = sb.demo(Scenario::FullAccess);
    let base = sb.base_url();
    let signed = || {
        client().oauth1(
            Secrets::new(demo.api_key.as_str(), demo.api_key_secret.as_str()).token(
                demo.access_token.as_str(),
                demo.access_token_secret.as_str(),
            ),
        )
    };
    let me = signed()
        .get(format!("{base}/2/users/me"))
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), 200);

    let revoked = signed()
        .post(format!("{base}/1.1/oauth/invalidate_token"))
        .send()
        .await
        .expect("invalidate");
    assert_eq!(revoked.status(), 200);
    let body: Value = revoked.json().await.expect("json");
    assert_eq!(body["access_token"], demo.access_token.as_str());

    let me = signed()
        .get(format!("{base}/2/users/me"))
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), 401, "v2 answers the bare 401");
    let v1 = signed()
        .get(format!("{base}/1.1/account/verify_credentials.json"))
        .send()
        .await
        .expect("v1.1");
    assert_eq!(v1.status(), 401);
    let body: Value = v1.json().await.expect("json");
    assert_eq!(
        body["errors"][0]["code"], 89,
        "v1.1: Invalid or expired token"
    );
}
