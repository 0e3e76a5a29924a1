//! The ratings of a review as CSV (RFC 4180), one row per rating, for spreadsheets and other
//! tools.

use std::collections::HashMap;

use csv::{Terminator, WriterBuilder};

use super::rating::{Choice, RatingValue};
use super::results::{variant_label, RaterRating, ResultsInput};

const HEADER: [&str; 10] = [
    "item",
    "metric",
    "rater",
    "email",
    "value",
    "preferred_variant",
    "answer_variants",
    "shown_order",
    "comment",
    "rated_at",
];

/// Every rating as a CSV row, sorted by item and metric (the pack's order) and rater email.
///
/// `value` is the canonical value in words: `first` / `tie` / `second` for a choice, the score
/// for Likert and comparison Likert, `up` / `down`, or the rank of each answer in pack order
/// (`2;1;3`). `preferred_variant` is the variant the rating prefers (a pairwise preference, or
/// the answer ranked first), empty for a tie or a single answer. `answer_variants` are the
/// variants of the answers in pack order, joined by ` | `; `shown_order` is the pack index of
/// the answer shown at each position (`1;0`: the second answer was shown on the left). Lines end
/// with CRLF; a cell a spreadsheet would run as a formula starts with `'`.
pub fn ratings_csv(input: &ResultsInput<'_>) -> String {
    let pack = input.pack;
    let columns: HashMap<&str, &[u32]> = input
        .sources
        .iter()
        .map(|s| (s.item.as_str(), s.columns.as_slice()))
        .collect();
    let mut rows: Vec<&RaterRating> = input.ratings.iter().collect();
    rows.sort_by_cached_key(|r| {
        (
            pack.item_index(&r.rating.item).unwrap_or(usize::MAX),
            r.rating.item.clone(),
            pack.metrics
                .iter()
                .position(|m| m.name == r.rating.metric)
                .unwrap_or(usize::MAX),
            r.rating.metric.clone(),
            r.rater.email.trim().to_lowercase(),
        )
    });

    let mut writer = WriterBuilder::new()
        .terminator(Terminator::CRLF)
        .from_writer(Vec::new());
    writer
        .write_record(HEADER)
        .expect("writing to memory does not fail");
    for rr in rows {
        let r = &rr.rating;
        let item_columns = columns.get(r.item.as_str()).copied();
        let label = |answer: usize| {
            item_columns
                .and_then(|c| c.get(answer))
                .map(|&c| variant_label(input.variants, c))
                .unwrap_or_default()
        };
        let answers = pack
            .item_index(&r.item)
            .map_or(0, |i| pack.items[i].answers.len());
        let answer_variants = match item_columns {
            Some(_) => (0..answers).map(label).collect::<Vec<_>>().join(" | "),
            None => String::new(),
        };
        let preferred = match &r.value {
            RatingValue::Rank(ranks) => ranks.iter().position(|&rank| rank == 1),
            value => value.preferred().flatten(),
        };
        let record = [
            r.item.clone(),
            r.metric.clone(),
            rr.rater.name.clone(),
            rr.rater.email.clone(),
            value_words(&r.value),
            preferred.map(label).unwrap_or_default(),
            answer_variants,
            joined(r.shown.iter()),
            r.comment.clone(),
            r.rated_at.clone(),
        ];
        writer
            .write_record(record.iter().map(|c| defused(c)))
            .expect("writing to memory does not fail");
    }
    let bytes = writer
        .into_inner()
        .expect("writing to memory does not fail");
    String::from_utf8(bytes).expect("CSV of UTF-8 text is UTF-8")
}

fn value_words(value: &RatingValue) -> String {
    match value {
        RatingValue::Choice(Choice::First) => "first".into(),
        RatingValue::Choice(Choice::Tie) => "tie".into(),
        RatingValue::Choice(Choice::Second) => "second".into(),
        RatingValue::Likert(v) | RatingValue::ComparisonLikert(v) => v.to_string(),
        RatingValue::Thumb(true) => "up".into(),
        RatingValue::Thumb(false) => "down".into(),
        RatingValue::Rank(ranks) => joined(ranks.iter()),
    }
}

fn joined<T: ToString>(values: impl Iterator<Item = T>) -> String {
    values.map(|v| v.to_string()).collect::<Vec<_>>().join(";")
}

/// A cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return, and not a plain number) gets a leading `'`, as in the run export.
fn defused(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err() {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_numbers_kept() {
        assert_eq!(defused("=1+1"), "'=1+1");
        assert_eq!(defused("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defused("\tx"), "'\tx");
        assert_eq!(defused("-3"), "-3");
        assert_eq!(defused("plain, text"), "plain, text");
    }
}
