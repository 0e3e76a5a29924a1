//! Galley's side: `LocalProvider::stream` in this process, on a multi-thread tokio runtime as in
//! the app (the call runs as a task on a runtime worker, the generation on the blocking pool).

use std::path::Path;
use std::time::Instant;

use galley_local::{LocalProvider, LocalSettings};
use galley_providers::{CancellationToken, ChatRequest, Provider, StreamEvent};
use tokio::runtime::Runtime;

use crate::run::Run;

/// The provider with the model loaded, and the request every run sends.
pub struct Galley {
    provider: LocalProvider,
    request: ChatRequest,
    runtime: Runtime,
}

impl Galley {
    pub fn load(
        path: &Path,
        settings: LocalSettings,
        request: ChatRequest,
    ) -> Result<Self, String> {
        let provider = LocalProvider::load(path, settings).map_err(|e| e.message)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("no tokio runtime: {e}"))?;
        Ok(Galley {
            provider,
            request,
            runtime,
        })
    }

    /// The prompt text the model reads, after its chat template.
    pub fn prompt(&self) -> Result<String, String> {
        self.provider.prompt(&self.request).map_err(|e| e.message)
    }

    /// One call, timed inside the task: from `stream` to its outcome, the first token at the first
    /// text delta the caller sees.
    pub fn run(&self) -> Result<Run, String> {
        let provider = self.provider.clone();
        let request = self.request.clone();
        let task = self.runtime.spawn(async move {
            let cancel = CancellationToken::new();
            let mut first = None;
            let start = Instant::now();
            let outcome = provider
                .stream(&request, &cancel, &mut |event| {
                    if first.is_none() && matches!(event, StreamEvent::TextDelta(_)) {
                        first = Some(Instant::now());
                    }
                })
                .await;
            let end = Instant::now();
            outcome.map(|outcome| {
                let first = first.unwrap_or(end);
                Run {
                    prompt_tokens: outcome.usage.input_tokens,
                    output_tokens: outcome.usage.output_tokens,
                    ttft_s: (first - start).as_secs_f64(),
                    total_s: (end - start).as_secs_f64(),
                    eos: outcome.stop_reason == "end_turn",
                    text: outcome.text,
                }
            })
        });
        self.runtime
            .block_on(task)
            .map_err(|e| format!("the Galley task failed: {e}"))?
            .map_err(|e| format!("Galley failed: {}", e.message))
    }
}
