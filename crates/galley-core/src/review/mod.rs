//! Human review: blind queues of model answers that people rate, the files that carry them to
//! raters and back, and the statistics of the ratings.
//!
//! A review is owned by whoever made it from a run (the *owner*). Its items and instructions
//! travel to raters as a **review pack** ([`Pack`]): one JSON file with the prompts and the
//! answers but no model, version or run identity. Even the order of the answers inside an item is
//! shuffled when the pack is made, so reading the file reveals nothing; the owner alone keeps the
//! map from each answer to its cell ([`ItemSource`]).
//!
//! Each rater sees the items in their own random order, and the answers of a pair on random
//! sides, both drawn from a per-rater seed ([`present`]). A rating is stored *canonically* (in
//! the pack's answer order) together with the sides the rater saw, so position bias can be
//! measured and undone. Ratings travel back as a **ratings file** ([`RatingsFile`]); the owner
//! merges it ([`plan_merge`]) and reads the results ([`results`]).
//!
//! Both files carry a SHA-256 of their content. It catches files edited by hand, cut short or
//! mixed up; it is not a signature (anyone can recompute it), and it does not try to be one.

mod config;
mod csv;
mod files;
mod merge;
mod present;
mod rating;
mod results;
mod results_agreement;
mod results_pairs;
mod results_scores;
mod results_summary;

pub use self::csv::ratings_csv;
pub use config::{validate_metrics, Method, Metric, ReviewKind};
pub use files::{
    ItemSource, Pack, PackItem, Rater, RatingsFile, ReviewFileError, PACK_FORMAT, RATINGS_FORMAT,
};
pub use merge::{plan_merge, Conflict, MergePlan};
pub use present::{present, Presentation};
pub use rating::{Choice, Rating, RatingValue};
pub use results::{
    results, Agreement, JudgeAgreement, JudgeScore, MetricResults, PairResult, PositionBias,
    RaterProgress, RaterRating, RaterResult, ResultsInput, ReviewResults, VariantResult,
};
