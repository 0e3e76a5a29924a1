//! Bootstrap confidence intervals for a mean (pass rates, average judge scores, paired
//! differences).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::describe::{all_finite, plain_mean, quantile_sorted};
use super::normal::{normal_cdf, normal_quantile};
use super::rng::Rng;
use super::{Interval, StatsError};

/// How the interval is read off the bootstrap distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum BootstrapMethod {
    /// Plain quantiles of the resampled means. Simple, but can be off for skewed data such as
    /// pass rates near 0 or 1.
    Percentile,
    /// Bias-corrected and accelerated quantiles (the default, as in `scipy.stats.bootstrap`):
    /// shifts the quantiles for the bootstrap distribution's bias and skew, using a jackknife
    /// estimate of the acceleration. Better coverage for small or skewed samples.
    Bca,
}

/// Options of a bootstrap interval. The same options and data always give the same interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Bootstrap {
    /// Number of resamples (10 000 by default); more resamples, less Monte Carlo noise.
    pub resamples: u32,
    /// Confidence level strictly between 0 and 1 (0.95 by default).
    pub confidence: f64,
    /// Seed of the resampling stream.
    pub seed: u64,
    pub method: BootstrapMethod,
}

impl Default for Bootstrap {
    fn default() -> Self {
        Bootstrap {
            resamples: 10_000,
            confidence: 0.95,
            seed: 0,
            method: BootstrapMethod::Bca,
        }
    }
}

impl Bootstrap {
    /// Checks the options: a confidence level in (0, 1) and at least one resample.
    pub fn validate(&self) -> Result<(), StatsError> {
        if !(self.confidence > 0.0 && self.confidence < 1.0) {
            return Err(StatsError::InvalidConfidence(self.confidence));
        }
        if self.resamples == 0 {
            return Err(StatsError::NoResamples);
        }
        Ok(())
    }
}

/// Confidence interval of the mean of `values` by resampling them with replacement.
///
/// The estimate is the sample mean ([`super::mean`]). When all values are equal (a single
/// value, or e.g. every case passing) there is no spread to resample and the interval is
/// `[v, v]`. `None` for empty input, a non-finite value, or invalid options.
pub fn bootstrap_mean(values: &[f64], opts: &Bootstrap) -> Option<Interval> {
    if values.is_empty() || !all_finite(values) || opts.validate().is_err() {
        return None;
    }
    Some(mean_interval(values, opts))
}

/// Pass rate (share of `true`) with its bootstrap confidence interval; see [`bootstrap_mean`].
pub fn pass_rate(passes: &[bool], opts: &Bootstrap) -> Option<Interval> {
    let values: Vec<f64> = passes.iter().map(|&p| if p { 1.0 } else { 0.0 }).collect();
    bootstrap_mean(&values, opts)
}

/// The interval for checked input: non-empty, finite, valid options.
pub(crate) fn mean_interval(values: &[f64], opts: &Bootstrap) -> Interval {
    let estimate = plain_mean(values);
    if values.iter().all(|&v| v == values[0]) {
        return Interval {
            estimate,
            low: estimate,
            high: estimate,
        };
    }
    let means = resampled_means(values, opts.resamples, opts.seed);
    let alpha = (1.0 - opts.confidence) / 2.0;
    let percentile_levels = (alpha, 1.0 - alpha);
    let (q_low, q_high) = match opts.method {
        BootstrapMethod::Percentile => percentile_levels,
        // BCa is undefined when the bootstrap distribution lies entirely on one side of the
        // estimate (possible with tiny samples); the percentile interval is then the fallback.
        BootstrapMethod::Bca => {
            bca_levels(values, estimate, &means, alpha).unwrap_or(percentile_levels)
        }
    };
    Interval {
        estimate,
        low: quantile_sorted(&means, q_low),
        high: quantile_sorted(&means, q_high),
    }
}

/// Means of `resamples` resamples (with replacement, same size as `values`), sorted ascending.
fn resampled_means(values: &[f64], resamples: u32, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    let n = values.len();
    let mut means: Vec<f64> = (0..resamples)
        .map(|_| {
            let sum: f64 = (0..n).map(|_| values[rng.below(n as u64) as usize]).sum();
            sum / n as f64
        })
        .collect();
    means.sort_by(f64::total_cmp);
    means
}

/// The two quantile levels of the BCa interval, or `None` when they are not finite.
fn bca_levels(
    values: &[f64],
    estimate: f64,
    sorted_means: &[f64],
    alpha: f64,
) -> Option<(f64, f64)> {
    // Bias correction: how far the estimate sits from the bootstrap median, on a normal scale.
    // Resampled means equal to the estimate count half, as in scipy.
    let below = sorted_means.partition_point(|&m| m < estimate);
    let at_or_below = sorted_means.partition_point(|&m| m <= estimate);
    let share = (below + at_or_below) as f64 / (2 * sorted_means.len()) as f64;
    let z0 = normal_quantile(share);

    // Acceleration from the jackknife. For the mean, the leave-one-out estimate differs from
    // the average of all leave-one-out estimates by (x̄ − x_i)/(n − 1), so the jackknife
    // influence values are x_i − x̄ and the formula needs no n re-computed means.
    let (mut sum2, mut sum3) = (0.0, 0.0);
    for &v in values {
        let u = v - estimate;
        sum2 += u * u;
        sum3 += u * u * u;
    }
    let acceleration = sum3 / (6.0 * sum2.powf(1.5));

    let level = |z_alpha: f64| {
        let shifted = z0 + z_alpha;
        normal_cdf(z0 + shifted / (1.0 - acceleration * shifted))
    };
    let z_alpha = normal_quantile(alpha);
    let (low, high) = (level(z_alpha), level(-z_alpha));
    (low.is_finite() && high.is_finite()).then_some((low, high))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(seed: u64, method: BootstrapMethod) -> Bootstrap {
        Bootstrap {
            seed,
            method,
            ..Bootstrap::default()
        }
    }

    const SCORES: [f64; 12] = [
        0.2, 0.9, 0.4, 0.7, 0.65, 0.3, 0.8, 0.55, 0.1, 0.95, 0.6, 0.5,
    ];

    #[test]
    fn defaults_are_scipy_like() {
        let d = Bootstrap::default();
        assert_eq!(d.resamples, 10_000);
        assert_eq!(d.confidence, 0.95);
        assert_eq!(d.method, BootstrapMethod::Bca);
    }

    #[test]
    fn empty_and_invalid_give_none() {
        assert_eq!(bootstrap_mean(&[], &Bootstrap::default()), None);
        assert_eq!(
            bootstrap_mean(&[1.0, f64::NAN], &Bootstrap::default()),
            None
        );
        let bad = Bootstrap {
            confidence: 1.0,
            ..Bootstrap::default()
        };
        assert_eq!(bootstrap_mean(&[1.0, 2.0], &bad), None);
        assert_eq!(bad.validate(), Err(StatsError::InvalidConfidence(1.0)));
        let none = Bootstrap {
            resamples: 0,
            ..Bootstrap::default()
        };
        assert_eq!(none.validate(), Err(StatsError::NoResamples));
        assert_eq!(pass_rate(&[], &Bootstrap::default()), None);
    }

    #[test]
    fn single_and_constant_values_give_a_point_interval() {
        for method in [BootstrapMethod::Bca, BootstrapMethod::Percentile] {
            let one = bootstrap_mean(&[0.7], &opts(1, method)).unwrap();
            assert_eq!(
                one,
                Interval {
                    estimate: 0.7,
                    low: 0.7,
                    high: 0.7
                }
            );
            let all_pass = pass_rate(&[true; 50], &opts(1, method)).unwrap();
            assert_eq!(
                all_pass,
                Interval {
                    estimate: 1.0,
                    low: 1.0,
                    high: 1.0
                }
            );
            let all_fail = pass_rate(&[false; 50], &opts(1, method)).unwrap();
            assert_eq!(
                all_fail,
                Interval {
                    estimate: 0.0,
                    low: 0.0,
                    high: 0.0
                }
            );
        }
    }

    #[test]
    fn same_seed_same_interval_other_seed_slightly_different() {
        for method in [BootstrapMethod::Bca, BootstrapMethod::Percentile] {
            let a = bootstrap_mean(&SCORES, &opts(7, method)).unwrap();
            let b = bootstrap_mean(&SCORES, &opts(7, method)).unwrap();
            let c = bootstrap_mean(&SCORES, &opts(8, method)).unwrap();
            assert_eq!(a, b);
            assert_eq!(a.estimate, c.estimate);
            assert_ne!((a.low, a.high), (c.low, c.high));
            assert!(
                (a.low - c.low).abs() < 0.02 && (a.high - c.high).abs() < 0.02,
                "{a:?} {c:?}"
            );
        }
    }

    #[test]
    fn interval_brackets_the_mean_and_shrinks_with_confidence() {
        let wide = bootstrap_mean(&SCORES, &Bootstrap::default()).unwrap();
        let narrow = bootstrap_mean(
            &SCORES,
            &Bootstrap {
                confidence: 0.5,
                ..Bootstrap::default()
            },
        )
        .unwrap();
        assert_eq!(wide.estimate, plain_mean(&SCORES));
        assert!(wide.low < wide.estimate && wide.estimate < wide.high);
        assert!(wide.low < narrow.low && narrow.high < wide.high);
        // Roughly mean ± 1.96 · sd/√n (sd ≈ 0.27, n = 12 → ± 0.15).
        assert!((wide.high - wide.low - 0.30).abs() < 0.06, "{wide:?}");
    }

    #[test]
    fn bca_shifts_towards_the_long_tail() {
        // Mostly passes: the percentile interval and BCa differ, and BCa reaches further
        // down, the direction in which the mean is uncertain.
        let mut passes = vec![true; 27];
        passes.extend([false; 3]);
        let bca = pass_rate(&passes, &opts(3, BootstrapMethod::Bca)).unwrap();
        let pct = pass_rate(&passes, &opts(3, BootstrapMethod::Percentile)).unwrap();
        assert_eq!(bca.estimate, 0.9);
        assert!(bca.low < pct.low, "{bca:?} {pct:?}");
        assert!(bca.high <= 1.0);
    }

    #[test]
    fn two_distinct_values_still_work() {
        let i = bootstrap_mean(&[0.0, 1.0], &Bootstrap::default()).unwrap();
        assert_eq!(i.estimate, 0.5);
        assert!(i.low >= 0.0 && i.high <= 1.0 && i.low <= i.high);
    }
}
