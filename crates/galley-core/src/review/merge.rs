//! Merging a rater's ratings into the owner's review without overwriting anything silently.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::rating::{Rating, RatingValue};

/// A rating in the file that differs from the one already kept for the same rater, item and
/// metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    pub item: String,
    pub metric: String,
    pub kept: RatingValue,
    pub kept_comment: String,
    pub incoming: RatingValue,
    pub incoming_comment: String,
}

/// What merging a ratings file would do.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MergePlan {
    /// Ratings the review does not have yet.
    pub new: Vec<Rating>,
    /// Ratings already kept with the same value and comment (skipped).
    pub duplicates: u32,
    /// Ratings that differ from the kept ones (applied only if the owner says so).
    pub conflicts: Vec<(Conflict, Rating)>,
}

/// Compares `incoming` ratings with those `kept` for the same rater.
pub fn plan_merge(kept: &[Rating], incoming: &[Rating]) -> MergePlan {
    let mut plan = MergePlan::default();
    for r in incoming {
        match kept
            .iter()
            .find(|k| k.item == r.item && k.metric == r.metric)
        {
            None => plan.new.push(r.clone()),
            Some(k) if k.value == r.value && k.comment == r.comment => plan.duplicates += 1,
            Some(k) => plan.conflicts.push((
                Conflict {
                    item: r.item.clone(),
                    metric: r.metric.clone(),
                    kept: k.value.clone(),
                    kept_comment: k.comment.clone(),
                    incoming: r.value.clone(),
                    incoming_comment: r.comment.clone(),
                },
                r.clone(),
            )),
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::super::rating::Choice;
    use super::*;

    fn r(item: &str, value: RatingValue, comment: &str) -> Rating {
        Rating {
            item: item.into(),
            metric: "overall".into(),
            value,
            shown: vec![0, 1],
            comment: comment.into(),
            rated_at: "t".into(),
        }
    }

    #[test]
    fn new_duplicate_and_conflicting_ratings_are_told_apart() {
        let first = RatingValue::Choice(Choice::First);
        let tie = RatingValue::Choice(Choice::Tie);
        let kept = vec![r("a", first.clone(), ""), r("b", first.clone(), "")];
        let incoming = vec![
            r("a", first.clone(), ""),
            r("b", tie.clone(), "changed my mind"),
            r("c", tie.clone(), ""),
        ];
        let plan = plan_merge(&kept, &incoming);
        assert_eq!(plan.new.len(), 1);
        assert_eq!(plan.new[0].item, "c");
        assert_eq!(plan.duplicates, 1);
        assert_eq!(plan.conflicts.len(), 1);
        let (c, _) = &plan.conflicts[0];
        assert_eq!((c.item.as_str(), &c.kept, &c.incoming), ("b", &first, &tie));
        assert_eq!(c.incoming_comment, "changed my mind");
    }
}
