//! Versions, diffs and labels.

use galley_core::diff::diff_content;
use galley_core::{version, ContentDiff};
use galley_store::Version;
use tracing::instrument;

use crate::dto::*;
use crate::{Engine, EngineError, ErrorCode};

impl Engine {
    /// Saves the content as a new immutable version; saving unchanged content creates nothing.
    /// Content whose templates do not parse, or whose settings are out of range, is refused with
    /// every problem listed (the draft keeps the work).
    #[instrument(skip_all, fields(id = %req.id))]
    pub async fn versions_save(
        &self,
        req: VersionsSaveReq,
    ) -> Result<VersionsSaveRes, EngineError> {
        if let Err(problems) = version::validate(&req.content) {
            return Err(EngineError::invalid(format!(
                "cannot save a version: {}",
                problems.join("; ")
            )));
        }
        let message = req.message.trim();
        let saved = self
            .store
            .version_save(&req.id, &req.content, message, &self.author, &self.now())
            .await?;
        match saved {
            Some(meta) => Ok(VersionsSaveRes {
                created: true,
                version: meta,
            }),
            None => {
                // Unchanged: the draft (identical to the latest version) has nothing to keep.
                self.store.draft_delete(&req.id).await?;
                let latest = self
                    .store
                    .version_latest(&req.id)
                    .await?
                    .expect("unchanged implies a latest version");
                Ok(VersionsSaveRes {
                    created: false,
                    version: latest.meta,
                })
            }
        }
    }

    #[instrument(skip_all, fields(id = %req.id, number = req.number))]
    pub async fn versions_get(&self, req: VersionsGetReq) -> Result<Version, EngineError> {
        Ok(self.store.version(&req.id, req.number).await?)
    }

    #[instrument(skip_all, fields(id = %req.id))]
    pub async fn versions_diff(&self, req: VersionsDiffReq) -> Result<ContentDiff, EngineError> {
        let old = self.store.version(&req.id, req.from).await?;
        let new = self.store.version(&req.id, req.to).await?;
        Ok(diff_content(&old.content, &new.content))
    }

    /// Points a label at a version (promotion or rollback) and records the move.
    #[instrument(skip_all, fields(id = %req.id, label = %req.label, version = req.version))]
    pub async fn labels_move(&self, req: LabelsMoveReq) -> Result<LabelsMoveRes, EngineError> {
        let move_id = ulid::Ulid::new().to_string();
        let moved = self
            .store
            .label_move(
                &req.id,
                req.label,
                req.version,
                &move_id,
                &self.author,
                &self.now(),
            )
            .await?;
        Ok(LabelsMoveRes {
            moved,
            labels: self.store.labels(&req.id).await?,
            label_moves: self.store.label_moves(&req.id).await?,
        })
    }

    /// The version of blueprint `name` chosen by `sel`: a number, a label, or the latest.
    #[instrument(skip_all)]
    pub async fn versions_resolve(
        &self,
        name: &str,
        sel: &VersionSelector,
    ) -> Result<Version, EngineError> {
        let bp = self.store.blueprint_by_name(name).await?;
        let number = match (sel.version, sel.label) {
            (Some(_), Some(_)) => {
                return Err(EngineError::invalid("give a version or a label, not both"))
            }
            (Some(n), None) => n,
            (None, Some(label)) => {
                self.store
                    .label_version(&bp.id, label)
                    .await?
                    .ok_or_else(|| {
                        EngineError::new(
                            ErrorCode::NotFound,
                            format!("label `{label}` of `{}` is not set", bp.name),
                        )
                    })?
            }
            (None, None) => bp.latest_version.ok_or_else(|| {
                EngineError::new(
                    ErrorCode::NotFound,
                    format!("`{}` has no saved version yet", bp.name),
                )
            })?,
        };
        self.store
            .version(&bp.id, number)
            .await
            .map_err(|e| match e {
                galley_store::StoreError::NotFound(_) => EngineError::new(
                    ErrorCode::NotFound,
                    format!(
                        "`{}` has no version {number} (latest is {})",
                        bp.name,
                        bp.latest_version.unwrap_or(0)
                    ),
                ),
                other => other.into(),
            })
    }
}
