//! The two files of a review: the pack that goes to raters and the ratings that come back.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::config::{validate_metrics, Metric, ReviewKind};
use super::present::present;
use super::rating::Rating;

/// `format` of a review pack file.
pub const PACK_FORMAT: &str = "galley.review-pack";
/// `format` of a ratings file.
pub const RATINGS_FORMAT: &str = "galley.review-ratings";
/// The newest version of both formats this build reads and writes.
const FORMAT_VERSION: u32 = 1;

/// One thing to rate: the prompt and the answers to it, with nothing that says where they came
/// from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PackItem {
    /// Opaque and stable within the review (`item-001` …).
    pub id: String,
    /// What the models were asked, as text.
    pub prompt: String,
    /// The answers, in an order shuffled when the pack was made.
    pub answers: Vec<String>,
}

/// Where an item's answers came from; kept by the owner only, never written to a pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ItemSource {
    pub item: String,
    /// The run's input index the item was made from.
    pub input: u32,
    pub repeat: u32,
    /// Per answer (pack order): the run column (variant) it came from.
    pub columns: Vec<u32>,
}

/// A review pack: everything a rater needs, nothing that identifies models or versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Pack {
    pub format: String,
    pub format_version: u32,
    pub review_id: String,
    pub title: String,
    /// General instructions shown before the first item.
    pub instructions: String,
    pub kind: ReviewKind,
    pub metrics: Vec<Metric>,
    pub items: Vec<PackItem>,
    pub created_at: String,
    /// SHA-256 (hex) of the pack with this field empty.
    pub content_hash: String,
}

/// The rater a ratings file comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Rater {
    pub name: String,
    pub email: String,
}

/// One rater's ratings of one review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RatingsFile {
    pub format: String,
    pub format_version: u32,
    pub review_id: String,
    /// The content hash of the pack the ratings were given on.
    pub pack_hash: String,
    pub rater: Rater,
    /// The seed of the order and sides this rater saw.
    pub seed: u32,
    pub ratings: Vec<Rating>,
    pub exported_at: String,
    /// SHA-256 (hex) of the file with this field empty.
    pub content_hash: String,
}

/// Why a pack or ratings file was refused. Every message says what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReviewFileError {
    #[error("this is not a Galley review file: {0}")]
    NotJson(String),
    #[error("this is a {found} file, not a {expected} file")]
    WrongFormat {
        expected: &'static str,
        found: String,
    },
    #[error(
        "this file is format version {0}, newer than this Galley reads (1): update Galley to \
         open it"
    )]
    NewerVersion(u32),
    #[error(
        "the file was changed after it was exported (its content no longer matches its \
         checksum): ask for a fresh copy instead of editing it by hand"
    )]
    Tampered,
    #[error("these ratings belong to another review (\"{0}\"), not this one")]
    OtherReview(String),
    #[error(
        "these ratings were given on a different pack of this review: export the pack again and \
         have it rated"
    )]
    OtherPack,
    #[error("the file is inconsistent: {0}")]
    Invalid(String),
}

fn hash_of<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_vec(value).expect("review files always serialise");
    hex::encode(Sha256::digest(json))
}

/// Parses JSON and checks `format` and `formatVersion` before the rest, so a wrong file gets a
/// message about what it is rather than about a missing field.
fn parse<T: for<'de> Deserialize<'de>>(
    text: &str,
    expected: &'static str,
) -> Result<T, ReviewFileError> {
    let raw: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| ReviewFileError::NotJson(format!("not JSON ({e})")))?;
    let format = raw
        .get("format")
        .and_then(|f| f.as_str())
        .unwrap_or_default();
    if format != expected {
        let found = match format {
            PACK_FORMAT => "review pack".to_string(),
            RATINGS_FORMAT => "ratings".to_string(),
            "" => {
                return Err(ReviewFileError::NotJson(
                    "it has no \"format\" field".into(),
                ))
            }
            other => format!("\"{other}\""),
        };
        let expected = if expected == PACK_FORMAT {
            "review pack"
        } else {
            "ratings"
        };
        return Err(ReviewFileError::WrongFormat { expected, found });
    }
    let version = raw
        .get("formatVersion")
        .and_then(|v| v.as_u64())
        .unwrap_or(0) as u32;
    if version > FORMAT_VERSION {
        return Err(ReviewFileError::NewerVersion(version));
    }
    serde_json::from_value(raw).map_err(|e| ReviewFileError::Invalid(e.to_string()))
}

impl Pack {
    /// A sealed pack (its hash set), after checking items and metrics.
    pub fn new(
        review_id: String,
        title: String,
        instructions: String,
        kind: ReviewKind,
        metrics: Vec<Metric>,
        items: Vec<PackItem>,
        created_at: String,
    ) -> Result<Pack, String> {
        let mut pack = Pack {
            format: PACK_FORMAT.into(),
            format_version: FORMAT_VERSION,
            review_id,
            title,
            instructions,
            kind,
            metrics,
            items,
            created_at,
            content_hash: String::new(),
        };
        pack.validate()?;
        pack.content_hash = pack.computed_hash();
        Ok(pack)
    }

    fn computed_hash(&self) -> String {
        let mut unsealed = self.clone();
        unsealed.content_hash = String::new();
        hash_of(&unsealed)
    }

    /// Reads a pack file, refusing one that is not a pack, is newer than this build, was edited
    /// after export, or does not hold together.
    pub fn read(text: &str) -> Result<Pack, ReviewFileError> {
        let pack: Pack = parse(text, PACK_FORMAT)?;
        if pack.computed_hash() != pack.content_hash {
            return Err(ReviewFileError::Tampered);
        }
        pack.validate().map_err(ReviewFileError::Invalid)?;
        Ok(pack)
    }

    /// The pack as the file's text (pretty JSON, trailing newline).
    pub fn to_file(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a pack always serialises");
        s.push('\n');
        s
    }

    fn validate(&self) -> Result<(), String> {
        if self.title.trim().is_empty() {
            return Err("a review needs a title".into());
        }
        if self.items.is_empty() {
            return Err("a review needs at least one item to rate".into());
        }
        validate_metrics(self.kind, &self.metrics)?;
        let mut ids = BTreeSet::new();
        for item in &self.items {
            if !ids.insert(item.id.as_str()) {
                return Err(format!("item \"{}\" appears twice", item.id));
            }
            if !self.kind.fits_answers(item.answers.len()) {
                return Err(format!(
                    "item \"{}\" has {} answers, which does not fit a {} review",
                    item.id,
                    item.answers.len(),
                    self.kind.label()
                ));
            }
        }
        Ok(())
    }

    /// Answers per item, in pack order (the shapes [`present`] shuffles).
    pub fn shapes(&self) -> Vec<usize> {
        self.items.iter().map(|i| i.answers.len()).collect()
    }

    pub fn item_index(&self, id: &str) -> Option<usize> {
        self.items.iter().position(|i| i.id == id)
    }

    pub fn metric(&self, name: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.name == name)
    }

    /// Checks one rating against this pack and the rater's `seed`: known item and metric, a
    /// value that fits the method, and the sides that seed gives. `Err` says what is wrong.
    pub fn check_rating(&self, seed: u32, rating: &Rating) -> Result<(), String> {
        let index = self
            .item_index(&rating.item)
            .ok_or_else(|| format!("there is no item \"{}\" in this review", rating.item))?;
        let metric = self
            .metric(&rating.metric)
            .ok_or_else(|| format!("there is no metric \"{}\" in this review", rating.metric))?;
        let answers = self.items[index].answers.len();
        rating.value.check(metric.method, answers).map_err(|e| {
            format!(
                "item \"{}\", metric \"{}\": {e}",
                rating.item, rating.metric
            )
        })?;
        let expected = present(seed, &self.shapes()).sides_of(index);
        if rating.shown_usize() != expected {
            return Err(format!(
                "item \"{}\" records sides {:?} that seed {seed} does not give",
                rating.item, rating.shown
            ));
        }
        Ok(())
    }
}

impl RatingsFile {
    /// A sealed ratings file.
    pub fn new(
        pack: &Pack,
        rater: Rater,
        seed: u32,
        ratings: Vec<Rating>,
        exported_at: String,
    ) -> RatingsFile {
        let mut file = RatingsFile {
            format: RATINGS_FORMAT.into(),
            format_version: FORMAT_VERSION,
            review_id: pack.review_id.clone(),
            pack_hash: pack.content_hash.clone(),
            rater,
            seed,
            ratings,
            exported_at,
            content_hash: String::new(),
        };
        file.content_hash = file.computed_hash();
        file
    }

    fn computed_hash(&self) -> String {
        let mut unsealed = self.clone();
        unsealed.content_hash = String::new();
        hash_of(&unsealed)
    }

    pub fn to_file(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("ratings always serialise");
        s.push('\n');
        s
    }

    /// Reads a ratings file for `pack`, refusing one that is not a ratings file, was edited,
    /// belongs to another review or pack, names unknown items or metrics, rates an item twice,
    /// or records sides its seed does not give.
    pub fn read(text: &str, pack: &Pack) -> Result<RatingsFile, ReviewFileError> {
        let file: RatingsFile = parse(text, RATINGS_FORMAT)?;
        if file.computed_hash() != file.content_hash {
            return Err(ReviewFileError::Tampered);
        }
        if file.review_id != pack.review_id {
            return Err(ReviewFileError::OtherReview(file.review_id));
        }
        if file.pack_hash != pack.content_hash {
            return Err(ReviewFileError::OtherPack);
        }
        if file.rater.email.trim().is_empty() {
            return Err(ReviewFileError::Invalid("the rater has no email".into()));
        }
        let mut seen: HashMap<(&str, &str), ()> = HashMap::new();
        for r in &file.ratings {
            if seen.insert((&r.item, &r.metric), ()).is_some() {
                return Err(ReviewFileError::Invalid(format!(
                    "item \"{}\" is rated twice on \"{}\"",
                    r.item, r.metric
                )));
            }
            pack.check_rating(file.seed, r)
                .map_err(ReviewFileError::Invalid)?;
        }
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::Method;
    use super::super::rating::{Choice, RatingValue};
    use super::*;

    fn pack() -> Pack {
        Pack::new(
            "01REVIEW".into(),
            "Tone of replies".into(),
            "Pick the better answer.".into(),
            ReviewKind::Pairwise,
            vec![Metric {
                name: "overall".into(),
                instructions: "Which answer helps more?".into(),
                method: Method::Choice,
            }],
            (1..=4)
                .map(|i| PackItem {
                    id: format!("item-{i:03}"),
                    prompt: format!("question {i}"),
                    answers: vec![format!("first {i}"), format!("second {i}")],
                })
                .collect(),
            "2026-11-27T10:00:00Z".into(),
        )
        .expect("valid pack")
    }

    fn rating(pack: &Pack, seed: u32, index: usize, value: RatingValue) -> Rating {
        let shown = present(seed, &pack.shapes()).sides[index].clone();
        Rating {
            item: pack.items[index].id.clone(),
            metric: "overall".into(),
            value,
            shown,
            comment: String::new(),
            rated_at: "2026-11-27T11:00:00Z".into(),
        }
    }

    fn ratings(pack: &Pack) -> RatingsFile {
        RatingsFile::new(
            pack,
            Rater {
                name: "Rater One".into(),
                email: "one@example.com".into(),
            },
            9,
            vec![
                rating(pack, 9, 0, RatingValue::Choice(Choice::First)),
                rating(pack, 9, 2, RatingValue::Choice(Choice::Tie)),
            ],
            "2026-11-27T12:00:00Z".into(),
        )
    }

    #[test]
    fn a_pack_round_trips_through_its_file() {
        let p = pack();
        assert_eq!(p.content_hash.len(), 64);
        assert_eq!(Pack::read(&p.to_file()).expect("reads back"), p);
    }

    #[test]
    fn an_edited_pack_is_refused() {
        let text = pack().to_file().replace("second 3", "second 3, but better");
        assert_eq!(Pack::read(&text).unwrap_err(), ReviewFileError::Tampered);
    }

    #[test]
    fn a_ratings_file_is_not_a_pack_and_vice_versa() {
        let p = pack();
        let r = ratings(&p).to_file();
        assert_eq!(
            Pack::read(&r).unwrap_err().to_string(),
            "this is a ratings file, not a review pack file"
        );
        assert_eq!(
            RatingsFile::read(&p.to_file(), &p).unwrap_err().to_string(),
            "this is a review pack file, not a ratings file"
        );
        assert!(matches!(
            Pack::read("{ nope").unwrap_err(),
            ReviewFileError::NotJson(_)
        ));
        let newer = p
            .to_file()
            .replace("\"formatVersion\": 1", "\"formatVersion\": 2");
        assert_eq!(
            Pack::read(&newer).unwrap_err(),
            ReviewFileError::NewerVersion(2)
        );
    }

    #[test]
    fn ratings_round_trip_and_must_match_their_pack() {
        let p = pack();
        let file = ratings(&p);
        assert_eq!(RatingsFile::read(&file.to_file(), &p).expect("reads"), file);

        let other = Pack::new(
            "01OTHER".into(),
            "Other".into(),
            String::new(),
            p.kind,
            p.metrics.clone(),
            p.items.clone(),
            p.created_at.clone(),
        )
        .expect("valid");
        assert_eq!(
            RatingsFile::read(&file.to_file(), &other).unwrap_err(),
            ReviewFileError::OtherReview("01REVIEW".into())
        );
        let mut changed = p.clone();
        changed.items[0].answers[0] = "edited".into();
        let changed = Pack::new(
            changed.review_id,
            changed.title,
            changed.instructions,
            changed.kind,
            changed.metrics,
            changed.items,
            changed.created_at,
        )
        .expect("valid");
        assert_eq!(
            RatingsFile::read(&file.to_file(), &changed).unwrap_err(),
            ReviewFileError::OtherPack
        );
    }

    #[test]
    fn edited_or_inconsistent_ratings_are_refused() {
        let p = pack();
        let text = ratings(&p).to_file().replace("\"tie\"", "\"first\"");
        assert_eq!(
            RatingsFile::read(&text, &p).unwrap_err(),
            ReviewFileError::Tampered
        );

        // Resealed after swapping the recorded sides: the seed does not give them.
        let mut forged = ratings(&p);
        forged.ratings[0].shown.reverse();
        let forged = RatingsFile::new(
            &p,
            forged.rater,
            forged.seed,
            forged.ratings,
            forged.exported_at,
        );
        let err = RatingsFile::read(&forged.to_file(), &p)
            .unwrap_err()
            .to_string();
        assert!(err.contains("seed 9 does not give"), "{err}");

        let mut unknown = ratings(&p);
        unknown.ratings[0].metric = "tone".into();
        let unknown = RatingsFile::new(&p, unknown.rater, 9, unknown.ratings, unknown.exported_at);
        assert_eq!(
            RatingsFile::read(&unknown.to_file(), &p)
                .unwrap_err()
                .to_string(),
            "the file is inconsistent: there is no metric \"tone\" in this review"
        );

        let mut twice = ratings(&p);
        twice.ratings.push(twice.ratings[0].clone());
        let twice = RatingsFile::new(&p, twice.rater, 9, twice.ratings, twice.exported_at);
        assert!(RatingsFile::read(&twice.to_file(), &p)
            .unwrap_err()
            .to_string()
            .contains("rated twice"));
    }
}
