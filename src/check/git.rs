//! What git says about the `.env` file: tracked (the keys are committed), ignored, or neither.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::dotenv::dir_of;

/// What git says about a file.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum GitStatus {
    /// In the index: committed, or about to be.
    Tracked,
    /// Matched by a `.gitignore` rule.
    Ignored,
    /// Neither: one `git add .` away from being committed.
    NotIgnored,
}

/// Asks git, when installed and the file is in a work tree; `None` otherwise.
pub(super) fn git_status(path: &Path) -> Option<GitStatus> {
    let dir = dir_of(path);
    let name = path.file_name()?;
    let git = |args: &[&OsStr]| {
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()
    };
    let inside = git(&["rev-parse".as_ref(), "--is-inside-work-tree".as_ref()])?;
    if !inside.success() {
        return None;
    }
    let tracked = [
        "ls-files".as_ref(),
        "--error-unmatch".as_ref(),
        "--".as_ref(),
        name,
    ];
    if git(&tracked)?.success() {
        return Some(GitStatus::Tracked);
    }
    if git(&["check-ignore".as_ref(), "-q".as_ref(), "--".as_ref(), name])?.success() {
        Some(GitStatus::Ignored)
    } else {
        Some(GitStatus::NotIgnored)
    }
}
