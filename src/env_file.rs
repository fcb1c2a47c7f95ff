//! Writes values into a `.env` file safely: mode 0600, through a temp file in the same directory and a
//! rename (fsynced), keeping every other line exactly as it was and replacing existing values in place.
//!
//! Values are quoted so that dotenvy (and [`crate::credentials::Loader`]) reads them back unchanged:
//! anything beyond letters, digits and `-_.,:/+=%@~` is put in single quotes, where `$`, `#` and spaces
//! mean nothing (SECURITY.md, "`.env` parsing traps"). No error here ever contains a value.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a `.env` file could not be read or written. Never contains a value.
#[derive(Debug, thiserror::Error)]
pub enum EnvFileError {
    /// The file exists but can't be read.
    #[error("can't read {path}: {reason}. Check the path and its permissions (see \"Store and load your keys\", book/store-and-load-your-keys.md)")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why, from the operating system.
        reason: String,
    },
    /// The file is not UTF-8 text, so it can't be edited line by line without damage.
    #[error("{path} is not valid UTF-8 text (first bad byte on line {line}): save it as plain UTF-8, then run this again")]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// The 1-based line of the first bad byte.
        line: usize,
    },
    /// The new file could not be written or put in place; the old one is unchanged.
    #[error("can't write {path}: {reason}. The file was left as it was; check that its directory is writable")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why, from the operating system.
        reason: String,
    },
    /// A variable name that dotenv can't read back.
    #[error("{name:?} is not a valid variable name: use letters, digits and `_`, not starting with a digit")]
    InvalidName {
        /// The name.
        name: String,
    },
    /// A value with a line break or another control character, which a `.env` line can't hold.
    #[error("the value for {name} contains a line break or a control character: copy it again without them")]
    InvalidValue {
        /// The variable the value was for.
        name: String,
    },
}

/// What [`set_values`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// The file written (the target, if the path was a symbolic link).
    pub path: PathBuf,
    /// Whether the file did not exist before.
    pub created: bool,
    /// Names whose existing assignment was replaced in place.
    pub replaced: Vec<String>,
    /// Names that were added at the end.
    pub appended: Vec<String>,
    /// The old permission bits, when the file was readable by others and is now 0600.
    pub fixed_mode: Option<u32>,
}

impl fmt::Display for Written {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self
            .replaced
            .iter()
            .chain(&self.appended)
            .map(String::as_str)
            .collect();
        let how = match (self.created, self.replaced.is_empty()) {
            (true, _) => "created it, mode 0600",
            (false, true) => "added at the end; every other line kept",
            (false, false) => "replaced in place; every other line kept",
        };
        write!(
            f,
            "wrote {} to {} ({how})",
            names.join(" and "),
            self.path.display()
        )?;
        if let Some(old) = self.fixed_mode {
            write!(
                f,
                "; the file could be read by other users (mode {old:o}), it is now 0600"
            )?;
        }
        Ok(())
    }
}

/// One variable already assigned in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assigned {
    /// The variable name.
    pub name: String,
    /// The 1-based line of its first assignment.
    pub line: usize,
}

/// Which of `names` the file already assigns (in the order asked), with the line of the first
/// assignment. A missing file assigns nothing.
///
/// # Errors
/// [`EnvFileError::Read`] or [`EnvFileError::NotUtf8`].
pub fn assigned(path: &Path, names: &[&str]) -> Result<Vec<Assigned>, EnvFileError> {
    let Some(text) = read_text(path)? else {
        return Ok(Vec::new());
    };
    let spans = spans(&text);
    Ok(names
        .iter()
        .filter_map(|name| {
            spans
                .iter()
                .find(|s| s.name.as_deref() == Some(*name))
                .map(|s| Assigned {
                    name: name.to_string(),
                    line: s.first_line,
                })
        })
        .collect())
}

/// Sets `values` (name, value) in the `.env` file at `path`: replaces every existing assignment of a
/// name in place (keeping an `export ` prefix), appends the others, and keeps every other line,
/// comment and blank line byte for byte. The file is created if missing. Either the whole new file is
/// in place afterwards or the old one is untouched.
///
/// The file ends up with mode 0600 (on Unix): it is written to a temp file created 0600 in the same
/// directory, flushed to disk, and renamed over the old one; [`Written::fixed_mode`] says when that
/// tightened an existing group- or world-readable file. A symbolic link is followed, not replaced.
///
/// # Errors
/// [`EnvFileError`]: unreadable or non-UTF-8 file, invalid name or value, or a write that failed
/// (then the old file is left as it was and no temp file remains).
///
/// # Security
/// The values are written to disk and nowhere else: no error or [`Written`] contains one.
pub fn set_values(path: &Path, values: &[(&str, &str)]) -> Result<Written, EnvFileError> {
    for (name, value) in values {
        if !valid_name(name) {
            return Err(EnvFileError::InvalidName {
                name: name.to_string(),
            });
        }
        if value.chars().any(char::is_control) {
            return Err(EnvFileError::InvalidValue {
                name: name.to_string(),
            });
        }
    }
    let target = resolve_link(path);
    let existing = read_text(&target)?;
    let old_mode = mode_of(&target);
    let text = existing.as_deref().unwrap_or("");

    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::with_capacity(text.len() + 256);
    let mut replaced = Vec::new();
    for span in spans(text) {
        let new_value = span
            .name
            .as_deref()
            .and_then(|n| values.iter().find(|(name, _)| *name == n));
        match new_value {
            Some((name, value)) => {
                out.push_str(span.prefix);
                out.push_str(name);
                out.push('=');
                out.push_str(&quote(value));
                out.push_str(span.line_end);
                if !replaced.iter().any(|r| r == name) {
                    replaced.push(name.to_string());
                }
            }
            None => out.push_str(span.text),
        }
    }
    let mut appended = Vec::new();
    for (name, value) in values {
        if replaced.iter().any(|r| r == name) || appended.iter().any(|a| a == name) {
            continue;
        }
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(newline);
        }
        out.push_str(&format!("{name}={}{newline}", quote(value)));
        appended.push(name.to_string());
    }

    write_atomically(&target, out.as_bytes())?;
    Ok(Written {
        path: target,
        created: existing.is_none(),
        replaced,
        appended,
        fixed_mode: old_mode.filter(|m| m & 0o077 != 0),
    })
}

/// How a value is written so dotenvy reads it back unchanged: bare when it is plain, else in single
/// quotes (where nothing is special), with a `'` inside written as `'\''` (as in a shell).
pub fn quote(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.,:/+=%@~".contains(c));
    if plain {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// The file's text, `None` when it doesn't exist.
fn read_text(path: &Path) -> Result<Option<String>, EnvFileError> {
    match fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Ok(Some(text)),
            Err(e) => {
                let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                Err(EnvFileError::NotUtf8 {
                    path: path.to_path_buf(),
                    line: valid.iter().filter(|b| **b == b'\n').count() + 1,
                })
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(EnvFileError::Read {
            path: path.to_path_buf(),
            reason: e.to_string(),
        }),
    }
}

/// A symbolic link's target (so the link stays a link); the path itself otherwise.
fn resolve_link(path: &Path) -> PathBuf {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

/// One logical line of a `.env` file: a physical line, or several when a quoted value spans lines.
struct Span<'a> {
    /// All of it, line endings included.
    text: &'a str,
    /// The variable it assigns, if it is an assignment.
    name: Option<String>,
    /// What comes before the name (indentation, `export `).
    prefix: &'a str,
    /// The line ending of its last line (`\n`, `\r\n` or nothing at the end of the file).
    line_end: &'a str,
    /// The 1-based line it starts on.
    first_line: usize,
}

fn spans(text: &str) -> Vec<Span<'_>> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = Vec::new();
    let (mut i, mut offset) = (0, 0);
    while i < lines.len() {
        let first = lines[i];
        // A byte order mark belongs to the file, not to the first name.
        let body = if i == 0 {
            first.strip_prefix('\u{FEFF}').unwrap_or(first)
        } else {
            first
        };
        let assignment = parse_assignment(body);
        let mut len = first.len();
        let mut last = first;
        if let Some((_, _, value)) = &assignment {
            // A quoted value may go on over the next lines until its quote closes.
            let mut state = open_quote(value, Quote::None);
            while state != Quote::None && i + 1 < lines.len() {
                i += 1;
                last = lines[i];
                len += last.len();
                state = open_quote(last, state);
            }
        }
        let line_end = if last.ends_with("\r\n") {
            "\r\n"
        } else if last.ends_with('\n') {
            "\n"
        } else {
            ""
        };
        let first_line = text[..offset].matches('\n').count() + 1;
        let (name, prefix) = match assignment {
            Some((prefix_len, name, _)) => {
                (Some(name), &first[..first.len() - body.len() + prefix_len])
            }
            None => (None, ""),
        };
        out.push(Span {
            text: &text[offset..offset + len],
            name,
            prefix,
            line_end,
            first_line,
        });
        offset += len;
        i += 1;
    }
    out
}

/// `[indent][export ]NAME[ ]=value` → (length of what precedes NAME, NAME, value).
fn parse_assignment(line: &str) -> Option<(usize, String, &str)> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') {
        return None;
    }
    let mut prefix = line.len() - trimmed.len();
    let mut rest = trimmed;
    if let Some(after) = rest.strip_prefix("export") {
        let after_ws = after.trim_start();
        if after_ws.len() < after.len() {
            prefix += rest.len() - after_ws.len();
            rest = after_ws;
        }
    }
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(rest.len());
    let (name, after) = rest.split_at(end);
    let value = after.trim_start().strip_prefix('=')?;
    valid_name(name).then(|| (prefix, name.to_string(), value))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    None,
    Single,
    Double,
}

/// The quote still open at the end of `text`, starting in `state` (dotenvy's rules: nothing is special
/// inside single quotes; `\` escapes inside double quotes and outside quotes; `#` after a space outside
/// quotes starts a comment).
fn open_quote(text: &str, mut state: Quote) -> Quote {
    let mut escaped = false;
    let mut prev_space = true;
    for c in text.chars() {
        match state {
            Quote::Single => {
                if c == '\'' {
                    state = Quote::None;
                }
            }
            Quote::Double => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    state = Quote::None;
                }
            }
            Quote::None => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '\'' {
                    state = Quote::Single;
                } else if c == '"' {
                    state = Quote::Double;
                } else if c == '#' && prev_space {
                    return Quote::None;
                }
            }
        }
        prev_space = c == ' ' || c == '\t';
    }
    state
}

#[cfg(unix)]
fn mode_of(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn mode_of(_path: &Path) -> Option<u32> {
    None
}

/// Writes `bytes` to a new 0600 temp file beside `target`, syncs it, renames it over `target` and
/// syncs the directory. On any failure the temp file is removed and `target` is unchanged.
fn write_atomically(target: &Path, bytes: &[u8]) -> Result<(), EnvFileError> {
    let fail = |e: std::io::Error| EnvFileError::Write {
        path: target.to_path_buf(),
        reason: e.to_string(),
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| ".env".into());
    let (tmp_path, mut tmp) = create_temp(&dir, &file_name).map_err(fail)?;
    let result = (|| {
        tmp.write_all(bytes)?;
        tmp.sync_all()?;
        drop(tmp);
        fs::rename(&tmp_path, target)?;
        // The rename itself must reach the disk too.
        #[cfg(unix)]
        File::open(&dir)?.sync_all()?;
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp_path);
    }
    result.map_err(fail)
}

/// A new file `.NAME.tmp-<pid>-<n>` in `dir`, created exclusively with mode 0600.
fn create_temp(dir: &Path, file_name: &str) -> std::io::Result<(PathBuf, File)> {
    let mut last_error = None;
    for attempt in 0..100u32 {
        let tmp = dir.join(format!(
            ".{file_name}.tmp-{}-{}-{attempt}",
            std::process::id(),
            rand::random::<u32>()
        ));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last_error = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_error.unwrap_or_else(|| std::io::Error::other("no free temp file name")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "1790000000000000042-Hq8Wm3Lx7Kp2Rv9Tz4Nc6Bj1Fd5Gs0";
    const SECRET: &str = "Yt6Rp1Lm9Kq3Wx7Zn2Vb5Hc8Jd4Fg0Sa6Qe1Tu9Io3Py7";

    fn read_back(path: &Path) -> Vec<(String, String)> {
        dotenvy::from_path_iter(path)
            .unwrap()
            .map(|item| item.unwrap())
            .collect()
    }

    fn dir_entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn keeps_other_lines_and_replaces_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        let before = "# my bot\r\nX_API_KEY=abc\r\n\r\nexport X_ACCESS_TOKEN=old # the old one\r\n  # indented comment\r\nOTHER='x y'\r\nX_ACCESS_TOKEN_SECRET=\"multi\r\nline\"\r\nLAST=1";
        fs::write(&path, before).unwrap();
        let written = set_values(
            &path,
            &[("X_ACCESS_TOKEN", TOKEN), ("X_ACCESS_TOKEN_SECRET", SECRET)],
        )
        .unwrap();
        let after = fs::read_to_string(&path).unwrap();
        assert_eq!(
            after,
            format!("# my bot\r\nX_API_KEY=abc\r\n\r\nexport X_ACCESS_TOKEN={TOKEN}\r\n  # indented comment\r\nOTHER='x y'\r\nX_ACCESS_TOKEN_SECRET={SECRET}\r\nLAST=1")
        );
        assert_eq!(
            written.replaced,
            ["X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET"]
        );
        assert!(written.appended.is_empty() && !written.created);
        assert_eq!(
            read_back(&path),
            [
                ("X_API_KEY".to_string(), "abc".to_string()),
                ("X_ACCESS_TOKEN".into(), TOKEN.into()),
                ("OTHER".into(), "x y".into()),
                ("X_ACCESS_TOKEN_SECRET".into(), SECRET.into()),
                ("LAST".into(), "1".into()),
            ]
        );
    }

    #[test]
    fn appends_what_is_missing_after_a_last_line_without_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        fs::write(&path, "X_API_KEY=abc\nX_ACCESS_TOKEN=old").unwrap();
        let written = set_values(
            &path,
            &[("X_ACCESS_TOKEN", TOKEN), ("X_ACCESS_TOKEN_SECRET", SECRET)],
        )
        .unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            format!("X_API_KEY=abc\nX_ACCESS_TOKEN={TOKEN}\nX_ACCESS_TOKEN_SECRET={SECRET}\n")
        );
        assert_eq!(written.replaced, ["X_ACCESS_TOKEN"]);
        assert_eq!(written.appended, ["X_ACCESS_TOKEN_SECRET"]);
    }

    #[test]
    fn every_assignment_of_a_name_is_replaced_and_lookalikes_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        fs::write(
            &path,
            "X_ACCESS_TOKEN=a\n#X_ACCESS_TOKEN=commented\nX_ACCESS_TOKEN_SECRET_OLD=b\nX_ACCESS_TOKEN = c\n",
        )
        .unwrap();
        set_values(&path, &[("X_ACCESS_TOKEN", "new")]).unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "X_ACCESS_TOKEN=new\n#X_ACCESS_TOKEN=commented\nX_ACCESS_TOKEN_SECRET_OLD=b\nX_ACCESS_TOKEN=new\n"
        );
    }

    #[test]
    fn a_byte_order_mark_stays_and_the_first_name_is_still_found() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        fs::write(&path, "\u{FEFF}X_ACCESS_TOKEN=old\n").unwrap();
        assert_eq!(
            assigned(&path, &["X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET"]).unwrap(),
            [Assigned {
                name: "X_ACCESS_TOKEN".into(),
                line: 1
            }]
        );
        set_values(&path, &[("X_ACCESS_TOKEN", "new")]).unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "\u{FEFF}X_ACCESS_TOKEN=new\n"
        );
    }

    #[test]
    fn values_with_dollar_hash_spaces_and_quotes_read_back_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        let tricky = [
            ("A", "ab$Acd"),
            ("B", "x #not a comment"),
            ("C", "two words"),
            ("D", "it's"),
            ("E", "\"double\" \\ back"),
            ("F", ""),
            ("G", "${HOME}"),
            ("H", "AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%3Dx"),
            ("I", "ünïcode"),
        ];
        set_values(&path, &tricky).unwrap();
        let back = read_back(&path);
        let want: Vec<(String, String)> = tricky
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        assert_eq!(back, want, "{}", fs::read_to_string(&path).unwrap());
        // Our own loader agrees.
        let loaded = crate::credentials::Loader::new()
            .env_file(&path)
            .environment(Vec::<(String, String)>::new())
            .load()
            .unwrap();
        assert!(loaded.env_file.unwrap().issues.is_empty());
        assert_eq!(quote("ab$Acd"), "'ab$Acd'");
        assert_eq!(quote(TOKEN), TOKEN);
    }

    #[test]
    fn line_breaks_and_bad_names_are_refused_without_touching_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        fs::write(&path, "KEEP=1\n").unwrap();
        let err = set_values(&path, &[("X_ACCESS_TOKEN", "a\nb")]).unwrap_err();
        assert!(matches!(err, EnvFileError::InvalidValue { .. }));
        assert!(!err.to_string().contains("a\nb"));
        assert!(matches!(
            set_values(&path, &[("1BAD", "x")]).unwrap_err(),
            EnvFileError::InvalidName { .. }
        ));
        assert_eq!(fs::read_to_string(&path).unwrap(), "KEEP=1\n");
    }

    #[test]
    fn temp_and_rename_leave_no_temp_file_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        fs::write(&path, "KEEP=1\n").unwrap();
        set_values(&path, &[("X_ACCESS_TOKEN", TOKEN)]).unwrap();
        set_values(&path, &[("X_ACCESS_TOKEN", "again")]).unwrap();
        assert_eq!(dir_entries(dir.path()), [".env"]);
    }

    #[test]
    fn a_failed_rename_leaves_the_target_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        // The target is a non-empty directory: the temp file is written, then the rename fails.
        let target = dir.path().join("sub");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("inside"), "x").unwrap();
        let err = write_atomically(&target, TOKEN.as_bytes()).unwrap_err();
        assert!(matches!(err, EnvFileError::Write { .. }), "{err}");
        assert!(!err.to_string().contains(TOKEN), "{err}");
        assert_eq!(dir_entries(dir.path()), ["sub"]);
        assert_eq!(dir_entries(&target), ["inside"]);
    }

    #[test]
    fn a_non_utf8_file_is_refused_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        fs::write(&path, b"A=1\nB=\xff\n").unwrap();
        let err = set_values(&path, &[("X_ACCESS_TOKEN", TOKEN)]).unwrap_err();
        assert!(
            matches!(err, EnvFileError::NotUtf8 { line: 2, .. }),
            "{err}"
        );
        assert_eq!(fs::read(&path).unwrap(), b"A=1\nB=\xff\n");
    }

    #[cfg(unix)]
    #[test]
    fn mode_is_0600_on_create_and_tightened_on_an_open_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        let written = set_values(&path, &[("X_ACCESS_TOKEN", TOKEN)]).unwrap();
        assert!(written.created);
        assert_eq!(written.fixed_mode, None);
        assert_eq!(mode_of(&path), Some(0o600));
        assert!(written.to_string().contains("created it, mode 0600"));

        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let written = set_values(&path, &[("X_ACCESS_TOKEN", "new")]).unwrap();
        assert_eq!(written.fixed_mode, Some(0o644));
        assert_eq!(mode_of(&path), Some(0o600));
        assert!(
            written.to_string().contains("(mode 644), it is now 0600"),
            "{written}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.env");
        fs::write(&real, "KEEP=1\n").unwrap();
        let link = dir.path().join(".env");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        set_values(&link, &[("X_ACCESS_TOKEN", "v")]).unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            fs::read_to_string(&real).unwrap(),
            "KEEP=1\nX_ACCESS_TOKEN=v\n"
        );
    }

    #[test]
    fn a_missing_file_assigns_nothing() {
        let dir = tempfile::tempdir().unwrap();
        assert!(assigned(&dir.path().join(".env"), &["X"])
            .unwrap()
            .is_empty());
    }
}
