//! Environment labels (`dev`, `staging`, `prod`) and the recorded history of their moves.

use galley_core::Label;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;

use crate::db::Store;
use crate::error::StoreError;

/// Where a label points now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LabelState {
    pub label: Label,
    pub version: u32,
    pub moved_at: String,
}

/// One recorded move of a label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LabelMove {
    pub id: String,
    pub label: Label,
    pub from_version: Option<u32>,
    pub to_version: u32,
    pub author: String,
    pub moved_at: String,
}

fn parse_label(s: &str) -> Result<Label, StoreError> {
    s.parse().map_err(|detail| StoreError::Corrupt {
        what: "label".into(),
        detail,
    })
}

impl Store {
    pub async fn labels(&self, blueprint_id: &str) -> Result<Vec<LabelState>, StoreError> {
        let rows =
            sqlx::query("SELECT label, version, moved_at FROM labels WHERE blueprint_id = ?1")
                .bind(blueprint_id)
                .fetch_all(&self.pool)
                .await?;
        let mut out = rows
            .iter()
            .map(|r| {
                Ok(LabelState {
                    label: parse_label(r.try_get("label")?)?,
                    version: r.try_get("version")?,
                    moved_at: r.try_get("moved_at")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        out.sort_by_key(|l| l.label);
        Ok(out)
    }

    /// Version a label points at, if set.
    pub async fn label_version(
        &self,
        blueprint_id: &str,
        label: Label,
    ) -> Result<Option<u32>, StoreError> {
        let row: Option<(u32,)> =
            sqlx::query_as("SELECT version FROM labels WHERE blueprint_id = ?1 AND label = ?2")
                .bind(blueprint_id)
                .bind(label.as_str())
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|r| r.0))
    }

    /// Label moves, newest first.
    pub async fn label_moves(&self, blueprint_id: &str) -> Result<Vec<LabelMove>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, label, from_version, to_version, author, moved_at FROM label_moves
              WHERE blueprint_id = ?1 ORDER BY id DESC",
        )
        .bind(blueprint_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LabelMove {
                    id: r.try_get("id")?,
                    label: parse_label(r.try_get("label")?)?,
                    from_version: r.try_get("from_version")?,
                    to_version: r.try_get("to_version")?,
                    author: r.try_get("author")?,
                    moved_at: r.try_get("moved_at")?,
                })
            })
            .collect()
    }

    /// Points `label` at `version` and records the move, in one transaction. Returns `None`
    /// when the label already points there (nothing is recorded).
    pub async fn label_move(
        &self,
        blueprint_id: &str,
        label: Label,
        version: u32,
        move_id: &str,
        author: &str,
        now: &str,
    ) -> Result<Option<LabelMove>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mv = move_in(&mut tx, blueprint_id, label, version, move_id, author, now).await?;
        tx.commit().await?;
        Ok(mv)
    }
}

/// Points `label` at `version` and records the move inside the caller's transaction; `None`
/// when it already points there.
pub(crate) async fn move_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    blueprint_id: &str,
    label: Label,
    version: u32,
    move_id: &str,
    author: &str,
    now: &str,
) -> Result<Option<LabelMove>, StoreError> {
    let exists: Option<(u32,)> =
        sqlx::query_as("SELECT number FROM versions WHERE blueprint_id = ?1 AND number = ?2")
            .bind(blueprint_id)
            .bind(version)
            .fetch_optional(&mut **tx)
            .await?;
    if exists.is_none() {
        return Err(StoreError::NotFound(format!("version {version}")));
    }
    let current: Option<(u32,)> =
        sqlx::query_as("SELECT version FROM labels WHERE blueprint_id = ?1 AND label = ?2")
            .bind(blueprint_id)
            .bind(label.as_str())
            .fetch_optional(&mut **tx)
            .await?;
    let from = current.map(|c| c.0);
    if from == Some(version) {
        return Ok(None);
    }
    sqlx::query(
        "INSERT INTO labels (blueprint_id, label, version, moved_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (blueprint_id, label) DO UPDATE SET version = excluded.version, moved_at = excluded.moved_at",
    )
    .bind(blueprint_id)
    .bind(label.as_str())
    .bind(version)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let mv = LabelMove {
        id: move_id.to_string(),
        label,
        from_version: from,
        to_version: version,
        author: author.to_string(),
        moved_at: now.to_string(),
    };
    sqlx::query(
        "INSERT INTO label_moves (id, blueprint_id, label, from_version, to_version, author, moved_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(&mv.id)
    .bind(blueprint_id)
    .bind(label.as_str())
    .bind(mv.from_version)
    .bind(mv.to_version)
    .bind(&mv.author)
    .bind(&mv.moved_at)
    .execute(&mut **tx)
    .await?;
    Ok(Some(mv))
}

#[cfg(test)]
mod tests {
    use crate::{Store, StoreError};
    use galley_core::{BlueprintContent, Label};

    #[tokio::test]
    async fn labels_move_and_keep_history() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).await.unwrap();
        s.blueprint_insert("B", "b", &[], "t0").await.unwrap();
        let mut c = BlueprintContent::default();
        for text in ["one", "two"] {
            c.system = text.into();
            s.version_save("B", &c, text, "ada", "t1")
                .await
                .unwrap()
                .unwrap();
        }
        let m1 = s
            .label_move("B", Label::Prod, 2, "M1", "ada", "t2")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((m1.from_version, m1.to_version), (None, 2));
        assert!(s
            .label_move("B", Label::Prod, 2, "M2", "ada", "t3")
            .await
            .unwrap()
            .is_none());
        let m3 = s
            .label_move("B", Label::Prod, 1, "M3", "bob", "t4")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((m3.from_version, m3.to_version), (Some(2), 1));
        s.label_move("B", Label::Dev, 2, "M4", "ada", "t5")
            .await
            .unwrap();
        assert!(matches!(
            s.label_move("B", Label::Staging, 9, "M5", "a", "t")
                .await
                .unwrap_err(),
            StoreError::NotFound(_)
        ));

        let labels = s.labels("B").await.unwrap();
        assert_eq!(
            labels
                .iter()
                .map(|l| (l.label, l.version))
                .collect::<Vec<_>>(),
            vec![(Label::Dev, 2), (Label::Prod, 1)]
        );
        assert_eq!(s.label_version("B", Label::Prod).await.unwrap(), Some(1));
        let moves = s.label_moves("B").await.unwrap();
        assert_eq!(
            moves.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            vec!["M4", "M3", "M1"]
        );
        assert_eq!(s.blueprint("B").await.unwrap().prod_version, Some(1));
    }
}
