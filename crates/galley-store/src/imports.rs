//! One imported blueprint file written at once: the blueprint (when new), its versions and its
//! label moves go in one transaction, so a failure leaves no trace of that file.

use galley_core::Label;

use crate::db::Store;
use crate::error::StoreError;
use crate::labels::{move_in, LabelMove};
use crate::versions::{append_in, Version};

/// A blueprint the import creates.
#[derive(Debug, Clone, PartialEq)]
pub struct NewBlueprint {
    pub name: String,
    pub tags: Vec<String>,
}

/// A label the import points at one of the blueprint's versions.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportLabel {
    pub label: Label,
    pub version: u32,
    /// The id of the recorded move.
    pub move_id: String,
}

/// Everything one file adds.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportWrite {
    pub blueprint_id: String,
    /// Create the blueprint first (with `blueprint_id`).
    pub create: Option<NewBlueprint>,
    /// Appended in order; each number must follow the blueprint's latest.
    pub versions: Vec<Version>,
    pub labels: Vec<ImportLabel>,
    /// Who moved the labels.
    pub author: String,
    pub now: String,
}

impl Store {
    /// Writes `w` in one transaction: all of it, or (on any error) none of it. Returns the label
    /// moves recorded (a label already in place records none).
    pub async fn blueprint_import(&self, w: &ImportWrite) -> Result<Vec<LabelMove>, StoreError> {
        let mut tx = self.pool.begin().await?;
        if let Some(b) = &w.create {
            let tags = serde_json::to_string(&b.tags).expect("tags serialise");
            sqlx::query(
                "INSERT INTO blueprints (id, name, tags, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
            )
            .bind(&w.blueprint_id)
            .bind(&b.name)
            .bind(tags)
            .bind(&w.now)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_name_write(e, &b.name))?;
        }
        for v in &w.versions {
            append_in(&mut tx, &w.blueprint_id, &v.meta, &v.content, &w.now).await?;
        }
        let mut moves = Vec::new();
        for l in &w.labels {
            let mv = move_in(
                &mut tx,
                &w.blueprint_id,
                l.label,
                l.version,
                &l.move_id,
                &w.author,
                &w.now,
            )
            .await?;
            moves.extend(mv);
        }
        tx.commit().await?;
        Ok(moves)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::VersionMeta;
    use galley_core::BlueprintContent;

    fn version(number: u32, system: &str) -> Version {
        let content = BlueprintContent {
            system: system.into(),
            ..Default::default()
        };
        Version {
            meta: VersionMeta {
                number,
                parent: number.checked_sub(1).filter(|n| *n > 0),
                message: format!("v{number}"),
                author: "ana".into(),
                created_at: "t1".into(),
                content_hash: content.content_hash(),
            },
            content,
        }
    }

    #[tokio::test]
    async fn a_failing_import_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).await.unwrap();
        let mut w = ImportWrite {
            blueprint_id: "B".into(),
            create: Some(NewBlueprint {
                name: "Reply".into(),
                tags: vec![],
            }),
            versions: vec![version(1, "one"), version(2, "two")],
            labels: vec![ImportLabel {
                label: Label::Prod,
                version: 3,
                move_id: "M1".into(),
            }],
            author: "ben".into(),
            now: "t2".into(),
        };
        // The label points at a version that does not exist: the whole write is undone.
        assert!(matches!(
            s.blueprint_import(&w).await.unwrap_err(),
            StoreError::NotFound(_)
        ));
        assert!(s.blueprints_list("").await.unwrap().is_empty());

        w.labels[0].version = 2;
        let moves = s.blueprint_import(&w).await.unwrap();
        assert_eq!((moves.len(), moves[0].to_version), (1, 2));
        assert_eq!(s.versions_list("B").await.unwrap().len(), 2);
        assert_eq!(s.labels("B").await.unwrap()[0].version, 2);
    }
}
