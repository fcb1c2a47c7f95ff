//! The `sandbox` example: it starts, prints its base URL and demo keys, answers a signed
//! request, serves keys from the environment without printing their secrets, and refuses bad
//! options with a clear message.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use reqwest_oauth1::{OAuthClientProvider, Secrets};
use xkeys_sandbox::{Account, Scenario};

/// Runs the example in an empty directory (no .env) with the X_* variables given.
fn spawn(args: &[&str], env: &[(&str, &str)]) -> (Child, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::new(common::example_bin("sandbox"));
    cmd.args(args)
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for name in [
        "X_API_KEY",
        "X_API_KEY_SECRET",
        "X_ACCESS_TOKEN",
        "X_ACCESS_TOKEN_SECRET",
    ] {
        cmd.env_remove(name);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    (cmd.spawn().expect("spawn the example"), dir)
}

/// Reads stdout until "Ctrl-C to stop."; returns everything printed.
fn read_banner(child: &mut Child) -> String {
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut out = String::new();
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(15))
            .expect("the example printed its banner in time");
        out.push_str(&line);
        out.push('\n');
        if line.starts_with("Ctrl-C to stop.") {
            return out;
        }
    }
}

fn base_url(banner: &str) -> String {
    banner
        .lines()
        .find_map(|l| l.strip_prefix("xkeys sandbox listening on "))
        .expect("base URL line")
        .trim()
        .to_string()
}

fn users_me(base: &str, key: &str, secret: &str, token: &str, token_secret: &str) -> u16 {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client")
            .oauth1(Secrets::new(key, secret).token(token, token_secret))
            .get(format!("{base}/2/users/me"))
            .send()
            .await
            .expect("send")
            .status()
            .as_u16()
    })
}

#[test]
fn the_example_serves_demo_accounts_and_answers_a_signed_request() {
    let (mut child, _dir) = spawn(&["--port", "0"], &[]);
    let banner = read_banner(&mut child);
    let base = base_url(&banner);
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    assert!(banner.contains(&format!("X_API_BASE_URL={base}")));
    for &s in Scenario::ALL {
        assert!(
            banner.contains(&format!("# {} (@", s.name())),
            "{}",
            s.name()
        );
    }
    let demo = Account::demo(Scenario::FullAccess).to_demo();
    assert!(banner.contains(&format!("X_API_KEY_SECRET={}", demo.api_key_secret)));
    assert!(!banner.contains("also serving your keys"));
    let status = users_me(
        &base,
        &demo.api_key,
        &demo.api_key_secret,
        &demo.access_token,
        &demo.access_token_secret,
    );
    child.kill().expect("kill");
    let _ = child.wait();
    assert_eq!(status, 200);
}

#[test]
fn the_example_serves_your_keys_without_printing_them() {
    let key = "YourKeyAbcdefghijklmnopq";
    let secret = "YourSecretNeverPrinted0000000000000000000000000000";
    let token = "1234567890123456789-YourTokenNeverPrinted000000";
    let token_secret = "YourTokenSecretNeverPrinted000000000000000000";
    let (mut child, _dir) = spawn(
        &["--port", "0"],
        &[
            ("X_API_KEY", key),
            ("X_API_KEY_SECRET", secret),
            ("X_ACCESS_TOKEN", token),
            ("X_ACCESS_TOKEN_SECRET", token_secret),
        ],
    );
    let banner = read_banner(&mut child);
    let base = base_url(&banner);
    assert!(banner.contains("also serving your keys from .env (API Key Your…)"));
    for value in [key, secret, token, token_secret] {
        assert!(
            !banner.contains(value),
            "printed a value of the user's keys"
        );
    }
    let status = users_me(&base, key, secret, token, token_secret);
    child.kill().expect("kill");
    let output = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains(secret) && !stderr.contains(token_secret));
    assert_eq!(status, 200);
}

#[test]
fn bad_options_exit_non_zero_with_a_clear_message() {
    for (args, needle) in [
        (
            &["--port", "not-a-port"][..],
            "invalid value 'not-a-port' for '--port <PORT>'",
        ),
        (&["--bogus"][..], "unexpected argument '--bogus'"),
    ] {
        let (child, _dir) = spawn(args, &[]);
        let output = child.wait_with_output().expect("wait");
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(needle), "{stderr}");
    }
}
