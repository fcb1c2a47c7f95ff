//! The raw rows of an input, before any check: CSV through one streaming `csv::Reader`, JSON Lines
//! line by line. Both keep memory bounded by [`MAX_ROW`].

use std::collections::VecDeque;
use std::io::Read;

use super::input::{read_line_bounded, InputError, MAX_ROW};

/// The raw fields of a row, before checking.
pub(super) struct RawRow {
    pub(super) line: u64,
    pub(super) token: Option<String>,
    pub(super) secret: Option<String>,
    pub(super) label: Option<String>,
    /// A problem found while reading (bad JSON, bad UTF-8, line too long).
    pub(super) broken: Option<String>,
}

impl RawRow {
    fn at(line: u64) -> RawRow {
        RawRow {
            line,
            token: None,
            secret: None,
            label: None,
            broken: None,
        }
    }
}

/// How far `csv::Reader` may read ahead of the row it is parsing (its buffer).
const READ_AHEAD: usize = 8 * 1024;

/// The input under the CSV reader: it keeps the bytes from the start of the current row, to give
/// each row the line it starts on (`csv` skips blank lines, and its record positions count them
/// into the next row), and refuses to read a row longer than [`MAX_ROW`], so that no row can fill
/// memory.
struct Tracked<R> {
    inner: R,
    /// The bytes from `start` on: the current row and what `csv` read ahead.
    window: VecDeque<u8>,
    /// The input offset of `window[0]`.
    start: u64,
    /// The line of `window[0]` (1-based).
    start_line: u64,
}

/// The error a too-long row raises inside the CSV reader.
#[derive(Debug)]
struct TooLong;

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a row longer than {MAX_ROW} bytes")
    }
}

impl std::error::Error for TooLong {}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.drop_blank_lines();
        if self.window.len() > MAX_ROW + READ_AHEAD {
            return Err(std::io::Error::other(TooLong));
        }
        let n = self.inner.read(buf)?;
        self.window.extend(&buf[..n]);
        Ok(n)
    }
}

impl<R> Tracked<R> {
    /// Drops the line breaks the window starts with: the row has not started yet (a row never
    /// starts with a line break: `csv` skips blank lines, and a quoted field starts with `"`).
    fn drop_blank_lines(&mut self) {
        while let Some(&b) = self.window.front().filter(|&&b| b == b'\n' || b == b'\r') {
            self.window.pop_front();
            self.start += 1;
            self.start_line += u64::from(b == b'\n');
        }
    }

    /// The line the current row starts on.
    fn row_line(&self) -> u64 {
        let blank = self
            .window
            .iter()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .filter(|&&b| b == b'\n')
            .count();
        self.start_line + blank as u64
    }

    /// Forgets the bytes before `offset`, where the next row starts.
    fn advance(&mut self, offset: u64) {
        let drop = (offset.saturating_sub(self.start) as usize).min(self.window.len());
        self.start_line += self.window.drain(..drop).filter(|&b| b == b'\n').count() as u64;
        self.start += drop as u64;
    }
}

/// The columns a CSV header names.
struct Columns {
    token: usize,
    secret: usize,
    label: Option<usize>,
}

/// CSV rows from one streaming `csv::Reader`.
pub(super) struct CsvSource<R> {
    reader: csv::Reader<Tracked<R>>,
    record: csv::ByteRecord,
    columns: Columns,
}

impl<R: Read> CsvSource<R> {
    /// Reads the header (the first row that isn't blank) and finds its columns.
    pub(super) fn new(input: R) -> Result<Self, InputError> {
        let tracked = Tracked {
            inner: input,
            window: VecDeque::new(),
            start: 0,
            start_line: 1,
        };
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(READ_AHEAD)
            .from_reader(tracked);
        let placeholder = Columns {
            token: 0,
            secret: 0,
            label: None,
        };
        let mut source = CsvSource {
            reader,
            record: csv::ByteRecord::new(),
            columns: placeholder,
        };
        let header: Vec<String> = match source.next_record() {
            Err(InputError::RowTooLong { .. }) => {
                return Err(InputError::Header {
                    problem: "its first line is too long".into(),
                })
            }
            Err(e) => return Err(e),
            Ok(None) => Vec::new(),
            Ok(Some(_)) => source.fields().collect(),
        };
        source.columns = find_columns(&header)?;
        Ok(source)
    }

    /// Reads the next row that isn't blank into `record`, and returns its line.
    fn next_record(&mut self) -> Result<Option<u64>, InputError> {
        loop {
            let read = self.reader.read_byte_record(&mut self.record);
            let line = self.reader.get_ref().row_line();
            match read {
                Ok(true) => {}
                Ok(false) => return Ok(None),
                Err(e) => return Err(read_error(e, line)),
            }
            let to = self.reader.position().byte();
            self.reader.get_mut().advance(to);
            // A line of spaces is blank too (csv skips only empty lines).
            let blank =
                self.record.len() == 1 && self.record[0].iter().all(u8::is_ascii_whitespace);
            if !blank {
                return Ok(Some(line));
            }
        }
    }

    /// The fields of the current record, invalid UTF-8 replaced.
    fn fields(&self) -> impl Iterator<Item = String> + '_ {
        self.record
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
    }

    /// The next row's fields, by the header's columns.
    pub(super) fn next_raw(&mut self) -> Result<Option<RawRow>, InputError> {
        let Some(line) = self.next_record()? else {
            return Ok(None);
        };
        let mut raw = RawRow::at(line);
        if std::str::from_utf8(self.record.as_slice()).is_err() {
            raw.broken = Some("the row is not valid UTF-8 text".into());
            return Ok(Some(raw));
        }
        let field = |i: usize| {
            self.record
                .get(i)
                .map(|f| String::from_utf8_lossy(f).into_owned())
        };
        raw.token = field(self.columns.token);
        raw.secret = field(self.columns.secret);
        raw.label = self.columns.label.and_then(field);
        Ok(Some(raw))
    }
}

/// The header's columns: `access_token` and `access_token_secret` must be there, `label` may.
fn find_columns(header: &[String]) -> Result<Columns, InputError> {
    let find = |name: &str| {
        header.iter().position(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .eq_ignore_ascii_case(name)
        })
    };
    match (find("access_token"), find("access_token_secret")) {
        (Some(token), Some(secret)) => Ok(Columns {
            token,
            secret,
            label: find("label"),
        }),
        (token, secret) => {
            let missing: Vec<&str> = [("access_token", token), ("access_token_secret", secret)]
                .iter()
                .filter(|(_, i)| i.is_none())
                .map(|(n, _)| *n)
                .collect();
            Err(InputError::Header {
                problem: format!("it has no column named {}", missing.join(" or ")),
            })
        }
    }
}

/// A CSV reader's error: a row too long, or the input failing.
fn read_error(e: csv::Error, line: u64) -> InputError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) if io.get_ref().is_some_and(|e| e.is::<TooLong>()) => {
            InputError::RowTooLong { line }
        }
        csv::ErrorKind::Io(io) => InputError::Io(io),
        other => InputError::Io(std::io::Error::other(format!("{other:?}"))),
    }
}

/// JSON Lines rows, one bounded line at a time.
pub(super) struct JsonSource<R> {
    reader: std::io::BufReader<R>,
    line: u64,
    buf: Vec<u8>,
}

impl<R: Read> JsonSource<R> {
    pub(super) fn new(reader: std::io::BufReader<R>) -> Self {
        JsonSource {
            reader,
            line: 0,
            buf: Vec::new(),
        }
    }

    /// The next line that isn't blank, parsed.
    pub(super) fn next_raw(&mut self) -> Result<Option<RawRow>, InputError> {
        loop {
            self.buf.clear();
            let (read, too_long) = read_line_bounded(&mut self.reader, &mut self.buf)?;
            if read == 0 {
                return Ok(None);
            }
            self.line += 1;
            while matches!(self.buf.last(), Some(b'\n' | b'\r')) {
                self.buf.pop();
            }
            if too_long {
                let mut raw = RawRow::at(self.line);
                raw.broken = Some(format!("the line is longer than {MAX_ROW} bytes"));
                return Ok(Some(raw));
            }
            if !self.buf.iter().all(u8::is_ascii_whitespace) {
                return Ok(Some(self.parse()));
            }
        }
    }

    /// The fields of the line in `buf`.
    fn parse(&self) -> RawRow {
        let mut raw = RawRow::at(self.line);
        if std::str::from_utf8(&self.buf).is_err() {
            raw.broken = Some("the line is not valid UTF-8 text".into());
            return raw;
        }
        let obj = match serde_json::from_slice::<serde_json::Value>(&self.buf) {
            // serde_json's syntax errors name a position, never the content.
            Err(e) => {
                raw.broken = Some(format!("not valid JSON ({e})"));
                return raw;
            }
            Ok(serde_json::Value::Object(obj)) => obj,
            Ok(_) => {
                raw.broken = Some("the line is JSON but not an object".into());
                return raw;
            }
        };
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
        raw
    }
}
