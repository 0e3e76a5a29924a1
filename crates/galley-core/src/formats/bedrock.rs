//! Bedrock Prompt Management: the `CreatePrompt` request of a blueprint, one CHAT variant with
//! `{{variable}}` placeholders, the model id, its inference configuration and its extra request
//! fields. Bedrock stores no guardrail or evaluator with a prompt: those are noted.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::jinja::{from_plain_braces, to_plain_braces};
use super::prompt_yml::{declared_from_templates, plain_templates};
use super::{read, variable_names, ExportInput, ImportError, Imported, Notes};
use crate::blueprint::{BlueprintContent, MessageTemplate, ModelSettings, Role};

/// The one variant's name.
const VARIANT: &str = "default";
/// Bedrock's limit on stop sequences.
const MAX_STOP: usize = 4;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Request {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    customer_encryption_key_arn: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default_variant: Option<String>,
    #[serde(default)]
    variants: Vec<Variant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_token: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tags: Option<Value>,
    // What GetPrompt answers besides the request's fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    arn: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    created_at: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    updated_at: Option<Value>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Variant {
    name: String,
    template_type: String,
    template_configuration: TemplateConfiguration,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    model_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    inference_configuration: Option<InferenceConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    additional_model_request_fields: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gen_ai_resource: Option<Value>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateConfiguration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<TextTemplate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    chat: Option<ChatTemplate>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TextTemplate {
    text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    input_variables: Option<Vec<InputVariable>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cache_point: Option<Value>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ChatTemplate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    system: Option<Vec<Block>>,
    messages: Vec<ChatMessage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    input_variables: Option<Vec<InputVariable>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tool_configuration: Option<Value>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChatMessage {
    role: String,
    content: Vec<Block>,
}

/// A content block: text, or a prompt-cache checkpoint.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Block {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cache_point: Option<CachePoint>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CachePoint {
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct InputVariable {
    name: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct InferenceConfiguration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<TextInference>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TextInference {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    temperature: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    top_p: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stop_sequences: Option<Vec<String>>,
}

/// A name Bedrock accepts (`^([0-9a-zA-Z][_-]?){1,100}$`): ASCII letters and digits, each
/// other run of characters one `-`, at most 100 letters and digits.
pub(crate) fn prompt_name(s: &str) -> String {
    let mut out = String::new();
    let mut units = 0;
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            if units == 100 {
                break;
            }
            out.push(c);
            units += 1;
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "prompt".to_string()
    } else {
        out.to_string()
    }
}

/// Whether Bedrock accepts `s` as a name.
fn valid_name(s: &str) -> bool {
    let mut units = 0;
    let mut after_sep = true;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            units += 1;
            after_sep = false;
        } else if (c == '_' || c == '-') && !after_sep {
            after_sep = true;
        } else {
            return false;
        }
    }
    (1..=100).contains(&units)
}

fn text(s: String) -> Block {
    Block {
        text: Some(s),
        cache_point: None,
    }
}

pub(super) fn export(input: &ExportInput<'_>, notes: &mut Notes) -> String {
    let c = input.content;
    let m = &c.model;
    plain_templates(c, notes);
    let same = |v: &str| v.to_string();
    let system = (!c.system.is_empty()).then(|| {
        let mut blocks = vec![text(to_plain_braces(&c.system, same))];
        if m.cache_prompt {
            blocks.push(Block {
                text: None,
                cache_point: Some(CachePoint {
                    kind: "default".into(),
                }),
            });
        }
        blocks
    });
    if m.cache_prompt && c.system.is_empty() {
        notes.lost("the prompt-cache checkpoint without a system prompt");
    }
    let messages = c
        .messages
        .iter()
        .map(|msg| ChatMessage {
            role: msg.role.as_str().to_string(),
            content: vec![text(to_plain_braces(&msg.template, same))],
        })
        .collect();
    let mut inputs = Vec::new();
    for name in variable_names(c) {
        if valid_name(&name) {
            inputs.push(InputVariable { name });
        } else {
            notes.add(format!(
                "variable \"{name}\" is not a name Bedrock accepts (letters and digits, one `_` \
                 or `-` between them): left out of inputVariables"
            ));
        }
    }
    let model_id = match m.provider.as_str() {
        "bedrock" => Some(m.model_id.clone()),
        "local" => {
            notes.local_model(c);
            None
        }
        _ => {
            notes.add(format!(
                "the model `{}` runs on an OpenAI-compatible endpoint, not Bedrock: no modelId \
                 is written",
                m.model_id
            ));
            None
        }
    };
    let mut inference = TextInference {
        temperature: m.temperature,
        top_p: m.top_p,
        max_tokens: m.max_tokens,
        stop_sequences: None,
    };
    if let Some(t) = m.temperature.filter(|t| *t > 1.0) {
        notes.add(format!(
            "temperature {t} is above Bedrock's prompt limit of 1: left out"
        ));
        inference.temperature = None;
    }
    if !m.stop_sequences.is_empty() {
        let kept: Vec<String> = m.stop_sequences.iter().take(MAX_STOP).cloned().collect();
        for s in m.stop_sequences.iter().skip(MAX_STOP) {
            notes.add(format!(
                "stop sequence {s:?}: Bedrock takes at most {MAX_STOP}, left out"
            ));
        }
        inference.stop_sequences = Some(kept);
    }
    let has_inference = inference.temperature.is_some()
        || inference.top_p.is_some()
        || inference.max_tokens.is_some()
        || inference.stop_sequences.is_some();
    notes.guardrail(c);
    notes.evaluators(c);
    notes.thresholds(c);
    let request = Request {
        name: prompt_name(input.slug),
        description: Some(input.name.chars().take(200).collect()),
        customer_encryption_key_arn: None,
        default_variant: Some(VARIANT.into()),
        variants: vec![Variant {
            name: VARIANT.into(),
            template_type: "CHAT".into(),
            template_configuration: TemplateConfiguration {
                text: None,
                chat: Some(ChatTemplate {
                    system,
                    messages,
                    input_variables: Some(inputs),
                    tool_configuration: None,
                }),
            },
            model_id,
            inference_configuration: has_inference.then_some(InferenceConfiguration {
                text: Some(inference),
            }),
            metadata: None,
            additional_model_request_fields: m.extra_fields.clone(),
            gen_ai_resource: None,
        }],
        client_token: None,
        tags: None,
        id: None,
        arn: None,
        version: None,
        created_at: None,
        updated_at: None,
    };
    let mut out = serde_json::to_string_pretty(&request).expect("a request serialises");
    out.push('\n');
    out
}

/// The text of content blocks; a cache checkpoint is reported by `cached`.
fn block_text(
    file: &str,
    field: &str,
    blocks: &[Block],
    cached: &mut bool,
) -> Result<String, ImportError> {
    let mut parts = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        match (&b.text, &b.cache_point) {
            (Some(t), None) => parts.push(from_plain_braces(t, |v| v.to_string())),
            (None, Some(_)) => *cached = true,
            _ => {
                return Err(ImportError::field(
                    file,
                    &format!("{field}[{i}]"),
                    "a content block holds either `text` or `cachePoint`",
                ))
            }
        }
    }
    Ok(parts.join("\n"))
}

pub(super) fn import(file: &str, text: &str) -> Result<Imported, ImportError> {
    let req: Request = read::json(file, text)?;
    let mut notes = Vec::new();
    let index = match &req.default_variant {
        Some(d) => req
            .variants
            .iter()
            .position(|v| &v.name == d)
            .ok_or_else(|| {
                ImportError::field(file, "defaultVariant", format!("no variant is named `{d}`"))
            })?,
        None if req.variants.is_empty() => {
            return Err(ImportError::field(
                file,
                "variants",
                "the prompt has no variant",
            ))
        }
        None => 0,
    };
    for (i, v) in req.variants.iter().enumerate() {
        if i != index {
            notes.push(format!("variant `{}` is not imported", v.name));
        }
    }
    let v = &req.variants[index];
    let at = format!("variants[{index}]");
    let mut cached = false;
    let (system, messages) = match (v.template_type.as_str(), &v.template_configuration) {
        (
            "CHAT",
            TemplateConfiguration {
                chat: Some(chat), ..
            },
        ) => {
            let system = match &chat.system {
                Some(blocks) => block_text(
                    file,
                    &format!("{at}.templateConfiguration.chat.system"),
                    blocks,
                    &mut cached,
                )?,
                None => String::new(),
            };
            let mut messages = Vec::new();
            for (i, m) in chat.messages.iter().enumerate() {
                let field = format!("{at}.templateConfiguration.chat.messages[{i}]");
                let role = match m.role.as_str() {
                    "user" => Role::User,
                    "assistant" => Role::Assistant,
                    other => {
                        return Err(ImportError::field(
                            file,
                            &format!("{field}.role"),
                            format!("role `{other}`: use user or assistant"),
                        ))
                    }
                };
                let mut ignored = false;
                let template =
                    block_text(file, &format!("{field}.content"), &m.content, &mut ignored)?;
                if ignored {
                    notes.push(format!("a cachePoint in message {} is not kept", i + 1));
                }
                messages.push(MessageTemplate { role, template });
            }
            if chat.tool_configuration.is_some() {
                notes.push("the tool configuration is not kept".into());
            }
            (system, messages)
        }
        ("TEXT", TemplateConfiguration { text: Some(t), .. }) => {
            notes.push("a TEXT prompt is imported as one user message".into());
            (
                String::new(),
                vec![MessageTemplate {
                    role: Role::User,
                    template: from_plain_braces(&t.text, |v| v.to_string()),
                }],
            )
        }
        (kind, _) => {
            return Err(ImportError::field(
                file,
                &format!("{at}.templateType"),
                format!(
                    "`{kind}` with no matching templateConfiguration: use CHAT with `chat` or \
                     TEXT with `text`"
                ),
            ))
        }
    };
    if messages.is_empty() {
        return Err(ImportError::field(
            file,
            &format!("{at}.templateConfiguration.chat.messages"),
            "the prompt has no message",
        ));
    }
    let model_id = v
        .model_id
        .clone()
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| {
            ImportError::field(
                file,
                &format!("{at}.modelId"),
                "the variant names no model: add its modelId",
            )
        })?;
    if model_id.starts_with("arn:") {
        notes.push(format!(
            "model `{model_id}` is an ARN: check that Galley's Bedrock settings reach it"
        ));
    }
    let inference = v
        .inference_configuration
        .as_ref()
        .and_then(|i| i.text.as_ref());
    for (present, what) in [
        (v.metadata.is_some(), "the variant's metadata"),
        (v.gen_ai_resource.is_some(), "genAiResource"),
        (req.tags.is_some(), "tags"),
        (
            req.customer_encryption_key_arn.is_some(),
            "customerEncryptionKeyArn",
        ),
    ] {
        if present {
            notes.push(format!("{what} is not kept"));
        }
    }
    let mut content = BlueprintContent {
        system,
        messages,
        variables: Vec::new(),
        model: ModelSettings {
            provider: "bedrock".into(),
            endpoint: None,
            model_id,
            max_tokens: inference.and_then(|i| i.max_tokens),
            temperature: inference.and_then(|i| i.temperature),
            top_p: inference.and_then(|i| i.top_p),
            stop_sequences: inference
                .and_then(|i| i.stop_sequences.clone())
                .unwrap_or_default(),
            cache_prompt: cached,
            guardrail: None,
            extra_fields: v.additional_model_request_fields.clone(),
        },
        evaluators: Vec::new(),
        thresholds: Default::default(),
    };
    content.variables = declared_from_templates(&content);
    // Declared inputs no template uses are kept as variables too.
    if let Some(TemplateConfiguration {
        chat: Some(ChatTemplate {
            input_variables: Some(vars),
            ..
        }),
        ..
    }) = Some(&v.template_configuration)
    {
        for var in vars {
            if content.variable(&var.name).is_none() {
                content.variables.push(crate::blueprint::VariableDecl {
                    name: var.name.clone(),
                    var_type: Default::default(),
                    default: None,
                    description: String::new(),
                });
            }
        }
    }
    let name = match req.description.as_deref().map(str::trim) {
        Some(d) if !d.is_empty() && prompt_name(d) == req.name => d.to_string(),
        _ => req.name.clone(),
    };
    Ok(Imported {
        name,
        content,
        notes,
        endpoint_url: None,
    })
}

#[cfg(test)]
#[path = "bedrock_tests.rs"]
mod tests;
