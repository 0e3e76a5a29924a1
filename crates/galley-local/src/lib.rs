//! Galley's embedded local provider: llama.cpp in-process (through `llama-cpp-2`), any GGUF chat
//! model with its own chat template.
//!
//! - [`LocalProvider::load`] reads a GGUF file once; a file already loaded in the process is
//!   shared, and the provider itself is cheap to clone (an `Arc`).
//! - [`LocalProvider`] implements [`galley_providers::Provider`]: the request goes through the
//!   model's chat template (system, user and assistant turns; a final assistant turn is a prefill),
//!   then tokens are generated on a blocking thread with `maxTokens`, `temperature` (0 is greedy
//!   and reproducible), `topP`, stop sequences, and `extraFields.seed` / `extraFields.top_k`.
//!   Text arrives as UTF-8-safe [`StreamEvent::TextDelta`]s; cancellation is checked between
//!   tokens, so at most one more token is computed after it fires.
//! - [`default_model_path`] is where `scripts/fetch-model.sh` (`make model`) installs the default
//!   model, SmolLM2-135M-Instruct (Q4_1); a missing file is a [`ProviderErrorCode::ModelNotFound`]
//!   error that says how to install it.
//!
//! The `model_id` of a request is not used: a `LocalProvider` runs the one model it loaded.

mod discover;
mod generate;
mod inspect;
mod model;
mod paths;
mod text;

use std::path::Path;
use std::sync::atomic::AtomicU32;
use std::sync::{mpsc, Arc};
use std::time::Instant;

use galley_providers::{
    CancellationToken, ChatOutcome, ChatRequest, Provider, ProviderError, ProviderErrorCode,
    ProviderFuture, StreamEvent, Usage,
};

pub use discover::{
    discover, file_id, ollama_models_dir, resolve, LocalModel, ModelSource, Places,
    DEFAULT_MODEL_ID, OLLAMA_PREFIX,
};
pub use inspect::{available_memory, check_fits, human_bytes, inspect, GgufInfo};
pub use paths::{default_model_path, models_dir, DEFAULT_MODEL_FILE};

use crate::generate::{Job, Link};
use crate::model::LoadedModel;

/// How a local model runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalSettings {
    /// CPU threads for generation and prompt reading.
    pub threads: u32,
    /// Context size in tokens (prompt and answer together).
    pub context: u32,
}

impl Default for LocalSettings {
    fn default() -> LocalSettings {
        LocalSettings {
            threads: 2,
            context: 2048,
        }
    }
}

/// A GGUF model running in this process.
#[derive(Clone)]
pub struct LocalProvider {
    model: Arc<LoadedModel>,
    settings: LocalSettings,
}

impl std::fmt::Debug for LocalProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalProvider")
            .field("path", &self.model.path)
            .field("settings", &self.settings)
            .finish()
    }
}

impl LocalProvider {
    /// Loads the GGUF model at `path` (or shares it, when this process already loaded it). Reading
    /// the file blocks: call it from a blocking thread in async code.
    pub fn load(path: impl AsRef<Path>, settings: LocalSettings) -> Result<Self, ProviderError> {
        let model = model::load_shared(path.as_ref())?;
        Ok(LocalProvider { model, settings })
    }

    /// Loads the default model from [`default_model_path`].
    pub fn load_default(settings: LocalSettings) -> Result<Self, ProviderError> {
        LocalProvider::load(default_model_path(), settings)
    }

    /// The model file this provider runs.
    pub fn path(&self) -> &Path {
        &self.model.path
    }

    /// The settings it runs with.
    pub fn settings(&self) -> LocalSettings {
        self.settings
    }

    /// The prompt the model will read for `req`, after its chat template.
    pub fn prompt(&self, req: &ChatRequest) -> Result<String, ProviderError> {
        generate::build_prompt(&self.model, req.system.as_deref(), &req.messages)
    }

    /// [`Provider::stream`], also counting every token the model generates into `generated` as it
    /// happens (including tokens of a call that ends cancelled).
    pub async fn stream_counting(
        &self,
        req: &ChatRequest,
        cancel: &CancellationToken,
        generated: Arc<AtomicU32>,
        on_event: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<ChatOutcome, ProviderError> {
        let start = Instant::now();
        let extra = req.extra_fields.as_ref();
        let seed = extra
            .and_then(|v| v.get("seed"))
            .and_then(|v| v.as_u64())
            .map(|s| s as u32);
        let top_k = extra
            .and_then(|v| v.get("top_k"))
            .and_then(|v| v.as_i64())
            .map(|k| k.clamp(1, i32::MAX as i64) as i32);
        let job = Job {
            model: Arc::clone(&self.model),
            settings: self.settings,
            system: req.system.clone(),
            messages: req.messages.clone(),
            params: req.params.clone(),
            top_k,
            seed,
            cancel: cancel.clone(),
            counter: generated,
        };
        let (events_tx, mut events_rx) = tokio::sync::mpsc::unbounded_channel();
        let (acks_tx, acks_rx) = mpsc::channel();
        let handle = tokio::task::spawn_blocking(move || {
            generate::run(
                job,
                Link {
                    events: events_tx,
                    acks: acks_rx,
                },
            )
        });

        let mut ttft_ms = None;
        while let Some(event) = events_rx.recv().await {
            let is_delta = matches!(event, StreamEvent::TextDelta(_));
            if is_delta && ttft_ms.is_none() {
                ttft_ms = Some(millis(start));
            }
            on_event(event);
            if is_delta {
                // the generator waits for this before its next token
                let _ = acks_tx.send(());
            }
        }
        let finished = handle.await.map_err(|e| {
            ProviderError::new(
                ProviderErrorCode::Other,
                format!("the local model stopped unexpectedly: {e}"),
            )
        })??;

        let Some(stop) = finished.stop else {
            return Err(ProviderError::cancelled(&finished.text));
        };
        let usage = Usage {
            input_tokens: finished.prompt_tokens,
            output_tokens: finished.output_tokens,
            cache_read_tokens: 0,
            cache_write_tokens: 0,
        };
        on_event(StreamEvent::Usage(usage));
        let latency_ms = millis(start);
        let outcome = ChatOutcome {
            text: finished.text,
            stop_reason: stop.as_str().to_string(),
            usage,
            ttft_ms,
            latency_ms,
            guardrail_trace: None,
            partial: false,
        };
        outcome.trace_finished("local", None);
        Ok(outcome)
    }
}

fn millis(start: Instant) -> u64 {
    u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX)
}

impl Provider for LocalProvider {
    fn stream<'a>(
        &'a self,
        req: &'a ChatRequest,
        cancel: &'a CancellationToken,
        on_event: &'a mut (dyn FnMut(StreamEvent) + Send),
    ) -> ProviderFuture<'a> {
        Box::pin(async move {
            self.stream_counting(req, cancel, Arc::new(AtomicU32::new(0)), on_event)
                .await
        })
    }
}

/// Whether the default model is installed (the file exists).
pub fn default_model_installed() -> bool {
    default_model_path().is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_provider_is_shareable_across_threads() {
        fn check<T: Send + Sync + Clone>() {}
        check::<LocalProvider>();
    }

    #[test]
    fn a_missing_default_model_says_how_to_install_it() {
        let err = LocalProvider::load("/nonexistent/galley/model.gguf", LocalSettings::default())
            .unwrap_err();
        assert_eq!(err.code, ProviderErrorCode::ModelNotFound);
        assert!(
            err.message.contains("pick a GGUF file in Settings"),
            "{}",
            err.message
        );
        let err = paths::missing_model(&default_model_path());
        assert_eq!(
            err.message,
            "the default local model is not installed: run `make model` (or \
             scripts/fetch-model.sh), or pick a GGUF file in Settings"
        );
    }
}
