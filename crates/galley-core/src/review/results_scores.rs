//! Scores per variant (Likert means, thumbs-up shares, mean ranks) and the figures of each rater.

use std::collections::{BTreeMap, BTreeSet};

use super::config::Method;
use super::rating::RatingValue;
use super::results::{interval, Prepared, Rated, RaterResult, VariantResult};
use super::results_pairs::{shown_first, Duel};
use crate::stats::mean;

/// A single-answer rating as a number: Likert 1–5, thumbs up 1 and down 0.
fn single_value(value: &RatingValue) -> Option<f64> {
    match value {
        RatingValue::Likert(v) => Some(f64::from(*v)),
        RatingValue::Thumb(up) => Some(if *up { 1.0 } else { 0.0 }),
        _ => None,
    }
}

/// What one variant collected: ratings, histogram, and per unit (item and answer) the sum and
/// count of its values.
struct Tally {
    ratings: u32,
    histogram: Vec<u32>,
    units: BTreeMap<(usize, usize), (f64, u32)>,
}

impl Tally {
    fn add(&mut self, unit: (usize, usize), value: f64, bin: usize) {
        self.ratings += 1;
        if let Some(b) = self.histogram.get_mut(bin) {
            *b += 1;
        }
        let u = self.units.entry(unit).or_insert((0.0, 0));
        u.0 += value;
        u.1 += 1;
    }
}

/// One result per variant (by run column) for Likert, thumbs and rank metrics; empty for
/// pairwise methods. The mean is over units: each item's mean across raters (for ranks, each
/// answer's mean rank), so an item rated by three raters weighs as much as one rated once.
pub(super) fn variant_results(
    p: &Prepared<'_>,
    rated: &[Rated<'_>],
    method: Method,
) -> Vec<VariantResult> {
    let bins = match method {
        Method::Likert => 5,
        Method::Thumbs => 2,
        Method::Rank => p
            .columns
            .iter()
            .flatten()
            .map(|c| c.len())
            .max()
            .unwrap_or(0),
        Method::Choice | Method::ComparisonLikert => return Vec::new(),
    };
    let mut tallies: BTreeMap<u32, Tally> = p
        .variant_columns()
        .into_iter()
        .map(|c| {
            let tally = Tally {
                ratings: 0,
                histogram: vec![0; bins],
                units: BTreeMap::new(),
            };
            (c, tally)
        })
        .collect();
    for r in rated {
        let Some(columns) = p.columns[r.item] else {
            continue;
        };
        match &r.rating.value {
            RatingValue::Rank(ranks) => {
                for (answer, (c, &rank)) in columns.iter().zip(ranks).enumerate() {
                    if let Some(t) = tallies.get_mut(c) {
                        t.add((r.item, answer), f64::from(rank), usize::from(rank) - 1);
                    }
                }
            }
            value => {
                let (Some(v), Some(c)) = (single_value(value), columns.first()) else {
                    continue;
                };
                let bin = match value {
                    RatingValue::Likert(l) => usize::from(*l) - 1,
                    _ => v as usize,
                };
                if let Some(t) = tallies.get_mut(c) {
                    t.add((r.item, 0), v, bin);
                }
            }
        }
    }
    tallies
        .into_iter()
        .map(|(column, t)| {
            let unit_means: Vec<f64> = t.units.values().map(|(s, n)| s / f64::from(*n)).collect();
            VariantResult {
                variant: p.label(column),
                ratings: t.ratings,
                mean: interval(&unit_means, &p.input.bootstrap),
                histogram: t.histogram,
            }
        })
        .collect()
}

/// The figures of each rater who rated the metric, in the order of [`Prepared::raters`].
pub(super) fn rater_results(
    p: &Prepared<'_>,
    rated: &[Rated<'_>],
    method: Method,
    duels: &[Duel],
) -> Vec<RaterResult> {
    let pairwise = matches!(method, Method::Choice | Method::ComparisonLikert);
    let first_pair = duels.iter().map(|d| d.pair).min();
    let lowest = p.variant_columns().first().copied();
    let raters: BTreeSet<usize> = rated.iter().map(|r| r.rater).collect();
    raters
        .into_iter()
        .map(|rater| {
            let mine: Vec<&Rated<'_>> = rated.iter().filter(|r| r.rater == rater).collect();
            let values: Vec<f64> = match method {
                Method::Likert | Method::Thumbs => mine
                    .iter()
                    .filter_map(|r| single_value(&r.rating.value))
                    .collect(),
                Method::Rank => mine
                    .iter()
                    .filter_map(|r| match (&r.rating.value, p.columns[r.item]) {
                        (RatingValue::Rank(ranks), Some(columns)) => Some(
                            columns
                                .iter()
                                .zip(ranks)
                                .filter(|(c, _)| Some(**c) == lowest)
                                .map(|(_, &rank)| f64::from(rank))
                                .collect::<Vec<_>>(),
                        ),
                        _ => None,
                    })
                    .flatten()
                    .collect(),
                Method::Choice | Method::ComparisonLikert => Vec::new(),
            };
            let first_pair_scores: Vec<f64> = duels
                .iter()
                .filter(|d| d.rater == rater && Some(d.pair) == first_pair)
                .map(|d| d.outcome.score())
                .collect();
            let (decisive, left) = shown_first(mine.iter().copied());
            RaterResult {
                rater: p.raters[rater].clone(),
                ratings: mine.len() as u32,
                mean: mean(&values),
                first_win_share: mean(&first_pair_scores),
                ties: mine
                    .iter()
                    .filter(|r| r.rating.value.preferred() == Some(None))
                    .count() as u32,
                shown_first_share: (pairwise && decisive > 0)
                    .then(|| f64::from(left) / f64::from(decisive)),
            }
        })
        .collect()
}
