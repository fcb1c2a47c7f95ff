//! Where values are defined: values missing (an error, or what comes next in the guide) and values
//! defined more than once (in the file twice, in the environment and the file, under an alias).

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
        _ => (!same).then(|| (
            Severity::Warning,
            format!("is set in both the environment and {} with different values; the environment's wins (dotenv never overrides a variable already set).", other.origin),
            format!("Remove the stale one: `unset {}` in your shell, or fix the .env file.", winner.name),
        )),
    }
}

/// Missing values: an error when the guide's order says it should be there, otherwise what comes next.
/// An empty value (`X_ACCESS_TOKEN=`, as in `.env.example`) counts as not set yet; `file` tells which
/// values are on lines dotenv refuses.
pub(super) fn check_missing(eff: Effective<'_>, file: Option<&EnvFile>, out: &mut Vec<Finding>) {
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
            .any(|f| refused_line(file, f).is_some());
        if refused {
            // The file's errors say why nothing was loaded; "nothing yet" would mislead.
            return;
        }
        let empty = Field::USER_CONTEXT
            .into_iter()
            .any(|f| eff.get(f).is_some());
        out.push(Finding::new(
            Severity::Note,
            Subject::Missing(Field::ApiKey),
            if empty {
                "no X keys yet: the variables are there, but empty."
            } else {
                "no X keys found yet, under X_API_KEY or any alias."
            },
            "Follow Part I from \"Register a project\"; when you have the API Key and Secret, save them in .env as X_API_KEY and X_API_KEY_SECRET.",
            chapters::REGISTER_A_PROJECT,
        ));
        return;
    }
    missing_of_pair(
        eff,
        file,
        [Field::ApiKey, Field::ApiKeySecret],
        "is missing: every signed request needs the API Key and the API Key Secret.",
        chapters::GET_API_KEY,
        out,
    );
    if !any_token {
        let next = Field::AccessToken;
        let refused = [Field::AccessToken, Field::AccessTokenSecret]
            .into_iter()
            .any(|f| refused_line(file, f).is_some());
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
        file,
        [Field::AccessToken, Field::AccessTokenSecret],
        "is missing: the Access Token and its secret work only together.",
        chapters::GET_ACCESS_TOKEN,
        out,
    );
}

/// The line of `file` that sets `field` but that dotenv refuses, if any.
fn refused_line(file: Option<&EnvFile>, field: Field) -> Option<usize> {
    file?.issues.iter().find_map(|issue| match issue {
        FileIssue::Unparsable {
            line,
            name: Some(name),
            ..
        } if Field::from_env_name(name) == Some(field) => Some(*line),
        _ => None,
    })
}

/// An error for each field of a pair that is missing.
fn missing_of_pair(
    eff: Effective<'_>,
    file: Option<&EnvFile>,
    pair: [Field; 2],
    problem: &str,
    chapter: Chapter,
    out: &mut Vec<Finding>,
) {
    let unset = |f: &Field| eff.get(*f).is_none_or(|v| v.expose_value().is_empty());
    for f in pair.into_iter().filter(unset) {
        let paste = format!("'{}' from {}", f.label(), where_to_copy(f));
        let (subject, problem, fix) = match (refused_line(file, f), eff.get(f)) {
            (Some(line), _) => (
                Subject::Missing(f),
                format!("is not loaded: line {line} of the .env file sets it, but dotenv can't parse that line (see the error about line {line})."),
                format!("Fix line {line} as that error says."),
            ),
            (None, Some(v)) => (
                subject(v),
                problem.replacen("is missing", "is empty", 1),
                format!("Paste the {paste} after `{}=`.", v.name),
            ),
            (None, None) => (
                Subject::Missing(f),
                problem.to_string(),
                format!("Add {}=... with the {paste}.", f.env_name()),
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
