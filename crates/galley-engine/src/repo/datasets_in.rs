//! Reading a repository's dataset files back: `datasets/<stem>.csv` and `datasets/<stem>.jsonl`
//! (Galley's JSON Lines, or Bedrock's).
//!
//! A file belongs to the dataset that an export writes under the same stem (see
//! [`dataset_stems`]): the slug of its name, so `datasets/capitals-eu.csv` is "Capitals EU"
//! again in the Galley that exported it. A stem no dataset has becomes a new dataset named as
//! the stem: a file name does not keep a name's capitals or spaces, and the file holds only
//! cases. A known dataset gets a new version only when the file's cases differ from its latest
//! version (compared as that format writes them, so what a format cannot hold, such as a
//! missing value in CSV, is no difference). A file that cannot be read is reported with its
//! lines and nothing from it is saved.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use galley_core::dataset::{self, DatasetContent, DatasetFormat, ImportError, Severity};
use galley_core::name::validate_name_of;
use galley_store::DatasetSummary;

use super::{slug, ImportKind, ImportOutcome, RepoImportItem, BLUEPRINTS_DIR, DATASETS_DIR};
use crate::datasets::row as dataset_row;
use crate::files::read_limited;
use crate::{Engine, EngineError};

/// Dataset files larger than this are refused before reading (as in a dataset import).
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The endings of dataset files an import reads.
const ENDINGS: [&str; 2] = [".csv", ".jsonl"];

/// The file stem each dataset is exported under, in the order given (the store's name order):
/// the slug of its name; a later dataset whose slug is taken gets its id after the slug.
pub(super) fn dataset_stems(datasets: &[DatasetSummary]) -> Vec<String> {
    let mut taken = HashSet::new();
    datasets
        .iter()
        .map(|d| {
            let mut stem = slug(&d.name);
            if taken.contains(&stem) {
                stem = format!("{stem}-{}", d.id.to_lowercase());
            }
            taken.insert(stem.clone());
            stem
        })
        .collect()
}

/// The repository a blueprint folder belongs to: the folder itself when it holds `blueprints/`,
/// its parent when it is the `blueprints/` folder, else the folder. None for a file.
pub fn repository_root(path: &Path) -> Option<PathBuf> {
    if !path.is_dir() {
        return None;
    }
    if path.join(BLUEPRINTS_DIR).is_dir() {
        return Some(path.to_path_buf());
    }
    let is_blueprints = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy() == BLUEPRINTS_DIR);
    match path.parent() {
        Some(parent) if is_blueprints => Some(parent.to_path_buf()),
        _ => Some(path.to_path_buf()),
    }
}

/// The dataset files of a repository, sorted; none when it has no `datasets/` folder.
pub fn dataset_files(root: &Path) -> Result<Vec<PathBuf>, EngineError> {
    let dir = root.join(DATASETS_DIR);
    if !dir.is_dir() {
        return Ok(vec![]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| EngineError::invalid(format!("cannot read {}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && stem_of(p).is_some())
        .collect();
    files.sort();
    Ok(files)
}

/// `capitals` for `datasets/capitals.csv` (any case of the ending); none for other files.
pub fn stem_of(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    ENDINGS.iter().find_map(|end| {
        let cut = name.len().checked_sub(end.len())?;
        let (stem, ending) = (name.get(..cut)?, name.get(cut..)?);
        (ending.eq_ignore_ascii_case(end) && !stem.is_empty()).then(|| stem.to_string())
    })
}

/// A dataset file read and checked.
struct DatasetFile {
    stem: String,
    format: DatasetFormat,
    content: DatasetContent,
    warnings: Vec<String>,
}

impl Engine {
    /// Imports the dataset files of the repository `path` is (or is the `blueprints/` folder
    /// of); nothing for a single file. One item per file.
    pub(super) async fn repo_import_datasets(
        &self,
        path: &Path,
        dry_run: bool,
    ) -> Result<Vec<RepoImportItem>, EngineError> {
        let Some(root) = repository_root(path) else {
            return Ok(vec![]);
        };
        let files = dataset_files(&root)?;
        if files.is_empty() {
            return Ok(vec![]);
        }
        let known = self.store.datasets_list().await?;
        let by_stem: HashMap<String, DatasetSummary> =
            dataset_stems(&known).into_iter().zip(known).collect();
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut out = Vec::with_capacity(files.len());
        for path in files {
            let shown = path.display().to_string();
            let rel = relative(&path);
            let invalid = |message: String| RepoImportItem {
                file: shown.clone(),
                kind: ImportKind::Dataset,
                name: String::new(),
                outcome: ImportOutcome::Invalid,
                versions_added: 0,
                labels_moved: vec![],
                message,
                conflict: None,
                resolution: None,
            };
            let parsed = match read(&path, &rel) {
                Ok(p) => p,
                Err(message) => {
                    out.push(invalid(message));
                    continue;
                }
            };
            let key = parsed.stem.to_lowercase();
            if let Some(first) = seen.get(&key) {
                out.push(invalid(format!(
                    "{rel}: {first} holds the same dataset: keep one of the two files"
                )));
                continue;
            }
            seen.insert(key, rel.clone());
            let item = match by_stem.get(&parsed.stem) {
                Some(d) => self.dataset_file_update(d, parsed, &rel, dry_run).await?,
                None => self.dataset_file_new(parsed, &rel, dry_run).await?,
            };
            out.push(RepoImportItem {
                file: shown,
                ..item
            });
        }
        Ok(out)
    }

    async fn dataset_file_new(
        &self,
        f: DatasetFile,
        rel: &str,
        dry_run: bool,
    ) -> Result<RepoImportItem, EngineError> {
        let name = match validate_name_of("a dataset", &f.stem) {
            Ok(n) => n,
            Err(why) => {
                return Ok(item(
                    String::new(),
                    ImportOutcome::Invalid,
                    0,
                    format!("{rel}: the file name is no dataset name: {why}"),
                ))
            }
        };
        let message = with_warnings(
            format!("new dataset with {}", cases(f.content.cases.len())),
            &f.warnings,
        );
        if !dry_run {
            let json = serde_json::to_value(&f.content).expect("content serialises");
            let hash = f.content.content_hash();
            self.store
                .dataset_insert(
                    &ulid::Ulid::new().to_string(),
                    &name,
                    "",
                    Some(dataset_row(&json, &hash, &f.content)),
                    &format!("imported {rel}"),
                    &self.author,
                    &self.now(),
                )
                .await?;
        }
        Ok(item(name, ImportOutcome::New, 1, message))
    }

    async fn dataset_file_update(
        &self,
        d: &DatasetSummary,
        f: DatasetFile,
        rel: &str,
        dry_run: bool,
    ) -> Result<RepoImportItem, EngineError> {
        let latest = match d.latest_version {
            Some(n) => Some((n, self.dataset_content(&d.id, Some(n)).await?.2)),
            None => None,
        };
        if let Some((n, ours)) = &latest {
            if same_cases(ours, &f.content, f.format) {
                return Ok(item(
                    d.name.clone(),
                    ImportOutcome::Unchanged,
                    0,
                    format!("already up to date (the cases of v{n})"),
                ));
            }
        }
        let next = latest.as_ref().map_or(1, |(n, _)| n + 1);
        let was = latest.as_ref().map_or(String::new(), |(n, ours)| {
            format!(" (v{n} has {})", cases(ours.cases.len()))
        });
        let message = with_warnings(
            format!(
                "new version v{next} with {}{was}",
                cases(f.content.cases.len())
            ),
            &f.warnings,
        );
        if !dry_run {
            let json = serde_json::to_value(&f.content).expect("content serialises");
            let hash = f.content.content_hash();
            self.store
                .dataset_version_save(
                    &d.id,
                    dataset_row(&json, &hash, &f.content),
                    &format!("imported {rel}"),
                    &self.author,
                    &self.now(),
                )
                .await?;
        }
        Ok(item(d.name.clone(), ImportOutcome::Updated, 1, message))
    }
}

/// Whether a file's cases are those of a version: the same content, or the same text when both
/// are written in the file's format.
fn same_cases(ours: &DatasetContent, theirs: &DatasetContent, format: DatasetFormat) -> bool {
    if ours.content_hash() == theirs.content_hash() {
        return true;
    }
    match (
        dataset::export(ours, format),
        dataset::export(theirs, format),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Reads and checks one dataset file; the error names the file (`datasets/x.csv`) and its lines.
fn read(path: &Path, rel: &str) -> Result<DatasetFile, String> {
    let stem = stem_of(path).expect("dataset files have a dataset ending");
    let bytes = read_limited(path, "a dataset file (.csv or .jsonl)", MAX_FILE_BYTES)
        .map_err(|e| e.message)?;
    let sniff = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]);
    let format = DatasetFormat::guess(&rel.to_lowercase(), &sniff);
    let imported = dataset::import_bytes(&bytes, format).map_err(|e| problems(rel, &e))?;
    let errors: Vec<String> = imported
        .content
        .validate()
        .into_iter()
        .filter(|i| i.severity == Severity::Error)
        .map(|i| i.to_string())
        .collect();
    if !errors.is_empty() {
        return Err(format!("{rel}: {}", errors.join("; ")));
    }
    Ok(DatasetFile {
        stem,
        format,
        content: imported.content,
        warnings: imported.warnings,
    })
}

/// `datasets/x.csv: line 3: …; line 7: …`.
fn problems(rel: &str, e: &ImportError) -> String {
    let mut list: Vec<String> = e.problems.iter().map(ToString::to_string).collect();
    if e.more > 0 {
        list.push(format!("and {} more", e.more));
    }
    format!("{rel}: {}", list.join("; "))
}

/// The path as the repository names it: `datasets/<file>`.
fn relative(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{DATASETS_DIR}/{name}")
}

fn item(name: String, outcome: ImportOutcome, added: u32, message: String) -> RepoImportItem {
    RepoImportItem {
        file: String::new(),
        kind: ImportKind::Dataset,
        name,
        outcome,
        versions_added: added,
        labels_moved: vec![],
        message,
        conflict: None,
        resolution: None,
    }
}

fn cases(n: usize) -> String {
    if n == 1 {
        "1 case".to_string()
    } else {
        format!("{n} cases")
    }
}

fn with_warnings(message: String, warnings: &[String]) -> String {
    if warnings.is_empty() {
        message
    } else {
        format!("{message}; to check: {}", warnings.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(id: &str, name: &str) -> DatasetSummary {
        DatasetSummary {
            id: id.into(),
            name: name.into(),
            description: String::new(),
            created_at: String::new(),
            updated_at: String::new(),
            latest_version: Some(1),
            cases: 1,
        }
    }

    #[test]
    fn stems_are_slugs_and_a_taken_slug_gets_the_id() {
        let list = [
            summary("01A", "A b"),
            summary("01B", "a-b"),
            summary("01C", "Capitals EU"),
        ];
        assert_eq!(
            dataset_stems(&list),
            ["a-b", "a-b-01b", "capitals-eu"].map(String::from)
        );
    }

    #[test]
    fn only_csv_and_jsonl_files_are_datasets() {
        assert_eq!(
            stem_of(Path::new("datasets/Capitals.CSV")).as_deref(),
            Some("Capitals")
        );
        assert_eq!(stem_of(Path::new("datasets/x.jsonl")).as_deref(), Some("x"));
        assert_eq!(stem_of(Path::new("datasets/x.json")), None);
        assert_eq!(stem_of(Path::new("datasets/.csv")), None);
    }
}
