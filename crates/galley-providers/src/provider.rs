//! The `Provider` trait and the values that cross it: one chat request in, a stream of events and
//! one outcome out.

use std::future::Future;
use std::pin::Pin;

use galley_core::{ModelSettings, RenderedMessage};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::error::ProviderError;

/// Who speaks a chat message: the role of galley-core's message templates. System text travels
/// separately, in [`ChatRequest::system`].
pub use galley_core::Role;

/// One turn of the conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessage {
    pub role: Role,
    pub text: String,
}

impl ChatMessage {
    /// A user turn.
    pub fn user(text: impl Into<String>) -> ChatMessage {
        ChatMessage {
            role: Role::User,
            text: text.into(),
        }
    }

    /// An assistant turn (a prefilled or earlier answer).
    pub fn assistant(text: impl Into<String>) -> ChatMessage {
        ChatMessage {
            role: Role::Assistant,
            text: text.into(),
        }
    }
}

/// Sampling parameters; `None` leaves the model's default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InferenceParams {
    #[serde(default)]
    pub max_tokens: Option<u32>,
    #[serde(default)]
    pub temperature: Option<f64>,
    #[serde(default)]
    pub top_p: Option<f64>,
    #[serde(default)]
    pub stop_sequences: Vec<String>,
}

impl InferenceParams {
    /// Whether every parameter is left to the model.
    pub fn is_empty(&self) -> bool {
        self.max_tokens.is_none()
            && self.temperature.is_none()
            && self.top_p.is_none()
            && self.stop_sequences.is_empty()
    }
}

/// A Bedrock guardrail to apply to the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailRef {
    /// The guardrail id or ARN.
    pub identifier: String,
    /// `"DRAFT"` or a version number.
    pub version: String,
    /// Ask for the guardrail's assessment trace (kept in [`ChatOutcome::guardrail_trace`]).
    #[serde(default)]
    pub trace: bool,
}

/// One model call, provider-neutral.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChatRequest {
    /// What to send as the model id (a foundation model id, an inference profile id or an ARN).
    pub model_id: String,
    #[serde(default)]
    pub system: Option<String>,
    pub messages: Vec<ChatMessage>,
    #[serde(default)]
    pub params: InferenceParams,
    /// Model-specific fields (Bedrock's `additionalModelRequestFields`, e.g. `{"top_k": 50}`).
    #[serde(default)]
    #[ts(type = "unknown")]
    pub extra_fields: Option<serde_json::Value>,
    #[serde(default)]
    pub guardrail: Option<GuardrailRef>,
    /// Put a prompt-cache checkpoint after the system prompt.
    #[serde(default)]
    pub cache_point: bool,
}

impl ChatRequest {
    /// A request with a model id and messages, and nothing else set.
    pub fn new(model_id: impl Into<String>, messages: Vec<ChatMessage>) -> ChatRequest {
        ChatRequest {
            model_id: model_id.into(),
            system: None,
            messages,
            params: InferenceParams::default(),
            extra_fields: None,
            guardrail: None,
            cache_point: false,
        }
    }

    /// The request for a rendered prompt: `system` messages become the system prompt (joined by a
    /// blank line when there are several), the others the conversation, in order.
    pub fn from_rendered(
        settings: &ModelSettings,
        rendered: &[RenderedMessage],
    ) -> Result<ChatRequest, ProviderError> {
        let mut system: Vec<&str> = Vec::new();
        let mut messages = Vec::new();
        for (i, message) in rendered.iter().enumerate() {
            match message.role.as_str() {
                "system" => system.push(&message.text),
                "user" => messages.push(ChatMessage::user(&message.text)),
                "assistant" => messages.push(ChatMessage::assistant(&message.text)),
                other => {
                    return Err(ProviderError::invalid_request(format!(
                        "message {} has the role `{other}`: use `system`, `user` or `assistant`",
                        i + 1
                    )))
                }
            }
        }
        if messages.is_empty() {
            return Err(ProviderError::invalid_request(
                "the prompt has no user message: add one (a system prompt alone cannot be sent)",
            ));
        }
        if settings.model_id.trim().is_empty() {
            return Err(ProviderError::invalid_request(
                "no model id: choose a model for this version",
            ));
        }
        Ok(ChatRequest {
            model_id: settings.model_id.trim().to_string(),
            system: (!system.is_empty()).then(|| system.join("\n\n")),
            messages,
            params: InferenceParams {
                max_tokens: settings.max_tokens,
                temperature: settings.temperature,
                top_p: settings.top_p,
                stop_sequences: settings.stop_sequences.clone(),
            },
            extra_fields: settings.extra_fields.clone(),
            guardrail: settings.guardrail.as_ref().map(|g| GuardrailRef {
                identifier: g.identifier.clone(),
                version: g.version.clone(),
                trace: g.trace,
            }),
            cache_point: settings.cache_prompt,
        })
    }
}

/// Token counts of one call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    pub input_tokens: u32,
    pub output_tokens: u32,
    pub cache_read_tokens: u32,
    pub cache_write_tokens: u32,
}

/// Why the model stopped. Unknown values from the server map to `Other` (the raw value is kept in
/// [`ChatOutcome::stop_reason`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    EndTurn,
    ToolUse,
    MaxTokens,
    StopSequence,
    GuardrailIntervened,
    ContentFiltered,
    MalformedModelOutput,
    MalformedToolUse,
    ModelContextWindowExceeded,
    Other,
}

impl StopReason {
    /// The reason for a wire value such as `"end_turn"`.
    pub fn from_wire(value: &str) -> StopReason {
        match value {
            "end_turn" => StopReason::EndTurn,
            "tool_use" => StopReason::ToolUse,
            "max_tokens" => StopReason::MaxTokens,
            "stop_sequence" => StopReason::StopSequence,
            "guardrail_intervened" => StopReason::GuardrailIntervened,
            "content_filtered" => StopReason::ContentFiltered,
            "malformed_model_output" => StopReason::MalformedModelOutput,
            "malformed_tool_use" => StopReason::MalformedToolUse,
            "model_context_window_exceeded" => StopReason::ModelContextWindowExceeded,
            _ => StopReason::Other,
        }
    }

    /// The wire value (`"other"` for unknown reasons).
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::EndTurn => "end_turn",
            StopReason::ToolUse => "tool_use",
            StopReason::MaxTokens => "max_tokens",
            StopReason::StopSequence => "stop_sequence",
            StopReason::GuardrailIntervened => "guardrail_intervened",
            StopReason::ContentFiltered => "content_filtered",
            StopReason::MalformedModelOutput => "malformed_model_output",
            StopReason::MalformedToolUse => "malformed_tool_use",
            StopReason::ModelContextWindowExceeded => "model_context_window_exceeded",
            StopReason::Other => "other",
        }
    }
}

/// What a streaming call reports while it runs, in order: `started`, `textDelta`*, `stopped`,
/// `usage`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", content = "data", rename_all = "camelCase")]
pub enum StreamEvent {
    /// The model accepted the call and began its answer.
    Started,
    /// More answer text.
    TextDelta(String),
    /// Final token counts.
    Usage(Usage),
    /// The model finished.
    Stopped(StopReason),
}

/// A finished call. Times are measured by Galley around the call (monotonic clock).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChatOutcome {
    pub text: String,
    /// The stop reason as the server sent it (`"end_turn"`, `"max_tokens"`, ...).
    pub stop_reason: String,
    pub usage: Usage,
    /// Milliseconds from the start of the call to the first text.
    #[ts(type = "number | null")]
    pub ttft_ms: Option<u64>,
    /// Milliseconds from the start of the call to its end.
    #[ts(type = "number")]
    pub latency_ms: u64,
    /// The guardrail's assessment, when a guardrail with `trace` was applied.
    #[ts(type = "unknown")]
    pub guardrail_trace: Option<serde_json::Value>,
    /// The answer ended without the model saying it had finished: the text may be incomplete.
    pub partial: bool,
}

impl ChatOutcome {
    /// The debug line every provider writes when a call finishes; `call` names the operation
    /// (`converse stream`, `chat stream`, `local`), `attempts` counts retries when known.
    pub fn trace_finished(&self, call: &'static str, attempts: Option<u32>) {
        tracing::debug!(
            call,
            attempts,
            ttft_ms = self.ttft_ms,
            latency_ms = self.latency_ms,
            input_tokens = self.usage.input_tokens,
            output_tokens = self.usage.output_tokens,
            stop_reason = %self.stop_reason,
            partial = self.partial,
            "model call finished"
        );
    }
}

/// The future a [`Provider`] call returns.
pub type ProviderFuture<'a> =
    Pin<Box<dyn Future<Output = Result<ChatOutcome, ProviderError>> + Send + 'a>>;

/// Where models run. Implementations are cheap to share (`Arc<dyn Provider>`).
pub trait Provider: Send + Sync {
    /// Runs one call, reporting events as they happen. Returns when the answer is complete, the
    /// call failed, or `cancel` fired (then with [`crate::ProviderErrorCode::Cancelled`] and the
    /// partial text).
    fn stream<'a>(
        &'a self,
        req: &'a ChatRequest,
        cancel: &'a CancellationToken,
        on_event: &'a mut (dyn FnMut(StreamEvent) + Send),
    ) -> ProviderFuture<'a>;

    /// Runs one call without streaming. The default streams and drops the events.
    fn complete<'a>(
        &'a self,
        req: &'a ChatRequest,
        cancel: &'a CancellationToken,
    ) -> ProviderFuture<'a> {
        Box::pin(async move {
            let mut ignore = |_: StreamEvent| {};
            self.stream(req, cancel, &mut ignore).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ProviderErrorCode;

    fn rendered(role: &str, text: &str) -> RenderedMessage {
        RenderedMessage {
            role: role.into(),
            text: text.into(),
        }
    }

    fn settings() -> ModelSettings {
        ModelSettings {
            provider: "bedrock".into(),
            endpoint: None,
            model_id: " us.amazon.nova-lite-v1:0 ".into(),
            max_tokens: Some(256),
            temperature: Some(0.2),
            top_p: None,
            stop_sequences: vec!["END".into()],
            cache_prompt: true,
            guardrail: Some(galley_core::GuardrailConfig {
                identifier: "gr-1".into(),
                version: "DRAFT".into(),
                trace: true,
            }),
            extra_fields: Some(serde_json::json!({"top_k": 50})),
        }
    }

    #[test]
    fn from_rendered_splits_system_and_keeps_order() {
        let req = ChatRequest::from_rendered(
            &settings(),
            &[
                rendered("system", "Be brief."),
                rendered("user", "Hi"),
                rendered("assistant", "Hello"),
                rendered("system", "No emojis."),
                rendered("user", "Sum 2+2"),
            ],
        )
        .unwrap();
        assert_eq!(req.model_id, "us.amazon.nova-lite-v1:0");
        assert_eq!(req.system.as_deref(), Some("Be brief.\n\nNo emojis."));
        assert_eq!(
            req.messages,
            vec![
                ChatMessage::user("Hi"),
                ChatMessage::assistant("Hello"),
                ChatMessage::user("Sum 2+2"),
            ]
        );
        assert_eq!(req.params.max_tokens, Some(256));
        assert_eq!(req.params.temperature, Some(0.2));
        assert_eq!(req.params.top_p, None);
        assert_eq!(req.params.stop_sequences, vec!["END".to_string()]);
        assert!(req.cache_point);
        assert_eq!(
            req.guardrail,
            Some(GuardrailRef {
                identifier: "gr-1".into(),
                version: "DRAFT".into(),
                trace: true
            })
        );
        assert_eq!(req.extra_fields, Some(serde_json::json!({"top_k": 50})));
    }

    #[test]
    fn from_rendered_rejects_unknown_roles_and_empty_prompts() {
        let err = ChatRequest::from_rendered(&settings(), &[rendered("tool", "x")]).unwrap_err();
        assert_eq!(err.code, ProviderErrorCode::InvalidRequest);
        assert!(
            err.message.contains("message 1 has the role `tool`"),
            "{}",
            err.message
        );

        let err =
            ChatRequest::from_rendered(&settings(), &[rendered("system", "only")]).unwrap_err();
        assert_eq!(err.code, ProviderErrorCode::InvalidRequest);
        assert!(err.message.contains("no user message"), "{}", err.message);

        let mut blank = settings();
        blank.model_id = "  ".into();
        let err = ChatRequest::from_rendered(&blank, &[rendered("user", "x")]).unwrap_err();
        assert!(err.message.contains("no model id"), "{}", err.message);
    }

    #[test]
    fn stream_events_are_tagged() {
        let json = serde_json::to_value(StreamEvent::TextDelta("Hi".into())).unwrap();
        assert_eq!(json, serde_json::json!({"type": "textDelta", "data": "Hi"}));
        let json = serde_json::to_value(StreamEvent::Stopped(StopReason::MaxTokens)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "stopped", "data": "max_tokens"})
        );
        let json = serde_json::to_value(StreamEvent::Started).unwrap();
        assert_eq!(json, serde_json::json!({"type": "started"}));
        let json = serde_json::to_value(StreamEvent::Usage(Usage {
            input_tokens: 3,
            output_tokens: 4,
            cache_read_tokens: 5,
            cache_write_tokens: 6,
        }))
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "usage", "data": {
                "inputTokens": 3, "outputTokens": 4, "cacheReadTokens": 5, "cacheWriteTokens": 6
            }})
        );
    }

    #[test]
    fn stop_reasons_round_trip_through_the_wire_names() {
        for reason in [
            StopReason::EndTurn,
            StopReason::ToolUse,
            StopReason::MaxTokens,
            StopReason::StopSequence,
            StopReason::GuardrailIntervened,
            StopReason::ContentFiltered,
            StopReason::MalformedModelOutput,
            StopReason::MalformedToolUse,
            StopReason::ModelContextWindowExceeded,
        ] {
            assert_eq!(StopReason::from_wire(reason.as_str()), reason);
            assert_eq!(
                serde_json::to_value(reason).unwrap(),
                serde_json::Value::String(reason.as_str().into())
            );
        }
        assert_eq!(StopReason::from_wire("brand_new"), StopReason::Other);
    }

    struct Canned;

    impl Provider for Canned {
        fn stream<'a>(
            &'a self,
            req: &'a ChatRequest,
            _cancel: &'a CancellationToken,
            on_event: &'a mut (dyn FnMut(StreamEvent) + Send),
        ) -> ProviderFuture<'a> {
            Box::pin(async move {
                on_event(StreamEvent::Started);
                on_event(StreamEvent::TextDelta(req.model_id.clone()));
                Ok(ChatOutcome {
                    text: req.model_id.clone(),
                    stop_reason: "end_turn".into(),
                    usage: Usage::default(),
                    ttft_ms: Some(0),
                    latency_ms: 0,
                    guardrail_trace: None,
                    partial: false,
                })
            })
        }
    }

    #[tokio::test]
    async fn the_trait_is_object_safe_and_complete_defaults_to_stream() {
        let provider: std::sync::Arc<dyn Provider> = std::sync::Arc::new(Canned);
        let req = ChatRequest::new("m-1", vec![ChatMessage::user("x")]);
        let cancel = CancellationToken::new();
        let mut events = Vec::new();
        let out = provider
            .stream(&req, &cancel, &mut |e| events.push(e))
            .await
            .unwrap();
        assert_eq!(out.text, "m-1");
        assert_eq!(
            events,
            vec![StreamEvent::Started, StreamEvent::TextDelta("m-1".into())]
        );
        let out = provider.complete(&req, &cancel).await.unwrap();
        assert_eq!(out.text, "m-1");
    }
}
