//! Immutable, numbered versions of a blueprint's content.

use galley_core::version::{creates_version, next_number};
use galley_core::BlueprintContent;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;

use crate::db::Store;
use crate::error::StoreError;

/// A version without its content, for history lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VersionMeta {
    pub number: u32,
    pub parent: Option<u32>,
    pub message: String,
    pub author: String,
    pub created_at: String,
    pub content_hash: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Version {
    pub meta: VersionMeta,
    pub content: BlueprintContent,
}

fn meta_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<VersionMeta, StoreError> {
    Ok(VersionMeta {
        number: row.try_get("number")?,
        parent: row.try_get("parent")?,
        message: row.try_get("message")?,
        author: row.try_get("author")?,
        created_at: row.try_get("created_at")?,
        content_hash: row.try_get("content_hash")?,
    })
}

pub(crate) fn parse_content(json: &str, what: &str) -> Result<BlueprintContent, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt {
        what: what.to_string(),
        detail: e.to_string(),
    })
}

impl Store {
    /// History of a blueprint, newest first.
    pub async fn versions_list(&self, blueprint_id: &str) -> Result<Vec<VersionMeta>, StoreError> {
        let rows = sqlx::query(
            "SELECT number, parent, message, author, created_at, content_hash
               FROM versions WHERE blueprint_id = ?1 ORDER BY number DESC",
        )
        .bind(blueprint_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(meta_from_row).collect()
    }

    pub async fn version(&self, blueprint_id: &str, number: u32) -> Result<Version, StoreError> {
        let row = sqlx::query(
            "SELECT number, parent, message, author, created_at, content_hash, content
               FROM versions WHERE blueprint_id = ?1 AND number = ?2",
        )
        .bind(blueprint_id)
        .bind(number)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("version {number}")))?;
        let content: String = row.try_get("content")?;
        Ok(Version {
            meta: meta_from_row(&row)?,
            content: parse_content(&content, &format!("version {number}"))?,
        })
    }

    pub async fn version_latest(&self, blueprint_id: &str) -> Result<Option<Version>, StoreError> {
        let latest: (Option<u32>,) =
            sqlx::query_as("SELECT MAX(number) FROM versions WHERE blueprint_id = ?1")
                .bind(blueprint_id)
                .fetch_one(&self.pool)
                .await?;
        match latest.0 {
            Some(n) => Ok(Some(self.version(blueprint_id, n).await?)),
            None => Ok(None),
        }
    }

    /// Saves `content` as the next version, unless it equals the latest version; then returns
    /// `None` and writes nothing. The blueprint's draft is cleared in the same transaction.
    pub async fn version_save(
        &self,
        blueprint_id: &str,
        content: &BlueprintContent,
        message: &str,
        author: &str,
        now: &str,
    ) -> Result<Option<VersionMeta>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let exists: Option<(String,)> = sqlx::query_as("SELECT id FROM blueprints WHERE id = ?1")
            .bind(blueprint_id)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("blueprint {blueprint_id}")));
        }
        let latest: Option<(u32, String)> = sqlx::query_as(
            "SELECT number, content_hash FROM versions WHERE blueprint_id = ?1 ORDER BY number DESC LIMIT 1",
        )
        .bind(blueprint_id)
        .fetch_optional(&mut *tx)
        .await?;
        let hash = content.content_hash();
        if !creates_version(latest.as_ref().map(|l| l.1.as_str()), &hash) {
            return Ok(None);
        }
        let parent = latest.map(|l| l.0);
        let meta = VersionMeta {
            number: next_number(parent),
            parent,
            message: message.to_string(),
            author: author.to_string(),
            created_at: now.to_string(),
            content_hash: hash,
        };
        insert_version(&mut tx, blueprint_id, &meta, content).await?;
        sqlx::query("DELETE FROM drafts WHERE blueprint_id = ?1")
            .bind(blueprint_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE blueprints SET updated_at = ?2 WHERE id = ?1")
            .bind(blueprint_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(meta))
    }
}

impl Store {
    /// Appends a version brought from elsewhere (an imported blueprint file) with its own number,
    /// parent, message, author, time and hash, which must be the blueprint's next number. The
    /// hash is the caller's to have checked against the content.
    pub async fn version_append(
        &self,
        blueprint_id: &str,
        meta: &VersionMeta,
        content: &BlueprintContent,
        now: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        append_in(&mut tx, blueprint_id, meta, content, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// [`Store::version_append`] inside the caller's transaction.
pub(crate) async fn append_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    blueprint_id: &str,
    meta: &VersionMeta,
    content: &BlueprintContent,
    now: &str,
) -> Result<(), StoreError> {
    let latest: Option<(u32,)> = sqlx::query_as(
        "SELECT number FROM versions WHERE blueprint_id = ?1 ORDER BY number DESC LIMIT 1",
    )
    .bind(blueprint_id)
    .fetch_optional(&mut **tx)
    .await?;
    let expected = next_number(latest.map(|l| l.0));
    if meta.number != expected {
        return Err(StoreError::Corrupt {
            what: format!("imported version {}", meta.number),
            detail: format!("the next version of this blueprint is {expected}"),
        });
    }
    insert_version(tx, blueprint_id, meta, content).await?;
    sqlx::query("UPDATE blueprints SET updated_at = ?2 WHERE id = ?1")
        .bind(blueprint_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Writes one version row inside the caller's transaction.
async fn insert_version(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    blueprint_id: &str,
    meta: &VersionMeta,
    content: &BlueprintContent,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO versions (blueprint_id, number, parent, content, content_hash, message, author, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .bind(blueprint_id)
    .bind(meta.number)
    .bind(meta.parent)
    .bind(serde_json::to_string(content).expect("content serialises"))
    .bind(&meta.content_hash)
    .bind(&meta.message)
    .bind(&meta.author)
    .bind(&meta.created_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::{Store, StoreError};
    use galley_core::BlueprintContent;

    #[tokio::test]
    async fn versions_are_numbered_and_unchanged_saves_create_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).await.unwrap();
        s.blueprint_insert("B", "b", &[], "t0").await.unwrap();
        let mut c = BlueprintContent {
            system: "one".into(),
            ..Default::default()
        };
        let v1 = s
            .version_save("B", &c, "first", "ada", "t1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((v1.number, v1.parent), (1, None));
        assert!(s
            .version_save("B", &c, "again", "ada", "t2")
            .await
            .unwrap()
            .is_none());
        c.system = "two".into();
        let v2 = s
            .version_save("B", &c, "second", "ada", "t3")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((v2.number, v2.parent), (2, Some(1)));
        let list = s.versions_list("B").await.unwrap();
        assert_eq!(
            list.iter().map(|v| v.number).collect::<Vec<_>>(),
            vec![2, 1]
        );
        assert_eq!(list[1].message, "first");
        assert_eq!(s.version("B", 1).await.unwrap().content.system, "one");
        assert_eq!(s.version_latest("B").await.unwrap().unwrap().meta.number, 2);
        assert!(matches!(
            s.version("B", 7).await.unwrap_err(),
            StoreError::NotFound(_)
        ));
        assert!(matches!(
            s.version_save("nope", &c, "m", "a", "t").await.unwrap_err(),
            StoreError::NotFound(_)
        ));
    }
}
