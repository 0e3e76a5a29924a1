//! The embedded local models: which are there (the default model, Galley's models folder, files
//! the user picked, an Ollama store), adding and removing picked files, and the loaded providers,
//! kept warm between calls.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use galley_local::{LocalModel, LocalProvider, LocalSettings, ModelSource, Places};
use galley_providers::{ProviderError, ProviderErrorCode};
use serde::{Deserialize, Serialize};
use tracing::instrument;
use ts_rs::TS;

use crate::{Engine, EngineError};

/// The store key of the files the user picked (absolute paths).
const PICKED_KEY: &str = "local_files";
/// Loaded models kept in memory at once; the least recently used one is dropped beyond this.
const WARM_MODELS: usize = 2;

/// How local models run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct LocalConfig {
    /// CPU threads for generation.
    pub threads: u32,
    /// Context size in tokens, prompt and answer together.
    pub context: u32,
}

impl Default for LocalConfig {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        LocalConfig {
            threads: u32::try_from(cores.clamp(1, 8)).unwrap_or(2),
            context: 4096,
        }
    }
}

impl LocalConfig {
    pub(crate) fn validated(self) -> Result<LocalConfig, EngineError> {
        if !(1..=256).contains(&self.threads) {
            return Err(EngineError::invalid(format!(
                "local models: {} threads is not possible; use 1 to 256",
                self.threads
            )));
        }
        if !(256..=262_144).contains(&self.context) {
            return Err(EngineError::invalid(format!(
                "local models: a context of {} tokens is not possible; use 256 to 262144",
                self.context
            )));
        }
        Ok(self)
    }

    fn run_settings(self) -> LocalSettings {
        LocalSettings {
            threads: self.threads,
            context: self.context,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum LocalModelSource {
    Default,
    Folder,
    Picked,
    Ollama,
}

/// A model Galley can run on this machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LocalModelInfo {
    /// What a blueprint records as its `modelId`.
    pub id: String,
    pub path: String,
    pub source: LocalModelSource,
    /// `None` when the file is missing.
    #[ts(type = "number | null")]
    pub size_bytes: Option<u64>,
    /// Why the model cannot run and what to do, when it cannot.
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LocalModelsRes {
    /// Galley's models folder: GGUF files put there are listed.
    pub models_dir: String,
    /// The Ollama store read, when there is one.
    pub ollama_dir: Option<String>,
    /// The default model first, then the models folder, picked files and Ollama's models.
    pub models: Vec<LocalModelInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LocalModelPathReq {
    pub path: String,
}

impl Engine {
    /// Every local model, present or not, with what to do about missing ones.
    #[instrument(skip_all)]
    pub async fn local_models_list(&self) -> Result<LocalModelsRes, EngineError> {
        let places = self.local_places().await?;
        let models = galley_local::discover(&places)
            .into_iter()
            .map(model_info)
            .collect();
        Ok(LocalModelsRes {
            models_dir: places.models_dir.display().to_string(),
            ollama_dir: places
                .ollama_dir
                .filter(|d| d.is_dir())
                .map(|d| d.display().to_string()),
            models,
        })
    }

    /// Adds a GGUF file the user picked, after checking that it is one.
    #[instrument(skip_all)]
    pub async fn local_models_add(
        &self,
        req: LocalModelPathReq,
    ) -> Result<LocalModelsRes, EngineError> {
        let path = PathBuf::from(req.path.trim());
        if !path.is_absolute() {
            return Err(EngineError::invalid(format!(
                "`{}` is not a full path: pick the file, or give its path from `/`",
                path.display()
            )));
        }
        let checked = path.clone();
        tokio::task::spawn_blocking(move || galley_local::inspect(&checked))
            .await
            .map_err(|e| EngineError::invalid(format!("the file could not be checked: {e}")))?
            .map_err(|e| EngineError::invalid(e.message))?;
        let mut picked = self.picked_files().await?;
        let id = galley_local::file_id(&path);
        if let Some(other) = galley_local::resolve(&self.local_places().await?, &id) {
            if other.path != path {
                return Err(EngineError::new(
                    crate::ErrorCode::Conflict,
                    format!(
                        "a model with the id `{id}` is already listed ({}): rename one of the files",
                        other.path.display()
                    ),
                ));
            }
        }
        if !picked.contains(&path) {
            picked.push(path);
            self.store
                .setting_put(PICKED_KEY, &picked, &self.now())
                .await?;
        }
        self.local_models_list().await
    }

    /// Forgets a picked file (the file itself is left alone).
    #[instrument(skip_all)]
    pub async fn local_models_remove(
        &self,
        req: LocalModelPathReq,
    ) -> Result<LocalModelsRes, EngineError> {
        let path = PathBuf::from(req.path.trim());
        let mut picked = self.picked_files().await?;
        let before = picked.len();
        picked.retain(|p| p != &path);
        if picked.len() == before {
            return Err(EngineError::new(
                crate::ErrorCode::NotFound,
                format!("`{}` is not among the picked model files", path.display()),
            ));
        }
        self.store
            .setting_put(PICKED_KEY, &picked, &self.now())
            .await?;
        self.local.lock().await.retain(|(p, _)| p != &path);
        self.local_models_list().await
    }

    /// The provider for local model `id`, loaded on a blocking thread or taken warm.
    pub(crate) async fn local_provider(&self, id: &str) -> Result<LocalProvider, ProviderError> {
        let places = self
            .local_places()
            .await
            .map_err(|e| ProviderError::new(ProviderErrorCode::Other, e.message))?;
        let Some(model) = galley_local::resolve(&places, id) else {
            let known: Vec<String> = galley_local::discover(&places)
                .into_iter()
                .filter(|m| m.size_bytes.is_some())
                .map(|m| format!("`{}`", m.id))
                .collect();
            return Err(ProviderError::new(
                ProviderErrorCode::ModelNotFound,
                format!(
                    "no local model `{id}` on this machine (models here: {}): put its GGUF file in {} \
                     or pick it in Settings",
                    if known.is_empty() { "none".to_string() } else { known.join(", ") },
                    places.models_dir.display()
                ),
            ));
        };
        let config = self
            .settings_get()
            .await
            .map_err(|e| ProviderError::new(ProviderErrorCode::Other, e.message))?
            .local;
        let settings = config.run_settings();
        {
            let mut warm = self.local.lock().await;
            if let Some(i) = warm
                .iter()
                .position(|(p, prov)| p == &model.path && prov.settings() == settings)
            {
                let entry = warm.remove(i);
                let provider = entry.1.clone();
                warm.push(entry);
                return Ok(provider);
            }
        }
        let path = model.path.clone();
        let provider = tokio::task::spawn_blocking(move || LocalProvider::load(&path, settings))
            .await
            .map_err(|e| {
                ProviderError::new(
                    ProviderErrorCode::Other,
                    format!("loading the local model stopped unexpectedly: {e}"),
                )
            })??;
        let mut warm = self.local.lock().await;
        warm.retain(|(p, _)| p != &model.path);
        warm.push((model.path, provider.clone()));
        while warm.len() > WARM_MODELS {
            warm.remove(0);
        }
        Ok(provider)
    }

    async fn picked_files(&self) -> Result<Vec<PathBuf>, EngineError> {
        Ok(self
            .store
            .setting::<Vec<PathBuf>>(PICKED_KEY)
            .await?
            .unwrap_or_default())
    }

    async fn local_places(&self) -> Result<Places, EngineError> {
        Ok(Places::standard(self.picked_files().await?))
    }
}

/// Loaded local providers, most recently used last.
pub(crate) type WarmModels = Arc<tokio::sync::Mutex<Vec<(PathBuf, LocalProvider)>>>;

fn model_info(m: LocalModel) -> LocalModelInfo {
    let problem = match (m.size_bytes, m.source) {
        (Some(_), _) => None,
        (None, ModelSource::Default) => Some(
            "the default model is not installed: run `make model` (or scripts/fetch-model.sh), \
             or pick another GGUF file"
                .to_string(),
        ),
        (None, _) => Some(format!("the file is missing: {}", display(&m.path))),
    };
    LocalModelInfo {
        id: m.id,
        path: display(&m.path),
        source: match m.source {
            ModelSource::Default => LocalModelSource::Default,
            ModelSource::Folder => LocalModelSource::Folder,
            ModelSource::Picked => LocalModelSource::Picked,
            ModelSource::Ollama => LocalModelSource::Ollama,
        },
        size_bytes: m.size_bytes,
        problem,
    }
}

fn display(path: &Path) -> String {
    path.display().to_string()
}
