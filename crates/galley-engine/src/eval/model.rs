//! The wire types of evaluation: verdicts on cells, the summary with its statistics, the gate.

use galley_core::eval::ThresholdResult;
use galley_core::stats::Interval;
use galley_providers::Usage;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::runs::CellKey;

/// One evaluator's verdict on one cell, or the error that kept it from judging.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CellScore {
    pub key: CellKey,
    pub evaluator: String,
    /// Absent when the evaluator failed to judge (see `reason`): an error is not a zero.
    pub pass: Option<bool>,
    /// 0 to 1.
    pub score: Option<f64>,
    pub reason: String,
    /// What an LLM judge was asked and answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub judge: Option<JudgeDetail>,
}

impl CellScore {
    pub fn is_error(&self) -> bool {
        self.pass.is_none()
    }
}

/// A judge's call, kept with its score so the verdict can be explained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JudgeDetail {
    /// `provider:model`.
    pub model: String,
    pub metric: String,
    pub system: String,
    pub prompt: String,
    /// The judge's answer as it came.
    pub raw: String,
    /// The judge's reasoning, when its verdict could be read.
    #[serde(default)]
    pub reasoning: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub raw_score: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub usage: Option<Usage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cost_usd: Option<f64>,
    /// Answered from the response cache.
    #[serde(default)]
    pub cache_hit: bool,
}

/// The statistics of one column (a version on a model) of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VariantStats {
    pub column: u32,
    pub label: String,
    pub version: u32,
    pub model: String,
    /// Cases with at least one scored cell.
    pub cases: u32,
    /// Cells answered and fully scored.
    pub cells_scored: u32,
    /// Cells whose model call failed (not scored).
    pub cells_failed: u32,
    /// Verdicts that could not be given (e.g. a malformed judge answer).
    pub score_errors: u32,
    /// The share of cases that pass (a case's repeats averaged), with its 95% CI.
    pub pass_rate: Option<Interval>,
    /// The weighted mean score per case, with its 95% CI.
    pub mean_score: Option<Interval>,
    pub evaluators: Vec<EvaluatorStats>,
    pub categories: Vec<CategoryStats>,
    /// Mean cost of a case's cell, judges excluded (US dollars).
    pub cost_per_case_usd: Option<f64>,
    /// What the judges cost in all (US dollars).
    pub judge_cost_usd: f64,
    #[ts(type = "number | null")]
    pub p50_latency_ms: Option<f64>,
    #[ts(type = "number | null")]
    pub p95_latency_ms: Option<f64>,
    /// Cases whose verdicts differ between repeats.
    pub flaky_cases: Vec<u32>,
    /// The version's thresholds checked on these figures; empty when it has none.
    pub gate: Vec<ThresholdResult>,
    /// Every threshold holds (true when there are none).
    pub gate_pass: bool,
}

/// One evaluator's figures in one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EvaluatorStats {
    pub name: String,
    /// `contains`, `judge`, ... (the check's type).
    pub kind: String,
    pub weight: f64,
    pub pass_rate: Option<Interval>,
    pub mean: Option<Interval>,
    pub errors: u32,
    /// How many cases scored in each fifth of 0–1 (for the distribution chart).
    pub histogram: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CategoryStats {
    pub category: String,
    pub cases: u32,
    pub pass_rate: Option<Interval>,
    pub mean_score: Option<Interval>,
}

/// Two columns compared on the cases both scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    pub a: u32,
    pub b: u32,
    pub a_label: String,
    pub b_label: String,
    /// Cases scored on both sides.
    pub pairs: u32,
    /// Mean of (a − b) of the per-case weighted score, with its paired-bootstrap 95% CI.
    pub difference: Option<Interval>,
    /// Cases where a scored higher, lower, the same.
    pub a_better: u32,
    pub b_better: u32,
    pub ties: u32,
    /// Exact sign test, two-sided.
    pub sign_test_p: Option<f64>,
    /// Wilcoxon signed-rank test, two-sided.
    pub wilcoxon_p: Option<f64>,
    /// The CI excludes 0 and the Wilcoxon p-value is below 0.05.
    pub significant: bool,
}

/// What a run's evaluation says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EvalSummary {
    pub run_id: String,
    pub blueprint_name: String,
    /// `name vN` of the dataset the cases came from.
    pub dataset: Option<String>,
    pub cases: u32,
    pub repeats: u32,
    pub variants: Vec<VariantStats>,
    pub comparisons: Vec<Comparison>,
    /// Every column's thresholds hold.
    pub gate_pass: bool,
    /// Cells still without a verdict from some evaluator (e.g. the run was stopped).
    pub unscored_cells: u32,
    /// The seed of the bootstrap resampling (from the run id: the same run, the same intervals).
    #[ts(type = "number")]
    pub seed: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EvalScoresRes {
    pub scores: Vec<CellScore>,
}
