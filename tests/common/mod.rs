//! Helpers shared by the integration tests: locating and running the built examples.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (the folder with `book.toml`), from this package or from `tests/suite`.
pub fn root() -> &'static Path {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .find(|dir| dir.join("book.toml").is_file())
        .unwrap_or(here)
}

/// The binary of an example, as `cargo test` builds it (`target/<profile>/examples/NAME`).
pub fn example_bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    // target/<profile>/deps/<test-binary> → target/<profile>/examples/<name>
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test binary lives in target/<profile>/deps");
    let bin = dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} not built: run the whole `cargo test` (it builds the examples) or `cargo build --examples`",
        bin.display()
    );
    bin
}

/// A command for an example with a clean environment (only PATH and HOME), run in `dir`.
pub fn example(name: &str, dir: &Path) -> Command {
    let mut cmd = Command::new(example_bin(name));
    cmd.env_clear().current_dir(dir);
    for var in ["PATH", "HOME"] {
        if let Some(v) = std::env::var_os(var) {
            cmd.env(var, v);
        }
    }
    cmd
}

/// Writes a `.env` file with mode 0600 in `dir`.
pub fn write_env(dir: &Path, content: &str) -> PathBuf {
    let path = dir.join(".env");
    std::fs::write(&path, content).expect("write .env");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    path
}

/// A finished example run: its exit code and what it printed.
pub struct Run {
    /// The exit code (`None` if killed by a signal).
    pub code: Option<i32>,
    /// stdout, as text.
    pub stdout: String,
    /// stderr, as text.
    pub stderr: String,
}

impl Run {
    /// The run of a finished command.
    pub fn from_output(out: &Output) -> Run {
        let (stdout, stderr) = texts(out);
        Run {
            code: out.status.code(),
            stdout,
            stderr,
        }
    }
}

/// stdout and stderr of a finished command, as text.
pub fn texts(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A secret's forms that must never appear in output: itself, percent-encoded, its first 8 characters.
pub fn leak_forms(secret: &str) -> Vec<String> {
    let encoded: String = secret
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let mut forms = vec![secret.to_string(), secret.chars().take(8).collect()];
    if encoded != secret {
        forms.push(encoded);
    }
    forms
}

/// The chapter files `book/SUMMARY.md` links, in order.
pub fn summary_files() -> Vec<String> {
    let summary =
        std::fs::read_to_string(root().join("book").join("SUMMARY.md")).expect("SUMMARY.md");
    summary
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .filter(|f| f.ends_with(".md"))
        .map(str::to_string)
        .collect()
}

/// A fenced code block of a chapter.
pub struct Fence {
    /// The info string, e.g. `rust,editable,mdbook-runnable`.
    pub info: String,
    /// The code, as written (hidden `# ` lines included).
    pub code: String,
    /// The line of the opening fence (1-based).
    pub line: usize,
}

impl Fence {
    /// The words of the info string (mdBook and skeptic split on `,` and spaces).
    pub fn words(&self) -> Vec<&str> {
        self.info
            .split([',', ' ', '\t'])
            .filter(|w| !w.is_empty())
            .collect()
    }

    /// A ```` ```rust ```` block with a play button in the book (`mdbook-runnable`: book.toml keeps
    /// `runnable = false` for every other block).
    pub fn has_play_button(&self) -> bool {
        let words = self.words();
        words.first() == Some(&"rust") && words.contains(&"mdbook-runnable")
    }

    /// The program as the playground and skeptic see it: hidden `# ` lines shown.
    pub fn program(&self) -> String {
        self.code
            .lines()
            .map(|line| {
                let trimmed = line.trim_start();
                if let Some(rest) = trimmed.strip_prefix("# ") {
                    rest
                } else if trimmed == "#" {
                    ""
                } else {
                    line
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Every fenced (```` ``` ````) block of a markdown text.
pub fn fences(text: &str) -> Vec<Fence> {
    let mut found = Vec::new();
    let mut open: Option<Fence> = None;
    for (i, line) in text.lines().enumerate() {
        match (line.trim_start().strip_prefix("```"), open.as_mut()) {
            (Some(_), Some(_)) => found.extend(open.take()),
            (Some(info), None) => {
                open = Some(Fence {
                    info: info.trim().to_string(),
                    code: String::new(),
                    line: i + 1,
                })
            }
            (None, Some(fence)) => {
                fence.code.push_str(line);
                fence.code.push('\n');
            }
            (None, None) => {}
        }
    }
    found
}

/// Plays the account's owner on the sandbox's authorize page: picks `username`, returns the PIN.
pub async fn approve(url: &str, username: &str) -> String {
    let http = reqwest::Client::new();
    let page = http.get(url).send().await.unwrap();
    assert_eq!(page.status(), 200, "the authorize page opens");
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("<option value=\"{username}\">")),
        "the page offers @{username}:\n{html}"
    );
    let token = between(&html, "name=\"oauth_token\" value=\"", "\"").expect("hidden oauth_token");
    let action = between(&html, "<form method=\"post\" action=\"", "\"").expect("form action");
    let base = &url[..url.find("/oauth/").expect("an /oauth/ URL")];
    let answer = http
        .post(format!("{base}{action}"))
        .form(&[("oauth_token", token.as_str()), ("username", username)])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let html = answer.text().await.unwrap();
    let pin = between(&html, "id=\"pin\">", "<").expect("the PIN on the answer page");
    assert!(
        pin.len() == 7 && pin.bytes().all(|b| b.is_ascii_digit()),
        "{pin}"
    );
    pin
}

pub fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(text[from..from + len].to_string())
}

/// Runs git in `dir` with a throwaway identity; whether it succeeded (false when git isn't installed).
pub fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Plays the account's owner on the sandbox's OAuth 2.0 consent page: opens `url`, picks `username`
/// and clicks 'Authorize app'; returns where the sandbox redirects the browser (the redirect URI
/// with `state` and `code`), or `None` if it showed a page instead (its failure page).
pub async fn approve_oauth2(url: &str, username: &str) -> Option<String> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .ok()?;
    let page = http.get(url).send().await.ok()?;
    if page.status() != 200 {
        return None;
    }
    let html = page.text().await.ok()?;
    let mut form: Vec<(String, String)> = Vec::new();
    for part in html.split("<input type=\"hidden\" name=\"").skip(1) {
        let (name, rest) = part.split_once('"')?;
        let value = between(rest, "value=\"", "\"")?;
        form.push((name.to_string(), value.replace("&amp;", "&")));
    }
    form.push(("username".into(), username.into()));
    form.push(("decision".into(), "allow".into()));
    let action = between(&html, "<form method=\"post\" action=\"", "\"")?;
    let origin = &url[..url.find("/i/oauth2/")?];
    let answer = http
        .post(format!("{origin}{action}"))
        .form(&form)
        .send()
        .await
        .ok()?;
    let location = answer.headers().get("location")?.to_str().ok()?;
    Some(location.to_string())
}
