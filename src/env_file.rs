//! Writes values into a `.env` file safely: mode 0600, through a temp file in the same directory and a
//! rename (fsynced), keeping every other line exactly as it was and replacing existing values in place.
//!
//! Values are quoted so that dotenvy (and [`crate::credentials::Loader`]) reads them back unchanged:
//! anything beyond letters, digits and `-_.,:/+=%@~` is put in single quotes, where `$`, `#` and spaces
//! mean nothing to dotenv. No error here ever contains a value.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::dotenv::{self, Span};

/// Why a `.env` file could not be read or written. Never contains a value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
    let spans = dotenv::spans(&text);
    Ok(names
        .iter()
        .filter_map(|name| {
            spans
                .iter()
                .find(|s| s.assignment().is_some_and(|a| a.name == *name))
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
/// The file ends up with mode 0600 (on Unix): it is written to a temp file made 0600 in the same
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
        if !dotenv::is_name(name) {
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
    let old_mode = dotenv::mode_of(&target);
    let rewritten = rewrite(existing.as_deref().unwrap_or(""), values);
    write_atomically(&target, rewritten.text.as_bytes())?;
    Ok(Written {
        path: target,
        created: existing.is_none(),
        replaced: rewritten.replaced,
        appended: rewritten.appended,
        fixed_mode: old_mode.filter(|m| m & 0o077 != 0),
    })
}

/// How a value is written so dotenvy reads it back unchanged: bare when it is plain, else in single
/// quotes (where nothing is special), with a `'` inside written as `'\''` (as in a shell).
///
/// # Security
/// The result holds the value: write it to the file only, never to output.
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

/// A file's new text, and which names were replaced or appended.
struct Rewrite {
    text: String,
    replaced: Vec<String>,
    appended: Vec<String>,
}

/// `text` with `values` set: each assignment of a name replaced where it is, the others appended.
fn rewrite(text: &str, values: &[(&str, &str)]) -> Rewrite {
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::with_capacity(text.len() + 256);
    let mut replaced: Vec<String> = Vec::new();
    for span in dotenv::spans(text) {
        let assignment = span.assignment();
        let new_value = assignment.and_then(|a| values.iter().find(|(name, _)| *name == a.name));
        match (assignment, new_value) {
            (Some(a), Some((name, value))) => {
                out.push_str(a.prefix);
                out.push_str(name);
                out.push('=');
                out.push_str(&quote(value));
                out.push_str(after_value(&span));
                if !replaced.iter().any(|r| r == name) {
                    replaced.push(name.to_string());
                }
            }
            _ => out.push_str(span.text),
        }
    }
    let mut appended: Vec<String> = Vec::new();
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
    Rewrite {
        text: out,
        replaced,
        appended,
    }
}

/// What stays after a replaced value: the line ending; for a quote never closed (which would run to
/// the end of the file), the first line's ending and every line after it, as they were.
fn after_value<'a>(span: &Span<'a>) -> &'a str {
    if !span.unterminated {
        return span.line_end;
    }
    match span.text.find('\n') {
        Some(at) if span.text[..at].ends_with('\r') => &span.text[at - 1..],
        Some(at) => &span.text[at..],
        None => "",
    }
}

/// The file's text, `None` when it doesn't exist.
fn read_text(path: &Path) -> Result<Option<String>, EnvFileError> {
    match fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Ok(Some(text)),
            Err(e) => Err(EnvFileError::NotUtf8 {
                path: path.to_path_buf(),
                line: dotenv::line_at(e.as_bytes(), e.utf8_error().valid_up_to()),
            }),
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

/// Writes `bytes` to a new temp file beside `target` (made 0600 before anything is written), syncs it,
/// renames it over `target` and syncs the directory. On any failure the temp file is removed (when the
/// [`tempfile::NamedTempFile`] drops) and `target` is unchanged.
fn write_atomically(target: &Path, bytes: &[u8]) -> Result<(), EnvFileError> {
    let fail = |e: std::io::Error| EnvFileError::Write {
        path: target.to_path_buf(),
        reason: e.to_string(),
    };
    let dir = dotenv::dir_of(target);
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(fail)?;
    }
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(target).map_err(|e| fail(e.error))?;
    // The rename itself must reach the disk too.
    #[cfg(unix)]
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(fail)?;
    Ok(())
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

    /// A temp folder with a `.env` file holding `content`, and the file's path.
    fn env_with(content: impl AsRef<[u8]>) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        fs::write(&path, content).unwrap();
        (dir, path)
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
        let (_dir, path) = env_with("X_API_KEY=abc\nX_ACCESS_TOKEN=old");
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
        let (_dir, path) = env_with(
            "X_ACCESS_TOKEN=a\n#X_ACCESS_TOKEN=commented\nX_ACCESS_TOKEN_SECRET_OLD=b\nX_ACCESS_TOKEN = c\n",
        );
        set_values(&path, &[("X_ACCESS_TOKEN", "new")]).unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "X_ACCESS_TOKEN=new\n#X_ACCESS_TOKEN=commented\nX_ACCESS_TOKEN_SECRET_OLD=b\nX_ACCESS_TOKEN=new\n"
        );
    }

    #[test]
    fn a_byte_order_mark_stays_and_the_first_name_is_still_found() {
        let (_dir, path) = env_with("\u{FEFF}X_ACCESS_TOKEN=old\n");
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
    fn a_quote_never_closed_keeps_the_lines_after_it() {
        let (_dir, path) = env_with("X_ACCESS_TOKEN=\"old\r\nKEEP=1\r\n");
        let written = set_values(&path, &[("X_ACCESS_TOKEN", "new")]).unwrap();
        assert_eq!(written.replaced, ["X_ACCESS_TOKEN"]);
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "X_ACCESS_TOKEN=new\r\nKEEP=1\r\n"
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
        let (_dir, path) = env_with("KEEP=1\n");
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
        let (dir, path) = env_with("KEEP=1\n");
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
        let (_dir, path) = env_with(b"A=1\nB=\xff\n");
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
        assert_eq!(dotenv::mode_of(&path), Some(0o600));
        assert!(written.to_string().contains("created it, mode 0600"));

        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let written = set_values(&path, &[("X_ACCESS_TOKEN", "new")]).unwrap();
        assert_eq!(written.fixed_mode, Some(0o644));
        assert_eq!(dotenv::mode_of(&path), Some(0o600));
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
