//! The chat-completions wire format: the request body, the server-sent-event framing and the
//! answer chunks → [`StreamEvent`]s, text, usage and timings.

use std::time::Instant;

use serde_json::{json, Map, Value};

use crate::error::ProviderError;
use crate::provider::{ChatOutcome, ChatRequest, StopReason, StreamEvent, Usage};

/// The body of `POST {base}/chat/completions` for `req`, streaming with usage. `extra_fields`
/// (an object) adds fields the request does not set itself.
pub(crate) fn chat_body(req: &ChatRequest) -> Result<Value, ProviderError> {
    let mut messages = Vec::with_capacity(req.messages.len() + 1);
    if let Some(system) = &req.system {
        messages.push(json!({ "role": "system", "content": system }));
    }
    for message in &req.messages {
        messages.push(json!({ "role": message.role.as_str(), "content": message.text }));
    }
    let mut body = Map::new();
    body.insert("model".into(), json!(req.model_id));
    body.insert("messages".into(), Value::Array(messages));
    let params = &req.params;
    if let Some(max_tokens) = params.max_tokens {
        body.insert("max_tokens".into(), json!(max_tokens));
    }
    if let Some(temperature) = params.temperature {
        body.insert("temperature".into(), json!(temperature));
    }
    if let Some(top_p) = params.top_p {
        body.insert("top_p".into(), json!(top_p));
    }
    if !params.stop_sequences.is_empty() {
        body.insert("stop".into(), json!(params.stop_sequences));
    }
    body.insert("stream".into(), json!(true));
    body.insert("stream_options".into(), json!({ "include_usage": true }));
    match &req.extra_fields {
        None | Some(Value::Null) => {}
        Some(Value::Object(extra)) => {
            for (key, value) in extra {
                body.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
        Some(_) => {
            return Err(ProviderError::invalid_request(
                "the extra model fields must be a JSON object, like {\"seed\": 7}",
            ))
        }
    }
    Ok(Value::Object(body))
}

/// Splits a byte stream into server-sent-event `data` payloads.
#[derive(Debug, Default)]
pub(crate) struct SseReader {
    buf: Vec<u8>,
    data: Vec<String>,
}

impl SseReader {
    /// Takes more bytes; returns the payloads of the events they complete.
    pub(crate) fn push(&mut self, bytes: &[u8]) -> Vec<String> {
        self.buf.extend_from_slice(bytes);
        let mut out = Vec::new();
        while let Some(end) = self.buf.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.buf.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\n', '\r']);
            if line.is_empty() {
                if !self.data.is_empty() {
                    out.push(self.data.join("\n"));
                    self.data.clear();
                }
            } else if let Some(value) = line.strip_prefix("data:") {
                self.data
                    .push(value.strip_prefix(' ').unwrap_or(value).to_string());
            }
            // comments (`:`) and the other fields (`event:`, `id:`, `retry:`) carry nothing here
        }
        out
    }

    /// At the end of the body: the payload of a last event missing its blank line, if its lines
    /// are complete. A line cut in the middle is dropped.
    pub(crate) fn finish(&mut self) -> Option<String> {
        let pending = std::mem::take(&mut self.data);
        (!pending.is_empty()).then(|| pending.join("\n"))
    }
}

/// A finish reason in the crate's wire names (`stop` → `end_turn`); unknown values are kept.
pub(crate) fn stop_reason_from_finish(finish: &str) -> String {
    match finish {
        "stop" => "end_turn",
        "length" => "max_tokens",
        "content_filter" => "content_filtered",
        "tool_calls" | "function_call" => "tool_use",
        other => other,
    }
    .to_string()
}

/// Usage from an OpenAI `usage` object. Cached prompt tokens are counted as cache reads and left
/// out of the input tokens, as Bedrock reports them, so prices apply once.
pub(crate) fn usage_from(value: &Value) -> Usage {
    let count = |v: Option<&Value>| {
        v.and_then(Value::as_u64)
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
            .unwrap_or(0)
    };
    let prompt = count(value.get("prompt_tokens"));
    let cached = count(value.pointer("/prompt_tokens_details/cached_tokens"));
    Usage {
        input_tokens: prompt.saturating_sub(cached),
        output_tokens: count(value.get("completion_tokens")),
        cache_read_tokens: cached,
        cache_write_tokens: 0,
    }
}

/// The message of an OpenAI-style error body: `{"error": {"message": ..}}`, `{"error": ".."}` or
/// `{"message": ..}`.
pub(crate) fn error_message(value: &Value) -> Option<String> {
    let error = value.get("error");
    error
        .and_then(|e| e.get("message"))
        .or(error.filter(|e| e.is_string()))
        .or(value.get("message"))
        .or(value.get("detail"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

pub(crate) fn millis_between(from: Instant, to: Instant) -> u64 {
    u64::try_from(to.saturating_duration_since(from).as_millis()).unwrap_or(u64::MAX)
}

/// Whether the stream goes on after a payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    Continue,
    Done,
}

/// What one answer stream has delivered so far.
#[derive(Debug)]
pub(crate) struct ChunkState {
    started_at: Instant,
    announced: bool,
    text: String,
    ttft_ms: Option<u64>,
    stop_reason: Option<String>,
    usage: Usage,
    done: bool,
}

impl ChunkState {
    /// A stream of a call that started at `started_at`.
    pub(crate) fn new(started_at: Instant) -> ChunkState {
        ChunkState {
            started_at,
            announced: false,
            text: String::new(),
            ttft_ms: None,
            stop_reason: None,
            usage: Usage::default(),
            done: false,
        }
    }

    /// The text received so far.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Reports `started` once.
    pub(crate) fn announce(&mut self, on_event: &mut (dyn FnMut(StreamEvent) + Send)) {
        if !self.announced {
            self.announced = true;
            on_event(StreamEvent::Started);
        }
    }

    /// Takes one `data` payload at time `now`; an error payload or malformed JSON is `Err` with
    /// the reason.
    pub(crate) fn handle(
        &mut self,
        payload: &str,
        now: Instant,
        on_event: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<Flow, String> {
        let payload = payload.trim();
        if payload == "[DONE]" {
            self.done = true;
            return Ok(Flow::Done);
        }
        let chunk: Value = serde_json::from_str(payload)
            .map_err(|e| format!("the endpoint sent an event that is not JSON ({e})"))?;
        if chunk.get("error").is_some() {
            let message = error_message(&chunk).unwrap_or_else(|| chunk["error"].to_string());
            return Err(format!(
                "the endpoint reported an error mid-stream: {message}"
            ));
        }
        self.announce(on_event);
        let choice = chunk.pointer("/choices/0");
        if let Some(text) = choice
            .and_then(|c| c.pointer("/delta/content"))
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
        {
            if self.ttft_ms.is_none() {
                self.ttft_ms = Some(millis_between(self.started_at, now));
            }
            self.text.push_str(text);
            on_event(StreamEvent::TextDelta(text.to_string()));
        }
        if let Some(finish) = choice
            .and_then(|c| c.get("finish_reason"))
            .and_then(Value::as_str)
        {
            if self.stop_reason.is_none() {
                let reason = stop_reason_from_finish(finish);
                on_event(StreamEvent::Stopped(StopReason::from_wire(&reason)));
                self.stop_reason = Some(reason);
            }
        }
        if let Some(usage) = chunk.get("usage").filter(|u| u.is_object()) {
            self.usage = usage_from(usage);
            on_event(StreamEvent::Usage(self.usage));
        }
        Ok(Flow::Continue)
    }

    /// The outcome when the body ended at `now`: complete after `[DONE]` or a finish reason (an
    /// answer with `[DONE]` but no finish reason is flagged `partial`), else the stream broke.
    pub(crate) fn finish(self, now: Instant) -> Result<ChatOutcome, ProviderError> {
        if !self.done && self.stop_reason.is_none() {
            return Err(ProviderError::stream_broken(
                &self.text,
                "the stream ended before the model finished",
            ));
        }
        Ok(ChatOutcome {
            partial: self.stop_reason.is_none(),
            stop_reason: self.stop_reason.unwrap_or_default(),
            text: self.text,
            usage: self.usage,
            ttft_ms: self.ttft_ms,
            latency_ms: millis_between(self.started_at, now),
            guardrail_trace: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    use crate::provider::ChatMessage;
    use crate::ProviderErrorCode;

    #[test]
    fn body_puts_system_first_and_sets_only_given_params() {
        let mut req = ChatRequest::new(
            "llama3.2",
            vec![ChatMessage::user("Hi"), ChatMessage::assistant("Hello")],
        );
        req.system = Some("Be brief.".into());
        req.params.max_tokens = Some(64);
        req.params.temperature = Some(0.5);
        req.params.stop_sequences = vec!["END".into()];
        req.extra_fields = Some(json!({"seed": 7, "model": "ignored"}));
        let body = chat_body(&req).unwrap();
        assert_eq!(
            body,
            json!({
                "model": "llama3.2",
                "messages": [
                    {"role": "system", "content": "Be brief."},
                    {"role": "user", "content": "Hi"},
                    {"role": "assistant", "content": "Hello"},
                ],
                "max_tokens": 64,
                "temperature": 0.5,
                "stop": ["END"],
                "stream": true,
                "stream_options": {"include_usage": true},
                "seed": 7,
            })
        );
        req.extra_fields = Some(json!([1]));
        assert_eq!(
            chat_body(&req).unwrap_err().code,
            ProviderErrorCode::InvalidRequest
        );
    }

    #[test]
    fn sse_reader_handles_split_lines_crlf_comments_and_a_cut_line() {
        let mut sse = SseReader::default();
        assert!(sse.push(b": keep-alive\n\ndata: {\"a\"").is_empty());
        assert_eq!(
            sse.push(b":1}\r\n\r\ndata: [DONE]\n\n"),
            ["{\"a\":1}", "[DONE]"]
        );
        assert_eq!(sse.push(b"data: x\ndata: y\n\n"), ["x\ny"]);
        assert!(sse.push(b"data: last\n").is_empty());
        assert_eq!(sse.finish().as_deref(), Some("last"));
        assert!(sse.push(b"data: {\"cut").is_empty());
        assert_eq!(sse.finish(), None);
    }

    #[test]
    fn usage_puts_cached_tokens_apart() {
        let usage = usage_from(&json!({
            "prompt_tokens": 120, "completion_tokens": 7, "total_tokens": 127,
            "prompt_tokens_details": {"cached_tokens": 100}
        }));
        assert_eq!(
            usage,
            Usage {
                input_tokens: 20,
                output_tokens: 7,
                cache_read_tokens: 100,
                cache_write_tokens: 0
            }
        );
    }

    #[test]
    fn error_messages_of_the_usual_shapes() {
        assert_eq!(
            error_message(&json!({"error": {"message": "bad key", "type": "x"}})).as_deref(),
            Some("bad key")
        );
        assert_eq!(
            error_message(&json!({"error": "model 'x' not found"})).as_deref(),
            Some("model 'x' not found")
        );
        assert_eq!(
            error_message(&json!({"detail": "nope"})).as_deref(),
            Some("nope")
        );
        assert_eq!(error_message(&json!({"x": 1})), None);
    }

    fn chunk(content: Option<&str>, finish: Option<&str>) -> String {
        json!({"choices": [{"index": 0, "delta": {"content": content}, "finish_reason": finish}]})
            .to_string()
    }

    #[test]
    fn chunks_become_events_text_and_timings() {
        let t0 = Instant::now();
        let mut state = ChunkState::new(t0);
        let mut events = Vec::new();
        let mut sink = |e: StreamEvent| events.push(e);
        let at = |ms| t0 + Duration::from_millis(ms);
        let role = json!({"choices": [{"delta": {"role": "assistant", "content": ""}}]});
        assert_eq!(
            state.handle(&role.to_string(), at(5), &mut sink),
            Ok(Flow::Continue)
        );
        state
            .handle(&chunk(Some("Hel"), None), at(40), &mut sink)
            .unwrap();
        state
            .handle(&chunk(Some("lo"), None), at(50), &mut sink)
            .unwrap();
        state
            .handle(&chunk(None, Some("length")), at(60), &mut sink)
            .unwrap();
        let usage = json!({"choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 2}});
        state.handle(&usage.to_string(), at(61), &mut sink).unwrap();
        assert_eq!(state.handle("[DONE]", at(62), &mut sink), Ok(Flow::Done));
        let out = state.finish(at(70)).unwrap();
        let expected_usage = Usage {
            input_tokens: 9,
            output_tokens: 2,
            ..Usage::default()
        };
        assert_eq!(
            events,
            vec![
                StreamEvent::Started,
                StreamEvent::TextDelta("Hel".into()),
                StreamEvent::TextDelta("lo".into()),
                StreamEvent::Stopped(StopReason::MaxTokens),
                StreamEvent::Usage(expected_usage),
            ]
        );
        assert_eq!(out.text, "Hello");
        assert_eq!(out.stop_reason, "max_tokens");
        assert_eq!(out.ttft_ms, Some(40));
        assert_eq!(out.latency_ms, 70);
        assert_eq!(out.usage, expected_usage);
        assert!(!out.partial);
    }

    #[test]
    fn finish_reasons_map_to_stop_reasons() {
        for (finish, reason) in [
            ("stop", StopReason::EndTurn),
            ("length", StopReason::MaxTokens),
            ("content_filter", StopReason::ContentFiltered),
            ("tool_calls", StopReason::ToolUse),
            ("eos", StopReason::Other),
        ] {
            assert_eq!(
                StopReason::from_wire(&stop_reason_from_finish(finish)),
                reason
            );
        }
    }

    #[test]
    fn errors_and_early_ends_break_the_stream_keeping_text() {
        let t0 = Instant::now();
        let mut sink = |_: StreamEvent| {};
        let mut state = ChunkState::new(t0);
        state
            .handle(&chunk(Some("par"), None), t0, &mut sink)
            .unwrap();
        let err = state.finish(t0).unwrap_err();
        assert_eq!(err.code, ProviderErrorCode::StreamBroken);
        assert_eq!(err.partial_text.as_deref(), Some("par"));

        let mut state = ChunkState::new(t0);
        let reason = state
            .handle(
                r#"{"error":{"message":"Rate limit reached"}}"#,
                t0,
                &mut sink,
            )
            .unwrap_err();
        assert!(reason.contains("Rate limit reached"), "{reason}");
        assert!(state.handle("{not json", t0, &mut sink).is_err());

        let mut state = ChunkState::new(t0);
        state
            .handle(&chunk(Some("x"), None), t0, &mut sink)
            .unwrap();
        state.handle("[DONE]", t0, &mut sink).unwrap();
        let out = state.finish(t0).unwrap();
        assert!(out.partial);
        assert_eq!(out.stop_reason, "");
    }
}
