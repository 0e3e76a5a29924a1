//! Reading blueprint files back: new blueprints with their whole history, new versions of known
//! ones, a hand-edited latest version saved as a new version, and a diverged history refused.

use std::path::{Path, PathBuf};

use galley_core::bpfile::{self, ParsedFile};
use galley_core::version;
use galley_store::VersionMeta;
use tracing::instrument;

use super::{
    ImportKind, ImportOutcome, RepoImportItem, RepoImportReq, BLUEPRINTS_DIR, FILE_SUFFIX,
};
use crate::files::read_limited;
use crate::{Engine, EngineError, ErrorCode};

/// Blueprint files larger than this are refused before reading.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

impl Engine {
    /// Imports blueprint files from a folder or one file. Each file stands alone: one that cannot
    /// be read, or whose history diverged from Galley's, is reported and skipped, the others
    /// are imported. Nothing Galley has is changed or removed: versions are only added, and
    /// labels move only when the file is not behind.
    #[instrument(skip_all, fields(path = %req.path))]
    pub async fn repo_import(
        &self,
        req: RepoImportReq,
    ) -> Result<Vec<RepoImportItem>, EngineError> {
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
                },
                Ok(parsed) => self.import_one(shown, parsed, req.dry_run).await?,
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

    async fn import_one(
        &self,
        file: String,
        parsed: ParsedFile,
        dry_run: bool,
    ) -> Result<RepoImportItem, EngineError> {
        let ParsedFile { file: bp, edited } = parsed;
        let item = |outcome, versions_added, labels_moved, message: String| RepoImportItem {
            file: file.clone(),
            kind: ImportKind::Blueprint,
            name: bp.name.clone(),
            outcome,
            versions_added,
            labels_moved,
            message,
        };
        // Every version's content must be one Galley can use.
        for v in &bp.versions {
            if let Err(problems) = version::validate(&v.content) {
                return Ok(item(
                    ImportOutcome::Invalid,
                    0,
                    vec![],
                    format!("version {}: {}", v.number, problems.join("; ")),
                ));
            }
        }
        let existing = match self.store.blueprint_by_name(&bp.name).await {
            Ok(b) => Some(b),
            Err(galley_store::StoreError::NotFound(_)) => None,
            Err(e) => return Err(e.into()),
        };
        let ours: Vec<VersionMeta> = match &existing {
            Some(b) => {
                let mut v = self.store.versions_list(&b.id).await?;
                v.sort_by_key(|m| m.number);
                v
            }
            None => vec![],
        };
        // Versions of the file kept as they are: all, or all but a hand-edited latest.
        let kept = bp.versions.len() - usize::from(edited.is_some());
        // The shared part of the histories must be the same versions.
        for (mine, theirs) in ours.iter().zip(&bp.versions) {
            if mine.content_hash != theirs.content_hash {
                return Ok(item(
                    ImportOutcome::Conflict,
                    0,
                    vec![],
                    format!(
                        "version {} differs from Galley's (“{}” here, “{}” in the file): the \
                         histories diverged, nothing was imported; rename the blueprint in the \
                         file to import it as a copy",
                        mine.number, mine.message, theirs.message
                    ),
                ));
            }
        }
        let to_append: Vec<_> = bp.versions.iter().take(kept).skip(ours.len()).collect();
        let edit = edited.and_then(|n| bp.versions.iter().find(|v| v.number == n));
        // A hand edit applies to the version it was made on: Galley must have it, or be about to.
        if let Some(e) = edit {
            if ours.len() > bp.versions.len() {
                return Ok(item(
                    ImportOutcome::Conflict,
                    0,
                    vec![],
                    format!(
                        "version {} was edited in the file, but Galley already has later versions \
                         (up to {}): export again and redo the edit there",
                        e.number,
                        ours.len()
                    ),
                ));
            }
        }
        let behind = ours.len() > bp.versions.len();
        let labels_moved = if behind {
            vec![]
        } else {
            let current = match &existing {
                Some(b) => self.store.labels(&b.id).await?,
                None => vec![],
            };
            bp.labels
                .iter()
                .filter(|(label, v)| {
                    !current
                        .iter()
                        .any(|c| c.label == **label && c.version == **v)
                })
                .map(|(label, v)| format!("{label} → v{v}"))
                .collect()
        };
        let added = to_append.len() as u32 + u32::from(edit.is_some());
        let outcome = match (&existing, added, labels_moved.is_empty()) {
            (None, _, _) => ImportOutcome::New,
            (Some(_), 0, true) => ImportOutcome::Unchanged,
            _ => ImportOutcome::Updated,
        };
        let message = describe(outcome, added, edit.map(|e| e.number), behind, ours.len());
        if dry_run || outcome == ImportOutcome::Unchanged {
            return Ok(item(outcome, added, labels_moved, message));
        }

        let id = match &existing {
            Some(b) => b.id.clone(),
            None => {
                self.blueprints_create(crate::BlueprintsCreateReq {
                    name: bp.name.clone(),
                    tags: bp.tags.clone(),
                })
                .await?
                .id
            }
        };
        let now = self.now();
        for v in &to_append {
            let meta = VersionMeta {
                number: v.number,
                parent: v.parent,
                message: v.message.clone(),
                author: v.author.clone(),
                created_at: v.created_at.clone(),
                content_hash: v.content_hash.clone(),
            };
            self.store
                .version_append(&id, &meta, &v.content, &now)
                .await?;
        }
        let mut edited_as = None;
        if let Some(e) = edit {
            let saved = self
                .versions_save(crate::VersionsSaveReq {
                    id: id.clone(),
                    content: e.content.clone(),
                    message: format!("Edited in {}", file_name(&file)),
                })
                .await?;
            edited_as = Some(saved.version.number);
        }
        if !behind {
            for (label, v) in &bp.labels {
                // A label on the hand-edited version follows the edit.
                let target = if edit.is_some_and(|e| e.number == *v) {
                    edited_as.unwrap_or(*v)
                } else {
                    *v
                };
                self.labels_move(crate::LabelsMoveReq {
                    id: id.clone(),
                    label: *label,
                    version: target,
                })
                .await?;
            }
        }
        Ok(item(outcome, added, labels_moved, message))
    }
}

fn describe(
    outcome: ImportOutcome,
    added: u32,
    edited: Option<u32>,
    behind: bool,
    ours: usize,
) -> String {
    let versions = if added == 1 {
        "1 version".to_string()
    } else {
        format!("{added} versions")
    };
    let mut s = match outcome {
        ImportOutcome::New => format!("new blueprint with {versions}"),
        ImportOutcome::Unchanged if behind => {
            format!("Galley is ahead (up to v{ours}): nothing to add")
        }
        ImportOutcome::Unchanged => "already up to date".to_string(),
        _ if added > 0 => format!("{versions} added"),
        _ => "labels moved".to_string(),
    };
    if let Some(n) = edited {
        s.push_str(&format!(
            "; version {n} was edited in the file and is saved as a new version"
        ));
    }
    s
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
