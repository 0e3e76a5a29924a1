//! What the ratings of a review say: win rates, Likert means, per-rater figures, position bias,
//! agreement between raters and with the LLM judge, and a summary a product owner reads in a
//! minute.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::config::{Method, Metric};
use super::files::{ItemSource, Pack, Rater};
use super::rating::Rating;
use super::results_agreement::{agreement, judge_agreement};
use super::results_pairs::{duels, pair_results, position_bias};
use super::results_scores::{rater_results, variant_results};
use super::results_summary::summary;
use crate::stats::{bootstrap_mean, mean, Bootstrap, Interval};

/// One rating with the rater who gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RaterRating {
    pub rater: Rater,
    pub rating: Rating,
}

/// The LLM judges' mean score (0–1) of one answer of one item, from the run's evaluators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JudgeScore {
    pub item: String,
    /// Answer index in pack order.
    pub answer: u32,
    pub score: f64,
}

/// Everything the results are computed from.
#[derive(Debug, Clone)]
pub struct ResultsInput<'a> {
    pub pack: &'a Pack,
    /// Where each item's answers came from (owner only).
    pub sources: &'a [ItemSource],
    /// Labels of the run's columns (variants), indexed by column.
    pub variants: &'a [String],
    pub ratings: &'a [RaterRating],
    pub judge: &'a [JudgeScore],
    /// Options of every interval (seeded, so results are reproducible).
    pub bootstrap: Bootstrap,
}

/// How far one rater has got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RaterProgress {
    pub rater: Rater,
    /// Items with at least one rating from this rater.
    pub rated_items: u32,
    pub ratings: u32,
}

/// Two variants compared on one metric (choice, comparison Likert, or ranks taken two by two).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PairResult {
    pub first: String,
    pub second: String,
    /// Items where both were rated against each other.
    pub items: u32,
    pub ratings: u32,
    pub first_wins: u32,
    pub second_wins: u32,
    pub ties: u32,
    /// Share of items the first variant wins, each item counting the mean of its ratings (win
    /// 1, tie ½, loss 0), with a bootstrap 95% interval over items.
    pub first_win_rate: Interval,
    /// Share of ratings that were ties.
    pub tie_rate: f64,
    /// Two-sided exact sign test over items with a preference (ties dropped); `None` when no
    /// item had one.
    pub p_value: Option<f64>,
}

/// One variant on one single-answer metric (or its mean rank).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VariantResult {
    pub variant: String,
    pub ratings: u32,
    /// Likert: mean score 1–5; thumbs: share of thumbs up; rank: mean rank (1 = best); with a
    /// bootstrap 95% interval over items. `None` with no ratings.
    pub mean: Option<Interval>,
    /// Likert: counts of 1..5; thumbs: [down, up]; rank: counts of rank 1..n.
    pub histogram: Vec<u32>,
}

/// One rater's figures on one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RaterResult {
    pub rater: Rater,
    pub ratings: u32,
    /// Likert mean, share of thumbs up, or mean rank of the first variant; `None` for pairs.
    pub mean: Option<f64>,
    /// Pairs: share of this rater's ratings won by the first variant of the first pair (ties ½).
    pub first_win_share: Option<f64>,
    pub ties: u32,
    /// Pairs: share of this rater's decisive ratings that went to the answer shown on the left.
    pub shown_first_share: Option<f64>,
}

/// Whether raters favour the answer shown first (left, A), whatever it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PositionBias {
    /// Ratings with a preference.
    pub decisive: u32,
    /// Of those, how many preferred the answer shown first.
    pub shown_first_wins: u32,
    pub share: f64,
    /// Exact two-sided binomial test against ½.
    pub p_value: f64,
}

/// Agreement between raters on one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Agreement {
    pub raters: u32,
    /// Items rated by two raters or more.
    pub units: u32,
    pub alpha_nominal: Option<f64>,
    pub alpha_ordinal: Option<f64>,
    /// Exactly two raters: on the items both rated.
    pub cohen_kappa: Option<f64>,
    /// Three raters or more: on the items every rater rated.
    pub fleiss_kappa: Option<f64>,
    /// Why a figure is missing, in words.
    pub note: Option<String>,
}

/// Agreement between the raters' majority and the run's LLM judges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JudgeAgreement {
    /// Items with both a human verdict and judge scores.
    pub items: u32,
    pub agree: u32,
    pub rate: f64,
    pub kappa: Option<f64>,
}

/// The results of one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MetricResults {
    pub metric: Metric,
    pub rated_items: u32,
    pub ratings: u32,
    pub pairs: Vec<PairResult>,
    pub variants: Vec<VariantResult>,
    pub per_rater: Vec<RaterResult>,
    pub position_bias: Option<PositionBias>,
    pub agreement: Agreement,
    pub judge: Option<JudgeAgreement>,
}

/// The results of a review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewResults {
    pub items: u32,
    pub ratings: u32,
    pub raters: Vec<RaterProgress>,
    pub metrics: Vec<MetricResults>,
    /// A few plain sentences: who wins, by how much, how sure, how well raters agreed.
    pub summary: Vec<String>,
}

/// The results of a review: every figure above, per metric in the pack's order, and the summary.
///
/// Ratings are read in the pack's answer order and mapped to variants through `input.sources`;
/// items without a source, ratings of unknown items or metrics, and values that do not fit their
/// metric are left out (they count nowhere). Raters are told apart by email, ignoring case; when
/// one rater rated the same item twice on a metric, the later rating counts.
///
/// Intervals are bootstrap intervals over items with `input.bootstrap` (the same seed for each,
/// so results are reproducible); with one item, or all items equal, an interval is a point.
pub fn results(input: &ResultsInput<'_>) -> ReviewResults {
    let prepared = Prepared::new(input);
    let metrics: Vec<MetricResults> = (0..input.pack.metrics.len())
        .map(|m| metric_results(&prepared, m))
        .collect();
    let mut out = ReviewResults {
        items: input.pack.items.len() as u32,
        ratings: prepared.ratings.iter().map(|r| r.len() as u32).sum(),
        raters: prepared.progress(),
        metrics,
        summary: Vec::new(),
    };
    out.summary = summary(&out, input.bootstrap.confidence);
    out
}

fn metric_results(p: &Prepared<'_>, index: usize) -> MetricResults {
    let metric = &p.input.pack.metrics[index];
    let rated = &p.ratings[index];
    let method = metric.method;
    let duels = duels(p, rated);
    let pairwise = matches!(method, Method::Choice | Method::ComparisonLikert);
    MetricResults {
        metric: metric.clone(),
        rated_items: rated.iter().map(|r| r.item).collect::<BTreeSet<_>>().len() as u32,
        ratings: rated.len() as u32,
        pairs: pair_results(p, &duels),
        variants: variant_results(p, rated, method),
        per_rater: rater_results(p, rated, method, &duels),
        position_bias: if pairwise { position_bias(rated) } else { None },
        agreement: agreement(p, rated),
        judge: judge_agreement(p, rated, method),
    }
}

/// A rating that counts, with its rater and item as indices.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rated<'a> {
    /// Index into [`Prepared::raters`].
    pub rater: usize,
    /// Index into the pack's items.
    pub item: usize,
    pub rating: &'a Rating,
}

/// The input, checked and indexed once for every metric.
pub(super) struct Prepared<'a> {
    pub input: &'a ResultsInput<'a>,
    /// Distinct raters (by email, ignoring case), sorted by name.
    pub raters: Vec<Rater>,
    /// Per pack item: the run column of each answer; `None` without a source that fits.
    pub columns: Vec<Option<&'a [u32]>>,
    /// Per pack metric: its ratings, one per rater and item, sorted by item then rater.
    pub ratings: Vec<Vec<Rated<'a>>>,
}

impl<'a> Prepared<'a> {
    fn new(input: &'a ResultsInput<'a>) -> Prepared<'a> {
        let pack = input.pack;
        let sources: HashMap<&str, &ItemSource> =
            input.sources.iter().map(|s| (s.item.as_str(), s)).collect();
        let columns: Vec<Option<&[u32]>> = pack
            .items
            .iter()
            .map(|item| {
                sources
                    .get(item.id.as_str())
                    .filter(|s| s.columns.len() == item.answers.len())
                    .map(|s| s.columns.as_slice())
            })
            .collect();
        let item_index: HashMap<&str, usize> = pack
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| (item.id.as_str(), i))
            .collect();

        // Raters in order of appearance first; sorted by name below.
        let mut raters: Vec<Rater> = Vec::new();
        let mut by_key: HashMap<String, usize> = HashMap::new();
        let mut kept: HashMap<(usize, usize, usize), &Rating> = HashMap::new();
        for rr in input.ratings {
            let r = &rr.rating;
            let Some(&item) = item_index.get(r.item.as_str()) else {
                continue;
            };
            let Some(metric) = pack.metrics.iter().position(|m| m.name == r.metric) else {
                continue;
            };
            if columns[item].is_none()
                || r.value
                    .check(pack.metrics[metric].method, pack.items[item].answers.len())
                    .is_err()
            {
                continue;
            }
            let rater = *by_key.entry(rater_key(&rr.rater)).or_insert_with(|| {
                raters.push(rr.rater.clone());
                raters.len() - 1
            });
            kept.insert((metric, item, rater), r);
        }

        let mut order: Vec<usize> = (0..raters.len()).collect();
        order.sort_by_cached_key(|&i| {
            (
                raters[i].name.to_lowercase(),
                raters[i].email.to_lowercase(),
                i,
            )
        });
        let mut new_index = vec![0; raters.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        let raters = order.iter().map(|&i| raters[i].clone()).collect();

        let mut ratings: Vec<Vec<Rated<'a>>> = vec![Vec::new(); pack.metrics.len()];
        for ((metric, item, rater), rating) in kept {
            ratings[metric].push(Rated {
                rater: new_index[rater],
                item,
                rating,
            });
        }
        for list in &mut ratings {
            list.sort_by_key(|r| (r.item, r.rater));
        }
        Prepared {
            input,
            raters,
            columns,
            ratings,
        }
    }

    fn progress(&self) -> Vec<RaterProgress> {
        self.raters
            .iter()
            .enumerate()
            .map(|(i, rater)| {
                let mine = || self.ratings.iter().flatten().filter(move |r| r.rater == i);
                RaterProgress {
                    rater: rater.clone(),
                    rated_items: mine().map(|r| r.item).collect::<BTreeSet<_>>().len() as u32,
                    ratings: mine().count() as u32,
                }
            })
            .collect()
    }

    /// The label of a run column.
    pub fn label(&self, column: u32) -> String {
        variant_label(self.input.variants, column)
    }

    /// Every run column that some item's answers come from, ascending.
    pub fn variant_columns(&self) -> Vec<u32> {
        self.columns
            .iter()
            .flatten()
            .flat_map(|c| c.iter().copied())
            .collect::<BTreeSet<u32>>()
            .into_iter()
            .collect()
    }
}

/// Who a rater is: their email ignoring case (their name when they gave no email).
fn rater_key(rater: &Rater) -> String {
    let email = rater.email.trim().to_lowercase();
    if email.is_empty() {
        format!("name:{}", rater.name.trim().to_lowercase())
    } else {
        email
    }
}

/// The label of run column `column`, or "column N" (1-based) when the run has no label for it.
pub(super) fn variant_label(variants: &[String], column: u32) -> String {
    variants
        .get(column as usize)
        .cloned()
        .unwrap_or_else(|| format!("column {}", u64::from(column) + 1))
}

/// The mean of `values` with its bootstrap interval; a point interval when the options cannot
/// resample. `None` without values.
pub(super) fn interval(values: &[f64], opts: &Bootstrap) -> Option<Interval> {
    let estimate = mean(values)?;
    Some(bootstrap_mean(values, opts).unwrap_or(Interval {
        estimate,
        low: estimate,
        high: estimate,
    }))
}
