//! Opening the database: the data-dir file, WAL, foreign keys, and migrations, refusing files
//! written by a newer Galley.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, SqlitePool};

use crate::error::StoreError;

pub const DB_FILE: &str = "galley.sqlite";

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: SqlitePool,
    path: PathBuf,
}

fn latest_known_migration() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

fn open_error(path: &Path, err: sqlx::Error) -> StoreError {
    let text = err.to_string();
    if text.contains("not a database")
        || text.contains("malformed")
        || text.contains("file is encrypted")
    {
        StoreError::NotADatabase {
            path: path.to_path_buf(),
            detail: text,
        }
    } else {
        StoreError::Sql(err)
    }
}

/// Reads the highest applied migration without changing the file (read-only connection).
async fn applied_schema(path: &Path) -> Result<Option<i64>, StoreError> {
    let opts = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
        .map_err(|e| open_error(path, e))?
        .read_only(true)
        .disable_statement_logging();
    let mut conn = opts.connect().await.map_err(|e| open_error(path, e))?;
    let has_table: Option<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_optional(&mut conn)
    .await
    .map_err(|e| open_error(path, e))?;
    let found = if has_table.is_some() {
        let row: (Option<i64>,) =
            sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1")
                .fetch_one(&mut conn)
                .await
                .map_err(|e| open_error(path, e))?;
        row.0
    } else {
        None
    };
    conn.close().await.ok();
    Ok(found)
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir`.
    pub async fn open(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|e| StoreError::DataDir {
            path: data_dir.to_path_buf(),
            detail: e.to_string(),
        })?;
        let path = data_dir.join(DB_FILE);
        if path.exists() {
            if let Some(found) = applied_schema(&path).await? {
                let known = latest_known_migration();
                if found > known {
                    return Err(StoreError::NewerSchema { path, found, known });
                }
            }
        }
        let opts = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            .disable_statement_logging();
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await
            .map_err(|e| open_error(&path, e))?;
        MIGRATOR.run(&pool).await?;
        tracing::debug!(path = %path.display(), "store opened");
        Ok(Store { pool, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The schema version this build writes (the highest embedded migration).
    pub fn schema_version() -> i64 {
        latest_known_migration()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn opens_in_wal_mode_with_migrations() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let (fk,): (i64,) = sqlx::query_as("PRAGMA foreign_keys")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(fk, 1);
        store.close().await;
        // reopening is fine and idempotent
        let again = Store::open(dir.path()).await.unwrap();
        assert_eq!(again.path(), dir.path().join(DB_FILE));
    }

    #[tokio::test]
    async fn refuses_a_database_from_a_newer_galley_without_touching_it() {
        let dir = tempfile::tempdir().unwrap();
        Store::open(dir.path()).await.unwrap().close().await;
        // A future Galley's schema, written through one plain connection that leaves WAL mode,
        // so the file alone holds the whole database.
        let url = format!("sqlite://{}", dir.path().join(DB_FILE).display());
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query("PRAGMA journal_mode = DELETE")
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (9999, 'future', 1, x'00', 0)")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        let before = std::fs::read(dir.path().join(DB_FILE)).unwrap();
        let err = Store::open(dir.path()).await.unwrap_err();
        assert!(
            matches!(err, StoreError::NewerSchema { found: 9999, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("newer Galley"), "{err}");
        let after = std::fs::read(dir.path().join(DB_FILE)).unwrap();
        assert!(before == after, "the refused database was modified");
        assert!(!dir.path().join(format!("{DB_FILE}-wal")).exists());
    }

    #[tokio::test]
    async fn refuses_a_file_that_is_not_a_database() {
        let dir = tempfile::tempdir().unwrap();
        let junk = b"this is not sqlite at all, just text that fills a page or so".repeat(100);
        std::fs::write(dir.path().join(DB_FILE), &junk).unwrap();
        let err = Store::open(dir.path()).await.unwrap_err();
        assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
        assert!(
            std::fs::read(dir.path().join(DB_FILE)).unwrap() == junk,
            "the file was modified"
        );
    }
}
