//! Amazon Bedrock through the official AWS SDK: ConverseStream for streaming calls, Converse for
//! [`Provider::complete`], and the control plane for the model catalog.

mod call;
pub(crate) mod client;
pub(crate) mod converse;
pub(crate) mod errors;
pub(crate) mod messages;
pub mod profiles;
pub mod settings;
pub(crate) mod stream;
pub(crate) mod trace;

use std::fmt;

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use tokio_util::sync::CancellationToken;

use crate::catalog::{self, Catalog};
use crate::error::ProviderError;
use crate::prices::Prices;
use crate::provider::{ChatOutcome, ChatRequest, Provider, ProviderFuture, StreamEvent};
use errors::CallContext;
pub use settings::BedrockSettings;

/// Bedrock, configured once from [`BedrockSettings`]; cheap to share behind an `Arc`.
#[derive(Clone)]
pub struct BedrockProvider {
    runtime: aws_sdk_bedrockruntime::Client,
    control: aws_sdk_bedrock::Client,
    settings: BedrockSettings,
    region: String,
    runtime_endpoint: Option<String>,
    control_endpoint: Option<String>,
}

impl fmt::Debug for BedrockProvider {
    // The SDK clients are left out on purpose: only settings, which hold no secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BedrockProvider")
            .field("settings", &self.settings)
            .field("region", &self.region)
            .field("runtime_endpoint", &self.runtime_endpoint)
            .finish_non_exhaustive()
    }
}

impl BedrockProvider {
    /// A provider using aws-config's default chain (environment, the profile's static keys, SSO,
    /// `credential_process`, web identity, container and instance roles) for credentials.
    pub async fn new(settings: &BedrockSettings) -> Result<BedrockProvider, ProviderError> {
        BedrockProvider::build(settings, None).await
    }

    /// A provider with explicit credentials (tests, embedding). SigV4 is always used, and the
    /// shared config files are not read unless `settings.profile` names a profile. Endpoint and
    /// region environment variables are honoured; the region falls back to `us-east-1`.
    pub async fn with_credentials(
        settings: &BedrockSettings,
        credentials: impl ProvideCredentials + 'static,
    ) -> Result<BedrockProvider, ProviderError> {
        BedrockProvider::build(settings, Some(SharedCredentialsProvider::new(credentials))).await
    }

    async fn build(
        settings: &BedrockSettings,
        credentials: Option<SharedCredentialsProvider>,
    ) -> Result<BedrockProvider, ProviderError> {
        let settings = settings.validated()?;
        let config = client::load_sdk_config(&settings, credentials).await;
        let region = config
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| client::FALLBACK_REGION.to_string());
        let runtime_endpoint =
            client::endpoint_in_use(&settings, "AWS_ENDPOINT_URL_BEDROCK_RUNTIME");
        let control_endpoint = client::endpoint_in_use(&settings, "AWS_ENDPOINT_URL_BEDROCK");
        for url in [&runtime_endpoint, &control_endpoint].into_iter().flatten() {
            settings::check_endpoint_url(url)?;
        }
        tracing::debug!(
            region = %region,
            profile = settings.profile.as_deref().unwrap_or("<default chain>"),
            endpoint = runtime_endpoint.as_deref().unwrap_or("<regional>"),
            "bedrock provider configured"
        );
        Ok(BedrockProvider {
            runtime: aws_sdk_bedrockruntime::Client::new(&config),
            control: aws_sdk_bedrock::Client::new(&config),
            settings,
            region,
            runtime_endpoint,
            control_endpoint,
        })
    }

    /// The settings in use (validated: blank strings are unset).
    pub fn settings(&self) -> &BedrockSettings {
        &self.settings
    }

    /// The region calls go to.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The endpoint URL of Bedrock Runtime when it is not the regional default.
    pub fn endpoint(&self) -> Option<&str> {
        self.runtime_endpoint.as_deref()
    }

    /// One Converse call (no streaming).
    pub async fn converse(
        &self,
        req: &ChatRequest,
        cancel: &CancellationToken,
    ) -> Result<ChatOutcome, ProviderError> {
        call::converse(self, req, cancel).await
    }

    /// One ConverseStream call.
    pub async fn converse_stream(
        &self,
        req: &ChatRequest,
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<ChatOutcome, ProviderError> {
        call::converse_stream(self, req, cancel, on_event).await
    }

    /// The input tokens `req` would bill (CountTokens), without running the model. Not every
    /// model supports it: callers fall back to an estimate on an error.
    pub async fn count_tokens(&self, req: &ChatRequest) -> Result<u32, ProviderError> {
        call::count_tokens(self, req).await
    }

    /// The models this account can call in this region, merged from ListFoundationModels and
    /// ListInferenceProfiles, with prices.
    pub async fn catalog(&self, prices: &Prices) -> Result<Catalog, ProviderError> {
        let ctx = self.call_context("the model catalog", self.control_endpoint.clone(), 0);
        catalog::fetch(&self.control, &self.region, prices, &ctx).await
    }

    /// The catalog, or — when the control plane cannot be reached or refuses — the offline
    /// catalog from the price table, with the reason.
    pub async fn catalog_or_offline(&self, prices: &Prices) -> Catalog {
        match self.catalog(prices).await {
            Ok(catalog) => catalog,
            Err(err) => {
                tracing::info!(
                    code = err.code.as_str(),
                    "model catalog offline: {}",
                    err.message
                );
                catalog::offline_catalog(prices, &self.region, Some(err.message))
            }
        }
    }

    pub(crate) fn call_context(
        &self,
        model_id: &str,
        endpoint: Option<String>,
        attempts: u32,
    ) -> CallContext {
        CallContext {
            model_id: model_id.to_string(),
            region: self.region.clone(),
            profile: self.settings.profile.clone(),
            endpoint,
            timeout_secs: self.settings.timeout_secs,
            attempts: if attempts == 0 {
                self.settings.max_attempts
            } else {
                attempts
            },
        }
    }
}

impl Provider for BedrockProvider {
    fn stream<'a>(
        &'a self,
        req: &'a ChatRequest,
        cancel: &'a CancellationToken,
        on_event: &'a mut (dyn FnMut(StreamEvent) + Send),
    ) -> ProviderFuture<'a> {
        Box::pin(call::converse_stream(self, req, cancel, on_event))
    }

    fn complete<'a>(
        &'a self,
        req: &'a ChatRequest,
        cancel: &'a CancellationToken,
    ) -> ProviderFuture<'a> {
        Box::pin(call::converse(self, req, cancel))
    }
}
