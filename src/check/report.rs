//! What the offline check returns: findings with their severity and subject, and the report that
//! shows them (each field's status, every finding, a verdict).

use std::fmt;

use crate::chapters::Chapter;
use crate::credentials::{Field, Origin};
use crate::words::counted;

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
    fn word(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }

    /// The mark shown in reports.
    fn mark(self) -> &'static str {
        match self {
            Severity::Error => "✘",
            Severity::Warning => "!",
            Severity::Note => "→",
        }
    }
}

/// What a finding is about.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
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

impl Finding {
    /// A finding; `problem` and `fix` must not contain a value.
    pub(crate) fn new(
        severity: Severity,
        subject: Subject,
        problem: impl Into<String>,
        fix: impl Into<String>,
        chapter: Chapter,
    ) -> Self {
        Self {
            severity,
            subject,
            problem: problem.into(),
            fix: fix.into(),
            chapter,
        }
    }
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
    /// Whether the value found is empty (`X_ACCESS_TOKEN=`, as in `.env.example`): not set yet.
    pub empty: bool,
    /// The `.env` line that sets it when dotenv doesn't load that line (it is in the file, but not
    /// loaded).
    pub not_loaded: Option<usize>,
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
    fn count(&self, severity: Severity) -> usize {
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
            .filter(|s| Field::USER_CONTEXT.contains(&s.field))
            .all(|s| s.found.is_some() && !s.empty)
    }

    /// Whether an OAuth 2.0 user token is present (`X_OAUTH2_ACCESS_TOKEN`).
    pub fn has_oauth2_token(&self) -> bool {
        self.fields
            .iter()
            .any(|s| s.field == Field::OAuth2AccessToken && s.found.is_some() && !s.empty)
    }
}

impl Report {
    /// Whether any of the four user-context keys has a value.
    fn any_key(&self) -> bool {
        self.fields
            .iter()
            .any(|s| Field::USER_CONTEXT.contains(&s.field) && s.found.is_some() && !s.empty)
    }

    /// The user-context keys not set yet (missing or empty), by variable name.
    pub fn not_set(&self) -> Vec<&'static str> {
        self.fields
            .iter()
            .filter(|s| Field::USER_CONTEXT.contains(&s.field) && (s.found.is_none() || s.empty))
            .map(|s| s.field.env_name())
            .collect()
    }

    /// The report as a program that is about to contact X shows it: signing needs all four keys,
    /// so a partial set ends the run, with what comes next, instead of getting a green verdict.
    pub fn before_contacting_x(&self) -> BeforeContactingX<'_> {
        BeforeContactingX(self)
    }

    /// Every line but the verdict: the fields, then the findings.
    fn fmt_body(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Checking your X keys offline ({})", self.sources)?;
        writeln!(f)?;
        for s in &self.fields {
            fmt_status(s, f)?;
        }
        for finding in &self.findings {
            writeln!(f)?;
            writeln!(f, "{finding}")?;
        }
        writeln!(f)
    }

    /// "0 errors, 1 warning".
    fn counts(&self) -> (String, String) {
        let plural = |severity, word| counted(self.count(severity) as u64, word);
        (
            plural(Severity::Error, "error"),
            plural(Severity::Warning, "warning"),
        )
    }
}

/// One field's line of the summary.
fn fmt_status(s: &FieldStatus, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let mark = match (s.worst, &s.found) {
        (Some(Severity::Error), _) => "✘",
        (Some(Severity::Warning), _) => "!",
        (_, Some(_)) if !s.empty => "✔",
        _ => "·",
    };
    let label = s.field.label();
    match &s.found {
        Some((name, origin)) if s.empty => {
            writeln!(f, "  {mark} {label:<20} {name} is empty  ({origin})")
        }
        Some((name, origin)) => writeln!(
            f,
            "  {mark} {label:<20} {name} = {}  ({origin})",
            s.shown.as_deref().unwrap_or("")
        ),
        None => match s.not_loaded {
            Some(line) => writeln!(
                f,
                "  {mark} {label:<20} on line {line} of the file, but not loaded (see below)"
            ),
            None if s.field == Field::BearerToken => writeln!(
                f,
                "  {mark} {label:<20} not set (optional: only for app-only requests)"
            ),
            None if s.field.is_oauth2() => writeln!(
                f,
                "  {mark} {label:<20} not set (OAuth 2.0: book/use-oauth-2.md)"
            ),
            None => writeln!(f, "  {mark} {label:<20} not set"),
        },
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_body(f)?;
        let (errors, warnings) = self.counts();
        if self.has_errors() {
            write!(
                f,
                "✘ {errors}, {warnings}: fix the errors above, then run this again."
            )
        } else if !self.any_key() {
            write!(
                f,
                "✔ No errors so far ({warnings}), and no keys yet: the note above says what comes next."
            )
        } else if !self.is_complete() {
            write!(
                f,
                "✔ No errors so far ({warnings}): the keys you have look right; the note above says what comes next."
            )
        } else {
            write!(
                f,
                "✔ No errors ({warnings}): the four keys look right. Offline checks can't tell whether X accepts them: verify them with X next."
            )
        }
    }
}

/// [`Report::before_contacting_x`]: the report, ending with why nothing was sent.
pub struct BeforeContactingX<'a>(&'a Report);

impl fmt::Display for BeforeContactingX<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let report = self.0;
        if report.has_errors() || report.is_complete() {
            write!(f, "{report}\n\nStopped before contacting X")?;
            return match report.has_errors() {
                true => write!(f, ": these keys would fail for the reasons above."),
                false => write!(f, "."),
            };
        }
        report.fmt_body(f)?;
        let missing = report.not_set();
        let (are, what) = match missing.len() {
            1 => ("is", "it"),
            _ => ("are", "them"),
        };
        write!(
            f,
            "· Stopped before contacting X: signing a request needs all four keys, and {} {are} not set yet.\n  Next: the note above says where to get {what}.",
            super::file::listed(&missing, "and")
        )
    }
}
