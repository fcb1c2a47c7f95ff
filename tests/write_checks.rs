//! `post_and_delete` and `send_dm` through their binaries against the sandbox: the real writes and
//! their confirmation, every refusal explained like `verify_keys` explains it, nothing sent without
//! `--yes`, a timed-out POST reported as "may have been posted" and never retried, no secret printed.
//!
//! Requests are counted with the sandbox's per-user rate-limit counters: after a run, one more
//! request of the test's own shows in `x-rate-limit-remaining` how many the example sent.

mod common;

use common::Run;

use std::time::Duration;

use xkeys::api_error::ProblemKind;
use xkeys::client::{ApiResponse, ClientConfig, XClient};
use xkeys::credentials::{AccessToken, AccessTokenSecret, ApiKey, ApiKeySecret, Credentials};
use xkeys_sandbox::{AccessLevel, Account, Sandbox, SandboxConfig, Scenario};

const KEY: &str = "Qz7mKp2VxR9tLw4NcB8hJd3Fs";
const SECRET: &str = "mN4bV8cX2zL6kJ9hG3fD7sA1pO5iU0yT4rE8wQ2aZ6xC9vB3nM";
const TOKEN: &str = "1790000000000000042-Hq8Wm3Lx7Kp2Rv9Tz4Nc6Bj1Fd5Gs0";
const TOKEN_SECRET: &str = "Yt6Rp1Lm9Kq3Wx7Zn2Vb5Hc8Jd4Fg0Sa6Qe1Tu9Io3Py7";
/// The recipient of the test DMs.
const FRIEND: &str = "1790000000000000077";
/// The sandbox's first post or event id (a counter, per sandbox).
const FIRST_ID: &str = "1950000000000000000";

/// A sandbox serving the fake keys above with this scenario (a 2 s slow scenario).
async fn sandbox(scenario: Scenario) -> Sandbox {
    let account = Account::new(KEY, SECRET, TOKEN, TOKEN_SECRET).scenario(scenario);
    let account = match scenario {
        Scenario::ReadOnly => account.access_level(AccessLevel::Read),
        Scenario::ReadWrite => account.access_level(AccessLevel::ReadWrite),
        _ => account,
    };
    Sandbox::start_with(
        SandboxConfig::default()
            .without_demo_accounts()
            .account(account)
            .slow_delay(Duration::from_secs(2)),
    )
    .await
    .expect("sandbox starts")
}

/// Runs an example with the fake keys in its environment, against `sandbox`.
async fn run(example: &'static str, sandbox: &Sandbox, args: &[&str]) -> Run {
    let base = sandbox.base_url().to_string();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let out = common::example(example, dir.path())
            .env("X_API_KEY", KEY)
            .env("X_API_KEY_SECRET", SECRET)
            .env("X_ACCESS_TOKEN", TOKEN)
            .env("X_ACCESS_TOKEN_SECRET", TOKEN_SECRET)
            .env("X_API_BASE_URL", base)
            .args(&args)
            .output()
            .unwrap();
        let run = Run::from_output(&out);
        assert_no_secret(&run);
        run
    })
    .await
    .unwrap()
}

fn assert_no_secret(run: &Run) {
    for secret in [SECRET, TOKEN_SECRET] {
        for form in common::leak_forms(secret) {
            assert!(
                !run.stdout.contains(&form) && !run.stderr.contains(&form),
                "a secret leaked:\n{}{}",
                run.stdout,
                run.stderr
            );
        }
    }
    assert!(
        !run.stdout.contains(KEY) && !run.stdout.contains(TOKEN),
        "public ids are only shown masked:\n{}",
        run.stdout
    );
}

/// The test's own client for the same account, to count what the example sent.
fn client(sandbox: &Sandbox) -> XClient {
    let credentials = Credentials {
        api_key: ApiKey::new(KEY),
        api_key_secret: ApiKeySecret::new(SECRET),
        access_token: AccessToken::new(TOKEN),
        access_token_secret: AccessTokenSecret::new(TOKEN_SECRET),
        bearer_token: None,
    };
    let config = ClientConfig::default()
        .base_url(sandbox.base_url())
        .timeout(Duration::from_secs(5));
    XClient::new(credentials, config).unwrap()
}

fn remaining(r: &ApiResponse) -> u64 {
    r.rate_limit.expect("rate-limit headers").remaining
}

/// The explanation printed is the one `verify_keys` prints for this kind.
fn assert_explained(run: &Run, kind: ProblemKind) {
    for part in [
        kind.title(),
        kind.explanation(),
        kind.fix(),
        kind.chapter().file,
    ] {
        assert!(
            run.stdout.contains(part),
            "{kind:?}: the output lacks {part:?}:\n{}",
            run.stdout
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_access_posts_then_deletes_the_post() {
    let sandbox = sandbox(Scenario::FullAccess).await;
    let run = run("post_and_delete", &sandbox, &["--yes"]).await;
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(&format!(
            "✔ POST /2/tweets       201 Created: post {FIRST_ID}"
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("✔ DELETE /2/tweets/:id 200 OK: {\"deleted\":true}"),
        "{}",
        run.stdout
    );
    // Exactly one post and one delete, and the post is gone.
    let client = client(&sandbox);
    let gone = client
        .delete(&format!("/2/tweets/{FIRST_ID}"))
        .await
        .unwrap();
    assert_eq!(gone.status, 404, "the post was deleted: {}", gone.body());
    assert_eq!(remaining(&gone), 48, "the example sent one DELETE");
    let post = client
        .post_json("/2/tweets", &serde_json::json!({"text": "counting"}))
        .await
        .unwrap();
    assert_eq!(remaining(&post), 98, "the example sent one POST");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_access_sends_the_dm() {
    let sandbox = sandbox(Scenario::FullAccess).await;
    let run = run("send_dm", &sandbox, &["--yes", "--to", FRIEND]).await;
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let want =
        format!("201 Created: event {FIRST_ID} in conversation 1790000000000000042-{FRIEND}");
    assert!(run.stdout.contains(&want), "{}", run.stdout);
    let again = client(&sandbox)
        .post_json(
            &format!("/2/dm_conversations/with/{FRIEND}/messages"),
            &serde_json::json!({"text": "counting"}),
        )
        .await
        .unwrap();
    assert_eq!(remaining(&again), 13, "the example sent one DM");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_yes_nothing_is_sent() {
    let sandbox = sandbox(Scenario::FullAccess).await;
    let post = run("post_and_delete", &sandbox, &[]).await;
    let dm = run("send_dm", &sandbox, &["--to", FRIEND]).await;
    for run in [&post, &dm] {
        assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
        assert!(run.stdout.contains("Nothing was sent."), "{}", run.stdout);
        assert!(run.stdout.contains("$0.015"), "{}", run.stdout);
    }
    assert!(post.stdout.contains("$0.010 (delete)"), "{}", post.stdout);
    let client = client(&sandbox);
    let p = client
        .post_json("/2/tweets", &serde_json::json!({"text": "counting"}))
        .await
        .unwrap();
    assert_eq!(remaining(&p), 99, "no POST /2/tweets before this one");
    let d = client.delete("/2/tweets/1").await.unwrap();
    assert_eq!(remaining(&d), 49, "no DELETE before this one");
    let m = client
        .post_json(
            &format!("/2/dm_conversations/with/{FRIEND}/messages"),
            &serde_json::json!({"text": "counting"}),
        )
        .await
        .unwrap();
    assert_eq!(remaining(&m), 14, "no DM before this one");
    let me = client.get("/2/users/me", &[]).await.unwrap();
    assert_eq!(remaining(&me), 74, "not even a GET /2/users/me");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_are_explained_with_verify_keys_words_and_exit_codes() {
    use ProblemKind::*;
    let cases: &[(&str, Scenario, ProblemKind, i32)] = &[
        ("post_and_delete", Scenario::ReadOnly, MissingPermission, 1),
        ("send_dm", Scenario::ReadOnly, MissingPermission, 1),
        ("send_dm", Scenario::ReadWrite, MissingPermission, 1),
        (
            "post_and_delete",
            Scenario::DuplicatePost,
            DuplicateContent,
            1,
        ),
        (
            "post_and_delete",
            Scenario::CreditsDepleted,
            CreditsDepleted,
            1,
        ),
        ("send_dm", Scenario::CreditsDepleted, CreditsDepleted, 1),
        ("post_and_delete", Scenario::RateLimited, RateLimited, 2),
        ("send_dm", Scenario::RateLimited, RateLimited, 2),
        ("send_dm", Scenario::UserNotEnrolled, UserNotEnrolled, 1),
        (
            "post_and_delete",
            Scenario::AppNotEnrolled,
            AppNotEnrolled,
            1,
        ),
        ("post_and_delete", Scenario::Revoked, KeysRejected, 1),
        ("post_and_delete", Scenario::ServerError, ServerError, 2),
    ];
    for &(example, scenario, kind, code) in cases {
        let sandbox = sandbox(scenario).await;
        let args: &[&str] = match example {
            "send_dm" => &["--yes", "--to", FRIEND],
            _ => &["--yes"],
        };
        let run = run(example, &sandbox, args).await;
        assert_eq!(
            run.code,
            Some(code),
            "{example} {scenario}:\n{}{}",
            run.stdout,
            run.stderr
        );
        assert_explained(&run, kind);
        assert!(
            !run.stdout.contains("✔ DELETE"),
            "{example} {scenario}: nothing deleted after a failed post"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_write_can_post_but_not_send_dms() {
    let sandbox = sandbox(Scenario::ReadWrite).await;
    let post = run("post_and_delete", &sandbox, &["--yes"]).await;
    assert_eq!(post.code, Some(0), "{}", post.stdout);
    let dm = run("send_dm", &sandbox, &["--yes", "--to", FRIEND]).await;
    assert_eq!(dm.code, Some(1), "{}", dm.stdout);
    assert!(
        dm.stdout.contains("problems/oauth1-permissions"),
        "X's type is shown: {}",
        dm.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_that_times_out_may_have_been_posted_and_is_not_retried() {
    let sandbox = sandbox(Scenario::Slow).await;
    let run = run("post_and_delete", &sandbox, &["--yes", "--timeout", "1"]).await;
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("The post MAY HAVE BEEN POSTED"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("xkeys write check "),
        "the text to look for"
    );
    // Explained as a timeout, but the advice is to look before running it again.
    let kind = ProblemKind::Timeout;
    for part in [kind.title(), kind.explanation(), kind.chapter().file] {
        assert!(run.stdout.contains(part), "{part:?}:\n{}", run.stdout);
    }
    assert!(
        run.stdout.contains("Fix:   Don't run this again yet")
            && run.stdout.contains("Retry: only after checking")
            && !run.stdout.contains(kind.fix()),
        "{}",
        run.stdout
    );
    // The sandbox handled exactly one POST (it answers slowly, after creating the post).
    let again = client(&sandbox)
        .post_json("/2/tweets", &serde_json::json!({"text": "counting"}))
        .await
        .unwrap();
    assert_eq!(remaining(&again), 98, "exactly one POST from the example");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_recipient_is_a_clear_error_and_sends_nothing() {
    let sandbox = sandbox(Scenario::FullAccess).await;
    for bad in ["@friend", "12345678901234567890", "", "17 90"] {
        let run = run("send_dm", &sandbox, &["--yes", "--to", bad]).await;
        assert_eq!(run.code, Some(1), "{bad:?}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains("--to must be the numeric user id")
                && run.stderr.contains("book/check-posting-and-dms.md"),
            "{bad:?}: {}",
            run.stderr
        );
    }
    let m = client(&sandbox)
        .post_json(
            &format!("/2/dm_conversations/with/{FRIEND}/messages"),
            &serde_json::json!({"text": "counting"}),
        )
        .await
        .unwrap();
    assert_eq!(remaining(&m), 14, "no DM was sent");
}

#[test]
fn the_sandbox_flag_shows_a_scenario_without_keys() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::example("post_and_delete", dir.path())
        .args(["--sandbox", "--yes", "--scenario", "read-only"])
        .output()
        .unwrap();
    let (stdout, _) = common::texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("on the SANDBOX (scenario 'read-only'), not X."),
        "{stdout}"
    );
    assert!(
        stdout.contains(ProblemKind::MissingPermission.title()),
        "{stdout}"
    );
}

#[test]
fn without_keys_it_stops_before_contacting_x_and_points_to_the_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::example("post_and_delete", dir.path())
        .env("X_API_BASE_URL", "http://127.0.0.1:9")
        .arg("--yes")
        .output()
        .unwrap();
    let (stdout, _) = common::texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("Stopped before contacting X"), "{stdout}");
    assert!(
        stdout.contains("cargo run --example post_and_delete -- --sandbox --yes"),
        "{stdout}"
    );
}
