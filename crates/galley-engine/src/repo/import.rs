//! Reading blueprint files back: new blueprints with their whole history, new versions of known
//! ones, a hand-edited latest version saved as a new version, and a diverged history left to the
//! user (keep Galley's, import as a copy, or take the file's).

use std::path::{Path, PathBuf};

use galley_core::bpfile::{self, ParsedFile};
use galley_core::name::{normalize_tags, validate_name};
use galley_core::version;
use galley_store::{ImportLabel, ImportWrite, NewBlueprint};
use tracing::instrument;

use super::{
    history, ImportChoice, ImportKind, ImportOutcome, ImportResolution, RepoImportItem,
    RepoImportReq, BLUEPRINTS_DIR, FILE_SUFFIX,
};
use crate::files::read_limited;
use crate::{Engine, EngineError, ErrorCode};

/// Blueprint files larger than this are refused before reading.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

impl Engine {
    /// Imports blueprint files from a folder or one file. Each file stands alone: one that cannot
    /// be read is reported and skipped, the others are imported. A file whose history diverged
    /// from Galley's is reported as a conflict with the facts to decide on, and imported as the
    /// request's resolution for it says (nothing without one). Nothing Galley has is changed or
    /// removed: versions are only added, and labels move only when the file is not behind.
    #[instrument(skip_all, fields(path = %req.path))]
    pub async fn repo_import(
        &self,
        req: RepoImportReq,
    ) -> Result<Vec<RepoImportItem>, EngineError> {
        if let Some(items) = self.repo_import_foreign(&req).await? {
            return Ok(items);
        }
        let files = blueprint_files(Path::new(req.path.trim()))?;
        let mut out = Vec::with_capacity(files.len());
        for path in files {
            let shown = path.display().to_string();
            let item = match read(&path) {
                Err(message) => RepoImportItem {
                    file: shown,
                    kind: ImportKind::Blueprint,
                    name: String::new(),
                    outcome: ImportOutcome::Invalid,
                    versions_added: 0,
                    labels_moved: vec![],
                    message,
                    conflict: None,
                    resolution: None,
                },
                Ok(parsed) => {
                    self.import_one(shown, parsed, req.dry_run, &req.resolutions)
                        .await?
                }
            };
            out.push(item);
        }
        // The repository's dataset files (datasets/*.csv, *.jsonl), after its blueprints.
        out.extend(
            self.repo_import_datasets(Path::new(req.path.trim()), req.dry_run)
                .await?,
        );
        Ok(out)
    }

    /// Imports one parsed file, all or nothing: its plan (a pure value, see [`history`]) is
    /// computed first, then written by one store transaction that creates the blueprint,
    /// appends the versions and moves the labels together, so a failure part-way leaves no
    /// trace of the file.
    async fn import_one(
        &self,
        file: String,
        parsed: ParsedFile,
        dry_run: bool,
        resolutions: &[ImportResolution],
    ) -> Result<RepoImportItem, EngineError> {
        let ParsedFile { file: bp, edited } = parsed;
        let shown_name = file_name(&file);
        let invalid = |message: String| RepoImportItem {
            file: file.clone(),
            kind: ImportKind::Blueprint,
            name: bp.name.clone(),
            outcome: ImportOutcome::Invalid,
            versions_added: 0,
            labels_moved: vec![],
            message,
            conflict: None,
            resolution: None,
        };
        // Every version's content must be one Galley can use, and so must the name and tags.
        for v in &bp.versions {
            if let Err(problems) = version::validate(&v.content) {
                return Ok(invalid(format!(
                    "version {}: {}",
                    v.number,
                    problems.join("; ")
                )));
            }
        }
        if let Err(e) = validate_name(&bp.name) {
            return Ok(invalid(format!("name: {e}")));
        }
        let tags = match normalize_tags(&bp.tags) {
            Ok(t) => t,
            Err(e) => return Ok(invalid(format!("tags: {e}"))),
        };
        let existing = match self.store.blueprint_by_name(&bp.name).await {
            Ok(b) => Some(b),
            Err(galley_store::StoreError::NotFound(_)) => None,
            Err(e) => return Err(e.into()),
        };
        let (ours, labels) = match &existing {
            Some(b) => {
                let mut v = self.store.versions_list(&b.id).await?;
                v.sort_by_key(|m| m.number);
                (v, self.store.labels(&b.id).await?)
            }
            None => (vec![], vec![]),
        };
        let choice = resolutions
            .iter()
            .rev()
            .find(|r| r.file == file || r.file == shown_name)
            .map(|r| r.choice);
        let copy_name = match choice {
            Some(ImportChoice::Copy) => Some(history::copy_name(
                &bp.name,
                &shown_name,
                &self.store.blueprint_names().await?,
            )),
            _ => None,
        };
        let now = self.now();
        let meeting = history::Meeting {
            file_name: &shown_name,
            file: &bp,
            edited,
            ours: &ours,
            labels: &labels,
            exists: existing.is_some(),
            author: &self.author,
            now: &now,
        };
        let plan = meeting.plan(choice, copy_name.as_deref());
        let item = RepoImportItem {
            file: file.clone(),
            kind: ImportKind::Blueprint,
            name: bp.name.clone(),
            outcome: plan.outcome,
            versions_added: plan.versions.len() as u32,
            labels_moved: plan.labels_moved(),
            message: plan.message.clone(),
            conflict: plan.conflict.clone(),
            resolution: plan.resolution,
        };
        if dry_run || plan.writes_nothing() {
            return Ok(item);
        }
        let (blueprint_id, create) = match (&plan.create, &existing) {
            (Some(name), _) => (
                ulid::Ulid::new().to_string(),
                Some(NewBlueprint {
                    name: name.clone(),
                    tags,
                }),
            ),
            (None, Some(b)) => (b.id.clone(), None),
            (None, None) => unreachable!("a plan without a blueprint to create has one"),
        };
        let write = ImportWrite {
            blueprint_id,
            create,
            versions: plan.versions,
            labels: plan
                .labels
                .iter()
                .map(|(label, version)| ImportLabel {
                    label: *label,
                    version: *version,
                    move_id: ulid::Ulid::new().to_string(),
                })
                .collect(),
            author: self.author.clone(),
            now,
        };
        self.store.blueprint_import(&write).await?;
        Ok(item)
    }
}

/// The blueprint files of a path: the file itself, or the `*.galley.yaml` files in the folder's
/// `blueprints/` (or in the folder itself), sorted.
fn blueprint_files(path: &Path) -> Result<Vec<PathBuf>, EngineError> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    if !path.is_dir() {
        return Err(EngineError::new(
            ErrorCode::NotFound,
            format!("{} does not exist", path.display()),
        ));
    }
    let inner = path.join(BLUEPRINTS_DIR);
    let dir = if inner.is_dir() {
        inner
    } else {
        path.to_path_buf()
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| EngineError::invalid(format!("cannot read {}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.to_string_lossy().ends_with(FILE_SUFFIX))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(EngineError::invalid(format!(
            "{} holds no blueprint files (*{FILE_SUFFIX})",
            dir.display()
        )));
    }
    Ok(files)
}

/// Reads and checks one file; the error names the file.
fn read(path: &Path) -> Result<ParsedFile, String> {
    let name = file_name(&path.display().to_string());
    let bytes = read_limited(path, "a blueprint file (.galley.yaml)", MAX_FILE_BYTES)
        .map_err(|e| e.message)?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{name}: not UTF-8 text"))?;
    bpfile::parse(&text, true).map_err(|e| format!("{name}: {e}"))
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}
