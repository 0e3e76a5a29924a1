//! Paired comparisons of two variants scored on the same items: the bootstrap interval of the
//! mean difference and the exact sign test.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::binomial::binomial_two_sided_p;
use super::bootstrap::{mean_interval, Bootstrap};
use super::{Interval, StatsError};

/// Outcome of a sign test: on how many items each variant scored higher, and whether that
/// split is surprising if neither is better.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignTest {
    /// Items where A scored higher than B.
    pub a_better: usize,
    /// Items where B scored higher than A.
    pub b_better: usize,
    /// Items with equal scores; they carry no information and are left out of the test.
    pub ties: usize,
    /// Exact two-sided p-value (1 when every item is a tie).
    pub p_value: f64,
}

/// The differences `a_i − b_i`, after checking that the samples pair up and are finite.
pub(crate) fn differences(a: &[f64], b: &[f64]) -> Result<Vec<f64>, StatsError> {
    if a.len() != b.len() {
        return Err(StatsError::LengthMismatch {
            a: a.len(),
            b: b.len(),
        });
    }
    if a.is_empty() {
        return Err(StatsError::Empty);
    }
    for (sample, values) in [('A', a), ('B', b)] {
        if let Some(index) = values.iter().position(|v| !v.is_finite()) {
            return Err(StatsError::NonFinite { sample, index });
        }
    }
    Ok(a.iter().zip(b).map(|(x, y)| x - y).collect())
}

/// Confidence interval of the mean paired difference `mean(a_i − b_i)`, resampling items (so
/// each item keeps its pair). A positive interval means A scores higher than B.
pub fn paired_bootstrap_difference(
    a: &[f64],
    b: &[f64],
    opts: &Bootstrap,
) -> Result<Interval, StatsError> {
    let d = differences(a, b)?;
    opts.validate()?;
    Ok(mean_interval(&d, opts))
}

/// Exact two-sided sign test: ties are dropped and the number of items where A wins is
/// compared with a fair coin (`scipy.stats.binomtest(k, n, 0.5)`). Makes no assumption about
/// the size of differences, only their direction.
pub fn sign_test(a: &[f64], b: &[f64]) -> Result<SignTest, StatsError> {
    let d = differences(a, b)?;
    let a_better = d.iter().filter(|&&x| x > 0.0).count();
    let b_better = d.iter().filter(|&&x| x < 0.0).count();
    let ties = d.len() - a_better - b_better;
    let p_value = binomial_two_sided_p(a_better as u64, (a_better + b_better) as u64, 0.5);
    Ok(SignTest {
        a_better,
        b_better,
        ties,
        p_value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_checked() {
        let opts = Bootstrap::default();
        assert_eq!(
            sign_test(&[1.0], &[1.0, 2.0]),
            Err(StatsError::LengthMismatch { a: 1, b: 2 })
        );
        assert_eq!(sign_test(&[], &[]), Err(StatsError::Empty));
        assert_eq!(
            paired_bootstrap_difference(&[], &[], &opts),
            Err(StatsError::Empty)
        );
        assert_eq!(
            paired_bootstrap_difference(&[1.0, 2.0], &[1.0], &opts),
            Err(StatsError::LengthMismatch { a: 2, b: 1 })
        );
        assert_eq!(
            sign_test(&[1.0, 2.0], &[1.0, f64::NAN]),
            Err(StatsError::NonFinite {
                sample: 'B',
                index: 1
            })
        );
        let bad = Bootstrap {
            confidence: 95.0,
            ..Bootstrap::default()
        };
        assert_eq!(
            paired_bootstrap_difference(&[1.0], &[0.0], &bad),
            Err(StatsError::InvalidConfidence(95.0))
        );
    }

    #[test]
    fn error_messages_say_what_to_do() {
        let msg = StatsError::LengthMismatch { a: 3, b: 4 }.to_string();
        assert_eq!(
            msg,
            "paired samples differ in length (3 vs 4): pair each item's score under A with its \
             score under B"
        );
        let msg = StatsError::NonFinite {
            sample: 'A',
            index: 7,
        }
        .to_string();
        assert!(
            msg.starts_with("value 7 of sample A is not a finite number"),
            "{msg}"
        );
    }

    #[test]
    fn sign_test_counts_and_p_value() {
        let a = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.5, 0.5, 0.5];
        let b = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.5, 0.5, 0.5];
        let t = sign_test(&a, &b).unwrap();
        assert_eq!((t.a_better, t.b_better, t.ties), (8, 1, 3));
        // 2 · P(X ≤ 1 | n = 9) = 2 · 10 / 512.
        assert!((t.p_value - 20.0 / 512.0).abs() < 1e-15);
    }

    #[test]
    fn all_ties_give_p_one() {
        let t = sign_test(&[0.5, 1.0, 0.0], &[0.5, 1.0, 0.0]).unwrap();
        assert_eq!(
            t,
            SignTest {
                a_better: 0,
                b_better: 0,
                ties: 3,
                p_value: 1.0
            }
        );
        let i = paired_bootstrap_difference(&[0.5, 1.0], &[0.5, 1.0], &Bootstrap::default());
        assert_eq!(
            i,
            Ok(Interval {
                estimate: 0.0,
                low: 0.0,
                high: 0.0
            })
        );
    }

    #[test]
    fn paired_difference_is_reproducible_and_signed() {
        let a = [0.9, 0.8, 1.0, 0.7, 0.95, 0.85, 0.6, 0.9, 1.0, 0.75];
        let b = [0.5, 0.6, 0.7, 0.4, 0.8, 0.5, 0.6, 0.55, 0.9, 0.5];
        let opts = Bootstrap {
            seed: 11,
            ..Bootstrap::default()
        };
        let i = paired_bootstrap_difference(&a, &b, &opts).unwrap();
        assert_eq!(i, paired_bootstrap_difference(&a, &b, &opts).unwrap());
        assert!((i.estimate - 0.24).abs() < 1e-12);
        assert!(i.low > 0.0 && i.low < i.estimate && i.estimate < i.high);
        let swapped = paired_bootstrap_difference(&b, &a, &opts).unwrap();
        assert!((swapped.estimate + i.estimate).abs() < 1e-12);
        assert!(swapped.high < 0.0);
    }
}
