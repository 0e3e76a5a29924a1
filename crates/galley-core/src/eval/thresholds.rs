//! The quality gate of a version: limits on a run's aggregate figures. `galley eval` fails the
//! build when any limit is not met.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::config::{EvalIssue, Evaluator};
use super::value::usd;

/// Limits a run must meet. Every limit is optional; an empty set gates nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Thresholds {
    /// Share of cells where every evaluator passes, `0..=1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub min_pass_rate: Option<f64>,
    /// Minimum mean normalised score (`0..=1`) per evaluator name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[ts(as = "Option<BTreeMap<String, f64>>", optional)]
    pub min_mean: BTreeMap<String, f64>,
    /// Maximum mean cost of a case, in US dollars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub max_cost_per_case_usd: Option<f64>,
    /// Maximum 95th percentile of cell latency, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(as = "Option<f64>", optional)]
    pub max_p95_latency_ms: Option<u64>,
}

/// The figures of a run that thresholds are compared with. `None` (or a missing mean) means
/// the figure could not be computed: no scored cell, no known cost...
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Observed {
    pub pass_rate: Option<f64>,
    /// Mean normalised score per evaluator name.
    #[serde(default)]
    pub means: BTreeMap<String, f64>,
    pub cost_per_case_usd: Option<f64>,
    pub p95_latency_ms: Option<f64>,
}

/// One threshold checked against a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ThresholdResult {
    /// `pass rate`, `mean correctness`, `cost per case`, `p95 latency`.
    pub name: String,
    pub limit: f64,
    pub actual: Option<f64>,
    pub pass: bool,
    /// One line for people: `pass rate 72.0% < 80.0%`.
    pub message: String,
}

impl Thresholds {
    pub fn is_empty(&self) -> bool {
        self.min_pass_rate.is_none()
            && self.min_mean.is_empty()
            && self.max_cost_per_case_usd.is_none()
            && self.max_p95_latency_ms.is_none()
    }

    /// Problems in the limits: ranges, and means of evaluators the version does not have.
    pub fn validate(&self, evaluators: &[Evaluator]) -> Vec<EvalIssue> {
        let mut issues = Vec::new();
        let mut issue = |field: String, message: String| {
            issues.push(EvalIssue {
                evaluator: "thresholds".into(),
                index: None,
                field,
                message,
            })
        };
        if let Some(rate) = self.min_pass_rate {
            if !(0.0..=1.0).contains(&rate) {
                issue(
                    "minPassRate".into(),
                    format!("the pass rate is a share between 0 and 1 (0.8 = 80%), not {rate}"),
                );
            }
        }
        for (name, min) in &self.min_mean {
            let field = format!("minMean.{name}");
            if !evaluators.iter().any(|e| &e.name == name) {
                issue(field.clone(), format!("no evaluator is named `{name}`"));
            }
            if !(0.0..=1.0).contains(min) {
                issue(field, format!("a mean score is between 0 and 1, not {min}"));
            }
        }
        if let Some(cost) = self.max_cost_per_case_usd {
            if !(cost.is_finite() && cost >= 0.0) {
                issue(
                    "maxCostPerCaseUsd".into(),
                    format!("the cost limit must be a non-negative amount, not {cost}"),
                );
            }
        }
        if self.max_p95_latency_ms == Some(0) {
            issue(
                "maxP95LatencyMs".into(),
                "the latency limit must be above 0 ms".into(),
            );
        }
        issues
    }

    /// Checks every limit against a run's figures, in a stable order: pass rate, means by
    /// evaluator name, cost, latency. A figure that is missing or not a number fails.
    pub fn gate(&self, observed: &Observed) -> Vec<ThresholdResult> {
        let mut out = Vec::new();
        if let Some(min) = self.min_pass_rate {
            out.push(at_least("pass rate", min, observed.pass_rate, percent));
        }
        for (name, min) in &self.min_mean {
            out.push(at_least(
                &format!("mean {name}"),
                *min,
                observed.means.get(name).copied(),
                |x| format!("{x:.2}"),
            ));
        }
        if let Some(max) = self.max_cost_per_case_usd {
            out.push(at_most(
                "cost per case",
                max,
                observed.cost_per_case_usd,
                usd,
            ));
        }
        if let Some(max) = self.max_p95_latency_ms {
            out.push(at_most(
                "p95 latency",
                max as f64,
                observed.p95_latency_ms,
                |x| format!("{x:.0} ms"),
            ));
        }
        out
    }
}

/// Whether every result of [`Thresholds::gate`] passes.
pub fn all_pass(results: &[ThresholdResult]) -> bool {
    results.iter().all(|r| r.pass)
}

fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn at_least(
    name: &str,
    limit: f64,
    actual: Option<f64>,
    show: fn(f64) -> String,
) -> ThresholdResult {
    compare(name, limit, actual, show, true)
}

fn at_most(
    name: &str,
    limit: f64,
    actual: Option<f64>,
    show: fn(f64) -> String,
) -> ThresholdResult {
    compare(name, limit, actual, show, false)
}

fn compare(
    name: &str,
    limit: f64,
    actual: Option<f64>,
    show: fn(f64) -> String,
    at_least: bool,
) -> ThresholdResult {
    let actual = actual.filter(|x| !x.is_nan());
    let (pass, message) = match actual {
        None => (
            false,
            format!(
                "{name}: not measured in this run (needs {} {})",
                if at_least { "≥" } else { "≤" },
                show(limit)
            ),
        ),
        Some(x) => {
            let pass = if at_least { x >= limit } else { x <= limit };
            let op = match (at_least, pass) {
                (true, true) => "≥",
                (true, false) => "<",
                (false, true) => "≤",
                (false, false) => ">",
            };
            (pass, format!("{name} {} {op} {}", show(x), show(limit)))
        }
    };
    ThresholdResult {
        name: name.to_string(),
        limit,
        actual,
        pass,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::config::Check;

    fn thresholds() -> Thresholds {
        Thresholds {
            min_pass_rate: Some(0.8),
            min_mean: [("correctness".to_string(), 0.7), ("json".to_string(), 1.0)]
                .into_iter()
                .collect(),
            max_cost_per_case_usd: Some(0.01),
            max_p95_latency_ms: Some(1500),
        }
    }

    #[test]
    fn empty_thresholds_serialise_to_nothing() {
        let t = Thresholds::default();
        assert!(t.is_empty());
        assert_eq!(serde_json::to_string(&t).unwrap(), "{}");
        assert!(t.gate(&Observed::default()).is_empty());
        let json = serde_json::to_string(&thresholds()).unwrap();
        assert_eq!(
            json,
            r#"{"minPassRate":0.8,"minMean":{"correctness":0.7,"json":1.0},"maxCostPerCaseUsd":0.01,"maxP95LatencyMs":1500}"#
        );
        let back: Thresholds = serde_json::from_str(&json).unwrap();
        assert_eq!(back, thresholds());
        assert!(!back.is_empty());
        let ts = Thresholds::export_to_string().unwrap();
        assert!(
            ts.contains("minMean?: { [key in string]?: number }") || ts.contains("minMean?:"),
            "{ts}"
        );
    }

    #[test]
    fn gate_passes_and_fails_with_messages() {
        let observed = Observed {
            pass_rate: Some(0.72),
            means: [
                ("correctness".to_string(), 0.81),
                ("json".to_string(), 0.95),
            ]
            .into_iter()
            .collect(),
            cost_per_case_usd: Some(0.0042),
            p95_latency_ms: Some(1840.4),
        };
        let results = thresholds().gate(&observed);
        let lines: Vec<(&str, bool, &str)> = results
            .iter()
            .map(|r| (r.name.as_str(), r.pass, r.message.as_str()))
            .collect();
        assert_eq!(
            lines,
            vec![
                ("pass rate", false, "pass rate 72.0% < 80.0%"),
                ("mean correctness", true, "mean correctness 0.81 ≥ 0.70"),
                ("mean json", false, "mean json 0.95 < 1.00"),
                ("cost per case", true, "cost per case $0.0042 ≤ $0.01"),
                ("p95 latency", false, "p95 latency 1840 ms > 1500 ms"),
            ]
        );
        assert_eq!(results[4].limit, 1500.0);
        assert_eq!(results[4].actual, Some(1840.4));
        assert!(!all_pass(&results));
    }

    #[test]
    fn missing_observations_fail() {
        let observed = Observed {
            pass_rate: Some(0.9),
            means: [("correctness".to_string(), 0.9)].into_iter().collect(),
            cost_per_case_usd: None,
            p95_latency_ms: Some(f64::NAN),
        };
        let results = thresholds().gate(&observed);
        let failed: Vec<&str> = results
            .iter()
            .filter(|r| !r.pass)
            .map(|r| r.message.as_str())
            .collect();
        assert_eq!(
            failed,
            vec![
                "mean json: not measured in this run (needs ≥ 1.00)",
                "cost per case: not measured in this run (needs ≤ $0.01)",
                "p95 latency: not measured in this run (needs ≤ 1500 ms)",
            ]
        );
        assert_eq!(results[2].actual, None);
        let only_rate = Thresholds {
            min_pass_rate: Some(0.5),
            ..Default::default()
        };
        assert!(all_pass(&only_rate.gate(&observed)));
    }

    #[test]
    fn validate_checks_names_and_ranges() {
        let evaluators = vec![Evaluator {
            name: "json".into(),
            weight: 1.0,
            check: Check::IsJson,
        }];
        assert!(Thresholds::default().validate(&[]).is_empty());
        let issues = thresholds().validate(&evaluators);
        assert_eq!(issues.len(), 1);
        assert_eq!(
            issues[0].to_string(),
            "thresholds, `minMean.correctness`: no evaluator is named `correctness`"
        );
        let bad = Thresholds {
            min_pass_rate: Some(80.0),
            min_mean: [("json".to_string(), -0.1)].into_iter().collect(),
            max_cost_per_case_usd: Some(-1.0),
            max_p95_latency_ms: Some(0),
        };
        let fields: Vec<String> = bad
            .validate(&evaluators)
            .into_iter()
            .map(|i| i.field)
            .collect();
        assert_eq!(
            fields,
            vec![
                "minPassRate",
                "minMean.json",
                "maxCostPerCaseUsd",
                "maxP95LatencyMs"
            ]
        );
    }
}
