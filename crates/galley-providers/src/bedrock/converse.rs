//! [`ChatRequest`] → the parts of a Converse / ConverseStream request, and a Converse response →
//! [`ChatOutcome`].

use std::collections::HashMap;

use aws_sdk_bedrockruntime::operation::converse::ConverseOutput;
use aws_sdk_bedrockruntime::types::{
    CachePointBlock, CachePointType, ContentBlock, ConversationRole, ConverseOutput as Output,
    GuardrailConfiguration, GuardrailStreamConfiguration, GuardrailTrace, InferenceConfiguration,
    Message, SystemContentBlock, TokenUsage,
};
use aws_smithy_types::{Document, Number};
use galley_core::Role;

use super::trace::guardrail_trace_json;
use crate::error::ProviderError;
use crate::provider::{ChatOutcome, ChatRequest, GuardrailRef, Usage};

/// Everything of a Converse request except the model id and the guardrail.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ConverseParts {
    pub system: Option<Vec<SystemContentBlock>>,
    pub messages: Vec<Message>,
    pub inference: Option<InferenceConfiguration>,
    pub extra_fields: Option<Document>,
}

fn build_error(what: &str, e: impl std::fmt::Display) -> ProviderError {
    ProviderError::invalid_request(format!("could not build the {what}: {e}"))
}

/// Maps a request. Consecutive messages of one role become one message with several text blocks
/// (Bedrock wants the roles to alternate); a cache point is only placed when there is a system
/// prompt to put it after.
pub(crate) fn converse_parts(req: &ChatRequest) -> Result<ConverseParts, ProviderError> {
    if req.messages.is_empty() {
        return Err(ProviderError::invalid_request(
            "the request has no messages: add a user message",
        ));
    }
    let system = match req.system.as_deref().filter(|s| !s.is_empty()) {
        Some(text) => {
            let mut blocks = vec![SystemContentBlock::Text(text.to_string())];
            if req.cache_point {
                let point = CachePointBlock::builder()
                    .r#type(CachePointType::Default)
                    .build()
                    .map_err(|e| build_error("cache point", e))?;
                blocks.push(SystemContentBlock::CachePoint(point));
            }
            Some(blocks)
        }
        None => None,
    };

    let mut groups: Vec<(Role, Vec<ContentBlock>)> = Vec::new();
    for message in &req.messages {
        let block = ContentBlock::Text(message.text.clone());
        match groups.last_mut() {
            Some((role, blocks)) if *role == message.role => blocks.push(block),
            _ => groups.push((message.role, vec![block])),
        }
    }
    let messages = groups
        .into_iter()
        .map(|(role, blocks)| {
            Message::builder()
                .role(match role {
                    Role::User => ConversationRole::User,
                    Role::Assistant => ConversationRole::Assistant,
                })
                .set_content(Some(blocks))
                .build()
                .map_err(|e| build_error("message", e))
        })
        .collect::<Result<Vec<_>, _>>()?;

    let p = &req.params;
    let inference = (!p.is_empty()).then(|| {
        InferenceConfiguration::builder()
            .set_max_tokens(p.max_tokens.map(|n| i32::try_from(n).unwrap_or(i32::MAX)))
            .set_temperature(p.temperature.map(|t| t as f32))
            .set_top_p(p.top_p.map(|t| t as f32))
            .set_stop_sequences((!p.stop_sequences.is_empty()).then(|| p.stop_sequences.clone()))
            .build()
    });

    let extra_fields =
        match &req.extra_fields {
            None | Some(serde_json::Value::Null) => None,
            Some(v @ serde_json::Value::Object(_)) => Some(json_to_document(v)),
            Some(_) => return Err(ProviderError::invalid_request(
                "the additional model request fields must be a JSON object, like {\"top_k\": 50}",
            )),
        };

    Ok(ConverseParts {
        system,
        messages,
        inference,
        extra_fields,
    })
}

/// The guardrail of a Converse request.
pub(crate) fn guardrail_config(g: &GuardrailRef) -> GuardrailConfiguration {
    GuardrailConfiguration::builder()
        .guardrail_identifier(&g.identifier)
        .guardrail_version(&g.version)
        .trace(trace_setting(g))
        .build()
}

/// The guardrail of a ConverseStream request.
pub(crate) fn guardrail_stream_config(g: &GuardrailRef) -> GuardrailStreamConfiguration {
    GuardrailStreamConfiguration::builder()
        .guardrail_identifier(&g.identifier)
        .guardrail_version(&g.version)
        .trace(trace_setting(g))
        .build()
}

fn trace_setting(g: &GuardrailRef) -> GuardrailTrace {
    if g.trace {
        GuardrailTrace::Enabled
    } else {
        GuardrailTrace::Disabled
    }
}

/// JSON → the SDK's document type.
pub(crate) fn json_to_document(value: &serde_json::Value) -> Document {
    use serde_json::Value as J;
    match value {
        J::Null => Document::Null,
        J::Bool(b) => Document::Bool(*b),
        J::Number(n) => Document::Number(if let Some(u) = n.as_u64() {
            Number::PosInt(u)
        } else if let Some(i) = n.as_i64() {
            Number::NegInt(i)
        } else {
            Number::Float(n.as_f64().unwrap_or(0.0))
        }),
        J::String(s) => Document::String(s.clone()),
        J::Array(items) => Document::Array(items.iter().map(json_to_document).collect()),
        J::Object(map) => Document::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), json_to_document(v)))
                .collect::<HashMap<_, _>>(),
        ),
    }
}

fn count(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

/// Bedrock's token counts.
pub(crate) fn usage_from(u: &TokenUsage) -> Usage {
    Usage {
        input_tokens: count(u.input_tokens()),
        output_tokens: count(u.output_tokens()),
        cache_read_tokens: count(u.cache_read_input_tokens().unwrap_or(0)),
        cache_write_tokens: count(u.cache_write_input_tokens().unwrap_or(0)),
    }
}

/// A Converse response as an outcome. `latency_ms` is measured by the caller.
pub(crate) fn outcome_from_converse(out: &ConverseOutput, latency_ms: u64) -> ChatOutcome {
    let text = match out.output() {
        Some(Output::Message(message)) => message
            .content()
            .iter()
            .filter_map(|block| block.as_text().ok())
            .map(String::as_str)
            .collect::<String>(),
        _ => String::new(),
    };
    ChatOutcome {
        text,
        stop_reason: out.stop_reason().as_str().to_string(),
        usage: out.usage().map(usage_from).unwrap_or_default(),
        ttft_ms: None,
        latency_ms,
        guardrail_trace: out
            .trace()
            .and_then(|t| t.guardrail())
            .map(guardrail_trace_json),
        partial: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{ChatMessage, InferenceParams};
    use serde_json::json;

    fn request() -> ChatRequest {
        ChatRequest {
            model_id: "amazon.nova-lite-v1:0".into(),
            system: Some("Be brief.".into()),
            messages: vec![
                ChatMessage::user("Hi"),
                ChatMessage::user("Again"),
                ChatMessage::assistant("Hello"),
                ChatMessage::user("Bye"),
            ],
            params: InferenceParams {
                max_tokens: Some(64),
                temperature: Some(0.5),
                top_p: None,
                stop_sequences: vec!["STOP".into()],
            },
            extra_fields: Some(
                json!({"top_k": 50, "nested": {"a": [1, -2, 0.5, "x", null, true]}}),
            ),
            guardrail: None,
            cache_point: true,
        }
    }

    #[test]
    fn maps_system_cache_point_messages_and_parameters() {
        let parts = converse_parts(&request()).unwrap();
        let system = parts.system.unwrap();
        assert_eq!(system.len(), 2);
        assert_eq!(system[0].as_text().unwrap(), "Be brief.");
        assert_eq!(
            system[1].as_cache_point().unwrap().r#type(),
            &CachePointType::Default
        );

        assert_eq!(parts.messages.len(), 3);
        assert_eq!(parts.messages[0].role(), &ConversationRole::User);
        let texts: Vec<&str> = parts.messages[0]
            .content()
            .iter()
            .map(|b| b.as_text().unwrap().as_str())
            .collect();
        assert_eq!(texts, ["Hi", "Again"]);
        assert_eq!(parts.messages[1].role(), &ConversationRole::Assistant);
        assert_eq!(parts.messages[2].content()[0].as_text().unwrap(), "Bye");

        let inference = parts.inference.unwrap();
        assert_eq!(inference.max_tokens(), Some(64));
        assert_eq!(inference.temperature(), Some(0.5));
        assert_eq!(inference.top_p(), None);
        assert_eq!(inference.stop_sequences(), ["STOP".to_string()]);

        let extra = parts.extra_fields.unwrap();
        let Document::Object(map) = extra else {
            panic!("not an object")
        };
        assert_eq!(map["top_k"], Document::Number(Number::PosInt(50)));
        let Document::Object(nested) = &map["nested"] else {
            panic!("nested")
        };
        assert_eq!(
            nested["a"],
            Document::Array(vec![
                Document::Number(Number::PosInt(1)),
                Document::Number(Number::NegInt(-2)),
                Document::Number(Number::Float(0.5)),
                Document::String("x".into()),
                Document::Null,
                Document::Bool(true),
            ])
        );
    }

    #[test]
    fn no_system_means_no_cache_point_and_empty_params_send_nothing() {
        let mut req = request();
        req.system = None;
        req.params = InferenceParams::default();
        req.extra_fields = None;
        let parts = converse_parts(&req).unwrap();
        assert_eq!(parts.system, None);
        assert_eq!(parts.inference, None);
        assert_eq!(parts.extra_fields, None);
    }

    #[test]
    fn rejects_empty_conversations_and_non_object_extra_fields() {
        let mut req = request();
        req.extra_fields = Some(json!([1, 2]));
        let err = converse_parts(&req).unwrap_err();
        assert!(
            err.message.contains("must be a JSON object"),
            "{}",
            err.message
        );
        let mut req = request();
        req.messages.clear();
        assert!(converse_parts(&req).is_err());
    }

    #[test]
    fn guardrail_trace_setting() {
        let g = GuardrailRef {
            identifier: "gr-1".into(),
            version: "DRAFT".into(),
            trace: true,
        };
        let c = guardrail_config(&g);
        assert_eq!(c.guardrail_identifier(), "gr-1");
        assert_eq!(c.guardrail_version(), "DRAFT");
        assert_eq!(c.trace(), &GuardrailTrace::Enabled);
        let s = guardrail_stream_config(&GuardrailRef { trace: false, ..g });
        assert_eq!(s.trace(), &GuardrailTrace::Disabled);
    }
}
