//! The versioned content of a blueprint: templates, variables and model settings.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::eval::{Evaluator, Thresholds};

/// Who speaks a chat message. The system prompt is a separate field of the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

/// One ordered chat message of a blueprint: a role and its Jinja template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MessageTemplate {
    pub role: Role,
    pub template: String,
}

/// The type a variable's values are converted to before rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum VarType {
    #[default]
    String,
    Number,
    Boolean,
    Json,
}

/// What the author says about one template variable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VariableDecl {
    pub name: String,
    #[serde(rename = "type", default)]
    #[ts(rename = "type")]
    pub var_type: VarType,
    /// The default value, as the user typed it; converted with `var_type` when used.
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub description: String,
}

/// Model configuration stored with a version: where it runs and with which parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ModelSettings {
    /// `bedrock`, `openai` or `local`.
    pub provider: String,
    /// For `openai`: the name of the endpoint in Settings (a reference; its URL and key variable
    /// stay in each user's settings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub endpoint: Option<String>,
    pub model_id: String,
    #[serde(default)]
    pub max_tokens: Option<u32>,
    #[serde(default)]
    pub temperature: Option<f64>,
    #[serde(default)]
    pub top_p: Option<f64>,
    #[serde(default)]
    pub stop_sequences: Vec<String>,
    /// Put a prompt-cache checkpoint after the system prompt (Bedrock `cachePoint`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(as = "Option<bool>", optional)]
    pub cache_prompt: bool,
    /// A Bedrock guardrail applied to the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub guardrail: Option<GuardrailConfig>,
    /// Model-specific request fields (Bedrock `additionalModelRequestFields`), e.g.
    /// `{"top_k": 50}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "unknown")]
    pub extra_fields: Option<serde_json::Value>,
}

/// A Bedrock guardrail by identifier and version (`DRAFT` or a number).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailConfig {
    pub identifier: String,
    pub version: String,
    /// Keep the guardrail's assessment with the answer.
    #[serde(default = "yes")]
    pub trace: bool,
}

fn yes() -> bool {
    true
}

impl Default for ModelSettings {
    fn default() -> Self {
        ModelSettings {
            provider: "local".into(),
            endpoint: None,
            model_id: "SmolLM2-135M-Instruct".into(),
            max_tokens: Some(512),
            temperature: Some(0.7),
            top_p: Some(0.9),
            stop_sequences: Vec::new(),
            cache_prompt: false,
            guardrail: None,
            extra_fields: None,
        }
    }
}

pub const PROVIDERS: [&str; 3] = ["bedrock", "openai", "local"];

/// Everything a version freezes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BlueprintContent {
    pub system: String,
    pub messages: Vec<MessageTemplate>,
    #[serde(default)]
    pub variables: Vec<VariableDecl>,
    #[serde(default)]
    pub model: ModelSettings,
    /// How each cell of a run of this version is scored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<Evaluator>>", optional)]
    pub evaluators: Vec<Evaluator>,
    /// The quality gate over a whole run.
    #[serde(default, skip_serializing_if = "Thresholds::is_empty")]
    #[ts(as = "Option<Thresholds>", optional)]
    pub thresholds: Thresholds,
}

impl Default for BlueprintContent {
    fn default() -> Self {
        BlueprintContent {
            system: String::new(),
            messages: vec![MessageTemplate {
                role: Role::User,
                template: String::new(),
            }],
            variables: Vec::new(),
            model: ModelSettings::default(),
            evaluators: Vec::new(),
            thresholds: Thresholds::default(),
        }
    }
}

impl BlueprintContent {
    /// A content of one system template and one user message, with default settings.
    pub fn chat(system: &str, user: &str) -> Self {
        BlueprintContent {
            system: system.to_string(),
            messages: vec![MessageTemplate {
                role: Role::User,
                template: user.to_string(),
            }],
            ..Default::default()
        }
    }

    /// A stable fingerprint of the content: SHA-256 of its canonical JSON, hex encoded.
    /// Two contents with the same hash are the same version.
    pub fn content_hash(&self) -> String {
        let json = serde_json::to_vec(self).expect("content always serialises");
        hex::encode(Sha256::digest(json))
    }

    /// Every template of the content with a human name for its place: `system`,
    /// `message 1 (user)`, ...
    pub fn templates(&self) -> Vec<(String, &str)> {
        let mut out = vec![("system".to_string(), self.system.as_str())];
        for (i, m) in self.messages.iter().enumerate() {
            out.push((message_place(i, m.role), m.template.as_str()));
        }
        out
    }

    pub fn variable(&self, name: &str) -> Option<&VariableDecl> {
        self.variables.iter().find(|v| v.name == name)
    }
}

/// The name of the `index`th message's place, as shown to users.
pub fn message_place(index: usize, role: Role) -> String {
    format!("message {} ({})", index + 1, role.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_changes_with_content_and_is_stable() {
        let a = BlueprintContent::default();
        let mut b = a.clone();
        assert_eq!(a.content_hash(), b.content_hash());
        assert_eq!(a.content_hash().len(), 64);
        b.system = "You are terse.".into();
        assert_ne!(a.content_hash(), b.content_hash());
    }

    #[test]
    fn content_json_is_camel_case() {
        let json = serde_json::to_value(BlueprintContent::default()).unwrap();
        assert_eq!(json["model"]["modelId"], "SmolLM2-135M-Instruct");
        assert_eq!(json["model"]["maxTokens"], 512);
        assert_eq!(json["messages"][0]["role"], "user");
    }

    #[test]
    fn optional_model_fields_keep_old_hashes() {
        // Contents saved before these fields existed hash the same after.
        let json = serde_json::to_value(BlueprintContent::default()).unwrap();
        let model = json["model"].as_object().unwrap();
        assert!(!model.contains_key("cachePrompt"));
        assert!(!model.contains_key("guardrail"));
        assert!(!model.contains_key("extraFields"));
        assert!(!model.contains_key("endpoint"));
        let old = r#"{"system":"","messages":[],"variables":[],"model":{"provider":"local","modelId":"m","maxTokens":null,"temperature":null,"topP":null,"stopSequences":[]}}"#;
        let c: BlueprintContent = serde_json::from_str(old).unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), old);
        assert_eq!(c.content_hash(), hex::encode(Sha256::digest(old)));
        // Nor do evaluators and thresholds, when a content has none.
        assert!(c.evaluators.is_empty());
        assert!(c.thresholds.is_empty());
        let top = json.as_object().unwrap();
        assert!(!top.contains_key("evaluators"));
        assert!(!top.contains_key("thresholds"));
        let hash = c.content_hash();
        let mut scored = c.clone();
        scored.evaluators.push(Evaluator {
            name: "json".into(),
            weight: 1.0,
            check: crate::eval::Check::IsJson,
        });
        assert_ne!(scored.content_hash(), hash);
        scored.evaluators.clear();
        assert_eq!(scored.content_hash(), hash);
        scored.thresholds.min_pass_rate = Some(0.9);
        assert_ne!(scored.content_hash(), hash);
    }

    #[test]
    fn evaluators_and_thresholds_round_trip() {
        let json = r#"{"system":"","messages":[],"variables":[],"model":{"provider":"local","modelId":"m","maxTokens":null,"temperature":null,"topP":null,"stopSequences":[]},"evaluators":[{"name":"mentions city","weight":1.0,"type":"icontains","value":"{{ reference }}"},{"name":"correct","weight":2.0,"type":"judge","metric":"correctness","model":"local:SmolLM2-135M-Instruct","passScore":0.5}],"thresholds":{"minPassRate":0.8,"minMean":{"correct":0.6}}}"#;
        let c: BlueprintContent = serde_json::from_str(json).unwrap();
        assert_eq!(c.evaluators.len(), 2);
        assert_eq!(c.evaluators[1].weight, 2.0);
        assert_eq!(c.thresholds.min_mean["correct"], 0.6);
        assert_eq!(serde_json::to_string(&c).unwrap(), json);
        assert!(crate::eval::validate(&c.evaluators).is_empty());
        assert!(c.thresholds.validate(&c.evaluators).is_empty());
        let ts = BlueprintContent::export_to_string().unwrap();
        assert!(ts.contains("evaluators?: Array<Evaluator>"), "{ts}");
        assert!(ts.contains("thresholds?: Thresholds"), "{ts}");
    }

    #[test]
    fn places_are_named_for_people() {
        let c = BlueprintContent::default();
        let names: Vec<_> = c.templates().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, vec!["system", "message 1 (user)"]);
    }
}
