//! Writing blueprint files to a folder.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use galley_core::bpfile::{self, BlueprintFile, FileVersion, SCHEMA_JSON};
use galley_core::dataset::DatasetFormat;
use galley_store::BlueprintSummary;
use tracing::instrument;

use super::{
    datasets_in, git, slug, workflow, FileChange, RepoDatasetFormat, RepoExportReq, RepoExportRes,
    RepoFile, BLUEPRINTS_DIR, DATASETS_DIR, FILE_SUFFIX, SCHEMA_FILE, SCHEMA_FROM_FILE,
};
use crate::files::write_atomic;
use crate::{Engine, EngineError};

impl Engine {
    /// Writes one YAML file per blueprint (every version, its labels) and the format's schema
    /// into `dir`, or with `dry_run` only says which files would be added or changed (and which
    /// repository the folder is in). Writing twice gives the same bytes, so an unchanged
    /// blueprint shows no diff in git.
    ///
    /// With `init`, `git init` runs in the folder first; with `branch`, that branch is checked
    /// out (created from HEAD when missing) before writing, and a refused switch stops the
    /// export with git's reason before anything is written; with `commit`, exactly the exported
    /// files are committed, with the user's own git identity.
    #[instrument(skip_all, fields(dir = %req.dir))]
    pub async fn repo_export(&self, req: RepoExportReq) -> Result<RepoExportRes, EngineError> {
        let dir = PathBuf::from(req.dir.trim());
        if !dir.is_absolute() {
            return Err(EngineError::invalid(format!(
                "`{}` is not a full path",
                dir.display()
            )));
        }
        if dir.is_file() {
            return Err(EngineError::invalid(format!(
                "{} is a file: export into a folder",
                dir.display()
            )));
        }
        let mut chosen: Vec<BlueprintSummary> = self
            .store
            .blueprints_list("")
            .await?
            .into_iter()
            .filter(|b| req.blueprints.is_empty() || req.blueprints.contains(&b.id))
            .filter(|b| b.latest_version.is_some())
            .collect();
        chosen.sort_by_key(|a| a.name.to_lowercase());

        let mut outputs: Vec<(String, String, Option<String>)> = Vec::new();
        let mut taken: HashSet<String> = HashSet::new();
        let foreign = self.foreign_export(&req).await?;
        let mut notes = Vec::new();
        for b in &chosen {
            let file = self.blueprint_file(b).await?;
            if let Some(label) = req.label {
                if !file.labels.contains_key(&label) {
                    continue;
                }
            }
            let mut stem = slug(&b.name);
            if taken.contains(&stem) {
                // Two names with the same slug ("A b" and "a-b"): the later one gets its id.
                stem = format!("{stem}-{}", b.id.to_lowercase());
            }
            taken.insert(stem.clone());
            if let Some(foreign) = &foreign {
                let out = self.foreign_file(foreign, &file, &stem).await?;
                outputs.push((out.path, out.text, Some(b.name.clone())));
                notes.extend(out.notes);
                continue;
            }
            outputs.push((
                format!("{BLUEPRINTS_DIR}/{stem}{FILE_SUFFIX}"),
                bpfile::to_yaml(&file, Some(SCHEMA_FROM_FILE)),
                Some(b.name.clone()),
            ));
        }
        if outputs.is_empty() {
            return Err(EngineError::invalid(match req.label {
                Some(l) => format!("no blueprint has the label {l}: nothing to export"),
                None => "no saved blueprint to export".to_string(),
            }));
        }
        if foreign.is_none() {
            outputs.push((SCHEMA_FILE.to_string(), SCHEMA_JSON.to_string(), None));
        }
        if req.datasets {
            let (format, ending) = match req.dataset_format {
                RepoDatasetFormat::Csv => (DatasetFormat::Csv, "csv"),
                RepoDatasetFormat::Jsonl => (DatasetFormat::Jsonl, "jsonl"),
            };
            let all = self.store.datasets_list().await?;
            // The stems an import matches files back to their datasets by.
            let stems = datasets_in::dataset_stems(&all);
            for (d, stem) in all.into_iter().zip(stems) {
                if d.latest_version.is_none() {
                    continue;
                }
                let text = self
                    .datasets_export(crate::DatasetsExportReq {
                        id: d.id.clone(),
                        version: None,
                        format,
                        path: None,
                    })
                    .await?;
                outputs.push((
                    format!("{DATASETS_DIR}/{stem}.{ending}"),
                    text,
                    Some(d.name),
                ));
            }
        }
        if req.workflow {
            outputs.push((workflow::WORKFLOW_FILE.to_string(), workflow::text(), None));
        }

        // Everything that can be refused is checked before the folder is touched.
        let commit_message = match &req.commit {
            Some(m) if m.trim().is_empty() => {
                return Err(EngineError::invalid(
                    "commit message: a commit needs a message",
                ))
            }
            Some(m) => Some(m.trim().to_string()),
            None => None,
        };
        let branch = match &req.branch {
            Some(b) if !b.trim().is_empty() => Some(git::check_branch_name(&dir, b)?),
            _ => None,
        };
        let before = if req.init {
            git::check_init(&dir)?;
            None
        } else if commit_message.is_some() || branch.is_some() {
            Some(git::ensure_repo(&dir)?)
        } else {
            git::state(&dir)
        };
        if !req.dry_run {
            if req.init {
                git::init(&dir)?;
            }
            if let Some(b) = &branch {
                git::switch(&dir, b)?;
            }
        }
        // A preview for another, existing branch compares with that branch's files.
        let other_branch = branch.as_ref().filter(|b| {
            req.dry_run
                && before
                    .as_ref()
                    .is_some_and(|s| s.branch.as_ref() != Some(*b) && s.branches.contains(b))
        });

        let mut files = Vec::with_capacity(outputs.len());
        for (rel, text, blueprint) in &outputs {
            let target = dir.join(rel);
            let old = match other_branch.and_then(|b| git::show(&dir, b, rel)) {
                Some(bytes) => Ok(bytes),
                None => std::fs::read(&target),
            };
            let change = match old {
                Ok(old) if old == text.as_bytes() => FileChange::Unchanged,
                Ok(_) => FileChange::Modified,
                Err(_) => FileChange::Added,
            };
            files.push(RepoFile {
                path: rel.clone(),
                change,
                blueprint: blueprint.clone(),
            });
        }
        let mut commit = None;
        if !req.dry_run {
            for ((rel, text, _), f) in outputs.iter().zip(&files) {
                if f.change == FileChange::Unchanged {
                    continue;
                }
                let target = dir.join(rel);
                create_parent(&target)?;
                write_atomic(&target.display().to_string(), text.as_bytes())?;
            }
            if let Some(message) = &commit_message {
                let paths: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
                commit = git::commit(&dir, &paths, message)?;
            }
        }
        Ok(RepoExportRes {
            dir: dir.display().to_string(),
            files,
            written: !req.dry_run,
            commit,
            repo: if req.dry_run {
                before
            } else {
                git::state(&dir)
            },
            notes,
        })
    }

    /// A blueprint with every version and its labels, as a file holds it.
    pub(crate) async fn blueprint_file(
        &self,
        b: &BlueprintSummary,
    ) -> Result<BlueprintFile, EngineError> {
        let mut versions = Vec::new();
        let mut metas = self.store.versions_list(&b.id).await?;
        metas.sort_by_key(|m| m.number);
        for meta in metas {
            let v = self.store.version(&b.id, meta.number).await?;
            versions.push(FileVersion {
                number: meta.number,
                message: meta.message,
                author: meta.author,
                created_at: meta.created_at,
                parent: meta.parent,
                content_hash: meta.content_hash,
                content: v.content,
            });
        }
        let labels: BTreeMap<_, _> = self
            .store
            .labels(&b.id)
            .await?
            .into_iter()
            .map(|l| (l.label, l.version))
            .collect();
        Ok(BlueprintFile {
            name: b.name.clone(),
            tags: b.tags.clone(),
            labels,
            versions,
        })
    }
}

fn create_parent(target: &Path) -> Result<(), EngineError> {
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| {
            EngineError::invalid(format!(
                "cannot create the folder {}: {e}",
                parent.display()
            ))
        })?;
    }
    Ok(())
}
