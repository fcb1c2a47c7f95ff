//! What real clients send, answered as X answers it, checked from Rust (so a machine without
//! Python or Node tests it too; `tests/real_clients.rs` runs the clients themselves): the
//! `oauth_*` parameters split between header and body, `/oauth/access_token` unsigned,
//! `/oauth/authenticate`, callback URLs, v1.1's shapes, X's request schemas, media upload, the DM
//! endpoints, rate-limit windows a client can wait out, problem types on both hosts.
//!
//! The hand-made requests are signed with the sandbox's public base-string and HMAC functions
//! over a parameter list written out here, so what is tested is which parameters the sandbox
//! collects, not the HMAC (which `tests/sandbox_oauth1.rs` checks against X's own example).

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest_oauth1::{OAuthClientProvider, OAuthParameters, Secrets};
use serde_json::{json, Value};
use xkeys_sandbox::oauth1::{hmac_sha1_signature, percent_encode, signature_base_string};
use xkeys_sandbox::{DemoAccount, ProblemTypes, Sandbox, SandboxConfig, Scenario};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn secrets(d: &DemoAccount) -> Secrets<'_> {
    Secrets::new(d.api_key.as_str(), d.api_key_secret.as_str())
        .token(d.access_token.as_str(), d.access_token_secret.as_str())
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

/// A signed POST with a form body, the `oauth_*` parameters in `header` going to the
/// `Authorization` header and those in `body` (with the rest) to the form body.
async fn split_post(
    url: &str,
    secrets: (&str, &str),
    header: &[(&str, &str)],
    body: &[(&str, &str)],
) -> reqwest::Response {
    let signed: Vec<(&str, &str)> = header.iter().chain(body).copied().collect();
    // A parameter sent in both places with one value is signed once, as clients sign it.
    let mut once = signed.clone();
    once.sort();
    once.dedup();
    let base = signature_base_string("POST", url, &once);
    let signature = hmac_sha1_signature(&base, secrets.0, secrets.1);
    let fields: Vec<String> = header
        .iter()
        .map(|(n, v)| format!("{n}=\"{}\"", percent_encode(v)))
        .chain([format!(
            "oauth_signature=\"{}\"",
            percent_encode(&signature)
        )])
        .collect();
    let form: String = body
        .iter()
        .map(|(n, v)| format!("{}={}", percent_encode(n), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    client()
        .post(url)
        .header(AUTHORIZATION, format!("OAuth {}", fields.join(", ")))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .expect("send")
}

fn oauth_base<'a>(key: &'a str, nonce: &'a str, ts: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("oauth_consumer_key", key),
        ("oauth_nonce", nonce),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", ts),
        ("oauth_version", "1.0"),
    ]
}

fn form(text: &str) -> std::collections::HashMap<String, String> {
    url::form_urlencoded::parse(text.as_bytes())
        .into_owned()
        .collect()
}

fn explain(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("x-sandbox-explain")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn oauth_parameters_split_between_header_and_body_as_twitter_api_v2_sends_them() {
    let sb = Sandbox::start().await.expect("sandbox");
    let demo = sb.demo(Scenario::FullAccess);
    let url = format!("{}/oauth/request_token", sb.base_url());
    let ts = unix_now().to_string();
    let keys = (demo.api_key_secret.as_str(), "");

    // generateAuthLink('oob'): oauth_callback in the body, the rest in the header.
    let header = oauth_base(&demo.api_key, "split1", &ts);
    let resp = split_post(&url, keys, &header, &[("oauth_callback", "oob")]).await;
    let why = explain(&resp);
    assert_eq!(resp.status(), 200, "{why}");
    let token = form(&resp.text().await.expect("body"));
    assert_eq!(token["oauth_callback_confirmed"], "true");

    // Two different values in two places: refused, and the explanation says where each was.
    let mut header = oauth_base(&demo.api_key, "split2", &ts);
    header.push(("oauth_callback", "oob"));
    let resp = split_post(
        &url,
        keys,
        &header,
        &[("oauth_callback", "http://127.0.0.1/callback")],
    )
    .await;
    assert_eq!(resp.status(), 401);
    let why = explain(&resp);
    assert!(
        why.contains("oauth_callback is in the Authorization header and in the form body"),
        "{why}"
    );

    // login(pin): oauth_token in the header, oauth_token and oauth_verifier in the body.
    let pin = common::approve(
        &format!(
            "{}/oauth/authorize?oauth_token={}",
            sb.base_url(),
            token["oauth_token"]
        ),
        "xkeys_full",
    )
    .await;
    let url = format!("{}/oauth/access_token", sb.base_url());
    let mut header = oauth_base(&demo.api_key, "split3", &ts);
    header.push(("oauth_token", &token["oauth_token"]));
    let resp = split_post(
        &url,
        (&demo.api_key_secret, &token["oauth_token_secret"]),
        &header,
        &[
            ("oauth_token", &token["oauth_token"]),
            ("oauth_verifier", &pin),
        ],
    )
    .await;
    let why = explain(&resp);
    assert_eq!(resp.status(), 200, "{why}");
    let access = form(&resp.text().await.expect("body"));
    assert_eq!(access["screen_name"], "xkeys_full");
}

/// request_token → authorize (at `page`) as `username` → the request token and the PIN.
async fn approved_request_token(sb: &Sandbox, page: &str, username: &str) -> (String, String) {
    let demo = sb.demo(Scenario::FullAccess);
    let resp = client()
        .oauth1_with_params(
            Secrets::new(demo.api_key.as_str(), demo.api_key_secret.as_str()),
            OAuthParameters::new().callback("oob"),
        )
        .post(format!("{}/oauth/request_token", sb.base_url()))
        .send()
        .await
        .expect("send");
    let token = form(&resp.text().await.expect("body"))["oauth_token"].clone();
    let url = format!("{}/oauth/{page}?oauth_token={token}", sb.base_url());
    let html = client()
        .get(&url)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains(&format!("action=\"/oauth/{page}\"")),
        "the form posts back to /oauth/{page}:\n{html}"
    );
    (token, common::approve(&url, username).await)
}

#[tokio::test]
async fn access_token_as_x_documents_it_and_sign_in_with_x() {
    let sb = Sandbox::start().await.expect("sandbox");
    // Sign in with X: /oauth/authenticate is the same page.
    let (token, pin) = approved_request_token(&sb, "authenticate", "xkeys_readonly").await;
    // No Authorization header: the request token and the verifier, in the query.
    let url = format!(
        "{}/oauth/access_token?oauth_token={token}&oauth_verifier={pin}",
        sb.base_url()
    );
    let resp = client().post(&url).send().await.expect("send");
    let why = explain(&resp);
    assert_eq!(resp.status(), 200, "{why}");
    let access = form(&resp.text().await.expect("body"));
    assert_eq!(access["screen_name"], "xkeys_readonly");
    // Single use.
    let again = client().post(&url).send().await.expect("send");
    assert_eq!(again.status(), 401);

    // A wrong verifier is refused; a sandbox that wants a signature answers 400 code 215.
    let (token, _) = approved_request_token(&sb, "authorize", "xkeys_full").await;
    let wrong = format!(
        "{}/oauth/access_token?oauth_token={token}&oauth_verifier=0000000x",
        sb.base_url()
    );
    assert_eq!(
        client().post(&wrong).send().await.expect("send").status(),
        401
    );
    let strict = Sandbox::start_with(SandboxConfig::default().unsigned_access_token(false))
        .await
        .expect("sandbox");
    let (token, pin) = approved_request_token(&strict, "authorize", "xkeys_full").await;
    let resp = client()
        .post(format!(
            "{}/oauth/access_token?oauth_token={token}&oauth_verifier={pin}",
            strict.base_url()
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["errors"][0]["code"], 215);
}

#[tokio::test]
async fn a_registered_callback_gets_the_user_back_with_the_verifier() {
    let sb = Sandbox::start().await.expect("sandbox");
    let demo = sb.demo(Scenario::FullAccess);
    let resp = client()
        .oauth1_with_params(
            Secrets::new(demo.api_key.as_str(), demo.api_key_secret.as_str()),
            OAuthParameters::new().callback(xkeys_sandbox::DEMO_CALLBACK_URL),
        )
        .post(format!("{}/oauth/request_token", sb.base_url()))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    let token = form(&resp.text().await.expect("body"))["oauth_token"].clone();
    let answer = client()
        .post(format!("{}/oauth/authorize", sb.base_url()))
        .form(&[
            ("oauth_token", token.as_str()),
            ("username", "xkeys_full"),
            ("decision", "allow"),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(answer.status(), 302);
    let location = answer.headers()["location"].to_str().expect("ascii");
    let (to, query) = location.split_once('?').expect("a query");
    assert_eq!(to, xkeys_sandbox::DEMO_CALLBACK_URL);
    let back = form(query);
    assert_eq!(back["oauth_token"], token);
    let url = format!(
        "{}/oauth/access_token?oauth_token={token}&oauth_verifier={}",
        sb.base_url(),
        back["oauth_verifier"]
    );
    assert_eq!(
        client().post(&url).send().await.expect("send").status(),
        200
    );
}

/// The `errors[0].code` of a v1.1 answer.
async fn v1_code(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let body: Value = resp.json().await.expect("json");
    (status, body["errors"][0]["code"].clone())
}

#[tokio::test]
async fn v1_1_answers_in_v1_1_shapes() {
    let sb = Sandbox::start().await.expect("sandbox");
    let base = sb.base_url();
    let demo = sb.demo(Scenario::FullAccess);
    let c = client();
    let bearer = c
        .get(format!("{base}/1.1/account/verify_credentials.json"))
        .bearer_auth(&demo.bearer_token)
        .send()
        .await
        .expect("send");
    assert_eq!(v1_code(bearer).await, (403, json!(220)));

    let update = format!("{base}/1.1/statuses/update.json");
    let status = [("status", "posted with v1.1")];
    let resp = c
        .clone()
        .oauth1(secrets(demo))
        .post(&update)
        .form(&status)
        .send()
        .await
        .expect("send");
    assert_eq!(v1_code(resp).await, (403, json!(453)));
    let wrong = Secrets::new(demo.api_key.as_str(), demo.api_key_secret.as_str())
        .token(demo.access_token.as_str(), "not-the-secret");
    let resp = c
        .clone()
        .oauth1(wrong)
        .post(&update)
        .form(&status)
        .send()
        .await
        .expect("send");
    assert_eq!(v1_code(resp).await, (401, json!(32)));

    // v1-unavailable keeps the "limited v1.1 endpoints (e.g. media post, oauth)".
    let nov1 = sb.demo(Scenario::V1Unavailable);
    let resp = c
        .clone()
        .oauth1(secrets(nov1))
        .get(format!("{base}/1.1/account/verify_credentials.json"))
        .send()
        .await
        .expect("send");
    assert_eq!(v1_code(resp).await, (403, json!(453)));
    let resp = c
        .clone()
        .oauth1(secrets(nov1))
        .post(format!("{base}/1.1/oauth/invalidate_token"))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200, "{}", explain(&resp));

    // Another app's token: code 89, and the explanation says whose it is, not "revoked".
    let other = sb.demo(Scenario::ReadWrite);
    let mixed = Secrets::new(demo.api_key.as_str(), demo.api_key_secret.as_str()).token(
        other.access_token.as_str(),
        other.access_token_secret.as_str(),
    );
    let resp = c
        .oauth1(mixed)
        .get(format!("{base}/1.1/account/verify_credentials.json"))
        .send()
        .await
        .expect("send");
    let why = explain(&resp);
    assert!(why.contains("belongs to another app"), "{why}");
    assert_eq!(v1_code(resp).await, (401, json!(89)));
}

async fn post_json(sb: &Sandbox, path: &str, body: Value) -> (u16, Value) {
    let resp = client()
        .oauth1(secrets(sb.demo(Scenario::FullAccess)))
        .post(format!("{}{path}", sb.base_url()))
        .json(&body)
        .send()
        .await
        .expect("send");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("json"))
}

#[tokio::test]
async fn posts_and_dms_follow_x_s_schema() {
    let sb = Sandbox::start().await.expect("sandbox");
    let (status, body) = post_json(&sb, "/2/tweets", json!({"text": "hi", "nonsense": 1})).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["type"]
        .as_str()
        .unwrap_or_default()
        .ends_with("/2/problems/invalid-request"));
    assert_eq!(body["title"], "Invalid Request");
    assert_eq!(body["errors"][0]["message"], "$.nonsense: is not defined in the schema and the schema does not allow additional properties");

    let poll = json!({"poll": {"options": ["yes", "no"], "duration_minutes": 60}});
    assert_eq!(post_json(&sb, "/2/tweets", poll.clone()).await.0, 201);
    assert_eq!(post_json(&sb, "/2/tweets", json!({})).await.0, 400);
    let strict = Sandbox::start_with(SandboxConfig::default().poll_without_text(false))
        .await
        .expect("sandbox");
    assert_eq!(post_json(&strict, "/2/tweets", poll).await.0, 400);
    let ghost = json!({"media": {"media_ids": ["1234567890123456789"]}});
    assert_eq!(post_json(&sb, "/2/tweets", ghost).await.0, 400);

    let to = sb.demo(Scenario::ReadOnly).user_id.clone();
    let also = sb.demo(Scenario::ReadWrite).user_id.clone();
    let path = format!("/2/dm_conversations/with/{to}/messages");
    assert_eq!(
        post_json(&sb, &path, json!({"text": "hi", "x": 1})).await.0,
        400
    );
    assert_eq!(post_json(&sb, &path, json!({})).await.0, 400);
    let group = json!({"conversation_type": "Group", "participant_ids": [to, also], "message": {"text": "hello"}});
    let (status, created) = post_json(&sb, "/2/dm_conversations", group).await;
    assert_eq!(status, 201, "{created}");
    let id = created["data"]["dm_conversation_id"].as_str().expect("id");
    let (status, sent) = post_json(
        &sb,
        &format!("/2/dm_conversations/{id}/messages"),
        json!({"text": "again"}),
    )
    .await;
    assert_eq!(
        (status, sent["data"]["dm_conversation_id"].as_str()),
        (201, Some(id))
    );
    // Not a member: forbidden.
    let (status, _) = post_json(
        &sb,
        "/2/dm_conversations/1234567/messages",
        json!({"text": "intruder"}),
    )
    .await;
    assert_eq!(status, 403);
    let one =
        json!({"conversation_type": "Group", "participant_ids": [to], "message": {"text": "x"}});
    assert_eq!(post_json(&sb, "/2/dm_conversations", one).await.0, 400);
}

/// A 1x1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0,
    1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xDE,
];

/// A multipart body of text fields and a `media` file.
fn multipart(fields: &[(&str, &str)], media: &[u8]) -> (String, Vec<u8>) {
    let boundary = "xkeysBoundary7MA4YWxk";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\n").as_bytes());
    body.extend(media);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(sb: &Sandbox, path: &str, fields: &[(&str, &str)]) -> (u16, Value) {
    let (content_type, body) = multipart(fields, PNG);
    let resp = client()
        .oauth1(secrets(sb.demo(Scenario::FullAccess)))
        .post(format!("{}{path}", sb.base_url()))
        .header(CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .expect("send");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or_default())
}

#[tokio::test]
async fn an_image_uploads_in_one_request_or_in_chunks_and_posts_by_its_media_id() {
    let sb = Sandbox::start().await.expect("sandbox");
    let (status, one) = upload(&sb, "/2/media/upload", &[("media_category", "tweet_image")]).await;
    assert_eq!(status, 200, "{one}");
    let id = one["data"]["id"].as_str().expect("id").to_string();
    assert_eq!(
        one["data"]["image"],
        json!({"image_type": "image/png", "w": 1, "h": 1})
    );
    assert_eq!(one["data"]["media_key"], format!("3_{id}"));
    let (status, _) = upload(&sb, "/2/media/upload", &[]).await;
    assert_eq!(status, 400, "media_category is required");

    let init = json!({"media_type": "image/png", "total_bytes": PNG.len(), "media_category": "tweet_image"});
    let (status, started) = post_json(&sb, "/2/media/upload/initialize", init).await;
    assert_eq!(status, 200, "{started}");
    let chunked = started["data"]["id"].as_str().expect("id").to_string();
    let (status, _) = upload(
        &sb,
        &format!("/2/media/upload/{chunked}/append"),
        &[("segment_index", "0")],
    )
    .await;
    assert_eq!(status, 200);
    let (status, done) = post_json(
        &sb,
        &format!("/2/media/upload/{chunked}/finalize"),
        json!({}),
    )
    .await;
    assert_eq!(
        (status, done["data"]["size"].as_u64()),
        (200, Some(PNG.len() as u64)),
        "{done}"
    );

    let (status, v1) = upload(&sb, "/1.1/media/upload.json", &[]).await;
    assert_eq!(status, 200, "{v1}");
    let v1_id = v1["media_id_string"]
        .as_str()
        .expect("media_id_string")
        .to_string();

    let media = json!({"media": {"media_ids": [id, chunked, v1_id]}});
    let (status, posted) = post_json(&sb, "/2/tweets", media).await;
    assert_eq!(status, 201, "{posted}");
    // Another user can't attach them.
    let theirs = client()
        .oauth1(secrets(sb.demo(Scenario::ReadWrite)))
        .post(format!("{}/2/tweets", sb.base_url()))
        .json(&json!({"text": "not mine", "media": {"media_ids": [one["data"]["id"]]}}))
        .send()
        .await
        .expect("send");
    assert_eq!(theirs.status(), 400);
}

#[tokio::test]
async fn user_fields_and_expansions_as_the_2_167_spec_names_them() {
    let sb = Sandbox::start().await.expect("sandbox");
    let me = |query: &'static str| {
        let sb = &sb;
        async move {
            client()
                .oauth1(secrets(sb.demo(Scenario::FullAccess)))
                .get(format!("{}/2/users/me?{query}", sb.base_url()))
                .send()
                .await
                .expect("send")
                .status()
        }
    };
    assert_eq!(me("user.fields=subscribes_to_you,created_at").await, 200);
    assert_eq!(me("expansions=pinned_post_id").await, 200);
    for wrong in [
        "user.fields=pinned_tweet_id",
        "user.fields=most_recent_post_id",
        "user.fields=affiliation",
        "expansions=pinned_tweet_id",
    ] {
        assert_eq!(me(wrong).await, 400, "{wrong}");
    }
}

/// `GET /2/users/me` of the rate-limited account: status and `x-rate-limit-reset`.
async fn limited_me(sb: &Sandbox) -> (u16, i64) {
    let resp = client()
        .oauth1(secrets(sb.demo(Scenario::RateLimited)))
        .get(format!("{}/2/users/me", sb.base_url()))
        .send()
        .await
        .expect("send");
    let reset = resp.headers()["x-rate-limit-reset"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("number");
    (resp.status().as_u16(), reset)
}

#[tokio::test]
async fn a_rate_limited_client_that_waits_for_the_reset_gets_through() {
    // Long enough for two requests inside one window on a loaded machine, short enough to wait.
    let window = Duration::from_secs(4);
    let sb = Sandbox::start_with(SandboxConfig::default().rate_limit_window(window))
        .await
        .expect("sandbox");
    let (status, reset) = limited_me(&sb).await;
    assert_eq!(status, 429);
    assert!(reset - unix_now() <= 4, "reset {reset} within the window");
    let (status, again) = limited_me(&sb).await;
    assert_eq!((status, again), (429, reset), "the reset does not slide");
    let wait = (reset - unix_now()).max(0) as u64 + 1;
    tokio::time::sleep(Duration::from_secs(wait)).await;
    let (status, next) = limited_me(&sb).await;
    assert_eq!(status, 200);
    assert!(next > reset, "a fresh window");
}

#[tokio::test]
async fn in_clock_skew_the_reset_is_on_the_server_s_clock() {
    let sb = Sandbox::start().await.expect("sandbox");
    let skew = sb.demo(Scenario::ClockSkew);
    let server_now = (unix_now() + 3600) as u64;
    let resp = client()
        .oauth1_with_params(secrets(skew), OAuthParameters::new().timestamp(server_now))
        .get(format!("{}/2/users/me", sb.base_url()))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200, "{}", explain(&resp));
    let date = httpdate::parse_http_date(resp.headers()["date"].to_str().expect("ascii"))
        .expect("date")
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64;
    let reset: i64 = resp.headers()["x-rate-limit-reset"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("number");
    assert!(
        reset > date && reset - date <= 900,
        "reset {reset}, date {date}"
    );
}

async fn read_only_problem(sb: &Sandbox) -> String {
    let resp = client()
        .oauth1(secrets(sb.demo(Scenario::ReadOnly)))
        .post(format!("{}/2/tweets", sb.base_url()))
        .json(&json!({"text": format!("read-only {}", unix_now())}))
        .send()
        .await
        .expect("send");
    let body: Value = resp.json().await.expect("json");
    body["type"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn problem_types_name_both_of_x_s_hosts_unless_configured_as_recorded() {
    let sb = Sandbox::start().await.expect("sandbox");
    let first = read_only_problem(&sb).await;
    let second = read_only_problem(&sb).await;
    assert_eq!(
        [first.as_str(), second.as_str()],
        [
            "https://api.twitter.com/2/problems/oauth1-permissions",
            "https://api.x.com/2/problems/oauth1-permissions"
        ]
    );
    let recorded =
        Sandbox::start_with(SandboxConfig::default().problem_types(ProblemTypes::AsRecorded))
            .await
            .expect("sandbox");
    for _ in 0..2 {
        assert_eq!(
            read_only_problem(&recorded).await,
            "https://api.twitter.com/2/problems/oauth1-permissions"
        );
    }
}

#[tokio::test]
async fn sandbox_accounts_lists_the_demo_accounts_and_never_configured_ones() {
    let sb = Sandbox::start_with(
        SandboxConfig::default()
            .rate_limit_window(Duration::from_secs(7))
            .account(xkeys_sandbox::Account::generated(1)),
    )
    .await
    .expect("sandbox");
    let listed: Value = client()
        .get(format!("{}/sandbox/accounts", sb.base_url()))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(listed["rate_limit_window_secs"], 7);
    let accounts = listed["accounts"].as_array().expect("accounts");
    assert_eq!(accounts.len(), Scenario::ALL.len());
    let full = sb.demo(Scenario::FullAccess);
    assert_eq!(accounts[0]["scenario"], "full-access");
    assert_eq!(accounts[0]["access_token_secret"], full.access_token_secret);
    assert_eq!(
        accounts[0]["callback_urls"],
        json!([xkeys_sandbox::DEMO_CALLBACK_URL])
    );
    let text = listed.to_string();
    assert!(
        !text.contains("xk_load_1"),
        "a configured account is listed"
    );
    assert!(!text.contains(&full.bearer_token), "no Bearer Token");
}
