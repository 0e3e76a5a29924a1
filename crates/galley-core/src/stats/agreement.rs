//! Inter-rater agreement: Krippendorff's alpha (nominal, ordinal, interval), Cohen's kappa for
//! two raters and Fleiss' kappa for a fixed number of raters per unit.
//!
//! Ratings are category codes. Alpha follows the coincidence-matrix method of Krippendorff,
//! "Computing Krippendorff's Alpha-Reliability" (2011), and accepts missing ratings; the two
//! kappas match scikit-learn's `cohen_kappa_score` and statsmodels' `fleiss_kappa`.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::StatsError;

/// Ratings as a units × raters matrix: `units[u][r]` is rater `r`'s category code for unit `u`,
/// `None` when that rater did not rate the unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Ratings {
    pub units: Vec<Vec<Option<u32>>>,
}

/// Level of measurement of the category codes, which sets how far apart two ratings are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Level {
    /// Codes are labels: any two different codes disagree equally.
    Nominal,
    /// Codes are ranks: disagreement grows with how many ratings fall between the two codes.
    Ordinal,
    /// Codes are numbers: disagreement is the squared difference.
    Interval,
}

/// Krippendorff's alpha, `1 − D_o / D_e`: 1 for perfect agreement, 0 for agreement at chance
/// level, negative for systematic disagreement.
///
/// Built from the coincidence matrix of all pairable values; units with fewer than two ratings
/// are dropped. Ordinal distances use the cumulative marginals of the coincidence matrix
/// (`(Σ_{g=c..k} n_g − (n_c + n_k)/2)²`), interval distances the squared difference of codes.
///
/// Errors: [`StatsError::NoPairableUnits`] when no unit has two ratings,
/// [`StatsError::NoExpectedDisagreement`] when all pairable ratings are the same code.
pub fn krippendorff_alpha(r: &Ratings, level: Level) -> Result<f64, StatsError> {
    let values: Vec<u32> = r
        .units
        .iter()
        .filter(|u| present(u).count() >= 2)
        .flat_map(|u| present(u))
        .collect::<BTreeSet<u32>>()
        .into_iter()
        .collect();
    if values.is_empty() {
        return Err(StatsError::NoPairableUnits);
    }
    let k = values.len();
    let index = |v: u32| values.binary_search(&v).expect("value was collected");

    // Coincidences: each ordered pair of ratings within a unit adds 1/(m_u − 1).
    let mut o = vec![vec![0.0_f64; k]; k];
    for unit in &r.units {
        let m = present(unit).count();
        if m < 2 {
            continue;
        }
        let codes: Vec<usize> = present(unit).map(index).collect();
        let weight = 1.0 / (m - 1) as f64;
        for (i, &c) in codes.iter().enumerate() {
            for (j, &d) in codes.iter().enumerate() {
                if i != j {
                    o[c][d] += weight;
                }
            }
        }
    }
    let marginals: Vec<f64> = o.iter().map(|row| row.iter().sum()).collect();
    let n: f64 = marginals.iter().sum();

    let delta = |c: usize, d: usize| -> f64 {
        match level {
            Level::Nominal => {
                if c == d {
                    0.0
                } else {
                    1.0
                }
            }
            Level::Ordinal => {
                let (lo, hi) = if c <= d { (c, d) } else { (d, c) };
                let between: f64 = marginals[lo..=hi].iter().sum();
                let x = between - (marginals[lo] + marginals[hi]) / 2.0;
                x * x
            }
            Level::Interval => {
                let x = f64::from(values[c]) - f64::from(values[d]);
                x * x
            }
        }
    };

    let (mut observed, mut expected) = (0.0, 0.0);
    for c in 0..k {
        for d in 0..k {
            let dist = delta(c, d);
            observed += o[c][d] * dist;
            expected += marginals[c] * marginals[d] * dist;
        }
    }
    if expected == 0.0 {
        return Err(StatsError::NoExpectedDisagreement);
    }
    Ok(1.0 - (n - 1.0) * observed / expected)
}

/// Cohen's kappa for two raters who each rated the same units (`a[i]` and `b[i]` are the two
/// ratings of unit `i`), unweighted: `(p_o − p_e) / (1 − p_e)`, as scikit-learn's
/// `cohen_kappa_score`.
///
/// Errors: [`StatsError::RaterLengthMismatch`] when the slices differ in length,
/// [`StatsError::NoPairableUnits`] when they are empty, [`StatsError::NoExpectedDisagreement`]
/// when both raters used one and the same category throughout.
pub fn cohen_kappa(a: &[u32], b: &[u32]) -> Result<f64, StatsError> {
    if a.len() != b.len() {
        return Err(StatsError::RaterLengthMismatch {
            a: a.len(),
            b: b.len(),
        });
    }
    if a.is_empty() {
        return Err(StatsError::NoPairableUnits);
    }
    let labels: Vec<u32> = a
        .iter()
        .chain(b)
        .copied()
        .collect::<BTreeSet<u32>>()
        .into_iter()
        .collect();
    let index = |v: &u32| labels.binary_search(v).expect("label was collected");
    let k = labels.len();
    let (mut count_a, mut count_b) = (vec![0.0_f64; k], vec![0.0_f64; k]);
    let mut agree = 0.0_f64;
    for (x, y) in a.iter().zip(b) {
        let (i, j) = (index(x), index(y));
        count_a[i] += 1.0;
        count_b[j] += 1.0;
        if i == j {
            agree += 1.0;
        }
    }
    let n = a.len() as f64;
    let p_observed = agree / n;
    let p_expected: f64 = count_a
        .iter()
        .zip(&count_b)
        .map(|(x, y)| x * y)
        .sum::<f64>()
        / (n * n);
    if p_expected >= 1.0 {
        return Err(StatsError::NoExpectedDisagreement);
    }
    // Same algebra as scikit-learn's 1 − Σ w·observed / Σ w·expected with 0/1 weights.
    Ok(1.0 - (1.0 - p_observed) / (1.0 - p_expected))
}

/// Fleiss' kappa for units that were all rated by the same number `m ≥ 2` of raters (which
/// raters does not matter), as statsmodels' `fleiss_kappa` on the count table of
/// `aggregate_raters`.
///
/// Errors: [`StatsError::UnequalRaterCounts`] when units have different numbers of ratings,
/// [`StatsError::NoPairableUnits`] when there are no units or each has fewer than two ratings,
/// [`StatsError::NoExpectedDisagreement`] when every rating is the same category.
pub fn fleiss_kappa(r: &Ratings) -> Result<f64, StatsError> {
    let first = match r.units.first() {
        Some(u) => present(u).count(),
        None => return Err(StatsError::NoPairableUnits),
    };
    for (unit, ratings) in r.units.iter().enumerate() {
        let found = present(ratings).count();
        if found != first {
            return Err(StatsError::UnequalRaterCounts {
                unit,
                found,
                expected: first,
            });
        }
    }
    if first < 2 {
        return Err(StatsError::NoPairableUnits);
    }
    let categories: Vec<u32> = r
        .units
        .iter()
        .flat_map(|u| present(u))
        .collect::<BTreeSet<u32>>()
        .into_iter()
        .collect();
    let k = categories.len();
    let m = first as f64;
    let mut totals = vec![0.0_f64; k];
    let mut p_agree_sum = 0.0_f64;
    for unit in &r.units {
        let mut counts = vec![0.0_f64; k];
        for v in present(unit) {
            let c = categories
                .binary_search(&v)
                .expect("category was collected");
            counts[c] += 1.0;
        }
        let squares: f64 = counts.iter().map(|x| x * x).sum();
        p_agree_sum += (squares - m) / (m * (m - 1.0));
        for (t, c) in totals.iter_mut().zip(&counts) {
            *t += c;
        }
    }
    let n_total: f64 = totals.iter().sum();
    let p_mean = p_agree_sum / r.units.len() as f64;
    let p_expected: f64 = totals.iter().map(|t| (t / n_total) * (t / n_total)).sum();
    if p_expected >= 1.0 {
        return Err(StatsError::NoExpectedDisagreement);
    }
    Ok((p_mean - p_expected) / (1.0 - p_expected))
}

/// The ratings present in one unit.
fn present(unit: &[Option<u32>]) -> impl Iterator<Item = u32> + '_ {
    unit.iter().flatten().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ratings(units: &[&[Option<u32>]]) -> Ratings {
        Ratings {
            units: units.iter().map(|u| u.to_vec()).collect(),
        }
    }

    /// Builds units × raters from rows given per rater (observer), as the 2011 paper prints
    /// them; 0 stands for a missing rating.
    fn from_observer_rows(rows: &[&[u32]]) -> Ratings {
        let units = (0..rows[0].len())
            .map(|u| {
                rows.iter()
                    .map(|row| (row[u] != 0).then_some(row[u]))
                    .collect()
            })
            .collect();
        Ratings { units }
    }

    /// The reliability data of section C of Krippendorff (2011), "Computing Krippendorff's
    /// Alpha-Reliability": observers A–D, units 1–12, values 1–5, 0 = missing.
    fn paper_example() -> Ratings {
        from_observer_rows(&[
            &[1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0],
            &[1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3],
            &[0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0],
            &[1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0],
        ])
    }

    fn assert_close(got: f64, want: f64, tol: f64) {
        assert!((got - want).abs() <= tol, "got {got}, want {want} ± {tol}");
    }

    #[test]
    fn paper_example_matches_published_alphas() {
        let r = paper_example();
        // The paper reports alpha to three decimals.
        assert_close(krippendorff_alpha(&r, Level::Nominal).unwrap(), 0.743, 5e-4);
        assert_close(krippendorff_alpha(&r, Level::Ordinal).unwrap(), 0.815, 5e-4);
        assert_close(
            krippendorff_alpha(&r, Level::Interval).unwrap(),
            0.849,
            5e-4,
        );
    }

    #[test]
    fn paper_example_nominal_is_exact() {
        // Unit 12 has a single value and drops out: n = 40 pairable values with marginals
        // n_1 = 9, n_2 = 13, n_3 = 10, n_4 = 5, n_5 = 3, and 32 of the 40 coincidences lie on
        // the diagonal, so alpha = 1 − (n − 1)(n − 32) / (n² − Σ n_c²) = 1 − 312/1216.
        let want = 1.0 - 39.0 * 8.0 / (1600.0 - (81.0 + 169.0 + 100.0 + 25.0 + 9.0));
        assert_close(
            krippendorff_alpha(&paper_example(), Level::Nominal).unwrap(),
            want,
            1e-12,
        );
    }

    #[test]
    fn perfect_agreement_is_one() {
        let r = ratings(&[
            &[Some(1), Some(1), None],
            &[Some(2), Some(2), Some(2)],
            &[Some(3), None, Some(3)],
            &[None, Some(1), Some(1)],
        ]);
        for level in [Level::Nominal, Level::Ordinal, Level::Interval] {
            assert_eq!(krippendorff_alpha(&r, level), Ok(1.0), "{level:?}");
        }
        assert_eq!(cohen_kappa(&[1, 2, 3, 2], &[1, 2, 3, 2]), Ok(1.0));
        let full = ratings(&[
            &[Some(1), Some(1)],
            &[Some(2), Some(2)],
            &[Some(4), Some(4)],
        ]);
        assert_eq!(fleiss_kappa(&full), Ok(1.0));
    }

    #[test]
    fn nothing_pairable_is_an_error() {
        let r = ratings(&[&[Some(1), None], &[None, Some(2)], &[None, None]]);
        assert_eq!(
            krippendorff_alpha(&r, Level::Nominal),
            Err(StatsError::NoPairableUnits)
        );
        assert_eq!(
            krippendorff_alpha(&Ratings { units: vec![] }, Level::Interval),
            Err(StatsError::NoPairableUnits)
        );
        assert_eq!(
            fleiss_kappa(&Ratings { units: vec![] }),
            Err(StatsError::NoPairableUnits)
        );
        let single = ratings(&[&[Some(1), None], &[Some(2), None]]);
        assert_eq!(fleiss_kappa(&single), Err(StatsError::NoPairableUnits));
        assert_eq!(cohen_kappa(&[], &[]), Err(StatsError::NoPairableUnits));
    }

    #[test]
    fn single_category_is_an_error() {
        // The lone 2 is in a unit with one rating, so it is not pairable.
        let r = ratings(&[
            &[Some(3), Some(3)],
            &[Some(3), None, Some(3)],
            &[Some(2), None],
        ]);
        for level in [Level::Nominal, Level::Ordinal, Level::Interval] {
            assert_eq!(
                krippendorff_alpha(&r, level),
                Err(StatsError::NoExpectedDisagreement),
                "{level:?}"
            );
        }
        assert_eq!(
            cohen_kappa(&[2, 2, 2], &[2, 2, 2]),
            Err(StatsError::NoExpectedDisagreement)
        );
        let full = ratings(&[&[Some(5), Some(5)], &[Some(5), Some(5)]]);
        assert_eq!(fleiss_kappa(&full), Err(StatsError::NoExpectedDisagreement));
        assert!(StatsError::NoExpectedDisagreement
            .to_string()
            .contains("expected disagreement is 0"));
    }

    #[test]
    fn cohen_rejects_mismatched_lengths() {
        let err = cohen_kappa(&[1, 2, 3], &[1, 2]).unwrap_err();
        assert_eq!(err, StatsError::RaterLengthMismatch { a: 3, b: 2 });
        assert!(err.to_string().contains("(3 vs 2)"));
    }

    #[test]
    fn fleiss_rejects_unequal_rater_counts() {
        let r = ratings(&[&[Some(1), Some(2), Some(2)], &[Some(1), None, Some(1)]]);
        assert_eq!(
            fleiss_kappa(&r),
            Err(StatsError::UnequalRaterCounts {
                unit: 1,
                found: 2,
                expected: 3
            })
        );
    }

    #[test]
    fn known_small_values() {
        // Two raters, 2×2 table [[2, 1], [1, 2]]: p_o = 2/3, p_e = 1/2, kappa = 1/3.
        assert_close(
            cohen_kappa(&[0, 0, 0, 1, 1, 1], &[0, 0, 1, 0, 1, 1]).unwrap(),
            1.0 / 3.0,
            1e-15,
        );
        // Systematic disagreement gives a negative alpha.
        let r = ratings(&[&[Some(1), Some(2)], &[Some(2), Some(1)]]);
        assert!(krippendorff_alpha(&r, Level::Nominal).unwrap() < 0.0);
    }

    #[test]
    fn types_round_trip_as_camel_case_json() {
        let r = ratings(&[&[Some(1), None]]);
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(json, r#"{"units":[[1,null]]}"#);
        assert_eq!(serde_json::from_str::<Ratings>(&json).unwrap(), r);
        assert_eq!(
            serde_json::to_string(&Level::Ordinal).unwrap(),
            r#""ordinal""#
        );
    }
}
