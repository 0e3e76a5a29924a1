//! Blueprint library commands: list, create, rename, tag, duplicate, delete, open.

use galley_core::name::{copy_name, normalize_tags, validate_name};
use galley_core::BlueprintContent;
use galley_store::{BlueprintSummary, Draft};
use tracing::instrument;

use crate::dto::*;
use crate::{Engine, EngineError};

impl Engine {
    #[instrument(skip_all)]
    pub async fn blueprints_list(
        &self,
        req: BlueprintsListReq,
    ) -> Result<Vec<BlueprintSummary>, EngineError> {
        Ok(self.store.blueprints_list(&req.search).await?)
    }

    #[instrument(skip_all)]
    pub async fn blueprints_create(
        &self,
        req: BlueprintsCreateReq,
    ) -> Result<BlueprintSummary, EngineError> {
        let name = validate_name(&req.name).map_err(EngineError::invalid)?;
        let tags = normalize_tags(&req.tags).map_err(EngineError::invalid)?;
        let id = ulid::Ulid::new().to_string();
        self.store
            .blueprint_insert(&id, &name, &tags, &self.now())
            .await?;
        Ok(self.store.blueprint(&id).await?)
    }

    #[instrument(skip_all, fields(id = %req.id))]
    pub async fn blueprints_rename(
        &self,
        req: BlueprintsRenameReq,
    ) -> Result<BlueprintSummary, EngineError> {
        let name = validate_name(&req.name).map_err(EngineError::invalid)?;
        self.store
            .blueprint_rename(&req.id, &name, &self.now())
            .await?;
        Ok(self.store.blueprint(&req.id).await?)
    }

    #[instrument(skip_all, fields(id = %req.id))]
    pub async fn blueprints_set_tags(
        &self,
        req: BlueprintsSetTagsReq,
    ) -> Result<BlueprintSummary, EngineError> {
        let tags = normalize_tags(&req.tags).map_err(EngineError::invalid)?;
        self.store
            .blueprint_set_tags(&req.id, &tags, &self.now())
            .await?;
        Ok(self.store.blueprint(&req.id).await?)
    }

    /// A new blueprint named `NAME (copy)` whose version 1 is the source's latest version
    /// (and whose draft is the source's draft, if any). Labels and history are not copied.
    #[instrument(skip_all, fields(id = %req.id))]
    pub async fn blueprints_duplicate(
        &self,
        req: BlueprintRef,
    ) -> Result<BlueprintSummary, EngineError> {
        let source = self.store.blueprint(&req.id).await?;
        let name = copy_name(&source.name, &self.store.blueprint_names().await?);
        let id = ulid::Ulid::new().to_string();
        let now = self.now();
        self.store
            .blueprint_insert(&id, &name, &source.tags, &now)
            .await?;
        if let Some(latest) = self.store.version_latest(&req.id).await? {
            let message = format!("Duplicated from {} v{}", source.name, latest.meta.number);
            self.store
                .version_save(&id, &latest.content, &message, &self.author, &now)
                .await?;
        }
        if let Some(draft) = self.store.draft(&req.id).await? {
            let base = self.store.version_latest(&id).await?.map(|v| v.meta.number);
            self.store
                .draft_put(
                    &id,
                    &Draft {
                        content: draft.content,
                        base_version: base,
                        updated_at: now,
                    },
                )
                .await?;
        }
        Ok(self.store.blueprint(&id).await?)
    }

    #[instrument(skip_all, fields(id = %req.id))]
    pub async fn blueprints_delete(&self, req: BlueprintRef) -> Result<(), EngineError> {
        Ok(self.store.blueprint_delete(&req.id).await?)
    }

    #[instrument(skip_all, fields(id = %req.id))]
    pub async fn blueprints_open(
        &self,
        req: BlueprintRef,
    ) -> Result<BlueprintsOpenRes, EngineError> {
        let summary = self.store.blueprint(&req.id).await?;
        Ok(BlueprintsOpenRes {
            versions: self.store.versions_list(&req.id).await?,
            latest: self.store.version_latest(&req.id).await?,
            labels: self.store.labels(&req.id).await?,
            label_moves: self.store.label_moves(&req.id).await?,
            draft: self.store.draft(&req.id).await?,
            starter: BlueprintContent::default(),
            summary,
        })
    }

    /// Autosaves unsaved work; it survives restarts until a version is saved or it is discarded.
    #[instrument(skip_all, fields(id = %req.id))]
    pub async fn drafts_save(&self, req: DraftsSaveReq) -> Result<(), EngineError> {
        let draft = Draft {
            content: req.content,
            base_version: req.base_version,
            updated_at: self.now(),
        };
        Ok(self.store.draft_put(&req.id, &draft).await?)
    }

    #[instrument(skip_all, fields(id = %req.id))]
    pub async fn drafts_discard(&self, req: BlueprintRef) -> Result<(), EngineError> {
        Ok(self.store.draft_delete(&req.id).await?)
    }
}

impl Engine {
    /// The blueprint named `name` (case-insensitive).
    pub async fn blueprint_by_name(&self, name: &str) -> Result<BlueprintSummary, EngineError> {
        self.store
            .blueprint_by_name(name.trim())
            .await
            .map_err(|e| match e {
                galley_store::StoreError::NotFound(_) => EngineError::new(
                    crate::ErrorCode::NotFound,
                    format!(
                        "no blueprint named `{}`: `galley blueprints list` shows them",
                        name.trim()
                    ),
                ),
                other => other.into(),
            })
    }
}
