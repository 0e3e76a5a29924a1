//! What a version stores about its evaluators, and the validation run when it is saved.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::check::{compile_regex, compile_schema};
use super::rubric::{rubric, CUSTOM_METRIC};
use super::value::{is_template, template_syntax};

/// The providers a judge model may run on, as the prefix of [`JudgeConfig::model`].
pub const JUDGE_PROVIDERS: [&str; 3] = ["bedrock", "openai", "local"];

/// One evaluator of a version: a named, weighted check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Evaluator {
    /// Unique within a version; shown in reports and used by thresholds.
    pub name: String,
    /// Weight in the cell's weighted score; positive.
    #[serde(default = "one")]
    pub weight: f64,
    #[serde(flatten)]
    pub check: Check,
}

fn one() -> f64 {
    1.0
}

fn half() -> f64 {
    0.5
}

/// What an evaluator checks. Text values (`value`, `pattern`) are Jinja templates rendered with
/// the case's variables and `reference` (the case's reference answer) before comparing; the
/// filter `regex_escape` makes a value literal inside a pattern.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Check {
    /// The trimmed output equals the trimmed value.
    Equals {
        value: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        #[ts(as = "Option<bool>", optional)]
        ignore_case: bool,
    },
    /// The output contains the value (case-sensitive).
    Contains { value: String },
    /// The output contains the value, ignoring case.
    Icontains { value: String },
    /// The output does not contain the value.
    NotContains {
        value: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        #[ts(as = "Option<bool>", optional)]
        ignore_case: bool,
    },
    /// The regular expression (Rust `regex` syntax) matches somewhere in the output.
    Regex { pattern: String },
    /// The output, leading whitespace ignored, starts with the value.
    StartsWith { value: String },
    /// The output, trailing whitespace ignored, ends with the value.
    EndsWith { value: String },
    /// The trimmed output is JSON, alone or in one ```json fenced block.
    IsJson,
    /// The output is JSON (as for `is-json`) valid against the JSON Schema.
    JsonSchema {
        #[ts(type = "unknown")]
        schema: serde_json::Value,
    },
    /// The trimmed output's length in characters is within the bounds.
    Length {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        min: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        max: Option<u32>,
    },
    /// Total latency of the call at most `max_ms`.
    Latency {
        #[ts(type = "number")]
        max_ms: u64,
    },
    /// Cost of the call at most `max_usd`.
    Cost { max_usd: f64 },
    /// Output tokens and/or input + output tokens at most the limits.
    Tokens {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        max_output: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        max_total: Option<u32>,
    },
    /// An LLM judge scores the output with a rubric; run by the engine.
    Judge(JudgeConfig),
}

impl Check {
    /// The `type` tag as written in JSON: `not-contains`, `judge`...
    pub fn kind(&self) -> &'static str {
        match self {
            Check::Equals { .. } => "equals",
            Check::Contains { .. } => "contains",
            Check::Icontains { .. } => "icontains",
            Check::NotContains { .. } => "not-contains",
            Check::Regex { .. } => "regex",
            Check::StartsWith { .. } => "starts-with",
            Check::EndsWith { .. } => "ends-with",
            Check::IsJson => "is-json",
            Check::JsonSchema { .. } => "json-schema",
            Check::Length { .. } => "length",
            Check::Latency { .. } => "latency",
            Check::Cost { .. } => "cost",
            Check::Tokens { .. } => "tokens",
            Check::Judge(_) => "judge",
        }
    }

    /// The field Galley renders as a template before checking (`value` or `pattern`), and its
    /// text; `None` for the checks without one.
    pub fn templated_field(&self) -> Option<(&'static str, &str)> {
        match self {
            Check::Equals { value, .. }
            | Check::Contains { value }
            | Check::Icontains { value }
            | Check::NotContains { value, .. }
            | Check::StartsWith { value }
            | Check::EndsWith { value } => Some(("value", value)),
            Check::Regex { pattern } => Some(("pattern", pattern)),
            _ => None,
        }
    }
}

/// An LLM-as-judge evaluator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JudgeConfig {
    /// A built-in rubric id (see [`super::rubrics`]), or `custom`.
    pub metric: String,
    /// The rubric text when `metric` is `custom`; scored on 1–5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub rubric: Option<String>,
    /// The judge model as `provider:model`: `bedrock:anthropic.claude-3-5-haiku-20241022-v1:0`,
    /// `local:SmolLM2-135M-Instruct`, `openai:ENDPOINT/MODEL`.
    pub model: String,
    /// A normalised score (`0..=1`) at or above this passes.
    #[serde(default = "half")]
    pub pass_score: f64,
}

impl JudgeConfig {
    /// The provider and the model of [`JudgeConfig::model`], when well formed.
    pub fn provider_and_model(&self) -> Option<(&str, &str)> {
        let (provider, rest) = self.model.split_once(':')?;
        (JUDGE_PROVIDERS.contains(&provider) && !rest.trim().is_empty()).then_some((provider, rest))
    }
}

/// A problem in a version's evaluators or thresholds, for the editor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EvalIssue {
    /// The evaluator at fault by name (`evaluator 3` when it has none); `thresholds` for a
    /// threshold.
    pub evaluator: String,
    /// The evaluator's position in the list (0-based); absent for a threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub index: Option<u32>,
    /// The field at fault as written in JSON: `pattern`, `passScore`, `minMean.correctness`.
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for EvalIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}, `{}`: {}", self.evaluator, self.field, self.message)
    }
}

/// Every problem in a list of evaluators; empty when the list can be saved and run.
pub fn validate(evaluators: &[Evaluator]) -> Vec<EvalIssue> {
    let mut issues = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, e) in evaluators.iter().enumerate() {
        let label = if e.name.trim().is_empty() {
            format!("evaluator {}", i + 1)
        } else {
            e.name.clone()
        };
        let mut issue = |field: &str, message: String| {
            issues.push(EvalIssue {
                evaluator: label.clone(),
                index: Some(i as u32),
                field: field.to_string(),
                message,
            })
        };
        if e.name.trim().is_empty() {
            issue("name", "give the evaluator a name".into());
        } else if !seen.insert(e.name.as_str()) {
            issue(
                "name",
                format!("another evaluator is already named `{}`", e.name),
            );
        }
        if !(e.weight.is_finite() && e.weight > 0.0) {
            issue(
                "weight",
                format!("weight must be a positive number, not {}", e.weight),
            );
        }
        for (field, message) in check_issues(&e.check) {
            issue(field, message);
        }
    }
    issues
}

/// Problems of one check as (field, message).
fn check_issues(check: &Check) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut text = |field: &'static str, value: &str| {
        if value.is_empty() {
            out.push((field, format!("`{field}` is empty")));
        } else if let Err(e) = template_syntax(value) {
            out.push((field, format!("template error, {e}")));
        }
    };
    if let Some((field, value)) = check.templated_field() {
        text(field, value);
    }
    match check {
        Check::Equals { .. }
        | Check::Contains { .. }
        | Check::Icontains { .. }
        | Check::NotContains { .. }
        | Check::StartsWith { .. }
        | Check::EndsWith { .. } => {}
        Check::Regex { pattern } => {
            if !pattern.is_empty() && !is_template(pattern) {
                if let Err(e) = compile_regex(pattern) {
                    out.push(("pattern", e.to_string()));
                }
            }
        }
        Check::IsJson => {}
        Check::JsonSchema { schema } => {
            if let Err(e) = compile_schema(schema) {
                out.push(("schema", e.to_string()));
            }
        }
        Check::Length { min, max } => match (min, max) {
            (None, None) => out.push(("max", "set `min`, `max` or both".into())),
            (Some(lo), Some(hi)) if lo > hi => {
                out.push(("min", format!("min {lo} is greater than max {hi}")))
            }
            _ => {}
        },
        Check::Latency { max_ms } => {
            if *max_ms == 0 {
                out.push(("maxMs", "the latency limit must be above 0 ms".into()));
            }
        }
        Check::Cost { max_usd } => {
            if !(max_usd.is_finite() && *max_usd >= 0.0) {
                out.push((
                    "maxUsd",
                    format!("the cost limit must be a non-negative amount, not {max_usd}"),
                ));
            }
        }
        Check::Tokens {
            max_output,
            max_total,
        } => {
            if max_output.is_none() && max_total.is_none() {
                out.push(("maxOutput", "set `maxOutput`, `maxTotal` or both".into()));
            }
        }
        Check::Judge(j) => out.extend(judge_issues(j)),
    }
    out
}

fn judge_issues(j: &JudgeConfig) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let has_rubric = j.rubric.as_deref().is_some_and(|r| !r.trim().is_empty());
    if j.metric == CUSTOM_METRIC {
        if !has_rubric {
            out.push((
                "rubric",
                "a custom metric needs its rubric: say what a good answer is".into(),
            ));
        }
    } else if rubric(&j.metric).is_none() {
        let known: Vec<&str> = super::rubrics().iter().map(|r| r.id.as_str()).collect();
        out.push((
            "metric",
            format!(
                "unknown metric `{}`: use one of {}, or `custom` with a rubric",
                j.metric,
                known.join(", ")
            ),
        ));
    } else if j.rubric.is_some() {
        out.push((
            "rubric",
            format!(
                "a rubric is only used with the `custom` metric, not `{}`",
                j.metric
            ),
        ));
    }
    if j.provider_and_model().is_none() {
        out.push((
            "model",
            format!(
                "judge model `{}` must be `provider:model` with provider `local`, `bedrock` or `openai`, e.g. `local:SmolLM2-135M-Instruct`",
                j.model
            ),
        ));
    }
    if !(0.0..=1.0).contains(&j.pass_score) {
        out.push((
            "passScore",
            format!(
                "pass score must be between 0 and 1 (a normalised score), not {}",
                j.pass_score
            ),
        ));
    }
    out
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
