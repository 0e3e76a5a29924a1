//! The owner's view of the ratings: statistics and the CSV of every rating.

use std::collections::HashMap;

use galley_core::review::{
    ratings_csv, results, ItemSource, JudgeScore, Pack, Rater, RaterRating, ResultsInput,
    ReviewResults,
};
use galley_core::stats::Bootstrap;
use galley_store::ReviewRow;
use tracing::instrument;

use super::rate::rating_of;
use super::{owner_only, pack_of, unreadable, ReviewRef, ReviewsFileReq};
use crate::files::write_atomic;
use crate::{Engine, EngineError};

/// Everything the results are computed from, read once.
struct Loaded {
    pack: Pack,
    sources: Vec<ItemSource>,
    variants: Vec<String>,
    ratings: Vec<RaterRating>,
    judge: Vec<JudgeScore>,
}

impl Loaded {
    fn input(&self) -> ResultsInput<'_> {
        ResultsInput {
            pack: &self.pack,
            sources: &self.sources,
            variants: &self.variants,
            ratings: &self.ratings,
            judge: &self.judge,
            bootstrap: Bootstrap::default(),
        }
    }
}

impl Engine {
    /// Win rates, Likert means, per-rater figures, position bias and agreement of a review.
    #[instrument(skip_all, fields(review = %req.id))]
    pub async fn reviews_results(&self, req: ReviewRef) -> Result<ReviewResults, EngineError> {
        let loaded = self.load_results(&req.id).await?;
        Ok(results(&loaded.input()))
    }

    /// Writes every rating as CSV, with the variants revealed (owner only).
    #[instrument(skip_all, fields(review = %req.id))]
    pub async fn reviews_export_csv(&self, req: ReviewsFileReq) -> Result<String, EngineError> {
        let loaded = self.load_results(&req.id).await?;
        let path = write_atomic(&req.path, ratings_csv(&loaded.input()).as_bytes())?;
        Ok(path.display().to_string())
    }

    async fn load_results(&self, id: &str) -> Result<Loaded, EngineError> {
        let row = self.store.review_get(id).await?;
        owner_only(&row, "reading results")?;
        let pack = pack_of(&row)?;
        let sources: Vec<ItemSource> = parse_json(&row, "sources", row.sources.as_deref())?;
        let variants: Vec<String> = parse_json(&row, "variants", row.variants.as_deref())?;
        let ratings = self
            .store
            .ratings_of(id, None)
            .await?
            .iter()
            .map(|r| {
                Ok(RaterRating {
                    rater: Rater {
                        name: r.rater_name.clone(),
                        email: r.rater_email.clone(),
                    },
                    rating: rating_of(r)?,
                })
            })
            .collect::<Result<Vec<_>, EngineError>>()?;
        let judge = match &row.run_id {
            Some(run_id) => self.judge_scores(run_id, &sources).await?,
            None => Vec::new(),
        };
        Ok(Loaded {
            pack,
            sources,
            variants,
            ratings,
            judge,
        })
    }

    /// The mean LLM-judge score of each answer of each item, from the run's verdicts.
    async fn judge_scores(
        &self,
        run_id: &str,
        sources: &[ItemSource],
    ) -> Result<Vec<JudgeScore>, EngineError> {
        let mut by_cell: HashMap<(u32, u32, u32), (f64, u32)> = HashMap::new();
        for s in self.store.run_scores(run_id).await? {
            // Judges keep their prompt and verdict in `detail`; assertions do not.
            if s.status != "ok" || s.detail.is_none() {
                continue;
            }
            if let Some(score) = s.score {
                let e = by_cell
                    .entry((s.column_index, s.input_index, s.repeat))
                    .or_insert((0.0, 0));
                e.0 += score;
                e.1 += 1;
            }
        }
        let mut out = Vec::new();
        for src in sources {
            for (answer, &column) in src.columns.iter().enumerate() {
                if let Some((sum, n)) = by_cell.get(&(column, src.input, src.repeat)) {
                    out.push(JudgeScore {
                        item: src.item.clone(),
                        answer: answer as u32,
                        score: sum / f64::from(*n),
                    });
                }
            }
        }
        Ok(out)
    }
}

fn parse_json<T: for<'de> serde::Deserialize<'de>>(
    row: &ReviewRow,
    what: &str,
    text: Option<&str>,
) -> Result<T, EngineError> {
    serde_json::from_str(text.unwrap_or("[]")).map_err(|e| unreadable(row, what, e))
}
