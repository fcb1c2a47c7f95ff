//! Where values are defined: values missing (an error, or what comes next in the guide) and values
//! defined more than once (in the file twice, in the environment and the file, under an alias).

use super::file::listed;
use super::{subject, where_to_copy, Effective, Finding, Severity, Subject};
use crate::chapters::{self, Chapter};
use crate::credentials::{EnvFile, Field, FileIssue, FoundValue, LoadedKeys, Origin};

/// Values defined more than once. Only differing values matter, except twice in the same file.
pub(super) fn check_shadowed(loaded: &LoadedKeys, eff: Effective<'_>, out: &mut Vec<Finding>) {
    for field in Field::ALL {
        let Some(winner) = eff.get(field) else {
            continue;
        };
        for other in loaded
            .values
            .iter()
            .filter(|v| v.field == field && !std::ptr::eq(*v, winner))
        {
            if let Some((severity, problem, fix)) = shadowing(winner, other) {
                out.push(Finding::new(
                    severity,
                    subject(winner),
                    problem,
                    fix,
                    chapters::STORE_AND_LOAD,
                ));
            }
        }
    }
}

/// What to say about `other`, a definition that loses to `winner`: severity, problem, fix.
fn shadowing(winner: &FoundValue, other: &FoundValue) -> Option<(Severity, String, String)> {
    let same = other.expose_value() == winner.expose_value();
    if other.name != winner.name {
        return (!same).then(|| {
            (
                Severity::Warning,
                format!(
                    "is also set under {} ({}) with a different value; {} wins.",
                    other.name, other.origin, winner.name
                ),
                format!(
                    "Keep one name: delete {} or make both the same key.",
                    other.name
                ),
            )
        });
    }
    match (&winner.origin, &other.origin) {
        (Origin::EnvFile { line: a, .. }, Origin::EnvFile { line: b, .. }) => Some((
            if same { Severity::Warning } else { Severity::Error },
            format!("is defined twice in the .env file (lines {a} and {b}){}; line {a} wins.", if same { " with the same value" } else { " with different values" }),
            format!("Delete line {b} (or line {a} if that one is the right value)."),
        )),
        (_, Origin::EnvFile { path, .. }) => (!same).then(|| (
            Severity::Warning,
            format!("is set in both the environment and {} with different values; the environment's wins (dotenv never overrides a variable already set).", other.origin),
            format!("Remove the stale one: `unset {}` in your shell, or fix {} in {}.", winner.name, other.name, path.display()),
        )),
        _ => None,
    }
}

/// Missing values: an error when the guide's order says it should be there, otherwise what comes next.
/// An empty value (`X_ACCESS_TOKEN=`, as in `.env.example`) counts as not set yet; the file tells
/// which values are on lines dotenv refuses, `loaded` where no `.env` was found and which common
/// names xkeys doesn't read are set.
pub(super) fn check_missing(eff: Effective<'_>, loaded: &LoadedKeys, out: &mut Vec<Finding>) {
    let file = loaded.env_file.as_ref();
    let has = |f: Field| eff.get(f).is_some_and(|v| !v.expose_value().is_empty());
    let any_token = has(Field::AccessToken) || has(Field::AccessTokenSecret);
    let any_key = has(Field::ApiKey) || has(Field::ApiKeySecret);

    super::oauth2::check_missing(&has, out);
    let any_oauth2 = Field::OAUTH2.into_iter().any(has);
    if !any_key && !any_token && any_oauth2 {
        out.push(Finding::new(
            Severity::Note,
            Subject::Missing(Field::ApiKey),
            "no OAuth 1.0a keys: fine for a bot that uses OAuth 2.0 alone (its token acts for the account on v2 endpoints).",
            "For OAuth 1.0a (v1.1 media upload, tokens that don't expire), follow Part I and save the four keys in .env.",
            chapters::OAUTH2,
        ));
        return;
    }
    if !any_key && !any_token {
        let refused = Field::USER_CONTEXT
            .into_iter()
            .any(|f| not_loaded(file, f).is_some());
        if refused {
            // The file's errors say why nothing was loaded; "nothing yet" would mislead.
            return;
        }
        nothing_yet(eff, loaded, out);
        return;
    }
    missing_of_pair(
        eff,
        loaded,
        [Field::ApiKey, Field::ApiKeySecret],
        "is missing: every signed request needs the API Key and the API Key Secret.",
        chapters::GET_API_KEY,
        out,
    );
    if !any_token {
        let next = Field::AccessToken;
        let refused = [Field::AccessToken, Field::AccessTokenSecret]
            .into_iter()
            .any(|f| not_loaded(file, f).is_some());
        if !refused {
            out.push(Finding::new(
                Severity::Note,
                eff.get(next).map_or(Subject::Missing(next), subject),
                "not set yet: the API Key and Secret identify your app; to act as an account you also need the Access Token and Access Token Secret.",
                format!("Generate them in {} and save them as X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET.", where_to_copy(next)),
                chapters::GET_ACCESS_TOKEN,
            ));
            return;
        }
    }
    missing_of_pair(
        eff,
        loaded,
        [Field::AccessToken, Field::AccessTokenSecret],
        "is missing: the Access Token and its secret work only together.",
        chapters::GET_ACCESS_TOKEN,
        out,
    );
}

/// No OAuth 1.0a key anywhere: where to get them, or where they may be instead (another file, a
/// parent folder's `.env`, variables under names xkeys doesn't read).
fn nothing_yet(eff: Effective<'_>, loaded: &LoadedKeys, out: &mut Vec<Finding>) {
    let empty = Field::USER_CONTEXT
        .into_iter()
        .any(|f| eff.get(f).is_some());
    let part_one = |follow: &str| {
        format!("{follow} Part I from \"Register a project\"; when you have the API Key and Secret, save them in .env as X_API_KEY and X_API_KEY_SECRET.")
    };
    let fix = match (
        unread_hint(loaded, &Field::USER_CONTEXT),
        &loaded.no_env_file,
    ) {
        (Some(hint), _) => format!("{hint} {}", part_one("Otherwise follow")),
        (None, Some(no)) => match no.parent_relative() {
            Some(up) => format!(
                "Your keys may be in {} (see the warning above): check it with --env-file {}. {}",
                no.in_parent.as_deref().unwrap_or(up.as_path()).display(),
                up.display(),
                part_one("None yet? Follow")
            ),
            None => format!(
                "Keys in another file? Name it with --env-file PATH ({no}). {}",
                part_one("None yet? Follow")
            ),
        },
        (None, None) => part_one("Follow"),
    };
    out.push(Finding::new(
        Severity::Note,
        Subject::Missing(Field::ApiKey),
        if empty {
            "no X keys yet: the variables are there, but empty."
        } else {
            "no X keys found yet, under X_API_KEY or any alias."
        },
        fix,
        chapters::REGISTER_A_PROJECT,
    ));
}

/// "`.env line 1` sets API_KEY: if that is your X API Key, rename it X_API_KEY …", for the common
/// names of these fields that are set but that xkeys doesn't read.
fn unread_hint(loaded: &LoadedKeys, fields: &[Field]) -> Option<String> {
    let unread: Vec<_> = loaded
        .unread
        .iter()
        .filter(|u| fields.contains(&u.field))
        .collect();
    if unread.is_empty() {
        return None;
    }
    if let [one] = unread.as_slice() {
        return Some(format!(
            "{} sets {}: if that is your X {}, rename it {} (xkeys doesn't read {}, a name other services use too).",
            one.origin, one.name, one.field.label(), one.field.env_name(), one.name
        ));
    }
    let sets: Vec<String> = unread
        .iter()
        .map(|u| format!("{} sets {}", u.origin, u.name))
        .collect();
    let names: Vec<&str> = unread.iter().map(|u| u.field.env_name()).collect();
    Some(format!(
        "{}: if those are your X keys, rename them {} (xkeys doesn't read those names: other services use them too).",
        listed(&sets.iter().map(String::as_str).collect::<Vec<_>>(), "and"),
        listed(&names, "and")
    ))
}

/// Why a credential set in the `.env` file is not loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum NotLoaded {
    /// Its line is one dotenv refuses.
    Refused {
        /// That line.
        line: usize,
    },
    /// An earlier line's quote never closes and takes this line with it.
    Swallowed {
        /// The credential's line.
        line: usize,
        /// The line whose quote never closes.
        opened_on: usize,
    },
}

impl NotLoaded {
    /// The line that sets the credential.
    pub(super) fn line(self) -> usize {
        match self {
            NotLoaded::Refused { line } | NotLoaded::Swallowed { line, .. } => line,
        }
    }
}

/// Whether `field` is set in `file` on a line dotenv doesn't load, and why.
pub(super) fn not_loaded(file: Option<&EnvFile>, field: Field) -> Option<NotLoaded> {
    let of = |name: &str| Field::from_env_name(name) == Some(field);
    file?.issues.iter().find_map(|issue| match issue {
        FileIssue::Unparsable {
            line,
            name: Some(name),
            ..
        } if of(name) => Some(NotLoaded::Refused { line: *line }),
        FileIssue::Swallowed {
            line,
            name,
            opened_on,
        } if of(name) => Some(NotLoaded::Swallowed {
            line: *line,
            opened_on: *opened_on,
        }),
        _ => None,
    })
}

/// An error for each field of a pair that is missing.
fn missing_of_pair(
    eff: Effective<'_>,
    loaded: &LoadedKeys,
    pair: [Field; 2],
    problem: &str,
    chapter: Chapter,
    out: &mut Vec<Finding>,
) {
    let file = loaded.env_file.as_ref();
    let unset = |f: &Field| eff.get(*f).is_none_or(|v| v.expose_value().is_empty());
    for f in pair.into_iter().filter(unset) {
        let paste = format!("'{}' from {}", f.label(), where_to_copy(f));
        let (subject, problem, fix) = match (not_loaded(file, f), eff.get(f)) {
            (Some(NotLoaded::Refused { line }), _) => (
                Subject::Missing(f),
                format!("is not loaded: line {line} of the .env file sets it, but dotenv can't parse that line (see the error about line {line})."),
                format!("Fix line {line} as that error says."),
            ),
            (Some(NotLoaded::Swallowed { line, opened_on }), _) => (
                Subject::Missing(f),
                format!("is in the file (line {line}) but not loaded: the quote on line {opened_on} never closes, so dotenv reads line {line} as part of line {opened_on}'s value (see the error about line {opened_on})."),
                format!("Fix line {opened_on} as that error says; then line {line} is read on its own."),
            ),
            (None, Some(v)) => (
                subject(v),
                problem.replacen("is missing", "is empty", 1),
                format!("Paste the {paste} after `{}=`.", v.name),
            ),
            (None, None) => (
                Subject::Missing(f),
                problem.to_string(),
                match unread_hint(loaded, &[f]) {
                    Some(hint) => format!("{hint} Otherwise add {}=... with the {paste}.", f.env_name()),
                    None => format!("Add {}=... with the {paste}.", f.env_name()),
                },
            ),
        };
        out.push(Finding::new(
            Severity::Error,
            subject,
            problem,
            fix,
            chapter,
        ));
    }
}
