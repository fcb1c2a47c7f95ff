//! Real X API clients in Python and Node against the sandbox: tweepy 4.17, a plain requests-oauthlib
//! 2.0 bot, twitter-api-v2 1.29 and a plain oauth-1.0a 2.2 + fetch bot, and the OAuth 2.0 logins
//! of the first three (tweepy's `OAuth2UserHandler`, requests-oauthlib's `OAuth2Session` with
//! PKCE, twitter-api-v2's `generateOAuth2AuthLink` / `loginWithOAuth2` / `refreshOAuth2Token` /
//! `revokeOAuth2Token`), with the sandbox's consent page played as a browser would (the scripts in
//! `tests/clients/`). Each test runs the sandbox program as a reader would
//! (`cargo run --example sandbox -- --port 0 --no-env-keys --rate-limit-window 3`, here its built
//! binary), reads the base URL from what it prints, checks that `/sandbox/accounts` lists the keys
//! it printed, and runs one script with `X_API_BASE_URL` (the scripts read the demo accounts from
//! `/sandbox/accounts`). The script's own assertions decide; its whole output is in the failure
//! message.
//!
//! Needs `target/clients/venv` (`python3 -m venv target/clients/venv` and
//! `target/clients/venv/bin/pip install -r tests/clients/python/requirements.txt`), node 20+ and
//! `npm ci --prefix tests/clients/node`; `.ci/run` installs them. Without them each test says loudly
//! that it was skipped and passes, so `cargo test` works with only the Rust toolchain — unless
//! `XKEYS_REQUIRE_CLIENTS=1`, when it fails instead.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::root;
use serde_json::{json, Map, Value};

/// The rate-limit window the sandbox runs with, in seconds: short, so a client can wait it out.
const RATE_LIMIT_WINDOW: u64 = 3;

/// How long one script may take (its slowest tests wait out a rate-limit window or two).
const SCRIPT_DEADLINE: Duration = Duration::from_secs(240);

/// How long the sandbox may take to print its keys.
const START_DEADLINE: Duration = Duration::from_secs(60);

fn clients_dir() -> PathBuf {
    root().join("tests").join("clients")
}

fn venv_python() -> PathBuf {
    root()
        .join("target")
        .join("clients")
        .join("venv")
        .join("bin")
        .join("python")
}

/// Whether a command runs and exits 0.
fn succeeds(cmd: &mut Command) -> bool {
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// What is missing to run the Python clients, each with how to install it.
fn python_missing() -> Vec<&'static str> {
    let ok = succeeds(
        Command::new(venv_python()).args(["-c", "import tweepy, requests_oauthlib, oauthlib"]),
    );
    if ok {
        Vec::new()
    } else {
        vec!["target/clients/venv with tweepy and requests-oauthlib (python3 -m venv target/clients/venv && target/clients/venv/bin/pip install -r tests/clients/python/requirements.txt)"]
    }
}

/// What is missing to run the Node clients, each with how to install it.
fn node_missing() -> Vec<&'static str> {
    let mut missing = Vec::new();
    let node_20 = Command::new("node")
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| {
            let v = String::from_utf8_lossy(&o.stdout).into_owned();
            v.trim()
                .strip_prefix('v')?
                .split('.')
                .next()?
                .parse::<u32>()
                .ok()
        })
        .is_some_and(|major| major >= 20);
    if !node_20 {
        missing.push("node 20 or later (apt-get install nodejs npm)");
    }
    for package in ["twitter-api-v2", "oauth-1.0a"] {
        let manifest = clients_dir()
            .join("node")
            .join("node_modules")
            .join(package)
            .join("package.json");
        if !manifest.is_file() {
            missing.push("twitter-api-v2 and oauth-1.0a (npm ci --prefix tests/clients/node)");
            break;
        }
    }
    missing
}

/// Skips (loudly) or, with `XKEYS_REQUIRE_CLIENTS=1`, fails when something is missing.
fn skipped(test: &str, missing: &[&str]) -> bool {
    if missing.is_empty() {
        return false;
    }
    let required = std::env::var("XKEYS_REQUIRE_CLIENTS").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "XKEYS_REQUIRE_CLIENTS=1 but {test} can't run: missing {} (`bash .ci/run` installs them)",
        missing.join(", ")
    );
    // Straight to the terminal: the test harness captures eprintln! of passing tests.
    let _ = writeln!(
        std::io::stderr(),
        "\n\n*** tests/real_clients.rs {test} SKIPPED: missing {} ***\n\
         *** (`bash .ci/run` installs them; XKEYS_REQUIRE_CLIENTS=1 makes this a failure) ***\n",
        missing.join(", ")
    );
    true
}

/// The sandbox program, running; killed when dropped.
struct Running {
    child: Child,
    _scratch: tempfile::TempDir,
    base_url: String,
    /// Scenario name → {username, user_id, X_API_KEY, ...}.
    accounts: Map<String, Value>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads what the sandbox prints at start: `xkeys sandbox listening on URL`, then per scenario a
/// `# NAME (@USER): ...` line and its four `KEY=value` lines.
fn parse_banner(lines: &[String]) -> (String, Map<String, Value>) {
    let base_url = lines
        .iter()
        .find_map(|l| l.strip_prefix("xkeys sandbox listening on "))
        .expect("the sandbox prints its address")
        .trim()
        .to_string();
    let mut accounts = Map::new();
    let mut current: Option<(String, Map<String, Value>)> = None;
    for line in lines {
        if let Some(rest) = line.strip_prefix("# ") {
            accounts.extend(current.take().map(|(n, a)| (n, Value::Object(a))));
            let (name, rest) = rest.split_once(" (@").expect("# NAME (@USER): ...");
            let username = rest.split_once(')').expect("(@USER)").0;
            let mut account = Map::new();
            account.insert("username".into(), json!(username));
            current = Some((name.to_string(), account));
        } else if let (Some((key, value)), Some((_, account))) =
            (line.split_once('='), current.as_mut())
        {
            if key.starts_with("X_") {
                account.insert(key.to_string(), json!(value));
                if key == "X_ACCESS_TOKEN" {
                    let user_id = value.split('-').next().unwrap_or_default();
                    account.insert("user_id".into(), json!(user_id));
                }
            }
        }
    }
    accounts.extend(current.map(|(n, a)| (n, Value::Object(a))));
    (base_url, accounts)
}

/// Starts the sandbox program on a free port, as the chapter shows it.
fn start_sandbox() -> Running {
    let scratch = tempfile::tempdir().expect("tempdir");
    let window = RATE_LIMIT_WINDOW.to_string();
    let mut child = common::example("sandbox", scratch.path())
        .args([
            "--port",
            "0",
            "--no-env-keys",
            "--rate-limit-window",
            &window,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the sandbox example");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let started = Instant::now();
    let mut lines = Vec::new();
    loop {
        let left = START_DEADLINE.saturating_sub(started.elapsed());
        match rx.recv_timeout(left) {
            Ok(line) if line.starts_with("Ctrl-C to stop") => break,
            Ok(line) => lines.push(line),
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "the sandbox did not print its keys within {START_DEADLINE:?}:\n{}",
                    lines.join("\n")
                );
            }
        }
    }
    let (base_url, accounts) = parse_banner(&lines);
    assert!(
        accounts.len() >= 10 && accounts.contains_key("full-access"),
        "the sandbox printed {} accounts:\n{}",
        accounts.len(),
        lines.join("\n")
    );
    Running {
        child,
        _scratch: scratch,
        base_url,
        accounts,
    }
}

/// What `GET /sandbox/accounts` answers.
fn served_accounts(base_url: &str) -> Value {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client");
        let answer = http
            .get(format!("{base_url}/sandbox/accounts"))
            .send()
            .await
            .expect("GET /sandbox/accounts");
        assert_eq!(answer.status(), 200);
        answer.json::<Value>().await.expect("JSON")
    })
}

/// Runs one client script against a fresh sandbox; panics with its whole output if it fails.
fn run_clients(what: &str, program: &Path, args: &[&str], dir: &Path) {
    let sandbox = start_sandbox();
    // The scripts read the demo accounts from /sandbox/accounts: the same as the banner shows.
    let served = served_accounts(&sandbox.base_url);
    assert_eq!(served["rate_limit_window_secs"], RATE_LIMIT_WINDOW);
    for (scenario, printed) in &sandbox.accounts {
        let listed = served["accounts"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["scenario"] == scenario.as_str())
            .unwrap_or_else(|| panic!("/sandbox/accounts lacks {scenario}"));
        for (env, field) in [
            ("X_API_KEY", "api_key"),
            ("X_API_KEY_SECRET", "api_key_secret"),
            ("X_ACCESS_TOKEN", "access_token"),
            ("X_ACCESS_TOKEN_SECRET", "access_token_secret"),
            ("username", "username"),
            ("user_id", "user_id"),
        ] {
            assert_eq!(listed[field], printed[env], "{scenario}: {field}");
        }
    }
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(dir).env_clear();
    for var in ["PATH", "HOME"] {
        if let Some(v) = std::env::var_os(var) {
            cmd.env(var, v);
        }
    }
    cmd.env("X_API_BASE_URL", &sandbox.base_url)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONUNBUFFERED", "1")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("start {}: {e}", program.display()));
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the script") {
            break status;
        }
        if started.elapsed() > SCRIPT_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            break child.wait().expect("killed");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = format!(
        "{}{}",
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default()
    );
    let took = started.elapsed();
    drop(sandbox);
    assert!(
        status.success() && took <= SCRIPT_DEADLINE,
        "{what} against the sandbox failed ({status}, {took:.1?}; deadline {SCRIPT_DEADLINE:?}):\n{output}"
    );
    let summary: Vec<&str> = output
        .lines()
        .filter(|l| l.starts_with("Ran ") || l.starts_with("ℹ tests") || l.starts_with("ℹ pass"))
        .map(|l| l.trim_start_matches("ℹ "))
        .collect();
    let _ = writeln!(
        std::io::stderr(),
        "real clients: {what} passed ({}) in {:.1} s",
        summary.join(", "),
        took.as_secs_f64()
    );
}

fn python(test: &str, module: &str) {
    if skipped(test, &python_missing()) {
        return;
    }
    run_clients(
        test,
        &venv_python(),
        &["-m", "unittest", "-v", module],
        &clients_dir().join("python"),
    );
}

fn node(test: &str, file: &str) {
    if skipped(test, &node_missing()) {
        return;
    }
    run_clients(
        test,
        Path::new("node"),
        &["--test", "--test-reporter=spec", file],
        &clients_dir().join("node"),
    );
}

#[test]
fn tweepy() {
    python("tweepy", "test_tweepy");
}

#[test]
fn requests_oauthlib() {
    python("requests-oauthlib", "test_requests_oauthlib");
}

#[test]
fn twitter_api_v2() {
    node("twitter-api-v2", "twitter-api-v2.test.mjs");
}

#[test]
fn oauth_1_0a_with_fetch() {
    node("oauth-1.0a with fetch", "oauth-fetch.test.mjs");
}

#[test]
fn tweepy_oauth2() {
    python("tweepy OAuth 2.0", "test_tweepy_oauth2");
}

#[test]
fn requests_oauthlib_oauth2() {
    python(
        "requests-oauthlib OAuth 2.0",
        "test_requests_oauthlib_oauth2",
    );
}

#[test]
fn twitter_api_v2_oauth2() {
    node("twitter-api-v2 OAuth 2.0", "twitter-api-v2-oauth2.test.mjs");
}

#[test]
fn the_banner_gives_every_account_its_keys() {
    let lines: Vec<String> = [
        "xkeys sandbox listening on http://127.0.0.1:1234",
        "",
        "# full-access (@xkeys_full): everything works",
        "X_API_KEY=k",
        "X_API_KEY_SECRET=ks",
        "X_ACCESS_TOKEN=123-t",
        "X_ACCESS_TOKEN_SECRET=ts",
        "",
        "# read-only (@xkeys_readonly): reads",
        "X_API_KEY=k2",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let (base, accounts) = parse_banner(&lines);
    assert_eq!(base, "http://127.0.0.1:1234");
    assert_eq!(accounts["full-access"]["user_id"], "123");
    assert_eq!(accounts["full-access"]["X_ACCESS_TOKEN_SECRET"], "ts");
    assert_eq!(accounts["read-only"]["username"], "xkeys_readonly");
    assert_eq!(accounts.len(), 2);
}
