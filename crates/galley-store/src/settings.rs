//! Application settings as JSON values by key.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::db::Store;
use crate::error::StoreError;

impl Store {
    /// The value stored under `key`, or `None` when it was never set.
    pub async fn setting<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = ?1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            None => Ok(None),
            Some((json,)) => {
                serde_json::from_str(&json)
                    .map(Some)
                    .map_err(|e| StoreError::Corrupt {
                        what: format!("setting `{key}`"),
                        detail: e.to_string(),
                    })
            }
        }
    }

    pub async fn setting_put<T: Serialize>(
        &self,
        key: &str,
        value: &T,
        now: &str,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(value).expect("settings serialise");
        sqlx::query(
            "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(json)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;

    #[tokio::test]
    async fn settings_round_trip_and_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).await.unwrap();
        assert_eq!(
            s.setting::<serde_json::Value>("bedrock").await.unwrap(),
            None
        );
        let v = serde_json::json!({"profile": "dev", "region": "eu-west-1"});
        s.setting_put("bedrock", &v, "t1").await.unwrap();
        s.setting_put("bedrock", &serde_json::json!({"profile": "prod"}), "t2")
            .await
            .unwrap();
        s.close().await;
        let s = Store::open(dir.path()).await.unwrap();
        let got: serde_json::Value = s.setting("bedrock").await.unwrap().unwrap();
        assert_eq!(got, serde_json::json!({"profile": "prod"}));
    }
}
