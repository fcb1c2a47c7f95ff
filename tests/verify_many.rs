//! `verify_many` through its binary against a sandbox whose accounts all belong to ONE app: exactly
//! one result line per input row, in input order, the right verdict for each scenario, malformed
//! rows reported with their line, the summary's counts, rate limits waited out or reported, and no
//! secret anywhere in stdout or stderr.

mod common;

use common::Run;

use std::collections::BTreeMap;
use std::time::Duration;

use xkeys::client::{ClientConfig, XClient};
use xkeys::credentials::{AccessToken, AccessTokenSecret, ApiKey, ApiKeySecret, Credentials};
use xkeys_sandbox::{AccessLevel, Account, DemoAccount, Sandbox, SandboxConfig, Scenario};

/// The one app every account belongs to.
const APP_KEY: &str = "Vn3Kq8Lw2Xc7Rb5Tz9Mh4Jd6F";
const APP_SECRET: &str = "Pq2Wm8Nx4Lk6Jv0Hb3Gc7Fd1Sa5Zt9Yr2Ue6Io4Pl8Km0Nj3B";

/// Row `i`'s keys: a generated account's token pair (well-formed, distinct), under the one app.
fn keys(i: u64) -> DemoAccount {
    Account::generated(i).to_demo()
}

/// The sandbox account for row `i`, simulating `scenario`.
fn account(i: u64, scenario: Scenario) -> Account {
    let k = keys(i);
    let a = Account::new(APP_KEY, APP_SECRET, &k.access_token, &k.access_token_secret)
        .user(&k.user_id, &k.username, "Load account")
        .scenario(scenario);
    match scenario {
        Scenario::ReadOnly => a.access_level(AccessLevel::Read),
        _ => a,
    }
}

fn csv_row(i: u64, label: &str) -> String {
    let k = keys(i);
    format!("{},{},{label}\n", k.access_token, k.access_token_secret)
}

/// Runs verify_many on `input` (written to a temp file named `file`) against `base`.
async fn run(base: &str, file: &str, input: String, args: &[&str]) -> Run {
    let base = base.to_string();
    let file = file.to_string();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(&file), input).unwrap();
        let out = common::example("verify_many", dir.path())
            .env("X_API_KEY", APP_KEY)
            .env("X_API_KEY_SECRET", APP_SECRET)
            .env("X_API_BASE_URL", base)
            .arg(&file)
            .args(&args)
            .output()
            .unwrap();
        Run::from_output(&out)
    })
    .await
    .unwrap()
}

fn lines(run: &Run) -> Vec<serde_json::Value> {
    json_lines(&run.stdout)
}

/// Each line of `stdout` (JSON Lines) as JSON.
fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn assert_no_secret(run: &Run, rows: impl Iterator<Item = u64>) {
    let mut secrets = vec![APP_SECRET.to_string()];
    secrets.extend(rows.map(|i| keys(i).access_token_secret));
    for secret in &secrets {
        for form in common::leak_forms(secret) {
            assert!(
                !run.stdout.contains(&form) && !run.stderr.contains(&form),
                "a secret leaked"
            );
        }
    }
    assert!(!run.stdout.contains(APP_KEY) && !run.stderr.contains(APP_KEY));
}

/// The summary table's count for a verdict (stderr: `  <count>  <verdict>  <title>`).
fn summary_counts(stderr: &str) -> BTreeMap<String, u64> {
    stderr
        .lines()
        .filter(|l| l.starts_with("  "))
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let n = words.next()?.parse().ok()?;
            Some((words.next()?.to_string(), n))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_accounts_get_one_line_each_with_the_right_verdict() {
    use Scenario::*;
    let scenarios = [
        FullAccess,
        Revoked,
        ReadOnly,
        CreditsDepleted,
        UserNotEnrolled,
        RateLimited,
        FullAccess,
    ];
    let n = 35u64;
    let scenario = |i: u64| scenarios[i as usize % scenarios.len()];
    let sandbox = Sandbox::start_with(
        SandboxConfig::default()
            .without_demo_accounts()
            .accounts((0..n).map(|i| account(i, scenario(i)))),
    )
    .await
    .unwrap();
    // Rows in a shuffled order, with malformed rows between them.
    let mut input = String::from("access_token,access_token_secret,label\n");
    let mut expected = Vec::new(); // (line, verdict)
    let mut line = 1;
    for i in (0..n).rev() {
        line += 1;
        input.push_str(&csv_row(i, &format!("user {i}")));
        let verdict = match scenario(i) {
            FullAccess | ReadOnly => "ok",
            Revoked => "keys-rejected",
            CreditsDepleted => "credits-depleted",
            UserNotEnrolled => "user-not-enrolled",
            RateLimited => "rate-limited",
            _ => unreachable!(),
        };
        expected.push((line, verdict));
        if i % 10 == 3 {
            line += 1;
            input.push_str(&format!(
                ",{},empty token {i}\n",
                keys(i).access_token_secret
            ));
            expected.push((line, "malformed"));
            line += 1;
            input.push('\n'); // a blank line is not a row
        }
    }
    line += 1;
    input.push_str(&csv_row(0, "again"));
    expected.push((line, "malformed"));

    let run = run(
        sandbox.base_url(),
        "tokens.csv",
        input,
        &["--max-wait", "1"],
    )
    .await;
    assert_eq!(
        run.code,
        Some(2),
        "rate-limited accounts are not known yet: {}",
        run.stderr
    );
    let got = lines(&run);
    assert_eq!(
        got.len(),
        expected.len(),
        "one line per row:\n{}",
        run.stdout
    );
    for (row, (line, verdict)) in got.iter().zip(&expected) {
        assert_eq!(row["line"], *line, "input order");
        assert_eq!(row["verdict"], *verdict, "line {line}: {row}");
        match *verdict {
            "ok" => {
                assert_eq!(row["exit_class"], "ok");
                assert!(row["username"].as_str().unwrap().starts_with("xk_load_"));
                assert_eq!(row["access_token"].as_str().unwrap().chars().count(), 5);
            }
            "rate-limited" => {
                assert_eq!(row["exit_class"], "network");
                assert_eq!(row["retry_helps"], true);
                assert!(row["rate_limit_reset"].as_u64().is_some(), "{row}");
            }
            "malformed" => {
                assert_eq!(row["requests"], 0);
                assert!(run.stderr.contains(&format!("line {line}: malformed: ")));
            }
            _ => assert_eq!(row["exit_class"], "setup"),
        }
    }
    assert!(
        got.iter().any(|r| r["access_level"] == "read"),
        "read-only tokens are ok for --need read, with their level shown"
    );
    let mut counts = BTreeMap::new();
    for (_, v) in &expected {
        *counts.entry(v.to_string()).or_insert(0u64) += 1;
    }
    assert_eq!(summary_counts(&run.stderr), counts, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("{} rows", expected.len())));
    assert!(
        run.stderr
            .contains("Exit status 2: some accounts could not be checked"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("accounts verified"),
        "no progress bar when stderr is not a terminal"
    );
    assert_no_secret(&run, 0..n);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_rows_print_ten_thousand_lines() {
    let n = 10_000u64;
    let all: Vec<DemoAccount> = (0..n).map(keys).collect();
    let sandbox = Sandbox::start_with(SandboxConfig::default().without_demo_accounts().accounts(
        all.iter().map(|k| {
            Account::new(APP_KEY, APP_SECRET, &k.access_token, &k.access_token_secret).user(
                &k.user_id,
                &k.username,
                "Load account",
            )
        }),
    ))
    .await
    .unwrap();
    let mut input = String::new();
    let mut malformed = 0;
    for (i, k) in all.iter().enumerate() {
        if i % 997 == 5 {
            input.push_str("{\"access_token\": \"no prefix\", \"access_token_secret\": 1}\n");
            malformed += 1;
        } else {
            input.push_str(&format!(
                "{{\"access_token\":\"{}\",\"access_token_secret\":\"{}\",\"label\":\"{i}\"}}\n",
                k.access_token, k.access_token_secret
            ));
        }
    }
    let run = run(
        sandbox.base_url(),
        "tokens.jsonl",
        input,
        &["--concurrency", "64"],
    )
    .await;
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(
        run.stdout.lines().count(),
        n as usize,
        "exactly one line per row"
    );
    for (i, row) in lines(&run).iter().enumerate() {
        assert_eq!(row["line"], i + 1, "input order");
        let want = if i % 997 == 5 { "malformed" } else { "ok" };
        assert_eq!(row["verdict"], want, "row {i}");
    }
    let counts = summary_counts(&run.stderr);
    assert_eq!(counts.get("ok"), Some(&(n - malformed)));
    assert_eq!(counts.get("malformed"), Some(&malformed));
}

/// An account over its limit in a 2 s window: the tool waits for the reset and verifies again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_account_is_waited_for_or_reported() {
    let sandbox = Sandbox::start_with(
        SandboxConfig::default()
            .without_demo_accounts()
            .rate_limit_window(Duration::from_secs(2))
            .accounts((0..3).map(|i| account(i, Scenario::FullAccess))),
    )
    .await
    .unwrap();
    let exhaust = || async {
        let k = keys(1);
        let client = XClient::new(
            Credentials {
                api_key: ApiKey::new(APP_KEY),
                api_key_secret: ApiKeySecret::new(APP_SECRET),
                access_token: AccessToken::new(&k.access_token),
                access_token_secret: AccessTokenSecret::new(&k.access_token_secret),
                bearer_token: None,
            },
            ClientConfig::default().base_url(sandbox.base_url()),
        )
        .unwrap();
        loop {
            let r = client.get("/2/users/me", &[]).await.unwrap();
            if r.status == 429 {
                break;
            }
        }
    };
    let input: String = std::iter::once("access_token,access_token_secret\n".to_string())
        .chain((0..3).map(|i| csv_row(i, "")))
        .collect();

    exhaust().await;
    let reported = run(sandbox.base_url(), "t.csv", input.clone(), &["--no-wait"]).await;
    assert_eq!(reported.code, Some(2), "{}", reported.stderr);
    let rows = lines(&reported);
    assert_eq!(rows[1]["verdict"], "rate-limited", "{}", reported.stdout);
    assert_eq!(rows[1]["requests"], 1);
    assert_eq!(rows[1]["retry_helps"], true);

    exhaust().await;
    let waited = run(sandbox.base_url(), "t.csv", input, &[]).await;
    assert_eq!(waited.code, Some(0), "{}{}", waited.stdout, waited.stderr);
    let rows = lines(&waited);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1]["verdict"], "ok", "{}", waited.stdout);
    assert_eq!(rows[1]["requests"], 2, "verified again after the reset");
    assert!(rows[1]["waited_secs"].as_u64().unwrap() >= 1);
    assert_eq!(rows[0]["requests"], 1, "the others didn't wait");
    assert!(
        waited.stderr.contains("1 accounts waited"),
        "{}",
        waited.stderr
    );
    assert_no_secret(&waited, 0..3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn need_write_flags_read_only_tokens() {
    let sandbox = Sandbox::start_with(
        SandboxConfig::default()
            .without_demo_accounts()
            .account(account(0, Scenario::ReadOnly)),
    )
    .await
    .unwrap();
    let input = format!("access_token,access_token_secret\n{}", csv_row(0, ""));
    let run = run(sandbox.base_url(), "t.csv", input, &["--need", "write"]).await;
    assert_eq!(run.code, Some(1));
    let rows = lines(&run);
    assert_eq!(rows[0]["verdict"], "access-too-low");
    assert_eq!(rows[0]["access_level"], "read");
    assert_eq!(rows[0]["username"], keys(0).username);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_before_any_request() {
    // Nothing listens here: a request would be a connection error, not these messages.
    let base = "http://127.0.0.1:9";
    let no_header = run(base, "t.csv", csv_row(0, "x"), &[]).await;
    assert_eq!(no_header.code, Some(1));
    assert!(no_header.stdout.is_empty());
    assert!(
        no_header
            .stderr
            .contains("must be the header access_token,access_token_secret[,label]"),
        "{}",
        no_header.stderr
    );
    assert_no_secret(&no_header, 0..1);
    let unknown = run(base, "t.txt", csv_row(0, "x"), &[]).await;
    assert_eq!(unknown.code, Some(1));
    assert!(
        unknown.stderr.contains("--input-format csv|jsonl"),
        "{}",
        unknown.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standard_input_is_read_when_the_format_is_named() {
    let sandbox = Sandbox::start_with(
        SandboxConfig::default()
            .without_demo_accounts()
            .accounts((0..2).map(|i| account(i, Scenario::FullAccess))),
    )
    .await
    .unwrap();
    let base = sandbox.base_url().to_string();
    let out = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let mut child = common::example("verify_many", dir.path())
            .env("X_API_KEY", APP_KEY)
            .env("X_API_KEY_SECRET", APP_SECRET)
            .env("X_API_BASE_URL", base)
            .args(["-", "--input-format", "csv"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        write!(
            stdin,
            "access_token,access_token_secret\n{}{}",
            csv_row(0, ""),
            csv_row(1, "")
        )
        .unwrap();
        drop(stdin);
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let (stdout, stderr) = common::texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quoted_csv_fields_may_span_lines_and_an_unclosed_quote_stops_at_its_line() {
    let sandbox = Sandbox::start_with(
        SandboxConfig::default()
            .without_demo_accounts()
            .accounts((0..3).map(|i| account(i, Scenario::FullAccess))),
    )
    .await
    .unwrap();
    let base = sandbox.base_url();
    let (k0, k1) = (keys(0), keys(1));
    // A label over three lines, a blank line, then a row on line 6.
    let input = format!(
        "access_token,access_token_secret,label\n\
         {},{},\"first line\nsecond, with a comma\nthird\"\n\n{}",
        k0.access_token,
        k0.access_token_secret,
        csv_row(1, "bob")
    );
    let run1 = run(base, "t.csv", input, &[]).await;
    assert_eq!(run1.code, Some(0), "{}{}", run1.stdout, run1.stderr);
    let rows = lines(&run1);
    assert_eq!(rows.len(), 2, "{}", run1.stdout);
    assert_eq!((&rows[0]["line"], &rows[1]["line"]), (&2.into(), &6.into()));
    assert_eq!(rows[0]["label"], "first line\nsecond, with a comma\nthird");
    assert_eq!(
        (&rows[0]["verdict"], &rows[1]["verdict"]),
        (&"ok".into(), &"ok".into())
    );
    // A quote that never closes would make the rest of the file one row: reading stops at its line,
    // after the rows before it, without echoing it.
    let filler = csv_row(2, "carol").repeat(1000);
    let input = format!(
        "access_token,access_token_secret,label\n{}\"{},{},never closed\n{filler}",
        csv_row(1, "bob"),
        k1.access_token,
        k1.access_token_secret
    );
    let run2 = run(base, "t.csv", input, &[]).await;
    assert_eq!(run2.code, Some(1), "{}{}", run2.stdout, run2.stderr);
    assert_eq!(lines(&run2).len(), 1, "{}", run2.stdout);
    assert!(
        run2.stderr.contains(
            "✘ error: stopped: the CSV row that starts on line 3 is longer than 65536 bytes"
        ),
        "{}",
        run2.stderr
    );
    assert_no_secret(&run1, 0..2);
    assert_no_secret(&run2, 0..3);
}

#[test]
fn on_the_sandbox_scenario_sets_the_rows_that_name_none() {
    // The sample's unlabelled-scenario rows (alice, and grace, a duplicate) get --scenario's.
    let out = common::example("verify_many", common::root())
        .args([
            "--sandbox",
            "--scenario",
            "revoked",
            "examples/data/accounts.csv",
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = common::texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    let rows = json_lines(&stdout);
    let verdict = |label: &str| {
        rows.iter()
            .find(|r| r["label"] == label)
            .map(|r| r["verdict"].as_str().unwrap_or_default().to_string())
    };
    assert_eq!(
        verdict("alice").as_deref(),
        Some("keys-rejected"),
        "{stdout}"
    );
    assert_eq!(
        verdict("bob (read-only)").as_deref(),
        Some("ok"),
        "{stdout}"
    );
}

#[test]
fn without_app_keys_it_says_which_and_how_to_try_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.csv"),
        "access_token,access_token_secret\n",
    )
    .unwrap();
    let out = common::example("verify_many", dir.path())
        .arg("t.csv")
        .output()
        .unwrap();
    let (stdout, stderr) = common::texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("X_API_KEY and X_API_KEY_SECRET") && stderr.contains("--sandbox"),
        "{stderr}"
    );
}

/// The chapter shows the output of the sample file on the sandbox (stdout and stderr): it must be
/// what the example prints today, run from the repository root as the chapter's command is.
#[test]
fn the_sample_files_give_the_output_the_book_shows() {
    let root = common::root();
    let chapter =
        std::fs::read_to_string(root.join("book/verify-many-accounts.md")).expect("chapter");
    let shown = |marker: &str| {
        let marker = format!("<!-- {marker} -->\n```text\n");
        let start = chapter
            .find(&marker)
            .expect("the chapter shows the sample's output")
            + marker.len();
        chapter[start..start + chapter[start..].find("```").unwrap()].to_string()
    };
    let run = |args: &[&str]| {
        let out = common::example("verify_many", root)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        common::texts(&out)
    };
    let args = ["--sandbox", "examples/data/accounts.csv", "--format", "csv"];
    let (csv_out, csv_err) = run(&args);
    // The run's time varies: the book shows 0.0 s.
    let timed = regex_free_seconds(&csv_err);
    let book = "refresh the chapter's output (book/verify-many-accounts.md)";
    assert_eq!(csv_out, shown("output of: cargo run --example verify_many -- --sandbox examples/data/accounts.csv --format csv"), "{book}");
    assert_eq!(timed, shown("its standard error"), "{book}");
    // The JSON Lines sample holds the same rows, one per line.
    let (from_csv, _) = run(&["--sandbox", "examples/data/accounts.csv"]);
    let (from_jsonl, _) = run(&["--sandbox", "examples/data/accounts.jsonl"]);
    let strip = |s: &str| -> Vec<String> {
        s.lines()
            .map(|l| {
                let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["line"] = serde_json::Value::Null;
                v["reason"] = serde_json::Value::Null;
                v.to_string()
            })
            .collect()
    };
    assert_eq!(strip(&from_csv), strip(&from_jsonl));
    // The sample's fake secrets are never printed.
    let sample = std::fs::read_to_string(root.join("examples/data/accounts.csv")).unwrap();
    for row in sample.lines().skip(1) {
        let secret = row.split(',').nth(1).unwrap();
        for form in common::leak_forms(secret) {
            for text in [&csv_out, &csv_err, &from_csv, &from_jsonl] {
                assert!(!text.contains(&form), "a sample secret was printed");
            }
        }
    }
}

/// Replaces the run time in the summary's first line (`7 rows, 5 requests, 0.3 s:`) with `0.0 s`.
fn regex_free_seconds(stderr: &str) -> String {
    stderr
        .lines()
        .map(|l| match l.split_once(" requests, ") {
            Some((head, tail)) if tail.ends_with(" s:") => format!("{head} requests, 0.0 s:"),
            _ => l.to_string(),
        })
        .map(|l| l + "\n")
        .collect()
}

/// On the sandbox, a row with a demo account's token (as the sandbox chapter prints it) is verified
/// like any other, and a repeated row is reported as a duplicate: neither stops the run.
#[test]
fn on_the_sandbox_a_demo_token_and_a_repeated_row_are_rows_like_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let demo = xkeys_sandbox::Account::demo(xkeys_sandbox::Scenario::FullAccess).to_demo();
    let row = |label: &str| {
        format!(
            "{},{},{label}\n",
            demo.access_token, demo.access_token_secret
        )
    };
    let input = format!(
        "access_token,access_token_secret,label\n{}{}",
        row("me"),
        row("me again")
    );
    std::fs::write(dir.path().join("mine.csv"), input).unwrap();
    let out = common::example("verify_many", dir.path())
        .args(["--sandbox", "mine.csv"])
        .output()
        .unwrap();
    let (stdout, stderr) = common::texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    let rows = json_lines(&stdout);
    assert_eq!(rows.len(), 2, "{stdout}{stderr}");
    assert_eq!(
        (&rows[0]["verdict"], &rows[0]["username"]),
        (&"ok".into(), &"xkeys_full".into())
    );
    assert_eq!(rows[1]["verdict"], "malformed", "{stdout}");
    assert!(
        rows[1]["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("duplicate: the same access_token as line 2")),
        "{stdout}"
    );
    assert!(!stdout.contains(&demo.access_token_secret[..8]), "{stdout}");
}
