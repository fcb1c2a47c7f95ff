//! "Did I commit my keys?": searches a git repository's whole history for X credentials.
//!
//! Secret scanners key on the word "twitter" and miss `X_*` names, Bearer Tokens under `X_BEARER_TOKEN`
//! and the Access Tokens of older accounts, whose user ids are short (gitleaks' `twitter-access-token`
//! rule wants 15 to 25 digits; the oldest accounts have 7). This scan
//! looks for every line a commit *added* that sets one of our variable names or aliases, or holds a value
//! shaped like an Access Token or a Bearer Token. Findings never contain a secret: public ids are masked,
//! secrets are described by their length only.
//!
//! Known-fake values (test fixtures, documented examples) are allowed the way gitleaks allows them: an
//! `xkeys:allow` comment on the line (gitleaks' `gitleaks:allow`), or the finding's fingerprint
//! `<commit>:<path>:<rule>:<line>` in a `.xkeysignore` file at the top of the repository (one per line, `#`
//! comments, as gitleaks' `.gitleaksignore`; without the commit, `<path>:<rule>:<line>` allows it in
//! every commit).

use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::chapters::{self, Chapter};
use crate::credentials::{user_id_prefix, Field};

/// One credential found in the history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leak {
    /// The commit that added it (abbreviated hash).
    pub commit: String,
    /// The file, as git names it.
    pub path: String,
    /// The line in that commit's version of the file.
    pub line: usize,
    /// Which credential it looks like.
    pub field: Field,
    /// How it was recognised.
    pub found_by: FoundBy,
    /// A masked form of the value (only for public ids) or its length.
    pub shown: String,
    /// The refs the commit is reachable from (`HEAD`, `main`, `origin/old-keys`, `v1.0`, ...): where
    /// the value still is. Filled in for the findings that are not allowed.
    pub refs: Vec<String>,
}

impl Leak {
    /// The finding's id, gitleaks' fingerprint form: `<commit>:<path>:<rule>:<line>`.
    pub fn fingerprint(&self) -> String {
        format!(
            "{}:{}:{}:{}",
            self.commit,
            self.path,
            rule_id(self.field),
            self.line
        )
    }

    /// Whether a `.xkeysignore` entry allows it: the fingerprint, the commit as a short or a full hash
    /// (gitleaks prints either, by version), or without the commit for every commit.
    fn allowed_by(&self, entry: &str) -> bool {
        let mut parts = entry.rsplitn(3, ':');
        let (Some(line), Some(rule), Some(rest)) = (parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        if line != self.line.to_string() || rule != rule_id(self.field) {
            return false;
        }
        match rest.split_once(':') {
            Some((commit, path)) if is_hash(commit) => {
                path == self.path
                    && (commit.starts_with(&self.commit) || self.commit.starts_with(commit))
            }
            _ => rest == self.path,
        }
    }
}

/// The rule id of a field in fingerprints, e.g. `x-api-key-secret`.
pub fn rule_id(field: Field) -> &'static str {
    match field {
        Field::ApiKey => "x-api-key",
        Field::ApiKeySecret => "x-api-key-secret",
        Field::AccessToken => "x-access-token",
        Field::AccessTokenSecret => "x-access-token-secret",
        Field::ClientId => "x-client-id",
        Field::ClientSecret => "x-client-secret",
        Field::OAuth2AccessToken => "x-oauth2-access-token",
        Field::OAuth2RefreshToken => "x-oauth2-refresh-token",
        _ => "x-bearer-token",
    }
}

/// An abbreviated or full commit hash.
fn is_hash(s: &str) -> bool {
    (7..=40).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

impl fmt::Display for Leak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} in {}:{} (commit {}), found by {}: {}",
            self.field, self.path, self.line, self.commit, self.found_by, self.shown
        )
    }
}

/// How a leak was recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FoundBy {
    /// Assigned to this variable name (one of ours or an alias).
    Name(&'static str),
    /// A value shaped like an Access Token or a Bearer Token, under any name.
    Shape,
}

impl fmt::Display for FoundBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FoundBy::Name(name) => f.write_str(name),
            FoundBy::Shape => f.write_str("value shape"),
        }
    }
}

/// Why the history could not be searched.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    /// `git` is not installed or could not run.
    #[error("could not run git: {0}. Install git, or run this inside a git repository")]
    Git(String),
    /// The directory is not a git repository.
    #[error(
        "{0} is not inside a git repository: run this from your bot's repository, or pass its path"
    )]
    NotARepository(String),
}

/// The chapter that says how to rotate what was found.
pub const CHAPTER: Chapter = chapters::ROTATE;

/// What to do about leaks, for reports.
pub const FIX: &str = "Regenerate every key found, in the developer portal → your app → 'Keys and tokens': \
'Regenerate' in 'Consumer Keys' for an API Key or Secret, 'Regenerate' in 'Access Token and Secret' for a \
token, and invalidate the Bearer Token. A regenerated key is dead wherever it was copied; rewriting the \
history is not enough (clones, forks and caches keep it). Then add .env to .gitignore.";

/// The allow-list file at the top of a repository (gitleaks' `.gitleaksignore`, with our rule ids).
pub const ALLOW_FILE: &str = ".xkeysignore";

/// The marker that allows every finding on its line (gitleaks' `gitleaks:allow`).
pub const ALLOW_MARKER: &str = "xkeys:allow";

/// How to allow a known-fake value, for reports.
pub const HOW_TO_ALLOW: &str = "A known-fake value (a test fixture, a documented example)? Put `xkeys:allow` in a comment \
on its line, or add its fingerprint to .xkeysignore at the top of the repository (one per line, as gitleaks' \
.gitleaksignore). Never allow a real key: regenerate it.";

/// What a history scan found and what it looked at.
#[derive(Clone, Debug, Default)]
pub struct Scan {
    /// Credentials found and not allowed: each must be treated as leaked.
    pub leaks: Vec<Leak>,
    /// The refs whose history was searched: `HEAD` and every branch, remote-tracking branch and tag
    /// (`git log --all`).
    pub refs: Vec<String>,
    /// Findings allowed as known fakes, and how.
    pub allowed: Vec<(Leak, AllowedBy)>,
    /// Commits searched.
    pub commits: usize,
    /// Distinct files those commits added lines to.
    pub files: usize,
}

/// What allowed a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AllowedBy {
    /// An `xkeys:allow` marker on the line.
    Marker,
    /// Its fingerprint in `.xkeysignore`.
    AllowFile,
}

/// Searches every commit reachable from any ref in the repository at `dir`; returns the findings that
/// are not allowed (see [`scan`]).
///
/// # Errors
/// [`ScanError`] when git can't run or `dir` is not a repository.
pub fn scan_history(dir: &Path) -> Result<Vec<Leak>, ScanError> {
    scan(dir).map(|scan| scan.leaks)
}

/// Searches every commit reachable from any ref in the repository at `dir`, and sets aside what an
/// `xkeys:allow` marker or the repository's `.xkeysignore` allows.
///
/// # Errors
/// [`ScanError`] when git can't run or `dir` is not a repository.
pub fn scan(dir: &Path) -> Result<Scan, ScanError> {
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .stderr(Stdio::null())
            .output()
            .map_err(|e| ScanError::Git(e.to_string()))
    };
    let top = git(&["rev-parse", "--show-toplevel"])?;
    if !top.status.success() {
        return Err(ScanError::NotARepository(dir.display().to_string()));
    }
    let top = String::from_utf8_lossy(&top.stdout).trim().to_string();
    let allow_list = std::fs::read_to_string(Path::new(&top).join(ALLOW_FILE)).unwrap_or_default();
    let entries: Vec<&str> = allow_list
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .collect();
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "log",
            "--all",
            "-p",
            "--no-color",
            "--no-ext-diff",
            "--unified=0",
            "--format=commit %h",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| ScanError::Git(e.to_string()))?;
    let mut scan = Scan::default();
    if let Some(stdout) = child.stdout.take() {
        scan_patch(BufReader::new(stdout), &mut scan);
    }
    let _ = child.wait();
    let (allowed, leaks) = std::mem::take(&mut scan.leaks)
        .into_iter()
        .partition::<Vec<_>, _>(|leak| entries.iter().any(|e| leak.allowed_by(e)));
    scan.leaks = leaks;
    let lines = |args: &[&str]| -> Vec<String> {
        git(args).map_or(Vec::new(), |out| {
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            text.lines().map(str::to_string).collect()
        })
    };
    let head = git(&["rev-parse", "--verify", "--quiet", "HEAD"]).is_ok_and(|o| o.status.success());
    scan.refs = head.then(|| "HEAD".to_string()).into_iter().collect();
    scan.refs
        .extend(short_refs(lines(&["for-each-ref", "--format=%(refname)"])));
    // Where each finding still is: one `git for-each-ref --contains` per commit found.
    let mut reachable = std::collections::BTreeMap::<String, Vec<String>>::new();
    for leak in &mut scan.leaks {
        let refs = reachable.entry(leak.commit.clone()).or_insert_with(|| {
            let in_head = head
                && git(&["merge-base", "--is-ancestor", &leak.commit, "HEAD"])
                    .is_ok_and(|o| o.status.success());
            let contains = format!("--contains={}", leak.commit);
            let others = short_refs(lines(&["for-each-ref", &contains, "--format=%(refname)"]));
            in_head
                .then(|| "HEAD".to_string())
                .into_iter()
                .chain(others)
                .collect()
        });
        leak.refs = refs.clone();
    }
    scan.allowed
        .extend(allowed.into_iter().map(|l| (l, AllowedBy::AllowFile)));
    Ok(scan)
}

/// Refs as people name them (`main`, `origin/main`, `v1.0`), without the symbolic `origin/HEAD`,
/// which only repeats the branch it points to.
fn short_refs(full: Vec<String>) -> Vec<String> {
    full.into_iter()
        .filter(|r| !r.ends_with("/HEAD"))
        .map(|r| {
            ["refs/heads/", "refs/remotes/", "refs/tags/", "refs/"]
                .iter()
                .find_map(|p| r.strip_prefix(p))
                .map_or(r.clone(), str::to_string)
        })
        .collect()
}

/// Scans `git log -p --unified=0` output; findings on lines with the allow marker are set aside.
fn scan_patch(reader: impl BufRead, scan: &mut Scan) {
    let (mut commit, mut path, mut line) = (String::new(), String::new(), 0usize);
    let mut files = std::collections::BTreeSet::new();
    for raw in reader.split(b'\n') {
        let Ok(raw) = raw else { break };
        let text = String::from_utf8_lossy(&raw);
        if let Some(hash) = text.strip_prefix("commit ") {
            commit = hash.trim().to_string();
            scan.commits += 1;
        } else if let Some(p) = text.strip_prefix("+++ ") {
            path = p.strip_prefix("b/").unwrap_or(p).to_string();
            if p != "/dev/null" {
                files.insert(path.clone());
            }
        } else if let Some(hunk) = text.strip_prefix("@@ ") {
            // "@@ -a,b +c,d @@": added lines start at c.
            line = hunk
                .split_whitespace()
                .find_map(|w| w.strip_prefix('+'))
                .and_then(|c| c.split(',').next())
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
        } else if let Some(added) = text.strip_prefix('+') {
            for (field, found_by, value) in find_in_line(added) {
                let leak = Leak {
                    commit: commit.clone(),
                    path: path.clone(),
                    line,
                    field,
                    found_by,
                    shown: field.display_value(&value),
                    refs: Vec::new(),
                };
                if added.contains(ALLOW_MARKER) {
                    scan.allowed.push((leak, AllowedBy::Marker));
                } else if !scan.leaks.contains(&leak) {
                    scan.leaks.push(leak);
                }
            }
            line += 1;
        }
    }
    scan.files = files.len();
}

/// Values that are obviously not real keys (docs, templates, tests that say so); X's shortest keys have 22
/// characters.
fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    value.len() < 16
        || [
            "fake",
            "example",
            "dummy",
            "sample",
            "your",
            "xxxx",
            "placeholder",
            "changeme",
            "<",
            "$",
            "{",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

fn trim_value(v: &str) -> &str {
    v.trim()
        .trim_end_matches([',', ';'])
        .trim_matches(['"', '\'', '`'])
        .trim()
}

/// The credentials a line holds: assignments to our names and aliases, then value shapes.
fn find_in_line(line: &str) -> Vec<(Field, FoundBy, String)> {
    let mut found = Vec::new();
    for field in Field::ALL {
        for name in field.names() {
            let mut rest = line;
            while let Some(i) = rest.find(name) {
                let before_ok = rest[..i]
                    .chars()
                    .last()
                    .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
                let after = &rest[i + name.len()..];
                rest = after;
                if !before_ok || after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                {
                    continue;
                }
                let after = after
                    .trim_start()
                    .trim_start_matches(['"', '\''])
                    .trim_start();
                let Some(value) = after.strip_prefix(['=', ':']) else {
                    continue;
                };
                let value = trim_value(value.trim_start_matches(['=', ' ']));
                let value = value.split_whitespace().next().unwrap_or("");
                // X's values have no `\` or quotes inside: what follows one is code (`"K=v\nL=w"`).
                let value = trim_value(value);
                let value = value.split(['\\', '"', '\'']).next().unwrap_or("");
                if !is_placeholder(value) {
                    found.push((field, FoundBy::Name(name), value.to_string()));
                }
            }
        }
    }
    if !found.is_empty() {
        return found;
    }
    // Shapes, anywhere on the line: `<digits>-<alnum>` Access Tokens, short ids of older accounts included
    // (gitleaks wants 15+ digits and misses them); Bearer Tokens start with a long run of `A`.
    for word in line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '%')) {
        if is_placeholder(word) {
            continue;
        }
        if let Some(id) = user_id_prefix(word) {
            let rest = &word[id.len() + 1..];
            if id.len() >= 6
                && (20..=50).contains(&rest.len())
                && rest.bytes().all(|b| b.is_ascii_alphanumeric())
            {
                found.push((Field::AccessToken, FoundBy::Shape, word.to_string()));
            }
        } else if word.len() >= 80 && word.bytes().take_while(|b| *b == b'A').count() >= 20 {
            found.push((Field::BearerToken, FoundBy::Shape, word.to_string()));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_aliases_and_shapes_are_found() {
        let cases: &[(&str, Option<Field>)] = &[
            ("X_API_KEY=u8jzPde0IgxLd6GncfBAepfJB", Some(Field::ApiKey)),
            ("export X_API_KEY_SECRET='d0Kh8oOOL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFRIBX'", Some(Field::ApiKeySecret)),
            ("consumer_secret: x", None),
            ("CONSUMER_SECRET: \"d0Kh8oOOL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFRIBX\"", Some(Field::ApiKeySecret)),
            ("let t = \"6253282-eWudHldSbIaelX7swmsiHImEL4KinwaGloHANdrY\";", Some(Field::AccessToken)),
            ("auth = \"AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F\"", Some(Field::BearerToken)),
            ("X_API_KEY=XkeysFakeApiKey0123456789", None),
            ("X_API_KEY=", None),
            ("X_API_KEY=${X_API_KEY}", None),
            ("MY_X_API_KEY_THING=u8jzPde0IgxLd6GncfBAepfJB", None),
            ("see https://example.com/1234567-abc", None),
            ("\"X_API_KEY=fromfile\\nCONSUMER_KEY=alias\\n\"", None),
        ];
        for (line, want) in cases {
            let got = find_in_line(line).first().map(|f| f.0);
            assert_eq!(got, *want, "{line}");
        }
    }

    #[test]
    fn the_patch_parser_tracks_commit_file_and_line() {
        let patch = "commit abc1234\n\ndiff --git a/.env b/.env\n--- /dev/null\n+++ b/.env\n@@ -0,0 +1,2 @@\n+# keys\n+X_ACCESS_TOKEN_SECRET=vj7FAc9QeWJKY40uvSwMFLZDe1f8rESQedUStPKR0CsTy\n";
        let mut scan = Scan::default();
        scan_patch(patch.as_bytes(), &mut scan);
        assert_eq!((scan.leaks.len(), scan.commits, scan.files), (1, 1, 1));
        let leak = &scan.leaks[0];
        assert_eq!(
            (leak.commit.as_str(), leak.path.as_str(), leak.line),
            ("abc1234", ".env", 2)
        );
        assert_eq!(leak.shown, "45 characters, hidden");
        assert!(!leak.to_string().contains("vj7F"));
        assert_eq!(leak.fingerprint(), "abc1234:.env:x-access-token-secret:2");
    }

    #[test]
    fn allow_entries_match_fingerprints_with_or_without_the_commit() {
        let patch = "commit abc1234\n+++ b/t.rs\n@@ -0,0 +1,2 @@\n+let t = \"6253282-eWudHldSbIaelX7swmsiHImEL4KinwaGloHANdrY\"; // xkeys:allow\n+let u = \"6253282-eWudHldSbIaelX7swmsiHImEL4KinwaGloHANdrY\";\n";
        let mut scan = Scan::default();
        scan_patch(patch.as_bytes(), &mut scan);
        assert_eq!(scan.allowed.len(), 1);
        assert_eq!(scan.allowed[0].1, AllowedBy::Marker);
        let leak = &scan.leaks[0];
        for entry in [
            "abc1234:t.rs:x-access-token:2",
            "abc1234ffffffffffffffffffffffffffffffff:t.rs:x-access-token:2",
            "abc12:t.rs:x-access-token:2",
            "t.rs:x-access-token:2",
        ] {
            // A 5-digit "hash" is no hash: that entry is a path ("abc12:t.rs"), which doesn't match.
            assert_eq!(
                leak.allowed_by(entry),
                !entry.starts_with("abc12:"),
                "{entry}"
            );
        }
        for entry in [
            "abc1234:t.rs:x-access-token:1",
            "abc1234:u.rs:x-access-token:2",
            "def5678:t.rs:x-access-token:2",
            "t.rs:x-api-key:2",
            "nonsense",
        ] {
            assert!(!leak.allowed_by(entry), "{entry}");
        }
    }
}
