//! `galley export` and `galley import`: blueprints as files in a folder.

use std::path::Path;

use galley_engine::{
    Engine, EngineError, FileChange, ImportChoice, ImportKind, ImportOutcome, ImportResolution,
    RepoDatasetFormat, RepoExportReq, RepoImportReq,
};

use crate::eval::absolute;

/// What `galley export` was asked besides the folder.
pub struct ExportOpts {
    /// galley, prompt-yml, prompty, promptfoo or bedrock.
    pub format: String,
    pub label: Option<String>,
    pub datasets: bool,
    /// csv or jsonl (default csv).
    pub datasets_format: Option<String>,
    pub workflow: bool,
    pub commit: Option<String>,
    pub branch: Option<String>,
    pub init: bool,
    pub dry_run: bool,
}

pub async fn export(engine: &Engine, to: &Path, opts: ExportOpts) -> Result<bool, EngineError> {
    let ExportOpts {
        format,
        label,
        datasets,
        datasets_format,
        workflow,
        commit,
        branch,
        init,
        dry_run,
    } = opts;
    let label = match label {
        Some(l) => Some(l.parse().map_err(EngineError::invalid)?),
        None => None,
    };
    let format: galley_engine::core::formats::ExportFormat =
        format.parse().map_err(EngineError::invalid)?;
    let res = engine
        .repo_export(RepoExportReq {
            dir: absolute(to)?,
            format,
            label,
            blueprints: vec![],
            datasets,
            dataset_format: dataset_format(datasets_format.as_deref())?,
            workflow,
            commit,
            branch,
            init,
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
    for n in &res.notes {
        println!("note  {}: {}", n.path, n.message);
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
    if let Some(repo) = &res.repo {
        let branch = repo.branch.as_deref().unwrap_or("(detached HEAD)");
        println!("git repository {} on branch {branch}", repo.root);
    }
    if let Some(sha) = &res.commit {
        println!("committed {sha}");
    }
    Ok(true)
}

/// `FILE=keep|copy|theirs`.
fn resolution(text: &str) -> Result<ImportResolution, EngineError> {
    let (file, choice) = text.rsplit_once('=').ok_or_else(|| {
        EngineError::invalid(format!(
            "--resolve `{text}`: write FILE=keep, FILE=copy or FILE=theirs"
        ))
    })?;
    let choice = match choice.trim() {
        "keep" => ImportChoice::Keep,
        "copy" => ImportChoice::Copy,
        "theirs" => ImportChoice::Theirs,
        other => {
            return Err(EngineError::invalid(format!(
                "--resolve `{text}`: `{other}` is not a choice: keep, copy or theirs"
            )))
        }
    };
    if file.trim().is_empty() {
        return Err(EngineError::invalid(format!(
            "--resolve `{text}`: name the file before `=`"
        )));
    }
    Ok(ImportResolution {
        file: file.trim().to_string(),
        choice,
    })
}

pub async fn import(
    engine: &Engine,
    path: &Path,
    dry_run: bool,
    resolve: &[String],
) -> Result<bool, EngineError> {
    let resolutions = resolve
        .iter()
        .map(|r| resolution(r))
        .collect::<Result<Vec<_>, _>>()?;
    let items = engine
        .repo_import(RepoImportReq {
            path: absolute(path)?,
            dry_run,
            resolutions,
        })
        .await?;
    let mut refused = 0;
    let mut unresolved = Vec::new();
    for i in &items {
        let what = match i.outcome {
            ImportOutcome::New => "new      ",
            ImportOutcome::Updated => "updated  ",
            ImportOutcome::Unchanged => "unchanged",
            ImportOutcome::Conflict => "CONFLICT ",
            ImportOutcome::Invalid => "INVALID  ",
        };
        let open = i.outcome == ImportOutcome::Conflict && i.resolution.is_none();
        if open || i.outcome == ImportOutcome::Invalid {
            refused += 1;
        }
        let name = match (i.name.is_empty(), i.kind) {
            (true, _) => i.file.clone(),
            (false, ImportKind::Dataset) => format!("dataset {}", i.name),
            (false, ImportKind::Blueprint) => i.name.clone(),
        };
        let labels = if i.labels_moved.is_empty() {
            String::new()
        } else {
            format!(" ({})", i.labels_moved.join(", "))
        };
        println!("{what} {name}: {}{labels}", i.message);
        if let Some(c) = &i.conflict {
            let side = |who: &str, s: &galley_engine::ConflictSide, n: u32| {
                println!(
                    "    {who:<7} v{}: “{}” by {} at {} ({n} version{} from there)",
                    s.number,
                    s.message,
                    s.author,
                    s.created_at,
                    if n == 1 { "" } else { "s" }
                )
            };
            side("Galley", &c.ours, c.ours_count);
            side("file", &c.theirs, c.theirs_count);
            if open {
                unresolved.push(file_name(&i.file));
            }
        }
    }
    if dry_run {
        println!("dry run: nothing was changed");
    }
    if refused > 0 {
        eprintln!("{refused} of {} files were not imported", items.len());
    }
    for f in &unresolved {
        eprintln!("conflict left in {f}: add --resolve {f}=keep, {f}=copy or {f}=theirs");
    }
    Ok(refused == 0)
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

/// `--datasets-format`: csv (the default) or jsonl.
fn dataset_format(text: Option<&str>) -> Result<RepoDatasetFormat, EngineError> {
    match text.map(str::trim) {
        None | Some("csv") => Ok(RepoDatasetFormat::Csv),
        Some("jsonl") => Ok(RepoDatasetFormat::Jsonl),
        Some(other) => Err(EngineError::invalid(format!(
            "--datasets-format `{other}`: use csv or jsonl"
        ))),
    }
}
