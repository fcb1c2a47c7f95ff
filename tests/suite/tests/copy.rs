//! The bot author's path, tested from outside: every program that follows a ```sh block of `cargo add`
//! lines is copied, as a reader copies it (its visible lines only), into a fresh `cargo new` crate outside
//! the workspace, with exactly those `cargo add` lines, and built; the ones that talk to X run against the
//! sandbox, with `X_API_BASE_URL` and a demo account's keys in their environment, as the book teaches.
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
use xkeys_sandbox::{Sandbox, SandboxConfig, Scenario};

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
}

impl Program {
    /// With a dev-dependency the program goes to `examples/` (a dev-dependency isn't there for `src/`).
    fn is_example(&self) -> bool {
        self.adds.iter().any(|a| a.contains(" --dev "))
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
            let slug = file.trim_end_matches(".md").replace('-', "_");
            found.push(Program {
                at: format!("{file}:{}", next.line),
                name: format!("copy_{slug}_{}", found.len()),
                adds,
                code: visible(&next.code),
            });
        }
    }
    found
}

/// Every `cargo add` the book shows pins the crates it adds (one reqwest, the one reqwest-oauth1 signs),
/// in ```sh blocks, never in prose; and every program after them is complete, as a reader copies it.
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
    assert!(programs.len() >= 8, "only {} programs", programs.len());
    for p in &programs {
        if !p.code.contains("fn main()") {
            problems.push(format!("{}: no visible `fn main`", p.at));
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

/// A program's run: exit code, stdout, stderr.
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs a copied program in `dir` (no `.env` unless the test wrote one) with only `env`, PATH and HOME;
/// a program that asks for a PIN gets the one the sandbox's authorize page gives the bot account, and
/// one that prints an OAuth 2.0 authorize URL gets the browser back from the sandbox's consent page.
fn run(
    bin: &Path,
    dir: &Path,
    env: &[(&str, &str)],
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
    cmd.envs(env.iter().copied());
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
    while reader.read_line(&mut line).unwrap_or(0) > 0 {
        stdout.push_str(&line);
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
    let sandbox = Sandbox::start_with(config).await.expect("sandbox");
    let base = sandbox.base_url().to_string();
    let demo = sandbox.demo(Scenario::FullAccess).clone();
    let revoked = sandbox.demo(Scenario::Revoked).clone();
    let oauth2 = demo.oauth2_environment();
    let secrets = [
        &demo.api_key_secret,
        &demo.access_token_secret,
        &demo.bearer_token,
        &demo.client_secret,
        &demo.oauth2_access_token,
        &demo.oauth2_refresh_token,
    ];
    let rt = tokio::runtime::Handle::current();
    let mut talked = 0;
    for (program, bin) in &built {
        let talks = program.code.contains("X_API_BASE_URL");
        let keys = [
            ("X_API_BASE_URL", base.as_str()),
            ("X_API_KEY", demo.api_key.as_str()),
            ("X_API_KEY_SECRET", demo.api_key_secret.as_str()),
            ("X_ACCESS_TOKEN", demo.access_token.as_str()),
            ("X_ACCESS_TOKEN_SECRET", demo.access_token_secret.as_str()),
        ];
        // A program of OAuth 2.0 gets the demo's Client ID and Secret and tokens, as .env would hold them.
        let mut with_oauth2: Vec<(&str, &str)> = keys.to_vec();
        if program.code.contains("X_CLIENT_ID") || program.code.contains("X_OAUTH2_") {
            with_oauth2.extend(oauth2.iter().map(|(k, v)| (*k, v.as_str())));
            with_oauth2.push(("X_OAUTH2_REDIRECT_URI", redirect.as_str()));
        }
        let env: &[(&str, &str)] = if talks { &with_oauth2 } else { &[] };
        let cwd = tempfile::tempdir().expect("tempdir");
        if !talks && program.code.contains("\"X_API_KEY\"") {
            // A program that only loads the keys reads them from .env, as a bot on the reader's machine.
            let lines: String = keys[1..]
                .iter()
                .map(|(k, v)| format!("{k}={v}\n"))
                .collect();
            common::write_env(cwd.path(), &lines);
        }
        let args: &[&str] = if program.code.contains("std::env::args()") {
            &[demo.username.as_str()]
        } else {
            &[]
        };
        let (bin, cwd_path, rt2) = (bin.clone(), cwd.path().to_path_buf(), rt.clone());
        let (env, args): (Vec<(String, String)>, Vec<String>) = (
            env.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            args.iter().map(|a| a.to_string()).collect(),
        );
        let ran = tokio::task::spawn_blocking(move || {
            let env: Vec<(&str, &str)> =
                env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            run(&bin, &cwd_path, &env, &args, &rt2)
        })
        .await
        .expect("run");
        assert_eq!(
            ran.code,
            Some(0),
            "{}: {}\n{}",
            program.at,
            ran.stdout,
            ran.stderr
        );
        for secret in secrets {
            let all = format!("{}{}", ran.stdout, ran.stderr);
            assert!(
                !all.contains(secret.as_str()),
                "{}: a secret in the output:\n{all}",
                program.at
            );
        }
        if talks {
            talked += 1;
            assert!(
                !ran.stdout.trim().is_empty(),
                "{}: printed nothing",
                program.at
            );
        }
    }
    assert!(talked >= 4, "only {talked} programs talked to the sandbox");

    // The verify program, as a reader meets its failures: refused keys, a YAML .env.
    let (verify, bin) = built
        .iter()
        .find(|(p, _)| p.at.starts_with("verify-your-keys.md"))
        .expect("the verify program");
    let bin = bin.clone();
    let (base2, revoked2, rt2) = (base.clone(), revoked.clone(), rt.clone());
    let (refused, yaml) = tokio::task::spawn_blocking(move || {
        let cwd = tempfile::tempdir().expect("tempdir");
        let keys = [
            ("X_API_BASE_URL", base2.as_str()),
            ("X_API_KEY", revoked2.api_key.as_str()),
            ("X_API_KEY_SECRET", revoked2.api_key_secret.as_str()),
            ("X_ACCESS_TOKEN", revoked2.access_token.as_str()),
            (
                "X_ACCESS_TOKEN_SECRET",
                revoked2.access_token_secret.as_str(),
            ),
        ];
        let refused = run(&bin, cwd.path(), &keys, &[], &rt2);
        common::write_env(
            cwd.path(),
            &format!(
                "X_API_KEY={}\nX_API_KEY_SECRET: {}\n",
                revoked2.api_key, revoked2.api_key_secret
            ),
        );
        let yaml = run(
            &bin,
            cwd.path(),
            &[("X_API_BASE_URL", base2.as_str())],
            &[],
            &rt2,
        );
        (refused, yaml)
    })
    .await
    .expect("run");
    assert_eq!(
        refused.code,
        Some(1),
        "{}: a 401 must fail: {}{}",
        verify.at,
        refused.stdout,
        refused.stderr
    );
    assert!(
        refused.stderr.contains("X refused: 401"),
        "{}",
        refused.stderr
    );
    assert_eq!(yaml.code, Some(1), "{}", yaml.stderr);
    assert!(
        yaml.stderr.contains(".env line 2 is not NAME=value"),
        "{}",
        yaml.stderr
    );
    assert!(
        !yaml.stderr.contains(&revoked.api_key_secret),
        "{}",
        yaml.stderr
    );
    eprintln!(
        "copy test: {} programs built in {:.0?}, run in {:.0?}",
        built.len(),
        build_time,
        started.elapsed() - build_time
    );
}
