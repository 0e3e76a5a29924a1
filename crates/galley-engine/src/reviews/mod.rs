//! Human review: a run's answers made into a blind queue, rated here or by raters elsewhere
//! through a review pack, merged back, and summed up (see `galley_core::review`).

mod create;
mod exchange;
mod model;
mod rate;
mod results;

use galley_core::review::{Pack, ReviewKind};
use galley_store::{ReviewListRow, ReviewRow};
use tracing::instrument;

pub use model::*;

use crate::{Engine, EngineError, ErrorCode};

/// Review files larger than this are refused before reading.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

impl Engine {
    /// Every review on this desktop, newest first.
    #[instrument(skip_all)]
    pub async fn reviews_list(&self) -> Result<Vec<ReviewSummary>, EngineError> {
        self.store
            .reviews_list()
            .await?
            .into_iter()
            .map(|row| summary_of(&row))
            .collect()
    }

    #[instrument(skip_all, fields(review = %req.id))]
    pub async fn reviews_get(&self, req: ReviewRef) -> Result<ReviewSummary, EngineError> {
        self.review_summary(&req.id).await
    }

    /// Deletes a review and every rating in it.
    #[instrument(skip_all, fields(review = %req.id))]
    pub async fn reviews_delete(&self, req: ReviewRef) -> Result<(), EngineError> {
        Ok(self.store.review_delete(&req.id).await?)
    }

    /// One review's summary, read alone (not by listing every review).
    pub(crate) async fn review_summary(&self, id: &str) -> Result<ReviewSummary, EngineError> {
        summary_of(&self.store.review_listed(id).await?)
    }
}

fn summary_of(row: &ReviewListRow) -> Result<ReviewSummary, EngineError> {
    let pack = pack_of(&row.review)?;
    Ok(ReviewSummary {
        id: row.review.id.clone(),
        title: row.review.title.clone(),
        role: role_of(&row.review),
        kind: pack.kind,
        items: pack.items.len() as u32,
        metrics: pack.metrics,
        run_id: row.review.run_id.clone(),
        raters: row.raters,
        ratings: row.ratings,
        created_at: row.review.created_at.clone(),
    })
}

fn role_of(row: &ReviewRow) -> ReviewRole {
    if row.role == "owner" {
        ReviewRole::Owner
    } else {
        ReviewRole::Rater
    }
}

fn pack_of(row: &ReviewRow) -> Result<Pack, EngineError> {
    serde_json::from_str(&row.pack).map_err(|e| unreadable(row, "pack", e))
}

fn unreadable(row: &ReviewRow, what: &str, e: serde_json::Error) -> EngineError {
    EngineError::new(
        ErrorCode::Database,
        format!("the {what} of review \"{}\" is unreadable: {e}", row.title),
    )
}

fn kind_str(kind: ReviewKind) -> &'static str {
    kind.label()
}

/// A fresh seed for a pack's shuffles or a rater's presentation.
fn random_seed() -> u32 {
    (ulid::Ulid::new().random() & u128::from(u32::MAX)) as u32
}

/// Only the owner's copy knows where answers came from.
fn owner_only(row: &ReviewRow, what: &str) -> Result<(), EngineError> {
    if role_of(row) == ReviewRole::Owner {
        Ok(())
    } else {
        Err(EngineError::invalid(format!(
            "\"{}\" is a copy to rate: {what} is done in the owner's Galley",
            row.title
        )))
    }
}
