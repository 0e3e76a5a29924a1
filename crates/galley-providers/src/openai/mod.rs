//! Any OpenAI-compatible endpoint (Ollama, vLLM, LM Studio, a LiteLLM gateway, OpenAI): streaming
//! chat completions over server-sent events, and the model list.
//!
//! The API key is read from the environment variable named in [`OpenAiSettings::api_key_env`] at
//! each call; it is sent as a bearer token marked sensitive, and never stored, logged, shown by
//! `Debug` or put in an error. Guardrails are Bedrock's and are refused; the prompt-cache
//! checkpoint is ignored (these servers cache on their own and report cached tokens).

mod call;
pub(crate) mod errors;
pub mod settings;
pub(crate) mod wire;

use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use crate::error::{ProviderError, ProviderErrorCode};
use crate::provider::{ChatOutcome, ChatRequest, Provider, ProviderFuture, StreamEvent};
use errors::CallContext;
pub use settings::OpenAiSettings;

/// How long connecting may take, within the per-call timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// An OpenAI-compatible endpoint, configured once from [`OpenAiSettings`]; cheap to share behind
/// an `Arc`. `Debug` shows the settings, which hold only the key's variable name.
#[derive(Debug, Clone)]
pub struct OpenAiProvider {
    http: reqwest::Client,
    settings: OpenAiSettings,
}

impl OpenAiProvider {
    /// A provider for the validated `settings`.
    pub fn new(settings: OpenAiSettings) -> Result<OpenAiProvider, ProviderError> {
        let settings = settings.validated()?;
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("galley/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                ProviderError::new(
                    ProviderErrorCode::Other,
                    format!("the HTTP client could not be set up: {e}"),
                )
            })?;
        tracing::debug!(
            base_url = %settings.base_url,
            key_env = settings.api_key_env.as_deref().unwrap_or("<none>"),
            "openai-compatible provider configured"
        );
        Ok(OpenAiProvider { http, settings })
    }

    /// The settings in use (validated: no trailing slash, blank key variable unset).
    pub fn settings(&self) -> &OpenAiSettings {
        &self.settings
    }

    /// The model ids the endpoint serves (`GET {base}/models`), sorted.
    #[tracing::instrument(name = "openai.models", skip_all)]
    pub async fn models(&self) -> Result<Vec<String>, ProviderError> {
        let limits = call::CallLimits::new(self.settings.timeout_secs, None, Instant::now());
        let key = self.key();
        let ctx = self.call_context(None, key.is_some());
        let url = format!("{}/models", self.settings.base_url);
        let response = call::send_with_retries(self, &ctx, &limits, key.as_deref(), || {
            self.authorized(self.http.get(&url), key.as_deref())
        })
        .await?;
        if let Some(kind) = call::web_page(&response) {
            return Err(ProviderError::new(
                ProviderErrorCode::Endpoint,
                format!(
                    "{url} answered with a web page ({kind}), not a model list: check the base URL \
                     (it usually ends in `/v1`)"
                ),
            ));
        }
        let body = limits.race(response.text(), "").await?.map_err(|e| {
            ProviderError::new(
                ProviderErrorCode::Endpoint,
                format!(
                    "the model list from {} could not be read ({}): try again",
                    self.settings.base_url,
                    errors::root_cause(&e)
                ),
            )
        })?;
        let not_a_list = || {
            ProviderError::new(
                ProviderErrorCode::Endpoint,
                format!(
                    "{}/models did not answer with a model list: check the base URL (it usually ends in `/v1`)",
                    self.settings.base_url
                ),
            )
        };
        let json: serde_json::Value = serde_json::from_str(&body).map_err(|_| not_a_list())?;
        let data = json
            .get("data")
            .and_then(serde_json::Value::as_array)
            .ok_or_else(not_a_list)?;
        let mut ids: Vec<String> = data
            .iter()
            .filter_map(|m| m.get("id").and_then(serde_json::Value::as_str))
            .map(str::to_string)
            .collect();
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// One streaming chat completion.
    pub async fn chat_stream(
        &self,
        req: &ChatRequest,
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<ChatOutcome, ProviderError> {
        call::chat_stream(self, req, cancel, on_event).await
    }

    /// The key from the configured environment variable, read now; blank counts as unset.
    fn key(&self) -> Option<String> {
        let name = self.settings.api_key_env.as_deref()?;
        std::env::var(name)
            .ok()
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
    }

    fn authorized(
        &self,
        builder: reqwest::RequestBuilder,
        key: Option<&str>,
    ) -> reqwest::RequestBuilder {
        match key {
            // bearer_auth marks the header sensitive
            Some(key) => builder.bearer_auth(key),
            None => builder,
        }
    }

    fn call_context(&self, model_id: Option<&str>, key_set: bool) -> CallContext {
        CallContext {
            base_url: self.settings.base_url.clone(),
            key_env: self.settings.api_key_env.clone(),
            key_set,
            model_id: model_id.map(str::to_string),
        }
    }
}

impl Provider for OpenAiProvider {
    fn stream<'a>(
        &'a self,
        req: &'a ChatRequest,
        cancel: &'a CancellationToken,
        on_event: &'a mut (dyn FnMut(StreamEvent) + Send),
    ) -> ProviderFuture<'a> {
        Box::pin(call::chat_stream(self, req, cancel, on_event))
    }
}
