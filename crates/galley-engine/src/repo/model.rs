//! The wire types of export and import.

use galley_core::formats::{ExportFormat, FormatNote};
use galley_core::Label;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Export blueprints to a folder.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RepoExportReq {
    /// The folder (e.g. the root of a git checkout); created if missing.
    pub dir: String,
    /// Only blueprints with this label set (e.g. prod). Every file still carries the whole
    /// history.
    #[serde(default)]
    #[ts(optional)]
    pub label: Option<Label>,
    /// Only these blueprints (ids); all when empty.
    #[serde(default)]
    pub blueprints: Vec<String>,
    /// The file format: `galley` (every version, the default) or a neighbouring tool's
    /// (`prompt-yml`, `prompty`, `promptfoo`, `bedrock`), which holds the version at `label`,
    /// else the latest.
    #[serde(default)]
    #[ts(as = "Option<ExportFormat>", optional)]
    pub format: ExportFormat,
    /// Also write each dataset's latest version as `datasets/<name>.csv` (or `.jsonl`).
    #[serde(default)]
    pub datasets: bool,
    /// The format of the dataset files: `datasets/<name>.csv` (the default) or `.jsonl`.
    #[serde(default)]
    #[ts(as = "Option<RepoDatasetFormat>", optional)]
    pub dataset_format: RepoDatasetFormat,
    /// Also write the CI workflow `.github/workflows/galley-eval.yml`.
    #[serde(default)]
    pub workflow: bool,
    /// Commit the written files with git, with this message (the folder must be in a git
    /// repository).
    #[serde(default)]
    #[ts(optional)]
    pub commit: Option<String>,
    /// Commit on this branch: switch to it first, creating it from the current HEAD when it
    /// does not exist. Refused, before anything is written, when git cannot switch (e.g. local
    /// changes that the switch would overwrite).
    #[serde(default)]
    #[ts(optional)]
    pub branch: Option<String>,
    /// Run `git init` in the folder first (refused when it is already in a repository).
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub init: bool,
    /// Show what would be written without writing.
    #[serde(default)]
    pub dry_run: bool,
}

/// The git repository a folder is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RepoState {
    /// The repository's top folder.
    pub root: String,
    /// The checked-out branch; none when HEAD is detached.
    pub branch: Option<String>,
    /// No uncommitted change and no untracked file.
    pub clean: bool,
    /// The local branches, sorted.
    pub branches: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum FileChange {
    Added,
    Modified,
    Unchanged,
}

/// One file of an export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RepoFile {
    /// Relative to the folder, with `/`.
    pub path: String,
    pub change: FileChange,
    /// The blueprint or dataset it holds (none for the schema and the workflow).
    pub blueprint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RepoExportRes {
    pub dir: String,
    pub files: Vec<RepoFile>,
    /// False for a dry run.
    pub written: bool,
    /// The commit made, when asked and something changed.
    pub commit: Option<String>,
    /// The git repository the folder is in (after the export); none when it is in none.
    pub repo: Option<RepoState>,
    /// What the chosen format could not carry, per file and blueprint (empty for `galley`).
    #[serde(default)]
    pub notes: Vec<FormatNote>,
}

/// Import blueprint files: a folder (its `blueprints/*.galley.yaml`, or `*.galley.yaml` in it)
/// with the dataset files of its repository (`datasets/*.csv`, `datasets/*.jsonl`), or one
/// blueprint file.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RepoImportReq {
    pub path: String,
    /// Show what would happen without changing anything.
    #[serde(default)]
    pub dry_run: bool,
    /// What to do with files whose history diverged from Galley's (by file); a conflict
    /// without one is kept as Galley has it.
    #[serde(default)]
    #[ts(as = "Option<Vec<ImportResolution>>", optional)]
    pub resolutions: Vec<ImportResolution>,
}

/// The user's decision for one conflicting file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportResolution {
    /// The file as the import names it (`RepoImportItem::file`), or its file name.
    pub file: String,
    pub choice: ImportChoice,
}

/// How a conflict is resolved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ImportChoice {
    /// Keep Galley's history: nothing is imported from the file.
    #[default]
    Keep,
    /// Import the file as a new blueprint, "NAME (from FILE)", with its whole history.
    Copy,
    /// Append the file's versions after the common part on top of Galley's history.
    Theirs,
}

/// One side's version where two histories part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConflictSide {
    pub number: u32,
    pub message: String,
    pub author: String,
    pub created_at: String,
}

/// Where a file's history and Galley's diverge: the facts a user decides on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportConflict {
    /// The first version that differs (the versions before it are the same on both sides).
    pub version: u32,
    /// Galley's version there.
    pub ours: ConflictSide,
    /// The file's version there (a hand edit of the file's latest version when Galley is
    /// ahead of it).
    pub theirs: ConflictSide,
    /// Galley's versions from `version` on.
    pub ours_count: u32,
    /// The file's versions from `version` on.
    pub theirs_count: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ImportOutcome {
    /// A blueprint Galley did not have.
    New,
    /// Versions (or a hand edit, or label moves) added to a blueprint Galley had.
    Updated,
    /// Nothing to add.
    Unchanged,
    /// The file's history and Galley's differ: nothing imported from it unless a resolution
    /// says otherwise (see `resolution`).
    Conflict,
    /// The file cannot be read: nothing imported from it.
    Invalid,
}

/// How an export writes datasets: CSV (opens in a spreadsheet) or Galley's JSON Lines (keeps a
/// missing value apart from an empty one). An import reads both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum RepoDatasetFormat {
    #[default]
    Csv,
    Jsonl,
}

/// What a file of an imported folder holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ImportKind {
    /// `blueprints/<name>.galley.yaml`.
    #[default]
    Blueprint,
    /// `datasets/<name>.csv` or `datasets/<name>.jsonl`.
    Dataset,
}

/// What importing one file did (or would do).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RepoImportItem {
    pub file: String,
    /// A blueprint file or a dataset file.
    #[serde(default)]
    pub kind: ImportKind,
    /// The blueprint's or dataset's name (empty when the file cannot be read).
    pub name: String,
    pub outcome: ImportOutcome,
    pub versions_added: u32,
    /// Labels moved to the file's versions, e.g. `prod → v3`.
    pub labels_moved: Vec<String>,
    /// In words: what was added, or why nothing was.
    pub message: String,
    /// With outcome `conflict`: where the histories diverge.
    #[serde(default)]
    pub conflict: Option<ImportConflict>,
    /// With outcome `conflict`: the choice applied (none while undecided).
    #[serde(default)]
    pub resolution: Option<ImportChoice>,
}
