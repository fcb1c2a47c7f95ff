//! The results of `verify_many`: one [`Outcome`] per input row with its typed [`RowVerdict`],
//! written as JSON Lines or CSV ([`OutcomeWriter`]), and the counts per verdict ([`Summary`]).

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::str::FromStr;
use std::time::Duration;

use serde::{Serialize, Serializer};

use super::input::AccountRow;
use crate::account::AccessLevel;
use crate::api_error::{Blame, Problem, ProblemKind, Retry};
use crate::credentials::mask;
use crate::verify::Verdict;
use crate::words::counted;

/// What a row's result says: the token works, the row can't be used, or what is wrong. Serialized
/// as `ok`, `malformed` or the problem's name (e.g. `keys-rejected`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RowVerdict {
    /// The token works.
    Ok,
    /// The row was not sent to X: its reason says why.
    Malformed,
    /// X (or the network) said what is wrong.
    Problem(ProblemKind),
}

impl RowVerdict {
    /// `ok`, `malformed`, or the problem's name.
    pub fn name(self) -> &'static str {
        match self {
            RowVerdict::Ok => "ok",
            RowVerdict::Malformed => "malformed",
            RowVerdict::Problem(kind) => kind.name(),
        }
    }

    /// What it means, for the summary table.
    pub fn title(self) -> &'static str {
        match self {
            RowVerdict::Ok => "the token works",
            RowVerdict::Malformed => "rows skipped: each one's reason says why",
            RowVerdict::Problem(kind) => kind.title(),
        }
    }

    /// Whose side it is on.
    pub fn exit_class(self) -> ExitClass {
        match self {
            RowVerdict::Ok => ExitClass::Ok,
            RowVerdict::Malformed => ExitClass::Setup,
            RowVerdict::Problem(kind) => match kind.blame() {
                Blame::Setup => ExitClass::Setup,
                Blame::Network => ExitClass::Network,
            },
        }
    }
}

/// Ordered by name, as the summary lists verdicts of equal counts.
impl Ord for RowVerdict {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.name().cmp(other.name())
    }
}

impl PartialOrd for RowVerdict {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for RowVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl Serialize for RowVerdict {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Whose side a result is on, and so the exit status it asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExitClass {
    /// The account works (exit 0).
    Ok,
    /// The token, the app's setup or the row needs fixing (exit 1).
    Setup,
    /// The network or X: not known yet, try again later (exit 2).
    Network,
}

impl ExitClass {
    /// 0, 1 or 2.
    pub fn code(self) -> u8 {
        match self {
            ExitClass::Ok => 0,
            ExitClass::Setup => Blame::Setup.exit_code(),
            ExitClass::Network => Blame::Network.exit_code(),
        }
    }

    /// `ok`, `setup` or `network`.
    pub fn name(self) -> &'static str {
        match self {
            ExitClass::Ok => "ok",
            ExitClass::Setup => "setup",
            ExitClass::Network => "network",
        }
    }
}

/// The result for one input row. Holds no secret: the Access Token only masked.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    /// The input line of the row.
    pub line: u64,
    /// The row's label.
    pub label: Option<String>,
    /// The Access Token, masked (first 4 characters and `…`).
    pub access_token: Option<String>,
    /// `ok`, `malformed`, or the problem's kind (e.g. `keys-rejected`).
    pub verdict: RowVerdict,
    /// Whose side it is on.
    pub exit_class: ExitClass,
    /// The account's @username (without `@`), when X said.
    pub username: Option<String>,
    /// The account's numeric id, when X said.
    pub user_id: Option<String>,
    /// The token's permission, from `x-access-level`.
    pub access_level: Option<AccessLevel>,
    /// Whether trying again, unchanged, can help.
    pub retry_helps: bool,
    /// What is wrong: the problem's title, or why the row is malformed.
    pub reason: Option<String>,
    /// When the rate limit resets (Unix seconds), for a rate-limited account.
    pub rate_limit_reset: Option<u64>,
    /// Requests sent for this row (0 for a malformed row; more after a retry or a wait).
    pub requests: u32,
    /// Seconds spent waiting for this account's rate limit to reset.
    pub waited_secs: u64,
    /// The problem, for a readable report (not part of the output line).
    #[serde(skip)]
    pub problem: Option<Problem>,
}

impl Outcome {
    /// The result of a malformed row.
    pub fn malformed(
        line: u64,
        label: Option<String>,
        access_token: Option<String>,
        reason: String,
    ) -> Outcome {
        Outcome {
            line,
            label,
            access_token,
            verdict: RowVerdict::Malformed,
            exit_class: ExitClass::Setup,
            username: None,
            user_id: None,
            access_level: None,
            retry_helps: false,
            reason: Some(reason),
            rate_limit_reset: None,
            requests: 0,
            waited_secs: 0,
            problem: None,
        }
    }

    /// The result of a row whose check found a problem before or instead of X's answer.
    pub fn failed(line: u64, label: Option<String>, problem: Problem, reason: String) -> Outcome {
        let mut outcome = Outcome::malformed(line, label, None, reason);
        outcome.set_problem(problem);
        outcome
    }

    /// The result of a row that X (or the network) answered.
    pub fn from_verdict(row: &AccountRow, verdict: &Verdict, waited: Duration) -> Outcome {
        let account = verdict.account.as_ref();
        let mut outcome = Outcome {
            line: row.line,
            label: row.label.clone(),
            access_token: Some(mask(row.access_token.as_str())),
            verdict: RowVerdict::Ok,
            exit_class: ExitClass::Ok,
            username: account.map(|a| a.username.clone()),
            user_id: account.map(|a| a.id.clone()),
            access_level: verdict.access_level,
            retry_helps: false,
            reason: None,
            rate_limit_reset: None,
            requests: verdict.requests,
            waited_secs: waited.as_secs(),
            problem: None,
        };
        if let Some(p) = verdict.problems.first().cloned() {
            outcome.reason = Some(p.kind.title().to_string());
            outcome.set_problem(p);
        }
        outcome
    }

    /// Sets the verdict, its exit class and whether to retry from a problem.
    fn set_problem(&mut self, problem: Problem) {
        self.verdict = RowVerdict::Problem(problem.kind);
        self.exit_class = self.verdict.exit_class();
        self.retry_helps = problem.retry.can_help();
        if let Retry::AfterReset { reset } = problem.retry {
            self.rate_limit_reset = reset;
        }
        self.problem = Some(problem);
    }
}

/// Counts per verdict, and what the run took.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Rows read (= result lines).
    pub rows: u64,
    /// Results per verdict.
    pub counts: BTreeMap<RowVerdict, u64>,
    /// 0 all ok, 1 some setup problems, 2 some network or X problems (the highest wins: those
    /// accounts are not known yet).
    pub exit_code: u8,
    /// Requests sent.
    pub requests: u64,
    /// Accounts that waited for a rate limit.
    pub waited_accounts: u64,
    /// Wall time.
    pub elapsed: Duration,
}

impl Summary {
    /// Counts one result.
    pub(super) fn add(&mut self, outcome: &Outcome) {
        self.rows += 1;
        *self.counts.entry(outcome.verdict).or_default() += 1;
        self.exit_code = self.exit_code.max(outcome.exit_class.code());
        self.requests += u64::from(outcome.requests);
        if outcome.waited_secs > 0 {
            self.waited_accounts += 1;
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}, {}, {:.1} s:",
            counted(self.rows, "row"),
            counted(self.requests, "request"),
            self.elapsed.as_secs_f64()
        )?;
        let width = self
            .counts
            .keys()
            .map(|v| v.name().len())
            .max()
            .unwrap_or(0);
        let mut rows: Vec<_> = self.counts.iter().collect();
        // ok first, then the most frequent.
        rows.sort_by_key(|(verdict, n)| (**verdict != RowVerdict::Ok, std::cmp::Reverse(**n)));
        for (verdict, n) in rows {
            writeln!(f, "  {n:>8}  {verdict:<width$}  {}", verdict.title())?;
        }
        if self.waited_accounts > 0 {
            writeln!(
                f,
                "  ({} accounts waited for their rate limit to reset)",
                self.waited_accounts
            )?;
        }
        let meaning = match self.exit_code {
            0 => "every account works.",
            1 => "some accounts or rows need fixing (see their verdicts).",
            _ => "some accounts could not be checked (network or X): run those again later.",
        };
        write!(f, "Exit status {}: {meaning}", self.exit_code)
    }
}

/// The format of the result lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// One JSON object per line.
    JsonLines,
    /// CSV with a header line.
    Csv,
}

/// A format name that is not `jsonl` or `csv`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an output format: use jsonl or csv")]
pub struct UnknownOutputFormat(pub String);

impl FromStr for OutputFormat {
    type Err = UnknownOutputFormat;

    /// `jsonl` or `csv` (what `--format` takes).
    fn from_str(name: &str) -> Result<OutputFormat, UnknownOutputFormat> {
        match name {
            "jsonl" => Ok(OutputFormat::JsonLines),
            "csv" => Ok(OutputFormat::Csv),
            _ => Err(UnknownOutputFormat(name.to_string())),
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OutputFormat::JsonLines => "jsonl",
            OutputFormat::Csv => "csv",
        })
    }
}

/// The columns of a result line, in order.
pub const COLUMNS: [&str; 13] = [
    "line",
    "label",
    "access_token",
    "verdict",
    "exit_class",
    "username",
    "user_id",
    "access_level",
    "retry_helps",
    "reason",
    "rate_limit_reset",
    "requests",
    "waited_secs",
];

/// Where result lines go.
enum Sink<W: Write> {
    Json(W),
    Csv(Box<csv::Writer<W>>),
}

/// Writes one result line per [`Outcome`] (CSV gets a header line first).
pub struct OutcomeWriter<W: Write> {
    sink: Sink<W>,
}

impl<W: Write> OutcomeWriter<W> {
    /// A writer in this format.
    ///
    /// # Errors
    /// Writing the CSV header failed.
    pub fn new(out: W, format: OutputFormat) -> std::io::Result<OutcomeWriter<W>> {
        let sink = match format {
            OutputFormat::JsonLines => Sink::Json(out),
            OutputFormat::Csv => {
                let mut csv = csv::Writer::from_writer(out);
                csv.write_record(COLUMNS).map_err(csv_io)?;
                Sink::Csv(Box::new(csv))
            }
        };
        Ok(OutcomeWriter { sink })
    }

    /// Writes one result line.
    ///
    /// # Errors
    /// Writing failed.
    pub fn write(&mut self, o: &Outcome) -> std::io::Result<()> {
        match &mut self.sink {
            Sink::Csv(csv) => csv.write_record(csv_fields(o)).map_err(csv_io),
            Sink::Json(out) => {
                serde_json::to_writer(&mut *out, o).map_err(std::io::Error::other)?;
                out.write_all(b"\n")
            }
        }
    }

    /// Flushes what is buffered.
    ///
    /// # Errors
    /// Writing failed.
    pub fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.sink {
            Sink::Csv(csv) => csv.flush(),
            Sink::Json(out) => out.flush(),
        }
    }

    /// The writer underneath, flushed.
    ///
    /// # Errors
    /// Flushing failed.
    pub fn into_inner(self) -> std::io::Result<W> {
        match self.sink {
            Sink::Csv(csv) => csv.into_inner().map_err(|e| e.into_error()),
            Sink::Json(mut out) => out.flush().map(|()| out),
        }
    }
}

/// An outcome's fields, in the order of [`COLUMNS`].
fn csv_fields(o: &Outcome) -> [String; 13] {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        o.line.to_string(),
        opt(&o.label),
        opt(&o.access_token),
        o.verdict.name().to_string(),
        o.exit_class.name().to_string(),
        opt(&o.username),
        opt(&o.user_id),
        o.access_level.map_or("", |l| l.as_str()).to_string(),
        o.retry_helps.to_string(),
        opt(&o.reason),
        o.rate_limit_reset
            .map(|r| r.to_string())
            .unwrap_or_default(),
        o.requests.to_string(),
        o.waited_secs.to_string(),
    ]
}

fn csv_io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    }
}
