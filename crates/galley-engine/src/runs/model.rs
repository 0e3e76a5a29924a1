//! The wire types of runs: requests, events, cells and summaries.

use galley_providers::{ChatRequest, ProviderError, Usage};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::spec::{CellKey, ModelRef, RunInput, RunSpec};

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunsStartReq {
    pub blueprint_id: String,
    /// Version numbers to compare; empty means the latest version.
    #[serde(default)]
    pub versions: Vec<u32>,
    /// Models to run every version on; empty means each version on its own model.
    #[serde(default)]
    pub models: Vec<ModelRef>,
    /// Sets of variable values; at least one (empty values for a template without variables),
    /// unless the cases of a dataset are the inputs.
    #[serde(default)]
    pub inputs: Vec<RunInput>,
    /// Run on the cases of this dataset version (the latest when no version is given).
    #[serde(default)]
    #[ts(optional)]
    pub dataset: Option<crate::DatasetRef>,
    #[serde(default = "one")]
    pub repeats: u32,
    /// Calls at once per provider; the default is the one in Settings (local models always run
    /// one at a time: each uses every core).
    #[serde(default)]
    pub concurrency: Option<u32>,
    #[serde(default)]
    pub bypass_cache: bool,
}

fn one() -> u32 {
    1
}

/// The size and estimated cost of a run, before it starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunEstimate {
    pub cells: u32,
    /// Cells whose answer is already cached (they cost nothing), unless the cache is bypassed.
    pub cached_cells: u32,
    /// Input tokens of the cells that will call a model: counted by Bedrock's CountTokens where
    /// it could be asked, else about four characters a token.
    #[ts(type = "number")]
    pub input_tokens: u64,
    /// The most output tokens the calls can produce (their max tokens).
    #[ts(type = "number")]
    pub max_output_tokens: u64,
    /// The cost of the input tokens alone: the least the run costs.
    pub cost_usd_min: f64,
    /// The cost if every call writes its max tokens: the most the run costs.
    pub cost_usd_max: f64,
    /// Columns with no price in the table (not counted in the cost).
    pub unpriced: Vec<String>,
    /// Distinct requests whose input tokens Bedrock counted exactly (CountTokens).
    pub counted_requests: u32,
    /// LLM-judge calls the evaluators will make on top (one per judge per answered cell); their
    /// cost is not in the range above.
    pub judge_calls: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunPlan {
    pub spec: RunSpec,
    pub estimate: RunEstimate,
    /// The amount in Settings above which a run asks before it starts.
    pub confirm_above_usd: f64,
    /// The run may cost more than that amount.
    pub needs_confirmation: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum CellStatus {
    Ok,
    Error,
    Cancelled,
}

impl CellStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CellStatus::Ok => "ok",
            CellStatus::Error => "error",
            CellStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> CellStatus {
        match s {
            "ok" => CellStatus::Ok,
            "cancelled" => CellStatus::Cancelled,
            _ => CellStatus::Error,
        }
    }
}

/// A finished cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunCell {
    pub key: CellKey,
    pub status: CellStatus,
    /// The answer; for a failed cell, the text that arrived before the failure.
    pub text: String,
    pub stop_reason: Option<String>,
    pub usage: Option<Usage>,
    #[ts(type = "number | null")]
    pub ttft_ms: Option<u64>,
    #[ts(type = "number | null")]
    pub latency_ms: Option<u64>,
    pub cost_usd: Option<f64>,
    /// Answered from the response cache: no call, no cost.
    pub cache_hit: bool,
    /// Calls made for this cell (retries after throttling included).
    pub attempts: u32,
    pub error: Option<ProviderError>,
    /// Exactly what was sent.
    pub request: ChatRequest,
    pub finished_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum RunStatus {
    Running,
    Finished,
    Cancelled,
    /// The process running it stopped before the end: `Resume` runs the missing cells.
    Interrupted,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Finished => "finished",
            RunStatus::Cancelled => "cancelled",
            RunStatus::Interrupted => "interrupted",
        }
    }
}

/// A run in the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunSummary {
    pub id: String,
    pub blueprint_id: String,
    pub blueprint_name: String,
    pub status: RunStatus,
    pub columns: Vec<String>,
    pub inputs: u32,
    pub repeats: u32,
    pub cells_total: u32,
    pub cells_ok: u32,
    pub cells_failed: u32,
    pub cost_usd: f64,
    /// `app` or `cli`.
    pub source: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A run with everything it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunDetail {
    pub summary: RunSummary,
    pub spec: RunSpec,
    pub cells: Vec<RunCell>,
}

/// What a run reports while it goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", content = "data", rename_all = "camelCase")]
pub enum RunEvent {
    /// The run exists (its id) and this many cells are still to run.
    Started {
        #[serde(rename = "runId")]
        run_id: String,
        pending: u32,
    },
    /// A cell's call (or retry) began: any text shown for it so far is void.
    CellStarted {
        key: CellKey,
        attempt: u32,
    },
    /// More text for a cell.
    CellDelta {
        key: CellKey,
        text: String,
    },
    /// A cell finished (and is stored).
    CellFinished {
        cell: Box<RunCell>,
    },
    /// A cell's evaluators gave their verdicts (stored).
    CellScored {
        key: CellKey,
        scores: Vec<crate::eval::CellScore>,
    },
    Progress(RunProgress),
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunProgress {
    pub done: u32,
    pub failed: u32,
    pub total: u32,
    /// Estimated milliseconds left, from the pace so far.
    #[ts(type = "number | null")]
    pub eta_ms: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunRef {
    pub run_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunsCancelReq {
    pub run_id: String,
    /// One cell only; the whole run when absent.
    #[serde(default)]
    pub cell: Option<CellKey>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct RunsListReq {
    pub blueprint_id: Option<String>,
    /// Words to find in templates, inputs or outputs.
    pub text: Option<String>,
    /// A model label (`bedrock:…`) or part of a model id.
    pub model: Option<String>,
    pub version: Option<u32>,
    /// Runs that include the version this label points at now.
    pub label: Option<galley_core::Label>,
    /// Runs created at or after this RFC 3339 date or time.
    pub since: Option<String>,
    pub until: Option<String>,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunsExportSaveReq {
    pub run_id: String,
    pub format: super::export::RunExportFormat,
    /// The file to write (replaced if it exists).
    pub path: String,
}
