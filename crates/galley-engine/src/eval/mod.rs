//! Evaluation: the evaluators of each version score the cells of a run as they finish, and the
//! run's statistics say which variant wins, how sure that is, and whether each version's
//! thresholds hold (the CI gate of `galley eval`).

mod model;
mod repo_report;
mod report;
mod score;
mod summary;

use std::collections::HashMap;

use tracing::instrument;

pub use model::*;
pub use repo_report::{EvalRepoEntry, EvalRepoReportReq};
pub use report::{EvalReportFiles, EvalReportReq};
pub(crate) use score::{score_from_row, score_row, Scorer};

use crate::runs::{CellKey, RunCell, RunRef, RunSpec};
use crate::{Engine, EngineError};

impl Engine {
    /// The built-in rubrics an LLM judge can use.
    pub fn eval_rubrics(&self) -> Vec<galley_core::eval::Rubric> {
        galley_core::eval::rubrics().to_vec()
    }

    /// Every verdict of a run.
    #[instrument(skip_all, fields(run_id = %req.run_id))]
    pub async fn eval_scores(&self, req: RunRef) -> Result<EvalScoresRes, EngineError> {
        self.store.run_get(&req.run_id).await?;
        Ok(EvalScoresRes {
            scores: self.stored_scores(&req.run_id).await?,
        })
    }

    /// The statistics of a run's verdicts, per variant and between variants, with the gate.
    #[instrument(skip_all, fields(run_id = %req.run_id))]
    pub async fn eval_summary(&self, req: RunRef) -> Result<EvalSummary, EngineError> {
        let detail = self.runs_get(req.clone()).await?;
        let scores = self.stored_scores(&req.run_id).await?;
        Ok(summary::summarize(&detail, &scores))
    }

    pub(crate) async fn stored_scores(&self, run_id: &str) -> Result<Vec<CellScore>, EngineError> {
        Ok(self
            .store
            .run_scores(run_id)
            .await?
            .into_iter()
            .map(score_from_row)
            .collect())
    }

    /// Stored cells (status ok) that lack a verdict from one of their version's evaluators.
    pub(crate) async fn unscored_cells(
        &self,
        run_id: &str,
        spec: &RunSpec,
    ) -> Result<Vec<RunCell>, EngineError> {
        let mut have: HashMap<CellKey, usize> = HashMap::new();
        for s in self.store.run_scores(run_id).await? {
            let key = CellKey {
                column: s.column_index,
                input: s.input_index,
                repeat: s.repeat,
            };
            *have.entry(key).or_default() += 1;
        }
        let cells = self.store.run_cells(run_id).await?;
        Ok(cells
            .into_iter()
            .map(crate::runs::cell_from_row)
            .filter(|c| c.status == crate::runs::CellStatus::Ok)
            .filter(|c| {
                let Some(column) = spec.columns.get(c.key.column as usize) else {
                    return false;
                };
                let wanted = spec
                    .versions
                    .get(&column.version)
                    .map_or(0, |v| v.evaluators.len());
                have.get(&c.key).copied().unwrap_or(0) < wanted
            })
            .collect())
    }
}
