//! Offline checks: every copy-paste mistake and setup problem that can be seen without asking X.
//!
//! [`check`] reports **all** findings at once, each naming the field, what is wrong, the fix and the
//! chapter that explains it. Nothing here touches the network, and no finding contains a value:
//! only variable names, lines, lengths and positions.
//!
//! By concern: `report` (what a check returns), `value` (one value at a time), `pairs` (swaps and
//! copies), `defined` (missing and shadowed values), `file` and `git` (the `.env` file itself),
//! `oauth2` (the OAuth 2.0 values and their mix-ups with the OAuth 1.0a keys), and `shape` (what X's
//! keys look like).

mod defined;
mod file;
mod git;
mod oauth2;
mod pairs;
mod report;
mod shape;
mod value;

pub use report::{BeforeContactingX, FieldStatus, Finding, Report, Severity, Subject};

use crate::chapters::{self, Chapter};
use crate::credentials::{Field, FoundValue, LoadedKeys};

/// What [`check_with`] looks at besides the values.
#[derive(Clone, Copy, Debug)]
pub struct CheckOptions {
    /// Ask `git` whether the `.env` file is ignored or tracked (runs a `git` process).
    pub git: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self { git: true }
    }
}

/// Checks everything loading found, offline, and reports every finding at once.
///
/// Runs `git` (if installed) to learn whether the `.env` file is ignored or tracked.
pub fn check(loaded: &LoadedKeys) -> Report {
    check_with(loaded, CheckOptions::default())
}

/// [`check`], with options.
pub fn check_with(loaded: &LoadedKeys, options: CheckOptions) -> Report {
    let mut findings = Vec::new();
    let eff = Effective::of(loaded);

    // Swaps first: a swapped value would otherwise also get "wrong shape" findings.
    let swapped = pairs::check_pairs(eff, &mut findings);
    for value in &loaded.values {
        let is_effective = eff.get(value.field).is_some_and(|e| std::ptr::eq(e, value));
        if is_effective {
            value::check_value(value, swapped.contains(&value.field), &mut findings);
        }
    }
    defined::check_shadowed(loaded, eff, &mut findings);
    defined::check_missing(eff, loaded, &mut findings);
    if let Some(file) = &loaded.env_file {
        file::check_file(file, &loaded.values, options.git, &mut findings);
    }
    if let Some(no) = &loaded.no_env_file {
        file::check_parent_env_file(no, &mut findings);
    }
    findings.sort_by_key(|f| (f.severity, f.subject.field().map_or(9, |x| x as usize)));

    // The OAuth 2.0 lines only when one of its values is set: most bots use OAuth 1.0a alone.
    let oauth2 = Field::OAUTH2.iter().any(|f| eff.get(*f).is_some());
    let fields = Field::ALL
        .into_iter()
        .filter(|field| oauth2 || !field.is_oauth2())
        .map(|field| field_status(field, eff.get(field), loaded, &findings))
        .collect();
    let sources = match (&loaded.env_file, &loaded.no_env_file) {
        (Some(file), _) => format!("the environment and {}", file.path.display()),
        (None, Some(no)) => format!("the environment; {no}"),
        (None, None) => "the environment; no .env file".to_string(),
    };
    Report {
        fields,
        findings,
        sources,
    }
}

/// A field's line of the summary: where its value came from, how it looks, its worst finding.
fn field_status(
    field: Field,
    found: Option<&FoundValue>,
    loaded: &LoadedKeys,
    findings: &[Finding],
) -> FieldStatus {
    let worst = findings
        .iter()
        .filter(|f| f.subject.field() == Some(field) && f.severity != Severity::Note)
        .map(|f| f.severity)
        .min();
    let empty = found.is_some_and(|v| v.expose_value().is_empty());
    FieldStatus {
        field,
        found: found.map(|v| (v.name.clone(), v.origin.clone())),
        shown: found.map(|v| match empty {
            true => "empty".to_string(),
            false => field.display_value(v.expose_value()),
        }),
        worst,
        empty,
        not_loaded: match found {
            Some(_) => None,
            None => defined::not_loaded(loaded.env_file.as_ref(), field).map(|n| n.line()),
        },
    }
}

/// The value used for each field (see [`LoadedKeys::effective`]).
#[derive(Clone, Copy)]
struct Effective<'a>([Option<&'a FoundValue>; Field::ALL.len()]);

impl<'a> Effective<'a> {
    fn of(loaded: &'a LoadedKeys) -> Self {
        Self(Field::ALL.map(|f| loaded.effective(f)))
    }

    fn get(self, field: Field) -> Option<&'a FoundValue> {
        // `Field::ALL` lists the fields in declaration order.
        self.0[field as usize]
    }
}

/// The findings about one subject, as they are found.
struct About<'a> {
    subject: Subject,
    out: &'a mut Vec<Finding>,
}

impl<'a> About<'a> {
    fn new(subject: Subject, out: &'a mut Vec<Finding>) -> Self {
        Self { subject, out }
    }

    fn push(
        &mut self,
        severity: Severity,
        problem: impl Into<String>,
        fix: impl Into<String>,
        chapter: Chapter,
    ) {
        let subject = self.subject.clone();
        self.out
            .push(Finding::new(severity, subject, problem, fix, chapter));
    }
}

/// What a finding about this value is about.
fn subject(v: &FoundValue) -> Subject {
    Subject::Value {
        field: v.field,
        name: v.name.clone(),
        origin: v.origin.clone(),
    }
}

/// The chapter that says where a field comes from.
fn chapter_for(field: Field) -> Chapter {
    match field {
        Field::ApiKey | Field::ApiKeySecret => chapters::GET_API_KEY,
        Field::AccessToken | Field::AccessTokenSecret => chapters::GET_ACCESS_TOKEN,
        Field::BearerToken => chapters::REGISTER_AN_APP,
        Field::ClientId
        | Field::ClientSecret
        | Field::OAuth2AccessToken
        | Field::OAuth2RefreshToken => chapters::OAUTH2,
    }
}

/// Where on the portal a field is copied from, for the fix text.
fn where_to_copy(field: Field) -> &'static str {
    match field {
        Field::ApiKey | Field::ApiKeySecret => {
            "'Keys and tokens' → 'Consumer Keys' (click 'Regenerate' if you no longer have it)"
        }
        Field::AccessToken | Field::AccessTokenSecret => {
            "'Keys and tokens' → 'Authentication Tokens' → 'Access Token and Secret' (click 'Generate' or 'Regenerate' if you no longer have it)"
        }
        Field::BearerToken => "'Keys and tokens' → 'Bearer Token'",
        Field::ClientId | Field::ClientSecret => {
            "'Keys and tokens' → 'OAuth 2.0 Client ID and Client Secret' (regenerate the secret if you no longer have it)"
        }
        Field::OAuth2AccessToken | Field::OAuth2RefreshToken => {
            "the OAuth 2.0 login (`cargo run --example oauth2_login`), which writes it to .env"
        }
    }
}
