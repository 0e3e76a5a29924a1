//! Descriptive statistics: mean and percentiles.

/// Arithmetic mean, summed left to right; `None` for empty input or any non-finite value.
pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() || !all_finite(values) {
        return None;
    }
    Some(plain_mean(values))
}

/// The `p`-th percentile (`p` in `0..=100`) with linear interpolation between the two nearest
/// ranks, the same rule and rounding as numpy's default `np.percentile`. `None` for empty
/// input, any non-finite value, or `p` outside `0..=100`.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() || !all_finite(values) || !(0.0..=100.0).contains(&p) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    Some(quantile_sorted(&sorted, p / 100.0))
}

pub(crate) fn all_finite(values: &[f64]) -> bool {
    values.iter().all(|v| v.is_finite())
}

/// Mean without checks; the caller guarantees a non-empty slice.
pub(crate) fn plain_mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// Quantile `q` in `[0, 1]` of ascending, non-empty `sorted` data, numpy's "linear" method:
/// virtual index `(n − 1)·q`, then interpolation between its neighbours, computed from the
/// nearer neighbour as numpy does, so results agree to the last bit.
pub(crate) fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    let h = (n - 1) as f64 * q;
    if h >= (n - 1) as f64 {
        return sorted[n - 1];
    }
    if h <= 0.0 {
        return sorted[0];
    }
    let below = h.floor();
    let i = below as usize;
    let (a, b) = (sorted[i], sorted[i + 1]);
    let t = h - below;
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_of_nothing_is_none() {
        assert_eq!(mean(&[]), None);
        assert_eq!(mean(&[1.0, f64::NAN]), None);
        assert_eq!(mean(&[4.0]), Some(4.0));
        assert_eq!(mean(&[1.0, 2.0, 3.0, 4.0]), Some(2.5));
    }

    /// Expected values from `numpy.percentile` 2.4 (default method "linear").
    #[test]
    fn percentile_interpolates_like_numpy() {
        let v = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
        assert_eq!(percentile(&v, 0.0), Some(1.0));
        assert_eq!(percentile(&v, 100.0), Some(9.0));
        assert_eq!(percentile(&v, 50.0), Some(3.5));
        assert_eq!(percentile(&v, 25.0), Some(1.75));
        assert_eq!(percentile(&v, 90.0), Some(6.8999999999999995));
        assert_eq!(percentile(&[7.0], 37.0), Some(7.0));
        assert_eq!(percentile(&[1.0, 2.0], 50.0), Some(1.5));
    }

    #[test]
    fn percentile_rejects_bad_input() {
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&[1.0], -1.0), None);
        assert_eq!(percentile(&[1.0], 100.5), None);
        assert_eq!(percentile(&[1.0], f64::NAN), None);
        assert_eq!(percentile(&[1.0, f64::INFINITY], 50.0), None);
    }
}
