//! The book builds and is consistent: every SUMMARY entry exists, no directive or code block is left
//! broken in the HTML, every internal link and anchor resolves, chapters and examples name each other
//! both ways, Part I keeps every portal label verbatim, and every output the book shows is what the
//! example prints today.
//!
//! `cargo build --examples && XKEYS_BLESS=1 cargo test --test book` rewrites the shown outputs from the
//! examples (then review the diff).

#[path = "../../common/mod.rs"]
mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{root, summary_files};

fn book_dir() -> PathBuf {
    root().join("book")
}

fn chapter_text(file: &str) -> String {
    std::fs::read_to_string(book_dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Builds the book once (into target/book-test, so a running `mdbook serve` is left alone).
fn built() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = root().join("target").join("book-test");
        let _ = std::fs::remove_dir_all(&out);
        let mut book = mdbook_driver::MDBook::load(root()).expect("book.toml and SUMMARY.md load");
        book.config.build.build_dir = out.clone();
        book.build().expect("the book builds");
        out
    })
}

fn html_of(file: &str) -> String {
    let html = built().join(file.replace(".md", ".html"));
    std::fs::read_to_string(&html).unwrap_or_else(|e| panic!("{}: {e}", html.display()))
}

/// The page's own content, without mdBook's theme (menus, scripts).
fn main_of(html: &str) -> &str {
    let start = html.find("<main>").unwrap_or(0);
    let end = html[start..]
        .find("</main>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

/// Every sandbox scenario has its row in the sandbox chapter's table and its name in the list of
/// "Verify your keys with X", so a new scenario can't escape the book.
#[test]
fn every_scenario_is_in_the_book() {
    let table = chapter_text("test-offline-with-the-sandbox.md");
    let list = chapter_text("verify-your-keys.md").replace('\n', " ");
    for scenario in xkeys_sandbox::Scenario::ALL {
        let name = scenario.name();
        assert!(
            table.contains(&format!("| `{name}` |")),
            "test-offline-with-the-sandbox.md has no table row for the scenario `{name}`"
        );
        assert!(
            list.contains(&format!("`{name}`")),
            "verify-your-keys.md doesn't list the scenario `{name}`"
        );
    }
}

#[test]
fn summary_entries_exist() {
    let files = summary_files();
    assert!(
        files.len() >= 8,
        "SUMMARY.md lists too few chapters: {files:?}"
    );
    for f in &files {
        assert!(
            book_dir().join(f).is_file(),
            "SUMMARY.md links {f}, which doesn't exist"
        );
    }
}

#[test]
fn html_has_no_leftover_directives_or_empty_code_blocks() {
    for file in summary_files() {
        let html = html_of(&file);
        let main = main_of(&html);
        assert!(
            !main.contains("{{#"),
            "{file}: an mdBook directive was left unexpanded (a broken include?)"
        );
        let mut rest = main;
        while let Some(i) = rest.find("<pre><code") {
            let after = &rest[i..];
            let open_end = after.find('>').expect("tag end") + 1;
            let close = after.find("</code>").expect("code block closes");
            let body = &after[open_end..close];
            assert!(
                !body.trim().is_empty(),
                "{file}: an empty code block (a misspelled ANCHOR?) near: {}",
                &after[..open_end]
            );
            rest = &after[close..];
        }
    }
}

#[test]
fn internal_links_and_anchors_resolve() {
    let out = built();
    let mut broken = Vec::new();
    for file in summary_files() {
        let html = html_of(&file);
        for href in main_of(&html)
            .split("href=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
        {
            if href.contains("://") || href.starts_with("mailto:") {
                continue;
            }
            let (path, anchor) = href.split_once('#').unwrap_or((href, ""));
            let page = if path.is_empty() {
                file.replace(".md", ".html")
            } else {
                path.to_string()
            };
            let target = out.join(&page);
            let Ok(target_html) = std::fs::read_to_string(&target) else {
                broken.push(format!("{file}: link to {href}: {page} doesn't exist"));
                continue;
            };
            if !anchor.is_empty() && !target_html.contains(&format!("id=\"{anchor}\"")) {
                broken.push(format!("{file}: link to {href}: no #{anchor} in {page}"));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// Example names a text mentions: `--example NAME` and `examples/NAME.rs`.
fn examples_named(text: &str) -> BTreeSet<String> {
    let name = |s: &str| {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect::<String>()
    };
    let mut names = BTreeSet::new();
    for part in text.split("--example ").skip(1) {
        names.insert(name(part.trim_start()));
    }
    for part in text.split("examples/").skip(1) {
        let n = name(part);
        if part[n.len()..].starts_with(".rs") {
            names.insert(n);
        }
    }
    names.remove("");
    names
}

/// Examples a chapter has the reader write in their own bot's crate ("save it as `examples/NAME.rs`
/// in your bot's folder"): they are not this repository's.
fn readers_examples(text: &str) -> BTreeSet<String> {
    text.split("`examples/")
        .skip(1)
        .filter_map(|part| part.split_once(".rs` in your bot's folder"))
        .map(|(name, _)| name.to_string())
        .filter(|name| name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .collect()
}

fn existing_examples() -> BTreeSet<String> {
    std::fs::read_dir(root().join("examples"))
        .expect("examples/")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".rs")
                .map(str::to_string)
        })
        .collect()
}

#[test]
fn chapters_and_examples_name_each_other() {
    let existing = existing_examples();
    let mut shown = BTreeSet::new();
    for file in summary_files() {
        let text = chapter_text(&file);
        let readers = readers_examples(&text);
        for name in &readers {
            assert!(
                !existing.contains(name),
                "{file}: {name} is the reader's example and this repository's: rename one"
            );
        }
        for name in examples_named(&text).difference(&readers) {
            let name = name.clone();
            assert!(
                existing.contains(&name),
                "{file} names the example {name}, which doesn't exist in examples/"
            );
            shown.insert(name);
        }
    }
    for name in &existing {
        assert!(
            shown.contains(name),
            "examples/{name}.rs is not shown by any chapter in SUMMARY.md"
        );
    }
}

#[test]
fn every_chapter_the_crate_points_to_exists() {
    let files = summary_files();
    for chapter in xkeys::chapters::ALL {
        assert!(
            files.iter().any(|f| f == chapter.file_name()),
            "{chapter} is not in SUMMARY.md"
        );
        if let Some((_, anchor)) = chapter.file.split_once('#') {
            assert!(
                html_of(chapter.file_name()).contains(&format!("id=\"{anchor}\"")),
                "{chapter}: no #{anchor}"
            );
        }
    }
}

#[test]
fn every_problem_points_to_a_section_that_exists() {
    for kind in xkeys::api_error::ProblemKind::ALL {
        let chapter = kind.chapter();
        let (file, anchor) = chapter.file.split_once('#').expect("an anchor");
        assert!(
            html_of(file).contains(&format!("id=\"{anchor}\"")),
            "{kind:?} points to {chapter}, which doesn't exist"
        );
        if let Some(step) = kind.guide_step() {
            assert!(
                summary_files().iter().any(|f| f == step.file_name()),
                "{kind:?}: {step} not in SUMMARY.md"
            );
        }
    }
}

/// The widest command line a desktop page shows without scrolling (its code column holds ~86).
const COMMAND_WIDTH: usize = 80;

#[test]
fn fences_follow_the_conventions() {
    for file in summary_files() {
        let text = chapter_text(&file);
        let mut in_fence = false;
        let mut in_sh = false;
        for (i, line) in text.lines().enumerate() {
            let Some(info) = line.trim_start().strip_prefix("```") else {
                // A command is copied whole: a comment goes on the line above it, and a long
                // command continues on the next line (` \`), so no line hides past the edge.
                assert!(
                    !in_sh || line.chars().count() <= COMMAND_WIDTH,
                    "{file}:{}: a command line over {COMMAND_WIDTH} characters: put its comment on the line above, or continue it with ` \\`",
                    i + 1
                );
                continue;
            };
            in_sh = !in_fence && info.trim() == "sh";
            if in_fence {
                in_fence = false;
                continue;
            }
            in_fence = true;
            let at = format!("{file}:{}", i + 1);
            assert!(
                !info.trim().is_empty(),
                "{at}: a bare ``` fence (say rust, sh, text or dotenv)"
            );
            assert!(
                !info.contains("should_panic"),
                "{at}: should_panic passes even when it fails to compile"
            );
            if info.starts_with("rust") && info.contains("ignore") {
                let next = text.lines().nth(i + 1).unwrap_or("");
                assert!(
                    next.starts_with("{{#include"),
                    "{at}: rust,ignore is only for {{{{#include}}}} of an example"
                );
            }
        }
    }
}

/// Part I keeps every step's portal label verbatim, in quotes, in its own chapter.
#[test]
fn part_one_keeps_every_label_verbatim() {
    let labels: &[(&str, &[&str])] = &[
        (
            "register-a-project.md",
            &[
                "https://developer.x.com",
                "https://developer.x.com/en/portal/dashboard",
                "'Create Project'",
                "'Project name'",
                "'Next'",
                "'botize'",
                "'Select a use case'",
                "'Making a bot'",
                "'Project description'",
                "We use the API to automate tasks between different services on Botize",
            ],
        ),
        (
            "register-an-app.md",
            &[
                "'App name'",
                "'Next'",
                "'botize123'",
                "'API Key'",
                "'API Key Secret'",
                "'Bearer Token'",
                "'App Settings'",
            ],
        ),
        (
            "configure-read-and-write-access.md",
            &[
                "'User authentication settings'",
                "'Set up'",
                "'App permissions'",
                "'Read and write and Direct message'",
                "'Type of App'",
                "'Web App, Automated App or Bot'",
                "'App Info'",
                "'Callback URI / Redirect URL'",
                "https://botize.com/callback/twitter",
                "'Website URL'",
                "https://botize.com",
                "'Save'",
                "'Yes'",
                "'Changing permissions might affect your App'",
                "'Client ID'",
                "'Client Secret'",
                "'Done'",
            ],
        ),
        (
            "get-the-api-key-and-secret.md",
            &[
                "'Keys and tokens'",
                "'Regenerate'",
                "'Consumer Keys'",
                "'API Key'",
                "'API Key Secret'",
                "'Yes, I saved them'",
            ],
        ),
        (
            "get-the-access-token-and-secret.md",
            &[
                "'Generate'",
                "'Access Token and Secret'",
                "'Authentication Tokens'",
                "'Access Token'",
                "'Access Token Secret'",
                "'Yes, I saved them'",
            ],
        ),
    ];
    let files = summary_files();
    for (file, wanted) in labels {
        assert!(
            files.iter().any(|f| f == file),
            "{file} is not in SUMMARY.md"
        );
        let text = chapter_text(file);
        for label in *wanted {
            assert!(text.contains(label), "{file} lacks {label} verbatim");
        }
        assert!(text.contains("\n1. "), "{file}: the steps are not numbered");
        assert!(text.contains("](images/"), "{file}: no illustration");
    }
}

/// A block the book shows as an example's output: the example, its `.env` input and the text shown.
struct ShownOutput {
    file: String,
    example: String,
    args: Vec<String>,
    env_file: Option<String>,
    shown: String,
    /// Byte range of the shown text in the chapter, for blessing.
    range: std::ops::Range<usize>,
}

/// Finds `<!-- output-of: EXAMPLE [ARGS] -->` markers followed by a ```text block; the input `.env`
/// is a ```dotenv block just before the marker, if any.
fn shown_outputs(file: &str, text: &str) -> Vec<ShownOutput> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("<!-- output-of: ") {
        let at = from + i;
        let line_end = text[at..].find("-->").expect("marker closes") + at;
        let mut words = text[at + "<!-- output-of: ".len()..line_end]
            .split_whitespace()
            .map(str::to_string);
        let example = words.next().expect("example name");
        let args: Vec<String> = words.collect();
        // The input is a ```dotenv block right before the marker (only blank lines between).
        let before = text[..at].trim_end();
        let env_file = before.strip_suffix("```").and_then(|b| {
            b.rfind("```dotenv\n")
                .map(|d| b[d + "```dotenv\n".len()..].to_string())
        });
        let open = text[line_end..]
            .find("```text\n")
            .expect("a ```text block follows the marker")
            + line_end
            + "```text\n".len();
        let close = text[open..].find("```").expect("text block closes") + open;
        found.push(ShownOutput {
            file: file.to_string(),
            example,
            args,
            env_file,
            shown: text[open..close].to_string(),
            range: open..close,
        });
        from = close;
    }
    found
}

/// The folder a shown output names where the example ran in a temporary one.
const READERS_FOLDER: &str = "/home/you/my-bot";

#[test]
fn shown_outputs_are_what_the_examples_print() {
    let bless = std::env::var_os("XKEYS_BLESS").is_some();
    let mut stale = Vec::new();
    let mut count = 0;
    for file in summary_files() {
        let mut text = chapter_text(&file);
        let blocks = shown_outputs(&file, &text);
        for block in blocks.iter().rev() {
            count += 1;
            let dir = tempfile::tempdir().expect("tempdir");
            if let Some(env) = &block.env_file {
                common::write_env(dir.path(), env);
            }
            let out = common::example(&block.example, dir.path())
                .args(&block.args)
                .output()
                .expect("run example");
            let (stdout, _) = common::texts(&out);
            // The folder the example ran in is a fresh temporary one: the book shows a reader's.
            let stdout = stdout.replace(&dir.path().display().to_string(), READERS_FOLDER);
            if stdout != block.shown {
                if bless {
                    text.replace_range(block.range.clone(), &stdout);
                } else {
                    stale.push(format!(
                        "{}: the output of `{} {}` changed.\n--- the book shows:\n{}\n--- the example prints:\n{}",
                        block.file, block.example, block.args.join(" "), block.shown, stdout
                    ));
                }
            }
        }
        if bless {
            std::fs::write(book_dir().join(&file), text).expect("bless");
        }
    }
    assert!(count >= 2, "expected the book to show example outputs");
    assert!(
        stale.is_empty(),
        "{}\n\n(`cargo build --examples && XKEYS_BLESS=1 cargo test --test book` rewrites them)",
        stale.join("\n\n")
    );
}

/// Compiles a program with the standard library alone (no `--extern`, as on the Rust Playground,
/// which has no xkeys); `Err` holds rustc's errors.
fn compiles_with_std_only(program: &str, dir: &Path, name: &str) -> Result<(), String> {
    let src = dir.join(format!("{name}.rs"));
    std::fs::write(&src, program).expect("write snippet");
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = std::process::Command::new(rustc)
        .args([
            "--edition",
            "2021",
            "--crate-type",
            "bin",
            "--emit=metadata",
            "--crate-name",
        ])
        .arg(name)
        .arg("--out-dir")
        .arg(dir)
        .arg(&src)
        .output()
        .expect("run rustc");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Play buttons send a snippet to play.rust-lang.org, which has no xkeys: book.toml keeps
/// `runnable = false`, and only ```` ```rust,editable,mdbook-runnable ```` blocks get one. Each such
/// block must compile with std alone; no other block may get a button; the std-only steps of the
/// signature walkthrough keep theirs, and its steps that need crates have none.
#[test]
fn play_buttons_only_on_std_only_steps() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let mut problems = Vec::new();
    for file in summary_files() {
        let text = chapter_text(&file);
        let mut expected = 0;
        for (n, fence) in common::fences(&text).iter().enumerate() {
            let words = fence.words();
            if words.first() != Some(&"rust") {
                continue;
            }
            let at = format!("{file}:{}", fence.line);
            if fence.has_play_button() {
                expected += 1;
                if !words.contains(&"editable") {
                    problems.push(format!(
                        "{at}: mdbook-runnable without editable: a reader can't change it"
                    ));
                }
                if words.iter().any(|w| matches!(*w, "no_run" | "ignore")) {
                    problems.push(format!(
                        "{at}: a play button on a block skeptic doesn't run"
                    ));
                }
                let name = format!("snippet_{}_{n}", file.replace(['-', '.'], "_"));
                if let Err(errors) = compiles_with_std_only(&fence.program(), scratch.path(), &name)
                {
                    problems.push(format!(
                        "{at}: has a play button but doesn't compile with std alone (the playground has no xkeys; \
                         drop `mdbook-runnable` and `editable`, or use std only):\n{errors}"
                    ));
                }
            } else if words.contains(&"editable") {
                problems.push(format!(
                    "{at}: editable without mdbook-runnable: an editor without a play button"
                ));
            }
        }
        let html = html_of(&file);
        let main = main_of(&html);
        let buttons = main.matches("<pre class=\"playground\">").count();
        if buttons != expected {
            problems.push(format!(
                "{file}: {buttons} code blocks get a play button, but {expected} are marked mdbook-runnable \
                 (is `runnable = false` still in book.toml?)"
            ));
        }
        if expected > 0 && !main.contains("edition2021") {
            problems.push(format!(
                "{file}: the playground would run the steps as 2015 ([rust] edition in book.toml)"
            ));
        }
    }

    let walkthrough = common::fences(&chapter_text("how-a-signature-is-made.md"));
    let step = |marker: &str| walkthrough.iter().find(|f| f.code.contains(marker));
    for (what, marker) in [
        ("collecting the parameters", ".chain(&oauth)"),
        ("percent-encoding", "percent_encode(status)"),
        ("sorting", "encoded.sort()"),
        ("the base string", "let base_string = format!"),
        ("the signing key", "let signing_key = format!"),
        ("the Authorization header", "let authorization = format!"),
    ] {
        match step(marker) {
            Some(f) if f.has_play_button() => {}
            Some(f) => problems.push(format!(
                "how-a-signature-is-made.md:{}: the std-only step ({what}) lost its play button",
                f.line
            )),
            None => problems.push(format!(
                "how-a-signature-is-made.md: no step for {what} ({marker})"
            )),
        }
    }
    for (what, marker) in [
        ("HMAC-SHA1", "Hmac::<Sha1>"),
        ("reqwest-oauth1", "oauth1_with_params"),
        ("the sandbox", "xkeys_sandbox::Sandbox::start"),
    ] {
        match step(marker) {
            Some(f) if !f.has_play_button() => {}
            Some(f) => problems.push(format!(
                "how-a-signature-is-made.md:{}: the {what} step needs crates: no play button",
                f.line
            )),
            None => problems.push(format!(
                "how-a-signature-is-made.md: no step for {what} ({marker})"
            )),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// The version of a package in Cargo.lock.
fn locked_version(package: &str) -> String {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).expect("Cargo.lock");
    let entry = format!("name = \"{package}\"\nversion = \"");
    let at = lock
        .find(&entry)
        .unwrap_or_else(|| panic!("{package} not in Cargo.lock"))
        + entry.len();
    lock[at..].split('"').next().expect("version").to_string()
}

/// The Pages workflow publishes the book the tests build: the same mdBook version as the
/// mdbook-driver the tests use, and the directory book.toml's `build-dir` names.
#[test]
fn pages_workflow_publishes_what_the_tests_build() {
    let path = root().join(".github/workflows/pages.yml");
    let workflow = std::fs::read_to_string(&path).expect(".github/workflows/pages.yml");
    let version = locked_version("mdbook-driver");
    for wanted in [
        format!("cargo install mdbook --version {version} --locked"),
        format!("MDBOOK_VERSION: \"{version}\""),
    ] {
        assert!(
            workflow.contains(&wanted),
            "pages.yml must pin mdBook {version} (the mdbook-driver in Cargo.lock): no `{wanted}`"
        );
    }
    let installs = workflow.matches("cargo install mdbook").count();
    assert_eq!(installs, 1, "pages.yml installs mdBook {installs} times");

    let book = mdbook_driver::MDBook::load(root()).expect("book.toml loads");
    let build_dir = book.config.build.build_dir.clone();
    let build_dir = build_dir.strip_prefix(root()).unwrap_or(&build_dir);
    let build_dir = build_dir.to_str().expect("utf-8 path");
    assert_ne!(
        build_dir, "book",
        "build-dir `book` deletes the chapters: `mdbook build` empties the build directory"
    );
    let upload = workflow
        .split("actions/upload-pages-artifact@")
        .nth(1)
        .expect("pages.yml uploads with actions/upload-pages-artifact");
    let uploaded = upload
        .lines()
        .find_map(|l| l.trim().strip_prefix("path:"))
        .map(str::trim)
        .expect("upload-pages-artifact has a path");
    assert_eq!(
        uploaded, build_dir,
        "pages.yml uploads {uploaded}, but book.toml builds into {build_dir}"
    );
    for wanted in [
        "branches: [main]",
        "workflow_dispatch",
        "mdbook build",
        "actions/deploy-pages@",
        "pages: write",
        "id-token: write",
        "concurrency:",
    ] {
        assert!(workflow.contains(wanted), "pages.yml lacks `{wanted}`");
    }
}

/// A chapter's prose: its text without fenced code blocks and inline code, lines joined by spaces.
fn prose_of(text: &str) -> String {
    let mut prose = String::new();
    let mut in_fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let mut in_code = false;
        for c in line.chars() {
            if c == '`' {
                in_code = !in_code;
            } else if !in_code {
                prose.push(c);
            }
        }
        prose.push(' ');
    }
    prose.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every `(source: …)` or `(sources: …)` in `prose`, parentheses balanced.
fn source_parentheticals(prose: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = prose[from..].find("(source") {
        let start = from + i;
        let mut depth = 0;
        let mut end = prose.len();
        for (j, c) in prose[start..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = start + j + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        found.push(&prose[start..end]);
        from = end;
    }
    found
}

/// Issue references written `owner/repo#123` that are not the text of a link.
fn bare_issue_references(prose: &str) -> Vec<String> {
    let is_name = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let mut found = Vec::new();
    for (i, _) in prose.match_indices('#') {
        let digits: String = prose[i + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if digits.is_empty() {
            continue;
        }
        // Back over `repo`, a `/`, then `owner`.
        let before = &prose[..i];
        let repo_start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_name(*c))
            .last()
            .map_or(i, |(j, _)| j);
        if repo_start == i || !before[..repo_start].ends_with('/') {
            continue;
        }
        let owner_end = repo_start - 1;
        let owner_start = before[..owner_end]
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_name(*c))
            .last()
            .map_or(owner_end, |(j, _)| j);
        if owner_start == owner_end {
            continue;
        }
        let reference = &prose[owner_start..i + 1 + digits.len()];
        let linked =
            before[..owner_start].ends_with('[') && prose[i + 1 + digits.len()..].starts_with("](");
        let in_url = before[..owner_start].ends_with("github.com/");
        if !linked && !in_url {
            found.push(reference.to_string());
        }
    }
    found
}

/// X docs pages named by their title in italics (`X docs, *Pricing*`) that are not links.
fn unlinked_docs_titles(prose: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, _) in prose.match_indices("X docs") {
        let rest = &prose[i + "X docs".len()..];
        let rest = rest.trim_start_matches([',', ' ']);
        if let Some(title) = rest.strip_prefix('*') {
            let title = title.split('*').next().unwrap_or("");
            found.push(format!("X docs, *{title}*"));
        }
    }
    found
}

/// Sources are links a reader can follow: each `(source: …)` holds a link, and every GitHub issue
/// (`owner/repo#123`) and X docs page (`X docs, *Title*`) cited is one. A handful may stay plain
/// text (a source with no page of its own, such as "public client code").
#[test]
fn citations_are_links() {
    const UNLINKED_ALLOWED: usize = 5;
    let mut unlinked = Vec::new();
    let mut citations = 0;
    for file in summary_files() {
        let prose = prose_of(&chapter_text(&file));
        for cite in source_parentheticals(&prose) {
            citations += 1;
            if !cite.contains("](") && !cite.contains("][") {
                unlinked.push(format!("{file}: {cite}"));
            }
        }
        for reference in bare_issue_references(&prose) {
            unlinked.push(format!(
                "{file}: {reference} (link it: https://github.com/OWNER/REPO/issues/N)"
            ));
        }
        for title in unlinked_docs_titles(&prose) {
            unlinked.push(format!("{file}: {title} (link the docs.x.com page)"));
        }
    }
    assert!(
        citations >= 20,
        "only {citations} (source: …) citations found"
    );
    assert!(
        unlinked.len() <= UNLINKED_ALLOWED,
        "{} citations are not links (at most {UNLINKED_ALLOWED} may be):\n{}",
        unlinked.len(),
        unlinked.join("\n")
    );
}

#[test]
fn citation_finders_find_what_they_should() {
    let prose = prose_of(
        "See (source: X docs, *Pricing*) and (source: [a](https://x) (b)).\n\
         Reported in tweepy/tweepy#1 and [o/r#2](https://github.com/o/r/issues/2), not `a/b#3`.\n\
         ```text\nc/d#4 (source: x)\n```\n",
    );
    assert_eq!(
        source_parentheticals(&prose),
        [
            "(source: X docs, *Pricing*)",
            "(source: [a](https://x) (b))"
        ]
    );
    assert_eq!(bare_issue_references(&prose), ["tweepy/tweepy#1"]);
    assert_eq!(unlinked_docs_titles(&prose), ["X docs, *Pricing*"]);
}

/// The project has no public address yet: the one `git clone` line of the book (in "Start here") uses
/// a placeholder, explained next to it, so a reader never copies a made-up URL. When the repository
/// gets its address, put it in that line and drop the placeholder here.
#[test]
fn the_clone_line_is_written_once_with_a_marked_placeholder() {
    const PLACEHOLDER: &str = "REPOSITORY_URL";
    let mut clone_lines = Vec::new();
    for file in summary_files() {
        let text = chapter_text(&file);
        for line in text
            .lines()
            .filter(|l| l.trim_start().starts_with("git clone"))
        {
            clone_lines.push(format!("{file}: {}", line.trim()));
        }
        if text.contains(PLACEHOLDER) {
            assert_eq!(
                file, "introduction.md",
                "{PLACEHOLDER} is defined in the introduction only"
            );
            assert!(
                text.contains(&format!("`{PLACEHOLDER}` below is a placeholder")),
                "introduction.md uses {PLACEHOLDER} without saying it is a placeholder"
            );
        }
    }
    assert_eq!(
        clone_lines,
        [format!("introduction.md: git clone {PLACEHOLDER} xkeys")],
        "the book has one `git clone` line, in Start here"
    );
}
