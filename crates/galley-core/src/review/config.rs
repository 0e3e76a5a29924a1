//! What a review asks: the shape of its items and the metrics raters give.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The shape of a review's items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ReviewKind {
    /// One answer per item, rated on its own.
    Single,
    /// Two answers to the same input, compared.
    Pairwise,
    /// Three or more answers to the same input, put in order.
    Rank,
}

impl ReviewKind {
    /// Answers per item: exactly 1 for single, exactly 2 for pairwise, 3 or more for rank.
    pub fn fits_answers(self, n: usize) -> bool {
        match self {
            ReviewKind::Single => n == 1,
            ReviewKind::Pairwise => n == 2,
            ReviewKind::Rank => n >= 3,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReviewKind::Single => "single",
            ReviewKind::Pairwise => "pairwise",
            ReviewKind::Rank => "rank",
        }
    }
}

/// How a metric is rated; the methods of Bedrock's human evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Method {
    /// Thumbs up or down on one answer.
    Thumbs,
    /// A 1–5 Likert score of one answer.
    Likert,
    /// A 1–5 Likert scale between two answers: 1 strongly prefers the first, 3 is no
    /// preference, 5 strongly prefers the second.
    ComparisonLikert,
    /// The better of two answers, or a tie.
    Choice,
    /// An ordinal rank of every answer (1 = best, no ties).
    Rank,
}

impl Method {
    /// The methods that make sense for a kind of item.
    pub fn allowed_in(self, kind: ReviewKind) -> bool {
        matches!(
            (kind, self),
            (ReviewKind::Single, Method::Thumbs | Method::Likert)
                | (
                    ReviewKind::Pairwise,
                    Method::Choice | Method::ComparisonLikert
                )
                | (ReviewKind::Rank, Method::Rank)
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            Method::Thumbs => "thumbs up/down",
            Method::Likert => "Likert 1–5",
            Method::ComparisonLikert => "comparison Likert 1–5",
            Method::Choice => "choice A / B / tie",
            Method::Rank => "ordinal rank",
        }
    }
}

/// A named thing raters judge (e.g. "helpfulness"), with the words they are shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Metric {
    pub name: String,
    /// What raters should look for; shown beside the rating keys.
    #[serde(default)]
    pub instructions: String,
    pub method: Method,
}

/// Checks the metrics of a review of `kind`: at least one, names present and distinct (ignoring
/// case), each method allowed for the kind. Errors name the metric.
pub fn validate_metrics(kind: ReviewKind, metrics: &[Metric]) -> Result<(), String> {
    if metrics.is_empty() {
        return Err("a review needs at least one metric to rate (e.g. \"overall\", choice)".into());
    }
    let mut seen: Vec<String> = Vec::new();
    for (i, m) in metrics.iter().enumerate() {
        let name = m.name.trim();
        if name.is_empty() {
            return Err(format!("metric {} needs a name", i + 1));
        }
        if name.chars().count() > 60 {
            return Err(format!(
                "metric \"{name}\": a name is at most 60 characters"
            ));
        }
        if m.instructions.chars().count() > 4000 {
            return Err(format!(
                "metric \"{name}\": instructions are at most 4000 characters"
            ));
        }
        let key = name.to_lowercase();
        if seen.contains(&key) {
            return Err(format!("metric \"{name}\" is named twice"));
        }
        seen.push(key);
        if !m.method.allowed_in(kind) {
            return Err(format!(
                "metric \"{name}\": {} does not fit a {} review (use {})",
                m.method.label(),
                kind.label(),
                match kind {
                    ReviewKind::Single => "thumbs or Likert",
                    ReviewKind::Pairwise => "choice or comparison Likert",
                    ReviewKind::Rank => "rank",
                }
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metric(name: &str, method: Method) -> Metric {
        Metric {
            name: name.into(),
            instructions: String::new(),
            method,
        }
    }

    #[test]
    fn metrics_are_checked_against_the_kind() {
        assert!(
            validate_metrics(ReviewKind::Pairwise, &[metric("overall", Method::Choice)]).is_ok()
        );
        let err =
            validate_metrics(ReviewKind::Pairwise, &[metric("tone", Method::Thumbs)]).unwrap_err();
        assert!(
            err.contains("\"tone\"") && err.contains("choice or comparison Likert"),
            "{err}"
        );
        let err = validate_metrics(
            ReviewKind::Single,
            &[
                metric("Tone", Method::Likert),
                metric("tone", Method::Thumbs),
            ],
        )
        .unwrap_err();
        assert_eq!(err, "metric \"tone\" is named twice");
        assert!(validate_metrics(ReviewKind::Single, &[]).is_err());
        assert!(
            validate_metrics(ReviewKind::Rank, &[metric(" ", Method::Rank)])
                .unwrap_err()
                .contains("metric 1 needs a name")
        );
    }
}
