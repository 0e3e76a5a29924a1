//! Evaluators' verdicts on the cells of a run.

use serde_json::Value;
use sqlx::Row;

use crate::db::Store;
use crate::error::StoreError;

/// One evaluator's verdict on one cell, or the error that kept it from judging.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    pub column_index: u32,
    pub input_index: u32,
    pub repeat: u32,
    pub evaluator: String,
    /// `ok` or `error`.
    pub status: String,
    pub pass: Option<bool>,
    pub score: Option<f64>,
    pub reason: String,
    /// What explains the verdict: a judge's prompt, model, raw answer, usage and cost.
    pub detail: Option<Value>,
    pub created_at: String,
}

impl Store {
    /// Writes the verdicts (replacing earlier ones of the same evaluator on the same cell) in one
    /// transaction.
    pub async fn scores_put(&self, run_id: &str, scores: &[ScoreRow]) -> Result<(), StoreError> {
        if scores.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        for s in scores {
            sqlx::query(
                "INSERT OR REPLACE INTO cell_scores
                   (run_id, column_index, input_index, repeat, evaluator, status, pass, score,
                    reason, detail, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .bind(run_id)
            .bind(s.column_index)
            .bind(s.input_index)
            .bind(s.repeat)
            .bind(&s.evaluator)
            .bind(&s.status)
            .bind(s.pass)
            .bind(s.score)
            .bind(&s.reason)
            .bind(s.detail.as_ref().map(Value::to_string))
            .bind(&s.created_at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every verdict of a run, in grid order then by evaluator.
    pub async fn run_scores(&self, run_id: &str) -> Result<Vec<ScoreRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT column_index, input_index, repeat, evaluator, status, pass, score, reason,
                    detail, created_at
               FROM cell_scores WHERE run_id = ?1
              ORDER BY column_index, input_index, repeat, evaluator",
        )
        .bind(run_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let detail: Option<String> = row.try_get("detail")?;
                Ok(ScoreRow {
                    column_index: row.try_get("column_index")?,
                    input_index: row.try_get("input_index")?,
                    repeat: row.try_get("repeat")?,
                    evaluator: row.try_get("evaluator")?,
                    status: row.try_get("status")?,
                    pass: row.try_get("pass")?,
                    score: row.try_get("score")?,
                    reason: row.try_get("reason")?,
                    detail: detail
                        .map(|d| serde_json::from_str(&d))
                        .transpose()
                        .map_err(|e| StoreError::Corrupt {
                            what: "score detail".into(),
                            detail: e.to_string(),
                        })?,
                    created_at: row.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Forgets a run's verdicts, before scoring it again with other evaluators.
    pub async fn scores_clear(&self, run_id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM cell_scores WHERE run_id = ?1")
            .bind(run_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::{ScoreRow, Store};

    fn score(input: u32, evaluator: &str, pass: Option<bool>) -> ScoreRow {
        ScoreRow {
            column_index: 0,
            input_index: input,
            repeat: 0,
            evaluator: evaluator.into(),
            status: if pass.is_some() { "ok" } else { "error" }.into(),
            pass,
            score: pass.map(|p| if p { 1.0 } else { 0.0 }),
            reason: "because".into(),
            detail: pass.is_none().then(|| json!({"raw": "no score here"})),
            created_at: "t".into(),
        }
    }

    #[tokio::test]
    async fn scores_are_kept_replaced_and_deleted_with_their_run() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).await.unwrap();
        s.run_insert(&crate::RunInsert {
            id: "R",
            blueprint_id: "B",
            blueprint_name: "b",
            spec: &json!({}),
            cells_total: 2,
            source: "cli",
            pid: 1,
            now: "t",
            search_text: "",
        })
        .await
        .unwrap();
        s.scores_put(
            "R",
            &[
                score(1, "judge", None),
                score(0, "has-paris", Some(true)),
                score(1, "has-paris", Some(false)),
            ],
        )
        .await
        .unwrap();
        s.scores_put("R", &[score(1, "judge", Some(true))])
            .await
            .unwrap();
        let all = s.run_scores("R").await.unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0], score(0, "has-paris", Some(true)));
        assert_eq!(all[2].evaluator, "judge");
        assert_eq!(all[2].pass, Some(true));
        assert_eq!(all[2].detail, None);
        s.scores_clear("R").await.unwrap();
        assert!(s.run_scores("R").await.unwrap().is_empty());
        s.scores_put("R", &[score(0, "x", None)]).await.unwrap();
        assert_eq!(
            s.run_scores("R").await.unwrap()[0].detail,
            Some(json!({"raw": "no score here"}))
        );
        s.run_delete("R").await.unwrap();
        assert!(s.run_scores("R").await.unwrap().is_empty());
    }
}
