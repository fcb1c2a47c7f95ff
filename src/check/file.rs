//! Checks of the `.env` file itself: lines dotenv refuses, encoding, unknown names, permissions, git.

use super::git::{git_status, GitStatus};
use super::{About, Finding, Severity, Subject};
use crate::chapters;
use crate::credentials::{EnvFile, Field, FileIssue};

/// What is found about the file: severity, problem, fix (all explained in "Store and load your keys").
type FileFinding = (Severity, String, String);

/// Problems with the `.env` file itself; `git` asks git whether it is tracked or ignored.
pub(super) fn check_file(file: &EnvFile, git: bool, out: &mut Vec<Finding>) {
    let shown = file.path.display().to_string();
    let found = file
        .issues
        .iter()
        .map(issue)
        .chain(file.mode.and_then(|mode| open_mode(mode, &shown)))
        .chain(
            git.then(|| git_status(&file.path))
                .flatten()
                .and_then(|s| git_finding(s, &shown)),
        );
    let about = &mut About::new(Subject::EnvFile(shown.clone()), out);
    for (severity, problem, fix) in found {
        about.push(severity, problem, fix, chapters::STORE_AND_LOAD);
    }
}

fn issue(issue: &FileIssue) -> FileFinding {
    match issue {
        FileIssue::Unparsable { line, yaml_style: true, name } => (
            Severity::Error,
            format!("line {line} uses `NAME: value` (YAML style); dotenv needs `NAME=value`, so {} is not loaded.", name.as_deref().unwrap_or("that variable")),
            format!("Write line {line} as {}=value.", name.as_deref().unwrap_or("NAME")),
        ),
        FileIssue::Unparsable { line, name, .. } => (
            Severity::Error,
            format!("line {line} can't be parsed by dotenv{}.", name.as_ref().map(|n| format!(" ({n} is not loaded)")).unwrap_or_default()),
            format!("Check line {line}: NAME=value with no spaces around `=`; quote a value that has spaces or `#` in single quotes."),
        ),
        FileIssue::Bom => (
            Severity::Warning,
            "starts with a byte order mark (BOM), which some dotenv loaders keep as part of the first name.".into(),
            "Save the file as UTF-8 without BOM.".into(),
        ),
        FileIssue::NotUtf8 { line } => (
            Severity::Error,
            format!("is not valid UTF-8 text (first bad byte on line {line})."),
            "Save the file as plain UTF-8 text and paste the keys again.".into(),
        ),
        FileIssue::UnknownName { name, line } => (
            Severity::Warning,
            format!("line {line} sets {name}, which looks like an X key but is not a name xkeys or X's samples use."),
            format!("Use the standard names: {}.", Field::ALL.map(|f| f.env_name()).join(", ")),
        ),
    }
}

/// A file other users may read.
fn open_mode(mode: u32, shown: &str) -> Option<FileFinding> {
    (mode & 0o077 != 0).then(|| {
        (
            Severity::Warning,
            format!("can be read by other users of this machine (mode {mode:o})."),
            format!("Run: chmod 600 {shown}"),
        )
    })
}

/// A file git tracks (the keys are committed) or would commit with the next `git add .`.
fn git_finding(status: GitStatus, shown: &str) -> Option<FileFinding> {
    match status {
        GitStatus::Tracked => Some((
            Severity::Error,
            "is tracked by git: your keys are in the repository (and its history).".into(),
            format!("Run `git rm --cached {shown}`, add .env to .gitignore, and regenerate every key in it: anything committed must be treated as leaked."),
        )),
        GitStatus::NotIgnored => Some((
            Severity::Warning,
            "is not ignored by git: one `git add .` would commit your keys.".into(),
            "Add a line `.env` to your .gitignore.".into(),
        )),
        GitStatus::Ignored => None,
    }
}
