//! The bot author's path, tested from outside: every program that follows a ```sh block of `cargo add`
//! lines is copied, as a reader copies it (its visible lines only), into a fresh `cargo new` crate outside
//! the workspace, with exactly those `cargo add` lines, and built; the ones that talk to X run against a
//! fresh sandbox each, with `X_API_BASE_URL` and a demo account's keys in their environment, as the book
//! teaches, and print what the ```text block right after them shows.
//!
//! The copies share one target directory (`target/copy-test`), so their dependencies build once. `cargo add`
//! and `cargo build` run `--offline` first (the local registry cache usually has every crate), and reach
//! the package registry only when the cache lacks one.

#[path = "../../common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use common::{fences, root, summary_files};
use xkeys_sandbox::{DemoAccount, Sandbox, SandboxConfig, Scenario};

/// Where the book's outputs say the sandbox listens (`cargo run --example sandbox -- --port 8080`):
/// a program's output is compared with the sandbox's real address replaced by this one.
const BOOK_BASE_URL: &str = "http://127.0.0.1:8080";

/// A program the book tells the reader to put in a crate of their own.
struct Program {
    /// The chapter and the line of its fence, e.g. `verify-your-keys.md:121`.
    at: String,
    /// The crate's name, from the chapter.
    name: String,
    /// The `cargo add` lines right before it.
    adds: Vec<String>,
    /// The visible lines: what the reader copies.
    code: String,
    /// The ```text block right after it: what it prints (`…` stands for text that varies).
    shown: Option<String>,
    /// The demo account whose keys stand in for the reader's: the first `Scenario::` of its hidden
    /// lines, full-access when they name none.
    scenario: Scenario,
}

impl Program {
    /// With a dev-dependency the program goes to `examples/` (a dev-dependency isn't there for `src/`).
    fn is_example(&self) -> bool {
        self.adds.iter().any(|a| a.contains(" --dev "))
    }

    /// Whether it talks to X (reads its base URL from the environment).
    fn talks(&self) -> bool {
        self.code.contains("X_API_BASE_URL")
    }
}

/// The lines mdBook shows: hidden `# ` lines (and a bare `#`) left out.
fn visible(code: &str) -> String {
    code.lines()
        .filter(|l| {
            let t = l.trim_start();
            !(t.starts_with("# ") || t == "#")
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

/// The first scenario a program's code names (`Scenario::ReadOnly`), or full-access.
fn scenario_named(code: &str) -> Scenario {
    let Some((_, rest)) = code.split_once("Scenario::") else {
        return Scenario::FullAccess;
    };
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    Scenario::ALL
        .iter()
        .copied()
        .find(|s| format!("{s:?}") == name)
        .unwrap_or_else(|| panic!("no scenario {name}"))
}

/// The `cargo add` lines of a ```sh block that holds only those (and comments), if it is one.
fn cargo_adds(info: &str, code: &str) -> Option<Vec<String>> {
    let lines: Vec<&str> = code
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let only_adds = !lines.is_empty() && lines.iter().all(|l| l.starts_with("cargo add "));
    (info == "sh" && only_adds).then(|| lines.iter().map(|l| l.to_string()).collect())
}

/// Every program right after a ```sh block of `cargo add` lines, in book order.
fn programs() -> Vec<Program> {
    let mut found = Vec::new();
    for file in summary_files() {
        let text = std::fs::read_to_string(root().join("book").join(&file)).expect("chapter");
        let fences = fences(&text);
        for (i, fence) in fences.iter().enumerate() {
            let Some(adds) = cargo_adds(&fence.info, &fence.code) else {
                continue;
            };
            let next = fences
                .get(i + 1)
                .expect("a program after the cargo add lines");
            assert_eq!(
                next.info, "rust",
                "{file}:{}: the cargo add lines must come right before the program (a ```rust block)",
                fence.line
            );
            let shown = fences
                .get(i + 2)
                .filter(|f| f.info == "text")
                .map(|f| f.code.clone());
            let slug = file.trim_end_matches(".md").replace('-', "_");
            found.push(Program {
                at: format!("{file}:{}", next.line),
                name: format!("copy_{slug}_{}", found.len()),
                adds,
                code: visible(&next.code),
                shown,
                scenario: scenario_named(&next.code),
            });
        }
    }
    found
}

/// The `load_dotenv` and `bad_line` of a program, from the doc comment above `load_dotenv` to the
/// end of `bad_line`, if it has them.
fn dotenv_loader(code: &str) -> Option<&str> {
    let start = code.find("fn load_dotenv()")?;
    let start = code[..start].rfind("\n\n").map_or(0, |at| at + 2);
    let end = code[start..].find("\nfn bad_line(")? + start;
    let end = code[end..].find("\n}\n")? + end + 3;
    Some(&code[start..end])
}

/// Every `cargo add` the book shows pins the crates it adds (one reqwest, the one reqwest-oauth1 signs),
/// in ```sh blocks, never in prose; and every program after them is complete, as a reader copies it,
/// shows what it prints, and loads `.env` with the same code as the others.
#[test]
fn cargo_add_lines_pin_versions_and_programs_are_complete() {
    let mut problems = Vec::new();
    for file in summary_files() {
        let text = std::fs::read_to_string(root().join("book").join(&file)).expect("chapter");
        let mut in_fence = false;
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("```") {
                in_fence = !in_fence;
            } else if !in_fence && line.contains("`cargo add ") {
                problems.push(format!(
                    "{file}:{}: `cargo add` in prose: put it in a ```sh block right before the program",
                    n + 1
                ));
            }
        }
        for fence in fences(&text).iter().filter(|f| f.info == "sh") {
            for add in fence
                .code
                .lines()
                .filter(|l| l.trim().starts_with("cargo add "))
            {
                let words: Vec<&str> = add.split_whitespace().collect();
                let mut i = 2;
                while i < words.len() {
                    let word = words[i];
                    i += 1;
                    if word.starts_with('#') {
                        break;
                    }
                    if matches!(word, "--features" | "--path" | "-F") {
                        i += 1;
                        continue;
                    }
                    if word.starts_with('-') || words.contains(&"--path") {
                        continue;
                    }
                    let pinned = match word.split_once('@') {
                        Some(("reqwest", v)) => v == "0.12",
                        Some(("reqwest-oauth1", v)) => v == "0.3",
                        Some((_, v)) => !v.is_empty(),
                        None => false,
                    };
                    if !pinned {
                        problems.push(format!(
                            "{file}:{}: `{word}` is not pinned (reqwest@0.12, reqwest-oauth1@0.3, tokio@1, ...): {add}",
                            fence.line
                        ));
                    }
                }
            }
        }
    }
    let programs = programs();
    assert!(programs.len() >= 12, "only {} programs", programs.len());
    let loader = programs
        .iter()
        .find(|p| p.at.starts_with("store-and-load-your-keys.md"))
        .and_then(|p| dotenv_loader(&p.code))
        .expect("Store and load your keys shows load_dotenv and bad_line");
    for p in &programs {
        if !p.code.contains("fn main()") {
            problems.push(format!("{}: no visible `fn main`", p.at));
        }
        if p.shown.is_none() {
            problems.push(format!(
                "{}: no ```text block of what it prints right after it",
                p.at
            ));
        }
        if p.code.contains("dotenv().ok()") {
            problems.push(format!("{}: `.ok()` hides what's wrong with .env", p.at));
        }
        if p.code.contains("\"X_API_KEY\"") && !p.code.contains("dotenvy::from_path(\".env\")") {
            problems.push(format!("{}: reads the keys without loading .env", p.at));
        }
        if p.code.contains("xkeys::") || (!p.is_example() && p.code.contains("xkeys_sandbox")) {
            problems.push(format!("{}: xkeys in visible lines", p.at));
        }
        if let Some(own) = dotenv_loader(&p.code) {
            if own != loader {
                problems.push(format!(
                    "{}: its load_dotenv or bad_line differs from Store and load your keys'",
                    p.at
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The shared target directory of the copies: `target/copy-test` beside this test's own.
fn copy_target() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    // target/<profile>/deps/<test> → target/copy-test
    let target = exe.ancestors().nth(3).expect("target dir").to_path_buf();
    target.join("copy-test")
}

/// Runs a cargo command in `dir`, `--offline` first, then from the registry if the cache lacks a crate.
fn cargo(dir: &Path, args: &[String]) {
    let run = |offline: bool| {
        let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cmd.args(args)
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", copy_target());
        if offline {
            cmd.arg("--offline");
        }
        cmd.output().expect("run cargo")
    };
    let out = run(true);
    if out.status.success() {
        return;
    }
    let again = run(false);
    assert!(
        again.status.success(),
        "`cargo {}` failed in {}:\n{}\n(offline: {})",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&again.stderr),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Makes the reader's crate for `program` in `dir` and builds it; returns its binary.
fn build(program: &Program, dir: &Path) -> PathBuf {
    let krate = dir.join(&program.name);
    let cargo_bin = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let new = Command::new(cargo_bin)
        .args(["new", "--quiet", "--vcs", "none", "--bin"])
        .arg(&krate)
        .output()
        .expect("cargo new");
    assert!(
        new.status.success(),
        "cargo new: {}",
        String::from_utf8_lossy(&new.stderr)
    );
    // Its own workspace: cargo must never attach it to one above it.
    let manifest = krate.join("Cargo.toml");
    let toml = std::fs::read_to_string(&manifest).expect("Cargo.toml");
    std::fs::write(&manifest, format!("{toml}\n[workspace]\n")).expect("Cargo.toml");
    let repo = root().display().to_string();
    for add in &program.adds {
        // `../xkeys` is the reader's copy of this repository.
        let args: Vec<String> = add
            .split_whitespace()
            .skip(1)
            .map(|w| w.replace("../xkeys", &repo))
            .collect();
        cargo(&krate, &args);
    }
    let name = &program.name;
    let (file, build_args, bin) = if program.is_example() {
        let file = krate.join("examples").join(format!("{name}.rs"));
        (
            file,
            vec!["build", "--quiet", "--example", name],
            format!("examples/{name}"),
        )
    } else {
        (
            krate.join("src/main.rs"),
            vec!["build", "--quiet"],
            name.clone(),
        )
    };
    std::fs::create_dir_all(file.parent().expect("a folder")).expect("mkdir");
    std::fs::write(&file, &program.code).expect("write the program");
    let args: Vec<String> = build_args.into_iter().map(str::to_string).collect();
    cargo(&krate, &args);
    copy_target().join("debug").join(bin)
}

/// A program's run: exit code, stdout (with what was typed, as a terminal shows it), stderr.
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Ran {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs a copied program in `dir` (no `.env` unless the test wrote one) with only `env`, PATH and HOME;
/// a program that asks for a PIN gets the one the sandbox's authorize page gives the bot account, and
/// one that prints an OAuth 2.0 authorize URL gets the browser back from the sandbox's consent page.
fn run(
    bin: &Path,
    dir: &Path,
    env: &[(String, String)],
    args: &[&str],
    rt: &tokio::runtime::Handle,
) -> Ran {
    let mut cmd = Command::new(bin);
    cmd.env_clear().current_dir(dir).args(args);
    for var in ["PATH", "HOME"] {
        if let Some(v) = std::env::var_os(var) {
            cmd.env(var, v);
        }
    }
    cmd.envs(env.iter().map(|(k, v)| (k, v)));
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the program");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut stdout = String::new();
    let mut line = String::new();
    let mut typed: Option<String> = None;
    while reader.read_line(&mut line).unwrap_or(0) > 0 {
        // The terminal shows the PIN after the prompt, where the reader typed it.
        match (typed.take(), line.strip_prefix("PIN: ")) {
            (Some(pin), Some(rest)) => stdout.push_str(&format!("PIN: {pin}\n{rest}")),
            _ => stdout.push_str(&line),
        }
        if line.contains("/i/oauth2/authorize?") {
            let url = line.trim();
            let back = rt.block_on(common::approve_oauth2(url, "xkeys_full"));
            let back = back.expect("the sandbox's consent page redirects");
            // The browser goes back to the program's listener, which answers and goes on.
            rt.block_on(async { reqwest::get(&back).await.map(|_| ()) })
                .expect("the program's listener answers");
        } else if let Some(url) = line.trim().strip_prefix("Open ") {
            let pin = rt.block_on(common::approve(url, "xkeys_readwrite"));
            writeln!(stdin, "{pin}").expect("type the PIN");
            typed = Some(pin);
        }
        line.clear();
    }
    drop(stdin);
    let out = child.wait_with_output().expect("wait");
    Ran {
        code: out.status.code(),
        stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Whether `actual` is the text `shown`, line by line, where a `…` in a shown line stands for any text.
fn looks_like(shown: &str, actual: &str) -> bool {
    let shown: Vec<&str> = shown.trim_end().lines().collect();
    let actual: Vec<&str> = actual.trim_end().lines().collect();
    shown.len() == actual.len()
        && shown
            .iter()
            .zip(&actual)
            .all(|(s, a)| line_looks_like(s, a))
}

/// One line of [`looks_like`].
fn line_looks_like(shown: &str, actual: &str) -> bool {
    let mut parts = shown.split('…');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[test]
fn looks_like_matches_ellipses_and_nothing_else() {
    assert!(looks_like("a\nb\n", "a\nb\n"));
    assert!(looks_like("posted …", "posted 195"));
    assert!(looks_like("x … y … z", "x 1 y 2 z"));
    assert!(looks_like("x…", "x"));
    assert!(!looks_like("a\nb", "a\nc"));
    assert!(!looks_like("a", "a\nb"));
    assert!(!looks_like("posted …", "deleted 1"));
    assert!(!looks_like("x … z", "x 1 y"));
    assert!(!looks_like("ab", "abc"));
}

/// The environment a copied program gets: the sandbox's address and the demo account's keys (the
/// four, and the Bearer Token and OAuth 2.0 values when it reads them), as `.env` would hold them.
fn environment(program: &Program, demo: &DemoAccount, base: &str) -> Vec<(String, String)> {
    let mut env = vec![
        ("X_API_BASE_URL".to_string(), base.to_string()),
        ("X_API_KEY".into(), demo.api_key.clone()),
        ("X_API_KEY_SECRET".into(), demo.api_key_secret.clone()),
        ("X_ACCESS_TOKEN".into(), demo.access_token.clone()),
        (
            "X_ACCESS_TOKEN_SECRET".into(),
            demo.access_token_secret.clone(),
        ),
    ];
    if program.code.contains("X_BEARER_TOKEN") {
        env.push(("X_BEARER_TOKEN".into(), demo.bearer_token.clone()));
    }
    if program.code.contains("X_CLIENT_ID") || program.code.contains("X_OAUTH2_") {
        env.extend(
            demo.oauth2_environment()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v)),
        );
    }
    env
}

/// Every secret of a demo account, none of which may appear in a program's output.
fn secrets(demo: &DemoAccount) -> [&str; 6] {
    [
        &demo.api_key_secret,
        &demo.access_token_secret,
        &demo.bearer_token,
        &demo.client_secret,
        &demo.oauth2_access_token,
        &demo.oauth2_refresh_token,
    ]
}

/// Runs `bin` off the test's runtime threads (it may need them: the PIN and consent pages).
async fn run_apart(bin: &Path, dir: &Path, env: Vec<(String, String)>, args: Vec<String>) -> Ran {
    let (bin, dir, rt) = (
        bin.to_path_buf(),
        dir.to_path_buf(),
        tokio::runtime::Handle::current(),
    );
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&bin, &dir, &env, &args, &rt)
    })
    .await
    .expect("run")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bot_programs_build_in_a_fresh_crate_and_run_against_the_sandbox() {
    let started = Instant::now();
    let programs = programs();
    let crates = tempfile::tempdir().expect("tempdir");
    let dir = crates.path().to_path_buf();
    let built: Vec<(Program, PathBuf)> = tokio::task::spawn_blocking(move || {
        programs
            .into_iter()
            .map(|p| {
                let bin = build(&p, &dir);
                (p, bin)
            })
            .collect()
    })
    .await
    .expect("build");
    let build_time = started.elapsed();

    // OAuth 2.0 logins come back to a free port, registered as the app's redirect URI.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let config = SandboxConfig::default().callback_url(&redirect);
    let mut talked = 0;
    let mut wrong = Vec::new();
    for (program, bin) in &built {
        // A sandbox of its own, as on the reader's machine: its rate limits and posts start afresh.
        let sandbox = Sandbox::start_with(config.clone()).await.expect("sandbox");
        let base = sandbox.base_url().to_string();
        let demo = sandbox.demo(program.scenario).clone();
        let mut env = Vec::new();
        if program.talks() {
            env = environment(program, &demo, &base);
            env.push(("X_OAUTH2_REDIRECT_URI".into(), redirect.clone()));
        }
        let cwd = tempfile::tempdir().expect("tempdir");
        if !program.talks() && program.code.contains("\"X_API_KEY\"") {
            // A program that only loads the keys reads them from .env, as a bot on the reader's machine.
            let lines: String = environment(program, &demo, &base)[1..]
                .iter()
                .map(|(k, v)| format!("{k}={v}\n"))
                .collect();
            common::write_env(cwd.path(), &lines);
        }
        let args = if program.code.contains("std::env::args()") {
            vec![demo.username.clone()]
        } else {
            Vec::new()
        };
        let ran = run_apart(bin, cwd.path(), env, args).await;
        assert_eq!(
            ran.code,
            Some(0),
            "{}: {}\n{}",
            program.at,
            ran.stdout,
            ran.stderr
        );
        for secret in secrets(&demo) {
            assert!(
                !ran.all().contains(secret),
                "{}: a secret in the output:\n{}",
                program.at,
                ran.all()
            );
        }
        if program.talks() {
            talked += 1;
        }
        let printed = ran.stdout.replace(&base, BOOK_BASE_URL);
        let shown = program.shown.as_deref().unwrap_or_default();
        if !looks_like(shown, &printed) {
            wrong.push(format!(
                "{}: the book shows\n{shown}--- but it prints\n{printed}",
                program.at
            ));
        }
    }
    assert!(talked >= 8, "only {talked} programs talked to the sandbox");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    failures_are_explained(&built, &config).await;
    eprintln!(
        "copy test: {} programs built in {:.0?}, run in {:.0?}",
        built.len(),
        build_time,
        started.elapsed() - build_time
    );
}

/// The built program of a chapter.
fn program_of<'a>(built: &'a [(Program, PathBuf)], chapter: &str) -> &'a (Program, PathBuf) {
    built
        .iter()
        .find(|(p, _)| p.at.starts_with(chapter))
        .unwrap_or_else(|| panic!("no program in {chapter}"))
}

/// The programs as a reader meets their failures: refused keys, a `.env` dotenvy can't read (each
/// named by its line, its text never shown), an account that doesn't exist, a post X refuses.
async fn failures_are_explained(built: &[(Program, PathBuf)], config: &SandboxConfig) {
    let sandbox = Sandbox::start_with(config.clone()).await.expect("sandbox");
    let base = sandbox.base_url().to_string();
    let full = sandbox.demo(Scenario::FullAccess).clone();

    let (verify, bin) = program_of(built, "verify-your-keys.md");
    let revoked = sandbox.demo(Scenario::Revoked);
    let cwd = tempfile::tempdir().expect("tempdir");
    let refused = run_apart(bin, cwd.path(), environment(verify, revoked, &base), vec![]).await;
    assert_eq!(
        refused.code,
        Some(1),
        "{}: a 401 must fail: {}",
        verify.at,
        refused.all()
    );
    assert!(
        refused.stderr.contains("X refused: 401"),
        "{}",
        refused.stderr
    );

    // `cp .env.example .env`, not filled in yet: the empty key is named, and nothing is sent.
    let cwd = tempfile::tempdir().expect("tempdir");
    let example = std::fs::read_to_string(root().join(".env.example")).expect(".env.example");
    common::write_env(cwd.path(), &example);
    let env = vec![("X_API_BASE_URL".to_string(), base.clone())];
    let empty = run_apart(bin, cwd.path(), env, vec![]).await;
    assert_eq!(empty.code, Some(1), "{}: {}", verify.at, empty.all());
    assert!(
        empty
            .stderr
            .contains("Error: X_API_KEY is empty: paste its value after the = in .env"),
        "{}: {}",
        verify.at,
        empty.stderr
    );

    // dotenvy's error holds a line, or for a mistake in a value only the value: the line number is
    // right either way.
    let secret = &full.api_key_secret;
    let token = &full.access_token;
    let bad_env = [
        (
            "a space in a value",
            format!(
                "X_API_KEY={}\nX_API_KEY_SECRET=has {secret}\nX_ACCESS_TOKEN={token}\n",
                full.api_key
            ),
            2,
        ),
        (
            "a Bearer prefix",
            format!(
                "X_API_KEY={}\nX_API_KEY_SECRET={secret}\nX_ACCESS_TOKEN=Bearer {token}\n",
                full.api_key
            ),
            3,
        ),
        (
            "an unclosed quote",
            format!(
                "X_API_KEY={}\nX_API_KEY_SECRET=\"{secret}\nX_ACCESS_TOKEN={token}\n",
                full.api_key
            ),
            2,
        ),
        (
            "a YAML line",
            format!("X_API_KEY={}\nX_API_KEY_SECRET: {secret}\n", full.api_key),
            2,
        ),
        (
            "a comment, then a YAML line",
            format!(
                "# my keys\nX_API_KEY={}\n\nX_API_KEY_SECRET: {secret}\n",
                full.api_key
            ),
            4,
        ),
    ];
    for (what, content, line) in bad_env {
        let cwd = tempfile::tempdir().expect("tempdir");
        common::write_env(cwd.path(), &content);
        let env = vec![("X_API_BASE_URL".to_string(), base.clone())];
        let ran = run_apart(bin, cwd.path(), env, vec![]).await;
        assert_eq!(ran.code, Some(1), "{what}: {}", ran.all());
        let want = format!("Error: .env line {line} is not NAME=value");
        assert!(
            ran.stderr.contains(&want),
            "{what}: wants {want:?}, got {}",
            ran.stderr
        );
        for part in [
            secret.as_str(),
            token.as_str(),
            &secret[..8],
            &token[token.len() - 8..],
        ] {
            assert!(
                !ran.all().contains(part),
                "{what}: a value in the output: {}",
                ran.all()
            );
        }
    }

    // An unknown username: X answers 200 with errors[] and no data. Without a name the program asks
    // for @XDevelopers, which the sandbox doesn't have: the chapter shows what it prints then.
    let (bearer, bin) = program_of(built, "the-bearer-token.md");
    let cwd = tempfile::tempdir().expect("tempdir");
    let env = environment(bearer, &full, &base);
    let unknown = run_apart(bin, cwd.path(), env, vec![]).await;
    assert_eq!(unknown.code, Some(1), "{}: {}", bearer.at, unknown.all());
    let shown =
        "Error: @XDevelopers doesn't exist: Could not find user with username: [XDevelopers].";
    assert_eq!(unknown.stderr.trim(), shown, "{}", bearer.at);
    let chapter =
        std::fs::read_to_string(root().join("book/the-bearer-token.md")).expect("chapter");
    assert!(
        chapter.contains(shown),
        "the chapter shows the error: {shown}"
    );

    // A post X refuses, told in plain words: no JSON quotes.
    let (post, bin) = program_of(built, "check-posting-and-dms.md");
    let read_only = sandbox.demo(Scenario::ReadOnly);
    let cwd = tempfile::tempdir().expect("tempdir");
    let ran = run_apart(bin, cwd.path(), environment(post, read_only, &base), vec![]).await;
    assert_eq!(ran.code, Some(1), "{}: {}", post.at, ran.all());
    assert!(
        ran.stderr.contains("403 Forbidden") && ran.stderr.contains("oauth1-permissions"),
        "{}: {}",
        post.at,
        ran.stderr
    );
    assert!(
        !ran.stderr.contains('"'),
        "{}: JSON in the message: {}",
        post.at,
        ran.stderr
    );
}
