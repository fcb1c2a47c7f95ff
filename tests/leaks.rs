//! The leak test over everything: every example × every sandbox scenario, run with well-formed fake
//! secrets in the environment. stdout, stderr and every file the run writes are scanned for each secret,
//! its percent-encoding and its first 8 characters; the API Key and Access Token must never appear whole.
//! The OAuth 2.0 values are in the environment too (the Client Secret and the tokens are secrets; the
//! Client ID is public: every authorize URL carries it), and `oauth2_login` logs in, headless.
//! Zero hits.
//!
//! A new example must get an entry in `invocations`: `every_example_is_covered` fails otherwise.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use xkeys_sandbox::{AccessLevel, Account, Sandbox, SandboxConfig, Scenario};

const KEY: &str = "Lk4Jh7Gf2Ds9Ap3Zx8Cv1Bn6M";
const SECRET: &str = "Pq2Wo9Ei4Ru7Ty1Up5As8Df3Gh6Jk0Lz2Xc9Vb4Nm7Qw1Er5T";
const TOKEN: &str = "1790000000000000077-Rt5Yu8Io2Pa6Sd9Fg3Hj7Kl1Zx4Cv0";
const TOKEN_SECRET: &str = "Mn3Bv7Cx1Zl5Kj9Hg2Fd6Sa0Po4Iu8Yt2Re6Wq0Lk4Jh8";
const BEARER: &str = "AAAAAAAAAAAAAAAAAAAAAXk4eAAAAAAAq7Rz%2BLm3Wv9Kp2Xc%2FTy5Nb8Qs1Df%3DHj6Gf4Ds2Az9Xc3Vb7Nm1Lk5Jh8Gf2Ds6Ap0Zx4Cv9Bn3M";
/// The app's OAuth 2.0 client: the Client ID is public (every authorize URL carries it), its secret isn't.
const CLIENT_ID: &str = "Wk9yVjNwTHFoN2NaeDRtQjFuSGQ6MTpjaQ";
const CLIENT_SECRET: &str = "Hq4-Zt8Lm2Xw6Rb0Nc3Vp7Ks1Fd5Jg9Ty2Ue6Ai0Op4Yh8Gb3M_";
/// Where the sandbox redirects after 'Authorize app' (registered for the account's app).
const REDIRECT: &str = "http://127.0.0.1:8765/callback";

/// The input file of verify_many's runs, written into the run's directory (not scanned: it is input).
const TOKENS_FILE: &str = "tokens.csv";

/// Every form of every secret that must not appear: the four keys', the Bearer Token's, the Client
/// Secret's and the OAuth 2.0 tokens the account starts with.
fn forbidden() -> Vec<String> {
    let demo = account(Scenario::FullAccess).to_demo();
    let oauth2 = [
        demo.oauth2_access_token.as_str(),
        demo.oauth2_refresh_token.as_str(),
    ];
    [SECRET, TOKEN_SECRET, BEARER, CLIENT_SECRET]
        .iter()
        .chain(oauth2.iter())
        .flat_map(|s| common::leak_forms(s))
        .chain([KEY.to_string(), TOKEN.to_string()])
        .collect()
}

/// How an example is run: its arguments, and what it reads on stdin.
#[derive(Clone)]
struct Invocation {
    example: &'static str,
    args: Vec<String>,
    input: Input,
}

#[derive(Clone)]
enum Input {
    /// Nothing on stdin.
    None,
    /// The PIN flow: read the authorize URL, approve on the sandbox page, type the PIN and "y".
    PinFlow { username: String },
    /// The OAuth 2.0 login, headless: read the authorize URL, authorize on the sandbox's consent
    /// page, paste the redirect URL.
    OAuth2Flow { username: String },
    /// A long-running server: read until this line, then stop it.
    UntilLine(&'static str),
}

fn run(example: &'static str, args: &[&str], input: Input) -> Invocation {
    Invocation {
        example,
        args: args.iter().map(|a| a.to_string()).collect(),
        input,
    }
}

/// The runs for one scenario, against a sandbox that serves the fake keys with that scenario.
fn invocations(username: &str) -> Vec<Invocation> {
    vec![
        run("check_keys", &[], Input::None),
        run("verify_keys", &["--timeout", "1"], Input::None),
        run("verify_keys", &["--timeout", "1", "--json"], Input::None),
        run(
            "verify_keys",
            &["--timeout", "1", "--need", "write"],
            Input::None,
        ),
        run("bearer_lookup", &[], Input::None),
        run("post_and_delete", &["--timeout", "1"], Input::None),
        run("post_and_delete", &["--yes", "--timeout", "1"], Input::None),
        run(
            "send_dm",
            &["--yes", "--timeout", "1", "--to", "1790000000000000042"],
            Input::None,
        ),
        run(
            "verify_many",
            &[TOKENS_FILE, "--no-wait", "--timeout", "1"],
            Input::None,
        ),
        run(
            "verify_many",
            &[
                TOKENS_FILE,
                "--no-wait",
                "--timeout",
                "1",
                "--format",
                "csv",
            ],
            Input::None,
        ),
        run(
            "pin_login",
            &["--yes"],
            Input::PinFlow {
                username: username.to_string(),
            },
        ),
        run(
            "oauth2_login",
            &["--yes", "--headless", "--timeout", "1"],
            Input::OAuth2Flow {
                username: username.to_string(),
            },
        ),
    ]
}

/// Runs that don't depend on the scenario (offline, or a server of their own), once.
fn scenario_free() -> Vec<Invocation> {
    vec![
        run("check_keys", &["--git"], Input::None),
        run(
            "sandbox",
            &["--port", "0", "--slow-delay", "1"],
            Input::UntilLine("Ctrl-C to stop."),
        ),
        run("verify_many", &["--sandbox", TOKENS_FILE], Input::None),
    ]
}

struct Outcome {
    label: String,
    texts: Vec<(String, String)>,
}

/// Runs one invocation in a fresh directory and collects stdout, stderr and every file it wrote.
fn execute(
    inv: &Invocation,
    base: Option<&str>,
    oauth2: &[(&'static str, String)],
    rt: &tokio::runtime::Handle,
) -> Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    if inv.args.iter().any(|a| a == "--git") {
        // A repository whose history holds the keys: the scan must find them without printing them.
        let git = |args: &[&str]| common::git(dir.path(), args);
        std::fs::write(dir.path().join("keys.env"), format!("X_API_KEY={KEY}\nX_API_KEY_SECRET={SECRET}\nX_ACCESS_TOKEN={TOKEN}\nX_ACCESS_TOKEN_SECRET={TOKEN_SECRET}\nX_BEARER_TOKEN={BEARER}\n")).unwrap();
        let _ = git(&["init", "-q"])
            && git(&["add", "."])
            && git(&["commit", "-qm", "keys"])
            && git(&["rm", "-q", "keys.env"]);
    }
    if inv.args.iter().any(|a| a == TOKENS_FILE) {
        // verify_many's input: the token pair as a platform stores it, and the same pair swapped.
        let rows = format!("access_token,access_token_secret,label\n{TOKEN},{TOKEN_SECRET},me\n{TOKEN_SECRET},{TOKEN},swapped\n");
        std::fs::write(dir.path().join(TOKENS_FILE), rows).unwrap();
    }
    let before = files(dir.path());
    let mut cmd = common::example(inv.example, dir.path());
    cmd.args(&inv.args)
        .env("X_API_KEY", KEY)
        .env("X_API_KEY_SECRET", SECRET)
        .env("X_ACCESS_TOKEN", TOKEN)
        .env("X_ACCESS_TOKEN_SECRET", TOKEN_SECRET)
        .env("X_BEARER_TOKEN", BEARER)
        .envs(oauth2.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(base) = base {
        cmd.env("X_API_BASE_URL", base);
    }
    let mut child = cmd.spawn().expect("spawn example");
    let mut stdin = child.stdin.take();
    let mut stderr = child.stderr.take().expect("stderr");
    let err_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let (tx, rx) = mpsc::channel::<String>();
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut out = String::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    match &inv.input {
        Input::None => drop(stdin.take()),
        Input::PinFlow { username } => {
            while let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                out.push_str(&line);
                out.push('\n');
                if let (Some(at), true) = (line.find("http"), line.contains("/oauth/authorize?")) {
                    let url = line[at..]
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_string();
                    let pin = rt.block_on(common::approve(&url, username));
                    if let Some(mut s) = stdin.take() {
                        let _ = s.write_all(format!("{pin}\ny\n").as_bytes());
                    }
                    break;
                }
            }
            drop(stdin.take());
        }
        Input::OAuth2Flow { username } => {
            while let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                out.push_str(&line);
                out.push('\n');
                if let (Some(at), true) = (line.find("http"), line.contains("/i/oauth2/authorize?"))
                {
                    let url = line[at..].trim().to_string();
                    let back = rt.block_on(common::approve_oauth2(&url, username));
                    if let Some(mut s) = stdin.take() {
                        let _ =
                            s.write_all(format!("{}\ny\n", back.unwrap_or_default()).as_bytes());
                    }
                    break;
                }
            }
            drop(stdin.take());
        }
        Input::UntilLine(until) => {
            while let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                out.push_str(&line);
                out.push('\n');
                if line.contains(until) {
                    break;
                }
            }
            let _ = child.kill();
        }
    }
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            _ if Instant::now() > deadline => {
                let _ = child.kill();
                panic!(
                    "{} {:?} did not finish in 30 s:\n{out}",
                    inv.example, inv.args
                );
            }
            _ => std::thread::sleep(Duration::from_millis(10)),
        }
    }
    while let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
        out.push_str(&line);
        out.push('\n');
    }
    let err = err_thread.join().unwrap_or_default();
    let mut texts = vec![("stdout".to_string(), out), ("stderr".to_string(), err)];
    for path in files(dir.path()).difference(&before) {
        if path.components().any(|c| c.as_os_str() == ".git") {
            continue;
        }
        let bytes = std::fs::read(path).unwrap_or_default();
        texts.push((
            path.display().to_string(),
            String::from_utf8_lossy(&bytes).into_owned(),
        ));
    }
    Outcome {
        label: format!("{} {}", inv.example, inv.args.join(" ")),
        texts,
    }
}

fn files(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(path);
            }
        }
    }
    out
}

fn scan(outcome: &Outcome, scenario: &str) -> Vec<String> {
    let mut hits = Vec::new();
    for (what, text) in &outcome.texts {
        for form in forbidden() {
            if text.contains(&form) {
                hits.push(format!(
                    "[{scenario}] {}: {what} contains {:.4}… ({} chars)",
                    outcome.label,
                    form,
                    form.len()
                ));
            }
        }
    }
    hits
}

fn account(scenario: Scenario) -> Account {
    let account = Account::new(KEY, SECRET, TOKEN, TOKEN_SECRET)
        .bearer_token(BEARER)
        .oauth2_client(CLIENT_ID, CLIENT_SECRET)
        .callback_url(REDIRECT)
        .scenario(scenario);
    match scenario {
        Scenario::ReadOnly => account.access_level(AccessLevel::Read),
        Scenario::ReadWrite => account.access_level(AccessLevel::ReadWrite),
        _ => account,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_example_in_any_scenario_prints_or_writes_a_secret() {
    let rt = tokio::runtime::Handle::current();
    let mut hits = Vec::new();
    let mut runs = 0;
    let mut jobs = Vec::new();
    for &scenario in Scenario::ALL {
        let account = account(scenario);
        let username = account.username().to_string();
        // The OAuth 2.0 values of the account, as .env would hold them after a login.
        let oauth2: Vec<(&'static str, String)> = account.to_demo().oauth2_environment().into();
        let sandbox = Sandbox::start_with(
            SandboxConfig::default()
                .without_demo_accounts()
                .account(account)
                .slow_delay(Duration::from_secs(2)),
        )
        .await
        .expect("sandbox");
        let base = sandbox.base_url().to_string();
        let rt = rt.clone();
        jobs.push(tokio::task::spawn_blocking(move || {
            let outcomes: Vec<Outcome> = invocations(&username)
                .iter()
                .map(|inv| execute(inv, Some(&base), &oauth2, &rt))
                .collect();
            drop(sandbox);
            (scenario, outcomes)
        }));
    }
    for job in jobs {
        let (scenario, outcomes) = job.await.expect("job");
        if scenario == Scenario::FullAccess {
            // The runs really did their job: a leak test of error messages alone would prove little.
            let text = |label: &str| {
                outcomes
                    .iter()
                    .find(|o| o.label.starts_with(label))
                    .map(|o| o.texts.clone())
                    .unwrap_or_default()
            };
            assert!(
                text("verify_keys --timeout 1")
                    .iter()
                    .any(|(w, t)| w == "stdout" && t.contains("✔ Your keys work")),
                "{:?}",
                text("verify_keys")
            );
            assert!(
                text("pin_login")
                    .iter()
                    .any(|(w, t)| w.ends_with(".env") && t.contains("X_ACCESS_TOKEN_SECRET=")),
                "pin_login wrote no .env: {:?}",
                text("pin_login")
            );
            assert!(
                text("oauth2_login")
                    .iter()
                    .any(|(w, t)| w.ends_with(".env") && t.contains("X_OAUTH2_ACCESS_TOKEN=")),
                "oauth2_login wrote no .env: {:?}",
                text("oauth2_login")
            );
            assert!(
                text("verify_keys --timeout 1")
                    .iter()
                    .any(|(w, t)| w == "stdout" && t.contains("✔ Your OAuth 2.0 token works")),
                "{:?}",
                text("verify_keys")
            );
            assert!(
                text("bearer_lookup")
                    .iter()
                    .any(|(w, t)| w == "stdout" && t.contains('@')),
                "{:?}",
                text("bearer_lookup")
            );
        }
        for outcome in &outcomes {
            runs += 1;
            hits.extend(scan(outcome, scenario.name()));
        }
    }
    let rt2 = rt.clone();
    let free = tokio::task::spawn_blocking(move || {
        scenario_free()
            .iter()
            .map(|inv| execute(inv, None, &[], &rt2))
            .collect::<Vec<_>>()
    })
    .await
    .expect("job");
    assert!(
        free[0].texts[0]
            .1
            .contains("X credentials found in the git history"),
        "check_keys --git found the keys: {:?}",
        free[0].texts
    );
    assert!(
        free[1].texts[0].1.contains("Ctrl-C to stop."),
        "the sandbox started: {:?}",
        free[1].texts
    );
    for outcome in &free {
        runs += 1;
        hits.extend(scan(outcome, "-"));
    }
    println!(
        "{runs} runs scanned ({} scenarios × {} invocations + {}), {} forms per run: {} hits",
        Scenario::ALL.len(),
        invocations("x").len(),
        scenario_free().len(),
        forbidden().len(),
        hits.len()
    );
    assert!(hits.is_empty(), "secrets leaked:\n{}", hits.join("\n"));
}

#[test]
fn every_example_is_covered() {
    let covered: BTreeSet<&str> = invocations("x")
        .iter()
        .chain(scenario_free().iter())
        .map(|i| i.example)
        .collect();
    let dir = common::root().join("examples");
    for entry in std::fs::read_dir(dir).expect("examples/").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(name) = name.strip_suffix(".rs") {
            assert!(
                covered.contains(name),
                "examples/{name}.rs has no entry in tests/leaks.rs"
            );
        }
    }
}
