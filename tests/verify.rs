//! `verify` and `verify_keys` against the sandbox: every scenario yields the right verdict,
//! explanation, fix and exit code, through the library and through the example binary; and no
//! output of `verify_keys`, in any scenario, contains a secret.

mod common;

use std::time::Duration;

use xkeys::account::{AccessLevel, Need};
use xkeys::api_error::{ProblemKind, Retry};
use xkeys::client::{ClientConfig, XClient};
use xkeys::credentials::{AccessToken, AccessTokenSecret, ApiKey, ApiKeySecret, Credentials};
use xkeys::verify::{verify, Verdict};
use xkeys_sandbox::{Account, DemoAccount, Sandbox, SandboxConfig, Scenario};

/// What each scenario must give for the guide's need ('Read and write and Direct message').
fn expected(scenario: Scenario) -> (Option<ProblemKind>, u8) {
    use ProblemKind::*;
    match scenario {
        Scenario::FullAccess | Scenario::DuplicatePost | Scenario::V1Unavailable => (None, 0),
        Scenario::ReadOnly | Scenario::ReadWrite => (Some(AccessTooLow), 1),
        Scenario::Revoked => (Some(KeysRejected), 1),
        Scenario::AppNotEnrolled => (Some(AppNotEnrolled), 1),
        Scenario::UserNotEnrolled => (Some(UserNotEnrolled), 1),
        Scenario::CreditsDepleted => (Some(CreditsDepleted), 1),
        Scenario::ClockSkew => (Some(ClockSkew), 1),
        Scenario::RateLimited => (Some(RateLimited), 2),
        Scenario::ServerError | Scenario::ServiceUnavailable => (Some(ServerError), 2),
        Scenario::Slow => (Some(Timeout), 2),
        // The OAuth 2.0 scenarios touch only the OAuth 2.0 tokens: OAuth 1.0a keys work.
        Scenario::Oauth2Expired
        | Scenario::Oauth2MissingScope
        | Scenario::Oauth2Revoked
        | Scenario::Oauth2RefreshReused => (None, 0),
    }
}

fn credentials(key: &str, secret: &str, token: &str, token_secret: &str) -> Credentials {
    Credentials {
        api_key: ApiKey::new(key),
        api_key_secret: ApiKeySecret::new(secret),
        access_token: AccessToken::new(token),
        access_token_secret: AccessTokenSecret::new(token_secret),
        bearer_token: None,
    }
}

fn demo_credentials(demo: &DemoAccount) -> Credentials {
    credentials(
        &demo.api_key,
        &demo.api_key_secret,
        &demo.access_token,
        &demo.access_token_secret,
    )
}

fn config(sandbox: &Sandbox) -> ClientConfig {
    ClientConfig::default()
        .base_url(sandbox.base_url())
        .timeout(Duration::from_millis(500))
        .backoff(Duration::from_millis(20))
}

async fn sandbox() -> Sandbox {
    Sandbox::start_with(SandboxConfig::default().slow_delay(Duration::from_secs(3)))
        .await
        .expect("sandbox starts")
}

async fn verdict_for(sandbox: &Sandbox, scenario: Scenario, need: Need) -> Verdict {
    let client =
        XClient::new(demo_credentials(sandbox.demo(scenario)), config(sandbox)).expect("client");
    verify(&client, need).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_gets_its_verdict() {
    let sandbox = sandbox().await;
    for &scenario in Scenario::ALL {
        let verdict = verdict_for(&sandbox, scenario, Need::DirectMessages).await;
        let (kind, code) = expected(scenario);
        assert_eq!(
            verdict.problems.first().map(|p| p.kind),
            kind,
            "{scenario}: {verdict}"
        );
        assert_eq!(verdict.exit_code(), code, "{scenario}: {verdict}");
        let text = verdict.to_string();
        match kind {
            None => assert!(text.contains("✔ Your keys work"), "{scenario}: {text}"),
            Some(kind) => {
                // The report gives the cause, the fix and the chapter.
                for part in [
                    kind.title(),
                    kind.explanation(),
                    kind.fix(),
                    kind.chapter().file,
                ] {
                    assert!(
                        text.contains(part),
                        "{scenario}: the report lacks {part:?}:\n{text}"
                    );
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_access_reports_the_account_level_clock_and_rate_limit() {
    let sandbox = sandbox().await;
    let demo = sandbox.demo(Scenario::FullAccess).clone();
    let verdict = verdict_for(&sandbox, Scenario::FullAccess, Need::DirectMessages).await;
    let account = verdict.account.as_ref().expect("account");
    assert_eq!(
        (account.id.as_str(), account.username.as_str()),
        (demo.user_id.as_str(), demo.username.as_str())
    );
    assert_eq!(
        verdict.access_level,
        Some(AccessLevel::ReadWriteDirectMessages)
    );
    assert_eq!(
        verdict.token_user_id.as_deref(),
        Some(demo.user_id.as_str())
    );
    assert!(
        verdict.clock_skew_secs.is_some_and(|s| s.abs() <= 2),
        "{:?}",
        verdict.clock_skew_secs
    );
    let rl = verdict.rate_limit.expect("rate limit headers");
    assert_eq!((rl.limit, rl.remaining), (75, 74));
    assert_eq!(verdict.requests, 1, "exactly one request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_need_decides_whether_a_level_is_enough() {
    let sandbox = sandbox().await;
    let rw = verdict_for(&sandbox, Scenario::ReadWrite, Need::Write).await;
    assert!(rw.is_ok(), "{rw}");
    let ro = verdict_for(&sandbox, Scenario::ReadOnly, Need::Read).await;
    assert!(ro.is_ok(), "{ro}");
    let ro = verdict_for(&sandbox, Scenario::ReadOnly, Need::Write).await;
    assert_eq!(ro.problems[0].kind, ProblemKind::AccessTooLow);
    assert!(
        ro.to_string()
            .contains("'Read', but you need 'Read and write'"),
        "{ro}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_is_rejected_keys_with_the_clock_cleared() {
    let sandbox = sandbox().await;
    let demo = sandbox.demo(Scenario::FullAccess);
    let mut wrong = demo.api_key_secret.clone();
    wrong.replace_range(0..1, if wrong.starts_with('a') { "b" } else { "a" });
    let client = XClient::new(
        credentials(
            &demo.api_key,
            &wrong,
            &demo.access_token,
            &demo.access_token_secret,
        ),
        config(&sandbox),
    )
    .unwrap();
    let verdict = verify(&client, Need::DirectMessages).await;
    assert_eq!(
        verdict.problems[0].kind,
        ProblemKind::KeysRejected,
        "{verdict}"
    );
    assert_eq!(verdict.problems[0].retry, Retry::No);
    let text = verdict.to_string();
    assert!(text.contains("your clock agrees with X's"), "{text}");
    assert!(
        text.contains("The sandbox explains: signature mismatch"),
        "{text}"
    );
    assert!(!text.contains(&wrong[..8]), "no secret in the report");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_whose_prefix_names_another_account_is_flagged() {
    let account = Account::new(
        "u8jzPde0IgxLd6GncfBAepfJB",
        "d0Kh8oOOL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFRIBX",
        "1790000000000000001-uDL7DxtpYlSXpfKtHF4vUCsMehGAkW",
        "vj7FAc9QeWJKY40uvSwMFLZDe1f8rESQedUStPKR0CsTy",
    )
    .user("1790000000000000002", "someone_else", "Someone Else");
    let sandbox = Sandbox::start_with(
        SandboxConfig::default()
            .without_demo_accounts()
            .account(account),
    )
    .await
    .unwrap();
    let client = XClient::new(
        credentials(
            "u8jzPde0IgxLd6GncfBAepfJB",
            "d0Kh8oOOL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFRIBX",
            "1790000000000000001-uDL7DxtpYlSXpfKtHF4vUCsMehGAkW",
            "vj7FAc9QeWJKY40uvSwMFLZDe1f8rESQedUStPKR0CsTy",
        ),
        config(&sandbox),
    )
    .unwrap();
    let verdict = verify(&client, Need::DirectMessages).await;
    assert_eq!(
        verdict.problems.first().map(|p| p.kind),
        Some(ProblemKind::TokenAccountMismatch),
        "{verdict}"
    );
    assert_eq!(verdict.exit_code(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_within_bounds_and_rate_limits_are_not() {
    let sandbox = sandbox().await;
    let verdict = verdict_for(&sandbox, Scenario::ServerError, Need::DirectMessages).await;
    assert_eq!(
        verdict.requests, 3,
        "one request and two retries: {verdict}"
    );
    assert_eq!(verdict.problems[0].retry, Retry::Later);
    let verdict = verdict_for(&sandbox, Scenario::RateLimited, Need::DirectMessages).await;
    assert_eq!(verdict.requests, 1, "a 429 is not retried");
    assert!(
        matches!(
            verdict.problems[0].retry,
            Retry::AfterReset { reset: Some(_) }
        ),
        "{verdict}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_ends_within_the_configured_time() {
    let sandbox = sandbox().await;
    let started = std::time::Instant::now();
    let verdict = verdict_for(&sandbox, Scenario::Slow, Need::DirectMessages).await;
    assert_eq!(verdict.problems[0].kind, ProblemKind::Timeout);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
}

// ---- the example binary ----

const KEY: &str = "Qz7mKp2VxR9tLw4NcB8hJd3Fs";
const SECRET: &str = "mN4bV8cX2zL6kJ9hG3fD7sA1pO5iU0yT4rE8wQ2aZ6xC9vB3nM";
const TOKEN: &str = "1790000000000000042-Hq8Wm3Lx7Kp2Rv9Tz4Nc6Bj1Fd5Gs0";
const TOKEN_SECRET: &str = "Yt6Rp1Lm9Kq3Wx7Zn2Vb5Hc8Jd4Fg0Sa6Qe1Tu9Io3Py7";

/// Runs verify_keys with the fake keys above in its environment, against `base`.
fn run_verify_keys(base: &str, extra: &[&str]) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = common::example("verify_keys", dir.path())
        .env("X_API_KEY", KEY)
        .env("X_API_KEY_SECRET", SECRET)
        .env("X_ACCESS_TOKEN", TOKEN)
        .env("X_ACCESS_TOKEN_SECRET", TOKEN_SECRET)
        .env("X_API_BASE_URL", base)
        .args(["--timeout", "1"])
        .args(extra)
        .output()
        .unwrap();
    let (stdout, stderr) = common::texts(&out);
    (out.status.code(), stdout, stderr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_gives_every_scenario_its_exit_code_and_never_prints_a_secret() {
    let mut scanned = 0;
    for &scenario in Scenario::ALL {
        // The reader's own (fake) keys, served by a sandbox that simulates the scenario.
        let account = Account::new(KEY, SECRET, TOKEN, TOKEN_SECRET).scenario(scenario);
        let account = match scenario {
            Scenario::ReadOnly => account.access_level(xkeys_sandbox::AccessLevel::Read),
            Scenario::ReadWrite => account.access_level(xkeys_sandbox::AccessLevel::ReadWrite),
            _ => account,
        };
        let sandbox = Sandbox::start_with(
            SandboxConfig::default()
                .without_demo_accounts()
                .account(account)
                .slow_delay(Duration::from_secs(3)),
        )
        .await
        .unwrap();
        let base = sandbox.base_url().to_string();
        let (kind, code) = expected(scenario);
        for json in [false, true] {
            let args: &[&str] = if json { &["--json"] } else { &[] };
            let base = base.clone();
            let (status, stdout, stderr) =
                tokio::task::spawn_blocking(move || run_verify_keys(&base, args))
                    .await
                    .unwrap();
            assert_eq!(
                status,
                Some(code as i32),
                "{scenario} json={json}:\n{stdout}{stderr}"
            );
            for secret in [SECRET, TOKEN_SECRET] {
                for form in common::leak_forms(secret) {
                    assert!(
                        !stdout.contains(&form) && !stderr.contains(&form),
                        "{scenario}: a secret leaked:\n{stdout}{stderr}"
                    );
                }
            }
            assert!(
                !stdout.contains(KEY) && !stdout.contains(TOKEN),
                "public ids are only shown masked"
            );
            if json {
                let v: serde_json::Value =
                    serde_json::from_str(&stdout).expect("--json prints JSON");
                assert_eq!(v["mode"], "x");
                assert_eq!(v["exit_code"], code);
                let got = v["verdict"]["problems"][0]["kind"]
                    .as_str()
                    .map(str::to_string);
                let want = kind.map(|k| {
                    serde_json::to_value(k)
                        .unwrap()
                        .as_str()
                        .unwrap()
                        .to_string()
                });
                assert_eq!(got, want, "{scenario}");
            }
            scanned += 1;
        }
    }
    assert_eq!(scanned, Scenario::ALL.len() * 2);
}

#[test]
fn with_no_keys_it_shows_the_sandbox_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::example("verify_keys", dir.path()).output().unwrap();
    let (stdout, _) = common::texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout
            .starts_with("No X keys found, so this is a DEMONSTRATION: demo keys verified against the xkeys\nsandbox"),
        "{stdout}"
    );
    assert!(
        stdout.contains("✔ Account                @xkeys_full"),
        "{stdout}"
    );
    // The folder searched is named, and the last line can't be read as "your keys work".
    let folder = dir.path().display().to_string();
    assert!(
        stdout.contains(&format!("no .env in {folder}.")),
        "{stdout}"
    );
    assert!(
        stdout.trim_end().ends_with(&format!(
            "✔ The demo keys work (SANDBOX) — your own keys were not checked: no .env in {folder}."
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("Your keys work"), "{stdout}");
}

#[test]
fn the_offline_check_runs_first_and_stops_on_errors() {
    let dir = tempfile::tempdir().unwrap();
    common::write_env(dir.path(), &format!("X_API_KEY={SECRET}\nX_API_KEY_SECRET={KEY}\nX_ACCESS_TOKEN={TOKEN}\nX_ACCESS_TOKEN_SECRET={TOKEN_SECRET}\n"));
    // A base URL nothing listens on: if the example contacted it, the report would say so.
    let out = common::example("verify_keys", dir.path())
        .env("X_API_BASE_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    let (stdout, _) = common::texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("looks swapped with the API Key Secret"),
        "{stdout}"
    );
    assert!(stdout.contains("Stopped before contacting X"), "{stdout}");
    assert!(!stdout.contains("Verifying your keys:"), "{stdout}");
}

#[test]
fn plain_http_to_another_host_is_refused() {
    let (status, stdout, stderr) = run_verify_keys("http://api.x.com", &[]);
    assert_eq!(status, Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("refusing to send signed requests over plain HTTP"),
        "{stdout}{stderr}"
    );
}

#[test]
fn a_bad_scenario_name_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::example("verify_keys", dir.path())
        .args(["--sandbox", "--scenario", "nope"])
        .output()
        .unwrap();
    let (_, stderr) = common::texts(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("invalid value 'nope'") && stderr.contains("read-only"),
        "{stderr}"
    );
}

/// Runs verify_keys in a folder whose `.env` holds `content`, against a base URL nothing listens on.
fn run_with_env_file(content: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    common::write_env(dir.path(), content);
    let out = common::example("verify_keys", dir.path())
        .env("X_API_BASE_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    let (stdout, stderr) = common::texts(&out);
    (out.status.code(), format!("{stdout}{stderr}"))
}

#[test]
fn a_broken_or_empty_env_file_is_reported_never_the_demo() {
    let example = std::fs::read_to_string(common::root().join(".env.example")).unwrap();
    let files = [
        ("YAML", format!("X_API_KEY: {KEY}\nX_API_KEY_SECRET: {SECRET}\nX_ACCESS_TOKEN: {TOKEN}\nX_ACCESS_TOKEN_SECRET: {TOKEN_SECRET}\n")),
        ("blank", String::new()),
        ("comments only", "# my keys\n\n".to_string()),
        ("unparsable", format!("X_API_KEY={KEY}\nX_API_KEY_SECRET=Bearer {SECRET}\n")),
        (".env.example", example),
    ];
    for (what, content) in files {
        let (code, out) = run_with_env_file(&content);
        assert_eq!(code, Some(1), "{what}:\n{out}");
        assert!(
            out.contains("Checking your X keys offline (the environment and .env)"),
            "{what}:\n{out}"
        );
        assert!(
            out.contains("Stopped before contacting X"),
            "{what}:\n{out}"
        );
        for wrong in ["DEMONSTRATION", "Your keys work", "Verifying your keys:"] {
            assert!(!out.contains(wrong), "{what}: {wrong}:\n{out}");
        }
        for secret in [SECRET, TOKEN_SECRET] {
            for form in common::leak_forms(secret) {
                assert!(!out.contains(&form), "{what}: a secret leaked:\n{out}");
            }
        }
    }
    let (_, out) = run_with_env_file(&format!(
        "X_API_KEY={KEY}\nX_API_KEY_SECRET=Bearer {SECRET}\n"
    ));
    assert!(
        out.contains("the value of X_API_KEY_SECRET starts with `Bearer `"),
        "{out}"
    );
    let (_, out) = run_with_env_file(&format!("X_API_KEY: {KEY}\n"));
    assert!(
        out.contains("line 1 uses `NAME: value` (YAML style)"),
        "{out}"
    );
}

/// `.invalid` never resolves (RFC 2606), so this needs no network: the failure is the lookup itself.
#[test]
fn a_name_that_does_not_resolve_gets_a_network_verdict() {
    let (status, stdout, stderr) = run_verify_keys("https://nonexistent.invalid", &[]);
    assert_eq!(status, Some(2), "{stdout}{stderr}");
    assert!(
        stdout.contains("✘ The API host name doesn't resolve"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("✘ X could not be reached, so nothing is known about your keys yet: fix the network problem above, then run this again.\n"),
        "{stdout}"
    );
    assert!(!stdout.contains("Your keys don't work"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_warnings_come_first_and_a_low_level_names_the_need_option() {
    let account = Account::new(KEY, SECRET, TOKEN, TOKEN_SECRET)
        .access_level(xkeys_sandbox::AccessLevel::ReadWrite);
    let config = SandboxConfig::default()
        .without_demo_accounts()
        .account(account);
    let sandbox = Sandbox::start_with(config).await.unwrap();
    let base = sandbox.base_url().to_string();
    let dir = tempfile::tempdir().unwrap();
    let env = common::write_env(dir.path(), &format!("X_API_KEY={KEY}\nX_API_KEY_SECRET={SECRET}\nX_ACCESS_TOKEN={TOKEN}\nX_ACCESS_TOKEN_SECRET={TOKEN_SECRET}\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let run = |need: &'static str| {
        let (base, dir) = (base.clone(), dir.path().to_path_buf());
        tokio::task::spawn_blocking(move || {
            let out = common::example("verify_keys", &dir)
                .env("X_API_BASE_URL", base)
                .args(["--need", need])
                .output()
                .unwrap();
            (out.status.code(), common::texts(&out).0)
        })
    };
    let (code, stdout) = run("dm").await.unwrap();
    assert_eq!(code, Some(1), "{stdout}");
    #[cfg(unix)]
    {
        let warning = stdout.find("can be read by other users of this machine (mode 644)");
        let verdict = stdout.find("Verifying your keys:");
        assert!(warning.is_some() && warning < verdict, "{stdout}");
    }
    assert!(
        stdout.contains("One that only posts needs 'Read and write'\n(--need write)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("book/configure-read-and-write-access.md#what-to-enter-for-your-own-bot"),
        "{stdout}"
    );
    let (code, stdout) = run("write").await.unwrap();
    assert_eq!(code, Some(0), "{stdout}");
    assert!(!stdout.contains("--need"), "{stdout}");
}

/// A reader that leaves early (`verify_keys | head -3`) ends the run quietly, as a shell tool does
/// on SIGPIPE: status 141, and no panic about a broken pipe.
#[test]
fn a_reader_that_leaves_early_is_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = common::example("verify_keys", dir.path())
        .env("RUST_BACKTRACE", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before the example prints its first line (it starts a sandbox first).
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(141), "{stderr}");
}

/// `X_API_BASE_URL` in `.env` counts, as it does for a bot that loads `.env` with dotenvy: the
/// example verifies against the address the file names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_base_url_in_the_env_file_counts() {
    let sandbox = Sandbox::start_with(
        SandboxConfig::default()
            .without_demo_accounts()
            .account(Account::new(KEY, SECRET, TOKEN, TOKEN_SECRET)),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let env = format!(
        "X_API_BASE_URL={}\nX_API_KEY={KEY}\nX_API_KEY_SECRET={SECRET}\nX_ACCESS_TOKEN={TOKEN}\nX_ACCESS_TOKEN_SECRET={TOKEN_SECRET}\n",
        sandbox.base_url()
    );
    common::write_env(dir.path(), &env);
    let path = dir.path().to_path_buf();
    let request = format!("GET {}/2/users/me", sandbox.base_url());
    let out = tokio::task::spawn_blocking(move || {
        common::example("verify_keys", &path).output().unwrap()
    })
    .await
    .unwrap();
    let (stdout, stderr) = common::texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains(&request), "{stdout}");
    assert!(stdout.contains("@sandbox_000042"), "{stdout}");
}

/// A secret sent where the API Key goes: the sandbox's explanation shows only its length, never a
/// prefix (the sandbox masks by what a value is, for any client, not only for xkeys).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_in_the_api_key_slot_is_never_shown_in_part() {
    let sandbox = sandbox().await;
    let demo = sandbox.demo(Scenario::FullAccess);
    let mut credentials = demo_credentials(demo);
    credentials.api_key = ApiKey::new(&demo.api_key_secret);
    let client = XClient::new(credentials, config(&sandbox)).expect("client");
    let verdict = verify(&client, Need::Read).await;
    let explain = verdict.sandbox_explain.clone().unwrap_or_default();
    assert!(
        explain.contains(&format!(
            "({} characters, hidden)",
            demo.api_key_secret.len()
        )),
        "{explain}"
    );
    assert!(
        !verdict.to_string().contains(&demo.api_key_secret[..4]),
        "{verdict}"
    );
}
