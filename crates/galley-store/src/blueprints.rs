//! The blueprint aggregate: names, tags and the summary the library lists.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;

use crate::db::Store;
use crate::error::StoreError;

/// One row of the blueprint library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BlueprintSummary {
    pub id: String,
    pub name: String,
    pub tags: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Number of the newest version; none before the first save.
    pub latest_version: Option<u32>,
    /// The version `prod` points at, if any.
    pub prod_version: Option<u32>,
    pub has_draft: bool,
}

const SUMMARY_SELECT: &str = "SELECT b.id, b.name, b.tags, b.created_at, b.updated_at,
    (SELECT MAX(number) FROM versions v WHERE v.blueprint_id = b.id) AS latest_version,
    (SELECT version FROM labels l WHERE l.blueprint_id = b.id AND l.label = 'prod') AS prod_version,
    EXISTS (SELECT 1 FROM drafts d WHERE d.blueprint_id = b.id) AS has_draft
  FROM blueprints b";

fn summary_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<BlueprintSummary, StoreError> {
    let tags_json: String = row.try_get("tags")?;
    let tags = serde_json::from_str(&tags_json).map_err(|e| StoreError::Corrupt {
        what: "tags".into(),
        detail: e.to_string(),
    })?;
    Ok(BlueprintSummary {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        tags,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        latest_version: row.try_get("latest_version")?,
        prod_version: row.try_get("prod_version")?,
        has_draft: row.try_get("has_draft")?,
    })
}

/// `%term%` for LIKE, with the LIKE wildcards in the term escaped.
fn like_pattern(term: &str) -> String {
    let escaped = term
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

impl Store {
    /// Blueprints whose name or one of whose tags contains `search` (case-insensitive), by name.
    pub async fn blueprints_list(&self, search: &str) -> Result<Vec<BlueprintSummary>, StoreError> {
        let term = search.trim();
        let sql = format!(
            "{SUMMARY_SELECT} WHERE ?1 = '' OR b.name LIKE ?2 ESCAPE '\\'
               OR EXISTS (SELECT 1 FROM json_each(b.tags) WHERE json_each.value LIKE ?2 ESCAPE '\\')
             ORDER BY b.name COLLATE NOCASE"
        );
        let rows = sqlx::query(&sql)
            .bind(term)
            .bind(like_pattern(term))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(summary_from_row).collect()
    }

    pub async fn blueprint(&self, id: &str) -> Result<BlueprintSummary, StoreError> {
        let sql = format!("{SUMMARY_SELECT} WHERE b.id = ?1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(r) => summary_from_row(&r),
            None => Err(StoreError::NotFound(format!("blueprint {id}"))),
        }
    }

    /// Finds a blueprint by its name (case-insensitive).
    pub async fn blueprint_by_name(&self, name: &str) -> Result<BlueprintSummary, StoreError> {
        let sql = format!("{SUMMARY_SELECT} WHERE b.name = ?1");
        let row = sqlx::query(&sql)
            .bind(name.trim())
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(r) => summary_from_row(&r),
            None => Err(StoreError::NotFound(format!("blueprint `{}`", name.trim()))),
        }
    }

    pub async fn blueprint_names(&self) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT name FROM blueprints")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    pub async fn blueprint_insert(
        &self,
        id: &str,
        name: &str,
        tags: &[String],
        now: &str,
    ) -> Result<(), StoreError> {
        let tags = serde_json::to_string(tags).expect("tags serialise");
        sqlx::query("INSERT INTO blueprints (id, name, tags, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)")
            .bind(id)
            .bind(name)
            .bind(tags)
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(|e| StoreError::from_name_write(e, name))?;
        Ok(())
    }

    pub async fn blueprint_rename(
        &self,
        id: &str,
        name: &str,
        now: &str,
    ) -> Result<(), StoreError> {
        let res = sqlx::query("UPDATE blueprints SET name = ?2, updated_at = ?3 WHERE id = ?1")
            .bind(id)
            .bind(name)
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(|e| StoreError::from_name_write(e, name))?;
        if res.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("blueprint {id}")));
        }
        Ok(())
    }

    pub async fn blueprint_set_tags(
        &self,
        id: &str,
        tags: &[String],
        now: &str,
    ) -> Result<(), StoreError> {
        let tags = serde_json::to_string(tags).expect("tags serialise");
        let res = sqlx::query("UPDATE blueprints SET tags = ?2, updated_at = ?3 WHERE id = ?1")
            .bind(id)
            .bind(tags)
            .bind(now)
            .execute(&self.pool)
            .await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("blueprint {id}")));
        }
        Ok(())
    }

    /// Deletes a blueprint with its versions, labels, history and draft.
    pub async fn blueprint_delete(&self, id: &str) -> Result<(), StoreError> {
        let res = sqlx::query("DELETE FROM blueprints WHERE id = ?1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("blueprint {id}")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{Store, StoreError};

    #[tokio::test]
    async fn create_search_rename_delete() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).await.unwrap();
        let t = "2026-01-01T00:00:00Z";
        s.blueprint_insert(
            "01A",
            "Support reply",
            &["support".into(), "email".into()],
            t,
        )
        .await
        .unwrap();
        s.blueprint_insert("01B", "Summariser", &["news".into()], t)
            .await
            .unwrap();
        s.blueprint_insert("01C", "100% sure", &[], t)
            .await
            .unwrap();

        let names =
            |v: Vec<crate::BlueprintSummary>| v.into_iter().map(|b| b.name).collect::<Vec<_>>();
        assert_eq!(
            names(s.blueprints_list("").await.unwrap()),
            vec!["100% sure", "Summariser", "Support reply"]
        );
        assert_eq!(
            names(s.blueprints_list("su").await.unwrap()),
            vec!["100% sure", "Summariser", "Support reply"]
        );
        assert_eq!(
            names(s.blueprints_list("EMAIL").await.unwrap()),
            vec!["Support reply"]
        );
        assert_eq!(
            names(s.blueprints_list("%").await.unwrap()),
            vec!["100% sure"]
        );
        assert_eq!(
            names(s.blueprints_list("_").await.unwrap()),
            Vec::<String>::new()
        );

        let err = s
            .blueprint_insert("01D", "support REPLY", &[], t)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::DuplicateName(_)), "{err}");
        let err = s
            .blueprint_rename("01B", "Support Reply", t)
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "a blueprint named `Support Reply` already exists"
        );

        s.blueprint_rename("01B", "Digest", t).await.unwrap();
        assert_eq!(s.blueprint_by_name("digest").await.unwrap().id, "01B");
        s.blueprint_delete("01B").await.unwrap();
        assert!(matches!(
            s.blueprint("01B").await.unwrap_err(),
            StoreError::NotFound(_)
        ));
        assert!(matches!(
            s.blueprint_delete("01B").await.unwrap_err(),
            StoreError::NotFound(_)
        ));
    }
}
