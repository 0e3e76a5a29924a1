//! The built-in model catalog: foundation models, their system inference profiles, and how a
//! model id in a request resolves against them.

use serde_json::{json, Value};

/// The account id used in simulated inference-profile ARNs.
pub(crate) const ACCOUNT_ID: &str = "123456789012";

/// One foundation model of the catalog.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Model {
    pub id: &'static str,
    pub name: &'static str,
    pub provider: &'static str,
    pub input_modalities: &'static [&'static str],
    /// Invocable only through an inference profile (no on-demand throughput).
    pub profile_only: bool,
    pub legacy: bool,
    /// Geography prefixes of its system inference profiles (`us`, `global`, …).
    pub profiles: &'static [&'static str],
}

const TEXT: &[&str] = &["TEXT"];
const TEXT_IMAGE: &[&str] = &["TEXT", "IMAGE"];
const TEXT_IMAGE_VIDEO: &[&str] = &["TEXT", "IMAGE", "VIDEO"];

/// The catalog, in the order the control plane lists it.
pub(crate) const MODELS: &[Model] = &[
    Model {
        id: "anthropic.claude-3-5-haiku-20241022-v1:0",
        name: "Claude 3.5 Haiku",
        provider: "Anthropic",
        input_modalities: TEXT,
        profile_only: false,
        legacy: false,
        profiles: &["us"],
    },
    Model {
        id: "anthropic.claude-3-5-sonnet-20240620-v1:0",
        name: "Claude 3.5 Sonnet",
        provider: "Anthropic",
        input_modalities: TEXT_IMAGE,
        profile_only: false,
        legacy: true,
        profiles: &[],
    },
    Model {
        id: "anthropic.claude-3-7-sonnet-20250219-v1:0",
        name: "Claude 3.7 Sonnet",
        provider: "Anthropic",
        input_modalities: TEXT_IMAGE,
        profile_only: false,
        legacy: false,
        profiles: &["us"],
    },
    Model {
        id: "anthropic.claude-sonnet-4-5-20250929-v1:0",
        name: "Claude Sonnet 4.5",
        provider: "Anthropic",
        input_modalities: TEXT_IMAGE,
        profile_only: true,
        legacy: false,
        profiles: &["us", "global"],
    },
    Model {
        id: "anthropic.claude-haiku-4-5-20251001-v1:0",
        name: "Claude Haiku 4.5",
        provider: "Anthropic",
        input_modalities: TEXT_IMAGE,
        profile_only: true,
        legacy: false,
        profiles: &["us", "global"],
    },
    Model {
        id: "amazon.nova-micro-v1:0",
        name: "Nova Micro",
        provider: "Amazon",
        input_modalities: TEXT,
        profile_only: false,
        legacy: false,
        profiles: &["us"],
    },
    Model {
        id: "amazon.nova-lite-v1:0",
        name: "Nova Lite",
        provider: "Amazon",
        input_modalities: TEXT_IMAGE_VIDEO,
        profile_only: false,
        legacy: false,
        profiles: &["us"],
    },
    Model {
        id: "amazon.nova-pro-v1:0",
        name: "Nova Pro",
        provider: "Amazon",
        input_modalities: TEXT_IMAGE_VIDEO,
        profile_only: false,
        legacy: false,
        profiles: &["us"],
    },
    Model {
        id: "meta.llama3-3-70b-instruct-v1:0",
        name: "Llama 3.3 70B Instruct",
        provider: "Meta",
        input_modalities: TEXT,
        profile_only: false,
        legacy: false,
        profiles: &["us"],
    },
    Model {
        id: "mistral.mistral-large-2407-v1:0",
        name: "Mistral Large (24.07)",
        provider: "Mistral AI",
        input_modalities: TEXT,
        profile_only: false,
        legacy: false,
        profiles: &[],
    },
];

/// One system-defined inference profile: a geography prefix over a model.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Profile {
    pub geo: &'static str,
    pub model: &'static Model,
}

impl Profile {
    pub fn id(&self) -> String {
        format!("{}.{}", self.geo, self.model.id)
    }

    fn label(&self) -> &'static str {
        match self.geo {
            "us" => "US",
            "eu" => "EU",
            "apac" => "APAC",
            "global" => "Global",
            other => other,
        }
    }

    fn regions(&self) -> &'static [&'static str] {
        match self.geo {
            "us" => &["us-east-1", "us-east-2", "us-west-2"],
            "eu" => &["eu-central-1", "eu-west-1", "eu-west-3"],
            _ => &[
                "us-east-1",
                "us-east-2",
                "us-west-2",
                "eu-west-1",
                "ap-northeast-1",
            ],
        }
    }

    /// The JSON of this profile as ListInferenceProfiles and GetInferenceProfile return it.
    pub fn summary_json(&self, region: &str) -> Value {
        let models: Vec<Value> = self
            .regions()
            .iter()
            .map(|r| json!({ "modelArn": model_arn(r, self.model.id) }))
            .collect();
        json!({
            "inferenceProfileId": self.id(),
            "inferenceProfileArn": format!("arn:aws:bedrock:{region}:{ACCOUNT_ID}:inference-profile/{}", self.id()),
            "inferenceProfileName": format!("{} {} {}", self.label(), self.model.provider, self.model.name),
            "description": format!(
                "Routes requests to {} {} in {}.",
                self.model.provider,
                self.model.name,
                self.regions().join(", ")
            ),
            "createdAt": "2024-08-27T00:00:00Z",
            "updatedAt": "2025-10-01T00:00:00Z",
            "models": models,
            "status": "ACTIVE",
            "type": "SYSTEM_DEFINED",
        })
    }
}

/// Every system inference profile, model by model in catalog order.
pub(crate) fn profiles() -> Vec<Profile> {
    MODELS
        .iter()
        .flat_map(|model| model.profiles.iter().map(move |geo| Profile { geo, model }))
        .collect()
}

pub(crate) fn model_arn(region: &str, model_id: &str) -> String {
    format!("arn:aws:bedrock:{region}::foundation-model/{model_id}")
}

impl Model {
    /// The JSON of this model as ListFoundationModels and GetFoundationModel return it.
    pub fn summary_json(&self, region: &str) -> Value {
        json!({
            "modelArn": model_arn(region, self.id),
            "modelId": self.id,
            "modelName": self.name,
            "providerName": self.provider,
            "inputModalities": self.input_modalities,
            "outputModalities": ["TEXT"],
            "responseStreamingSupported": true,
            "customizationsSupported": [],
            "inferenceTypesSupported": self.inference_types(),
            "modelLifecycle": { "status": if self.legacy { "LEGACY" } else { "ACTIVE" } },
        })
    }

    pub fn inference_types(&self) -> &'static [&'static str] {
        if self.profile_only {
            &["INFERENCE_PROFILE"]
        } else {
            &["ON_DEMAND"]
        }
    }
}

/// A foundation model by its base id.
pub(crate) fn model(id: &str) -> Option<&'static Model> {
    MODELS.iter().find(|m| m.id == id)
}

/// A system inference profile by its id (`us.anthropic…`).
pub(crate) fn profile(id: &str) -> Option<Profile> {
    let (geo, base) = id.split_once('.')?;
    let model = model(base)?;
    model
        .profiles
        .iter()
        .find(|g| **g == geo)
        .map(|geo| Profile { geo, model })
}

/// What a model id in a runtime request turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// Invocable: a catalog model with on-demand throughput, or one of the system profiles.
    Invocable,
    /// A catalog model that only answers through an inference profile.
    ProfileOnly,
    /// The special id that is refused for lack of model access.
    AccessDenied,
    /// Nothing the catalog knows.
    Unknown,
}

/// The special model id that answers 403 AccessDeniedException.
pub(crate) const ACCESS_DENIED_MODEL: &str = "sim.access-denied";

/// Resolves a decoded model id: a base id, a profile id, or a foundation-model or
/// inference-profile ARN of either.
pub(crate) fn resolve(model_id: &str) -> Resolved {
    if model_id == ACCESS_DENIED_MODEL {
        return Resolved::AccessDenied;
    }
    let bare = arn_resource(model_id).unwrap_or(model_id);
    if profile(bare).is_some() {
        return Resolved::Invocable;
    }
    match model(bare) {
        Some(m) if m.profile_only => Resolved::ProfileOnly,
        Some(_) => Resolved::Invocable,
        None => Resolved::Unknown,
    }
}

/// The id inside `arn:aws:bedrock:…:foundation-model/ID` or `…:inference-profile/ID`.
fn arn_resource(model_id: &str) -> Option<&str> {
    let rest = model_id.strip_prefix("arn:")?;
    ["foundation-model/", "inference-profile/"]
        .iter()
        .find_map(|kind| rest.split_once(kind).map(|(_, id)| id))
}

/// Every id a client may invoke, for `/v1/models`: on-demand base ids, then profiles.
pub(crate) fn invocable_ids() -> Vec<(String, &'static str)> {
    let mut ids: Vec<(String, &'static str)> = MODELS
        .iter()
        .filter(|m| !m.profile_only && !m.legacy)
        .map(|m| (m.id.to_string(), m.provider))
        .collect();
    ids.extend(profiles().iter().map(|p| (p.id(), p.model.provider)));
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_base_ids_profiles_and_arns() {
        assert_eq!(resolve("amazon.nova-lite-v1:0"), Resolved::Invocable);
        assert_eq!(resolve("us.amazon.nova-lite-v1:0"), Resolved::Invocable);
        assert_eq!(
            resolve("anthropic.claude-sonnet-4-5-20250929-v1:0"),
            Resolved::ProfileOnly
        );
        assert_eq!(
            resolve("global.anthropic.claude-sonnet-4-5-20250929-v1:0"),
            Resolved::Invocable
        );
        assert_eq!(
            resolve("arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"),
            Resolved::Invocable
        );
        assert_eq!(
            resolve("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0"),
            Resolved::Invocable
        );
        assert_eq!(resolve("eu.amazon.nova-lite-v1:0"), Resolved::Unknown);
        assert_eq!(resolve("acme.nothing-v1:0"), Resolved::Unknown);
        assert_eq!(resolve("sim.access-denied"), Resolved::AccessDenied);
    }

    #[test]
    fn profile_only_models_have_us_and_global_profiles() {
        let ids: Vec<String> = profiles().iter().map(Profile::id).collect();
        assert!(ids.contains(&"us.anthropic.claude-sonnet-4-5-20250929-v1:0".to_string()));
        assert!(ids.contains(&"global.anthropic.claude-haiku-4-5-20251001-v1:0".to_string()));
        assert_eq!(MODELS.len(), 10);
    }
}
