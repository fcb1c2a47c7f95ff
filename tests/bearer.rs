//! The Bearer Token end to end against the sandbox: `bearer_lookup` through the binary (a configured
//! token, one obtained from the API Key and Secret, every failure and its explanation), the
//! unsupported-authentication mistake, and the "Bearer Token" line `verify` adds when one is configured.

mod common;

use common::Run;

use std::time::Duration;

use xkeys::account::Need;
use xkeys::api_error::{classify_call, Call, ProblemKind};
use xkeys::client::{self, ClientConfig, XClient};
use xkeys::credentials::Credentials;
use xkeys::credentials::{AccessToken, AccessTokenSecret, ApiKey, ApiKeySecret, BearerToken};
use xkeys::verify::{verify, Status};
use xkeys_sandbox::{DemoAccount, Sandbox, Scenario};

/// Runs bearer_lookup in an empty directory with `env` and `args`, in a blocking thread.
async fn run(env: Vec<(&'static str, String)>, args: &[&str]) -> Run {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let out = common::example("bearer_lookup", dir.path())
            .envs(env)
            .args(args)
            .output()
            .unwrap();
        Run::from_output(&out)
    })
    .await
    .unwrap()
}

fn assert_no_leak(run: &Run, secrets: &[&str]) {
    for secret in secrets {
        for form in common::leak_forms(secret) {
            assert!(
                !run.stdout.contains(&form) && !run.stderr.contains(&form),
                "a secret leaked:\n{}{}",
                run.stdout,
                run.stderr
            );
        }
    }
}

fn base(sandbox: &Sandbox) -> (&'static str, String) {
    ("X_API_BASE_URL", sandbox.base_url().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_bearer_token_looks_up_an_account() {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.demo(Scenario::FullAccess);
    let other = sandbox.demo(Scenario::ReadOnly);
    let run = run(
        vec![base(&sandbox), ("X_BEARER_TOKEN", app.bearer_token.clone())],
        &["--username", &format!("@{}", other.username)],
    )
    .await;
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.starts_with("Bearer Token: X_BEARER_TOKEN\n"),
        "{}",
        run.stdout
    );
    for line in [
        format!("  id        {}", other.user_id),
        format!("  username  @{}", other.username),
        format!("  name      {}", other.name),
    ] {
        assert!(
            run.stdout.contains(&line),
            "lacks {line:?}:\n{}",
            run.stdout
        );
    }
    assert!(run.stdout.contains("403 unsupported-authentication"));
    assert_no_leak(&run, &[&app.bearer_token]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_bearer_token_it_gets_one_from_the_api_key_and_secret() {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.demo(Scenario::FullAccess);
    let run = run(
        vec![
            base(&sandbox),
            ("X_API_KEY", app.api_key.clone()),
            ("X_API_KEY_SECRET", app.api_key_secret.clone()),
        ],
        &["--username", "xkeys_full"],
    )
    .await;
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .starts_with("Bearer Token: from POST /oauth2/token with the API Key and Secret"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(&format!("  id        {}", app.user_id)));
    // The token obtained is the app's, and it is never shown.
    assert_no_leak(&run, &[&app.bearer_token, &app.api_key_secret]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_bearer_token_is_explained() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut wrong = sandbox.demo(Scenario::FullAccess).bearer_token.clone();
    wrong.replace_range(30..31, if &wrong[30..31] == "x" { "y" } else { "x" });
    let run = run(vec![base(&sandbox), ("X_BEARER_TOKEN", wrong.clone())], &[]).await;
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    for part in [
        "/2/users/by/username/XDevelopers: 401 Unauthorized",
        "✘ X rejected the Bearer Token (401)",
        "'Keys and tokens' → 'Bearer Token'",
        "book/troubleshooting.md#401-with-the-bearer-token",
        "the steps: \"Use the Bearer Token\" (book/the-bearer-token.md)",
    ] {
        assert!(run.stderr.contains(part), "lacks {part:?}:\n{}", run.stderr);
    }
    assert_no_leak(&run, &[&wrong]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_api_key_secret_is_explained_as_code_99() {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.demo(Scenario::FullAccess);
    let wrong: String = app.api_key_secret.chars().rev().collect();
    let run = run(
        vec![
            base(&sandbox),
            ("X_API_KEY", app.api_key.clone()),
            ("X_API_KEY_SECRET", wrong.clone()),
        ],
        &[],
    )
    .await;
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    for part in [
        "/oauth2/token: 403 Forbidden: code 99: Unable to verify your credentials",
        "✘ X rejected the API Key and API Key Secret",
        "book/troubleshooting.md#the-api-key-and-secret-are-rejected",
    ] {
        assert!(run.stderr.contains(part), "lacks {part:?}:\n{}", run.stderr);
    }
    assert_no_leak(&run, &[&wrong, &app.api_key_secret]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_account_and_a_failing_x_have_their_own_exit_codes() {
    let sandbox = Sandbox::start_with(
        xkeys_sandbox::SandboxConfig::default().slow_delay(Duration::from_secs(3)),
    )
    .await
    .unwrap();
    let app = sandbox.demo(Scenario::FullAccess);
    let run1 = run(
        vec![base(&sandbox), ("X_BEARER_TOKEN", app.bearer_token.clone())],
        &["--username", "nobody_here"],
    )
    .await;
    assert_eq!(run1.code, Some(1), "{}{}", run1.stdout, run1.stderr);
    assert!(
        run1.stdout
            .contains("✘ X has no account @nobody_here (the Bearer Token works: X answered 200)."),
        "{}",
        run1.stdout
    );
    let failing = sandbox.demo(Scenario::ServerError);
    let run2 = run(
        vec![
            base(&sandbox),
            ("X_BEARER_TOKEN", failing.bearer_token.clone()),
        ],
        &[],
    )
    .await;
    assert_eq!(run2.code, Some(2), "{}{}", run2.stdout, run2.stderr);
    assert!(run2.stderr.contains("✘ X failed (5xx)"), "{}", run2.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_stops_before_any_request() {
    // A base URL nothing listens on: a request would fail with a connection error instead.
    let nowhere = ("X_API_BASE_URL", "http://127.0.0.1:9".to_string());
    let run1 = run(vec![nowhere.clone()], &["--username", "has space"]).await;
    assert_eq!(run1.code, Some(2), "clap's usage error: {}", run1.stderr);
    assert!(
        run1.stderr
            .contains("--username \"has space\" is not an X username")
            && run1.stderr.contains("1 to 15 letters"),
        "{}",
        run1.stderr
    );
    let run2 = run(
        vec![
            nowhere,
            (
                "X_BEARER_TOKEN",
                "Bearer AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%3Dx".to_string(),
            ),
        ],
        &[],
    )
    .await;
    assert_eq!(run2.code, Some(1), "{}{}", run2.stdout, run2.stderr);
    assert!(run2.stdout.contains("Bearer "), "{}", run2.stdout);
    assert!(
        run2.stdout.contains("Stopped before contacting X"),
        "{}",
        run2.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_nothing_configured_it_demonstrates_on_the_sandbox() {
    let run = run(vec![], &[]).await;
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.starts_with("No X keys found"), "{}", run.stdout);
    assert!(
        run.stdout.contains("  username  @xkeys_full"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("That was the SANDBOX, not X"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_sandbox_it_speaks_of_the_sandbox_and_takes_a_scenario() {
    let run1 = run(vec![], &["--sandbox", "--username", "nobody_here"]).await;
    assert_eq!(run1.code, Some(1), "{}{}", run1.stdout, run1.stderr);
    assert!(
        run1.stdout.contains(
            "✘ the sandbox has no account @nobody_here (the Bearer Token works: the sandbox answered 200)."
        ) && !run1.stdout.contains("X has no account"),
        "{}",
        run1.stdout
    );
    let run2 = run(vec![], &["--sandbox", "--scenario", "server-error"]).await;
    assert_eq!(run2.code, Some(2), "{}{}", run2.stdout, run2.stderr);
    assert!(run2.stderr.contains("✘ X failed (5xx)"), "{}", run2.stderr);
}

/// The mistake the chapter warns about: a Bearer Token on a user-context endpoint.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bearer_token_on_users_me_is_unsupported_authentication() {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.demo(Scenario::FullAccess);
    let config = ClientConfig::default().base_url(sandbox.base_url());
    let (http, base) = client::http_client(&config).unwrap();
    let url = client::join(&base, "/2/users/me").unwrap();
    let request = http
        .get(url.clone())
        .bearer_auth(&app.bearer_token)
        .build()
        .unwrap();
    let response = client::execute(&http, request, &url, 1, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(response.status, 403);
    let problem = classify_call(&response, Call::AppOnly);
    assert_eq!(problem.kind, ProblemKind::UnsupportedAuthentication);
    assert_eq!(
        problem.kind.chapter().file,
        "troubleshooting.md#403-unsupported-authentication"
    );
}

fn credentials(demo: &DemoAccount, bearer: Option<&str>) -> Credentials {
    Credentials {
        api_key: ApiKey::new(&demo.api_key),
        api_key_secret: ApiKeySecret::new(&demo.api_key_secret),
        access_token: AccessToken::new(&demo.access_token),
        access_token_secret: AccessTokenSecret::new(&demo.access_token_secret),
        bearer_token: bearer.map(BearerToken::new),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_checks_a_configured_bearer_token_with_a_second_request() {
    let sandbox = Sandbox::start().await.unwrap();
    let demo = sandbox.demo(Scenario::FullAccess);
    let config = ClientConfig::default().base_url(sandbox.base_url());
    let verdict_with = |bearer: Option<String>| {
        let client = XClient::new(credentials(demo, bearer.as_deref()), config.clone()).unwrap();
        async move { verify(&client, Need::DirectMessages).await }
    };

    let without = verdict_with(None).await;
    assert_eq!(without.requests, 1);
    assert!(!without.checks.iter().any(|c| c.label == "Bearer Token"));

    let good = verdict_with(Some(demo.bearer_token.clone())).await;
    assert!(good.is_ok(), "{good}");
    assert_eq!(good.requests, 2);
    let line = good
        .checks
        .iter()
        .find(|c| c.label == "Bearer Token")
        .unwrap();
    assert_eq!(line.status, Status::Pass);
    assert_eq!(
        line.detail,
        format!("200 OK: app-only lookup of @{} works", demo.username)
    );
    assert!(
        good.to_string().contains("✔ Bearer Token           200 OK"),
        "{good}"
    );

    let bad = verdict_with(Some(format!("{}x", demo.bearer_token))).await;
    assert_eq!(bad.exit_code(), 1, "{bad}");
    assert_eq!(bad.problems[0].kind, ProblemKind::BearerRejected, "{bad}");
    assert!(bad.account.is_some(), "the four keys still work: {bad}");
    let text = bad.to_string();
    assert!(
        text.contains("✘ Bearer Token           401 Unauthorized"),
        "{text}"
    );
    assert!(
        text.contains("✘ X rejected the Bearer Token (401)"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_keys_adds_the_bearer_token_line_only_when_one_is_configured() {
    let sandbox = Sandbox::start().await.unwrap();
    let demo = sandbox.demo(Scenario::FullAccess).clone();
    let run_verify = |bearer: Option<String>| {
        let (demo, base) = (demo.clone(), sandbox.base_url().to_string());
        tokio::task::spawn_blocking(move || {
            let dir = tempfile::tempdir().unwrap();
            let mut cmd = common::example("verify_keys", dir.path());
            cmd.env("X_API_KEY", &demo.api_key)
                .env("X_API_KEY_SECRET", &demo.api_key_secret)
                .env("X_ACCESS_TOKEN", &demo.access_token)
                .env("X_ACCESS_TOKEN_SECRET", &demo.access_token_secret)
                .env("X_API_BASE_URL", base);
            if let Some(b) = bearer {
                cmd.env("X_BEARER_TOKEN", b);
            }
            let out = cmd.output().unwrap();
            (out.status.code(), common::texts(&out).0)
        })
    };
    let (code, stdout) = run_verify(Some(demo.bearer_token.clone())).await.unwrap();
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "  ✔ Bearer Token           200 OK: app-only lookup of @{} works\n",
            demo.username
        )),
        "{stdout}"
    );
    for form in common::leak_forms(&demo.bearer_token) {
        assert!(!stdout.contains(&form), "{stdout}");
    }
    let (code, stdout) = run_verify(None).await.unwrap();
    assert_eq!(code, Some(0), "{stdout}");
    assert!(!stdout.contains("Bearer Token"), "{stdout}");
}
