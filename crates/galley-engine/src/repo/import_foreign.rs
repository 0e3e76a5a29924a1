//! Importing one file of a neighbouring tool (`.prompt.yml`, `.prompty`, a Bedrock
//! `CreatePrompt` `.json`): a new blueprint, or a new version of the blueprint of that name when
//! the content differs from its latest version.

use std::path::Path;

use galley_core::formats::{self, Imported};
use tracing::instrument;

use super::{ImportKind, ImportOutcome, RepoImportItem, RepoImportReq, FILE_SUFFIX};
use crate::files::read_limited;
use crate::{Engine, EngineError};

/// Prompt files larger than this are refused before reading.
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

impl Engine {
    /// Imports `req.path` when it is one file in a foreign format; `None` otherwise (a folder,
    /// or a blueprint file), for the blueprint-file import to handle.
    #[instrument(skip_all, fields(path = %req.path))]
    pub(super) async fn repo_import_foreign(
        &self,
        req: &RepoImportReq,
    ) -> Result<Option<Vec<RepoImportItem>>, EngineError> {
        let path = Path::new(req.path.trim());
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !path.is_file()
            || name.to_ascii_lowercase().ends_with(FILE_SUFFIX)
            || formats::import_format(&name).is_none()
        {
            return Ok(None);
        }
        let shown = path.display().to_string();
        let item = |name: String, outcome, versions_added, message| RepoImportItem {
            file: shown.clone(),
            kind: ImportKind::Blueprint,
            name,
            outcome,
            versions_added,
            labels_moved: vec![],
            message,
            conflict: None,
            resolution: None,
        };
        let read = read_limited(path, "a prompt file", MAX_FILE_BYTES).and_then(|bytes| {
            String::from_utf8(bytes)
                .map_err(|_| EngineError::invalid(format!("{name}: not UTF-8 text")))
        });
        let imported = match read {
            Err(e) => Err(e.message),
            Ok(text) => formats::import(&name, &text).map_err(|e| e.to_string()),
        };
        let endpoints = self.named_endpoints().await?;
        let imported = imported.map(|mut i| {
            i.connect(&endpoints);
            i
        });
        let Imported {
            name: bp_name,
            content,
            notes,
            ..
        } = match imported {
            Ok(i) => i,
            Err(message) => {
                return Ok(Some(vec![item(
                    String::new(),
                    ImportOutcome::Invalid,
                    0,
                    message,
                )]))
            }
        };
        let existing = match self.store.blueprint_by_name(&bp_name).await {
            Ok(b) => Some(b),
            Err(galley_store::StoreError::NotFound(_)) => None,
            Err(e) => return Err(e.into()),
        };
        let latest_hash = match &existing {
            Some(b) => self
                .store
                .version_latest(&b.id)
                .await?
                .map(|v| v.meta.content_hash),
            None => None,
        };
        let hash = content.content_hash();
        let (outcome, what) = match (&existing, latest_hash) {
            (None, _) => (
                ImportOutcome::New,
                "new blueprint with 1 version".to_string(),
            ),
            (Some(_), Some(h)) if h == hash => (
                ImportOutcome::Unchanged,
                "already up to date: the latest version has this content".to_string(),
            ),
            (Some(_), _) => (
                ImportOutcome::Updated,
                "1 version added: the content differs from the latest version".to_string(),
            ),
        };
        let message = if notes.is_empty() {
            what
        } else {
            format!("{what}; {}", notes.join("; "))
        };
        let added = u32::from(outcome != ImportOutcome::Unchanged);
        if req.dry_run || outcome == ImportOutcome::Unchanged {
            return Ok(Some(vec![item(bp_name, outcome, added, message)]));
        }
        let id = match existing {
            Some(b) => b.id,
            None => {
                self.blueprints_create(crate::BlueprintsCreateReq {
                    name: bp_name.clone(),
                    tags: vec![],
                })
                .await?
                .id
            }
        };
        self.versions_save(crate::VersionsSaveReq {
            id,
            content,
            message: format!("Imported from {name}"),
        })
        .await?;
        Ok(Some(vec![item(bp_name, outcome, added, message)]))
    }
}
