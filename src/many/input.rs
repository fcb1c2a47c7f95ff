//! The input of `verify_many`: a CSV or JSON Lines file of Access Tokens, read one row at a time
//! ([`rows`]), each row checked offline into an [`Entry`]: an account to verify, or a malformed row
//! and why. Memory stays flat: the CSV goes through one streaming `csv::Reader` whose rows are
//! bounded ([`MAX_ROW`]), JSON Lines through a bounded line reader, and the only thing kept per row
//! is a 64-bit fingerprint of its Access Token and its line number, to catch duplicates.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::str::FromStr;

use super::source::{CsvSource, JsonSource, RawRow};
use crate::chapters;
use crate::credentials::{mask, user_id_prefix, AccessToken, AccessTokenSecret};

/// The longest row read (a row is ~150 bytes): a longer JSON line is a malformed row, a longer CSV
/// row (an unclosed quote makes the rest of the file one row) stops the input.
pub const MAX_ROW: usize = 64 * 1024;

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
}

/// A format name that is not `csv` or `jsonl`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a format: use csv or jsonl")]
pub struct UnknownFormat(pub String);

impl FromStr for InputFormat {
    type Err = UnknownFormat;

    /// `csv` or `jsonl` (what `--input-format` takes).
    fn from_str(name: &str) -> Result<InputFormat, UnknownFormat> {
        match name {
            "csv" => Ok(InputFormat::Csv),
            "jsonl" => Ok(InputFormat::JsonLines),
            _ => Err(UnknownFormat(name.to_string())),
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InputFormat::Csv => "csv",
            InputFormat::JsonLines => "jsonl",
        })
    }
}

/// Why the input can't be read (further). A bad row is not an error: it becomes a malformed result.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
    /// A CSV row longer than [`MAX_ROW`]: the input can't be read past it.
    #[error("the CSV row that starts on line {line} is longer than {MAX_ROW} bytes, so reading stopped there: a field that opens with a quote (\") and never closes makes the rest of the file one row. Fix the quoting on that line (see {chapter})", chapter = chapters::VERIFY_MANY)]
    RowTooLong {
        /// The line the row starts on.
        line: u64,
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

/// Where the raw rows come from.
enum Source<R: Read> {
    Csv(CsvSource<R>),
    Json(JsonSource<R>),
}

/// The rows of an input, read one at a time (an iterator of [`Entry`]), with duplicate detection.
pub struct Rows<R: Read> {
    source: Source<R>,
    seen: HashMap<u64, u64>,
    hasher: RandomState,
}

/// Reads the rows of a CSV or JSON Lines input as they are needed.
///
/// Blank lines are not rows; a quoted CSV field may span lines (the row's line is where it
/// starts). A row with a problem (a missing or empty field, bad JSON, a token without the
/// `<digits>-` prefix, the same token as an earlier row…) is an [`Entry::Malformed`].
///
/// # Errors
/// [`InputError::Header`] when a CSV input doesn't start with the header; [`InputError::Io`].
pub fn rows<R: Read>(input: R, format: InputFormat) -> Result<Rows<R>, InputError> {
    let source = match format {
        InputFormat::Csv => Source::Csv(CsvSource::new(input)?),
        InputFormat::JsonLines => Source::Json(JsonSource::new(BufReader::new(input))),
    };
    Ok(Rows {
        source,
        seen: HashMap::new(),
        hasher: RandomState::new(),
    })
}

impl<R: Read> Rows<R> {
    /// Turns a raw row into an entry: every problem at once, then the duplicate check.
    fn entry(&mut self, raw: RawRow) -> Entry {
        let label = raw.label.filter(|l| !l.trim().is_empty());
        let mut problems: Vec<String> = raw.broken.into_iter().collect();
        let token_problem = token_problem(raw.token.as_deref());
        let token_ok = token_problem.is_none();
        problems.extend(token_problem);
        problems.extend(secret_problem(raw.secret.as_deref()));
        let shown = token_ok.then(|| mask(raw.token.as_deref().unwrap_or_default()));
        if problems.is_empty() {
            let token = raw.token.unwrap_or_default();
            let fingerprint = self.hasher.hash_one(&token);
            match self.seen.get(&fingerprint) {
                Some(first) => problems.push(format!(
                    "duplicate: the same access_token as line {first}, which is verified there"
                )),
                None => {
                    self.seen.insert(fingerprint, raw.line);
                    return Entry::Account(AccountRow {
                        line: raw.line,
                        label,
                        access_token: AccessToken::new(token),
                        access_token_secret: AccessTokenSecret::new(raw.secret.unwrap_or_default()),
                    });
                }
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

/// What is wrong with a row's Access Token, if anything.
fn token_problem(token: Option<&str>) -> Option<String> {
    let Some(token) = token else {
        return Some("access_token is missing".into());
    };
    value_problem("access_token", token).or_else(|| {
        user_id_prefix(token).is_none().then(|| {
            "access_token doesn't start with the account's numeric id and '-' (an Access Token looks like 1790000000000000042-…): a Bearer Token or a secret in the wrong column?".into()
        })
    })
}

/// What is wrong with a row's Access Token Secret, if anything.
fn secret_problem(secret: Option<&str>) -> Option<String> {
    let Some(secret) = secret else {
        return Some("access_token_secret is missing".into());
    };
    value_problem("access_token_secret", secret).or_else(|| {
        user_id_prefix(secret).is_some().then(|| {
            "access_token_secret looks like an Access Token (<digits>-…): are the two columns swapped?".into()
        })
    })
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

impl<R: Read> Iterator for Rows<R> {
    type Item = Result<Entry, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        let raw = match &mut self.source {
            Source::Csv(csv) => csv.next_raw(),
            Source::Json(json) => json.next_raw(),
        };
        match raw {
            Ok(Some(raw)) => Some(Ok(self.entry(raw))),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// Reads one line (up to `\n`) into `buf`, keeping at most [`MAX_ROW`] bytes and skipping the rest.
/// Returns the bytes consumed and whether the line was cut.
pub(super) fn read_line_bounded<B: BufRead>(
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
        let room = MAX_ROW.saturating_sub(buf.len());
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
