//! One rater's verdict on one metric of one item, and how it maps between what the rater saw and
//! the pack's own answer order.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::config::Method;

/// Which of two answers is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Choice {
    /// The first answer (shown as A, or the pack's answer 0 once canonical).
    First,
    /// The second answer (B, or the pack's answer 1).
    Second,
    Tie,
}

/// A rating's value. The same type carries a value as the rater gave it (positions on screen)
/// and as it is stored (the pack's answer order); [`RatingValue::to_canonical`] and
/// [`RatingValue::to_shown`] move between the two.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", content = "value", rename_all = "camelCase")]
pub enum RatingValue {
    /// Thumbs up (`true`) or down.
    Thumb(bool),
    /// 1–5.
    Likert(u8),
    /// 1 strongly prefers the first answer … 3 no preference … 5 strongly prefers the second.
    ComparisonLikert(u8),
    Choice(Choice),
    /// The rank of each answer (1 = best), in answer order: a permutation of 1..=n.
    Rank(Vec<u8>),
}

impl RatingValue {
    /// Checks that the value fits `method` for an item of `answers` answers; the error says why.
    pub fn check(&self, method: Method, answers: usize) -> Result<(), String> {
        match (method, self) {
            (Method::Thumbs, RatingValue::Thumb(_)) => Ok(()),
            (Method::Likert, RatingValue::Likert(v))
            | (Method::ComparisonLikert, RatingValue::ComparisonLikert(v)) => {
                if (1..=5).contains(v) {
                    Ok(())
                } else {
                    Err(format!("a Likert rating is 1 to 5, not {v}"))
                }
            }
            (Method::Choice, RatingValue::Choice(_)) => Ok(()),
            (Method::Rank, RatingValue::Rank(ranks)) => {
                let mut sorted = ranks.clone();
                sorted.sort_unstable();
                let expected: Vec<u8> = (1..=answers).map(|r| r as u8).collect();
                if sorted == expected {
                    Ok(())
                } else {
                    Err(format!(
                        "a rank gives each of the {answers} answers a different place from 1 to \
                         {answers}, not {ranks:?}"
                    ))
                }
            }
            (method, value) => Err(format!(
                "a {} rating cannot be a {} value",
                method.label(),
                value.kind_label()
            )),
        }
    }

    fn kind_label(&self) -> &'static str {
        match self {
            RatingValue::Thumb(_) => "thumbs",
            RatingValue::Likert(_) => "Likert",
            RatingValue::ComparisonLikert(_) => "comparison Likert",
            RatingValue::Choice(_) => "choice",
            RatingValue::Rank(_) => "rank",
        }
    }

    /// The value in the pack's answer order, given what the rater saw: `shown[p]` is the pack
    /// index of the answer shown at position `p` (A = 0, B = 1, …).
    pub fn to_canonical(&self, shown: &[usize]) -> RatingValue {
        let swapped = shown.first() == Some(&1);
        match self {
            RatingValue::Choice(c) if swapped => RatingValue::Choice(flip(*c)),
            RatingValue::ComparisonLikert(v) if swapped => RatingValue::ComparisonLikert(6 - v),
            RatingValue::Rank(by_position) => {
                let mut by_answer = vec![0u8; by_position.len()];
                for (p, &rank) in by_position.iter().enumerate() {
                    if let Some(&answer) = shown.get(p) {
                        if let Some(slot) = by_answer.get_mut(answer) {
                            *slot = rank;
                        }
                    }
                }
                RatingValue::Rank(by_answer)
            }
            other => other.clone(),
        }
    }

    /// The inverse of [`RatingValue::to_canonical`]: the value as positions on screen.
    pub fn to_shown(&self, shown: &[usize]) -> RatingValue {
        match self {
            RatingValue::Rank(by_answer) => RatingValue::Rank(
                shown
                    .iter()
                    .map(|&answer| by_answer.get(answer).copied().unwrap_or(0))
                    .collect(),
            ),
            // Swapping two sides is its own inverse.
            other => other.to_canonical(shown),
        }
    }

    /// For two answers, the preferred one (0 or 1) or `None` for no preference; `None` too for
    /// values that do not compare answers.
    pub fn preferred(&self) -> Option<Option<usize>> {
        match self {
            RatingValue::Choice(Choice::First) => Some(Some(0)),
            RatingValue::Choice(Choice::Second) => Some(Some(1)),
            RatingValue::Choice(Choice::Tie) => Some(None),
            RatingValue::ComparisonLikert(v) => Some(match v {
                1 | 2 => Some(0),
                4 | 5 => Some(1),
                _ => None,
            }),
            _ => None,
        }
    }
}

fn flip(c: Choice) -> Choice {
    match c {
        Choice::First => Choice::Second,
        Choice::Second => Choice::First,
        Choice::Tie => Choice::Tie,
    }
}

/// One rating as it is stored and exchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Rating {
    /// The pack item's id.
    pub item: String,
    /// The metric's name.
    pub metric: String,
    /// In the pack's answer order.
    pub value: RatingValue,
    /// The answers as the rater saw them: `shown[p]` is the pack index of the answer at
    /// position `p`.
    pub shown: Vec<u32>,
    /// Empty when the rater left none.
    #[serde(default)]
    pub comment: String,
    pub rated_at: String,
}

impl Rating {
    pub fn shown_usize(&self) -> Vec<usize> {
        self.shown.iter().map(|&s| s as usize).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swapped_sides_flip_choices_and_comparison_scales() {
        let swapped = [1, 0];
        assert_eq!(
            RatingValue::Choice(Choice::First).to_canonical(&swapped),
            RatingValue::Choice(Choice::Second)
        );
        assert_eq!(
            RatingValue::Choice(Choice::Tie).to_canonical(&swapped),
            RatingValue::Choice(Choice::Tie)
        );
        assert_eq!(
            RatingValue::ComparisonLikert(2).to_canonical(&swapped),
            RatingValue::ComparisonLikert(4)
        );
        assert_eq!(
            RatingValue::Choice(Choice::First).to_canonical(&[0, 1]),
            RatingValue::Choice(Choice::First)
        );
        assert_eq!(
            RatingValue::Likert(4).to_canonical(&[0]),
            RatingValue::Likert(4)
        );
    }

    #[test]
    fn ranks_follow_the_answers_they_were_given_to() {
        // Shown: position 0 = answer 2, position 1 = answer 0, position 2 = answer 1.
        let shown = [2, 0, 1];
        let given = RatingValue::Rank(vec![1, 3, 2]);
        let canonical = given.to_canonical(&shown);
        assert_eq!(canonical, RatingValue::Rank(vec![3, 2, 1]));
        assert_eq!(canonical.to_shown(&shown), given);
    }

    #[test]
    fn values_are_checked_against_the_method() {
        assert!(RatingValue::Likert(5).check(Method::Likert, 1).is_ok());
        assert_eq!(
            RatingValue::Likert(6).check(Method::Likert, 1).unwrap_err(),
            "a Likert rating is 1 to 5, not 6"
        );
        assert!(RatingValue::Rank(vec![2, 1, 3])
            .check(Method::Rank, 3)
            .is_ok());
        assert!(RatingValue::Rank(vec![1, 1, 3])
            .check(Method::Rank, 3)
            .is_err());
        assert_eq!(
            RatingValue::Thumb(true)
                .check(Method::Choice, 2)
                .unwrap_err(),
            "a choice A / B / tie rating cannot be a thumbs value"
        );
    }

    #[test]
    fn comparison_likert_prefers_by_side() {
        assert_eq!(RatingValue::ComparisonLikert(1).preferred(), Some(Some(0)));
        assert_eq!(RatingValue::ComparisonLikert(3).preferred(), Some(None));
        assert_eq!(RatingValue::ComparisonLikert(5).preferred(), Some(Some(1)));
        assert_eq!(RatingValue::Thumb(true).preferred(), None);
    }
}
