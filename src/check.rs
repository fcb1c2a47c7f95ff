//! Offline checks: every copy-paste mistake and setup problem that can be seen without asking X.
//!
//! [`check`] reports **all** findings at once, each naming the field, what is wrong, the fix and the
//! chapter that explains it. Nothing here touches the network, and no finding contains a value:
//! only variable names, lines, lengths and positions.

use std::fmt;
use std::path::Path;
use std::process::Command;

use crate::chapters::{self, Chapter};
use crate::credentials::{
    user_id_prefix, EnvFile, Field, FileIssue, FoundValue, LoadedKeys, Origin,
};

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The keys won't work as they are.
    Error,
    /// Probably fine, but worth a look (older keys differ; a file is too open).
    Warning,
    /// Nothing wrong: what comes next.
    Note,
}

impl Severity {
    /// The word shown in reports.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }

    /// The mark shown in reports.
    pub fn mark(self) -> &'static str {
        match self {
            Severity::Error => "✘",
            Severity::Warning => "!",
            Severity::Note => "→",
        }
    }
}

/// What a finding is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// One credential, as found under a variable name at an origin.
    Value {
        /// The credential.
        field: Field,
        /// The variable name.
        name: String,
        /// Where it was found.
        origin: Origin,
    },
    /// A credential that is missing.
    Missing(Field),
    /// The `.env` file itself.
    EnvFile(String),
    /// The set of keys as a whole.
    Keys,
}

impl Subject {
    /// The credential concerned, if any.
    pub fn field(&self) -> Option<Field> {
        match self {
            Subject::Value { field, .. } | Subject::Missing(field) => Some(*field),
            _ => None,
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Value {
                field,
                name,
                origin,
            } => write!(f, "{field} ({name}, {origin})"),
            Subject::Missing(field) => write!(f, "{field} ({})", field.env_name()),
            Subject::EnvFile(path) => f.write_str(path),
            Subject::Keys => f.write_str("Your keys"),
        }
    }
}

/// One problem (or next step), with what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// How bad it is.
    pub severity: Severity,
    /// What it is about.
    pub subject: Subject,
    /// What is wrong, in plain words. Never contains a value.
    pub problem: String,
    /// What to do.
    pub fix: String,
    /// The chapter that explains it.
    pub chapter: Chapter,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} {}: {}: {}",
            self.severity.mark(),
            self.severity.word(),
            self.subject,
            self.problem
        )?;
        writeln!(f, "    fix: {}", self.fix)?;
        write!(f, "    see: {}", self.chapter)
    }
}

/// One line of the summary: a field, where its value came from and how it looks (masked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldStatus {
    /// The credential.
    pub field: Field,
    /// The variable it was read from and where, when found.
    pub found: Option<(String, Origin)>,
    /// The value as it may be shown: a masked prefix, or only the length for secrets.
    pub shown: Option<String>,
    /// The worst finding about it.
    pub worst: Option<Severity>,
}

/// The result of the offline check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// One status per field, in the guide's order.
    pub fields: Vec<FieldStatus>,
    /// Every finding, errors first.
    pub findings: Vec<Finding>,
    /// Where the keys were looked for, for the report's heading.
    pub sources: String,
}

impl Report {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// How many findings have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// The errors, except those about the given fields (e.g. the tokens a PIN flow is about to replace).
    pub fn errors_ignoring<'a>(
        &'a self,
        ignore: &'a [Field],
    ) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings.iter().filter(move |f| {
            f.severity == Severity::Error && !f.subject.field().is_some_and(|x| ignore.contains(&x))
        })
    }

    /// Whether all four user-context keys are present.
    pub fn is_complete(&self) -> bool {
        self.fields
            .iter()
            .filter(|s| s.field != Field::BearerToken)
            .all(|s| s.found.is_some())
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Checking your X keys offline ({})", self.sources)?;
        writeln!(f)?;
        for s in &self.fields {
            let mark = match (s.worst, &s.found) {
                (Some(Severity::Error), _) => "✘",
                (Some(Severity::Warning), _) => "!",
                (_, Some(_)) => "✔",
                (_, None) => "·",
            };
            match &s.found {
                Some((name, origin)) => writeln!(
                    f,
                    "  {mark} {:<20} {} = {}  ({origin})",
                    s.field.label(),
                    name,
                    s.shown.as_deref().unwrap_or("")
                )?,
                None if s.field == Field::BearerToken => writeln!(
                    f,
                    "  {mark} {:<20} not set (optional: only for app-only requests)",
                    s.field.label()
                )?,
                None => writeln!(f, "  {mark} {:<20} not set", s.field.label())?,
            }
        }
        for finding in &self.findings {
            writeln!(f)?;
            writeln!(f, "{finding}")?;
        }
        writeln!(f)?;
        let (errors, warnings) = (self.count(Severity::Error), self.count(Severity::Warning));
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        if errors > 0 {
            write!(
                f,
                "✘ {}, {}: fix the errors above, then run this again.",
                plural(errors, "error"),
                plural(warnings, "warning")
            )
        } else if !self.is_complete() {
            write!(
                f,
                "✔ No errors so far ({}): the keys you have look right; the note above says what comes next.",
                plural(warnings, "warning")
            )
        } else {
            write!(
                f,
                "✔ No errors ({}): the four keys look right. Offline checks can't tell whether X accepts them: verify them with X next.",
                plural(warnings, "warning")
            )
        }
    }
}

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
    let effective: Effective = Field::ALL.map(|f| loaded.effective(f));
    let eff = |field: Field| effective[field as usize];

    // Swaps first: a swapped value would otherwise also get "wrong shape" findings.
    let swapped = check_pairs(&effective, &mut findings);
    for value in &loaded.values {
        let is_effective = eff(value.field).is_some_and(|e| std::ptr::eq(e, value));
        if is_effective {
            check_value(value, swapped.contains(&value.field), &mut findings);
        }
    }
    check_shadowed(loaded, &effective, &mut findings);
    check_missing(&effective, &mut findings);
    if let Some(file) = &loaded.env_file {
        check_file(file, options.git, &mut findings);
    }
    findings.sort_by_key(|f| (f.severity, f.subject.field().map_or(9, |x| x as usize)));

    let fields = Field::ALL
        .into_iter()
        .map(|field| {
            let found = eff(field);
            let worst = findings
                .iter()
                .filter(|f| f.subject.field() == Some(field) && f.severity != Severity::Note)
                .map(|f| f.severity)
                .min();
            FieldStatus {
                field,
                found: found.map(|v| (v.name.clone(), v.origin.clone())),
                shown: found.map(|v| field.display_value(v.expose_value())),
                worst,
            }
        })
        .collect();

    let sources = match &loaded.env_file {
        Some(file) => format!("the environment and {}", file.path.display()),
        None => "the environment; no .env file".to_string(),
    };
    Report {
        fields,
        findings,
        sources,
    }
}

fn subject(v: &FoundValue) -> Subject {
    Subject::Value {
        field: v.field,
        name: v.name.clone(),
        origin: v.origin.clone(),
    }
}

fn chapter_for(field: Field) -> Chapter {
    match field {
        Field::ApiKey | Field::ApiKeySecret => chapters::GET_API_KEY,
        Field::AccessToken | Field::AccessTokenSecret => chapters::GET_ACCESS_TOKEN,
        Field::BearerToken => chapters::REGISTER_AN_APP,
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
    }
}

const INVISIBLE: &[(char, &str)] = &[
    ('\u{FEFF}', "a byte order mark (U+FEFF)"),
    ('\u{200B}', "a zero-width space (U+200B)"),
    ('\u{200C}', "a zero-width non-joiner (U+200C)"),
    ('\u{200D}', "a zero-width joiner (U+200D)"),
    ('\u{2060}', "a word joiner (U+2060)"),
    ('\u{00A0}', "a non-breaking space (U+00A0)"),
    ('\u{202F}', "a narrow non-breaking space (U+202F)"),
];

const QUOTES: &[char] = &['"', '\'', '`', '“', '”', '‘', '’', '„', '«', '»'];

/// Cleans a value the way the fixes suggest, so shape checks judge the key and not the wrapping.
fn cleaned(value: &str) -> String {
    let mut v: String = value
        .chars()
        .filter(|c| !INVISIBLE.iter().any(|(i, _)| i == c))
        .collect();
    loop {
        let before = v.len();
        v = v.trim().trim_matches(QUOTES).to_string();
        if let Some(rest) = strip_bearer(&v) {
            v = rest.to_string();
        }
        if v.len() == before {
            return v;
        }
    }
}

fn strip_bearer(v: &str) -> Option<&str> {
    let head = v.get(..7)?;
    head.eq_ignore_ascii_case("bearer ").then(|| &v[7..])
}

fn is_alnum(v: &str) -> bool {
    !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// An OAuth 2.0 Client ID: 34 characters of base64 of `<id>:1:ci`, so it ends in `MTpjaQ` (FACTS §1).
fn looks_like_client_id(v: &str) -> bool {
    v.len() == 34 && v.ends_with("MTpjaQ")
}

/// A Bearer Token starts with a run of `A`s (21 in every documented sample, FACTS §1).
fn looks_like_bearer(v: &str) -> bool {
    v.len() > 60 && v.bytes().take_while(|b| *b == b'A').count() >= 15
}

/// An Access Token: `<decimal user id>-<alphanumerics>`.
fn looks_like_access_token(v: &str) -> bool {
    user_id_prefix(v).is_some_and(|id| is_alnum(&v[id.len() + 1..]))
}

fn looks_like_placeholder(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    const WORDS: &[&str] = &[
        "your_",
        "your-",
        "your ",
        "yourkey",
        "yoursecret",
        "yourtoken",
        "_here",
        "-here",
        " here",
        "xxxx",
        "changeme",
        "change_me",
        "change-me",
        "placeholder",
        "replace_me",
        "replace-me",
        "replaceme",
        "insert_",
        "insert-",
        "paste_",
        "paste-",
        "<",
        ">",
        "...",
        "…",
        "todo",
    ];
    WORDS.iter().any(|w| lower.contains(w))
        || matches!(
            lower.as_str(),
            "key" | "secret" | "token" | "none" | "null" | "test"
        )
}

fn check_value(v: &FoundValue, swapped: bool, out: &mut Vec<Finding>) {
    let field = v.field;
    let raw = v.expose_value();
    let chapter = chapter_for(field);
    let mut push = |severity, problem: String, fix: String, chapter: Chapter| {
        out.push(Finding {
            severity,
            subject: subject(v),
            problem,
            fix,
            chapter,
        })
    };

    if raw.trim().is_empty() {
        push(
            Severity::Error,
            if raw.is_empty() {
                "is empty.".into()
            } else {
                "holds only whitespace.".into()
            },
            format!(
                "Paste the '{}' from {} after `{}=`.",
                field.label(),
                where_to_copy(field),
                v.name
            ),
            chapter,
        );
        return;
    }

    for (c, what) in INVISIBLE {
        if let Some(pos) = raw.chars().position(|x| x == *c) {
            push(
                Severity::Error,
                format!("contains {what} at character {} (invisible, usually from copying out of a web page or a document).", pos + 1),
                format!("Delete the value and type or paste it again from {}, from a plain-text source.", where_to_copy(field)),
                chapters::STORE_AND_LOAD,
            );
        }
    }
    if raw != raw.trim() {
        let at = match (
            raw.starts_with(char::is_whitespace),
            raw.ends_with(char::is_whitespace),
        ) {
            (true, true) => "at both ends",
            (true, false) => "at the start",
            _ => "at the end",
        };
        let newline = if raw.contains(['\n', '\r']) {
            " (a line break)"
        } else {
            ""
        };
        push(
            Severity::Error,
            format!("has whitespace {at}{newline}; X would see it as part of the key."),
            format!("Remove the spaces around the value of {}.", v.name),
            chapters::STORE_AND_LOAD,
        );
    }
    let trimmed = raw.trim();
    if trimmed.starts_with(QUOTES) || trimmed.ends_with(QUOTES) {
        let typographic = trimmed.starts_with(['“', '”', '‘', '’', '„', '«', '»'])
            || trimmed.ends_with(['“', '”', '‘', '’', '„', '«', '»']);
        push(
            Severity::Error,
            if typographic {
                "is wrapped in typographic quotes (“ ” or ‘ ’), which dotenv keeps as part of the value.".into()
            } else {
                "still has quotes around it after loading (quoted twice, or unbalanced quotes)."
                    .into()
            },
            format!(
                "Write it as {}=value, or with plain single quotes: {}='value'.",
                v.name, v.name
            ),
            chapters::STORE_AND_LOAD,
        );
    }
    if strip_bearer(trimmed.trim_matches(QUOTES)).is_some() {
        let fix = if field == Field::BearerToken {
            "Remove the \"Bearer \" prefix: store only the token; the code adds \"Bearer \" when it sends it.".to_string()
        } else {
            format!("Remove \"Bearer \": the {} is used as it is, and a Bearer Token doesn't belong in {} at all.", field.label(), v.name)
        };
        push(
            Severity::Error,
            "starts with \"Bearer \".".into(),
            fix,
            chapter,
        );
    }
    if v.dollar_expanded {
        push(
            Severity::Error,
            "contains a `$` that dotenv expands as a variable, so the loaded value is cut or changed.".into(),
            format!("Put the value in single quotes in the .env file: {}='...'.", v.name),
            chapters::STORE_AND_LOAD,
        );
    }
    if looks_like_placeholder(trimmed) {
        push(
            Severity::Error,
            "looks like placeholder text, not a real key.".into(),
            format!(
                "Replace it with your '{}' from {}.",
                field.label(),
                where_to_copy(field)
            ),
            chapter,
        );
        return;
    }

    let v2 = cleaned(raw);
    if v2.is_empty() || swapped {
        return;
    }
    if field != Field::BearerToken && looks_like_bearer(&v2) {
        push(
            Severity::Error,
            "looks like a Bearer Token (a long value starting with many `A`s), not a".to_string()
                + &format!(" {}.", field.label()),
            format!("Put the Bearer Token in X_BEARER_TOKEN (optional) and paste the '{}' from {} here.", field.label(), where_to_copy(field)),
            chapters::REGISTER_AN_APP,
        );
        return;
    }
    if looks_like_client_id(&v2) {
        push(
            Severity::Error,
            "looks like an OAuth 2.0 Client ID (34 characters ending in `MTpjaQ`), which this guide doesn't use.".into(),
            format!("Paste the '{}' from {} instead: the 'Client ID' from 'User authentication settings' is for OAuth 2.0.", field.label(), where_to_copy(field)),
            chapters::CONFIGURE_ACCESS,
        );
        return;
    }
    match field {
        Field::ApiKey | Field::ApiKeySecret | Field::AccessTokenSecret => {
            if looks_like_access_token(&v2) {
                // The pair checks report a token/secret swap; other slots get a plain message.
                if field != Field::AccessTokenSecret {
                    push(
                        Severity::Error,
                        format!("looks like an Access Token (it starts with a user id and `-`), not a {}.", field.label()),
                        format!("Put the Access Token in X_ACCESS_TOKEN and paste the '{}' from {} here.", field.label(), where_to_copy(field)),
                        chapter,
                    );
                }
                return;
            }
            let (expected, older) = match field {
                Field::ApiKey => (25, "older keys can be shorter, e.g. 22"),
                Field::ApiKeySecret => (50, "older secrets can be shorter, e.g. 43"),
                _ => (45, "older secrets can be shorter, e.g. 41 or 42"),
            };
            if field == Field::ApiKeySecret
                && v2.len() == 50
                && v2.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                && !is_alnum(&v2)
            {
                push(
                    Severity::Warning,
                    "looks like an OAuth 2.0 Client Secret (it has `-` or `_`), not an API Key Secret.".into(),
                    format!("Paste the 'API Key Secret' from {}.", where_to_copy(field)),
                    chapters::CONFIGURE_ACCESS,
                );
            } else if !is_alnum(&v2) {
                push(
                    Severity::Warning,
                    "contains characters other than letters and digits, unusual for this key.".into(),
                    format!("Compare it with the '{}' shown in {}.", field.label(), where_to_copy(field)),
                    chapter,
                );
            } else if v2.len() != expected {
                push(
                    Severity::Warning,
                    format!("is {} characters long; current ones are {expected} ({older}).", v2.chars().count()),
                    format!("If the keys were issued recently, copy the '{}' again from {}: part may be missing.", field.label(), where_to_copy(field)),
                    chapter,
                );
            }
        }
        Field::AccessToken => match user_id_prefix(&v2) {
            None => push(
                Severity::Error,
                "has no `<digits>-` prefix: an Access Token starts with the numeric id of its account, like `1790000000000000001-…`.".into(),
                format!("Copy the 'Access Token' again from {}. Did you paste the Access Token Secret, the API Key or the Bearer Token here?", where_to_copy(field)),
                chapter,
            ),
            Some(id) => {
                let suffix = &v2[id.len() + 1..];
                if !is_alnum(suffix) {
                    push(
                        Severity::Warning,
                        "has characters other than letters and digits after its `-`, unusual for an Access Token.".into(),
                        format!("Compare it with the 'Access Token' shown in {}.", where_to_copy(field)),
                        chapter,
                    );
                } else if v2.len() != 50 && !(40..50).contains(&v2.len()) {
                    push(
                        Severity::Warning,
                        format!("is {} characters long; Access Tokens are usually 50 (some older ones 48).", v2.len()),
                        format!("Copy the 'Access Token' again from {}: part may be missing.", where_to_copy(field)),
                        chapter,
                    );
                }
                {
                    out.push(Finding {
                        severity: Severity::Note,
                        subject: subject(v),
                        problem: format!("acts for the X account with user id {id} (the number before the `-`)."),
                        fix: "Make sure that is the account your bot should post as; verifying with X shows its @username.".into(),
                        chapter: chapters::GET_ACCESS_TOKEN,
                    });
                }
            }
        },
        Field::BearerToken => {
            if !looks_like_bearer(&v2) {
                push(
                    Severity::Warning,
                    "doesn't look like a Bearer Token (they are long and start with many `A`s).".into(),
                    format!("Copy the Bearer Token again from {}, or remove X_BEARER_TOKEN: it is optional.", where_to_copy(field)),
                    chapter,
                );
            }
        }
    }
}

/// The value used for each field, indexed by `Field as usize`.
type Effective<'a> = [Option<&'a FoundValue>; 5];

/// Checks that look at two values together: swaps and copies. Returns the fields found swapped.
fn check_pairs(eff: &Effective, out: &mut Vec<Finding>) -> Vec<Field> {
    let mut swapped = Vec::new();
    let get = |f: Field| eff[f as usize].map(|v| (v, cleaned(v.expose_value())));

    if let (Some((k, kv)), Some((s, sv))) = (get(Field::ApiKey), get(Field::ApiKeySecret)) {
        if is_alnum(&kv) && is_alnum(&sv) && kv.len() > sv.len() && kv.len() >= 40 && sv.len() <= 30
        {
            swapped.extend([Field::ApiKey, Field::ApiKeySecret]);
            for v in [k, s] {
                out.push(Finding {
                    severity: Severity::Error,
                    subject: subject(v),
                    problem: format!(
                        "looks swapped with the {}: the API Key is the short one (25 characters), the API Key Secret the long one (50).",
                        if v.field == Field::ApiKey { "API Key Secret" } else { "API Key" }
                    ),
                    fix: "Swap the values of X_API_KEY and X_API_KEY_SECRET.".into(),
                    chapter: chapters::GET_API_KEY,
                });
            }
        }
    }
    if let (Some((t, tv)), Some((s, sv))) = (get(Field::AccessToken), get(Field::AccessTokenSecret))
    {
        if !looks_like_access_token(&tv) && looks_like_access_token(&sv) {
            swapped.extend([Field::AccessToken, Field::AccessTokenSecret]);
            for v in [t, s] {
                out.push(Finding {
                    severity: Severity::Error,
                    subject: subject(v),
                    problem: format!(
                        "looks swapped with the {}: the Access Token is the one that starts with your user id and `-`.",
                        if v.field == Field::AccessToken { "Access Token Secret" } else { "Access Token" }
                    ),
                    fix: "Swap the values of X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET.".into(),
                    chapter: chapters::GET_ACCESS_TOKEN,
                });
            }
        } else if looks_like_access_token(&sv) {
            swapped.push(Field::AccessTokenSecret);
            out.push(Finding {
                severity: Severity::Error,
                subject: subject(s),
                problem:
                    "looks like an Access Token (it starts with a user id and `-`), not its secret."
                        .into(),
                fix: format!(
                    "Paste the 'Access Token Secret' from {}.",
                    where_to_copy(Field::AccessTokenSecret)
                ),
                chapter: chapters::GET_ACCESS_TOKEN,
            });
        }
    }
    // The same value in two slots: one of them was pasted twice.
    for (i, a) in Field::ALL.iter().enumerate() {
        for b in &Field::ALL[i + 1..] {
            if let (Some((va, ca)), Some((_, cb))) = (get(*a), get(*b)) {
                if !ca.is_empty() && ca == cb {
                    out.push(Finding {
                        severity: Severity::Error,
                        subject: subject(va),
                        problem: format!("has the same value as the {}: one of them was pasted twice.", b.label()),
                        fix: format!("Copy each value again from the portal: the {a} and the {b} are different keys."),
                        chapter: chapter_for(*a),
                    });
                }
            }
        }
    }
    swapped
}

/// Values defined more than once: twice in the file, in both the environment and the file, or
/// under both the canonical name and an alias. Only differing values matter.
fn check_shadowed(loaded: &LoadedKeys, eff: &Effective, out: &mut Vec<Finding>) {
    for field in Field::ALL {
        let Some(winner) = eff[field as usize] else {
            continue;
        };
        for other in loaded
            .values
            .iter()
            .filter(|v| v.field == field && !std::ptr::eq(*v, winner))
        {
            let same = other.expose_value() == winner.expose_value();
            let (problem, fix, severity) = if other.name == winner.name {
                match (&winner.origin, &other.origin) {
                    (Origin::EnvFile { line: a, .. }, Origin::EnvFile { line: b, .. }) => (
                        format!("is defined twice in the .env file (lines {a} and {b}){}; line {a} wins.", if same { " with the same value" } else { " with different values" }),
                        format!("Delete line {b} (or line {a} if that one is the right value)."),
                        if same { Severity::Warning } else { Severity::Error },
                    ),
                    _ => {
                        if same {
                            continue;
                        }
                        (
                            format!("is set in both the environment and {} with different values; the environment's wins (dotenv never overrides a variable already set).", other.origin),
                            format!("Remove the stale one: `unset {}` in your shell, or fix the .env file.", winner.name),
                            Severity::Warning,
                        )
                    }
                }
            } else {
                if same {
                    continue;
                }
                (
                    format!(
                        "is also set under {} ({}) with a different value; {} wins.",
                        other.name, other.origin, winner.name
                    ),
                    format!(
                        "Keep one name: delete {} or make both the same key.",
                        other.name
                    ),
                    Severity::Warning,
                )
            };
            out.push(Finding {
                severity,
                subject: subject(winner),
                problem,
                fix,
                chapter: chapters::STORE_AND_LOAD,
            });
        }
    }
}

/// Missing values: an error when the guide's order says it should be there, otherwise what comes next.
fn check_missing(eff: &Effective, out: &mut Vec<Finding>) {
    let has = |f: Field| eff[f as usize].is_some();
    let missing = |f: Field, severity, problem: &str, fix: String, chapter| Finding {
        severity,
        subject: Subject::Missing(f),
        problem: problem.to_string(),
        fix,
        chapter,
    };
    let any_token = has(Field::AccessToken) || has(Field::AccessTokenSecret);
    let any_key = has(Field::ApiKey) || has(Field::ApiKeySecret);

    if !any_key && !any_token {
        out.push(missing(
            Field::ApiKey,
            Severity::Note,
            "no X keys found yet, under X_API_KEY or any alias.",
            "Follow Part I from \"Register a project\"; when you have the API Key and Secret, save them in .env as X_API_KEY and X_API_KEY_SECRET.".into(),
            chapters::REGISTER_A_PROJECT,
        ));
        return;
    }
    for f in [Field::ApiKey, Field::ApiKeySecret] {
        if !has(f) {
            out.push(missing(
                f,
                Severity::Error,
                "is missing: every signed request needs the API Key and the API Key Secret.",
                format!(
                    "Add {}=... with the '{}' from {}.",
                    f.env_name(),
                    f.label(),
                    where_to_copy(f)
                ),
                chapters::GET_API_KEY,
            ));
        }
    }
    if !any_token {
        out.push(missing(
            Field::AccessToken,
            Severity::Note,
            "not set yet: the API Key and Secret identify your app; to act as an account you also need the Access Token and Access Token Secret.",
            format!("Generate them in {} and save them as X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET.", where_to_copy(Field::AccessToken)),
            chapters::GET_ACCESS_TOKEN,
        ));
        return;
    }
    for f in [Field::AccessToken, Field::AccessTokenSecret] {
        if !has(f) {
            out.push(missing(
                f,
                Severity::Error,
                "is missing: the Access Token and its secret work only together.",
                format!(
                    "Add {}=... with the '{}' from {}.",
                    f.env_name(),
                    f.label(),
                    where_to_copy(f)
                ),
                chapters::GET_ACCESS_TOKEN,
            ));
        }
    }
}

/// Problems with the `.env` file itself: parsing, encoding, permissions, git.
fn check_file(file: &EnvFile, git: bool, out: &mut Vec<Finding>) {
    let shown = file.path.display().to_string();
    let mut push = |severity, problem: String, fix: String, chapter| {
        out.push(Finding {
            severity,
            subject: Subject::EnvFile(shown.clone()),
            problem,
            fix,
            chapter,
        })
    };
    for issue in &file.issues {
        match issue {
            FileIssue::Unparsable { line, yaml_style: true, name } => push(
                Severity::Error,
                format!("line {line} uses `NAME: value` (YAML style); dotenv needs `NAME=value`, so {} is not loaded.", name.as_deref().unwrap_or("that variable")),
                format!("Write line {line} as {}=value.", name.as_deref().unwrap_or("NAME")),
                chapters::STORE_AND_LOAD,
            ),
            FileIssue::Unparsable { line, name, .. } => push(
                Severity::Error,
                format!("line {line} can't be parsed by dotenv{}.", name.as_ref().map(|n| format!(" ({n} is not loaded)")).unwrap_or_default()),
                format!("Check line {line}: NAME=value with no spaces around `=`; quote a value that has spaces or `#` in single quotes."),
                chapters::STORE_AND_LOAD,
            ),
            FileIssue::Bom => push(
                Severity::Warning,
                "starts with a byte order mark (BOM), which some dotenv loaders keep as part of the first name.".into(),
                "Save the file as UTF-8 without BOM.".into(),
                chapters::STORE_AND_LOAD,
            ),
            FileIssue::NotUtf8 { line } => push(
                Severity::Error,
                format!("is not valid UTF-8 text (first bad byte on line {line})."),
                "Save the file as plain UTF-8 text and paste the keys again.".into(),
                chapters::STORE_AND_LOAD,
            ),
            FileIssue::UnknownName { name, line } => push(
                Severity::Warning,
                format!("line {line} sets {name}, which looks like an X key but is not a name xkeys or X's samples use."),
                format!("Use the standard names: {}.", Field::ALL.map(|f| f.env_name()).join(", ")),
                chapters::STORE_AND_LOAD,
            ),
        }
    }
    if let Some(mode) = file.mode {
        if mode & 0o077 != 0 {
            push(
                Severity::Warning,
                format!("can be read by other users of this machine (mode {mode:o})."),
                format!("Run: chmod 600 {shown}"),
                chapters::STORE_AND_LOAD,
            );
        }
    }
    match git.then(|| git_status(&file.path)).flatten() {
        Some(GitStatus::Tracked) => push(
            Severity::Error,
            "is tracked by git: your keys are in the repository (and its history).".into(),
            format!("Run `git rm --cached {shown}`, add .env to .gitignore, and regenerate every key in it: anything committed must be treated as leaked."),
            chapters::STORE_AND_LOAD,
        ),
        Some(GitStatus::NotIgnored) => push(
            Severity::Warning,
            "is not ignored by git: one `git add .` would commit your keys.".into(),
            "Add a line `.env` to your .gitignore.".into(),
            chapters::STORE_AND_LOAD,
        ),
        Some(GitStatus::Ignored) | None => {}
    }
}

/// What git says about a file.
#[derive(Debug, PartialEq, Eq)]
enum GitStatus {
    Tracked,
    Ignored,
    NotIgnored,
}

/// Asks git, when installed and the file is in a work tree; `None` otherwise.
fn git_status(path: &Path) -> Option<GitStatus> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name()?;
    let git = |args: &[&std::ffi::OsStr]| {
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .ok()
    };
    let inside = git(&["rev-parse".as_ref(), "--is-inside-work-tree".as_ref()])?;
    if !inside.success() {
        return None;
    }
    if git(&[
        "ls-files".as_ref(),
        "--error-unmatch".as_ref(),
        "--".as_ref(),
        name,
    ])?
    .success()
    {
        return Some(GitStatus::Tracked);
    }
    if git(&["check-ignore".as_ref(), "-q".as_ref(), "--".as_ref(), name])?.success() {
        Some(GitStatus::Ignored)
    } else {
        Some(GitStatus::NotIgnored)
    }
}
