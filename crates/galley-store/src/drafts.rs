//! Unsaved work: one autosaved draft per blueprint, cleared when a version is saved.

use galley_core::BlueprintContent;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;

use crate::db::Store;
use crate::error::StoreError;
use crate::versions::parse_content;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    pub content: BlueprintContent,
    /// The version the draft was started from.
    pub base_version: Option<u32>,
    pub updated_at: String,
}

impl Store {
    pub async fn draft(&self, blueprint_id: &str) -> Result<Option<Draft>, StoreError> {
        let row = sqlx::query(
            "SELECT content, base_version, updated_at FROM drafts WHERE blueprint_id = ?1",
        )
        .bind(blueprint_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let content: String = row.try_get("content")?;
        Ok(Some(Draft {
            content: parse_content(&content, "draft")?,
            base_version: row.try_get("base_version")?,
            updated_at: row.try_get("updated_at")?,
        }))
    }

    pub async fn draft_put(&self, blueprint_id: &str, draft: &Draft) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO drafts (blueprint_id, content, base_version, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (blueprint_id) DO UPDATE SET content = excluded.content,
               base_version = excluded.base_version, updated_at = excluded.updated_at",
        )
        .bind(blueprint_id)
        .bind(serde_json::to_string(&draft.content).expect("content serialises"))
        .bind(draft.base_version)
        .bind(&draft.updated_at)
        .execute(&self.pool)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::NotFound(format!("blueprint {blueprint_id}"))
            }
            _ => StoreError::Sql(e),
        })?;
        Ok(())
    }

    pub async fn draft_delete(&self, blueprint_id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM drafts WHERE blueprint_id = ?1")
            .bind(blueprint_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Draft;
    use crate::Store;
    use galley_core::BlueprintContent;

    #[tokio::test]
    async fn drafts_survive_reopen_and_clear_on_save() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).await.unwrap();
        s.blueprint_insert("B", "b", &[], "t0").await.unwrap();
        let c = BlueprintContent {
            system: "work in progress ✍".into(),
            ..Default::default()
        };
        s.draft_put(
            "B",
            &Draft {
                content: c.clone(),
                base_version: None,
                updated_at: "t1".into(),
            },
        )
        .await
        .unwrap();
        s.close().await;
        let s = Store::open(dir.path()).await.unwrap();
        let d = s.draft("B").await.unwrap().unwrap();
        assert_eq!(d.content.system, "work in progress ✍");
        assert!(s.blueprint("B").await.unwrap().has_draft);
        s.version_save("B", &c, "m", "a", "t2").await.unwrap();
        assert!(s.draft("B").await.unwrap().is_none());
        assert!(s.draft_put("missing", &d).await.is_err());
    }
}
