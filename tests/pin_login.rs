//! `pin_login` end to end against the sandbox, through the example binary: the test plays the bot
//! account's owner (it opens the authorize page, picks the account, reads the PIN) and types the PIN
//! into the example's stdin; then it checks the `.env` written and that the new token verifies as the
//! chosen account. Also: a wrong PIN, a declined replacement, wrong API keys, no keys, `--sandbox`.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Stdio};

use xkeys::account::{AccessLevel, Need};
use xkeys::client::{ClientConfig, XClient};
use xkeys::credentials::{Field, Loader};
use xkeys::verify::verify;
use xkeys_sandbox::{DemoAccount, Sandbox, Scenario};

use common::approve;

/// The account the test authorizes: another account than the one that owns the app.
const BOT: &str = "xkeys_readwrite";

/// What a finished run printed.
struct Finished {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Starts `pin_login` in `dir` with the app's keys in its environment, pointed at `base`.
fn start(dir: &Path, app: &DemoAccount, base: &str, args: &[&str]) -> Child {
    common::example("pin_login", dir)
        .env("X_API_KEY", &app.api_key)
        .env("X_API_KEY_SECRET", &app.api_key_secret)
        .env("X_API_BASE_URL", base)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pin_login starts")
}

/// The example's stdout, read up to the authorize URL.
struct Started {
    url: Option<String>,
    seen: String,
    reader: BufReader<std::process::ChildStdout>,
}

/// Reads the example's stdout until the authorize URL; `url` is `None` if it ended first.
async fn authorize_url(child: &mut Child) -> Started {
    let stdout = child.stdout.take().expect("piped stdout");
    tokio::task::spawn_blocking(move || {
        let mut reader = BufReader::new(stdout);
        let mut seen = String::new();
        loop {
            let from = seen.len();
            if reader.read_line(&mut seen).unwrap_or(0) == 0 {
                return Started {
                    url: None,
                    seen,
                    reader,
                };
            }
            let line = &seen[from..];
            if let (Some(at), true) = (line.find("http"), line.contains("/oauth/authorize?")) {
                let url = Some(line[at..].trim().to_string());
                return Started { url, seen, reader };
            }
        }
    })
    .await
    .expect("reader thread")
}

/// Types `input` into the example and collects the rest of its output.
async fn finish(mut child: Child, started: Started, input: &str) -> Finished {
    let input = input.to_string();
    tokio::task::spawn_blocking(move || {
        if let Some(mut stdin) = child.stdin.take() {
            // The example may have exited already (e.g. no URL): a broken pipe is fine.
            let _ = stdin.write_all(input.as_bytes());
        }
        let Started {
            seen: mut stdout,
            mut reader,
            ..
        } = started;
        reader.read_to_string(&mut stdout).expect("stdout");
        let mut stderr = String::new();
        if let Some(mut e) = child.stderr.take() {
            e.read_to_string(&mut stderr).expect("stderr");
        }
        let code = child.wait().expect("exit").code();
        Finished {
            code,
            stdout,
            stderr,
        }
    })
    .await
    .expect("finish thread")
}

/// Runs the whole flow: start, approve as `username`, type the PIN (then `after`, e.g. "y\n").
async fn run_flow(
    dir: &Path,
    sandbox: &Sandbox,
    args: &[&str],
    username: &str,
    after: &str,
) -> (Finished, String) {
    let app = sandbox.demo(Scenario::FullAccess);
    let mut child = start(dir, app, sandbox.base_url(), args);
    let mut started = authorize_url(&mut child).await;
    let url = started.url.take();
    let Some(url) = url else {
        let f = finish(child, started, "").await;
        panic!("no authorize URL:\n{}{}", f.stdout, f.stderr);
    };
    assert!(
        url.starts_with(&format!(
            "{}/oauth/authorize?oauth_token=",
            sandbox.base_url()
        )),
        "{url}"
    );
    let pin = approve(&url, username).await;
    let done = finish(child, started, &format!("{pin}\n{after}")).await;
    (done, pin)
}

fn assert_no_secret(app: &DemoAccount, f: &Finished, more: &[&str]) {
    for secret in std::iter::once(app.api_key_secret.as_str()).chain(more.iter().copied()) {
        for form in common::leak_forms(secret) {
            assert!(
                !f.stdout.contains(&form) && !f.stderr.contains(&form),
                "a secret leaked:\n{}{}",
                f.stdout,
                f.stderr
            );
        }
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The `.env` the test starts from: comments, other variables, no tokens.
const BEFORE: &str = "# my bot\nexport OTHER='keep me'\n\nLOG_LEVEL=debug # comment\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_flow_writes_the_bot_accounts_tokens_and_they_verify_as_that_account() {
    let sandbox = Sandbox::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join(".env");
    std::fs::write(&env, BEFORE).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o644)).unwrap();
    }

    let (done, _) = run_flow(dir.path(), &sandbox, &[], BOT, "").await;
    assert_eq!(done.code, Some(0), "{}{}", done.stdout, done.stderr);
    assert!(
        done.stdout
            .contains(&format!("✔ Tokens for @{BOT} (user id ")),
        "{}",
        done.stdout
    );
    // A sandbox on this machine, not one started for the run: still no x.com login to ask for.
    assert!(done.stdout.contains("The sandbox has no x.com login"));
    assert!(done
        .stdout
        .contains("3. Type the PIN the sandbox shows, then Enter: "));
    assert!(
        done.stdout.contains("it is now 0600"),
        "the too-open file is fixed, and it says so:\n{}",
        done.stdout
    );
    #[cfg(unix)]
    assert_eq!(mode(&env), 0o600);

    // Every other line is kept as it was; the two values are added at the end.
    let after = std::fs::read_to_string(&env).unwrap();
    assert!(after.starts_with(BEFORE), "{after}");
    let added: Vec<&str> = after[BEFORE.len()..].lines().collect();
    assert_eq!(added.len(), 2, "{after}");
    assert!(
        added[0].starts_with("X_ACCESS_TOKEN=") && added[1].starts_with("X_ACCESS_TOKEN_SECRET=")
    );

    // The new token, read back as a bot would, verifies as the chosen account.
    let app = sandbox.demo(Scenario::FullAccess);
    let loaded = Loader::new()
        .env_file(&env)
        .environment([
            ("X_API_KEY", app.api_key.as_str()),
            ("X_API_KEY_SECRET", app.api_key_secret.as_str()),
        ])
        .load()
        .unwrap();
    let token_secret = loaded
        .effective(Field::AccessTokenSecret)
        .unwrap()
        .expose_value()
        .to_string();
    let credentials = loaded.credentials().unwrap();
    let client = XClient::new(
        credentials,
        ClientConfig::default().base_url(sandbox.base_url()),
    )
    .unwrap();
    let verdict = verify(&client, Need::DirectMessages).await;
    assert!(verdict.is_ok(), "{verdict}");
    let account = verdict.account.as_ref().unwrap();
    assert_eq!(account.username, BOT);
    assert_ne!(
        account.username, app.username,
        "not the app owner's account"
    );
    assert_eq!(verdict.token_user_id.as_deref(), Some(account.id.as_str()));
    assert!(
        done.stdout.contains(&format!("(user id {})", account.id)),
        "{}",
        done.stdout
    );
    assert_no_secret(app, &done, &[&token_secret]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_type_write_gives_a_token_without_dms() {
    let sandbox = Sandbox::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (done, _) = run_flow(dir.path(), &sandbox, &["--access-type", "write"], BOT, "").await;
    assert_eq!(done.code, Some(0), "{}{}", done.stdout, done.stderr);
    let env = dir.path().join(".env");
    #[cfg(unix)]
    assert_eq!(mode(&env), 0o600, "created 0600");
    let app = sandbox.demo(Scenario::FullAccess);
    let loaded = Loader::new()
        .env_file(&env)
        .environment([
            ("X_API_KEY", app.api_key.as_str()),
            ("X_API_KEY_SECRET", app.api_key_secret.as_str()),
        ])
        .load()
        .unwrap();
    let client = XClient::new(
        loaded.credentials().unwrap(),
        ClientConfig::default().base_url(sandbox.base_url()),
    )
    .unwrap();
    let verdict = verify(&client, Need::Write).await;
    assert_eq!(
        verdict.access_level,
        Some(AccessLevel::ReadWrite),
        "{verdict}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn existing_tokens_are_replaced_in_place_only_when_confirmed() {
    let sandbox = Sandbox::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join(".env");
    let before = "# tokens of the old bot\nX_ACCESS_TOKEN=1790000000000000042-Hq8Wm3Lx7Kp2Rv9Tz4Nc6Bj1Fd5Gs0\nX_ACCESS_TOKEN_SECRET=Yt6Rp1Lm9Kq3Wx7Zn2Vb5Hc8Jd4Fg0Sa6Qe1Tu9Io3Py7\nAFTER=1\n";
    common::write_env(dir.path(), before);

    // "n": nothing changes.
    let (done, _) = run_flow(dir.path(), &sandbox, &[], BOT, "n\n").await;
    assert_eq!(done.code, Some(1), "{}{}", done.stdout, done.stderr);
    assert!(
        done.stdout.contains(&format!(
            "Replace the existing X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET in .env (line 2) with the tokens for @{BOT}? [y/N]"
        )),
        "{}",
        done.stdout
    );
    assert!(done
        .stdout
        .contains("Nothing written: .env is unchanged, and the new tokens are not kept anywhere."));
    assert!(
        done.stdout.contains("--env-file bot2.env"),
        "{}",
        done.stdout
    );
    assert_eq!(std::fs::read_to_string(&env).unwrap(), before);

    // No answer at all (stdin closed) is a "no" too.
    let (done, _) = run_flow(dir.path(), &sandbox, &[], BOT, "").await;
    assert_eq!(done.code, Some(1), "{}{}", done.stdout, done.stderr);
    assert_eq!(std::fs::read_to_string(&env).unwrap(), before);

    // "y": replaced on the same lines, everything else kept.
    let (done, _) = run_flow(dir.path(), &sandbox, &[], BOT, "y\n").await;
    assert_eq!(done.code, Some(0), "{}{}", done.stdout, done.stderr);
    let after = std::fs::read_to_string(&env).unwrap();
    let lines: Vec<&str> = after.lines().collect();
    assert_eq!(lines.len(), 4, "{after}");
    assert_eq!(lines[0], "# tokens of the old bot");
    assert!(lines[1].starts_with("X_ACCESS_TOKEN=") && !before.contains(lines[1]));
    assert!(lines[2].starts_with("X_ACCESS_TOKEN_SECRET=") && !before.contains(lines[2]));
    assert_eq!(lines[3], "AFTER=1");
    assert!(done.stdout.contains("replaced in place"), "{}", done.stdout);

    // --yes replaces without asking.
    let (done, _) = run_flow(dir.path(), &sandbox, &["--yes"], BOT, "").await;
    assert_eq!(done.code, Some(0), "{}{}", done.stdout, done.stderr);
    assert!(!done.stdout.contains("[y/N]"));
    assert_ne!(std::fs::read_to_string(&env).unwrap(), after);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_pin_is_a_clear_failure_and_writes_nothing() {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.demo(Scenario::FullAccess);
    let dir = tempfile::tempdir().unwrap();
    let mut child = start(dir.path(), app, sandbox.base_url(), &[]);
    let mut started = authorize_url(&mut child).await;
    let url = started.url.take();
    let pin = approve(&url.expect("authorize URL"), BOT).await;
    // Same length, one digit off.
    let wrong: String = pin
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                if c == '9' {
                    '0'
                } else {
                    '9'
                }
            } else {
                c
            }
        })
        .collect();
    let done = finish(child, started, &format!("{wrong}\n")).await;
    assert_eq!(done.code, Some(1), "{}{}", done.stdout, done.stderr);
    for part in [
        "✘ X refused the PIN (401)",
        "Why:",
        "Run the PIN flow again from the start",
        "book/troubleshooting.md#the-pin-is-rejected",
        "POST ",
        "/oauth/access_token: 401 Unauthorized",
    ] {
        assert!(
            done.stderr.contains(part),
            "lacks {part:?}:\n{}",
            done.stderr
        );
    }
    assert!(!dir.path().join(".env").exists(), "nothing written");
    assert_no_secret(app, &done, &[]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pin_that_is_not_digits_is_refused_before_asking_x() {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.demo(Scenario::FullAccess);
    let dir = tempfile::tempdir().unwrap();
    let mut child = start(dir.path(), app, sandbox.base_url(), &[]);
    let mut started = authorize_url(&mut child).await;
    let url = started.url.take();
    assert!(url.is_some());
    let done = finish(child, started, "12a4567\n").await;
    assert_eq!(done.code, Some(1), "{}{}", done.stdout, done.stderr);
    assert!(
        done.stderr.contains("the PIN must be digits only") && !done.stderr.contains("12a4567"),
        "{}",
        done.stderr
    );
    assert!(!dir.path().join(".env").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_api_key_secret_stops_at_the_request_token() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut app = sandbox.demo(Scenario::FullAccess).clone();
    let real_secret = app.api_key_secret.clone();
    app.api_key_secret = app.api_key_secret.chars().rev().collect();
    let dir = tempfile::tempdir().unwrap();
    let mut child = start(dir.path(), &app, sandbox.base_url(), &[]);
    let mut started = authorize_url(&mut child).await;
    let url = started.url.take();
    assert!(url.is_none(), "no URL without a request token");
    let done = finish(child, started, "").await;
    assert_eq!(done.code, Some(1), "{}{}", done.stdout, done.stderr);
    for part in [
        "/oauth/request_token: 401 Unauthorized",
        "✘ X rejected the API Key and API Key Secret",
        "'Consumer Keys'",
        "book/troubleshooting.md#the-api-key-and-secret-are-rejected",
        "The sandbox explains:",
    ] {
        assert!(
            done.stderr.contains(part),
            "lacks {part:?}:\n{}",
            done.stderr
        );
    }
    assert_no_secret(&app, &done, &[&real_secret]);
}

#[test]
fn with_no_keys_it_offers_the_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::example("pin_login", dir.path())
        .env("X_API_BASE_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    let (stdout, _) = common::texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with("No X_API_KEY and X_API_KEY_SECRET found")
            && stdout.contains("cargo run --example pin_login -- --sandbox"),
        "{stdout}"
    );
}

#[test]
fn the_offline_check_stops_a_broken_api_key() {
    let dir = tempfile::tempdir().unwrap();
    common::write_env(
        dir.path(),
        // Swapped: the secret in the key's place.
        "X_API_KEY=Zq9wE8rT7yU6iO5pA4sD3fG2hJ1kL0zX9cV8bN7mQ6wE5rT4yU\nX_API_KEY_SECRET=Xa1bC2dE3fG4hI5jK6lM7nO8p\n",
    );
    let out = common::example("pin_login", dir.path())
        .env("X_API_BASE_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    let (stdout, _) = common::texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("looks swapped"), "{stdout}");
    assert!(stdout.contains("Stopped before contacting X"), "{stdout}");
    assert!(!stdout.contains("/oauth/authorize"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_mode_runs_the_whole_flow_offline() {
    let dir = tempfile::tempdir().unwrap();
    // No keys, no base URL: --sandbox brings its own (the example's sandbox, not the test's).
    let mut child = common::example("pin_login", dir.path())
        .args(["--sandbox", "--env-file", "demo.env"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut started = authorize_url(&mut child).await;
    let url = started.url.take();
    let url = url.expect("authorize URL");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let pin = approve(&url, BOT).await;
    let done = finish(child, started, &format!("{pin}\n")).await;
    assert_eq!(done.code, Some(0), "{}{}", done.stdout, done.stderr);
    assert!(done.stdout.starts_with("SANDBOX: "), "{}", done.stdout);
    assert!(done.stdout.contains(&format!("✔ Tokens for @{BOT}")));
    // The sandbox is not X: nobody logs in to x.com, its page picks the account, it shows the PIN.
    assert!(
        done.stdout.contains(
            "1. The sandbox has no x.com login: its authorize page lets you pick the account."
        ) && done.stdout.contains("3. Type the PIN the sandbox shows"),
        "{}",
        done.stdout
    );
    assert!(
        !done.stdout.contains("x.com as the BOT ACCOUNT") && !done.stdout.contains("PIN X shows")
    );
    let written = std::fs::read_to_string(dir.path().join("demo.env")).unwrap();
    assert!(written.contains("X_ACCESS_TOKEN="), "{written}");
    assert!(!done
        .stdout
        .contains("Next: cargo run --example verify_keys"));
}
