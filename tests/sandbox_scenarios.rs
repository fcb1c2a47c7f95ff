//! Every scenario answers with X's status, problem `type`/`reason` and headers; the
//! endpoints answer with X's shapes (the sources are cited beside each body in the sandbox's
//! `x` module).

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest_oauth1::{OAuthClientProvider, OAuthParameters, Secrets};
use serde_json::Value;
use xkeys_sandbox::{Sandbox, SandboxConfig, Scenario};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

fn secrets(d: &xkeys_sandbox::DemoAccount) -> Secrets<'_> {
    Secrets::new(d.api_key.as_str(), d.api_key_secret.as_str())
        .token(d.access_token.as_str(), d.access_token_secret.as_str())
}

fn header(resp: &reqwest::Response, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

async fn get_me(sb: &Sandbox, s: Scenario) -> reqwest::Response {
    client()
        .oauth1(secrets(sb.demo(s)))
        .get(format!("{}/2/users/me", sb.base_url()))
        .send()
        .await
        .expect("send")
}

async fn post(sb: &Sandbox, s: Scenario, text: &str) -> reqwest::Response {
    client()
        .oauth1(secrets(sb.demo(s)))
        .post(format!("{}/2/tweets", sb.base_url()))
        .json(&serde_json::json!({ "text": text }))
        .send()
        .await
        .expect("send")
}

async fn dm(sb: &Sandbox, s: Scenario, to: &str) -> reqwest::Response {
    client()
        .oauth1(secrets(sb.demo(s)))
        .post(format!(
            "{}/2/dm_conversations/with/{to}/messages",
            sb.base_url()
        ))
        .json(&serde_json::json!({ "text": "hi" }))
        .send()
        .await
        .expect("send")
}

async fn v1(sb: &Sandbox, s: Scenario) -> reqwest::Response {
    client()
        .oauth1(secrets(sb.demo(s)))
        .get(format!(
            "{}/1.1/account/verify_credentials.json",
            sb.base_url()
        ))
        .query(&[("include_entities", "false"), ("skip_status", "true")])
        .send()
        .await
        .expect("send")
}

/// Status, body as JSON, and the headers every response carries.
async fn answer(resp: reqwest::Response) -> (u16, Value, reqwest::header::HeaderMap) {
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    assert_eq!(
        headers["content-type"], "application/json; charset=utf-8",
        "content-type"
    );
    assert_eq!(headers["api-version"], "2.167");
    assert!(headers.contains_key("date"));
    let body: Value = resp.json().await.expect("json body");
    (status, body, headers)
}

#[tokio::test]
async fn full_access_reads_posts_deletes_and_sends_dms() {
    let sb = Sandbox::start().await.expect("sandbox");
    let demo = sb.demo(Scenario::FullAccess);

    let (status, body, h) = answer(get_me(&sb, Scenario::FullAccess).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["username"], demo.username.as_str());
    assert_eq!(body["data"]["id"], demo.user_id.as_str());
    assert_eq!(h["x-access-level"], "read-write-directmessages");
    assert_eq!(h["x-rate-limit-limit"], "75");
    assert_eq!(h["x-rate-limit-remaining"], "74");
    let reset: i64 = h["x-rate-limit-reset"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("number");
    assert!(reset > unix_now() && reset <= unix_now() + 900);

    let (status, body, h) = answer(post(&sb, Scenario::FullAccess, "hello").await).await;
    assert_eq!(status, 201);
    assert_eq!(h["x-rate-limit-limit"], "100");
    let id = body["data"]["id"].as_str().expect("id").to_string();
    assert_eq!(id.len(), 19);
    assert_eq!(body["data"]["text"], "hello");
    assert_eq!(body["data"]["edit_history_tweet_ids"][0], id.as_str());

    // The same text twice: X's duplicate body.
    let (status, body, _) = answer(post(&sb, Scenario::FullAccess, "hello").await).await;
    assert_eq!(status, 403);
    assert_eq!(
        body["detail"],
        "You are not allowed to create a Tweet with duplicate content."
    );
    assert_eq!(body["type"], "about:blank");

    let del = |id: String| {
        client()
            .oauth1(secrets(demo))
            .delete(format!("{}/2/tweets/{id}", sb.base_url()))
            .send()
    };
    let (status, body, h) = answer(del(id.clone()).await.expect("send")).await;
    assert_eq!(
        (status, body),
        (200, serde_json::json!({"data": {"deleted": true}}))
    );
    assert_eq!(h["x-rate-limit-limit"], "50");
    let (status, _, _) = answer(del(id).await.expect("send")).await;
    assert_eq!(status, 404);

    let other = &sb.demo(Scenario::ReadOnly).user_id;
    let (status, body, h) = answer(dm(&sb, Scenario::FullAccess, other).await).await;
    assert_eq!(status, 201);
    assert_eq!(h["x-rate-limit-limit"], "15");
    let conv = body["data"]["dm_conversation_id"].as_str().expect("conv");
    assert!(conv.contains(&demo.user_id) && conv.contains(other.as_str()));
    assert!(body["data"]["dm_event_id"].is_string());
    let (status, body, _) = answer(dm(&sb, Scenario::FullAccess, "not-a-number").await).await;
    assert_eq!(status, 400);
    assert_eq!(body["title"], "Invalid Request");

    let (status, body, _) = answer(v1(&sb, Scenario::FullAccess).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["screen_name"], demo.username.as_str());
    assert_eq!(body["id_str"], demo.user_id.as_str());
}

#[tokio::test]
async fn user_fields_and_lookup_by_username() {
    let sb = Sandbox::start().await.expect("sandbox");
    let demo = sb.demo(Scenario::FullAccess);
    let resp = client()
        .oauth1(secrets(demo))
        .get(format!("{}/2/users/me", sb.base_url()))
        .query(&[(
            "user.fields",
            "created_at,description,public_metrics,verified,verified_type,subscription_type,profile_image_url,protected",
        )])
        .send()
        .await
        .expect("send");
    let (status, body, _) = answer(resp).await;
    assert_eq!(status, 200);
    let d = &body["data"];
    let created = d["created_at"].as_str().expect("created_at");
    assert!(
        created.ends_with(".000Z") && created.starts_with("20"),
        "{created}"
    );
    assert_eq!(d["verified"], false);
    assert_eq!(d["protected"], false);
    assert!(d["description"]
        .as_str()
        .expect("description")
        .contains("xkeys"));
    assert!(d["profile_image_url"]
        .as_str()
        .expect("url")
        .starts_with("https://"));
    assert!(d["public_metrics"]["tweet_count"].is_u64());

    let resp = client()
        .oauth1(secrets(demo))
        .get(format!("{}/2/users/me", sb.base_url()))
        .query(&[("user.fields", "shoe_size")])
        .send()
        .await
        .expect("send");
    let (status, body, _) = answer(resp).await;
    assert_eq!(status, 400);
    assert_problem(&body, "invalid-request");
    assert_eq!(
        body["errors"][0]["parameters"]["user.fields"][0],
        "shoe_size"
    );

    // Bearer (app-only) and OAuth 1.0a both work on user lookup.
    let url = format!("{}/2/users/by/username/XKEYS_READONLY", sb.base_url());
    let resp = client()
        .get(&url)
        .bearer_auth(&demo.bearer_token)
        .send()
        .await
        .expect("send");
    let (status, body, h) = answer(resp).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["username"], "xkeys_readonly");
    assert!(!h.contains_key("x-access-level"));
    assert_eq!(h["x-rate-limit-limit"], "300");
    let resp = client()
        .oauth1(secrets(demo))
        .get(&url)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    let resp = client()
        .get(format!("{}/2/users/by/username/nobody_here", sb.base_url()))
        .bearer_auth(&demo.bearer_token)
        .send()
        .await
        .expect("send");
    let (status, body, _) = answer(resp).await;
    assert_eq!(status, 200);
    assert_eq!(body["errors"][0]["title"], "Not Found Error");
    let resp = client()
        .get(&url)
        .bearer_auth("AAAAAAAAAAAAAAAAAAAAAnope")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn permission_scenarios() {
    let sb = Sandbox::start().await.expect("sandbox");
    let someone = sb.demo(Scenario::FullAccess).user_id.clone();

    // read-only: reads work, writes get oauth1-permissions with x-access-level: read.
    let (status, _, h) = answer(get_me(&sb, Scenario::ReadOnly).await).await;
    assert_eq!(
        (status, &h["x-access-level"]),
        (200, &"read".parse().expect("hv"))
    );
    let (status, body, h) = answer(post(&sb, Scenario::ReadOnly, "nope").await).await;
    assert_eq!(status, 403);
    assert_problem(&body, "oauth1-permissions");
    assert_eq!(h["x-access-level"], "read");
    assert!(h.contains_key("x-rate-limit-remaining"));
    let explain = h["x-sandbox-explain"].to_str().expect("ascii");
    assert!(explain.contains("regenerate"), "{explain}");

    // read-write: posts work, DMs don't.
    let (status, _, h) = answer(post(&sb, Scenario::ReadWrite, "yes").await).await;
    assert_eq!(
        (status, &h["x-access-level"]),
        (201, &"read-write".parse().expect("hv"))
    );
    let (status, body, _) = answer(dm(&sb, Scenario::ReadWrite, &someone).await).await;
    assert_eq!(status, 403);
    assert_problem(&body, "oauth1-permissions");
}

#[tokio::test]
async fn account_scenarios_answer_as_x_does() {
    let sb = Sandbox::start().await.expect("sandbox");

    let (status, body, h) = answer(get_me(&sb, Scenario::Revoked).await).await;
    assert_eq!(status, 401);
    assert_eq!(body["type"], "about:blank");
    assert!(!h.contains_key("x-access-level"));
    assert!(h["x-sandbox-explain"]
        .to_str()
        .expect("ascii")
        .contains("revoked"));
    let (status, body, _) = answer(v1(&sb, Scenario::Revoked).await).await;
    assert_eq!(
        (status, &body["errors"][0]["code"]),
        (401, &Value::from(89))
    );

    let (status, body, _) = answer(get_me(&sb, Scenario::AppNotEnrolled).await).await;
    assert_eq!(status, 403);
    assert_problem(&body, "client-forbidden");
    assert_eq!(body["reason"], "client-not-enrolled");
    assert!(body["client_id"]
        .as_str()
        .expect("client_id")
        .bytes()
        .all(|b| b.is_ascii_digit()));

    let (status, body, _) = answer(get_me(&sb, Scenario::UserNotEnrolled).await).await;
    assert_eq!(status, 403);
    assert_problem(&body, "client-forbidden");
    assert_eq!(body["reason"], "user-not-enrolled");

    let resp = post(&sb, Scenario::CreditsDepleted, "paid").await;
    assert_eq!(resp.status(), 402);
    let text = resp.text().await.expect("body");
    assert_eq!(text.len(), 185, "{text}");
    let body: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(body["title"], "CreditsDepleted");
    assert_problem(&body, "credits");
    let id = &sb.demo(Scenario::CreditsDepleted).user_id;
    assert!(text.contains(&format!("[{id}]")));

    let (status, body, h) = answer(get_me(&sb, Scenario::RateLimited).await).await;
    assert_eq!(status, 429);
    assert_eq!(body["title"], "Too Many Requests");
    assert_eq!(h["x-rate-limit-remaining"], "0");
    assert_eq!(h["x-rate-limit-limit"], "75");
    let reset: i64 = h["x-rate-limit-reset"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("number");
    assert!(reset > unix_now());
    let (status, body, _) = answer(v1(&sb, Scenario::RateLimited).await).await;
    assert_eq!(
        (status, &body["errors"][0]["code"]),
        (429, &Value::from(88))
    );

    let (status, body, _) = answer(post(&sb, Scenario::DuplicatePost, "first time").await).await;
    assert_eq!(status, 403);
    assert_eq!(
        body["detail"],
        "You are not allowed to create a Tweet with duplicate content."
    );

    let (status, _, _) = answer(get_me(&sb, Scenario::V1Unavailable).await).await;
    assert_eq!(status, 200);
    let (status, body, _) = answer(v1(&sb, Scenario::V1Unavailable).await).await;
    assert_eq!(
        (status, &body["errors"][0]["code"]),
        (403, &Value::from(453))
    );

    let (status, body, _) = answer(get_me(&sb, Scenario::ServerError).await).await;
    assert_eq!((status, &body["status"]), (500, &Value::from(500)));
    let (status, body, _) = answer(get_me(&sb, Scenario::ServiceUnavailable).await).await;
    assert_eq!((status, &body["status"]), (503, &Value::from(503)));
}

#[tokio::test]
async fn clock_skew_shows_the_servers_time_and_accepts_its_clock() {
    let sb = Sandbox::start().await.expect("sandbox");
    let resp = get_me(&sb, Scenario::ClockSkew).await;
    assert_eq!(resp.status(), 401);
    let date = header(&resp, "date").expect("date");
    let server = httpdate::parse_http_date(&date).expect("http date");
    let ahead = server
        .duration_since(SystemTime::now())
        .expect("server clock ahead")
        .as_secs();
    assert!((3590..=3610).contains(&ahead), "{ahead}");
    let explain = header(&resp, "x-sandbox-explain").expect("explain");
    assert!(explain.contains("behind the server clock"), "{explain}");

    // A client that corrects its clock from `date` gets in.
    let ts = server
        .duration_since(UNIX_EPOCH)
        .expect("after epoch")
        .as_secs();
    let resp = client()
        .oauth1_with_params(
            secrets(sb.demo(Scenario::ClockSkew)),
            OAuthParameters::new().timestamp(ts),
        )
        .get(format!("{}/2/users/me", sb.base_url()))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn slow_delays_responses_and_latency_adds_to_all() {
    let config = SandboxConfig::default()
        .slow_delay(Duration::from_millis(400))
        .latency(Duration::from_millis(50));
    let sb = Sandbox::start_with(config).await.expect("sandbox");
    let started = Instant::now();
    assert_eq!(get_me(&sb, Scenario::Slow).await.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(450));

    let started = Instant::now();
    assert_eq!(get_me(&sb, Scenario::FullAccess).await.status(), 200);
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(50) && took < Duration::from_millis(400));

    // A client with a shorter timeout gives up.
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(150))
        .build()
        .expect("client");
    let err = impatient
        .oauth1(secrets(sb.demo(Scenario::Slow)))
        .get(format!("{}/2/users/me", sb.base_url()))
        .send()
        .await;
    assert!(err.is_err());
}

#[tokio::test]
async fn rate_limits_count_per_user_and_endpoint() {
    let sb = Sandbox::start().await.expect("sandbox");
    let to = sb.demo(Scenario::ReadOnly).user_id.clone();
    for i in 0..15 {
        let resp = dm(&sb, Scenario::FullAccess, &to).await;
        assert_eq!(resp.status(), 201);
        assert_eq!(
            header(&resp, "x-rate-limit-remaining"),
            Some((14 - i).to_string())
        );
    }
    let (status, body, h) = answer(dm(&sb, Scenario::FullAccess, &to).await).await;
    assert_eq!(status, 429);
    assert_eq!(body["title"], "Too Many Requests");
    assert_eq!(h["x-rate-limit-remaining"], "0");
    // Another endpoint, another counter.
    assert_eq!(get_me(&sb, Scenario::FullAccess).await.status(), 200);

    // A shared sandbox can be made fresh for the next test run: the windows are forgotten, the
    // used-up DM counter starts again, and the rate-limited account is at its limit again.
    let reset = client()
        .post(format!("{}/sandbox/rate-limits/reset", sb.base_url()))
        .send()
        .await
        .expect("reset");
    let (status, body, _) = answer(reset).await;
    assert_eq!((status, &body["windows_reset"]), (200, &2.into()), "{body}");
    assert_eq!(dm(&sb, Scenario::FullAccess, &to).await.status(), 201);
    assert_eq!(get_me(&sb, Scenario::RateLimited).await.status(), 429);
}

#[tokio::test]
async fn app_only_bearer_tokens() {
    let sb = Sandbox::start().await.expect("sandbox");
    let demo = sb.demo(Scenario::FullAccess);
    let url = format!("{}/oauth2/token", sb.base_url());
    let token = |key: String, secret: String| {
        client()
            .post(&url)
            .basic_auth(key, Some(secret))
            .header(
                "content-type",
                "application/x-www-form-urlencoded;charset=UTF-8",
            )
            .body("grant_type=client_credentials")
            .send()
    };
    let (status, body, _) = answer(
        token(demo.api_key.clone(), demo.api_key_secret.clone())
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["access_token"], demo.bearer_token.as_str());
    // Same token every time.
    let (_, again, _) = answer(
        token(demo.api_key.clone(), demo.api_key_secret.clone())
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(again["access_token"], body["access_token"]);
    // Wrong secret: 403 code 99.
    let (status, body, _) = answer(
        token(demo.api_key.clone(), "wrong".into())
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(
        (status, &body["errors"][0]["code"]),
        (403, &Value::from(99))
    );

    // Invalidate: the old token stops working, a new one is issued.
    let resp = client()
        .post(format!("{}/oauth2/invalidate_token", sb.base_url()))
        .basic_auth(&demo.api_key, Some(&demo.api_key_secret))
        .query(&[("access_token", demo.bearer_token.as_str())])
        .send()
        .await
        .expect("send");
    let (status, body, _) = answer(resp).await;
    assert_eq!(
        (status, &body["access_token"]),
        (200, &Value::from(demo.bearer_token.as_str()))
    );
    let lookup = format!("{}/2/users/by/username/xkeys_full", sb.base_url());
    let resp = client()
        .get(&lookup)
        .bearer_auth(&demo.bearer_token)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 401);
    let (_, fresh, _) = answer(
        token(demo.api_key.clone(), demo.api_key_secret.clone())
            .await
            .expect("send"),
    )
    .await;
    let fresh = fresh["access_token"].as_str().expect("token").to_string();
    assert_ne!(fresh, demo.bearer_token);
    assert!(fresh.starts_with("AAAAAAAAAAAAAAAAAAAAA") && fresh.contains("%3D"));
    let resp = client()
        .get(&lookup)
        .bearer_auth(&fresh)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
}

/// No header or body of any answer, refusals included, holds a secret (SECURITY.md).
#[tokio::test]
async fn no_answer_ever_contains_a_secret() {
    let sb = Sandbox::start_with(SandboxConfig::default().slow_delay(Duration::from_millis(1)))
        .await
        .expect("sandbox");
    let base = sb.base_url().to_string();
    let someone = sb.demo(Scenario::FullAccess).user_id.clone();
    let all_secrets: Vec<String> = sb
        .demos()
        .iter()
        .flat_map(|d| {
            [
                d.api_key_secret.clone(),
                d.access_token_secret.clone(),
                d.bearer_token.clone(),
            ]
        })
        .collect();
    let mut answers = 0;
    for demo in sb.demos() {
        let wrong = xkeys_sandbox::DemoAccount {
            access_token_secret: "wrong".into(),
            ..demo.clone()
        };
        for account in [demo, &wrong] {
            let c = || client().oauth1(secrets(account));
            let requests = vec![
                c().get(format!("{base}/2/users/me"))
                    .query(&[("user.fields", "created_at,description")]),
                c().post(format!("{base}/2/tweets"))
                    .json(&serde_json::json!({"text": "leak test"})),
                c().delete(format!("{base}/2/tweets/1950000000000000000")),
                c().post(format!("{base}/2/dm_conversations/with/{someone}/messages"))
                    .json(&serde_json::json!({"text": "hi"})),
                c().get(format!("{base}/2/users/by/username/xkeys_full")),
                c().get(format!("{base}/1.1/account/verify_credentials.json")),
                c().post(format!("{base}/sandbox/echo")).form(&[("a", "b")]),
            ];
            for req in requests {
                let resp = req.send().await.expect("send");
                let mut seen = format!("{:?}", resp.headers());
                seen.push_str(&resp.text().await.expect("body"));
                for secret in &all_secrets {
                    assert!(!seen.contains(secret.as_str()), "a secret leaked: {seen}");
                }
                answers += 1;
            }
        }
        // A Bearer Token on a user-context endpoint and a bad Basic login.
        let resp = client()
            .get(format!("{base}/2/users/me"))
            .bearer_auth(&demo.bearer_token)
            .send()
            .await
            .expect("send");
        let headers = format!("{:?}", resp.headers());
        let seen = headers + &resp.text().await.expect("body");
        assert!(!seen.contains(&demo.bearer_token));
        let resp = client()
            .post(format!("{base}/oauth2/token"))
            .basic_auth(&demo.api_key, Some("wrong"))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .expect("send");
        let headers = format!("{:?}", resp.headers());
        let seen = headers + &resp.text().await.expect("body");
        assert!(!seen.contains(&demo.api_key_secret) && !seen.contains(&demo.bearer_token));
    }
    assert_eq!(answers, Scenario::ALL.len() * 2 * 7);
}

/// The problem's `type` is `/2/problems/{suffix}` under one of X's two hosts (X sends both, and
/// the sandbox alternates them): compared by its end, never byte for byte.
fn assert_problem(body: &Value, suffix: &str) {
    let kind = body["type"].as_str().unwrap_or_default();
    let ok = ["https://api.twitter.com", "https://api.x.com"]
        .iter()
        .any(|host| kind == format!("{host}/2/problems/{suffix}"));
    assert!(ok, "type {kind:?} is not /2/problems/{suffix}: {body}");
}
