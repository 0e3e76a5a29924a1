//! Galley's one command surface.
//!
//! Every feature of the desktop app and of the `galley` CLI is a method of [`Engine`]; the Tauri
//! commands in `src-tauri/` and the CLI subcommands are one-line adapters over these methods, and
//! the tests drive the same methods without a window.

mod blueprints;
mod data_dir;
mod datasets;
mod dto;
mod endpoints;
mod error;
mod eval;
mod files;
mod local;
mod repo;
mod reviews;
mod runs;
mod settings;
mod templates;
mod tryrun;
mod versions;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use galley_providers::{BedrockProvider, CancellationToken, Catalog};
use galley_store::Store;
use tokio::sync::Mutex;

pub use data_dir::{default_data_dir, DATA_DIR_ENV};
pub use datasets::{
    DatasetDetail, DatasetRef, DatasetsCreateReq, DatasetsExportReq, DatasetsImportReq,
    DatasetsImportRes, DatasetsSaveReq, DatasetsUpdateReq,
};
pub use dto::*;
pub use endpoints::{EndpointConfig, EndpointPreset, EndpointTestRes, EndpointsModelsReq};
pub use error::{EngineError, ErrorCode};
pub use eval::*;
pub use galley_core as core;
pub use galley_providers as providers;
pub use galley_store::{
    BlueprintSummary, DatasetSummary, DatasetVersionMeta, Draft, LabelMove, LabelState, Version,
    VersionMeta,
};
pub use local::{LocalConfig, LocalModelInfo, LocalModelPathReq, LocalModelSource, LocalModelsRes};
pub use repo::*;
pub use reviews::*;
pub use runs::*;
pub use settings::{
    AppSettings, AwsProfilesRes, ModelsCatalogReq, PricesInfo, RaterIdentity, RunsConfig,
    PRICES_FILE,
};
pub use tryrun::{TryRunCancelReq, TryRunReq, TryRunRes};

/// Where time comes from; tests pass a fixed clock.
pub trait Clock: Send + Sync {
    /// Now, as RFC 3339 UTC text.
    fn now(&self) -> String;
}

/// The wall clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> String {
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    }
}

#[derive(Clone)]
pub struct Engine {
    store: Store,
    clock: Arc<dyn Clock>,
    author: String,
    data_dir: PathBuf,
    /// Built from the settings on first use, dropped when they change.
    bedrock: Arc<Mutex<Option<Arc<BedrockProvider>>>>,
    /// The model catalog fetched in this session.
    catalog: Arc<Mutex<Option<Catalog>>>,
    /// Calls in flight, by the caller's run id, for cancellation.
    running: Arc<Mutex<HashMap<String, CancellationToken>>>,
    /// Local models kept loaded between calls.
    local: local::WarmModels,
    /// OpenAI-compatible providers of the saved endpoints.
    endpoints: endpoints::EndpointProviders,
}

impl Engine {
    /// Opens the engine on `data_dir` with the wall clock and the author from the environment.
    pub async fn open(data_dir: &Path) -> Result<Engine, EngineError> {
        Self::open_with(data_dir, Arc::new(SystemClock), author_from_env()).await
    }

    pub async fn open_with(
        data_dir: &Path,
        clock: Arc<dyn Clock>,
        author: String,
    ) -> Result<Engine, EngineError> {
        let store = Store::open(data_dir).await?;
        Ok(Engine {
            store,
            clock,
            author,
            data_dir: data_dir.to_path_buf(),
            bedrock: Arc::default(),
            catalog: Arc::default(),
            running: Arc::default(),
            local: Arc::default(),
            endpoints: Arc::default(),
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn author(&self) -> &str {
        &self.author
    }

    pub async fn close(&self) {
        self.store.close().await;
    }

    fn now(&self) -> String {
        self.clock.now()
    }
}

/// The name recorded as author of versions and label moves: `GALLEY_AUTHOR`, else the OS user.
pub fn author_from_env() -> String {
    ["GALLEY_AUTHOR", "USER", "USERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown".to_string())
}
