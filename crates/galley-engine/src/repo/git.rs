//! Committing an export with the `git` command line, so the user's own git configuration
//! (identity, hooks, signing) applies.

use std::path::Path;
use std::process::Command;

use crate::EngineError;

/// Stages `files` (relative to `dir`) and commits exactly them with `message`; returns the new
/// commit's id, or `None` when they hold no change.
pub(super) fn commit(
    dir: &Path,
    files: &[String],
    message: &str,
) -> Result<Option<String>, EngineError> {
    ensure_repo(dir)?;
    let mut add = vec!["add", "--"];
    add.extend(files.iter().map(String::as_str));
    git(dir, &add)?;
    let mut staged = vec!["diff", "--cached", "--name-only", "--"];
    staged.extend(files.iter().map(String::as_str));
    if git(dir, &staged)?.trim().is_empty() {
        return Ok(None);
    }
    let mut commit = vec!["commit", "--quiet", "-m", message, "--"];
    commit.extend(files.iter().map(String::as_str));
    git(dir, &commit)?;
    Ok(Some(git(dir, &["rev-parse", "HEAD"])?.trim().to_string()))
}

/// Checks that `dir` is inside a git work tree (before anything is written there).
pub(super) fn ensure_repo(dir: &Path) -> Result<(), EngineError> {
    if !dir.is_dir() || git(dir, &["rev-parse", "--is-inside-work-tree"])?.trim() != "true" {
        return Err(not_a_repo(dir));
    }
    Ok(())
}

fn not_a_repo(dir: &Path) -> EngineError {
    EngineError::invalid(format!(
        "{} is not in a git repository: run `git init` there, or export without committing",
        dir.display()
    ))
}

fn git(dir: &Path, args: &[&str]) -> Result<String, EngineError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| EngineError::invalid(format!("cannot run git ({e}): is git installed?")))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        if err.contains("not a git repository") {
            return Err(not_a_repo(dir));
        }
        return Err(EngineError::invalid(format!(
            "git {} failed: {}",
            args.first().unwrap_or(&""),
            err.trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
