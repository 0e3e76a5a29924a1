//! Comparing two columns (of two runs, or of one run) input by input: a word diff of the outputs
//! and the changes in tokens, latency and cost.

use galley_core::diff::{diff_text, DiffLine};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use std::collections::HashMap;

use super::model::{CellStatus, RunCell, RunDetail, RunRef};
use super::spec::{CellKey, RunInput};
use crate::{Engine, EngineError};

/// A column of a run.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ColumnRef {
    pub run_id: String,
    pub column: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunsDiffReq {
    pub a: ColumnRef,
    pub b: ColumnRef,
}

/// One input present in both columns (first repeat of each).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunDiffRow {
    pub input: String,
    pub a_text: Option<String>,
    pub b_text: Option<String>,
    /// The outputs line by line, changed words emphasised.
    pub lines: Vec<DiffLine>,
    pub same_text: bool,
    #[ts(type = "number | null")]
    pub delta_output_tokens: Option<i64>,
    #[ts(type = "number | null")]
    pub delta_latency_ms: Option<i64>,
    pub delta_cost_usd: Option<f64>,
    /// The cells' weighted scores (0–1) when their versions have evaluators.
    pub a_score: Option<f64>,
    pub b_score: Option<f64>,
    /// Whether the cells passed every evaluator.
    pub a_pass: Option<bool>,
    pub b_pass: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunDiff {
    pub a_label: String,
    pub b_label: String,
    pub rows: Vec<RunDiffRow>,
    /// Inputs of one side that the other does not have.
    pub unmatched: u32,
    pub changed: u32,
    /// Rows whose score went up or down from a to b.
    pub improved: u32,
    pub regressed: u32,
}

impl Engine {
    /// Matches inputs by their values and diffs the two columns' first answers.
    pub async fn runs_diff(&self, req: RunsDiffReq) -> Result<RunDiff, EngineError> {
        let a = self
            .runs_get(RunRef {
                run_id: req.a.run_id.clone(),
            })
            .await?;
        let b = if req.b.run_id == req.a.run_id {
            a.clone()
        } else {
            self.runs_get(RunRef {
                run_id: req.b.run_id.clone(),
            })
            .await?
        };
        let label = |d: &RunDetail, c: u32| -> Result<String, EngineError> {
            d.spec
                .columns
                .get(c as usize)
                .map(|col| format!("{} · {}", short(&d.summary.id), col.label()))
                .ok_or_else(|| {
                    EngineError::invalid(format!("run {} has no column {}", d.summary.id, c + 1))
                })
        };
        let a_scores = self.cell_scores(&a).await?;
        let b_scores = if req.b.run_id == req.a.run_id {
            a_scores.clone()
        } else {
            self.cell_scores(&b).await?
        };
        let a_label = label(&a, req.a.column)?;
        let b_label = label(&b, req.b.column)?;
        let mut rows = Vec::new();
        let mut unmatched = 0;
        for (ai, input) in a.spec.inputs.iter().enumerate() {
            let Some(bi) = match_input(&b.spec.inputs, input, ai) else {
                unmatched += 1;
                continue;
            };
            let ca = first_cell(&a, req.a.column, ai as u32);
            let cb = first_cell(&b, req.b.column, bi as u32);
            let at = ca.map(|c| c.text.clone());
            let bt = cb.map(|c| c.text.clone());
            let lines = diff_text(at.as_deref().unwrap_or(""), bt.as_deref().unwrap_or(""));
            let (oa, ob) = (ok(ca), ok(cb));
            let sa = oa.and_then(|c| a_scores.get(&c.key)).copied();
            let sb = ob.and_then(|c| b_scores.get(&c.key)).copied();
            rows.push(RunDiffRow {
                a_score: sa.map(|s| s.0),
                b_score: sb.map(|s| s.0),
                a_pass: sa.map(|s| s.1),
                b_pass: sb.map(|s| s.1),
                input: input.title(ai),
                same_text: at == bt,
                a_text: at,
                b_text: bt,
                lines,
                delta_output_tokens: oa.zip(ob).and_then(|(x, y)| {
                    Some(i64::from(y.usage?.output_tokens) - i64::from(x.usage?.output_tokens))
                }),
                delta_latency_ms: oa
                    .zip(ob)
                    .and_then(|(x, y)| Some(y.latency_ms? as i64 - x.latency_ms? as i64)),
                delta_cost_usd: oa
                    .zip(ob)
                    .and_then(|(x, y)| Some(y.cost_usd? - x.cost_usd?)),
            });
        }
        unmatched += b.spec.inputs.len().saturating_sub(rows.len()) as u32;
        let changed = rows.iter().filter(|r| !r.same_text).count() as u32;
        let moved = |up: bool| {
            rows.iter()
                .filter(|r| match (r.a_score, r.b_score) {
                    (Some(x), Some(y)) => {
                        if up {
                            y > x
                        } else {
                            y < x
                        }
                    }
                    _ => false,
                })
                .count() as u32
        };
        let (improved, regressed) = (moved(true), moved(false));
        Ok(RunDiff {
            a_label,
            b_label,
            rows,
            unmatched,
            changed,
            improved,
            regressed,
        })
    }

    /// Each fully scored cell's weighted score and whether it passed every evaluator.
    async fn cell_scores(
        &self,
        d: &RunDetail,
    ) -> Result<HashMap<CellKey, (f64, bool)>, EngineError> {
        let mut by_cell: HashMap<CellKey, Vec<crate::eval::CellScore>> = HashMap::new();
        for row in self.store.run_scores(&d.summary.id).await? {
            let s = crate::eval::score_from_row(row);
            by_cell.entry(s.key).or_default().push(s);
        }
        let mut out = HashMap::new();
        for (key, scores) in by_cell {
            let Some(column) = d.spec.columns.get(key.column as usize) else {
                continue;
            };
            let evaluators = &d.spec.versions[&column.version].evaluators;
            let mut verdicts = Vec::new();
            for ev in evaluators {
                let found = scores.iter().find(|s| s.evaluator == ev.name);
                match found.and_then(|s| Some((s.pass?, s.score?))) {
                    Some((pass, score)) => verdicts.push((
                        ev.weight,
                        galley_core::eval::Verdict {
                            pass,
                            score,
                            reason: String::new(),
                        },
                    )),
                    None => break,
                }
            }
            if verdicts.len() != evaluators.len() || verdicts.is_empty() {
                continue;
            }
            let refs: Vec<(f64, &galley_core::eval::Verdict)> =
                verdicts.iter().map(|(w, v)| (*w, v)).collect();
            out.insert(
                key,
                (
                    galley_core::eval::weighted_score(&refs),
                    galley_core::eval::cell_passes(verdicts.iter().map(|(_, v)| v)),
                ),
            );
        }
        Ok(out)
    }
}

fn ok(c: Option<&RunCell>) -> Option<&RunCell> {
    c.filter(|c| c.status == CellStatus::Ok)
}

fn short(id: &str) -> &str {
    &id[id.len().saturating_sub(6)..]
}

/// The same values; else the same position when the other side's input there has no values.
fn match_input(inputs: &[RunInput], input: &RunInput, index: usize) -> Option<usize> {
    inputs
        .iter()
        .position(|i| i.values == input.values && !input.values.is_empty())
        .or_else(|| (input.values.is_empty() && index < inputs.len()).then_some(index))
}

fn first_cell(d: &RunDetail, column: u32, input: u32) -> Option<&RunCell> {
    d.cells
        .iter()
        .filter(|c| c.key.column == column && c.key.input == input)
        .min_by_key(|c| c.key.repeat)
}
