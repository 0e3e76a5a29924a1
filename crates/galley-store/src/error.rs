use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database {path} was written by a newer Galley (schema {found}; this Galley knows up to {known}). Update Galley, or set GALLEY_DATA_DIR to another folder. The file was not changed.")]
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("{path} is not a Galley database or is damaged ({detail}). Move it aside and start again; it was not changed.")]
    NotADatabase { path: PathBuf, detail: String },
    #[error("cannot use the data folder {path}: {detail}")]
    DataDir { path: PathBuf, detail: String },
    #[error("a blueprint named `{0}` already exists")]
    DuplicateName(String),
    #[error("a dataset named `{0}` already exists")]
    DuplicateDataset(String),
    #[error("{0}")]
    DuplicateReview(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("stored {what} is unreadable: {detail}")]
    Corrupt { what: String, detail: String },
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Maps a unique-constraint violation on a blueprint name to [`StoreError::DuplicateName`].
    pub(crate) fn from_name_write(err: sqlx::Error, name: &str) -> StoreError {
        if let sqlx::Error::Database(db) = &err {
            if db.is_unique_violation() {
                return StoreError::DuplicateName(name.to_string());
            }
        }
        StoreError::Sql(err)
    }
}
