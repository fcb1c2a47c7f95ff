//! Verify many accounts of one app: stream a CSV or JSON Lines file of Access Tokens, verify each with
//! one `GET /2/users/me` ([`crate::verify::verify`]) through one shared connection pool, at most
//! `concurrency` at a time, wait out each user's rate limit, and give exactly one [`Outcome`] per
//! input row, in input order.
//!
//! Memory stays flat in the number of rows: rows are read as they are needed, results leave as soon
//! as the rows before them are done (a bounded reorder window), and the only thing kept per row is a
//! 64-bit fingerprint of its Access Token and its line number (16 bytes), to catch duplicate rows.
//! Chapter: "Verify many accounts".

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::api_error::{self, Blame, Problem, ProblemKind, Retry};
use crate::chapters;
use crate::check::{self, Finding, Severity};
use crate::client::{http_client, ClientConfig, ClientError, XClient};
use crate::credentials::{
    mask, user_id_prefix, AccessToken, AccessTokenSecret, ApiKey, ApiKeySecret, Credentials,
};
use crate::credentials::{Field, LoadedKeys};
use crate::verify::{verify, AccessLevel, Need, Verdict};

/// The longest JSON Lines line read (a row is ~150 bytes); longer lines are malformed rows.
const MAX_LINE: usize = 64 * 1024;

/// The format of the input file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// CSV with the header `access_token,access_token_secret[,label]`.
    Csv,
    /// JSON Lines: one `{"access_token":…,"access_token_secret":…,"label":…}` per line.
    JsonLines,
}

impl InputFormat {
    /// The format a file name's extension says: `.csv`, or `.jsonl` / `.ndjson`.
    pub fn from_path(path: &Path) -> Option<InputFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(InputFormat::Csv),
            "jsonl" | "ndjson" => Some(InputFormat::JsonLines),
            _ => None,
        }
    }

    /// Parses `csv` or `jsonl`.
    pub fn from_name(name: &str) -> Option<InputFormat> {
        match name {
            "csv" => Some(InputFormat::Csv),
            "jsonl" => Some(InputFormat::JsonLines),
            _ => None,
        }
    }
}

/// Why the input can't be read at all (a bad row is not an error: it becomes a `malformed` result).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Reading failed.
    #[error("cannot read the input: {0}")]
    Io(#[from] std::io::Error),
    /// The CSV header lacks a column.
    #[error("the first line of the CSV input must be the header access_token,access_token_secret[,label], but {problem}: add that header line (see {chapter})", chapter = chapters::VERIFY_MANY)]
    Header {
        /// What is wrong (never the line's content: without a header, it would be a row's secrets).
        problem: String,
    },
}

/// One account to verify: a row of the input.
#[derive(Clone, Debug)]
pub struct AccountRow {
    /// The input line the row starts on (1-based).
    pub line: u64,
    /// The row's label, if it has one.
    pub label: Option<String>,
    /// The Access Token.
    pub access_token: AccessToken,
    /// The Access Token Secret.
    pub access_token_secret: AccessTokenSecret,
}

/// One input row: an account, or a row that can't be used and why.
#[derive(Clone, Debug)]
pub enum Entry {
    /// A well-formed row.
    Account(AccountRow),
    /// A row that is skipped, with the reason (never a value from it).
    Malformed {
        /// The input line the row starts on.
        line: u64,
        /// The row's label, if readable.
        label: Option<String>,
        /// The masked Access Token, only when it is well-formed (so it can't be a secret).
        access_token: Option<String>,
        /// What is wrong, naming the fields.
        reason: String,
    },
}

impl Entry {
    /// The input line of the row.
    pub fn line(&self) -> u64 {
        match self {
            Entry::Account(row) => row.line,
            Entry::Malformed { line, .. } => *line,
        }
    }
}

/// The raw fields of a row, before checking.
struct RawRow {
    line: u64,
    token: Option<String>,
    secret: Option<String>,
    label: Option<String>,
    /// A problem found while reading (bad JSON, bad UTF-8, line too long).
    broken: Option<String>,
}

enum Source {
    Csv {
        columns: [usize; 2],
        label: Option<usize>,
    },
    Json,
}

/// The rows of an input, read one at a time (an iterator of [`Entry`]), with duplicate detection.
pub struct Rows<R: Read> {
    source: Source,
    reader: std::io::BufReader<R>,
    line: u64,
    buf: Vec<u8>,
    seen: HashMap<u64, u64>,
    hasher: RandomState,
}

/// Reads the rows of a CSV or JSON Lines input as they are needed.
///
/// Blank lines are not rows. A row with a problem (a missing or empty field, bad JSON, a token
/// without the `<digits>-` prefix, the same token as an earlier row…) is an [`Entry::Malformed`].
///
/// # Errors
/// [`InputError::Header`] when a CSV input doesn't start with the header; [`InputError::Io`].
pub fn rows<R: Read>(input: R, format: InputFormat) -> Result<Rows<R>, InputError> {
    let mut rows = Rows {
        source: Source::Json,
        reader: std::io::BufReader::new(input),
        line: 0,
        buf: Vec::new(),
        seen: HashMap::new(),
        hasher: RandomState::new(),
    };
    if format == InputFormat::Csv {
        let header = loop {
            match rows.next_line()? {
                None => break Vec::new(),
                Some(true) => {
                    return Err(InputError::Header {
                        problem: "its first line is too long".into(),
                    })
                }
                Some(false) => {
                    let fields = csv_fields(&rows.buf);
                    if fields.iter().any(|f| !f.trim().is_empty()) {
                        break fields;
                    }
                }
            }
        };
        let find = |name: &str| {
            header.iter().position(|h| {
                h.trim()
                    .trim_start_matches('\u{feff}')
                    .eq_ignore_ascii_case(name)
            })
        };
        let (token, secret) = (find("access_token"), find("access_token_secret"));
        let missing: Vec<&str> = [("access_token", token), ("access_token_secret", secret)]
            .iter()
            .filter(|(_, i)| i.is_none())
            .map(|(n, _)| *n)
            .collect();
        match (token, secret) {
            (Some(t), Some(s)) => {
                rows.source = Source::Csv {
                    columns: [t, s],
                    label: find("label"),
                }
            }
            _ => {
                return Err(InputError::Header {
                    problem: format!("it has no column named {}", missing.join(" or ")),
                })
            }
        }
    }
    Ok(rows)
}

/// The fields of one CSV line (RFC 4180 quoting), invalid UTF-8 replaced.
fn csv_fields(line: &[u8]) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(line.len().max(64))
        .from_reader(line);
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => record
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect(),
        _ => Vec::new(),
    }
}

impl<R: Read> Rows<R> {
    /// Reads the next line into `buf`: `None` at the end, else whether it was cut at [`MAX_LINE`].
    fn next_line(&mut self) -> Result<Option<bool>, InputError> {
        self.buf.clear();
        let (read, too_long) = read_line_bounded(&mut self.reader, &mut self.buf)?;
        if read == 0 {
            return Ok(None);
        }
        self.line += 1;
        while matches!(self.buf.last(), Some(b'\n' | b'\r')) {
            self.buf.pop();
        }
        Ok(Some(too_long))
    }

    fn next_raw(&mut self) -> Result<Option<RawRow>, InputError> {
        loop {
            let Some(too_long) = self.next_line()? else {
                return Ok(None);
            };
            if !too_long && self.buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let mut raw = RawRow {
                line: self.line,
                token: None,
                secret: None,
                label: None,
                broken: None,
            };
            if too_long {
                raw.broken = Some(format!("the line is longer than {MAX_LINE} bytes"));
                return Ok(Some(raw));
            }
            if std::str::from_utf8(&self.buf).is_err() {
                raw.broken = Some("the line is not valid UTF-8 text".into());
                return Ok(Some(raw));
            }
            match self.source {
                Source::Csv { columns, label } => {
                    let fields = csv_fields(&self.buf);
                    raw.token = fields.get(columns[0]).cloned();
                    raw.secret = fields.get(columns[1]).cloned();
                    raw.label = label.and_then(|i| fields.get(i).cloned());
                }
                Source::Json => match serde_json::from_slice::<serde_json::Value>(&self.buf) {
                    // serde_json's syntax errors name a position, never the content.
                    Err(e) => raw.broken = Some(format!("not valid JSON ({e})")),
                    Ok(serde_json::Value::Object(obj)) => {
                        let mut problems = Vec::new();
                        let mut text_field = |name: &str| match obj.get(name) {
                            None | Some(serde_json::Value::Null) => None,
                            Some(serde_json::Value::String(s)) => Some(s.clone()),
                            Some(_) => {
                                problems.push(format!("{name} is not a string"));
                                None
                            }
                        };
                        raw.token = text_field("access_token");
                        raw.secret = text_field("access_token_secret");
                        raw.label = text_field("label");
                        if !problems.is_empty() {
                            raw.broken = Some(problems.join("; "));
                        }
                    }
                    Ok(_) => raw.broken = Some("the line is JSON but not an object".into()),
                },
            }
            return Ok(Some(raw));
        }
    }

    /// Turns a raw row into an entry: every problem at once, then the duplicate check.
    fn entry(&mut self, raw: RawRow) -> Entry {
        let label = raw.label.filter(|l| !l.trim().is_empty());
        let mut problems: Vec<String> = raw.broken.into_iter().collect();
        let token_ok = match raw.token.as_deref() {
            None => {
                problems.push("access_token is missing".into());
                false
            }
            Some(t) => match value_problem("access_token", t) {
                Some(p) => {
                    problems.push(p);
                    false
                }
                None if user_id_prefix(t).is_none() => {
                    problems.push("access_token doesn't start with the account's numeric id and '-' (an Access Token looks like 1790000000000000042-…): a Bearer Token or a secret in the wrong column?".into());
                    false
                }
                None => true,
            },
        };
        match raw.secret.as_deref() {
            None => problems.push("access_token_secret is missing".into()),
            Some(s) => {
                if let Some(p) = value_problem("access_token_secret", s) {
                    problems.push(p);
                } else if user_id_prefix(s).is_some() {
                    problems.push("access_token_secret looks like an Access Token (<digits>-…): are the two columns swapped?".into());
                }
            }
        }
        let shown = token_ok.then(|| mask(raw.token.as_deref().unwrap_or_default()));
        if problems.is_empty() {
            let token = raw.token.unwrap_or_default();
            let fingerprint = self.hasher.hash_one(&token);
            if let Some(first) = self.seen.get(&fingerprint) {
                problems.push(format!(
                    "duplicate: the same access_token as line {first}, which is verified there"
                ));
            } else {
                self.seen.insert(fingerprint, raw.line);
                return Entry::Account(AccountRow {
                    line: raw.line,
                    label,
                    access_token: AccessToken::new(token),
                    access_token_secret: AccessTokenSecret::new(raw.secret.unwrap_or_default()),
                });
            }
        }
        Entry::Malformed {
            line: raw.line,
            label,
            access_token: shown,
            reason: problems.join("; "),
        }
    }
}

/// What is wrong with a value's characters, naming the field only.
fn value_problem(name: &str, value: &str) -> Option<String> {
    if value.is_empty() {
        Some(format!("{name} is empty"))
    } else if value.trim() != value {
        Some(format!(
            "{name} has spaces around it (a copy-paste mistake): remove them"
        ))
    } else if !value.chars().all(|c| c.is_ascii_graphic()) {
        Some(format!(
            "{name} contains spaces, invisible or non-ASCII characters (a copy-paste mistake?)"
        ))
    } else {
        None
    }
}

/// Reads one line (up to `\n`) into `buf`, keeping at most [`MAX_LINE`] bytes and skipping the rest.
/// Returns the bytes consumed and whether the line was cut.
fn read_line_bounded<B: BufRead>(
    reader: &mut B,
    buf: &mut Vec<u8>,
) -> std::io::Result<(usize, bool)> {
    let (mut consumed, mut too_long) = (0, false);
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok((consumed, too_long));
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let room = MAX_LINE.saturating_sub(buf.len());
        if chunk.len() > room {
            too_long = true;
        }
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let n = chunk.len();
        reader.consume(n);
        consumed += n;
        if done {
            return Ok((consumed, too_long));
        }
    }
}

impl<R: Read> Iterator for Rows<R> {
    type Item = Result<Entry, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.next_raw() {
            Ok(Some(raw)) => Some(Ok(self.entry(raw))),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
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
    pub verdict: String,
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
            verdict: "malformed".into(),
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

    /// The result of a row that X (or the network) answered.
    pub fn from_verdict(row: &AccountRow, verdict: &Verdict, waited: Duration) -> Outcome {
        let account = verdict.account.as_ref();
        let problem = verdict.problems.first().cloned();
        let mut outcome = Outcome {
            line: row.line,
            label: row.label.clone(),
            access_token: Some(mask(row.access_token.as_str())),
            verdict: "ok".into(),
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
        if let Some(p) = problem {
            outcome.verdict = kind_name(p.kind);
            outcome.exit_class = match p.kind.blame() {
                Blame::Setup => ExitClass::Setup,
                Blame::Network => ExitClass::Network,
            };
            outcome.retry_helps = p.retry.can_help();
            outcome.reason = Some(p.kind.title().to_string());
            if let Retry::AfterReset { reset } = p.retry {
                outcome.rate_limit_reset = reset;
            }
            outcome.problem = Some(p);
        }
        outcome
    }
}

/// A problem kind's name as in the output: its kebab-case serde name, e.g. `keys-rejected`.
pub fn kind_name(kind: ProblemKind) -> String {
    match serde_json::to_value(kind) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{kind:?}"),
    }
}

/// How to verify: concurrency, what the tokens are needed for, rate-limit waits.
#[derive(Clone, Debug)]
pub struct Options {
    /// Requests in flight at once (default 16).
    pub concurrency: usize,
    /// What the tokens are needed for (default [`Need::Read`]: "does it still work?").
    pub need: Need,
    /// On 429, wait until `x-rate-limit-reset` and retry (default), or report it at once.
    pub wait: bool,
    /// The most one account waits for its rate limit in total (default 900 s, one window).
    pub max_wait: Duration,
    /// Rows in the pipeline at once, done or not, to keep the output in input order
    /// (default: 64 per request in flight, at least 1,024).
    pub window: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            concurrency: 16,
            need: Need::Read,
            wait: true,
            max_wait: Duration::from_secs(900),
            window: 0,
        }
    }
}

impl Options {
    fn window(&self) -> usize {
        if self.window > 0 {
            self.window
        } else {
            (self.concurrency * 64).max(1024)
        }
    }
}

/// The app the tokens belong to: its API Key and API Key Secret.
#[derive(Clone, Debug)]
pub struct App {
    /// The 'API Key'.
    pub api_key: ApiKey,
    /// The 'API Key Secret'.
    pub api_key_secret: ApiKeySecret,
}

impl App {
    /// The app's keys from what was loaded, past the offline check: every error about the API Key,
    /// its Secret or the `.env` file (the Access Token and its Secret come from the input instead).
    ///
    /// # Errors
    /// The findings to show, including one for a missing key.
    ///
    /// # Security
    /// The App holds the API Key Secret: it goes to the signer only.
    pub fn from_loaded(loaded: &LoadedKeys) -> Result<App, Vec<Finding>> {
        let report = check::check(loaded);
        let wanted =
            |f: Option<Field>| matches!(f, None | Some(Field::ApiKey | Field::ApiKeySecret));
        let errors: Vec<Finding> = report
            .findings
            .into_iter()
            .filter(|f| f.severity == Severity::Error && wanted(f.subject.field()))
            .collect();
        let value = |field| {
            loaded
                .effective(field)
                .map(|v| v.expose_value().to_string())
        };
        match (value(Field::ApiKey), value(Field::ApiKeySecret)) {
            (Some(key), Some(secret)) if errors.is_empty() => Ok(App {
                api_key: ApiKey::new(key),
                api_key_secret: ApiKeySecret::new(secret),
            }),
            _ => Err(errors),
        }
    }
}

/// Counts per verdict, and what the run took.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Rows read (= result lines).
    pub rows: u64,
    /// Results per verdict.
    pub counts: BTreeMap<String, u64>,
    /// A title per verdict, for the table.
    #[serde(skip)]
    pub titles: BTreeMap<String, String>,
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
    fn add(&mut self, outcome: &Outcome) {
        self.rows += 1;
        *self.counts.entry(outcome.verdict.clone()).or_default() += 1;
        if !self.titles.contains_key(&outcome.verdict) {
            let title = match (&outcome.problem, outcome.verdict.as_str()) {
                (Some(p), _) => p.kind.title().to_string(),
                (None, "ok") => "the token works".to_string(),
                _ => "rows skipped: each one's reason says why".to_string(),
            };
            self.titles.insert(outcome.verdict.clone(), title);
        }
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
            "{} rows, {} requests, {:.1} s:",
            self.rows,
            self.requests,
            self.elapsed.as_secs_f64()
        )?;
        let width = self.counts.keys().map(String::len).max().unwrap_or(0);
        let mut rows: Vec<_> = self.counts.iter().collect();
        // ok first, then the most frequent.
        rows.sort_by_key(|(verdict, n)| (verdict.as_str() != "ok", std::cmp::Reverse(**n)));
        for (verdict, n) in rows {
            let title = self.titles.get(verdict).map_or("", String::as_str);
            writeln!(f, "  {n:>8}  {verdict:<width$}  {title}")?;
        }
        if self.waited_accounts > 0 {
            writeln!(
                f,
                "  ({} accounts waited for their rate limit to reset)",
                self.waited_accounts
            )?;
        }
        write!(
            f,
            "Exit status {}: {}",
            self.exit_code,
            match self.exit_code {
                0 => "every account works.",
                1 => "some accounts or rows need fixing (see their verdicts).",
                _ => "some accounts could not be checked (network or X): run those again later.",
            }
        )
    }
}

/// Why a run stopped before the end.
#[derive(Debug, thiserror::Error)]
pub enum ManyError {
    /// The input could not be read further.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The base URL is invalid or insecure.
    #[error(transparent)]
    Client(#[from] ClientError),
}

/// Verifies every row of `entries`, calling `on_outcome` once per row in input order, and returns
/// the counts. Rows are pulled from `entries` (on a blocking thread) only as the window has room.
///
/// # Errors
/// [`ManyError::Client`] for a bad base URL (before any request); [`ManyError::Input`] when the
/// input can't be read further (the rows before it have their results).
///
/// # Security
/// The app's secret and each row's secret are used only to sign; an [`Outcome`] holds none.
pub async fn verify_all<I, F>(
    app: &App,
    config: &ClientConfig,
    entries: I,
    options: &Options,
    mut on_outcome: F,
) -> Result<Summary, ManyError>
where
    I: Iterator<Item = Result<Entry, InputError>> + Send + 'static,
    F: FnMut(&Outcome),
{
    let started = Instant::now();
    let (http, _) = http_client(config)?;
    let window = options.window();
    let (tx, mut rx) = tokio::sync::mpsc::channel(256);
    let reader = tokio::task::spawn_blocking(move || {
        for entry in entries {
            let stop = entry.is_err();
            if tx.blocking_send(entry).is_err() || stop {
                break;
            }
        }
    });
    // Finished checks report here at once, so a task's memory is freed as soon as it is done;
    // the window keeps only results (a few hundred bytes each) until the rows before them are done.
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel::<(u64, Outcome)>();
    let permits = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let mut summary = Summary::default();
    let mut window_rows: VecDeque<Option<Outcome>> = VecDeque::new();
    let mut first_seq = 0u64;
    let mut input_done = false;
    let mut failure = None;
    loop {
        while let Some(Some(_)) = window_rows.front() {
            if let Some(Some(outcome)) = window_rows.pop_front() {
                first_seq += 1;
                summary.add(&outcome);
                on_outcome(&outcome);
            }
        }
        if input_done && window_rows.is_empty() {
            break;
        }
        tokio::select! {
            biased;
            Some((seq, outcome)) = done_rx.recv() => {
                if let Some(slot) = window_rows.get_mut((seq - first_seq) as usize) {
                    *slot = Some(outcome);
                }
            }
            entry = rx.recv(), if !input_done && window_rows.len() < window => match entry {
                None => input_done = true,
                Some(Err(e)) => {
                    failure = Some(e);
                    input_done = true;
                }
                Some(Ok(Entry::Malformed { line, label, access_token, reason })) => {
                    window_rows.push_back(Some(Outcome::malformed(line, label, access_token, reason)));
                }
                Some(Ok(Entry::Account(row))) => {
                    let seq = first_seq + window_rows.len() as u64;
                    window_rows.push_back(None);
                    // A check starts only with a permit: at most `concurrency` checks (plus accounts
                    // waiting for a reset) hold memory at once.
                    let permit = permits.clone().acquire_owned().await.ok();
                    let line = row.line;
                    let label = row.label.clone();
                    let check = tokio::spawn(check_account(row, app.clone(), config.clone(), http.clone(), permits.clone(), permit, options.clone()));
                    let done = done_tx.clone();
                    tokio::spawn(async move {
                        let outcome = match check.await {
                            Ok(outcome) => outcome,
                            Err(e) => {
                                let mut o = Outcome::malformed(line, label, None, String::new());
                                o.verdict = kind_name(ProblemKind::UnexpectedResponse);
                                o.reason = Some(format!("the check of this row failed inside xkeys: {e}"));
                                o
                            }
                        };
                        let _ = done.send((seq, outcome));
                    });
                }
            },
        }
    }
    drop(rx);
    let _ = reader.await;
    summary.elapsed = started.elapsed();
    match failure {
        Some(e) => Err(e.into()),
        None => Ok(summary),
    }
}

/// Verifies one account; on 429, waits until the window resets (bounded) and verifies it again.
async fn check_account(
    row: AccountRow,
    app: App,
    config: ClientConfig,
    http: reqwest::Client,
    permits: Arc<Semaphore>,
    permit: Option<OwnedSemaphorePermit>,
    options: Options,
) -> Outcome {
    let credentials = Credentials {
        api_key: app.api_key,
        api_key_secret: app.api_key_secret,
        access_token: row.access_token.clone(),
        access_token_secret: row.access_token_secret.clone(),
        bearer_token: None,
    };
    let client = match XClient::with_http(credentials, config, http) {
        Ok(client) => client,
        Err(e) => {
            let mut outcome = Outcome::malformed(row.line, row.label.clone(), None, String::new());
            let problem = api_error::classify_client_error(&e);
            outcome.verdict = kind_name(problem.kind);
            outcome.exit_class = ExitClass::Setup;
            outcome.reason = Some(problem.kind.title().to_string());
            outcome.problem = Some(problem);
            return outcome;
        }
    };
    let mut waited = Duration::ZERO;
    let mut requests = 0;
    let mut permit = permit;
    loop {
        if permit.is_none() {
            permit = permits.clone().acquire_owned().await.ok();
        }
        let verdict = verify(&client, options.need).await;
        // The permit bounds requests in flight; an account waiting for its reset doesn't hold one.
        drop(permit.take());
        requests += verdict.requests;
        let reset = match verdict.problems.first() {
            Some(p) if p.kind == ProblemKind::RateLimited && options.wait => {
                verdict.rate_limit.map(|r| r.reset)
            }
            _ => None,
        };
        // X sends no Retry-After: wait until x-rate-limit-reset, plus a second for clock skew.
        let pause = reset.map(|r| api_error::until(r) + Duration::from_secs(1));
        match pause {
            Some(pause) if waited + pause <= options.max_wait => {
                tokio::time::sleep(pause).await;
                waited += pause;
            }
            _ => {
                let mut outcome = Outcome::from_verdict(&row, &verdict, waited);
                outcome.requests = requests;
                return outcome;
            }
        }
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

/// Writes one result line per [`Outcome`] (CSV gets a header line first).
pub struct OutcomeWriter<W: Write> {
    format: OutputFormat,
    csv: Option<csv::Writer<W>>,
    out: Option<W>,
}

impl<W: Write> OutcomeWriter<W> {
    /// A writer in this format.
    ///
    /// # Errors
    /// Writing the CSV header failed.
    pub fn new(out: W, format: OutputFormat) -> std::io::Result<OutcomeWriter<W>> {
        Ok(match format {
            OutputFormat::JsonLines => OutcomeWriter {
                format,
                csv: None,
                out: Some(out),
            },
            OutputFormat::Csv => {
                let mut csv = csv::Writer::from_writer(out);
                csv.write_record(COLUMNS).map_err(csv_io)?;
                OutcomeWriter {
                    format,
                    csv: Some(csv),
                    out: None,
                }
            }
        })
    }

    /// Writes one result line.
    ///
    /// # Errors
    /// Writing failed.
    pub fn write(&mut self, o: &Outcome) -> std::io::Result<()> {
        match (self.format, &mut self.csv, &mut self.out) {
            (OutputFormat::Csv, Some(csv), _) => {
                let opt = |v: &Option<String>| v.clone().unwrap_or_default();
                let level = o
                    .access_level
                    .map(|l| kind_like_name(&l))
                    .unwrap_or_default();
                csv.write_record([
                    o.line.to_string(),
                    opt(&o.label),
                    opt(&o.access_token),
                    o.verdict.clone(),
                    kind_like_name(&o.exit_class),
                    opt(&o.username),
                    opt(&o.user_id),
                    level,
                    o.retry_helps.to_string(),
                    opt(&o.reason),
                    o.rate_limit_reset
                        .map(|r| r.to_string())
                        .unwrap_or_default(),
                    o.requests.to_string(),
                    o.waited_secs.to_string(),
                ])
                .map_err(csv_io)
            }
            (_, _, Some(out)) => {
                serde_json::to_writer(&mut *out, o).map_err(std::io::Error::other)?;
                out.write_all(b"\n")
            }
            _ => Ok(()),
        }
    }

    /// Flushes what is buffered.
    ///
    /// # Errors
    /// Writing failed.
    pub fn flush(&mut self) -> std::io::Result<()> {
        match (&mut self.csv, &mut self.out) {
            (Some(csv), _) => csv.flush(),
            (_, Some(out)) => out.flush(),
            _ => Ok(()),
        }
    }
}

fn csv_io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// A serde unit variant's name (e.g. `read-write`).
fn kind_like_name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "1790000000000000042-Hq8Wm3Lx7Kp2Rv9Tz4Nc6Bj1Fd5Gs0";
    const SECRET: &str = "Yt6Rp1Lm9Kq3Wx7Zn2Vb5Hc8Jd4Fg0Sa6Qe1Tu9Io3Py7";

    fn read(text: &str, format: InputFormat) -> Vec<Entry> {
        rows(text.as_bytes(), format)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    fn reason(e: &Entry) -> &str {
        match e {
            Entry::Malformed { reason, .. } => reason,
            Entry::Account(_) => "",
        }
    }

    #[test]
    fn csv_rows_keep_their_line_numbers_and_problems() {
        let text = format!(
            "label,access_token,access_token_secret\n\
             alice,{TOKEN},{SECRET}\n\
             \n\
             bob,,{SECRET}\n\
             carol,AAAAAAAAAAAAAAAAAAAAA%3D,{SECRET}\n\
             dave,{TOKEN},{SECRET}\n\
             eve,{SECRET},{TOKEN}\n\
             frank,{TOKEN}\n"
        );
        let entries = read(&text, InputFormat::Csv);
        let lines: Vec<u64> = entries.iter().map(Entry::line).collect();
        assert_eq!(lines, [2, 4, 5, 6, 7, 8]);
        assert!(matches!(&entries[0], Entry::Account(r) if r.label.as_deref() == Some("alice")));
        assert_eq!(reason(&entries[1]), "access_token is empty");
        assert!(reason(&entries[2]).contains("doesn't start with the account's numeric id"));
        assert!(reason(&entries[3]).contains("duplicate: the same access_token as line 2"));
        assert!(reason(&entries[4]).contains("are the two columns swapped?"));
        assert!(reason(&entries[5]).contains("access_token_secret is missing"));
        for e in &entries {
            let shown = format!("{e:?}");
            assert!(
                !shown.contains(SECRET) && !shown.contains(&SECRET[..8]),
                "{shown}"
            );
        }
        // The swapped row's "token" is a secret: it is not shown, not even masked.
        assert!(matches!(
            &entries[4],
            Entry::Malformed {
                access_token: None,
                ..
            }
        ));
    }

    #[test]
    fn a_csv_without_the_header_is_refused_without_echoing_it() {
        let err = rows(format!("{TOKEN},{SECRET}\n").as_bytes(), InputFormat::Csv)
            .err()
            .unwrap();
        let text = err.to_string();
        assert!(
            text.contains("no column named access_token or access_token_secret"),
            "{text}"
        );
        assert!(
            !text.contains(&SECRET[..8]) && !text.contains(&TOKEN[..8]),
            "{text}"
        );
    }

    #[test]
    fn json_lines_rows_and_their_problems() {
        let text = format!(
            "{{\"access_token\":\"{TOKEN}\",\"access_token_secret\":\"{SECRET}\",\"label\":\"a\"}}\n\
             \n\
             {{\"access_token\":\"{TOKEN}x\",\"access_token_secret\":42}}\n\
             not json {SECRET}\n\
             [1,2]\n\
             {{\"access_token_secret\":\"{SECRET}\"}}\n"
        );
        let entries = read(&text, InputFormat::JsonLines);
        let lines: Vec<u64> = entries.iter().map(Entry::line).collect();
        assert_eq!(lines, [1, 3, 4, 5, 6]);
        assert!(matches!(&entries[0], Entry::Account(_)));
        assert!(reason(&entries[1]).contains("access_token_secret is not a string"));
        assert!(reason(&entries[2]).starts_with("not valid JSON"));
        assert!(!reason(&entries[2]).contains(&SECRET[..8]));
        assert_eq!(reason(&entries[3]), "the line is JSON but not an object; access_token is missing; access_token_secret is missing");
        assert_eq!(reason(&entries[4]), "access_token is missing");
    }

    #[test]
    fn an_overlong_line_is_one_malformed_row() {
        let text = format!(
            "{}\n{{\"access_token\":\"{TOKEN}\",\"access_token_secret\":\"{SECRET}\"}}\n",
            "x".repeat(MAX_LINE * 2)
        );
        let entries = read(&text, InputFormat::JsonLines);
        assert_eq!(entries.len(), 2);
        assert!(reason(&entries[0]).contains("longer than"));
        assert!(matches!(&entries[1], Entry::Account(r) if r.line == 2));
    }

    #[test]
    fn formats_come_from_the_extension() {
        assert_eq!(
            InputFormat::from_path(Path::new("a.CSV")),
            Some(InputFormat::Csv)
        );
        assert_eq!(
            InputFormat::from_path(Path::new("a.jsonl")),
            Some(InputFormat::JsonLines)
        );
        assert_eq!(InputFormat::from_path(Path::new("a.txt")), None);
        assert_eq!(kind_name(ProblemKind::KeysRejected), "keys-rejected");
    }

    #[test]
    fn csv_output_quotes_and_orders_the_columns() {
        let mut o = Outcome::malformed(
            7,
            Some("a, \"b\"".into()),
            None,
            "access_token is empty".into(),
        );
        o.access_level = Some(AccessLevel::ReadWrite);
        let mut w = OutcomeWriter::new(Vec::new(), OutputFormat::Csv).unwrap();
        w.write(&o).unwrap();
        w.flush().unwrap();
        let text = String::from_utf8(w.csv.take().unwrap().into_inner().unwrap()).unwrap();
        assert_eq!(
            text,
            "line,label,access_token,verdict,exit_class,username,user_id,access_level,retry_helps,reason,rate_limit_reset,requests,waited_secs\n\
             7,\"a, \"\"b\"\"\",,malformed,setup,,,read-write,false,access_token is empty,,0,0\n"
        );
    }
}
