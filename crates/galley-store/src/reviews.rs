//! Reviews, the seeds of their raters, and the ratings given.

use sqlx::Row;

use crate::db::Store;
use crate::error::StoreError;

/// A review as stored; JSON columns are kept as text for the engine to read with core types.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRow {
    pub id: String,
    /// `owner` or `rater`.
    pub role: String,
    pub title: String,
    pub kind: String,
    pub run_id: Option<String>,
    pub pack: String,
    pub pack_hash: String,
    pub sources: Option<String>,
    pub variants: Option<String>,
    pub seed: u32,
    pub created_at: String,
}

/// A review in the list, with its counts.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewListRow {
    pub review: ReviewRow,
    pub raters: u32,
    pub ratings: u32,
}

/// One stored rating.
#[derive(Debug, Clone, PartialEq)]
pub struct RatingRow {
    pub rater_email: String,
    pub rater_name: String,
    pub item: String,
    pub metric: String,
    /// JSON of the canonical value.
    pub value: String,
    /// JSON array.
    pub shown: String,
    pub comment: String,
    pub rated_at: String,
    /// `here` (rated in this Galley) or `merged` (from a ratings file).
    pub origin: String,
}

fn review_from(row: &sqlx::sqlite::SqliteRow) -> Result<ReviewRow, StoreError> {
    Ok(ReviewRow {
        id: row.try_get("id")?,
        role: row.try_get("role")?,
        title: row.try_get("title")?,
        kind: row.try_get("kind")?,
        run_id: row.try_get("run_id")?,
        pack: row.try_get("pack")?,
        pack_hash: row.try_get("pack_hash")?,
        sources: row.try_get("sources")?,
        variants: row.try_get("variants")?,
        seed: row.try_get("seed")?,
        created_at: row.try_get("created_at")?,
    })
}

const REVIEW_COLUMNS: &str =
    "r.id, r.role, r.title, r.kind, r.run_id, r.pack, r.pack_hash, r.sources, r.variants, r.seed, \
     r.created_at";

impl Store {
    /// Adds a review. A review with the same id already here is a conflict.
    pub async fn review_insert(&self, r: &ReviewRow) -> Result<(), StoreError> {
        let res = sqlx::query(
            "INSERT INTO reviews
               (id, role, title, kind, run_id, pack, pack_hash, sources, variants, seed, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )
        .bind(&r.id)
        .bind(&r.role)
        .bind(&r.title)
        .bind(&r.kind)
        .bind(&r.run_id)
        .bind(&r.pack)
        .bind(&r.pack_hash)
        .bind(&r.sources)
        .bind(&r.variants)
        .bind(r.seed)
        .bind(&r.created_at)
        .execute(&self.pool)
        .await;
        match res {
            Ok(_) => Ok(()),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(StoreError::DuplicateReview(format!(
                    "the review \"{}\" is already in Galley: open it from Reviews",
                    r.title
                )))
            }
            Err(e) => Err(e.into()),
        }
    }

    pub async fn review_get(&self, id: &str) -> Result<ReviewRow, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {REVIEW_COLUMNS} FROM reviews r WHERE r.id = ?1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("review {id}")))?;
        review_from(&row)
    }

    /// Every review, newest first, with how many raters and ratings it has.
    pub async fn reviews_list(&self) -> Result<Vec<ReviewListRow>, StoreError> {
        self.reviews_listed(None).await
    }

    /// One review as the list shows it.
    pub async fn review_listed(&self, id: &str) -> Result<ReviewListRow, StoreError> {
        self.reviews_listed(Some(id))
            .await?
            .pop()
            .ok_or_else(|| StoreError::NotFound(format!("review {id}")))
    }

    async fn reviews_listed(&self, id: Option<&str>) -> Result<Vec<ReviewListRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {REVIEW_COLUMNS},
                    (SELECT COUNT(DISTINCT rater_email) FROM review_ratings x
                      WHERE x.review_id = r.id) AS raters,
                    (SELECT COUNT(*) FROM review_ratings x WHERE x.review_id = r.id) AS ratings
               FROM reviews r WHERE ?1 IS NULL OR r.id = ?1
              ORDER BY r.created_at DESC, r.id DESC"
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ReviewListRow {
                    review: review_from(row)?,
                    raters: row.try_get("raters")?,
                    ratings: row.try_get("ratings")?,
                })
            })
            .collect()
    }

    pub async fn review_delete(&self, id: &str) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM reviews WHERE id = ?1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("review {id}")));
        }
        Ok(())
    }

    /// The rater's seed for a review, set to `proposed` on the first call and kept after.
    pub async fn review_session_seed(
        &self,
        review_id: &str,
        rater_email: &str,
        proposed: u32,
    ) -> Result<u32, StoreError> {
        sqlx::query(
            "INSERT OR IGNORE INTO review_sessions (review_id, rater_email, seed) VALUES (?1, ?2, ?3)",
        )
        .bind(review_id)
        .bind(rater_email)
        .bind(proposed)
        .execute(&self.pool)
        .await?;
        let seed: u32 = sqlx::query_scalar(
            "SELECT seed FROM review_sessions WHERE review_id = ?1 AND rater_email = ?2",
        )
        .bind(review_id)
        .bind(rater_email)
        .fetch_one(&self.pool)
        .await?;
        Ok(seed)
    }

    /// Writes ratings (replacing the same rater's rating of the same item and metric) in one
    /// transaction.
    pub async fn ratings_put(
        &self,
        review_id: &str,
        ratings: &[RatingRow],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for r in ratings {
            sqlx::query(
                "INSERT OR REPLACE INTO review_ratings
                   (review_id, rater_email, rater_name, item, metric, value, shown, comment,
                    rated_at, origin)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .bind(review_id)
            .bind(&r.rater_email)
            .bind(&r.rater_name)
            .bind(&r.item)
            .bind(&r.metric)
            .bind(&r.value)
            .bind(&r.shown)
            .bind(&r.comment)
            .bind(&r.rated_at)
            .bind(&r.origin)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Removes one rating; `false` when there was none.
    pub async fn rating_delete(
        &self,
        review_id: &str,
        rater_email: &str,
        item: &str,
        metric: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM review_ratings
              WHERE review_id = ?1 AND rater_email = ?2 AND item = ?3 AND metric = ?4",
        )
        .bind(review_id)
        .bind(rater_email)
        .bind(item)
        .bind(metric)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The ratings of a review, of one rater when `rater_email` is given, in a stable order.
    pub async fn ratings_of(
        &self,
        review_id: &str,
        rater_email: Option<&str>,
    ) -> Result<Vec<RatingRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT rater_email, rater_name, item, metric, value, shown, comment, rated_at, origin
               FROM review_ratings
              WHERE review_id = ?1 AND (?2 IS NULL OR rater_email = ?2)
              ORDER BY rater_email, item, metric",
        )
        .bind(review_id)
        .bind(rater_email)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(RatingRow {
                    rater_email: row.try_get("rater_email")?,
                    rater_name: row.try_get("rater_name")?,
                    item: row.try_get("item")?,
                    metric: row.try_get("metric")?,
                    value: row.try_get("value")?,
                    shown: row.try_get("shown")?,
                    comment: row.try_get("comment")?,
                    rated_at: row.try_get("rated_at")?,
                    origin: row.try_get("origin")?,
                })
            })
            .collect()
    }
}
