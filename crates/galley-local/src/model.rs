//! Loading GGUF models once per process: the llama.cpp backend is initialised once, and a model
//! file already loaded (by any [`crate::LocalProvider`]) is shared rather than read again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use galley_providers::{ProviderError, ProviderErrorCode};
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::model::{LlamaChatTemplate, LlamaModel};

use crate::paths::missing_model;

/// A model in memory with its chat template.
pub(crate) struct LoadedModel {
    pub(crate) model: LlamaModel,
    pub(crate) template: LlamaChatTemplate,
    pub(crate) path: PathBuf,
}

/// The process-wide llama.cpp backend (it can be initialised only once).
pub(crate) fn backend() -> Result<&'static LlamaBackend, ProviderError> {
    static BACKEND: OnceLock<Result<LlamaBackend, String>> = OnceLock::new();
    BACKEND
        .get_or_init(|| {
            llama_cpp_2::send_logs_to_tracing(llama_cpp_2::LogOptions::default());
            LlamaBackend::init().map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| {
            ProviderError::new(
                ProviderErrorCode::Other,
                format!("llama.cpp could not start: {e}"),
            )
        })
}

/// Creating contexts in parallel is not safe in llama.cpp (it may touch the model): creation is
/// serialised through this lock.
pub(crate) fn context_lock() -> &'static Mutex<()> {
    static LOCK: Mutex<()> = Mutex::new(());
    &LOCK
}

/// The model at `path`, loaded now or shared with whoever loaded it before.
pub(crate) fn load_shared(path: &Path) -> Result<Arc<LoadedModel>, ProviderError> {
    static MODELS: OnceLock<Mutex<HashMap<PathBuf, Weak<LoadedModel>>>> = OnceLock::new();
    if !path.is_file() {
        return Err(missing_model(path));
    }
    let key = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let models = MODELS.get_or_init(Default::default);
    let mut models = models.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(loaded) = models.get(&key).and_then(Weak::upgrade) {
        return Ok(loaded);
    }
    let loaded = Arc::new(load(path)?);
    models.retain(|_, weak| weak.strong_count() > 0);
    models.insert(key, Arc::downgrade(&loaded));
    Ok(loaded)
}

fn load(path: &Path) -> Result<LoadedModel, ProviderError> {
    let info = crate::inspect::inspect(path)?;
    crate::inspect::check_fits(path, &info, crate::inspect::available_memory())?;
    let backend = backend()?;
    let model =
        LlamaModel::load_from_file(backend, path, &LlamaModelParams::default()).map_err(|e| {
            ProviderError::new(
                ProviderErrorCode::InvalidRequest,
                format!(
                    "`{}` could not be loaded as a GGUF model ({e}): pick another file in Settings",
                    path.display()
                ),
            )
        })?;
    let template = match model.chat_template(None) {
        Ok(template) => template,
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "no chat template in the GGUF; using ChatML");
            LlamaChatTemplate::new("chatml").expect("no NUL byte")
        }
    };
    tracing::info!(path = %path.display(), params = model.n_params(), "local model loaded");
    Ok(LoadedModel {
        model,
        template,
        path: path.to_path_buf(),
    })
}
