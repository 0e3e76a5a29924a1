//! The model picker's list: Bedrock's foundation models and inference profiles merged into what
//! can actually be called, with prices; or, offline, the price table's models.

use std::collections::BTreeMap;

use aws_sdk_bedrock::error::ProvideErrorMetadata;
use aws_sdk_bedrock::types::{
    FoundationModelLifecycleStatus, FoundationModelSummary, InferenceProfileStatus,
    InferenceProfileSummary, ModelModality,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::bedrock::errors::{CallContext, Failure};
use crate::error::{ProviderError, ProviderErrorCode};
use crate::model_id::{
    base_model_id, geo_prefix, profile_id_for_region, profile_prefix_for_region,
};
use crate::prices::{Price, Prices};

/// One model the user can pick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CatalogModel {
    /// What to send as `modelId` (an inference-profile id for profile-only models).
    pub id: String,
    /// The foundation model behind it.
    pub base_model_id: String,
    pub name: String,
    pub provider_name: String,
    pub context_window: Option<u32>,
    /// `id` is an inference profile.
    pub via_profile: bool,
    pub price: Option<Price>,
    /// ConverseStream is supported.
    pub streaming: bool,
}

/// The model list and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Catalog {
    pub models: Vec<CatalogModel>,
    /// Built from the bundled price table because Bedrock's control plane could not be asked.
    pub offline: bool,
    /// Why the catalog is offline.
    pub offline_reason: Option<String>,
    /// The date of the price table.
    pub prices_as_of: String,
}

/// A foundation model, as far as the picker cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FoundationModel {
    pub id: String,
    pub name: String,
    pub provider_name: String,
    pub text_output: bool,
    pub legacy: bool,
    pub on_demand: bool,
    pub streaming: bool,
}

/// A system-defined or application inference profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InferenceProfile {
    pub id: String,
    /// The base model ids it routes to.
    pub model_ids: Vec<String>,
    pub active: bool,
}

impl FoundationModel {
    pub(crate) fn from_summary(s: &FoundationModelSummary) -> FoundationModel {
        FoundationModel {
            id: s.model_id().to_string(),
            name: s.model_name().unwrap_or(s.model_id()).to_string(),
            provider_name: s.provider_name().unwrap_or_default().to_string(),
            text_output: s.output_modalities().contains(&ModelModality::Text),
            legacy: s
                .model_lifecycle()
                .is_some_and(|l| l.status() == &FoundationModelLifecycleStatus::Legacy),
            // The SDK knows ON_DEMAND and PROVISIONED; INFERENCE_PROFILE arrives as Unknown.
            on_demand: s
                .inference_types_supported()
                .iter()
                .any(|t| t.as_str() == "ON_DEMAND"),
            streaming: s.response_streaming_supported().unwrap_or(false),
        }
    }
}

impl InferenceProfile {
    pub(crate) fn from_summary(s: &InferenceProfileSummary) -> InferenceProfile {
        InferenceProfile {
            id: s.inference_profile_id().to_string(),
            model_ids: s
                .models()
                .iter()
                .filter_map(|m| m.model_arn())
                .map(|arn| base_model_id(arn).to_string())
                .collect(),
            active: s.status() == &InferenceProfileStatus::Active,
        }
    }
}

/// The inference profile to offer a profile-only model under: the region's geography first,
/// then `global.`, then any listed profile. Without a profile list, the region's id is assumed.
fn profile_for(
    model_id: &str,
    profiles: Option<&[InferenceProfile]>,
    region: &str,
) -> Option<String> {
    let Some(profiles) = profiles else {
        return Some(profile_id_for_region(model_id, region));
    };
    let mut candidates: Vec<&str> = profiles
        .iter()
        .filter(|p| p.active)
        .filter(|p| p.model_ids.iter().any(|m| m == model_id) || base_model_id(&p.id) == model_id)
        .map(|p| p.id.as_str())
        .collect();
    candidates.sort_unstable();
    let preferred = [
        profile_id_for_region(model_id, region),
        format!("global.{model_id}"),
    ];
    preferred
        .iter()
        .find(|want| candidates.contains(&want.as_str()))
        .cloned()
        .or_else(|| candidates.first().map(|s| s.to_string()))
}

fn sort(models: &mut [CatalogModel]) {
    models.sort_by(|a, b| {
        (&a.provider_name, &a.name, &a.id).cmp(&(&b.provider_name, &b.name, &b.id))
    });
}

/// Merges the two listings: LEGACY and non-text models are hidden; models without on-demand
/// throughput are offered under an inference profile; prices and context windows are joined from
/// the price table.
pub(crate) fn merge(
    models: &[FoundationModel],
    profiles: Option<&[InferenceProfile]>,
    region: &str,
    prices: &Prices,
) -> Vec<CatalogModel> {
    let mut out: BTreeMap<String, CatalogModel> = BTreeMap::new();
    for m in models {
        if m.legacy || !m.text_output {
            continue;
        }
        let (id, via_profile) = if m.on_demand {
            (m.id.clone(), false)
        } else {
            match profile_for(&m.id, profiles, region) {
                Some(profile) => (profile, true),
                None => continue,
            }
        };
        let entry = prices.entry(&id);
        out.entry(id.clone()).or_insert(CatalogModel {
            base_model_id: m.id.clone(),
            name: m.name.clone(),
            provider_name: m.provider_name.clone(),
            context_window: entry.and_then(|e| e.context_window),
            via_profile,
            price: entry.map(|e| e.price()),
            streaming: m.streaming,
            id,
        });
    }
    let mut models: Vec<CatalogModel> = out.into_values().collect();
    sort(&mut models);
    models
}

/// The price table's models, for when Bedrock's control plane cannot be asked. Profile-only
/// models are offered under the region's inference profile.
pub fn offline_catalog(prices: &Prices, region: &str, reason: Option<String>) -> Catalog {
    let prefix = profile_prefix_for_region(region);
    let mut out: BTreeMap<String, CatalogModel> = BTreeMap::new();
    for (id, entry) in prices.entries() {
        let (id, via_profile) = match geo_prefix(id) {
            Some(p) if p == prefix => (id.to_string(), true),
            Some(_) => continue,
            None if entry.profile_only => (profile_id_for_region(id, region), true),
            None => (id.to_string(), false),
        };
        let base = base_model_id(&id).to_string();
        let base_entry = prices.entry(&base);
        let own = prices.entry(&id);
        let name = base_entry
            .or(own)
            .and_then(|e| e.name.clone())
            .unwrap_or_else(|| base.clone());
        out.entry(id.clone()).or_insert(CatalogModel {
            base_model_id: base,
            name,
            provider_name: own.and_then(|e| e.provider.clone()).unwrap_or_default(),
            context_window: own.and_then(|e| e.context_window),
            via_profile,
            price: own.map(|e| e.price()),
            streaming: true,
            id,
        });
    }
    let mut models: Vec<CatalogModel> = out.into_values().collect();
    sort(&mut models);
    Catalog {
        models,
        offline: true,
        offline_reason: reason,
        prices_as_of: prices.as_of().to_string(),
    }
}

fn catalog_error<E, R>(
    err: &aws_sdk_bedrock::error::SdkError<E, R>,
    operation: &str,
    ctx: &CallContext,
) -> ProviderError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let failure = Failure::from_sdk(err, |e| (e.code().unwrap_or_default().to_string(), None));
    match &failure {
        Failure::Service { code, .. } if code == "AccessDeniedException" => ProviderError::new(
            ProviderErrorCode::AccessDenied,
            format!(
                "no permission to list Bedrock models in {}: ask for the bedrock:{operation} permission",
                ctx.region
            ),
        ),
        _ => failure.into_provider_error(ctx),
    }
}

/// At most this many pages of inference profiles (a guard against a server that never ends).
const MAX_PAGES: usize = 50;

async fn list_profiles(
    client: &aws_sdk_bedrock::Client,
    ctx: &CallContext,
) -> Result<Vec<InferenceProfile>, ProviderError> {
    let mut profiles = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = client
            .list_inference_profiles()
            .max_results(100)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| catalog_error(&e, "ListInferenceProfiles", ctx))?;
        profiles.extend(
            page.inference_profile_summaries()
                .iter()
                .map(InferenceProfile::from_summary),
        );
        match page.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_string()),
            _ => break,
        }
    }
    Ok(profiles)
}

/// Asks Bedrock's control plane for the catalog.
pub(crate) async fn fetch(
    client: &aws_sdk_bedrock::Client,
    region: &str,
    prices: &Prices,
    ctx: &CallContext,
) -> Result<Catalog, ProviderError> {
    let listed = client
        .list_foundation_models()
        .send()
        .await
        .map_err(|e| catalog_error(&e, "ListFoundationModels", ctx))?;
    let models: Vec<FoundationModel> = listed
        .model_summaries()
        .iter()
        .map(FoundationModel::from_summary)
        .collect();
    let profiles = match list_profiles(client, ctx).await {
        Ok(p) => Some(p),
        Err(err) => {
            tracing::info!(
                "inference profiles unavailable ({}); assuming the region's profile ids",
                err.message
            );
            None
        }
    };
    Ok(Catalog {
        models: merge(&models, profiles.as_deref(), region, prices),
        offline: false,
        offline_reason: None,
        prices_as_of: prices.as_of().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SONNET_45: &str = "anthropic.claude-sonnet-4-5-20250929-v1:0";
    const HAIKU_35: &str = "anthropic.claude-3-5-haiku-20241022-v1:0";

    fn model(id: &str, on_demand: bool) -> FoundationModel {
        FoundationModel {
            id: id.into(),
            name: id.split('.').nth(1).unwrap_or(id).into(),
            provider_name: "Anthropic".into(),
            text_output: true,
            legacy: false,
            on_demand,
            streaming: true,
        }
    }

    fn profile(id: &str, models: &[&str]) -> InferenceProfile {
        InferenceProfile {
            id: id.into(),
            model_ids: models.iter().map(|s| s.to_string()).collect(),
            active: true,
        }
    }

    #[test]
    fn merge_offers_profile_only_models_under_their_profile() {
        let legacy = FoundationModel {
            legacy: true,
            ..model("anthropic.claude-v2:1", true)
        };
        let image = FoundationModel {
            text_output: false,
            ..model("amazon.titan-image-generator-v2:0", true)
        };
        let models = [
            model(HAIKU_35, true),
            model(SONNET_45, false),
            legacy,
            image,
        ];
        let profiles = [
            profile(&format!("eu.{SONNET_45}"), &[SONNET_45]),
            profile(&format!("global.{SONNET_45}"), &[SONNET_45]),
            profile(&format!("us.{SONNET_45}"), &[SONNET_45]),
        ];
        let prices = Prices::bundled();
        let merged = merge(&models, Some(&profiles), "us-east-1", &prices);
        let ids: Vec<&str> = merged.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, [HAIKU_35, &format!("us.{SONNET_45}")]);

        let sonnet = &merged[1];
        assert!(sonnet.via_profile);
        assert_eq!(sonnet.base_model_id, SONNET_45);
        assert_eq!(sonnet.context_window, Some(200_000));
        let price = sonnet.price.unwrap();
        assert_eq!((price.input, price.output), (3.3, 16.5));

        let haiku = &merged[0];
        assert!(!haiku.via_profile);
        assert_eq!(haiku.price.unwrap().input, 0.8);
        assert_eq!(haiku.price.unwrap().cache_read, Some(0.08));

        // in Europe the eu. profile; where only global. exists, global.
        let eu = merge(&models, Some(&profiles), "eu-west-1", &prices);
        assert_eq!(eu[1].id, format!("eu.{SONNET_45}"));
        let global_only = [profile(&format!("global.{SONNET_45}"), &[SONNET_45])];
        let g = merge(&models, Some(&global_only), "us-west-2", &prices);
        assert_eq!(g[1].id, format!("global.{SONNET_45}"));
        assert_eq!(g[1].price.unwrap().input, 3.0);
        // listed profiles that do not contain the model: the model cannot be called
        let none = merge(&models, Some(&[]), "us-east-1", &prices);
        assert_eq!(none.len(), 1);
        // profiles unknown: assume the region's id
        let unknown = merge(&models, None, "us-east-1", &prices);
        assert_eq!(unknown[1].id, format!("us.{SONNET_45}"));
    }

    #[test]
    fn offline_catalog_comes_from_the_price_table() {
        let prices = Prices::bundled();
        let catalog = offline_catalog(&prices, "us-east-1", Some("no network".into()));
        assert!(catalog.offline);
        assert_eq!(catalog.offline_reason.as_deref(), Some("no network"));
        assert_eq!(catalog.prices_as_of, "2026-11-27");
        let by_id = |id: &str| catalog.models.iter().find(|m| m.id == id);
        let haiku = by_id(HAIKU_35).expect("3.5 Haiku on demand");
        assert!(!haiku.via_profile);
        assert_eq!(haiku.name, "Claude 3.5 Haiku");
        assert!(by_id(SONNET_45).is_none(), "profile-only base id offered");
        let sonnet = by_id(&format!("us.{SONNET_45}")).expect("us. Sonnet 4.5");
        assert!(sonnet.via_profile);
        assert_eq!(sonnet.name, "Claude Sonnet 4.5");
        assert_eq!(sonnet.price.unwrap().input, 3.3);
        let sonnet_37 = by_id("us.anthropic.claude-3-7-sonnet-20250219-v1:0").expect("3.7");
        assert_eq!(sonnet_37.price.unwrap().input, 3.0);
        assert_eq!(catalog.models.len(), 19);
        // elsewhere, the region's prefix
        let eu = offline_catalog(&prices, "eu-central-1", None);
        assert!(eu.models.iter().any(|m| m.id == format!("eu.{SONNET_45}")));
        assert!(!eu.models.iter().any(|m| m.id.starts_with("us.")));
    }
}
