//! How far raters agree with each other, and how far their verdicts agree with the LLM judges.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::config::Method;
use super::rating::RatingValue;
use super::results::{Agreement, JudgeAgreement, Prepared, Rated};
use crate::stats::{cohen_kappa, fleiss_kappa, krippendorff_alpha, Level, Ratings, StatsError};

/// Why agreement is missing with a single rater.
pub(super) const ONE_RATER: &str = "one rater so far: agreement needs two or more";
const NO_RATER: &str = "no ratings yet: agreement needs two raters or more";
const NO_COMPLETE_ITEM: &str =
    "Fleiss' kappa needs items rated by every rater, and there is none yet";

/// A rating's category code for agreement, oriented by variant (not by the pack's answer
/// order, which a random shuffle set: the same judgements must give the same figures whatever
/// the shuffle). Choice: the first variant (lower run column) preferred 0, tie 1, the second 2
/// (so ordinal alpha sees a tie between the two); comparison Likert: 1–5 toward the second
/// variant; Likert: the score 1–5; thumbs: down 0, up 1; rank: the rank given to the first
/// variant (one number per rating, so agreement on the whole order is not measured).
///
/// `columns` are the run columns of the item's answers in pack order.
fn code(value: &RatingValue, columns: &[u32]) -> u32 {
    let flipped = matches!(columns, [a, b, ..] if a > b);
    match value {
        RatingValue::Choice(_) => match value.preferred() {
            Some(Some(0)) if !flipped => 0,
            Some(Some(1)) if flipped => 0,
            Some(None) | None => 1,
            Some(Some(_)) => 2,
        },
        RatingValue::ComparisonLikert(v) if flipped => 6 - u32::from(*v),
        RatingValue::ComparisonLikert(v) | RatingValue::Likert(v) => u32::from(*v),
        RatingValue::Thumb(up) => u32::from(*up),
        RatingValue::Rank(ranks) => {
            let first = columns
                .iter()
                .enumerate()
                .min_by_key(|(_, &c)| c)
                .map_or(0, |(answer, _)| answer);
            ranks.get(first).map_or(0, |&r| u32::from(r))
        }
    }
}

/// Keeps a figure, or records why it is missing.
fn figure(result: Result<f64, StatsError>, notes: &mut Vec<String>) -> Option<f64> {
    match result {
        Ok(v) => Some(v),
        Err(e) => {
            let message = e.to_string();
            if !notes.contains(&message) {
                notes.push(message);
            }
            None
        }
    }
}

/// Agreement between the raters of one metric over an items × raters matrix of codes. Units are
/// the items rated by two raters or more; Cohen's kappa (exactly two raters) uses the items
/// both rated, Fleiss' kappa (three or more) the items every rater rated.
pub(super) fn agreement(p: &Prepared<'_>, rated: &[Rated<'_>]) -> Agreement {
    let raters: Vec<usize> = rated
        .iter()
        .map(|r| r.rater)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let n = raters.len();
    if n < 2 {
        return Agreement {
            raters: n as u32,
            units: 0,
            alpha_nominal: None,
            alpha_ordinal: None,
            cohen_kappa: None,
            fleiss_kappa: None,
            note: Some(if n == 0 { NO_RATER } else { ONE_RATER }.to_string()),
        };
    }
    let mut rows: BTreeMap<usize, Vec<Option<u32>>> = BTreeMap::new();
    for r in rated {
        let col = raters.binary_search(&r.rater).expect("rater was collected");
        let columns = p.columns[r.item].unwrap_or_default();
        rows.entry(r.item).or_insert_with(|| vec![None; n])[col] =
            Some(code(&r.rating.value, columns));
    }
    let matrix = Ratings {
        units: rows
            .into_values()
            .filter(|row| row.iter().flatten().count() >= 2)
            .collect(),
    };
    let mut notes = Vec::new();
    let alpha_nominal = figure(krippendorff_alpha(&matrix, Level::Nominal), &mut notes);
    let alpha_ordinal = figure(krippendorff_alpha(&matrix, Level::Ordinal), &mut notes);
    let cohen = if n == 2 {
        let (a, b): (Vec<u32>, Vec<u32>) = matrix
            .units
            .iter()
            .filter_map(|row| Some((row[0]?, row[1]?)))
            .unzip();
        figure(cohen_kappa(&a, &b), &mut notes)
    } else {
        None
    };
    let fleiss = if n >= 3 {
        let complete: Vec<Vec<Option<u32>>> = matrix
            .units
            .iter()
            .filter(|row| row.iter().all(Option::is_some))
            .cloned()
            .collect();
        if complete.is_empty() {
            notes.push(NO_COMPLETE_ITEM.to_string());
            None
        } else {
            figure(fleiss_kappa(&Ratings { units: complete }), &mut notes)
        }
    } else {
        None
    };
    Agreement {
        raters: n as u32,
        units: matrix.units.len() as u32,
        alpha_nominal,
        alpha_ordinal,
        cohen_kappa: cohen,
        fleiss_kappa: fleiss,
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    }
}

/// Agreement between the raters' verdict on each item and the LLM judges' scores of its
/// answers (`None` for ranks, and when no rated item has judge scores).
///
/// Pairwise: the judges prefer the answer with the higher score (equal scores: a tie); the
/// raters prefer the answer whose mean score (win 1, tie ½, loss 0) is above ½, or a tie at
/// exactly ½. Both are oriented by variant like the raters' agreement, coded 0 (first variant)
/// / 1 (tie) / 2.
///
/// Single: the judges call an answer good at a score of 0.5 or more; the raters at a Likert
/// mean of 3.5 or more, or when thumbs up outnumber thumbs down (an even split is not good).
pub(super) fn judge_agreement(
    p: &Prepared<'_>,
    rated: &[Rated<'_>],
    method: Method,
) -> Option<JudgeAgreement> {
    if method == Method::Rank {
        return None;
    }
    let mut scores: HashMap<(&str, u32), (f64, u32)> = HashMap::new();
    for s in p.input.judge.iter().filter(|s| s.score.is_finite()) {
        let e = scores
            .entry((s.item.as_str(), s.answer))
            .or_insert((0.0, 0));
        e.0 += s.score;
        e.1 += 1;
    }
    let judge =
        |item: &str, answer: u32| scores.get(&(item, answer)).map(|(s, n)| s / f64::from(*n));

    // Per item: pairwise [answer 0 preferred, tie, answer 1 preferred]; single [sum, count].
    let mut tallies: BTreeMap<usize, [f64; 3]> = BTreeMap::new();
    for r in rated {
        let t = tallies.entry(r.item).or_insert([0.0; 3]);
        match &r.rating.value {
            RatingValue::Likert(v) => {
                t[0] += f64::from(*v);
                t[1] += 1.0;
            }
            RatingValue::Thumb(up) => {
                t[0] += if *up { 1.0 } else { 0.0 };
                t[1] += 1.0;
            }
            value => match value.preferred() {
                Some(Some(0)) => t[0] += 1.0,
                Some(None) => t[1] += 1.0,
                Some(Some(_)) => t[2] += 1.0,
                None => {}
            },
        }
    }
    let pairwise = matches!(method, Method::Choice | Method::ComparisonLikert);
    let code = |o: Option<Ordering>| match o {
        Some(Ordering::Greater) => 0,
        Some(Ordering::Less) => 2,
        _ => 1,
    };
    let (mut human, mut machine) = (Vec::new(), Vec::new());
    for (item, t) in tallies {
        let id = p.input.pack.items[item].id.as_str();
        if pairwise {
            let (Some(s0), Some(s1)) = (judge(id, 0), judge(id, 1)) else {
                continue;
            };
            // Mean score of answer 0 above ½ exactly when its wins outnumber its losses.
            let (h, m) = (code(t[0].partial_cmp(&t[2])), code(s0.partial_cmp(&s1)));
            let flipped = matches!(p.columns[item], Some([a, b, ..]) if a > b);
            let orient = |c: u32| if flipped { 2 - c } else { c };
            human.push(orient(h));
            machine.push(orient(m));
        } else {
            let Some(s) = judge(id, 0) else {
                continue;
            };
            let (sum, count) = (t[0], t[1]);
            let good = match method {
                Method::Likert => sum >= 3.5 * count,
                _ => 2.0 * sum > count,
            };
            human.push(u32::from(good));
            machine.push(u32::from(s >= 0.5));
        }
    }
    if human.is_empty() {
        return None;
    }
    let agree = human.iter().zip(&machine).filter(|(h, m)| h == m).count() as u32;
    Some(JudgeAgreement {
        items: human.len() as u32,
        agree,
        rate: f64::from(agree) / human.len() as f64,
        kappa: cohen_kappa(&human, &machine).ok(),
    })
}
