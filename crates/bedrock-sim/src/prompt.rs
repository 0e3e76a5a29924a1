//! What the simulator reads from a Converse request body: texts, token counts, cache points,
//! guardrail settings and the inference limits.

use serde_json::{json, Value};

/// A guardrail attached to a request (`guardrailConfig`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GuardrailRef {
    pub identifier: String,
    /// Whether the response carries `trace.guardrail`: unless `trace` is `"disabled"`.
    pub trace: bool,
}

/// The parts of a Converse request that decide the answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Prompt {
    /// Whitespace tokens of the system blocks and every message.
    pub input_tokens: u32,
    /// Text of the last user message, its text blocks joined by newlines.
    pub last_user_text: String,
    /// All user text, for guardrail checks.
    pub user_texts: Vec<String>,
    /// The prefix up to the last `cachePoint`: a stable key and its token count.
    pub cache_prefix: Option<(String, u32)>,
    pub guardrail: Option<GuardrailRef>,
    pub max_tokens: Option<u32>,
    pub stop_sequences: Vec<String>,
}

/// Whitespace tokens of a text: the simulator's whole notion of a token.
pub(crate) fn count_tokens(text: &str) -> u32 {
    u32::try_from(text.split_whitespace().count()).unwrap_or(u32::MAX)
}

/// The texts a content block contributes to the prompt.
fn block_texts(block: &Value) -> Vec<&str> {
    let mut out = Vec::new();
    if let Some(t) = block.get("text").and_then(Value::as_str) {
        out.push(t);
    }
    if let Some(t) = block
        .pointer("/guardContent/text/text")
        .and_then(Value::as_str)
    {
        out.push(t);
    }
    if let Some(items) = block
        .pointer("/toolResult/content")
        .and_then(Value::as_array)
    {
        out.extend(
            items
                .iter()
                .filter_map(|i| i.get("text").and_then(Value::as_str)),
        );
    }
    out
}

fn blocks(value: Option<&Value>) -> &[Value] {
    value
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

impl Prompt {
    /// Reads a Converse (or ConverseStream, or CountTokens `input.converse`) body.
    pub fn from_converse(body: &Value) -> Prompt {
        let mut prompt = Prompt::default();
        let mut tokens = 0u32;
        let mut seen: Vec<Value> = Vec::new();

        for block in blocks(body.get("system")) {
            if block.get("cachePoint").is_some() {
                prompt.cache_prefix = Some((prefix_key(&seen), tokens));
            } else {
                tokens += block_texts(block)
                    .iter()
                    .map(|t| count_tokens(t))
                    .sum::<u32>();
            }
            seen.push(json!({ "system": block }));
        }

        for message in blocks(body.get("messages")) {
            let role = message.get("role").and_then(Value::as_str).unwrap_or("");
            let mut texts = Vec::new();
            for block in blocks(message.get("content")) {
                if block.get("cachePoint").is_some() {
                    prompt.cache_prefix = Some((prefix_key(&seen), tokens));
                } else {
                    let bt = block_texts(block);
                    tokens += bt.iter().map(|t| count_tokens(t)).sum::<u32>();
                    texts.extend(bt);
                }
                seen.push(json!({ "role": role, "block": block }));
            }
            if role == "user" {
                prompt.last_user_text = texts.join("\n");
                prompt
                    .user_texts
                    .extend(texts.iter().map(|t| t.to_string()));
            }
        }
        prompt.input_tokens = tokens;

        if let Some(g) = body.get("guardrailConfig") {
            prompt.guardrail = Some(GuardrailRef {
                identifier: g
                    .get("guardrailIdentifier")
                    .and_then(Value::as_str)
                    .unwrap_or("guardrail")
                    .to_string(),
                trace: g.get("trace").and_then(Value::as_str) != Some("disabled"),
            });
        }
        let config = body.get("inferenceConfig");
        prompt.max_tokens = config
            .and_then(|c| c.get("maxTokens"))
            .and_then(Value::as_u64)
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX));
        prompt.stop_sequences = blocks(config.and_then(|c| c.get("stopSequences")))
            .iter()
            .filter_map(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        prompt
    }

    /// Reads an OpenAI chat-completions body (`messages`, `max_tokens`, `stop`).
    pub fn from_openai(body: &Value) -> Prompt {
        let mut system = Vec::new();
        let mut messages = Vec::new();
        for m in blocks(body.get("messages")) {
            let role = m.get("role").and_then(Value::as_str).unwrap_or("user");
            let text = match m.get("content") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Array(parts)) => parts
                    .iter()
                    .filter_map(|p| p.get("text").and_then(Value::as_str))
                    .collect::<Vec<_>>()
                    .join("\n"),
                _ => String::new(),
            };
            match role {
                "system" | "developer" => system.push(json!({ "text": text })),
                "assistant" => {
                    messages.push(json!({"role": "assistant", "content": [{"text": text}]}))
                }
                _ => messages.push(json!({"role": "user", "content": [{"text": text}]})),
            }
        }
        let max_tokens = body
            .get("max_completion_tokens")
            .or_else(|| body.get("max_tokens"))
            .cloned()
            .unwrap_or(Value::Null);
        let stop = match body.get("stop") {
            Some(Value::String(s)) => json!([s]),
            Some(Value::Array(a)) => Value::Array(a.clone()),
            _ => json!([]),
        };
        let mut inference = json!({ "stopSequences": stop });
        if !max_tokens.is_null() {
            inference["maxTokens"] = max_tokens;
        }
        Prompt::from_converse(&json!({
            "system": system,
            "messages": messages,
            "inferenceConfig": inference,
        }))
    }
}

fn prefix_key(seen: &[Value]) -> String {
    serde_json::to_string(seen).unwrap_or_default()
}

/// Bedrock's checks on a Converse body; `Err` carries the ValidationException message.
pub(crate) fn validate_converse(body: &Value) -> Result<(), String> {
    if !body.is_object() {
        return Err("Malformed input request, please reformat your input and try again.".into());
    }
    let messages = blocks(body.get("messages"));
    let roles: Vec<&str> = messages
        .iter()
        .map(|m| m.get("role").and_then(Value::as_str).unwrap_or(""))
        .collect();
    if roles.first() != Some(&"user") {
        return Err("A conversation must start with a user message. Try again with a conversation that starts with a user message.".into());
    }
    if roles.windows(2).any(|w| w[0] == w[1]) {
        return Err("A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.".into());
    }
    if let Some(max) = body.pointer("/inferenceConfig/maxTokens") {
        if max.as_u64().is_none_or(|n| n < 1) {
            return Err(format!(
                "1 validation error detected: Value '{max}' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_system_and_message_tokens_and_finds_the_last_user_text() {
        let body = json!({
            "system": [{"text": "You are terse."}],
            "messages": [
                {"role": "user", "content": [{"text": "What is the capital of France?"}]},
                {"role": "assistant", "content": [{"text": "Paris."}]},
                {"role": "user", "content": [{"text": "And of Italy?"}]}
            ],
            "inferenceConfig": {"maxTokens": 5, "stopSequences": ["\n\n"]}
        });
        let p = Prompt::from_converse(&body);
        assert_eq!(p.input_tokens, 3 + 6 + 1 + 3);
        assert_eq!(p.last_user_text, "And of Italy?");
        assert_eq!(p.max_tokens, Some(5));
        assert_eq!(p.stop_sequences, vec!["\n\n".to_string()]);
        assert_eq!(p.cache_prefix, None);
    }

    #[test]
    fn cache_prefix_counts_the_tokens_before_the_last_cache_point() {
        let body = json!({
            "system": [{"text": "one two three"}, {"cachePoint": {"type": "default"}}],
            "messages": [{"role": "user", "content": [{"text": "four five"}]}]
        });
        let (key, tokens) = Prompt::from_converse(&body).cache_prefix.unwrap();
        assert_eq!(tokens, 3);
        let other = json!({
            "system": [{"text": "one two three"}, {"cachePoint": {"type": "default"}}],
            "messages": [{"role": "user", "content": [{"text": "something else"}]}]
        });
        assert_eq!(Prompt::from_converse(&other).cache_prefix.unwrap().0, key);
    }

    #[test]
    fn validation_follows_bedrock_rules() {
        assert!(validate_converse(&json!({"messages": []})).is_err());
        let two_users = json!({"messages": [
            {"role": "user", "content": [{"text": "a"}]},
            {"role": "user", "content": [{"text": "b"}]}
        ]});
        assert!(validate_converse(&two_users)
            .unwrap_err()
            .contains("alternate"));
        let zero = json!({"messages": [{"role": "user", "content": [{"text": "a"}]}],
                          "inferenceConfig": {"maxTokens": 0}});
        assert!(validate_converse(&zero)
            .unwrap_err()
            .contains("greater than or equal to 1"));
    }

    #[test]
    fn openai_messages_become_a_prompt() {
        let body = json!({
            "model": "amazon.nova-micro-v1:0",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": [{"type": "text", "text": "Hello there"}]}
            ],
            "max_tokens": 3,
            "stop": "END"
        });
        let p = Prompt::from_openai(&body);
        assert_eq!(p.input_tokens, 4);
        assert_eq!(p.last_user_text, "Hello there");
        assert_eq!(p.max_tokens, Some(3));
        assert_eq!(p.stop_sequences, vec!["END".to_string()]);
    }
}
