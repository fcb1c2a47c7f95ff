//! Checks of the `.env` file itself: lines dotenv refuses, encoding, unknown names, permissions, git.

use super::git::{git_status, GitStatus};
use super::{About, Finding, Severity, Subject};
use crate::chapters;
use crate::credentials::{EnvFile, Field, FileIssue, FoundValue, Origin, Refusal};

/// What is found about the file: severity, problem, fix (all explained in "Store and load your keys").
type FileFinding = (Severity, String, String);

/// Problems with the `.env` file itself (`values`: what loading found in it); `git` asks git whether
/// it is tracked or ignored.
pub(super) fn check_file(file: &EnvFile, values: &[FoundValue], git: bool, out: &mut Vec<Finding>) {
    let shown = file.path.display().to_string();
    let mut first_refused = true;
    let found = file
        .issues
        .iter()
        .map(|i| {
            let (severity, mut problem, fix) = issue(i);
            if let (FileIssue::Unparsable { line, .. }, true) = (i, first_refused) {
                first_refused = false;
                problem.push_str(&stops_at(*line, values).unwrap_or_default());
            }
            (severity, problem, fix)
        })
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
        FileIssue::Unparsable {
            line, name, cause, ..
        } => unparsable(*line, name.as_deref(), *cause),
        FileIssue::SpacesAroundEquals { line, name } => (
            Severity::Warning,
            format!("line {line} has spaces around `=`. dotenv reads {name} anyway, but a shell's `source .env` and other loaders don't."),
            format!("Write line {line} as {name}=value, with no spaces."),
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

/// A line dotenv refuses, with its cause in words (the line itself is never shown: it may hold a secret).
fn unparsable(line: usize, name: Option<&str>, cause: Refusal) -> FileFinding {
    let var = name.unwrap_or("that variable");
    let not_loaded = match name {
        Some(name) => format!(", so {name} is not loaded"),
        None => String::new(),
    };
    let (problem, fix) = match cause {
        Refusal::Yaml => (
            format!("line {line} uses `NAME: value` (YAML style); dotenv needs `NAME=value`{not_loaded}."),
            format!("Write line {line} as {}=value.", name.unwrap_or("NAME")),
        ),
        Refusal::BearerPrefix => {
            let field = name.and_then(Field::from_env_name);
            let why = match field {
                Some(Field::BearerToken) | None => "store only the token: the code adds `Bearer ` when it sends it".to_string(),
                Some(f) => format!("the {} is used as it is, and a Bearer Token doesn't belong in {var} at all", f.label()),
            };
            (
                format!("line {line}: the value of {var} starts with `Bearer `, and dotenv can't parse the space after it{not_loaded}."),
                format!("Remove `Bearer ` from line {line}: {why}."),
            )
        }
        Refusal::SpaceInValue => (
            format!("line {line}: the value of {var} has a space in it, which dotenv can't parse without quotes{not_loaded}. X's keys have no spaces: something was pasted along with it."),
            format!("Check line {line}: {}=value with the value alone (put a value that really has spaces in single quotes).", name.unwrap_or("NAME")),
        ),
        Refusal::UnclosedQuote => (
            format!("line {line} opens a quote that never closes, so dotenv refuses everything from there to the end of the file{not_loaded}."),
            format!("Close the quote on line {line}, or remove it: X's keys need no quotes."),
        ),
        Refusal::BadName => (
            format!("line {line}: the name doesn't start with a letter or `_`, which dotenv needs."),
            format!("Check the name on line {line}: {}.", Field::USER_CONTEXT.map(|f| f.env_name()).join(", ")),
        ),
        Refusal::NoEquals => (
            format!("line {line} has no `=` after {var}; dotenv needs `NAME=value`{not_loaded}."),
            format!("Write line {line} as {}=value.", name.unwrap_or("NAME")),
        ),
        _ => (
            format!("line {line} can't be parsed by dotenv{}.", name.map(|n| format!(" ({n} is not loaded)")).unwrap_or_default()),
            format!("Check line {line}: NAME=value with no spaces around `=`; quote a value that has spaces or `#` in single quotes."),
        ),
    };
    (Severity::Error, problem, fix)
}

/// What `dotenvy::dotenv()` misses after the first line it refuses: it stops there.
fn stops_at(line: usize, values: &[FoundValue]) -> Option<String> {
    let mut after: Vec<&str> = values
        .iter()
        .filter(|v| matches!(v.origin, Origin::EnvFile { line: l, .. } if l > line))
        .map(|v| v.name.as_str())
        .collect();
    after.dedup();
    (!after.is_empty()).then(|| {
        format!(
            " dotenvy's `dotenv()` stops at this line, so a bot that loads .env with it doesn't get {} either.",
            after.join(", ")
        )
    })
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
