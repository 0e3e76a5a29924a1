//! Datasets of reference cases and their immutable, numbered versions.
//!
//! The content is JSON the engine owns (`galley_core::dataset::DatasetContent`); the store keeps
//! it with its hash and case count, and never looks inside.

use galley_core::version::{creates_version, next_number};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::Row;
use ts_rs::TS;

use crate::db::Store;
use crate::error::StoreError;

/// One row of the dataset list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DatasetSummary {
    pub id: String,
    pub name: String,
    pub description: String,
    pub created_at: String,
    pub updated_at: String,
    /// Number of the newest version; none before the first save.
    pub latest_version: Option<u32>,
    /// Cases in the newest version.
    pub cases: u32,
}

/// A dataset version without its content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DatasetVersionMeta {
    pub number: u32,
    pub cases: u32,
    pub message: String,
    pub author: String,
    pub created_at: String,
    pub content_hash: String,
}

/// A new version's content, as the engine serialised it.
#[derive(Debug, Clone, Copy)]
pub struct DatasetContentRow<'a> {
    pub content: &'a Value,
    pub content_hash: &'a str,
    pub cases: u32,
}

const SUMMARY_SELECT: &str = "SELECT d.id, d.name, d.description, d.created_at, d.updated_at,
    v.number AS latest_version, COALESCE(v.cases, 0) AS cases
  FROM datasets d
  LEFT JOIN dataset_versions v ON v.dataset_id = d.id
   AND v.number = (SELECT MAX(number) FROM dataset_versions w WHERE w.dataset_id = d.id)";

fn summary_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<DatasetSummary, StoreError> {
    Ok(DatasetSummary {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        latest_version: row.try_get("latest_version")?,
        cases: row.try_get("cases")?,
    })
}

fn meta_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<DatasetVersionMeta, StoreError> {
    Ok(DatasetVersionMeta {
        number: row.try_get("number")?,
        cases: row.try_get("cases")?,
        message: row.try_get("message")?,
        author: row.try_get("author")?,
        created_at: row.try_get("created_at")?,
        content_hash: row.try_get("content_hash")?,
    })
}

fn duplicate(err: sqlx::Error, name: &str) -> StoreError {
    if let sqlx::Error::Database(db) = &err {
        if db.is_unique_violation() {
            return StoreError::DuplicateDataset(name.to_string());
        }
    }
    StoreError::Sql(err)
}

impl Store {
    /// Every dataset, by name.
    pub async fn datasets_list(&self) -> Result<Vec<DatasetSummary>, StoreError> {
        let sql = format!("{SUMMARY_SELECT} ORDER BY d.name COLLATE NOCASE");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(summary_from_row).collect()
    }

    pub async fn dataset(&self, id: &str) -> Result<DatasetSummary, StoreError> {
        let sql = format!("{SUMMARY_SELECT} WHERE d.id = ?1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("dataset {id}")))?;
        summary_from_row(&row)
    }

    /// The dataset with this name (case-insensitive).
    pub async fn dataset_by_name(&self, name: &str) -> Result<Option<DatasetSummary>, StoreError> {
        let sql = format!("{SUMMARY_SELECT} WHERE d.name = ?1 COLLATE NOCASE");
        let row = sqlx::query(&sql)
            .bind(name.trim())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(summary_from_row).transpose()
    }

    /// Creates a dataset and, when `first` is given, its version 1, in one transaction: an import
    /// either lands whole or not at all.
    #[allow(clippy::too_many_arguments)]
    pub async fn dataset_insert(
        &self,
        id: &str,
        name: &str,
        description: &str,
        first: Option<DatasetContentRow<'_>>,
        message: &str,
        author: &str,
        now: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO datasets (id, name, description, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?4)",
        )
        .bind(id)
        .bind(name)
        .bind(description)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|e| duplicate(e, name))?;
        if let Some(content) = first {
            insert_version(&mut tx, id, 1, content, message, author, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Renames a dataset or changes its description.
    pub async fn dataset_update(
        &self,
        id: &str,
        name: &str,
        description: &str,
        now: &str,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE datasets SET name = ?2, description = ?3, updated_at = ?4 WHERE id = ?1",
        )
        .bind(id)
        .bind(name)
        .bind(description)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(|e| duplicate(e, name))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("dataset {id}")));
        }
        Ok(())
    }

    /// Deletes a dataset and its versions. Runs keep the cases they used (in their spec).
    pub async fn dataset_delete(&self, id: &str) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM datasets WHERE id = ?1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("dataset {id}")));
        }
        Ok(())
    }

    /// Saves the next version, unless its content equals the latest one; then returns `None` and
    /// writes nothing.
    pub async fn dataset_version_save(
        &self,
        id: &str,
        content: DatasetContentRow<'_>,
        message: &str,
        author: &str,
        now: &str,
    ) -> Result<Option<DatasetVersionMeta>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let exists: Option<(String,)> = sqlx::query_as("SELECT id FROM datasets WHERE id = ?1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("dataset {id}")));
        }
        let latest: Option<(u32, String)> = sqlx::query_as(
            "SELECT number, content_hash FROM dataset_versions WHERE dataset_id = ?1
              ORDER BY number DESC LIMIT 1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        if !creates_version(latest.as_ref().map(|l| l.1.as_str()), content.content_hash) {
            return Ok(None);
        }
        let number = next_number(latest.map(|l| l.0));
        let meta = insert_version(&mut tx, id, number, content, message, author, now).await?;
        tx.commit().await?;
        Ok(Some(meta))
    }

    /// A dataset's versions, newest first.
    pub async fn dataset_versions(&self, id: &str) -> Result<Vec<DatasetVersionMeta>, StoreError> {
        let rows = sqlx::query(
            "SELECT number, cases, message, author, created_at, content_hash
               FROM dataset_versions WHERE dataset_id = ?1 ORDER BY number DESC",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(meta_from_row).collect()
    }

    /// One version with its content; `None` as number means the latest.
    pub async fn dataset_version(
        &self,
        id: &str,
        number: Option<u32>,
    ) -> Result<(DatasetVersionMeta, Value), StoreError> {
        let row = sqlx::query(
            "SELECT number, cases, message, author, created_at, content_hash, content
               FROM dataset_versions
              WHERE dataset_id = ?1 AND number = COALESCE(?2,
                    (SELECT MAX(number) FROM dataset_versions WHERE dataset_id = ?1))",
        )
        .bind(id)
        .bind(number)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| {
            StoreError::NotFound(match number {
                Some(n) => format!("dataset version {n}"),
                None => "a saved version of the dataset".to_string(),
            })
        })?;
        let text: String = row.try_get("content")?;
        let content = serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
            what: "dataset content".into(),
            detail: e.to_string(),
        })?;
        Ok((meta_from_row(&row)?, content))
    }
}

async fn insert_version(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    id: &str,
    number: u32,
    content: DatasetContentRow<'_>,
    message: &str,
    author: &str,
    now: &str,
) -> Result<DatasetVersionMeta, StoreError> {
    sqlx::query(
        "INSERT INTO dataset_versions
           (dataset_id, number, content, content_hash, cases, message, author, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .bind(id)
    .bind(number)
    .bind(serde_json::to_string(content.content).expect("JSON serialises"))
    .bind(content.content_hash)
    .bind(content.cases)
    .bind(message)
    .bind(author)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE datasets SET updated_at = ?2 WHERE id = ?1")
        .bind(id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(DatasetVersionMeta {
        number,
        cases: content.cases,
        message: message.to_string(),
        author: author.to_string(),
        created_at: now.to_string(),
        content_hash: content.content_hash.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::{DatasetContentRow, Store, StoreError};

    fn row<'a>(content: &'a serde_json::Value, hash: &'a str, cases: u32) -> DatasetContentRow<'a> {
        DatasetContentRow {
            content,
            content_hash: hash,
            cases,
        }
    }

    #[tokio::test]
    async fn datasets_are_versioned_and_names_unique() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).await.unwrap();
        let one = json!({"variables": ["q"], "cases": [{"values": {"q": "a"}}]});
        s.dataset_insert(
            "D",
            "Capitals",
            "",
            Some(row(&one, "h1", 1)),
            "import",
            "ada",
            "t1",
        )
        .await
        .unwrap();
        let err = s
            .dataset_insert("E", "capitals", "", None, "", "ada", "t1")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::DuplicateDataset(ref n) if n == "capitals"));
        // unchanged content: no version
        assert!(s
            .dataset_version_save("D", row(&one, "h1", 1), "again", "ada", "t2")
            .await
            .unwrap()
            .is_none());
        let two =
            json!({"variables": ["q"], "cases": [{"values": {"q": "a"}}, {"values": {"q": "b"}}]});
        let v2 = s
            .dataset_version_save("D", row(&two, "h2", 2), "more", "ada", "t3")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((v2.number, v2.cases), (2, 2));
        let summary = s.dataset_by_name("CAPITALS").await.unwrap().unwrap();
        assert_eq!((summary.latest_version, summary.cases), (Some(2), 2));
        assert_eq!(summary.updated_at, "t3");
        let (meta, content) = s.dataset_version("D", Some(1)).await.unwrap();
        assert_eq!((meta.number, meta.message.as_str()), (1, "import"));
        assert_eq!(content, one);
        assert_eq!(s.dataset_version("D", None).await.unwrap().1, two);
        assert_eq!(
            s.dataset_versions("D")
                .await
                .unwrap()
                .iter()
                .map(|v| v.number)
                .collect::<Vec<_>>(),
            vec![2, 1]
        );
        assert!(matches!(
            s.dataset_version("D", Some(9)).await.unwrap_err(),
            StoreError::NotFound(_)
        ));
        s.dataset_update("D", "World capitals", "for tests", "t4")
            .await
            .unwrap();
        assert_eq!(s.datasets_list().await.unwrap()[0].name, "World capitals");
        s.dataset_delete("D").await.unwrap();
        assert!(s.datasets_list().await.unwrap().is_empty());
        assert!(s.dataset_versions("D").await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_failed_import_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).await.unwrap();
        s.dataset_insert("D", "Cases", "", None, "", "ada", "t1")
            .await
            .unwrap();
        let c = json!({"variables": [], "cases": []});
        // same id again: the insert fails and no version is left behind
        assert!(s
            .dataset_insert("D", "Other", "", Some(row(&c, "h", 0)), "", "ada", "t2")
            .await
            .is_err());
        assert!(s.dataset_versions("D").await.unwrap().is_empty());
        assert_eq!(s.datasets_list().await.unwrap().len(), 1);
    }
}
