//! Checks of the `.env` file itself: lines dotenv refuses, encoding, unknown names, permissions, git.

use super::git::{git_status, GitStatus};
use super::{About, Finding, Severity, Subject};
use crate::chapters;
use crate::credentials::{EnvFile, Field, FileIssue, FoundValue, NoEnvFile, Origin, Refusal};

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
        .filter_map(|i| {
            let (severity, mut problem, fix) = issue(i, &file.issues)?;
            if let (FileIssue::Unparsable { line, .. }, true) = (i, first_refused) {
                first_refused = false;
                problem.push_str(&stops_at(*line, values).unwrap_or_default());
            }
            Some((severity, problem, fix))
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

/// No `.env` here, but one in a parent folder: a bot that loads with `dotenvy::dotenv()` reads that one
/// (it searches the parent folders), while this check (like `dotenvy::from_filename(".env")`) doesn't.
pub(super) fn check_parent_env_file(no: &NoEnvFile, out: &mut Vec<Finding>) {
    let (Some(found), Some(up)) = (&no.in_parent, no.parent_relative()) else {
        return;
    };
    let about = &mut About::new(Subject::EnvFile(found.display().to_string()), out);
    about.push(
        Severity::Warning,
        format!("there is no .env in {}, but there is this one in a parent folder: a bot that loads .env with dotenvy's `dotenv()` finds it there (it searches the parent folders); this check looked only in {}.", no.folder.display(), no.folder.display()),
        format!("Check it with --env-file {} (or run this in its folder). If your bot should not use it, move it away.", up.display()),
        chapters::STORE_AND_LOAD,
    );
}

/// What to say about an issue; `None` for the lines a quote swallowed (the error about the line
/// whose quote never closes names them, and each credential's own line says it is not loaded).
fn issue(issue: &FileIssue, all: &[FileIssue]) -> Option<FileFinding> {
    Some(match issue {
        FileIssue::Unparsable {
            line, name, cause, ..
        } => {
            let swallowed: Vec<(usize, &str)> = all
                .iter()
                .filter_map(|i| match i {
                    FileIssue::Swallowed {
                        line: l,
                        name,
                        opened_on,
                    } if opened_on == line => Some((*l, name.as_str())),
                    _ => None,
                })
                .collect();
            unparsable(*line, name.as_deref(), *cause, &swallowed)
        }
        FileIssue::Swallowed { .. } => return None,
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
    })
}

/// Names in a sentence: `A`, `A and B`, `A, B and C` (`or` instead of `and` with `joiner`).
pub(super) fn listed(names: &[&str], joiner: &str) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} {joiner} {last}", init.join(", ")),
    }
}

/// A line dotenv refuses, with its cause in words (the line itself is never shown: it may hold a
/// secret); `swallowed`: the credentials on later lines that an unclosed quote on it swallows.
fn unparsable(
    line: usize,
    name: Option<&str>,
    cause: Refusal,
    swallowed: &[(usize, &str)],
) -> FileFinding {
    let var = name.unwrap_or("that variable");
    let not_loaded = match name {
        Some(name) => format!(", so {name} is not loaded"),
        None => String::new(),
    };
    // What an unclosed quote takes with it: the variable on the line, and those on the lines after.
    let to_the_end = {
        let names: Vec<&str> = name
            .into_iter()
            .chain(swallowed.iter().map(|s| s.1))
            .collect();
        let last = swallowed.last().map_or(line, |s| s.0);
        match names.len() {
            0 => String::new(),
            1 => format!(", so {} is not loaded", names[0]),
            _ => format!(
                ", so {} (lines {line} to {last}) are not loaded",
                listed(&names, "and")
            ),
        }
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
            format!("line {line} opens a quote that never closes: dotenv refuses everything from there to the end of the file{to_the_end}."),
            format!("Close the quote on line {line}, or remove it: X's keys need no quotes."),
        ),
        Refusal::StrayQuote { at_end } => (
            format!(
                "line {line}: the value of {var} has a quote {} but doesn't start with one; dotenv reads that quote as opening a quoted value that never closes, and refuses everything from there to the end of the file{to_the_end}.",
                if at_end { "at its end" } else { "inside it" }
            ),
            format!("Remove the quote from line {line}: X's keys need no quotes."),
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
            listed(&after, "or")
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
