//! `galley export` and `galley import`: blueprints as files in a folder.

use std::path::Path;

use galley_engine::{Engine, EngineError, FileChange, ImportOutcome, RepoExportReq, RepoImportReq};

use crate::eval::absolute;

/// What `galley export` was asked besides the folder.
pub struct ExportOpts {
    pub label: Option<String>,
    pub datasets: bool,
    pub workflow: bool,
    pub commit: Option<String>,
    pub dry_run: bool,
}

pub async fn export(engine: &Engine, to: &Path, opts: ExportOpts) -> Result<bool, EngineError> {
    let ExportOpts {
        label,
        datasets,
        workflow,
        commit,
        dry_run,
    } = opts;
    let label = match label {
        Some(l) => Some(l.parse().map_err(EngineError::invalid)?),
        None => None,
    };
    let res = engine
        .repo_export(RepoExportReq {
            dir: absolute(to)?,
            label,
            blueprints: vec![],
            datasets,
            workflow,
            commit,
            dry_run,
        })
        .await?;
    for f in &res.files {
        let what = match f.change {
            FileChange::Added => "added    ",
            FileChange::Modified => "modified ",
            FileChange::Unchanged => "unchanged",
        };
        println!("{what} {}", f.path);
    }
    let changed = res
        .files
        .iter()
        .filter(|f| f.change != FileChange::Unchanged)
        .count();
    if dry_run {
        println!("dry run: {changed} files would be written to {}", res.dir);
    } else {
        println!("{changed} files written to {}", res.dir);
    }
    if let Some(sha) = &res.commit {
        println!("committed {sha}");
    }
    Ok(true)
}

pub async fn import(engine: &Engine, path: &Path, dry_run: bool) -> Result<bool, EngineError> {
    let items = engine
        .repo_import(RepoImportReq {
            path: absolute(path)?,
            dry_run,
        })
        .await?;
    let mut refused = 0;
    for i in &items {
        let what = match i.outcome {
            ImportOutcome::New => "new      ",
            ImportOutcome::Updated => "updated  ",
            ImportOutcome::Unchanged => "unchanged",
            ImportOutcome::Conflict => "CONFLICT ",
            ImportOutcome::Invalid => "INVALID  ",
        };
        if matches!(i.outcome, ImportOutcome::Conflict | ImportOutcome::Invalid) {
            refused += 1;
        }
        let name = if i.name.is_empty() { &i.file } else { &i.name };
        let labels = if i.labels_moved.is_empty() {
            String::new()
        } else {
            format!(" ({})", i.labels_moved.join(", "))
        };
        println!("{what} {name}: {}{labels}", i.message);
    }
    if dry_run {
        println!("dry run: nothing was changed");
    }
    if refused > 0 {
        eprintln!("{refused} of {} files were not imported", items.len());
    }
    Ok(refused == 0)
}
