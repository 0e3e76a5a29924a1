//! Settings commands: Bedrock connection (profile, region, endpoint), AWS profiles, the model
//! catalog and the price table. Settings hold references only; credentials stay with the AWS
//! SDK's own chain (environment, profiles, SSO, credential_process).

use std::path::PathBuf;
use std::sync::Arc;

use galley_providers::{
    list_profiles, offline_catalog, BedrockProvider, BedrockSettings, Catalog, Prices,
};
use serde::{Deserialize, Serialize};
use tracing::instrument;
use ts_rs::TS;

use crate::endpoints::{validated as validated_endpoints, EndpointConfig};
use crate::local::LocalConfig;
use crate::{Engine, EngineError, ErrorCode};

const BEDROCK_KEY: &str = "bedrock";
const LOCAL_KEY: &str = "local";
const ENDPOINTS_KEY: &str = "endpoints";
const RUNS_KEY: &str = "runs";
const RATER_KEY: &str = "rater";
/// The user's price overrides, next to the database.
pub const PRICES_FILE: &str = "prices.json";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppSettings {
    pub bedrock: BedrockSettings,
    #[serde(default)]
    pub local: LocalConfig,
    /// OpenAI-compatible endpoints, by name.
    #[serde(default)]
    pub endpoints: Vec<EndpointConfig>,
    #[serde(default)]
    pub runs: RunsConfig,
    /// Who rates in human reviews on this desktop; empty until the user says.
    #[serde(default)]
    pub rater: RaterIdentity,
}

/// The name and email ratings given here are recorded under (a ratings file carries them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct RaterIdentity {
    pub name: String,
    pub email: String,
}

impl RaterIdentity {
    fn validated(self) -> Result<RaterIdentity, EngineError> {
        let name = self.name.trim().to_string();
        let email = self.email.trim().to_string();
        if name.chars().count() > 100 {
            return Err(EngineError::invalid(
                "rater: a name is at most 100 characters",
            ));
        }
        if !email.is_empty() {
            let at = email.find('@');
            let well_formed = at.is_some_and(|i| i > 0 && i + 1 < email.len())
                && !email.contains(char::is_whitespace)
                && email.len() <= 254;
            if !well_formed {
                return Err(EngineError::invalid(format!(
                    "rater: \"{email}\" is not an email address (name@example.com)"
                )));
            }
        }
        if name.is_empty() != email.is_empty() {
            return Err(EngineError::invalid(
                "rater: give both a name and an email, or neither",
            ));
        }
        Ok(RaterIdentity { name, email })
    }

    pub fn is_set(&self) -> bool {
        !self.email.is_empty()
    }
}

/// Defaults and limits of comparison runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct RunsConfig {
    /// Ask before starting a run that may cost more than this (US dollars).
    pub confirm_above_usd: f64,
    /// Calls at once per provider when a run does not say.
    pub concurrency: u32,
}

impl Default for RunsConfig {
    fn default() -> Self {
        RunsConfig {
            confirm_above_usd: 1.0,
            concurrency: 4,
        }
    }
}

impl RunsConfig {
    fn validated(self) -> Result<RunsConfig, EngineError> {
        if !self.confirm_above_usd.is_finite() || self.confirm_above_usd < 0.0 {
            return Err(EngineError::invalid(
                "runs: the amount to confirm above must be zero or more dollars",
            ));
        }
        if !(1..=256).contains(&self.concurrency) {
            return Err(EngineError::invalid(format!(
                "runs: a concurrency of {} is not possible; use 1 to 256",
                self.concurrency
            )));
        }
        Ok(self)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AwsProfilesRes {
    /// Profile names found in the AWS config and credentials files (names only).
    pub profiles: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ModelsCatalogReq {
    /// Ask Bedrock again instead of using the catalog fetched earlier in this session.
    #[serde(default)]
    pub refresh: bool,
}

/// Where the price table comes from and where the user's overrides live.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PricesInfo {
    pub as_of: String,
    pub source: String,
    pub overrides_file: String,
    pub overrides_present: bool,
}

impl Engine {
    #[instrument(skip_all)]
    pub async fn settings_get(&self) -> Result<AppSettings, EngineError> {
        let bedrock = self
            .store
            .setting::<BedrockSettings>(BEDROCK_KEY)
            .await?
            .unwrap_or_default();
        let local = self.store.setting(LOCAL_KEY).await?.unwrap_or_default();
        let endpoints = self.store.setting(ENDPOINTS_KEY).await?.unwrap_or_default();
        let runs = self.store.setting(RUNS_KEY).await?.unwrap_or_default();
        let rater = self.store.setting(RATER_KEY).await?.unwrap_or_default();
        Ok(AppSettings {
            bedrock,
            local,
            endpoints,
            runs,
            rater,
        })
    }

    /// Validates and stores the settings; the next model call uses them.
    #[instrument(skip_all)]
    pub async fn settings_save(&self, req: AppSettings) -> Result<AppSettings, EngineError> {
        let bedrock = req
            .bedrock
            .validated()
            .map_err(|e| EngineError::invalid(e.message))?;
        let local = req.local.validated()?;
        let endpoints = validated_endpoints(req.endpoints)?;
        let runs = req.runs.validated()?;
        let rater = req.rater.validated()?;
        let now = self.now();
        self.store.setting_put(BEDROCK_KEY, &bedrock, &now).await?;
        self.store.setting_put(LOCAL_KEY, &local, &now).await?;
        self.store
            .setting_put(ENDPOINTS_KEY, &endpoints, &now)
            .await?;
        self.store.setting_put(RUNS_KEY, &runs, &now).await?;
        self.store.setting_put(RATER_KEY, &rater, &now).await?;
        *self.bedrock.lock().await = None;
        *self.catalog.lock().await = None;
        self.endpoints.lock().await.clear();
        Ok(AppSettings {
            bedrock,
            local,
            endpoints,
            runs,
            rater,
        })
    }

    #[instrument(skip_all)]
    pub fn aws_profiles_list(&self) -> Result<AwsProfilesRes, EngineError> {
        let profiles = list_profiles().map_err(|e| EngineError::invalid(e.message))?;
        Ok(AwsProfilesRes { profiles })
    }

    pub fn prices_file(&self) -> PathBuf {
        self.data_dir.join(PRICES_FILE)
    }

    /// The bundled, dated price table with the user's overrides from `prices.json` applied.
    pub fn prices(&self) -> Result<Prices, EngineError> {
        let path = self.prices_file();
        match std::fs::read_to_string(&path) {
            Ok(text) => Prices::with_overrides(&text)
                .map_err(|e| EngineError::invalid(format!("{}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Prices::bundled()),
            Err(e) => Err(EngineError::invalid(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        }
    }

    pub fn prices_info(&self) -> Result<PricesInfo, EngineError> {
        let prices = self.prices()?;
        Ok(PricesInfo {
            as_of: prices.as_of().to_string(),
            source: prices.source().to_string(),
            overrides_file: self.prices_file().display().to_string(),
            overrides_present: self.prices_file().exists(),
        })
    }

    /// The Bedrock models this account can call, with prices; the bundled table when Bedrock
    /// cannot be reached (then `offline` says why).
    #[instrument(skip_all)]
    pub async fn models_catalog(&self, req: ModelsCatalogReq) -> Result<Catalog, EngineError> {
        if !req.refresh {
            if let Some(c) = self.catalog.lock().await.clone() {
                return Ok(c);
            }
        }
        let prices = self.prices()?;
        let catalog = match self.bedrock_provider().await {
            Ok(p) => p.catalog_or_offline(&prices).await,
            Err(e) => {
                let region = self
                    .settings_get()
                    .await?
                    .bedrock
                    .region
                    .unwrap_or_else(|| "us-east-1".into());
                offline_catalog(&prices, &region, Some(e.message))
            }
        };
        *self.catalog.lock().await = Some(catalog.clone());
        Ok(catalog)
    }

    /// The Bedrock provider for the current settings, built once and kept until they change.
    pub(crate) async fn bedrock_provider(&self) -> Result<Arc<BedrockProvider>, EngineError> {
        let mut slot = self.bedrock.lock().await;
        if let Some(p) = slot.as_ref() {
            return Ok(p.clone());
        }
        let settings = self.settings_get().await?.bedrock;
        let provider = BedrockProvider::new(&settings)
            .await
            .map_err(|e| EngineError::new(ErrorCode::Invalid, e.message))?;
        let provider = Arc::new(provider);
        *slot = Some(provider.clone());
        Ok(provider)
    }
}
