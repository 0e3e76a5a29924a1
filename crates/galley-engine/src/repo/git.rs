//! The git side of an export, through the `git` command line so that the user's own git
//! configuration (identity, hooks, signing) applies: what repository a folder is in, `git init`,
//! switching to (or creating) a branch, and committing exactly the exported files.
//!
//! Every command runs with `-C <folder>` and without the `GIT_DIR` / `GIT_WORK_TREE` /
//! `GIT_INDEX_FILE` of the environment, so it acts on the folder's own repository and nothing
//! else.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::RepoState;
use crate::EngineError;

/// The repository `dir` is in (or would be in once created), or `None`.
pub(super) fn state(dir: &Path) -> Option<RepoState> {
    let at = existing_ancestor(dir)?;
    let root = git(&at, &["rev-parse", "--show-toplevel"]).ok()?;
    let branch = git(&at, &["symbolic-ref", "--short", "-q", "HEAD"])
        .ok()
        .map(|b| b.trim().to_string())
        .filter(|b| !b.is_empty());
    let clean = git(&at, &["status", "--porcelain"])
        .map(|s| s.trim().is_empty())
        .unwrap_or(false);
    let mut branches: Vec<String> = git(
        &at,
        &["for-each-ref", "--format=%(refname:short)", "refs/heads"],
    )
    .unwrap_or_default()
    .lines()
    .map(str::to_string)
    .filter(|b| !b.is_empty())
    .collect();
    branches.sort();
    Some(RepoState {
        root: root.trim().to_string(),
        branch,
        clean,
        branches,
    })
}

/// Checks that `dir` is (or, once created, will be) inside a git work tree.
pub(super) fn ensure_repo(dir: &Path) -> Result<RepoState, EngineError> {
    state(dir).ok_or_else(|| not_a_repo(dir))
}

/// Refuses `init` where a repository already is.
pub(super) fn check_init(dir: &Path) -> Result<(), EngineError> {
    match state(dir) {
        Some(s) => Err(EngineError::invalid(format!(
            "{} is already in the git repository at {}: export without initialising one",
            dir.display(),
            s.root
        ))),
        None => Ok(()),
    }
}

/// `git init` in `dir` (created when missing).
pub(super) fn init(dir: &Path) -> Result<(), EngineError> {
    check_init(dir)?;
    std::fs::create_dir_all(dir).map_err(|e| {
        EngineError::invalid(format!("cannot create the folder {}: {e}", dir.display()))
    })?;
    git(dir, &["init", "--quiet"])?;
    Ok(())
}

/// The branch name trimmed, or why git would not accept it.
pub(super) fn check_branch_name(dir: &Path, name: &str) -> Result<String, EngineError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(EngineError::invalid("branch: a branch needs a name"));
    }
    let at = existing_ancestor(dir).unwrap_or_else(std::env::temp_dir);
    git(&at, &["check-ref-format", "--branch", name]).map_err(|_| {
        EngineError::invalid(format!("branch: `{name}` is not a valid branch name"))
    })?;
    Ok(name.to_string())
}

/// True when the local branch `name` exists.
pub(super) fn branch_exists(dir: &Path, name: &str) -> bool {
    git(
        dir,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("refs/heads/{name}"),
        ],
    )
    .is_ok()
}

/// Checks out the branch `name`, creating it from the current HEAD when it does not exist. When
/// git refuses (local changes the switch would overwrite, ...), says so with git's reason.
pub(super) fn switch(dir: &Path, name: &str) -> Result<(), EngineError> {
    let current = state(dir).and_then(|s| s.branch);
    if current.as_deref() == Some(name) {
        return Ok(());
    }
    let args: &[&str] = if branch_exists(dir, name) {
        &["switch", "--quiet", name]
    } else {
        &["switch", "--quiet", "--create", name]
    };
    run(dir, args).map_err(|reason| {
        EngineError::invalid(format!(
            "cannot switch to the branch `{name}`: {reason}; nothing was written"
        ))
    })?;
    Ok(())
}

/// The bytes of `rel` (relative to `dir`) on the branch `name`; `None` when it has no such file.
pub(super) fn show(dir: &Path, name: &str, rel: &str) -> Option<Vec<u8>> {
    let out = command(dir)
        .args(["show", &format!("refs/heads/{name}:./{rel}")])
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

/// Stages `files` (relative to `dir`) and commits exactly them with `message`, whatever else is
/// staged or modified in the repository; returns the new commit's id, or `None` when they hold
/// no change.
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
    // `--only` (the default with paths): the commit holds these paths and nothing else staged.
    let mut commit = vec!["commit", "--quiet", "--only", "-m", message, "--"];
    commit.extend(files.iter().map(String::as_str));
    git(dir, &commit)?;
    Ok(Some(git(dir, &["rev-parse", "HEAD"])?.trim().to_string()))
}

fn not_a_repo(dir: &Path) -> EngineError {
    EngineError::invalid(format!(
        "{} is not in a git repository: initialise one there, or export without committing",
        dir.display()
    ))
}

/// `dir` itself or the closest of its parents that exists.
fn existing_ancestor(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().find(|p| p.is_dir()).map(Path::to_path_buf)
}

fn command(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C")
        .arg(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE");
    c
}

/// Runs git; on failure, git's own message (its last lines of stderr).
fn run(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = command(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git ({e}): is git installed?"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let reason: Vec<&str> = err
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("hint:"))
            .collect();
        return Err(reason.join(" "));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn git(dir: &Path, args: &[&str]) -> Result<String, EngineError> {
    run(dir, args).map_err(|reason| {
        if reason.contains("not a git repository") {
            return not_a_repo(dir);
        }
        EngineError::invalid(format!(
            "git {} failed: {reason}",
            args.first().unwrap_or(&"")
        ))
    })
}
