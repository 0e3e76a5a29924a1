//! Galley's local store: one SQLite file in the data directory, opened through sqlx with
//! embedded, numbered migrations and WAL journaling. One module per aggregate.
//!
//! The records returned here are also the wire types the UI receives (generated TypeScript in
//! `ui/src/bindings/`), so they are plain data with camelCase names.

mod blueprints;
mod datasets;
mod db;
mod drafts;
mod error;
mod imports;
mod labels;
mod reviews;
mod runs;
mod scores;
mod settings;
mod versions;

pub use blueprints::BlueprintSummary;
pub use datasets::{DatasetContentRow, DatasetSummary, DatasetVersionMeta};
pub use db::{Store, DB_FILE};
pub use drafts::Draft;
pub use error::StoreError;
pub use imports::{ImportLabel, ImportWrite, NewBlueprint};
pub use labels::{LabelMove, LabelState};
pub use reviews::{RatingRow, ReviewListRow, ReviewRow};
pub use runs::{CacheEntry, CellRow, RunInsert, RunRow, RunsQuery};
pub use scores::ScoreRow;
pub use versions::{Version, VersionMeta};
