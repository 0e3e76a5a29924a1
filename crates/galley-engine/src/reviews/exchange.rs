//! Review files: the pack handed to raters, the ratings they send back, and merging them.

use std::path::Path;

use galley_core::review::{plan_merge, Pack, RatingsFile, ReviewFileError};
use galley_store::{RatingRow, ReviewRow};
use tracing::instrument;

use super::rate::to_json;
use super::{
    kind_str, owner_only, pack_of, MergeReport, ReviewSummary, ReviewsFileReq, ReviewsImportReq,
    ReviewsMergeReq, MAX_FILE_BYTES,
};
use crate::files::{read_limited, write_atomic};
use crate::{Engine, EngineError};

impl Engine {
    /// Writes the review's pack (items and instructions, no identities) for raters.
    #[instrument(skip_all, fields(review = %req.id))]
    pub async fn reviews_export_pack(&self, req: ReviewsFileReq) -> Result<String, EngineError> {
        let row = self.store.review_get(&req.id).await?;
        let pack = pack_of(&row)?;
        let path = write_atomic(&req.path, pack.to_file().as_bytes())?;
        Ok(path.display().to_string())
    }

    /// Adds a review pack received from its owner, to rate here.
    #[instrument(skip_all)]
    pub async fn reviews_import_pack(
        &self,
        req: ReviewsImportReq,
    ) -> Result<ReviewSummary, EngineError> {
        let (name, text) = source(req.path.as_deref(), req.text, req.file_name.as_deref())?;
        let pack = Pack::read(&text).map_err(|e| file_error(&name, &e))?;
        if let Ok(existing) = self.store.review_get(&pack.review_id).await {
            return Err(EngineError::new(
                crate::ErrorCode::Conflict,
                if existing.role == "owner" {
                    format!(
                        "\"{}\" is your own review: rate it from Reviews instead of importing its pack",
                        existing.title
                    )
                } else {
                    format!(
                        "the review \"{}\" is already here: open it from Reviews",
                        existing.title
                    )
                },
            ));
        }
        self.store
            .review_insert(&ReviewRow {
                id: pack.review_id.clone(),
                role: "rater".into(),
                title: pack.title.clone(),
                kind: kind_str(pack.kind).into(),
                run_id: None,
                pack: to_json(&pack),
                pack_hash: pack.content_hash.clone(),
                sources: None,
                variants: None,
                seed: 0,
                created_at: self.now(),
            })
            .await?;
        self.review_summary(&pack.review_id).await
    }

    /// Writes the ratings given here, by the rater in Settings, to send to the review's owner.
    /// Returns how many ratings the file holds.
    #[instrument(skip_all, fields(review = %req.id))]
    pub async fn reviews_export_ratings(&self, req: ReviewsFileReq) -> Result<u32, EngineError> {
        let rater = self.rater().await?;
        let row = self.store.review_get(&req.id).await?;
        let pack = pack_of(&row)?;
        let ratings = self.own_ratings(&row.id, &rater).await?;
        if ratings.is_empty() {
            return Err(EngineError::invalid(format!(
                "you have not rated anything in \"{}\" yet",
                row.title
            )));
        }
        let seed = self.session_seed(&row, &rater).await?;
        let count = ratings.len() as u32;
        let file = RatingsFile::new(&pack, rater, seed, ratings, self.now());
        write_atomic(&req.path, file.to_file().as_bytes())?;
        Ok(count)
    }

    /// Merges a rater's ratings file into the owner's review. New ratings are added, identical
    /// ones skipped, and differing ones listed as conflicts: they replace the kept rating only
    /// when `replace_conflicts` is set. A file for another review or pack, or edited by hand, is
    /// refused whole.
    #[instrument(skip_all, fields(review = %req.id))]
    pub async fn reviews_merge(&self, req: ReviewsMergeReq) -> Result<MergeReport, EngineError> {
        let row = self.store.review_get(&req.id).await?;
        owner_only(&row, "merging ratings")?;
        let pack = pack_of(&row)?;
        let (name, text) = source(req.path.as_deref(), req.text, req.file_name.as_deref())?;
        let file = RatingsFile::read(&text, &pack).map_err(|e| file_error(&name, &e))?;
        let kept = self.own_ratings(&row.id, &file.rater).await?;
        let plan = plan_merge(&kept, &file.ratings);
        let mut write: Vec<_> = plan.new.iter().collect();
        if req.replace_conflicts {
            write.extend(plan.conflicts.iter().map(|(_, r)| r));
        }
        let rows: Vec<RatingRow> = write
            .iter()
            .map(|r| RatingRow {
                rater_email: file.rater.email.clone(),
                rater_name: file.rater.name.clone(),
                item: r.item.clone(),
                metric: r.metric.clone(),
                value: to_json(&r.value),
                shown: to_json(&r.shown),
                comment: r.comment.clone(),
                rated_at: r.rated_at.clone(),
                origin: "merged".into(),
            })
            .collect();
        self.store.ratings_put(&row.id, &rows).await?;
        Ok(MergeReport {
            rater: file.rater,
            added: plan.new.len() as u32,
            duplicates: plan.duplicates,
            replaced: if req.replace_conflicts {
                plan.conflicts.len() as u32
            } else {
                0
            },
            conflicts: plan.conflicts.into_iter().map(|(c, _)| c).collect(),
        })
    }
}

/// The text of a review file given by path or inline, with the name to use in messages.
fn source(
    path: Option<&str>,
    text: Option<String>,
    file_name: Option<&str>,
) -> Result<(String, String), EngineError> {
    match (path, text) {
        (Some(path), None) => Ok((name_of(path), read_text(path)?)),
        (None, Some(text)) => {
            if text.len() as u64 > MAX_FILE_BYTES {
                return Err(EngineError::invalid(format!(
                    "a review file may have at most {} MB",
                    MAX_FILE_BYTES / (1024 * 1024)
                )));
            }
            Ok((file_name.unwrap_or("the file").to_string(), text))
        }
        _ => Err(EngineError::invalid(
            "give either the review file's path or its text",
        )),
    }
}

fn read_text(path: &str) -> Result<String, EngineError> {
    let bytes = read_limited(
        Path::new(path.trim()),
        "a review file (.json)",
        MAX_FILE_BYTES,
    )?;
    String::from_utf8(bytes).map_err(|_| {
        EngineError::invalid(format!(
            "{}: this is not a Galley review file (not text)",
            name_of(path)
        ))
    })
}

fn file_error(name: &str, e: &ReviewFileError) -> EngineError {
    EngineError::invalid(format!("{name}: {e}"))
}

fn name_of(path: &str) -> String {
    Path::new(path.trim())
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}
