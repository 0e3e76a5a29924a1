//! What the ratings of a review say: win rates, Likert means, per-rater figures, position bias,
//! agreement between raters and with the LLM judge, and a summary a product owner reads in a
//! minute.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::config::Metric;
use super::files::{ItemSource, Pack, Rater};
use super::rating::Rating;
use crate::stats::{Bootstrap, Interval};

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
