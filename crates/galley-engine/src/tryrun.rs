//! "Try it": one streamed answer for the content in the editor, on its model. Nothing is
//! stored (runs and their cells arrive with comparison runs); the answer streams to the caller's
//! callback and the outcome comes back with its cost.

use std::collections::BTreeMap;
use std::sync::Arc;

use galley_core::template::render;
use galley_core::{BlueprintContent, ModelSettings};
use galley_providers::{
    CancellationToken, ChatOutcome, ChatRequest, Provider, ProviderError, ProviderErrorCode,
    StreamEvent,
};
use serde::{Deserialize, Serialize};
use tracing::instrument;
use ts_rs::TS;

use crate::{Engine, EngineError};

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TryRunReq {
    /// Chosen by the caller, so it can cancel the call with [`TryRunCancelReq`].
    pub run_id: String,
    pub content: BlueprintContent,
    #[serde(default)]
    pub values: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TryRunCancelReq {
    pub run_id: String,
}

/// The outcome of one call: either `outcome` or `error` (which keeps any partial text).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TryRunRes {
    /// Exactly what was sent.
    pub request: ChatRequest,
    pub outcome: Option<ChatOutcome>,
    pub error: Option<ProviderError>,
    /// USD, from the price table; none when the model has no price.
    pub cost_usd: Option<f64>,
}

impl TryRunRes {
    fn failed(request: ChatRequest, error: ProviderError) -> TryRunRes {
        TryRunRes {
            request,
            outcome: None,
            error: Some(error),
            cost_usd: None,
        }
    }
}

impl Engine {
    /// The provider that runs `model`: Bedrock, a local model (loaded or warm) or a named
    /// OpenAI-compatible endpoint.
    pub(crate) async fn provider_for(
        &self,
        model: &ModelSettings,
    ) -> Result<Arc<dyn Provider>, ProviderError> {
        match model.provider.as_str() {
            "bedrock" => Ok(self
                .bedrock_provider()
                .await
                .map_err(|e| ProviderError::new(ProviderErrorCode::InvalidRequest, e.message))?),
            "local" => Ok(Arc::new(self.local_provider(model.model_id.trim()).await?)),
            "openai" => Ok(self.endpoint_provider(model.endpoint.as_deref()).await?),
            other => Err(ProviderError::invalid_request(format!(
                "the provider `{other}` is not known: choose `local`, `bedrock` or `openai` in Model settings"
            ))),
        }
    }

    /// Renders the content strictly, calls its model and streams the answer to `on_event`.
    /// Template problems are an `invalid` error; a failed model call is a result with `error`.
    #[instrument(skip_all, fields(run_id = %req.run_id))]
    pub async fn tryrun_start(
        &self,
        req: TryRunReq,
        on_event: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<TryRunRes, EngineError> {
        let rendered = render(&req.content, &req.values).map_err(|issues| {
            let lines: Vec<String> = issues.iter().map(ToString::to_string).collect();
            EngineError::invalid(format!("cannot render: {}", lines.join("; ")))
        })?;
        let model = &req.content.model;
        let request = ChatRequest::from_rendered(model, &rendered)
            .map_err(|e| EngineError::invalid(e.message))?;
        let provider = match self.provider_for(model).await {
            Ok(p) => p,
            Err(error)
                if error.code == ProviderErrorCode::InvalidRequest
                    && error.message.starts_with("the provider `") =>
            {
                return Err(EngineError::invalid(error.message))
            }
            Err(error) => return Ok(TryRunRes::failed(request, error)),
        };
        let cancel = CancellationToken::new();
        self.running
            .lock()
            .await
            .insert(req.run_id.clone(), cancel.clone());
        let result = provider.stream(&request, &cancel, on_event).await;
        self.running.lock().await.remove(&req.run_id);
        Ok(match result {
            Ok(outcome) => {
                let cost_usd = match model.provider.as_str() {
                    // runs on this machine: no bill
                    "local" => Some(0.0),
                    _ => self.prices()?.cost_usd(&request.model_id, &outcome.usage),
                };
                TryRunRes {
                    request,
                    outcome: Some(outcome),
                    error: None,
                    cost_usd,
                }
            }
            Err(error) => TryRunRes::failed(request, error),
        })
    }

    /// Cancels a running call; false when it already finished.
    pub async fn tryrun_cancel(&self, req: TryRunCancelReq) -> bool {
        match self.running.lock().await.get(&req.run_id) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }
}
