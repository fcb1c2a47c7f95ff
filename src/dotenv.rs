//! The `.env` format, read in one place: the lexer that both the loader's diagnostics
//! ([`crate::credentials`]) and the safe writer ([`crate::env_file`]) use, and the file helpers they share.
//!
//! [`spans`] cuts a file into the logical lines dotenvy 0.15 reads (a quoted value may go on over
//! several lines), with dotenvy's own rules, so every span that is not blank or a comment is exactly one
//! item of `dotenvy::from_read_iter`: a value, or an error that the span explains.

use std::path::Path;

/// How a value starts: bare, in single quotes (nothing inside is special) or in double quotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Quote {
    /// No quote.
    Bare,
    /// `'...'`.
    Single,
    /// `"..."`.
    Double,
}

/// `[indent][export ]NAME[ ]=[ ]value`: one variable assigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Assignment<'a> {
    /// What comes before the name: a byte order mark, indentation, `export `.
    pub(crate) prefix: &'a str,
    /// The variable name.
    pub(crate) name: &'a str,
    /// The value as written (quotes included), without a trailing comment, trailing spaces or the
    /// line ending. Secret: never print it.
    pub(crate) value: &'a str,
}

impl Assignment<'_> {
    /// How the value starts.
    pub(crate) fn quote(&self) -> Quote {
        match self.value.chars().next() {
            Some('\'') => Quote::Single,
            Some('"') => Quote::Double,
            _ => Quote::Bare,
        }
    }

    /// Whether dotenvy substitutes a variable into the value (`$NAME` or `${NAME}` not escaped with
    /// `\`), which it does everywhere except in a single-quoted value.
    pub(crate) fn expands_dollar(&self) -> bool {
        let bytes = self.value.as_bytes();
        self.quote() != Quote::Single
            && bytes.iter().enumerate().any(|(i, b)| {
                *b == b'$'
                    && (i == 0 || bytes[i - 1] != b'\\')
                    && bytes
                        .get(i + 1)
                        .is_some_and(|n| n.is_ascii_alphanumeric() || *n == b'_' || *n == b'{')
            })
    }
}

/// What a logical line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind<'a> {
    /// Nothing but whitespace.
    Blank,
    /// A line starting with `#`.
    Comment,
    /// A variable assigned (dotenvy may still refuse the value, e.g. `NAME=two words`).
    Assignment(Assignment<'a>),
    /// A line dotenvy refuses before it gets to a value.
    Unparsable {
        /// The name the line starts with, when `=` or `:` follows it (e.g. `1ST=x`, `NAME: value`).
        name: Option<&'a str>,
        /// Whether that is `:` (YAML style).
        yaml_style: bool,
    },
}

/// Why dotenvy refuses a logical line, as far as the line itself shows it (never its value).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// `NAME: value`: YAML, not dotenv.
    Yaml,
    /// An unquoted value starting with `Bearer ` (the space is what dotenvy refuses).
    BearerPrefix,
    /// An unquoted value with a space (or tab) inside it.
    SpaceInValue,
    /// A quote opened and never closed before the end of the file.
    UnclosedQuote,
    /// A quote inside or at the end of an unquoted value (`NAME=abc"`): dotenvy reads it as the start
    /// of a quoted value, which then never closes.
    StrayQuote {
        /// Whether it is the value's last character (a closing quote whose opening one is missing).
        at_end: bool,
    },
    /// `1ST=x`: a name that doesn't start with a letter or `_`.
    BadName,
    /// `NAME value`: a name without `=` after it.
    NoEquals,
    /// Anything else (e.g. a double-quoted value ending in a `$` substitution).
    Other,
}

/// One logical line of a `.env` file: a physical line, or several when a quoted value spans lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span<'a> {
    /// All of it, line endings included.
    pub(crate) text: &'a str,
    /// The 1-based line it starts on.
    pub(crate) first_line: usize,
    /// The line ending of its last line (`\n`, `\r\n`, or nothing at the end of the file).
    pub(crate) line_end: &'a str,
    /// Whether a quote (or a trailing `\` or space) is still open at the end of the file: then dotenvy
    /// refuses the whole span, and the span runs to the end of the file.
    pub(crate) unterminated: bool,
    /// What it is.
    pub(crate) kind: Kind<'a>,
}

impl<'a> Span<'a> {
    /// Whether dotenvy yields an item for it (a value or an error): all but blanks and comments.
    pub(crate) fn is_item(&self) -> bool {
        self.unterminated || !matches!(self.kind, Kind::Blank | Kind::Comment)
    }

    /// The assignment, if it is one.
    pub(crate) fn assignment(&self) -> Option<&Assignment<'a>> {
        match &self.kind {
            Kind::Assignment(a) => Some(a),
            _ => None,
        }
    }

    /// Why dotenvy refuses this span, were it to refuse it (it is the caller who knows it does).
    pub(crate) fn refusal(&self) -> Refusal {
        if self.unterminated {
            // The value's first line: a quote in it that doesn't open it is a stray one.
            let first = self
                .assignment()
                .filter(|a| a.quote() == Quote::Bare)
                .map(|a| {
                    let line = a.value.lines().next().unwrap_or("").trim_end();
                    (line.find(['"', '\'']), line.len())
                });
            return match first {
                Some((Some(at), len)) => Refusal::StrayQuote {
                    at_end: at + 1 == len,
                },
                _ => Refusal::UnclosedQuote,
            };
        }
        match self.kind {
            Kind::Unparsable {
                yaml_style: true, ..
            } => Refusal::Yaml,
            Kind::Unparsable { name: Some(_), .. } => Refusal::BadName,
            Kind::Unparsable { name: None, .. } => {
                let line = self.text.trim_start_matches('\u{FEFF}').trim_start();
                let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
                match key(line) {
                    Some((_, rest)) if rest.starts_with([' ', '\t']) => Refusal::NoEquals,
                    _ => Refusal::Other,
                }
            }
            Kind::Assignment(a) if a.quote() == Quote::Bare => {
                let bearer = a
                    .value
                    .get(..7)
                    .is_some_and(|h| h.eq_ignore_ascii_case("bearer "));
                if bearer {
                    Refusal::BearerPrefix
                } else if a.value.contains(char::is_whitespace) {
                    Refusal::SpaceInValue
                } else {
                    Refusal::Other
                }
            }
            _ => Refusal::Other,
        }
    }

    /// The name the span starts with, assigned or not.
    pub(crate) fn name(&self) -> Option<&'a str> {
        match self.kind {
            Kind::Assignment(a) => Some(a.name),
            Kind::Unparsable { name, .. } => name,
            Kind::Blank | Kind::Comment => None,
        }
    }
}

/// Cuts `text` into spans, in order; together they are the whole text. A byte order mark at the start
/// belongs to the first span's text (and an assignment's prefix), never to a name.
pub(crate) fn spans(text: &str) -> Vec<Span<'_>> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let bom = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    let mut out = Vec::new();
    let (mut first, mut start) = (0, 0);
    while first < lines.len() {
        let bom_here = if first == 0 { bom } else { 0 };
        // A comment line ends at its line ending, whatever quotes it holds.
        let comment_line = lines[first][bom_here..].trim_start().starts_with('#');
        let (last, comment_at, unterminated) = if comment_line {
            (first, None, false)
        } else {
            join(&lines, first)
        };
        let end = start + lines[first..=last].iter().map(|l| l.len()).sum::<usize>();
        let comment_at = comment_at.map(|at| end - lines[last].len() + at);
        let span_text = &text[start..end];
        // What dotenvy parses: the span cut at a trailing comment (and, here, with the BOM).
        let visible = &text[start..comment_at.unwrap_or(end)];
        let kind = if comment_line {
            Kind::Comment
        } else if visible[bom_here..].trim().is_empty() {
            Kind::Blank
        } else {
            classify(visible, bom_here)
        };
        out.push(Span {
            text: span_text,
            first_line: first + 1,
            line_end: line_end(lines[last]),
            unterminated,
            kind,
        });
        (first, start) = (last + 1, end);
    }
    out
}

/// dotenvy's line-joining states (`eval_end_state` in dotenvy 0.15's `iter.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Complete,
    Escape,
    Single,
    SingleEscape,
    Double,
    DoubleEscape,
    Space,
}

/// Where the logical line that starts at `lines[i]` ends, as dotenvy's joiner sees it: the index of
/// its last physical line, the offset in that line of a comment that ends it, and whether a quote is
/// still open at the end of the file.
fn join(lines: &[&str], mut i: usize) -> (usize, Option<usize>, bool) {
    let mut state = State::Complete;
    loop {
        match end_state(state, lines[i]) {
            Err(at) => return (i, Some(at), false),
            Ok(State::Complete) => return (i, None, false),
            Ok(_) if i + 1 == lines.len() => return (i, None, true),
            // The next line goes on from the state this one ended in.
            Ok(open) => {
                state = open;
                i += 1;
            }
        }
    }
}

/// The state after `line`, starting in `state`; `Err(offset)` when a `#` after a space outside quotes
/// starts a comment there, which ends the logical line.
fn end_state(mut state: State, line: &str) -> Result<State, usize> {
    for (at, c) in line.char_indices() {
        state = match (state, c) {
            (State::Space, '#') => return Err(at),
            (State::Complete, c) if c.is_whitespace() && c != '\n' && c != '\r' => State::Space,
            (State::Complete | State::Space, '\\') => State::Escape,
            (State::Complete | State::Space, '"') => State::Double,
            (State::Complete | State::Space, '\'') => State::Single,
            (State::Complete | State::Space | State::Escape, _) => State::Complete,
            (State::Double, '\\') => State::DoubleEscape,
            (State::Double, '"') | (State::Single, '\'') => State::Complete,
            (State::Double | State::DoubleEscape, _) => State::Double,
            (State::Single, '\\') => State::SingleEscape,
            (State::Single | State::SingleEscape, _) => State::Single,
        };
    }
    Ok(state)
}

/// An assignment, the way dotenvy's `parse_line` reads the name and the `=`; otherwise unparsable.
/// `visible` starts with `bom` bytes of byte order mark, which go to the prefix.
fn classify(visible: &str, bom: usize) -> Kind<'_> {
    let rest = visible[bom..].trim_start();
    let assignment = key(rest).and_then(|(mut name, mut after)| {
        let mut from = rest;
        // `export` is a prefix unless `=` follows it (then it is the name).
        if name == "export" && !after.trim_start().starts_with('=') {
            from = after.trim_start();
            (name, after) = key(from)?;
        }
        let value = after
            .trim_start()
            .strip_prefix('=')?
            .trim_start()
            .trim_end();
        Some(Assignment {
            prefix: &visible[..visible.len() - from.len()],
            name,
            value,
        })
    });
    if let Some(a) = assignment {
        return Kind::Assignment(a);
    }
    // Explain the refusal: the name the line starts with, and what follows it.
    let line = rest.strip_prefix("export ").unwrap_or(rest).trim_start();
    let (name, after) = line.split_at(name_len(line));
    match after.trim_start().chars().next() {
        Some(sep @ ('=' | ':')) if !name.is_empty() => Kind::Unparsable {
            name: Some(name),
            yaml_style: sep == ':',
        },
        _ => Kind::Unparsable {
            name: None,
            yaml_style: false,
        },
    }
}

/// The length of the run of name characters (letters, digits, `_`, `.`) at the start of `s`.
fn name_len(s: &str) -> usize {
    s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(s.len())
}

/// dotenvy's key at the start of `s` (a letter or `_`, then letters, digits, `_` and `.`), and the rest.
fn key(s: &str) -> Option<(&str, &str)> {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        .then(|| s.split_at(name_len(s)))
}

/// Whether dotenvy reads `name` as a whole variable name.
pub(crate) fn is_name(name: &str) -> bool {
    key(name).is_some_and(|(_, rest)| rest.is_empty())
}

fn line_end(line: &str) -> &str {
    if line.ends_with("\r\n") {
        "\r\n"
    } else if line.ends_with('\n') {
        "\n"
    } else {
        ""
    }
}

/// The 1-based line that byte `offset` of `bytes` is on.
pub(crate) fn line_at(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The folder a file is in (`.` for a bare file name).
pub(crate) fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// A file's Unix permission bits, where the platform has them.
#[cfg(unix)]
pub(crate) fn mode_of(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o777)
}

/// A file's Unix permission bits, where the platform has them.
#[cfg(not(unix))]
pub(crate) fn mode_of(_path: &Path) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(usize, Kind<'_>)> {
        spans(text)
            .into_iter()
            .map(|s| (s.first_line, s.kind))
            .collect()
    }

    fn assignment<'a>(prefix: &'a str, name: &'a str, value: &'a str) -> Kind<'a> {
        Kind::Assignment(Assignment {
            prefix,
            name,
            value,
        })
    }

    #[test]
    fn lines_are_classified_with_names_prefixes_and_values() {
        let text = "# c\n\n  export X_A = 'v w' # note\nexport=1\nX_B: yaml\n1ST=x\nX_C=\"multi\nline\" # c\r\nX_D=a b";
        assert_eq!(
            kinds(text),
            [
                (1, Kind::Comment),
                (2, Kind::Blank),
                (3, assignment("  export ", "X_A", "'v w'")),
                (4, assignment("", "export", "1")),
                (
                    5,
                    Kind::Unparsable {
                        name: Some("X_B"),
                        yaml_style: true
                    }
                ),
                (
                    6,
                    Kind::Unparsable {
                        name: Some("1ST"),
                        yaml_style: false
                    }
                ),
                (7, assignment("", "X_C", "\"multi\nline\"")),
                (9, assignment("", "X_D", "a b")),
            ]
        );
        let all: String = spans(text).iter().map(|s| s.text).collect();
        assert_eq!(all, text, "the spans are the whole text");
        assert_eq!(spans(text)[6].line_end, "\r\n");
    }

    #[test]
    fn refusals_name_their_cause() {
        let text = "A: v\n1A=x\nA v\nA=Bearer AAAA\nA=two words\n!!\nA='open\n";
        let refusals: Vec<(usize, Refusal)> = spans(text)
            .iter()
            .map(|s| (s.first_line, s.refusal()))
            .collect();
        assert_eq!(
            refusals,
            [
                (1, Refusal::Yaml),
                (2, Refusal::BadName),
                (3, Refusal::NoEquals),
                (4, Refusal::BearerPrefix),
                (5, Refusal::SpaceInValue),
                (6, Refusal::Other),
                (7, Refusal::UnclosedQuote),
            ]
        );
    }

    #[test]
    fn a_byte_order_mark_goes_to_the_prefix() {
        let text = "\u{FEFF}X_A=1\n\u{FEFF}# not a comment\n";
        let spans = spans(text);
        assert_eq!(spans[0].kind, assignment("\u{FEFF}", "X_A", "1"));
        assert!(matches!(spans[1].kind, Kind::Unparsable { name: None, .. }));
        assert_eq!(kinds("\u{FEFF}# c\n"), [(1, Kind::Comment)]);
    }

    #[test]
    fn quotes_decide_where_a_span_ends_and_whether_dollar_expands() {
        let joined = spans("A='x\\'\nB=1\n");
        assert_eq!(
            joined.len(),
            1,
            "dotenvy's joiner escapes a quote even in single quotes"
        );
        assert!(joined[0].unterminated && joined[0].is_item());
        let dollar = |text: &str| spans(text)[0].assignment().unwrap().expands_dollar();
        assert!(dollar("A=x$HOME"));
        assert!(dollar("A=\"${HOME}\""));
        assert!(!dollar("A='$HOME'"));
        assert!(!dollar("A=x\\$HOME"));
        assert!(!dollar("A=x # a $HOME in a comment"));
        assert!(!dollar("A=5$"));
    }

    #[test]
    fn a_single_trailing_space_at_the_end_of_the_file_is_unterminated_as_in_dotenvy() {
        let spans = spans("A=1\n ");
        assert!(spans[0].assignment().is_some() && !spans[0].unterminated);
        assert_eq!(spans[1].kind, Kind::Blank);
        assert!(spans[1].unterminated && spans[1].is_item());
    }

    /// Fragments of lines that hit every state of dotenvy's joiner and parser.
    const FRAGMENTS: &[&str] = &[
        "",
        " ",
        "  ",
        "# c 'x",
        "A=1",
        "A=1 ",
        "A=1 # c",
        "A=a b",
        "B='x",
        "B=\"x",
        "y'",
        "y\" # c",
        "C=x\\",
        "export D=2",
        "export E",
        "E: v",
        "1F=x",
        "\t=x",
        "G='a\\'b'",
        "H=#x 'y",
        "I=$X${Y}",
        "J=\"a\\\"b\"",
    ];

    /// Every span that is an item lines up with one item of dotenvy, with the same name when dotenvy
    /// yields a value: on every file of up to three of the fragments, with `\n` or `\r\n`.
    #[test]
    fn spans_line_up_with_dotenvy_items() {
        let mut files = 0;
        for a in FRAGMENTS {
            for b in FRAGMENTS {
                for c in FRAGMENTS {
                    for sep in ["\n", "\r\n"] {
                        for end in ["", sep] {
                            let text = format!("{a}{sep}{b}{sep}{c}{end}");
                            check_against_dotenvy(&text);
                            files += 1;
                        }
                    }
                }
            }
        }
        assert!(files > 40_000, "{files}");
    }

    fn check_against_dotenvy(text: &str) {
        let ours: Vec<Span<'_>> = spans(text).into_iter().filter(Span::is_item).collect();
        let theirs: Vec<_> = dotenvy::from_read_iter(text.as_bytes()).collect();
        assert_eq!(ours.len(), theirs.len(), "{text:?}: {ours:?} vs {theirs:?}");
        for (span, item) in ours.iter().zip(&theirs) {
            match item {
                Ok((name, _)) => {
                    assert_eq!(
                        span.assignment().map(|a| a.name),
                        Some(name.as_str()),
                        "{text:?}"
                    );
                    assert!(!span.unterminated, "{text:?}");
                }
                Err(dotenvy::Error::LineParse(..)) => {}
                Err(e) => panic!("{text:?}: {e}"),
            }
        }
    }

    #[test]
    fn names_and_line_numbers() {
        assert!(is_name("X_API_KEY") && is_name("_a.b") && !is_name("1X") && !is_name("A B"));
        assert_eq!(line_at(b"a\nb\nc", 3), 2);
        assert_eq!(line_at(b"a", 9), 1);
        assert_eq!(dir_of(Path::new(".env")), Path::new("."));
        assert_eq!(dir_of(Path::new("a/.env")), Path::new("a"));
    }
}
