//! OpenAI-compatible endpoints (Ollama, vLLM, LM Studio, a LiteLLM gateway, OpenAI) by name:
//! testing a connection before saving it, listing an endpoint's models, and the providers, built
//! once per settings.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use galley_providers::{OpenAiProvider, OpenAiSettings, ProviderError, ProviderErrorCode};
use serde::{Deserialize, Serialize};
use tracing::instrument;
use ts_rs::TS;

use crate::{Engine, EngineError};

/// The longest endpoint name.
const MAX_NAME: usize = 40;

/// A named OpenAI-compatible endpoint. Holds references only: the key stays in the environment
/// variable named by `apiKeyEnv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EndpointConfig {
    /// What blueprints record as their `endpoint`.
    pub name: String,
    #[serde(flatten)]
    pub settings: OpenAiSettings,
}

/// A preset for the usual servers.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EndpointPreset {
    pub name: String,
    pub base_url: String,
    pub api_key_env: Option<String>,
}

/// The result of one short call to an endpoint: its model list.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EndpointTestRes {
    pub ok: bool,
    /// The model ids it serves (empty when the call failed).
    pub models: Vec<String>,
    #[ts(type = "number")]
    pub latency_ms: u64,
    pub error: Option<ProviderError>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EndpointsModelsReq {
    pub name: String,
}

/// Providers built from the saved endpoints, by name; emptied when the settings change.
pub(crate) type EndpointProviders = Arc<tokio::sync::Mutex<HashMap<String, Arc<OpenAiProvider>>>>;

/// Checks names and settings; errors name the endpoint.
pub(crate) fn validated(
    endpoints: Vec<EndpointConfig>,
) -> Result<Vec<EndpointConfig>, EngineError> {
    let mut out: Vec<EndpointConfig> = Vec::with_capacity(endpoints.len());
    for (i, e) in endpoints.into_iter().enumerate() {
        let name = e.name.trim().to_string();
        if name.is_empty() {
            return Err(EngineError::invalid(format!(
                "endpoint {} has no name: give it one, like `Ollama`",
                i + 1
            )));
        }
        if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
            return Err(EngineError::invalid(format!(
                "the endpoint name `{name}` is too long or has control characters (at most {MAX_NAME} characters)"
            )));
        }
        if out.iter().any(|o| o.name.eq_ignore_ascii_case(&name)) {
            return Err(EngineError::invalid(format!(
                "two endpoints are named `{name}`: names must differ"
            )));
        }
        let settings = e
            .settings
            .validated()
            .map_err(|err| EngineError::invalid(format!("endpoint `{name}`: {}", err.message)))?;
        out.push(EndpointConfig { name, settings });
    }
    Ok(out)
}

impl Engine {
    /// The usual servers with their local address and key variable.
    pub fn endpoints_presets(&self) -> Vec<EndpointPreset> {
        OpenAiSettings::presets()
            .into_iter()
            .map(|(name, s)| EndpointPreset {
                name: name.to_string(),
                base_url: s.base_url,
                api_key_env: s.api_key_env,
            })
            .collect()
    }

    /// One short call (the model list) with unsaved settings, for "Test connection".
    #[instrument(skip_all, fields(name = %req.name))]
    pub async fn endpoints_test(
        &self,
        req: EndpointConfig,
    ) -> Result<EndpointTestRes, EngineError> {
        let start = Instant::now();
        let result = match OpenAiProvider::new(req.settings) {
            Ok(provider) => provider.models().await,
            Err(e) => Err(e),
        };
        let latency_ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
        Ok(match result {
            Ok(models) => EndpointTestRes {
                ok: true,
                models,
                latency_ms,
                error: None,
            },
            Err(error) => EndpointTestRes {
                ok: false,
                models: Vec::new(),
                latency_ms,
                error: Some(error),
            },
        })
    }

    /// The models of a saved endpoint.
    #[instrument(skip_all, fields(name = %req.name))]
    pub async fn endpoints_models(
        &self,
        req: EndpointsModelsReq,
    ) -> Result<Vec<String>, EngineError> {
        let provider = self
            .endpoint_provider(Some(&req.name))
            .await
            .map_err(|e| EngineError::invalid(e.message))?;
        provider
            .models()
            .await
            .map_err(|e| EngineError::invalid(e.message))
    }

    /// The provider of the endpoint `name`; with no name, the only endpoint there is.
    pub(crate) async fn endpoint_provider(
        &self,
        name: Option<&str>,
    ) -> Result<Arc<OpenAiProvider>, ProviderError> {
        let endpoints = self
            .settings_get()
            .await
            .map_err(|e| ProviderError::new(ProviderErrorCode::Other, e.message))?
            .endpoints;
        let names = || {
            endpoints
                .iter()
                .map(|e| format!("`{}`", e.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let config = match name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(name) => endpoints
                .iter()
                .find(|e| e.name.eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    ProviderError::invalid_request(if endpoints.is_empty() {
                        format!(
                            "no endpoint named `{name}`: add it under Settings → OpenAI-compatible endpoints"
                        )
                    } else {
                        format!(
                            "no endpoint named `{name}` (there are {}): add it in Settings or choose another",
                            names()
                        )
                    })
                })?,
            None => match endpoints.as_slice() {
                [only] => only,
                [] => {
                    return Err(ProviderError::invalid_request(
                        "no OpenAI-compatible endpoint is set up: add one under Settings → \
                         OpenAI-compatible endpoints",
                    ))
                }
                _ => {
                    return Err(ProviderError::invalid_request(format!(
                        "choose which endpoint runs this model ({}) in Model settings",
                        names()
                    )))
                }
            },
        };
        let mut cache = self.endpoints.lock().await;
        if let Some(p) = cache.get(&config.name) {
            return Ok(p.clone());
        }
        let provider = Arc::new(OpenAiProvider::new(config.settings.clone())?);
        cache.insert(config.name.clone(), provider.clone());
        Ok(provider)
    }
}
