//! Variants compared two by two: the duels inside each rating, the pair results they add up to,
//! and whether raters favour the answer shown first.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::rating::RatingValue;
use super::results::{interval, PairResult, PositionBias, Prepared, Rated};
use crate::stats::binomial_two_sided_p;

/// How a duel went for the pair's first variant (the lower run column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    Win = 0,
    Tie = 1,
    Loss = 2,
}

impl Outcome {
    /// Win 1, tie ½, loss 0.
    pub fn score(self) -> f64 {
        match self {
            Outcome::Win => 1.0,
            Outcome::Tie => 0.5,
            Outcome::Loss => 0.0,
        }
    }
}

/// Two variants met in one rating.
#[derive(Debug, Clone, Copy)]
pub(super) struct Duel {
    /// Run columns, lower first.
    pub pair: (u32, u32),
    pub item: usize,
    pub rater: usize,
    pub outcome: Outcome,
}

/// The duels of a metric's ratings: one per choice or comparison Likert rating, one per pair of
/// answers of a rank (the lower rank wins). Answers from the same variant do not duel.
pub(super) fn duels(p: &Prepared<'_>, rated: &[Rated<'_>]) -> Vec<Duel> {
    let mut out = Vec::new();
    for r in rated {
        let Some(columns) = p.columns[r.item] else {
            continue;
        };
        let mut push = |a: u32, b: u32, a_better: Option<bool>| {
            if a == b {
                return;
            }
            let first_better = if a < b {
                a_better
            } else {
                a_better.map(|x| !x)
            };
            out.push(Duel {
                pair: (a.min(b), a.max(b)),
                item: r.item,
                rater: r.rater,
                outcome: match first_better {
                    Some(true) => Outcome::Win,
                    Some(false) => Outcome::Loss,
                    None => Outcome::Tie,
                },
            });
        };
        match &r.rating.value {
            RatingValue::Rank(ranks) => {
                for (i, (&ci, &ri)) in columns.iter().zip(ranks).enumerate() {
                    for (&cj, &rj) in columns.iter().zip(ranks).skip(i + 1) {
                        push(ci, cj, (ri != rj).then_some(ri < rj));
                    }
                }
            }
            value => {
                if let (Some(preferred), &[c0, c1]) = (value.preferred(), columns) {
                    push(c0, c1, preferred.map(|answer| answer == 0));
                }
            }
        }
    }
    out
}

/// One result per pair of variants that duelled, ordered by their run columns.
pub(super) fn pair_results(p: &Prepared<'_>, duels: &[Duel]) -> Vec<PairResult> {
    // Per pair, per item: [wins, ties, losses] of the first variant.
    let mut by_pair: BTreeMap<(u32, u32), BTreeMap<usize, [u32; 3]>> = BTreeMap::new();
    for d in duels {
        by_pair
            .entry(d.pair)
            .or_default()
            .entry(d.item)
            .or_default()[d.outcome as usize] += 1;
    }
    by_pair
        .into_iter()
        .map(|((first, second), items)| {
            let mut totals = [0u32; 3];
            let mut scores = Vec::with_capacity(items.len());
            let (mut above, mut below) = (0u64, 0u64);
            for counts in items.values() {
                for (t, c) in totals.iter_mut().zip(counts) {
                    *t += c;
                }
                let n: u32 = counts.iter().sum();
                scores.push((f64::from(counts[0]) + f64::from(counts[1]) / 2.0) / f64::from(n));
                // The item's mean score is above ½ exactly when wins outnumber losses.
                match counts[0].cmp(&counts[2]) {
                    Ordering::Greater => above += 1,
                    Ordering::Less => below += 1,
                    Ordering::Equal => {}
                }
            }
            let ratings: u32 = totals.iter().sum();
            PairResult {
                first: p.label(first),
                second: p.label(second),
                items: items.len() as u32,
                ratings,
                first_wins: totals[0],
                second_wins: totals[2],
                ties: totals[1],
                first_win_rate: interval(&scores, &p.input.bootstrap)
                    .expect("a pair has at least one item"),
                tie_rate: f64::from(totals[1]) / f64::from(ratings),
                p_value: (above + below > 0)
                    .then(|| binomial_two_sided_p(above, above + below, 0.5)),
            }
        })
        .collect()
}

/// Of `rated`'s decisive ratings (a preference, not a tie): how many, and how many went to the
/// answer shown first.
pub(super) fn shown_first<'r, 'a: 'r>(rated: impl Iterator<Item = &'r Rated<'a>>) -> (u32, u32) {
    let (mut decisive, mut first) = (0, 0);
    for r in rated {
        if let Some(Some(answer)) = r.rating.value.preferred() {
            decisive += 1;
            if r.rating.shown.first().map(|&s| s as usize) == Some(answer) {
                first += 1;
            }
        }
    }
    (decisive, first)
}

/// Position bias over a pairwise metric's ratings; `None` without a decisive rating.
pub(super) fn position_bias(rated: &[Rated<'_>]) -> Option<PositionBias> {
    let (decisive, wins) = shown_first(rated.iter());
    (decisive > 0).then(|| PositionBias {
        decisive,
        shown_first_wins: wins,
        share: f64::from(wins) / f64::from(decisive),
        p_value: binomial_two_sided_p(u64::from(wins), u64::from(decisive), 0.5),
    })
}
