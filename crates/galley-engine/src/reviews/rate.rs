//! Rating on this desktop: the rater's own blind queue, and their ratings in screen positions.

use galley_core::review::{present, Pack, Rater, Rating, RatingValue};
use galley_store::{RatingRow, ReviewRow};
use tracing::instrument;

use super::{
    pack_of, random_seed, QueueItem, RatingSession, ReviewRef, ReviewsRateReq, ReviewsUnrateReq,
    ShownRating,
};
use crate::{Engine, EngineError, ErrorCode};

/// Longest comment kept with a rating.
const MAX_COMMENT_CHARS: usize = 4000;

impl Engine {
    /// The rater's queue: items in their own order, answers on their own sides, with their own
    /// ratings so far. The order is fixed on the first call, so rating can stop and resume.
    #[instrument(skip_all, fields(review = %req.id))]
    pub async fn reviews_session(&self, req: ReviewRef) -> Result<RatingSession, EngineError> {
        let rater = self.rater().await?;
        let row = self.store.review_get(&req.id).await?;
        let pack = pack_of(&row)?;
        let seed = self.session_seed(&row, &rater).await?;
        let shown = present(seed, &pack.shapes());
        let queue = shown
            .order
            .iter()
            .map(|&i| {
                let item = &pack.items[i as usize];
                QueueItem {
                    id: item.id.clone(),
                    prompt: item.prompt.clone(),
                    answers: shown
                        .sides_of(i as usize)
                        .iter()
                        .map(|&a| item.answers[a].clone())
                        .collect(),
                }
            })
            .collect();
        let ratings = self
            .own_ratings(&row.id, &rater)
            .await?
            .into_iter()
            .map(|r| ShownRating {
                value: r.value.to_shown(&r.shown_usize()),
                item: r.item,
                metric: r.metric,
                comment: r.comment,
                rated_at: r.rated_at,
            })
            .collect();
        let review = self.review_summary(&row.id).await?;
        Ok(RatingSession {
            review,
            instructions: pack.instructions,
            rater,
            queue,
            ratings,
        })
    }

    /// Records (or replaces) the rater's rating of one metric of one item.
    #[instrument(skip_all, fields(review = %req.review_id, item = %req.item))]
    pub async fn reviews_rate(&self, req: ReviewsRateReq) -> Result<ShownRating, EngineError> {
        let rater = self.rater().await?;
        let row = self.store.review_get(&req.review_id).await?;
        let pack = pack_of(&row)?;
        let seed = self.session_seed(&row, &rater).await?;
        let index = item_index(&pack, &req.item)?;
        let metric = pack.metric(&req.metric).ok_or_else(|| {
            EngineError::invalid(format!(
                "there is no metric \"{}\" in this review",
                req.metric
            ))
        })?;
        let answers = pack.items[index].answers.len();
        req.value
            .check(metric.method, answers)
            .map_err(|e| EngineError::invalid(format!("{}: {e}", req.metric)))?;
        let comment = req.comment.trim().to_string();
        if comment.chars().count() > MAX_COMMENT_CHARS {
            return Err(EngineError::invalid(format!(
                "a comment is at most {MAX_COMMENT_CHARS} characters"
            )));
        }
        let shown = present(seed, &pack.shapes()).sides_of(index);
        let rated_at = self.now();
        self.store
            .ratings_put(
                &row.id,
                &[RatingRow {
                    rater_email: rater.email.clone(),
                    rater_name: rater.name.clone(),
                    item: req.item.clone(),
                    metric: req.metric.clone(),
                    value: to_json(&req.value.to_canonical(&shown)),
                    shown: to_json(&shown),
                    comment: comment.clone(),
                    rated_at: rated_at.clone(),
                    origin: "here".into(),
                }],
            )
            .await?;
        Ok(ShownRating {
            item: req.item,
            metric: req.metric,
            value: req.value,
            comment,
            rated_at,
        })
    }

    /// Takes back the rater's rating of one metric of one item; `false` if there was none.
    #[instrument(skip_all, fields(review = %req.review_id, item = %req.item))]
    pub async fn reviews_unrate(&self, req: ReviewsUnrateReq) -> Result<bool, EngineError> {
        let rater = self.rater().await?;
        Ok(self
            .store
            .rating_delete(&req.review_id, &rater.email, &req.item, &req.metric)
            .await?)
    }

    /// The rater set in Settings, required before rating.
    pub(super) async fn rater(&self) -> Result<Rater, EngineError> {
        let me = self.settings_get().await?.rater;
        if !me.is_set() {
            return Err(EngineError::invalid(
                "set your name and email in Settings → Reviews first: ratings are recorded under \
                 them",
            ));
        }
        Ok(Rater {
            name: me.name,
            email: me.email,
        })
    }

    pub(super) async fn session_seed(
        &self,
        row: &ReviewRow,
        rater: &Rater,
    ) -> Result<u32, EngineError> {
        Ok(self
            .store
            .review_session_seed(&row.id, &rater.email, random_seed())
            .await?)
    }

    /// A rater's stored ratings, canonical.
    pub(super) async fn own_ratings(
        &self,
        review_id: &str,
        rater: &Rater,
    ) -> Result<Vec<Rating>, EngineError> {
        self.store
            .ratings_of(review_id, Some(&rater.email))
            .await?
            .iter()
            .map(rating_of)
            .collect()
    }
}

pub(super) fn item_index(pack: &Pack, item: &str) -> Result<usize, EngineError> {
    pack.item_index(item)
        .ok_or_else(|| EngineError::invalid(format!("there is no item \"{item}\" in this review")))
}

pub(super) fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("ratings always serialise")
}

/// A stored rating read back.
pub(super) fn rating_of(row: &RatingRow) -> Result<Rating, EngineError> {
    let bad = |e: serde_json::Error| {
        EngineError::new(
            ErrorCode::Database,
            format!("a rating of item \"{}\" is unreadable: {e}", row.item),
        )
    };
    let value: RatingValue = serde_json::from_str(&row.value).map_err(bad)?;
    let shown: Vec<u32> = serde_json::from_str(&row.shown).map_err(bad)?;
    Ok(Rating {
        item: row.item.clone(),
        metric: row.metric.clone(),
        value,
        shown,
        comment: row.comment.clone(),
        rated_at: row.rated_at.clone(),
    })
}
