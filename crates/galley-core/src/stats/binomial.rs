//! Exact two-sided binomial test.

/// Outcomes whose probability is within this relative margin of the observed one count as
/// "as extreme", so rounding cannot split outcomes that are equally likely in exact arithmetic
/// (the same margin scipy's `binomtest` uses).
const EQUAL_LIKELIHOOD_MARGIN: f64 = 1e-7;

/// Two-sided p-value of observing `k` successes in `n` trials when each succeeds with
/// probability `p`: the total probability of all outcomes no more likely than `k`.
///
/// Matches `scipy.stats.binomtest(k, n, p, alternative='two-sided').pvalue`. Probabilities are
/// built in log space from ratios of neighbouring terms, so `n` in the thousands keeps ~12
/// significant digits even for very small p-values; time and memory are O(n). `n = 0` gives 1
/// (no evidence either way); `k > n` or `p` outside `[0, 1]` gives NaN.
pub fn binomial_two_sided_p(k: u64, n: u64, p: f64) -> f64 {
    if k > n || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if n == 0 {
        return 1.0;
    }
    if p == 0.0 {
        return if k == 0 { 1.0 } else { 0.0 };
    }
    if p == 1.0 {
        return if k == n { 1.0 } else { 0.0 };
    }
    if k as f64 == p * n as f64 {
        return 1.0;
    }

    let log_rel = log_pmf_relative_to_mode(n, p);
    let limit = log_rel[k as usize] + EQUAL_LIKELIHOOD_MARGIN.ln_1p();
    let weight = |i: usize| log_rel[i].exp();

    // Sum each tail from its far end towards the mode (smallest terms first), stopping where
    // outcomes become more likely than the observed one: the pmf is unimodal.
    let n = n as usize;
    let mut tails = 0.0;
    let mut low_end = 0;
    while low_end <= n && log_rel[low_end] <= limit {
        tails += weight(low_end);
        low_end += 1;
    }
    let mut high_end = n;
    while high_end >= low_end && log_rel[high_end] <= limit {
        tails += weight(high_end);
        if high_end == 0 {
            break;
        }
        high_end -= 1;
    }
    let total: f64 = (0..=n).map(weight).sum();
    (tails / total).min(1.0)
}

/// `ln(pmf(i) / pmf(mode))` for `i` in `0..=n`, accumulated outward from the mode with
/// `pmf(i+1)/pmf(i) = (n−i)/(i+1) · p/(1−p)`. Summing small log-ratios avoids both the
/// cancellation of differences of large log-factorials and underflow of the terms themselves.
fn log_pmf_relative_to_mode(n: u64, p: f64) -> Vec<f64> {
    let n_us = n as usize;
    let odds = p.ln() - (-p).ln_1p();
    let mode = (((n + 1) as f64 * p).floor() as usize).min(n_us);
    let mut out = vec![0.0; n_us + 1];
    let step_up = |i: usize| ((n_us - i) as f64 / (i + 1) as f64).ln() + odds;
    for i in mode..n_us {
        out[i + 1] = out[i] + step_up(i);
    }
    for i in (0..mode).rev() {
        out[i] = out[i + 1] - step_up(i);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_rel(got: f64, want: f64, tol: f64) {
        let rel = ((got - want) / want).abs();
        assert!(
            rel <= tol,
            "got {got:e}, want {want:e}, relative error {rel:e}"
        );
    }

    #[test]
    fn small_cases_match_hand_computation() {
        // n = 10, k = 2: P(X ≤ 2) + P(X ≥ 8) = 2 · (1 + 10 + 45) / 1024.
        assert_rel(binomial_two_sided_p(2, 10, 0.5), 112.0 / 1024.0, 1e-14);
        assert_rel(binomial_two_sided_p(8, 10, 0.5), 112.0 / 1024.0, 1e-14);
        assert_rel(binomial_two_sided_p(0, 5, 0.5), 2.0 / 32.0, 1e-14);
        assert_eq!(binomial_two_sided_p(5, 10, 0.5), 1.0);
        assert_eq!(binomial_two_sided_p(4, 9, 0.5), 1.0);
        assert_eq!(binomial_two_sided_p(1, 1, 0.5), 1.0);
    }

    #[test]
    fn asymmetric_p_sums_outcomes_no_more_likely() {
        // n = 3, p = 0.25: pmf = 27/64, 27/64, 9/64, 1/64. k = 2 takes {2, 3}.
        assert_rel(binomial_two_sided_p(2, 3, 0.25), 10.0 / 64.0, 1e-14);
        // k = 0 ties with k = 1 in probability: every outcome counts.
        assert_eq!(binomial_two_sided_p(0, 3, 0.25), 1.0);
    }

    #[test]
    fn degenerate_and_invalid_arguments() {
        assert_eq!(binomial_two_sided_p(0, 0, 0.5), 1.0);
        assert_eq!(binomial_two_sided_p(0, 4, 0.0), 1.0);
        assert_eq!(binomial_two_sided_p(1, 4, 0.0), 0.0);
        assert_eq!(binomial_two_sided_p(4, 4, 1.0), 1.0);
        assert!(binomial_two_sided_p(5, 4, 0.5).is_nan());
        assert!(binomial_two_sided_p(1, 4, 1.5).is_nan());
        assert!(binomial_two_sided_p(1, 4, f64::NAN).is_nan());
    }

    #[test]
    fn large_n_keeps_tiny_p_values() {
        // 2 · P(X = 0) for n = 1000 is 2^-999 ≈ 1.9e-301, whose terms underflow a naive
        // product of probabilities; log-space ratios keep it exact to rounding.
        let want = 2.0f64.powi(-999);
        assert_rel(binomial_two_sided_p(0, 1000, 0.5), want, 1e-12);
        assert_rel(binomial_two_sided_p(1000, 1000, 0.5), want, 1e-12);
        let p = binomial_two_sided_p(1000, 2000, 0.5);
        assert_eq!(p, 1.0);
    }
}
