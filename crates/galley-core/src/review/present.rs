//! The order and sides a rater sees, drawn from a seed so they can be reproduced and undone.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::stats::Rng;

/// What one rater is shown: the item order, and for each item the order of its answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Presentation {
    pub seed: u32,
    /// Pack item indices in the order the rater meets them.
    pub order: Vec<u32>,
    /// Per pack item (in pack order): `sides[i][p]` is the index of the answer shown at
    /// position `p` (A = 0, B = 1, …).
    pub sides: Vec<Vec<u32>>,
}

impl Presentation {
    pub fn sides_of(&self, item_index: usize) -> Vec<usize> {
        self.sides
            .get(item_index)
            .map(|s| s.iter().map(|&v| v as usize).collect())
            .unwrap_or_default()
    }
}

/// The presentation for `seed` of items with `answers[i]` answers each.
///
/// One stream from `seed`: first a Fisher–Yates shuffle of the item order, then one shuffle of
/// each item's answers in pack order. The same seed and item shapes always give the same
/// presentation, on any machine.
pub fn present(seed: u32, answers: &[usize]) -> Presentation {
    let mut rng = Rng::new(u64::from(seed) ^ 0x7265_7669_6577_0001);
    let order = shuffled(&mut rng, answers.len());
    let sides = answers.iter().map(|&n| shuffled(&mut rng, n)).collect();
    Presentation { seed, order, sides }
}

/// `0..n` in a uniformly random order.
pub(crate) fn shuffled(rng: &mut Rng, n: usize) -> Vec<u32> {
    let mut v: Vec<u32> = (0..n as u32).collect();
    for i in (1..n).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        v.swap(i, j);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::binomial_two_sided_p;

    #[test]
    fn the_same_seed_gives_the_same_presentation() {
        let shapes = vec![2; 60];
        let a = present(42, &shapes);
        assert_eq!(a, present(42, &shapes));
        assert_ne!(a.order, present(43, &shapes).order);
        let mut sorted = a.order.clone();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            (0..60).collect::<Vec<u32>>(),
            "the order is a permutation"
        );
        for s in &a.sides {
            assert!(s == &vec![0, 1] || s == &vec![1, 0]);
        }
    }

    #[test]
    fn sides_are_balanced_over_a_thousand_items() {
        // For a fair coin, 1000 draws land within 500 ± 50 with probability > 0.998; check ten
        // seeds, and that no seed is far from fair by an exact binomial test.
        let shapes = vec![2; 1000];
        for seed in 0..10u32 {
            let p = present(seed, &shapes);
            let swapped = p.sides.iter().filter(|s| s[0] == 1).count();
            assert!(
                (450..=550).contains(&swapped),
                "seed {seed}: {swapped} of 1000 pairs swapped"
            );
            assert!(
                binomial_two_sided_p(swapped as u64, 1000, 0.5) > 0.001,
                "seed {seed}"
            );
        }
    }

    #[test]
    fn every_position_of_a_rank_item_is_equally_likely() {
        let shapes = vec![3; 3000];
        let p = present(7, &shapes);
        let mut first = [0usize; 3];
        for s in &p.sides {
            first[s[0] as usize] += 1;
        }
        for (answer, &count) in first.iter().enumerate() {
            assert!(
                (900..=1100).contains(&count),
                "answer {answer} shown first {count} times"
            );
        }
    }

    #[test]
    fn item_order_does_not_favour_the_start_of_the_pack() {
        // Where pack item 0 lands, over 2000 seeds, is spread over all 10 places.
        let shapes = vec![2; 10];
        let mut places = [0usize; 10];
        for seed in 0..2000u32 {
            let p = present(seed, &shapes);
            let at = p
                .order
                .iter()
                .position(|&i| i == 0)
                .expect("item 0 is shown");
            places[at] += 1;
        }
        for (place, &count) in places.iter().enumerate() {
            assert!((140..=260).contains(&count), "place {place}: {count}");
        }
    }
}
