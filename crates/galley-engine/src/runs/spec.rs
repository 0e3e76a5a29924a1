//! What a comparison run is: columns (a version of the blueprint on a model) × inputs (sets of
//! variable values) × repeats. The spec is stored with the run, with the content of every version
//! it used, so a run reopens exactly as it ran even after its blueprint changed or went away.

use std::collections::BTreeMap;

use galley_core::{BlueprintContent, ModelSettings};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::EngineError;

/// The provider of a column whose answers are a dataset's bring-your-own responses (Bedrock's
/// `modelResponses`): `dataset:MODEL` answers each case with that model's response, calling
/// nothing, so responses produced elsewhere are scored like any other.
pub const BYO_PROVIDER: &str = "dataset";

/// A model to run on: provider, endpoint (for `openai`) and model id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ModelRef {
    /// `local`, `bedrock`, `openai`, or `dataset` for a dataset's own responses.
    pub provider: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub endpoint: Option<String>,
    pub model_id: String,
}

impl ModelRef {
    /// The model of a version's settings.
    pub fn of(settings: &ModelSettings) -> ModelRef {
        ModelRef {
            provider: settings.provider.clone(),
            endpoint: settings.endpoint.clone(),
            model_id: settings.model_id.clone(),
        }
    }

    /// `local:SmolLM2-135M-Instruct`, `bedrock:amazon.nova-lite-v1:0`, `openai:Ollama/llama3.2`.
    pub fn label(&self) -> String {
        match &self.endpoint {
            Some(e) if self.provider == "openai" => format!("openai:{e}/{}", self.model_id),
            _ => format!("{}:{}", self.provider, self.model_id),
        }
    }

    /// Reads the [`ModelRef::label`] form; the provider prefix is required.
    pub fn parse(text: &str) -> Result<ModelRef, EngineError> {
        let text = text.trim();
        let bad = || {
            EngineError::invalid(format!(
                "`{text}` does not name a model: write `local:MODEL`, `bedrock:MODEL_ID`, \
                 `openai:ENDPOINT/MODEL` or `dataset:MODEL` (a dataset's own responses)"
            ))
        };
        let (provider, rest) = text.split_once(':').ok_or_else(bad)?;
        let rest = rest.trim();
        if rest.is_empty() {
            return Err(bad());
        }
        match provider.trim() {
            "local" | "bedrock" | BYO_PROVIDER => Ok(ModelRef {
                provider: provider.trim().to_string(),
                endpoint: None,
                model_id: rest.to_string(),
            }),
            "openai" => {
                let (endpoint, model) = rest.split_once('/').ok_or_else(bad)?;
                if endpoint.trim().is_empty() || model.trim().is_empty() {
                    return Err(bad());
                }
                Ok(ModelRef {
                    provider: "openai".into(),
                    endpoint: Some(endpoint.trim().to_string()),
                    model_id: model.trim().to_string(),
                })
            }
            _ => Err(bad()),
        }
    }

    /// The version's settings with this model instead of its own (parameters kept).
    pub fn apply(&self, settings: &ModelSettings) -> ModelSettings {
        let mut s = settings.clone();
        s.provider = self.provider.clone();
        s.endpoint = self.endpoint.clone();
        s.model_id = self.model_id.clone();
        if self.provider != "bedrock" {
            // Bedrock-only features do not travel to other providers
            s.guardrail = None;
            s.cache_prompt = false;
        }
        s
    }

    /// The key under which calls share a concurrency limit.
    pub(crate) fn pool_key(&self) -> String {
        match self.provider.as_str() {
            "openai" => format!("openai:{}", self.endpoint.as_deref().unwrap_or("")),
            other => other.to_string(),
        }
    }
}

/// One set of variable values.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunInput {
    /// Shown as the row's title; defaults to the values.
    #[serde(default)]
    pub name: Option<String>,
    pub values: BTreeMap<String, String>,
    /// The reference answer (a dataset case's), for evaluators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reference: Option<String>,
    /// The case's category: scores are also broken down by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub category: Option<String>,
    /// Responses brought with the case, by model identifier (`dataset:MODEL` columns).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[ts(as = "Option<BTreeMap<String, String>>", optional)]
    pub responses: BTreeMap<String, String>,
}

impl RunInput {
    pub fn title(&self, index: usize) -> String {
        match &self.name {
            Some(n) if !n.trim().is_empty() => n.clone(),
            _ if self.values.is_empty() => format!("input {}", index + 1),
            _ => self
                .values
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// One column of the grid: a version on a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunColumn {
    pub version: u32,
    pub model: ModelRef,
    /// The version's settings with the column's model.
    pub settings: ModelSettings,
}

impl RunColumn {
    pub fn label(&self) -> String {
        format!("v{} · {}", self.version, self.model.label())
    }
}

/// Everything a run needs, stored with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunSpec {
    pub blueprint_id: String,
    pub blueprint_name: String,
    pub columns: Vec<RunColumn>,
    pub inputs: Vec<RunInput>,
    pub repeats: u32,
    /// Calls in flight at once per provider (per endpoint for `openai`).
    pub concurrency: u32,
    /// Call the models even when the cache has the answer.
    pub bypass_cache: bool,
    /// The content of each version used, by number.
    pub versions: BTreeMap<u32, BlueprintContent>,
    /// The dataset version the inputs came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub dataset: Option<RunDataset>,
}

/// The dataset version a run's inputs are the cases of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunDataset {
    pub id: String,
    pub name: String,
    pub version: u32,
    pub content_hash: String,
}

impl RunSpec {
    pub fn cells_total(&self) -> u32 {
        let n = self.columns.len() * self.inputs.len() * self.repeats as usize;
        u32::try_from(n).unwrap_or(u32::MAX)
    }
}

/// The position of a cell in the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CellKey {
    pub column: u32,
    pub input: u32,
    pub repeat: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_labels_round_trip() {
        for text in [
            "local:SmolLM2-135M-Instruct",
            "bedrock:anthropic.claude-3-5-haiku-20241022-v1:0",
            "openai:Ollama/llama3.2:3b",
            "local:ollama/llama3.2:latest",
            "dataset:my-model:v2",
        ] {
            let m = ModelRef::parse(text).unwrap();
            assert_eq!(m.label(), text);
        }
        let m = ModelRef::parse("openai:My gateway/gpt-4o").unwrap();
        assert_eq!(m.endpoint.as_deref(), Some("My gateway"));
        assert_eq!(m.model_id, "gpt-4o");
        for bad in [
            "gpt-4o",
            "openai:gpt-4o",
            "vertex:gemini",
            "local:",
            "openai:/m",
        ] {
            let err = ModelRef::parse(bad).unwrap_err();
            assert!(err.message.contains(&format!("`{bad}`")), "{}", err.message);
        }
    }

    #[test]
    fn applying_a_model_keeps_parameters_and_drops_bedrock_only_features() {
        let s = ModelSettings {
            provider: "bedrock".into(),
            cache_prompt: true,
            temperature: Some(0.3),
            ..Default::default()
        };
        let local = ModelRef::parse("local:SmolLM2-135M-Instruct")
            .unwrap()
            .apply(&s);
        assert_eq!(local.provider, "local");
        assert_eq!(local.temperature, Some(0.3));
        assert!(!local.cache_prompt);
        let bedrock = ModelRef::parse("bedrock:amazon.nova-lite-v1:0")
            .unwrap()
            .apply(&s);
        assert!(bedrock.cache_prompt);
    }

    #[test]
    fn input_titles() {
        let named = RunInput {
            name: Some("refund".into()),
            values: BTreeMap::new(),
            ..Default::default()
        };
        assert_eq!(named.title(0), "refund");
        let values = RunInput {
            name: None,
            values: BTreeMap::from([("a".into(), "1".into()), ("b".into(), "x".into())]),
            ..Default::default()
        };
        assert_eq!(values.title(3), "a=1, b=x");
        assert_eq!(RunInput::default().title(3), "input 4");
    }
}
