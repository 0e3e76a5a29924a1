//! The wire types of reviews.

use galley_core::review::{Conflict, Metric, Rater, RatingValue, ReviewKind};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Turn (part of) a run into a review.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewsCreateReq {
    pub run_id: String,
    pub title: String,
    pub kind: ReviewKind,
    /// The run columns (variants) whose answers are rated: one or more for single items, two
    /// for pairwise, three or more for rank.
    pub columns: Vec<u32>,
    pub metrics: Vec<Metric>,
    /// Shown to raters before the first item.
    #[serde(default)]
    pub instructions: String,
    /// Rate a random sample of this many items instead of all.
    #[serde(default)]
    #[ts(optional)]
    pub max_items: Option<u32>,
}

/// Whose review this is on this desktop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ReviewRole {
    /// Made here from a run: results, packs and merges.
    Owner,
    /// Imported from a pack to rate.
    Rater,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewSummary {
    pub id: String,
    pub title: String,
    pub role: ReviewRole,
    pub kind: ReviewKind,
    pub items: u32,
    pub metrics: Vec<Metric>,
    /// The run it was made from (owner only, while the run exists).
    pub run_id: Option<String>,
    /// Raters with ratings in it (for a rater's copy, just them).
    pub raters: u32,
    pub ratings: u32,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewRef {
    pub id: String,
}

/// An item as a rater meets it: answers in the order shown (A, B, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QueueItem {
    pub id: String,
    pub prompt: String,
    pub answers: Vec<String>,
}

/// One of the rater's own ratings, in screen positions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ShownRating {
    pub item: String,
    pub metric: String,
    pub value: RatingValue,
    pub comment: String,
    pub rated_at: String,
}

/// Everything the rating screen needs for the rater set in Settings, and nothing about where
/// the answers came from or what others said.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RatingSession {
    pub review: ReviewSummary,
    pub instructions: String,
    pub rater: Rater,
    /// In the rater's own order.
    pub queue: Vec<QueueItem>,
    pub ratings: Vec<ShownRating>,
}

/// Rate one metric of one item, in screen positions (A = the answer shown first). Rating it
/// again replaces the rater's earlier rating.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewsRateReq {
    pub review_id: String,
    pub item: String,
    pub metric: String,
    pub value: RatingValue,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewsUnrateReq {
    pub review_id: String,
    pub item: String,
    pub metric: String,
}

/// Read or write a review's file (pack, ratings, CSV) at `path`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewsFileReq {
    pub id: String,
    pub path: String,
}

/// A review pack to import: its file, or its text (a file chosen in the page, dropped, or
/// pasted), with the file's name for messages.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewsImportReq {
    #[serde(default)]
    #[ts(optional)]
    pub path: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub text: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub file_name: Option<String>,
}

/// Merge a rater's ratings file into the owner's review.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewsMergeReq {
    pub id: String,
    /// The ratings file; or give its `text` (and `file_name` for messages).
    #[serde(default)]
    #[ts(optional)]
    pub path: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub text: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub file_name: Option<String>,
    /// Replace kept ratings with the file's where they differ (otherwise they are only listed).
    #[serde(default)]
    pub replace_conflicts: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MergeReport {
    pub rater: Rater,
    pub added: u32,
    /// Already here with the same value (skipped).
    pub duplicates: u32,
    /// Different from what is kept: left as they were unless `replaced` counts them.
    pub conflicts: Vec<Conflict>,
    pub replaced: u32,
}
