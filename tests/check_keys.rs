//! `check_keys` end to end: the mistakes the guide warns about exit 1 naming the field and the fix, a
//! correct file exits 0, and no run prints a secret.

mod common;

use common::{example, leak_forms, texts, write_env};

const API_KEY: &str = "u8jzPde0IgxLd6GncfBAepfJB";
const API_KEY_SECRET: &str = "d0Kh8oOOL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFRIBX";
const ACCESS_TOKEN: &str = "1790000000000000001-uDL7DxtpYlSXpfKtHF4vUCsMehGAkW";
const ACCESS_TOKEN_SECRET: &str = "vj7FAc9QeWJKY40uvSwMFLZDe1f8rESQedUStPKR0CsTy";

fn env_file(key: &str, secret: &str, token: &str, token_secret: &str) -> String {
    format!("X_API_KEY={key}\nX_API_KEY_SECRET={secret}\nX_ACCESS_TOKEN={token}\nX_ACCESS_TOKEN_SECRET={token_secret}\n")
}

/// Runs check_keys on a .env; returns (exit code, stdout + stderr), after checking no secret leaked.
fn run(content: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    write_env(dir.path(), content);
    let out = example("check_keys", dir.path()).output().unwrap();
    let (stdout, stderr) = texts(&out);
    let all = format!("{stdout}{stderr}");
    for secret in [API_KEY_SECRET, ACCESS_TOKEN_SECRET] {
        for form in leak_forms(secret) {
            assert!(
                !all.contains(&form),
                "output contains a secret ({form:.3}…):\n{all}"
            );
        }
    }
    (out.status.code().expect("exit code"), all)
}

#[test]
fn a_correct_file_exits_0() {
    let (code, out) = run(&env_file(
        API_KEY,
        API_KEY_SECRET,
        ACCESS_TOKEN,
        ACCESS_TOKEN_SECRET,
    ));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("✔ No errors (0 warnings): the four keys look right."),
        "{out}"
    );
    assert!(
        out.contains("u8jz…") && out.contains("1790…"),
        "public ids are shown masked:\n{out}"
    );
    assert!(
        !out.contains(API_KEY) && !out.contains(ACCESS_TOKEN),
        "public ids are never shown whole:\n{out}"
    );
    assert!(out.contains("user id 1790000000000000001"), "{out}");
}

#[test]
fn swapped_api_key_and_secret() {
    let (code, out) = run(&env_file(
        API_KEY_SECRET,
        API_KEY,
        ACCESS_TOKEN,
        ACCESS_TOKEN_SECRET,
    ));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("API Key (X_API_KEY, .env line 1): looks swapped with the API Key Secret"),
        "{out}"
    );
    assert!(
        out.contains("fix: Swap the values of X_API_KEY and X_API_KEY_SECRET."),
        "{out}"
    );
    assert!(out.contains("book/get-the-api-key-and-secret.md"), "{out}");
    // A secret in the API Key's slot is masked as what it is: not even 4 characters of it.
    assert!(!out.contains(&API_KEY_SECRET[..4]), "{out}");
    assert!(out.contains("X_API_KEY = 50 characters, hidden"), "{out}");
}

#[test]
fn swapped_access_token_and_secret() {
    let (code, out) = run(&env_file(
        API_KEY,
        API_KEY_SECRET,
        ACCESS_TOKEN_SECRET,
        ACCESS_TOKEN,
    ));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Access Token (X_ACCESS_TOKEN, .env line 3): looks swapped with the Access Token Secret"), "{out}");
    assert!(
        out.contains("fix: Swap the values of X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET."),
        "{out}"
    );
    assert!(!out.contains(&ACCESS_TOKEN_SECRET[..4]), "{out}");
}

#[test]
fn bearer_prefix() {
    let (code, out) = run(&env_file(
        API_KEY,
        API_KEY_SECRET,
        &format!("\"Bearer {ACCESS_TOKEN}\""),
        ACCESS_TOKEN_SECRET,
    ));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("Access Token (X_ACCESS_TOKEN, .env line 3): starts with \"Bearer \"."),
        "{out}"
    );
    assert!(out.contains("fix: Remove \"Bearer \""), "{out}");
}

#[test]
fn quoted_values() {
    // Typographic quotes (from a word processor) survive dotenv; so do quotes inside quotes.
    let (code, out) = run(&env_file(
        API_KEY,
        &format!("“{API_KEY_SECRET}”"),
        ACCESS_TOKEN,
        &format!("\"'{ACCESS_TOKEN_SECRET}'\""),
    ));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "API Key Secret (X_API_KEY_SECRET, .env line 2): is wrapped in typographic quotes"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "Access Token Secret (X_ACCESS_TOKEN_SECRET, .env line 4): still has quotes around it"
        ),
        "{out}"
    );
    assert!(
        out.contains("fix: Write it as X_API_KEY_SECRET=value"),
        "{out}"
    );
}

#[test]
fn token_without_user_id_prefix() {
    let (code, out) = run(&env_file(
        API_KEY,
        API_KEY_SECRET,
        "uDL7DxtpYlSXpfKtHF4vUCsMehGAkWq3xY7Lm0",
        ACCESS_TOKEN_SECRET,
    ));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("Access Token (X_ACCESS_TOKEN, .env line 3): has no `<digits>-` prefix"),
        "{out}"
    );
    assert!(out.contains("fix: Copy the 'Access Token' again"), "{out}");
}

#[test]
fn all_problems_are_reported_at_once() {
    let content = format!(
        "X_API_KEY={API_KEY_SECRET}\nX_API_KEY_SECRET={API_KEY}\nX_ACCESS_TOKEN=\"Bearer {ACCESS_TOKEN}\"\nX_ACCESS_TOKEN_SECRET=your-token-secret-here\nX_ACCESS_TOKEN=dup\n"
    );
    let (code, out) = run(&content);
    assert_eq!(code, 1, "{out}");
    for expected in [
        "looks swapped with the API Key Secret",
        "starts with \"Bearer \"",
        "looks like placeholder text",
        "defined twice in the .env file (lines 3 and 5)",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
}

#[test]
fn lines_dotenv_refuses_are_named_with_their_line() {
    let (code, out) = run(&format!(
        "# keys\nX_API_KEY: {API_KEY}\nX_API_KEY_SECRET={API_KEY_SECRET}\nX_ACCESS_TOKEN={ACCESS_TOKEN} {ACCESS_TOKEN}\nX_ACCESS_TOKEN_SECRET={ACCESS_TOKEN_SECRET}\n"
    ));
    assert_eq!(code, 1, "{out}");
    for expected in [
        "line 2 uses `NAME: value` (YAML style); dotenv needs `NAME=value`, so X_API_KEY is not loaded.",
        // dotenvy's dotenv() stops at the first line it refuses: say what a bot then misses.
        "a bot that loads .env with it doesn't get X_API_KEY_SECRET or X_ACCESS_TOKEN_SECRET either.",
        "line 4: the value of X_ACCESS_TOKEN has a space in it, which dotenv can't parse without quotes, so X_ACCESS_TOKEN is not loaded.",
        "API Key (X_API_KEY): is not loaded: line 2 of the .env file sets it",
        "Access Token (X_ACCESS_TOKEN): is not loaded: line 4",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    assert!(!out.contains("is missing"), "{out}");
    assert!(!out.contains(ACCESS_TOKEN), "{out}");
}

#[test]
fn an_unquoted_bearer_prefix_is_named_as_such() {
    let (code, out) = run(&format!(
        "X_API_KEY={API_KEY}\nX_API_KEY_SECRET=Bearer {API_KEY_SECRET}\nX_BEARER_TOKEN=Bearer AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid\n"
    ));
    assert_eq!(code, 1, "{out}");
    for expected in [
        "line 2: the value of X_API_KEY_SECRET starts with `Bearer `, and dotenv can't parse the space after it",
        "fix: Remove `Bearer ` from line 2: the API Key Secret is used as it is, and a Bearer Token doesn't belong in X_API_KEY_SECRET at all.",
        "fix: Remove `Bearer ` from line 3: store only the token: the code adds `Bearer ` when it sends it.",
        "API Key Secret (X_API_KEY_SECRET): is not loaded: line 2",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    assert!(!out.contains("can't be parsed by dotenv"), "{out}");
}

#[test]
fn spaces_around_the_equals_sign_are_a_warning() {
    let (code, out) = run(&format!(
        "X_API_KEY = {API_KEY}\nX_API_KEY_SECRET={API_KEY_SECRET}\n"
    ));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "! warning: .env: line 1 has spaces around `=`. dotenv reads X_API_KEY anyway"
        ),
        "{out}"
    );
}

#[test]
fn an_untouched_env_example_says_what_comes_next() {
    let example = std::fs::read_to_string(common::root().join(".env.example")).unwrap();
    let (code, out) = run(&example);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("· Access Token         X_ACCESS_TOKEN is empty  (.env line "),
        "{out}"
    );
    assert!(
        out.contains(
            "→ note: API Key (X_API_KEY): no X keys yet: the variables are there, but empty."
        ),
        "{out}"
    );
    assert!(!out.contains("✘"), "{out}");
    // Keys pasted, the token lines still empty: the next step, not an error.
    let filled = example
        .replace("X_API_KEY=\n", &format!("X_API_KEY={API_KEY}\n"))
        .replace(
            "X_API_KEY_SECRET=\n",
            &format!("X_API_KEY_SECRET={API_KEY_SECRET}\n"),
        );
    let (code, out) = run(&filled);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("→ note: Access Token (X_ACCESS_TOKEN, .env line "),
        "{out}"
    );
    assert!(out.contains("not set yet"), "{out}");
    // One of a pair filled, the other empty: that one is an error, named as empty.
    let half = filled.replace(
        "X_ACCESS_TOKEN=\n",
        &format!("X_ACCESS_TOKEN={ACCESS_TOKEN}\n"),
    );
    let (code, out) = run(&half);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("Access Token Secret (X_ACCESS_TOKEN_SECRET, .env line "),
        "{out}"
    );
    assert!(
        out.contains("is empty: the Access Token and its secret work only together."),
        "{out}"
    );
}

#[test]
fn a_partial_set_says_what_comes_next() {
    let (code, out) = run(&format!(
        "X_API_KEY={API_KEY}\nX_API_KEY_SECRET={API_KEY_SECRET}\n"
    ));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("→ note: Access Token (X_ACCESS_TOKEN): not set yet"),
        "{out}"
    );
    assert!(
        out.contains("book/get-the-access-token-and-secret.md"),
        "{out}"
    );
}

#[test]
fn a_token_without_its_secret_is_an_error() {
    let (code, out) = run(&format!(
        "X_API_KEY={API_KEY}\nX_API_KEY_SECRET={API_KEY_SECRET}\nX_ACCESS_TOKEN={ACCESS_TOKEN}\n"
    ));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("Access Token Secret (X_ACCESS_TOKEN_SECRET): is missing"),
        "{out}"
    );
}

#[test]
fn a_missing_env_file_named_on_the_command_line_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    // Every example that loads keys, with backtraces asked for: one clean message, never a
    // backtrace. pin_login and oauth2_login write to the file they are given (it need not exist
    // yet), so they say which keys they found in neither place.
    let cant_read = "can't read nope/.env";
    for (name, args, says) in [
        ("check_keys", &[][..], cant_read),
        ("verify_keys", &[], cant_read),
        ("verify_many", &["accounts.csv"], cant_read),
        ("bearer_lookup", &[], cant_read),
        ("post_and_delete", &[], cant_read),
        ("send_dm", &["--to", "1"], cant_read),
        ("pin_login", &[], "found in the environment or nope/.env"),
        ("oauth2_login", &[], "found in the environment or nope/.env"),
    ] {
        let out = example(name, dir.path())
            .args(["--env-file", "nope/.env"])
            .args(args)
            .env("RUST_BACKTRACE", "1")
            .output()
            .unwrap();
        let (stdout, stderr) = texts(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {stdout}{stderr}");
        assert!(
            stdout.contains(says) || stderr.contains(says),
            "{name}: {stdout}{stderr}"
        );
        assert!(
            !stderr.contains("backtrace") && !stderr.contains("panicked"),
            "{name}: {stderr}"
        );
    }
}

#[test]
fn a_bad_option_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = example("check_keys", dir.path())
        .arg("--env")
        .output()
        .unwrap();
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("--env-file"),
        "clap suggests the right option: {stderr}"
    );
}

#[cfg(unix)]
#[test]
fn an_open_env_file_gets_the_chmod_fix() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = write_env(
        dir.path(),
        &env_file(API_KEY, API_KEY_SECRET, ACCESS_TOKEN, ACCESS_TOKEN_SECRET),
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = example("check_keys", dir.path()).output().unwrap();
    let (stdout, _) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "a warning is not an error");
    assert!(
        stdout.contains("can be read by other users of this machine (mode 644)")
            && stdout.contains("chmod 600 .env"),
        "{stdout}"
    );
}

#[test]
fn git_tracked_and_unignored_env_files() {
    let git = |dir: &std::path::Path, args: &[&str]| {
        let ok = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .map(|o| o.status.success());
        ok.unwrap_or(false)
    };
    let dir = tempfile::tempdir().unwrap();
    if !git(dir.path(), &["init", "-q"]) {
        eprintln!("git is not installed: skipping");
        return;
    }
    write_env(
        dir.path(),
        &env_file(API_KEY, API_KEY_SECRET, ACCESS_TOKEN, ACCESS_TOKEN_SECRET),
    );
    let out = example("check_keys", dir.path()).output().unwrap();
    let (stdout, _) = texts(&out);
    assert!(stdout.contains("is not ignored by git"), "{stdout}");
    assert!(git(dir.path(), &["add", "-f", ".env"]));
    let out = example("check_keys", dir.path()).output().unwrap();
    let (stdout, _) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("is tracked by git") && stdout.contains("git rm --cached .env"),
        "{stdout}"
    );
    std::fs::write(dir.path().join(".gitignore"), ".env\n").unwrap();
    assert!(git(dir.path(), &["rm", "-q", "--cached", ".env"]));
    let out = example("check_keys", dir.path()).output().unwrap();
    let (stdout, _) = texts(&out);
    assert!(
        !stdout.contains("git"),
        "an ignored, untracked .env is fine: {stdout}"
    );
}

/// `--git`: keys committed and later deleted are still found, by name, alias and shape; nothing is printed
/// in clear; a clean history passes.
#[test]
fn git_history_scan_finds_committed_keys() {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| common::git(dir.path(), args);
    if !git(&["init", "-q"]) {
        eprintln!("git is not installed: skipping");
        return;
    }
    std::fs::write(dir.path().join("README.md"), "a bot\n").unwrap();
    assert!(git(&["add", "."]) && git(&["commit", "-qm", "clean"]));
    let out = example("check_keys", dir.path())
        .arg("--git")
        .output()
        .unwrap();
    let (stdout, _) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("No X credentials found"), "{stdout}");

    let bearer = "AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F";
    std::fs::write(
        dir.path().join(".env"),
        env_file(API_KEY, API_KEY_SECRET, ACCESS_TOKEN, ACCESS_TOKEN_SECRET),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("config.yml"),
        format!("twitter:\n  CONSUMER_SECRET: \"{API_KEY_SECRET}\"\n"),
    )
    .unwrap();
    std::fs::write(dir.path().join("bot.py"), format!("token = '6253282-eWudHldSbIaelX7swmsiHImEL4KinwaGloHANdrY'\nauth = 'Bearer {bearer}'\n")).unwrap();
    assert!(git(&["add", "-f", "."]) && git(&["commit", "-qm", "oops"]));
    assert!(
        git(&["rm", "-q", ".env", "config.yml", "bot.py"])
            && git(&["commit", "-qm", "remove keys"])
    );

    let out = example("check_keys", dir.path())
        .arg("--git")
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    for expected in [
        "API Key in .env:1",
        "found by X_API_KEY: u8jz…",
        "API Key Secret in .env:2",
        "Access Token in .env:3",
        "Access Token Secret in .env:4",
        "API Key Secret in config.yml:2",
        "found by CONSUMER_SECRET: 50 characters, hidden",
        "Access Token in bot.py:1",
        "found by value shape: 6253…",
        "Bearer Token in bot.py:2",
        "'Regenerate' in 'Consumer Keys'",
        "book/rotate-and-revoke-keys.md",
    ] {
        assert!(stdout.contains(expected), "missing {expected:?}:\n{stdout}");
    }
    for secret in [
        API_KEY_SECRET,
        ACCESS_TOKEN_SECRET,
        bearer,
        API_KEY,
        ACCESS_TOKEN,
        "6253282-eWud",
    ] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{secret:.6}… printed:\n{stdout}"
        );
    }
}

#[test]
fn git_scan_outside_a_repository_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = example("check_keys", dir.path())
        .arg("--git")
        .output()
        .unwrap();
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("is not inside a git repository") || stderr.contains("could not run git"),
        "{stderr}"
    );
}

/// In a clone, a commit that only a remote-tracking branch reaches is still in the repository: the
/// finding names that branch, and the report names every ref whose history was searched.
#[test]
fn git_scan_names_the_refs_a_finding_is_reachable_from() {
    let root = tempfile::tempdir().unwrap();
    let (origin, clone) = (root.path().join("origin"), root.path().join("clone"));
    std::fs::create_dir(&origin).unwrap();
    let git = |dir: &std::path::Path, args: &[&str]| common::git(dir, args);
    if !git(&origin, &["init", "-q", "-b", "main"]) {
        eprintln!("git (2.28 or later) is not installed: skipping");
        return;
    }
    assert!(git(
        &origin,
        &["commit", "-q", "--allow-empty", "-m", "start"]
    ));
    assert!(git(&origin, &["checkout", "-q", "-b", "old-keys"]));
    std::fs::write(
        origin.join(".env"),
        format!("X_ACCESS_TOKEN_SECRET={ACCESS_TOKEN_SECRET}\n"),
    )
    .unwrap();
    assert!(git(&origin, &["add", "-f", ".env"]) && git(&origin, &["commit", "-qm", "keys"]));
    assert!(git(&origin, &["checkout", "-q", "main"]));
    let (from, to) = (origin.to_str().unwrap(), clone.to_str().unwrap());
    assert!(git(root.path(), &["clone", "-q", from, to]));

    let (code, out) = scan_git(&clone);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(
            "(2 commits, 1 file; reachable from HEAD, main, origin/main and origin/old-keys):"
        ),
        "the refs searched, without the symbolic origin/HEAD:\n{out}"
    );
    assert!(
        out.contains("Access Token Secret in .env:1")
            && out.contains("      in origin/old-keys (not in HEAD)\n"),
        "where the finding still is:\n{out}"
    );
    assert!(!out.contains(&ACCESS_TOKEN_SECRET[..4]), "{out}");
}

/// Runs `check_keys --git` in `dir`: (exit code, stdout).
fn scan_git(dir: &std::path::Path) -> (Option<i32>, String) {
    let out = example("check_keys", dir).arg("--git").output().unwrap();
    let (stdout, stderr) = texts(&out);
    (out.status.code(), format!("{stdout}{stderr}"))
}

/// Known fakes are allowed as gitleaks allows them (a marker on the line, a fingerprint in the allow
/// file, with or without its commit); everything else is still a leak, and the report says how to allow.
#[test]
fn git_scan_allows_marked_and_listed_fakes_only() {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| common::git(dir.path(), args);
    if !git(&["init", "-q"]) {
        eprintln!("git is not installed: skipping");
        return;
    }
    let fixture = format!("const T: &str = \"{ACCESS_TOKEN}\"; // xkeys:allow\n");
    std::fs::write(dir.path().join("fixture.rs"), fixture).unwrap();
    std::fs::write(
        dir.path().join("docs.md"),
        format!("X_API_KEY_SECRET={API_KEY_SECRET}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".env"),
        format!("X_ACCESS_TOKEN_SECRET={ACCESS_TOKEN_SECRET}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".xkeysignore"),
        "# the docs' example\ndocs.md:x-api-key-secret:1\n",
    )
    .unwrap();
    assert!(git(&["add", "-f", "."]) && git(&["commit", "-qm", "keys"]));
    let (code, out) = scan_git(dir.path());
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("✘ 1 X credential found in the git history of . (1 commit, 4 files; reachable from HEAD and "),
        "{out}"
    );
    assert!(out.contains("Access Token Secret in .env:1"), "{out}");
    assert!(
        out.contains("2 allowed as known fakes: 1 by .xkeysignore, 1 by `xkeys:allow` markers."),
        "{out}"
    );
    assert!(out.contains("add its fingerprint to .xkeysignore"), "{out}");
    let fingerprint = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("fingerprint "))
        .expect("a fingerprint")
        .to_string();
    assert!(
        fingerprint.ends_with(":.env:x-access-token-secret:1"),
        "{fingerprint}"
    );
    for secret in [API_KEY_SECRET, ACCESS_TOKEN_SECRET, ACCESS_TOKEN] {
        assert!(!out.contains(secret), "{secret:.6}… printed:\n{out}");
    }
    // Listing its fingerprint (as printed: commit, path, rule, line) allows that finding too.
    let list = format!("docs.md:x-api-key-secret:1\n{fingerprint}\n");
    std::fs::write(dir.path().join(".xkeysignore"), list).unwrap();
    let (code, out) = scan_git(dir.path());
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("3 allowed as known fakes: 2 by .xkeysignore, 1 by `xkeys:allow` markers."),
        "{out}"
    );
}

/// This repository's own history holds only known fakes (fixtures, X's documented examples, the
/// sandbox's demo keys), all allowed: a fresh clone of the branch passes `--git`.
#[test]
fn this_repositorys_history_passes_git_scan() {
    let root = common::root();
    if !root.join(".git").exists() {
        eprintln!("SKIPPED: {} is not a git checkout", root.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let clone = dir.path().join("clone");
    let cloned = std::process::Command::new("git")
        .args(["clone", "-q", "--single-branch", "--no-tags"])
        .arg(root)
        .arg(&clone)
        .status()
        .is_ok_and(|s| s.success());
    assert!(cloned, "git clone of {} failed", root.display());
    let (code, out) = scan_git(&clone);
    assert_eq!(
        code,
        Some(0),
        "new known fakes need an `xkeys:allow` marker or a line in .xkeysignore:\n{out}"
    );
    assert!(
        out.starts_with("✔ No X credentials found in the git history of ."),
        "{out}"
    );
    assert!(
        out.contains(" commits, ") && out.contains("allowed as known fakes"),
        "{out}"
    );
}

/// Keys saved under another service's names (API_KEY, API_SECRET) are named, with the rename.
#[test]
fn keys_under_other_names_are_named_with_the_rename() {
    let (code, out) = run(&format!(
        "API_KEY={API_KEY}\nAPI_SECRET={API_KEY_SECRET}\nX_ACCESS_TOKEN={ACCESS_TOKEN}\nX_ACCESS_TOKEN_SECRET={ACCESS_TOKEN_SECRET}\n"
    ));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "fix: .env line 1 sets API_KEY: if that is your X API Key, rename it X_API_KEY"
        ),
        "{out}"
    );
    assert!(
        out.contains(".env line 2 sets API_SECRET: if that is your X API Key Secret, rename it X_API_KEY_SECRET"),
        "{out}"
    );
}

/// A quote that never closes: the error names every credential it swallows, once.
#[test]
fn an_unclosed_quote_names_what_it_swallows() {
    let (code, out) = run(&format!(
        "X_API_KEY=\"{API_KEY}\nX_API_KEY_SECRET={API_KEY_SECRET}\nX_ACCESS_TOKEN={ACCESS_TOKEN}\n"
    ));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("line 1 opens a quote that never closes: dotenv refuses everything from there to the end of the file, so X_API_KEY, X_API_KEY_SECRET and X_ACCESS_TOKEN (lines 1 to 3) are not loaded."),
        "{out}"
    );
    assert_eq!(out.matches("never closes").count(), 1, "{out}");
}

/// No .env here but one in the parent folder (where dotenvy's `dotenv()` would find it): said,
/// with the option that checks it.
#[test]
fn a_env_file_in_a_parent_folder_is_pointed_at() {
    let dir = tempfile::tempdir().unwrap();
    write_env(
        dir.path(),
        &env_file(API_KEY, API_KEY_SECRET, ACCESS_TOKEN, ACCESS_TOKEN_SECRET),
    );
    let bot = dir.path().join("bot");
    std::fs::create_dir(&bot).unwrap();
    let out = example("check_keys", &bot).output().unwrap();
    let (stdout, _) = texts(&out);
    assert!(
        stdout.contains("there is no .env in")
            && stdout.contains("but there is this one in a parent folder"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Check it with --env-file ../.env"),
        "{stdout}"
    );

    let out = example("verify_keys", &bot).output().unwrap();
    let (stdout, _) = texts(&out);
    assert!(
        stdout.contains("(a parent folder has one: try --env-file ../.env)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("your own keys were not checked"),
        "{stdout}"
    );
}

/// A `$` in a value (dotenv expands it): one error that says so, and no shape warning that would
/// send the reader to copy the key again.
#[test]
fn a_dollar_in_a_value_is_one_error_not_a_bad_copy() {
    let with_dollar = format!(
        "{}${}",
        &ACCESS_TOKEN_SECRET[..14],
        &ACCESS_TOKEN_SECRET[15..]
    );
    let (code, out) = run(&env_file(
        API_KEY,
        API_KEY_SECRET,
        ACCESS_TOKEN,
        &with_dollar,
    ));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("Access Token Secret (X_ACCESS_TOKEN_SECRET, .env line 4): contains a `$` that dotenv expands as a variable"),
        "{out}"
    );
    assert!(!out.contains("characters long"), "{out}");
    assert!(!out.contains("part may be missing"), "{out}");
}

/// Whitespace inside the quotes: the fix says where it is, not "around" (the `=` has its own warning).
#[test]
fn whitespace_inside_quotes_is_located() {
    let (code, out) = run(&env_file(
        API_KEY,
        API_KEY_SECRET,
        &format!("\"{ACCESS_TOKEN} \""),
        ACCESS_TOKEN_SECRET,
    ));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("fix: Delete the whitespace at the end of the value of X_ACCESS_TOKEN (inside its quotes too, if it has any)"),
        "{out}"
    );
}
