//! A run's verdicts turned into statistics: per variant (a column: a version on a model) the
//! pass rate and mean scores with 95% bootstrap intervals, per evaluator and per category, cost
//! and latency, flaky cases and the version's gate; between variants, paired comparisons on the
//! cases both scored.
//!
//! The unit of sampling is the case: a case's repeats are averaged first, so repeats tighten a
//! case's value instead of posing as more cases. A cell whose model call failed counts as not
//! passing (a gate must not pass on answers that never came) but has no score; a verdict an
//! evaluator could not give (e.g. a malformed judge answer) is counted apart and leaves the cell
//! out of the pass rate and the scores, never as a zero.

use std::collections::{BTreeMap, HashMap};

use galley_core::eval::Observed;
use galley_core::stats::{self, Bootstrap, BootstrapMethod};
use sha2::{Digest, Sha256};

use super::model::{
    CategoryStats, CellScore, Comparison, EvalSummary, EvaluatorStats, VariantStats,
};
use crate::runs::{CellKey, CellStatus, RunCell, RunDetail};

/// Bootstrap resamples of every interval.
const RESAMPLES: u32 = 10_000;
/// Above this many columns, each is compared with the first only.
const ALL_PAIRS_UP_TO: usize = 6;

pub(crate) fn summarize(detail: &RunDetail, scores: &[CellScore]) -> EvalSummary {
    let spec = &detail.spec;
    let seed = seed_of(&detail.summary.id);
    let boot = Bootstrap {
        resamples: RESAMPLES,
        confidence: 0.95,
        seed,
        method: BootstrapMethod::Bca,
    };
    let mut by_cell: HashMap<CellKey, Vec<&CellScore>> = HashMap::new();
    for s in scores {
        by_cell.entry(s.key).or_default().push(s);
    }
    let cells: HashMap<CellKey, &RunCell> = detail.cells.iter().map(|c| (c.key, c)).collect();

    let mut variants = Vec::new();
    let mut case_scores: Vec<BTreeMap<u32, f64>> = Vec::new();
    let mut unscored = 0u32;
    for (c, column) in spec.columns.iter().enumerate() {
        let c = c as u32;
        let content = &spec.versions[&column.version];
        let evaluators = &content.evaluators;
        // per case: cell passes (1/0), weighted scores, per-evaluator scores
        let mut pass_by_case: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
        let mut score_by_case: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
        let mut ev_scores: Vec<BTreeMap<u32, Vec<f64>>> = vec![BTreeMap::new(); evaluators.len()];
        let mut ev_passes: Vec<BTreeMap<u32, Vec<f64>>> = vec![BTreeMap::new(); evaluators.len()];
        let mut ev_errors = vec![0u32; evaluators.len()];
        let (mut scored, mut failed, mut score_errors) = (0u32, 0u32, 0u32);
        let mut costs = Vec::new();
        let mut latencies = Vec::new();
        let mut judge_cost = 0.0;
        for i in 0..spec.inputs.len() as u32 {
            for r in 0..spec.repeats {
                let key = CellKey {
                    column: c,
                    input: i,
                    repeat: r,
                };
                let Some(cell) = cells.get(&key) else {
                    continue;
                };
                if cell.status != CellStatus::Ok {
                    failed += 1;
                    if !evaluators.is_empty() {
                        pass_by_case.entry(i).or_default().push(0.0);
                    }
                    continue;
                }
                if let Some(cost) = cell.cost_usd {
                    costs.push(cost);
                }
                if let Some(l) = cell.latency_ms {
                    latencies.push(l as f64);
                }
                let verdicts = by_cell.get(&key).map(Vec::as_slice).unwrap_or(&[]);
                let mut complete = true;
                let mut has_error = false;
                let mut weighted = (0.0, 0.0);
                let mut all_pass = true;
                for (e, ev) in evaluators.iter().enumerate() {
                    let Some(v) = verdicts.iter().find(|s| s.evaluator == ev.name) else {
                        complete = false;
                        continue;
                    };
                    if let Some(cost) = v.judge.as_ref().and_then(|j| j.cost_usd) {
                        judge_cost += cost;
                    }
                    match (v.pass, v.score) {
                        (Some(pass), Some(score)) => {
                            ev_scores[e].entry(i).or_default().push(score);
                            ev_passes[e]
                                .entry(i)
                                .or_default()
                                .push(f64::from(u8::from(pass)));
                            weighted.0 += ev.weight * score;
                            weighted.1 += ev.weight;
                            all_pass &= pass;
                        }
                        _ => {
                            ev_errors[e] += 1;
                            has_error = true;
                        }
                    }
                }
                if has_error {
                    score_errors += 1;
                    continue;
                }
                if !complete {
                    unscored += 1;
                    continue;
                }
                if evaluators.is_empty() {
                    continue; // nothing judges this version: no pass rate, not a perfect one
                }
                scored += 1;
                pass_by_case
                    .entry(i)
                    .or_default()
                    .push(f64::from(u8::from(all_pass)));
                if weighted.1 > 0.0 {
                    score_by_case
                        .entry(i)
                        .or_default()
                        .push(weighted.0 / weighted.1);
                }
            }
        }
        let case_pass = case_means(&pass_by_case);
        let case_score = case_means(&score_by_case);
        let flaky_cases = pass_by_case
            .iter()
            .filter(|(_, v)| v.len() > 1 && v.iter().any(|p| *p != v[0]))
            .map(|(i, _)| *i)
            .collect();
        let evaluator_stats: Vec<EvaluatorStats> = evaluators
            .iter()
            .enumerate()
            .map(|(e, ev)| {
                let means = case_means(&ev_scores[e]);
                EvaluatorStats {
                    name: ev.name.clone(),
                    kind: ev.check.kind().to_string(),
                    weight: ev.weight,
                    pass_rate: stats::bootstrap_mean(&values(&case_means(&ev_passes[e])), &boot),
                    mean: stats::bootstrap_mean(&values(&means), &boot),
                    errors: ev_errors[e],
                    histogram: histogram(&values(&means)),
                }
            })
            .collect();
        let categories = categories(spec, &case_pass, &case_score, &boot);
        let cost_per_case_usd = stats::mean(&costs);
        let p95 = stats::percentile(&latencies, 95.0);
        let observed = Observed {
            pass_rate: stats::mean(&values(&case_pass)),
            means: evaluator_stats
                .iter()
                .filter_map(|e| Some((e.name.clone(), e.mean.as_ref()?.estimate)))
                .collect(),
            cost_per_case_usd,
            p95_latency_ms: p95,
        };
        let gate = if content.thresholds.is_empty() {
            Vec::new()
        } else {
            content.thresholds.gate(&observed)
        };
        let gate_pass = gate.iter().all(|g| g.pass);
        variants.push(VariantStats {
            column: c,
            label: column.label(),
            version: column.version,
            model: column.model.label(),
            cases: case_pass.len() as u32,
            cells_scored: scored,
            cells_failed: failed,
            score_errors,
            pass_rate: stats::bootstrap_mean(&values(&case_pass), &boot),
            mean_score: stats::bootstrap_mean(&values(&case_score), &boot),
            evaluators: evaluator_stats,
            categories,
            cost_per_case_usd,
            judge_cost_usd: judge_cost,
            p50_latency_ms: stats::percentile(&latencies, 50.0),
            p95_latency_ms: p95,
            flaky_cases,
            gate,
            gate_pass,
        });
        case_scores.push(case_score);
    }
    let comparisons = comparisons(&variants, &case_scores, &boot);
    EvalSummary {
        run_id: detail.summary.id.clone(),
        blueprint_name: spec.blueprint_name.clone(),
        dataset: spec
            .dataset
            .as_ref()
            .map(|d| format!("{} v{}", d.name, d.version)),
        cases: spec.inputs.len() as u32,
        repeats: spec.repeats,
        gate_pass: variants.iter().all(|v| v.gate_pass),
        variants,
        comparisons,
        unscored_cells: unscored,
        seed,
    }
}

fn case_means(by_case: &BTreeMap<u32, Vec<f64>>) -> BTreeMap<u32, f64> {
    by_case
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(i, v)| (*i, v.iter().sum::<f64>() / v.len() as f64))
        .collect()
}

fn values(by_case: &BTreeMap<u32, f64>) -> Vec<f64> {
    by_case.values().copied().collect()
}

/// Cases per fifth of 0–1 (1.0 falls in the last).
fn histogram(values: &[f64]) -> Vec<u32> {
    let mut bins = vec![0u32; 5];
    for v in values {
        let b = ((v.clamp(0.0, 1.0) * 5.0).floor() as usize).min(4);
        bins[b] += 1;
    }
    bins
}

fn categories(
    spec: &crate::runs::RunSpec,
    case_pass: &BTreeMap<u32, f64>,
    case_score: &BTreeMap<u32, f64>,
    boot: &Bootstrap,
) -> Vec<CategoryStats> {
    let mut by: BTreeMap<&str, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for (i, input) in spec.inputs.iter().enumerate() {
        let Some(category) = input.category.as_deref().filter(|c| !c.is_empty()) else {
            continue;
        };
        let entry = by.entry(category).or_default();
        if let Some(p) = case_pass.get(&(i as u32)) {
            entry.0.push(*p);
        }
        if let Some(s) = case_score.get(&(i as u32)) {
            entry.1.push(*s);
        }
    }
    by.into_iter()
        .map(|(category, (pass, score))| CategoryStats {
            category: category.to_string(),
            cases: pass.len() as u32,
            pass_rate: stats::bootstrap_mean(&pass, boot),
            mean_score: stats::bootstrap_mean(&score, boot),
        })
        .collect()
}

fn comparisons(
    variants: &[VariantStats],
    case_scores: &[BTreeMap<u32, f64>],
    boot: &Bootstrap,
) -> Vec<Comparison> {
    let n = variants.len();
    let mut pairs = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            if n <= ALL_PAIRS_UP_TO || a == 0 {
                pairs.push((a, b));
            }
        }
    }
    pairs
        .into_iter()
        .map(|(a, b)| {
            let (mut xs, mut ys) = (Vec::new(), Vec::new());
            for (case, x) in &case_scores[a] {
                if let Some(y) = case_scores[b].get(case) {
                    xs.push(*x);
                    ys.push(*y);
                }
            }
            let difference = stats::paired_bootstrap_difference(&xs, &ys, boot).ok();
            let sign = stats::sign_test(&xs, &ys).ok();
            let wilcoxon = stats::wilcoxon_signed_rank(&xs, &ys).ok();
            let a_better = xs.iter().zip(&ys).filter(|(x, y)| x > y).count() as u32;
            let b_better = xs.iter().zip(&ys).filter(|(x, y)| x < y).count() as u32;
            let ties = xs.len() as u32 - a_better - b_better;
            let wilcoxon_p = wilcoxon.map(|w| w.p_value);
            let significant = difference
                .as_ref()
                .is_some_and(|d| d.low > 0.0 || d.high < 0.0)
                && wilcoxon_p.is_some_and(|p| p < 0.05);
            Comparison {
                a: a as u32,
                b: b as u32,
                a_label: variants[a].label.clone(),
                b_label: variants[b].label.clone(),
                pairs: xs.len() as u32,
                difference,
                a_better,
                b_better,
                ties,
                sign_test_p: sign.map(|s| s.p_value),
                wilcoxon_p,
                significant,
            }
        })
        .collect()
}

/// The bootstrap seed of a run: from its id, so the same run always gives the same intervals.
fn seed_of(run_id: &str) -> u64 {
    let digest = Sha256::digest(run_id.as_bytes());
    u64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
}
