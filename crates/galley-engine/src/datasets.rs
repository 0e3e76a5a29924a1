//! Datasets: reference cases created in the app or imported from CSV / JSONL (Bedrock's
//! evaluation format included), versioned like blueprints, exported in the same formats.

use std::path::Path;

use galley_core::dataset::{self, DatasetContent, DatasetFormat, Severity};
use galley_core::name::validate_name_of;
use galley_store::{DatasetContentRow, DatasetSummary, DatasetVersionMeta};
use serde::{Deserialize, Serialize};
use tracing::instrument;
use ts_rs::TS;

use crate::{Engine, EngineError, ErrorCode};

/// Files larger than this are refused before reading (a dataset is for reference cases, not bulk
/// data).
const MAX_IMPORT_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DatasetsCreateReq {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DatasetsUpdateReq {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// A dataset and one of its versions; `version` absent means the latest.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DatasetRef {
    pub id: String,
    #[serde(default)]
    #[ts(optional)]
    pub version: Option<u32>,
}

/// A dataset with the content of one version and its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DatasetDetail {
    pub summary: DatasetSummary,
    /// The version shown; none for a dataset never saved.
    pub version: Option<DatasetVersionMeta>,
    pub content: DatasetContent,
    /// Every version, newest first.
    pub versions: Vec<DatasetVersionMeta>,
}

/// Import a file (or text) as a new dataset, or as the next version of an existing one.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DatasetsImportReq {
    /// The file to read. Either this or `text`.
    #[serde(default)]
    #[ts(optional)]
    pub path: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub text: Option<String>,
    /// The format; by default from the file name, else from the content.
    #[serde(default)]
    #[ts(optional)]
    pub format: Option<DatasetFormat>,
    /// Add a version to this dataset instead of creating one.
    #[serde(default)]
    #[ts(optional)]
    pub dataset_id: Option<String>,
    /// The new dataset's name; by default the file's name without extension.
    #[serde(default)]
    #[ts(optional)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DatasetsImportRes {
    pub summary: DatasetSummary,
    /// The version written; none when the content equals the latest version.
    pub version: Option<DatasetVersionMeta>,
    pub format: DatasetFormat,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DatasetsSaveReq {
    pub id: String,
    pub content: DatasetContent,
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DatasetsExportReq {
    pub id: String,
    #[serde(default)]
    #[ts(optional)]
    pub version: Option<u32>,
    pub format: DatasetFormat,
    /// Write to this file (replaced if it exists); the text is returned either way.
    #[serde(default)]
    #[ts(optional)]
    pub path: Option<String>,
}

impl Engine {
    pub async fn datasets_list(&self) -> Result<Vec<DatasetSummary>, EngineError> {
        Ok(self.store.datasets_list().await?)
    }

    /// A dataset by id, or by name (case-insensitive) when no id matches.
    pub async fn dataset_find(&self, id_or_name: &str) -> Result<DatasetSummary, EngineError> {
        match self.store.dataset(id_or_name).await {
            Ok(d) => Ok(d),
            Err(galley_store::StoreError::NotFound(_)) => self
                .store
                .dataset_by_name(id_or_name)
                .await?
                .ok_or_else(|| {
                    EngineError::new(
                        ErrorCode::NotFound,
                        format!("no dataset is called `{id_or_name}`"),
                    )
                }),
            Err(e) => Err(e.into()),
        }
    }

    #[instrument(skip_all, fields(id = %req.id))]
    pub async fn datasets_get(&self, req: DatasetRef) -> Result<DatasetDetail, EngineError> {
        let summary = self.store.dataset(&req.id).await?;
        let versions = self.store.dataset_versions(&req.id).await?;
        if versions.is_empty() && req.version.is_none() {
            return Ok(DatasetDetail {
                summary,
                version: None,
                content: DatasetContent::default(),
                versions,
            });
        }
        let (meta, json) = self.store.dataset_version(&req.id, req.version).await?;
        let content = content_from_json(json, &summary.name, meta.number)?;
        Ok(DatasetDetail {
            summary,
            version: Some(meta),
            content,
            versions,
        })
    }

    /// The content of one version (the latest when `version` is absent).
    pub(crate) async fn dataset_content(
        &self,
        id: &str,
        version: Option<u32>,
    ) -> Result<(DatasetSummary, DatasetVersionMeta, DatasetContent), EngineError> {
        let summary = self.store.dataset(id).await?;
        let (meta, json) = self
            .store
            .dataset_version(id, version)
            .await
            .map_err(|e| match e {
                galley_store::StoreError::NotFound(_) => EngineError::new(
                    ErrorCode::NotFound,
                    match version {
                        Some(n) => format!("the dataset `{}` has no version {n}", summary.name),
                        None => format!("the dataset `{}` has no saved version", summary.name),
                    },
                ),
                other => other.into(),
            })?;
        let content = content_from_json(json, &summary.name, meta.number)?;
        Ok((summary, meta, content))
    }

    #[instrument(skip_all)]
    pub async fn datasets_create(
        &self,
        req: DatasetsCreateReq,
    ) -> Result<DatasetSummary, EngineError> {
        let name = dataset_name(&req.name)?;
        let id = ulid::Ulid::new().to_string();
        self.store
            .dataset_insert(
                &id,
                &name,
                req.description.trim(),
                None,
                "",
                &self.author,
                &self.now(),
            )
            .await?;
        Ok(self.store.dataset(&id).await?)
    }

    #[instrument(skip_all, fields(id = %req.id))]
    pub async fn datasets_update(
        &self,
        req: DatasetsUpdateReq,
    ) -> Result<DatasetSummary, EngineError> {
        let name = dataset_name(&req.name)?;
        self.store
            .dataset_update(&req.id, &name, req.description.trim(), &self.now())
            .await?;
        Ok(self.store.dataset(&req.id).await?)
    }

    pub async fn datasets_delete(&self, req: DatasetRef) -> Result<(), EngineError> {
        Ok(self.store.dataset_delete(&req.id).await?)
    }

    /// Saves edited cases as the next version (nothing when they did not change).
    #[instrument(skip_all, fields(id = %req.id))]
    pub async fn datasets_save(
        &self,
        req: DatasetsSaveReq,
    ) -> Result<Option<DatasetVersionMeta>, EngineError> {
        check_content(&req.content)?;
        let json = serde_json::to_value(&req.content).expect("content serialises");
        let hash = req.content.content_hash();
        Ok(self
            .store
            .dataset_version_save(
                &req.id,
                row(&json, &hash, &req.content),
                req.message.trim(),
                &self.author,
                &self.now(),
            )
            .await?)
    }

    /// Reads a CSV or JSONL file whole: a bad row fails the import (every bad row is named by
    /// its line) and nothing is stored.
    #[instrument(skip_all)]
    pub async fn datasets_import(
        &self,
        req: DatasetsImportReq,
    ) -> Result<DatasetsImportRes, EngineError> {
        let (bytes, file_name) = match (&req.path, &req.text) {
            (Some(path), None) => (
                crate::files::read_limited(
                    Path::new(path),
                    "a CSV or JSONL file",
                    MAX_IMPORT_BYTES,
                )?,
                Some(path.clone()),
            ),
            (None, Some(text)) => (text.clone().into_bytes(), None),
            _ => {
                return Err(EngineError::invalid(
                    "import either a file (path) or text, not both or neither",
                ))
            }
        };
        let sniff = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]);
        let format = req.format.unwrap_or_else(|| match &file_name {
            Some(name) => DatasetFormat::guess(name, &sniff),
            None => dataset::detect(&sniff),
        });
        let where_ = file_name
            .as_deref()
            .map_or("the text".to_string(), file_label);
        let imported = dataset::import_bytes(&bytes, format)
            .map_err(|e| EngineError::invalid(format!("cannot import {where_}: {e}")))?;
        check_content(&imported.content)?;
        let content = imported.content;
        let json = serde_json::to_value(&content).expect("content serialises");
        let hash = content.content_hash();
        let message = match &file_name {
            Some(path) => format!("imported {}", file_label(path)),
            None => "imported".to_string(),
        };
        let now = self.now();
        let (id, version) = match &req.dataset_id {
            Some(id) => {
                let v = self
                    .store
                    .dataset_version_save(
                        id,
                        row(&json, &hash, &content),
                        &message,
                        &self.author,
                        &now,
                    )
                    .await?;
                (id.clone(), v)
            }
            None => {
                let name = match (&req.name, &file_name) {
                    (Some(n), _) => n.clone(),
                    (None, Some(path)) => file_stem(path),
                    (None, None) => {
                        return Err(EngineError::invalid("a new dataset needs a name"));
                    }
                };
                let name = dataset_name(&name)?;
                let id = ulid::Ulid::new().to_string();
                self.store
                    .dataset_insert(
                        &id,
                        &name,
                        "",
                        Some(row(&json, &hash, &content)),
                        &message,
                        &self.author,
                        &now,
                    )
                    .await?;
                let (meta, _) = self.store.dataset_version(&id, Some(1)).await?;
                (id, Some(meta))
            }
        };
        Ok(DatasetsImportRes {
            summary: self.store.dataset(&id).await?,
            version,
            format,
            warnings: imported.warnings,
        })
    }

    /// The version's cases in a file format; written to `path` when given.
    #[instrument(skip_all, fields(id = %req.id))]
    pub async fn datasets_export(&self, req: DatasetsExportReq) -> Result<String, EngineError> {
        let (summary, _, content) = self.dataset_content(&req.id, req.version).await?;
        let text = dataset::export(&content, req.format)
            .map_err(|e| EngineError::invalid(format!("cannot export `{}`: {e}", summary.name)))?;
        if let Some(path) = &req.path {
            crate::files::write_atomic(path, text.as_bytes())?;
        }
        Ok(text)
    }
}

fn dataset_name(raw: &str) -> Result<String, EngineError> {
    validate_name_of("a dataset", raw).map_err(EngineError::invalid)
}

fn check_content(content: &DatasetContent) -> Result<(), EngineError> {
    let issues: Vec<_> = content
        .validate()
        .into_iter()
        .filter(|i| i.severity == Severity::Error)
        .collect();
    if issues.is_empty() {
        return Ok(());
    }
    Err(EngineError::invalid(format!(
        "the cases are not valid: {}",
        issues
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    )))
}

/// A dataset version's stored row: its content as JSON, that JSON's hash and its case count.
pub(crate) fn row<'a>(
    json: &'a serde_json::Value,
    hash: &'a str,
    c: &DatasetContent,
) -> DatasetContentRow<'a> {
    DatasetContentRow {
        content: json,
        content_hash: hash,
        cases: u32::try_from(c.cases.len()).unwrap_or(u32::MAX),
    }
}

fn content_from_json(
    json: serde_json::Value,
    name: &str,
    number: u32,
) -> Result<DatasetContent, EngineError> {
    serde_json::from_value(json).map_err(|e| {
        EngineError::new(
            ErrorCode::Database,
            format!("version {number} of the dataset `{name}` is unreadable: {e}"),
        )
    })
}

fn file_label(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

fn file_stem(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}
