//! Where the default model lives, by the same rule as `scripts/fetch-model.sh`.

use std::path::{Path, PathBuf};

use galley_providers::{ProviderError, ProviderErrorCode};

/// The file name of the default model, SmolLM2-135M-Instruct quantised to Q4_1.
pub const DEFAULT_MODEL_FILE: &str = "SmolLM2-135M-Instruct-Q4_1.gguf";

/// The folder of local models: `$GALLEY_MODELS_DIR`, else `$XDG_CACHE_HOME/galley/models`, else
/// `$HOME/.cache/galley/models`.
pub fn models_dir() -> PathBuf {
    if let Some(dir) = non_empty_env("GALLEY_MODELS_DIR") {
        return PathBuf::from(dir);
    }
    let cache = non_empty_env("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|home| home.join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".cache"));
    cache.join("galley").join("models")
}

/// Where `scripts/fetch-model.sh` (`make model`) puts the default model.
pub fn default_model_path() -> PathBuf {
    models_dir().join(DEFAULT_MODEL_FILE)
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The error for a model file that is not there.
pub(crate) fn missing_model(path: &Path) -> ProviderError {
    if path == default_model_path() {
        ProviderError::new(
            ProviderErrorCode::ModelNotFound,
            "the default local model is not installed: run `make model` (or \
             scripts/fetch-model.sh), or pick a GGUF file in Settings",
        )
    } else {
        ProviderError::new(
            ProviderErrorCode::ModelNotFound,
            format!(
                "the local model file `{}` does not exist: pick a GGUF file in Settings",
                path.display()
            ),
        )
    }
}
