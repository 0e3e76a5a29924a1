//! ConverseStream events → [`StreamEvent`]s, text, usage and timings.

use std::time::Instant;

use aws_sdk_bedrockruntime::types::{ContentBlockDelta, ConverseStreamOutput};

use super::converse::usage_from;
use super::trace::guardrail_trace_json;
use crate::provider::{ChatOutcome, StopReason, StreamEvent, Usage};

/// What one answer stream has delivered so far.
#[derive(Debug)]
pub(crate) struct StreamState {
    started_at: Instant,
    announced: bool,
    text: String,
    ttft_ms: Option<u64>,
    stop_reason: Option<String>,
    usage: Usage,
    guardrail_trace: Option<serde_json::Value>,
}

pub(crate) fn millis_between(from: Instant, to: Instant) -> u64 {
    u64::try_from(to.saturating_duration_since(from).as_millis()).unwrap_or(u64::MAX)
}

impl StreamState {
    /// A stream of a call that started at `started_at`.
    pub(crate) fn new(started_at: Instant) -> StreamState {
        StreamState {
            started_at,
            announced: false,
            text: String::new(),
            ttft_ms: None,
            stop_reason: None,
            usage: Usage::default(),
            guardrail_trace: None,
        }
    }

    /// The text received so far.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    fn announce(&mut self, on_event: &mut (dyn FnMut(StreamEvent) + Send)) {
        if !self.announced {
            self.announced = true;
            on_event(StreamEvent::Started);
        }
    }

    /// Takes one event at time `now`.
    pub(crate) fn handle(
        &mut self,
        event: ConverseStreamOutput,
        now: Instant,
        on_event: &mut (dyn FnMut(StreamEvent) + Send),
    ) {
        match event {
            ConverseStreamOutput::MessageStart(_) => self.announce(on_event),
            ConverseStreamOutput::ContentBlockDelta(delta) => {
                self.announce(on_event);
                if let Some(ContentBlockDelta::Text(text)) = delta.delta {
                    if !text.is_empty() {
                        if self.ttft_ms.is_none() {
                            self.ttft_ms = Some(millis_between(self.started_at, now));
                        }
                        self.text.push_str(&text);
                        on_event(StreamEvent::TextDelta(text));
                    }
                }
            }
            ConverseStreamOutput::MessageStop(stop) => {
                self.announce(on_event);
                let reason = stop.stop_reason().as_str().to_string();
                on_event(StreamEvent::Stopped(StopReason::from_wire(&reason)));
                self.stop_reason = Some(reason);
            }
            ConverseStreamOutput::Metadata(meta) => {
                if let Some(usage) = meta.usage() {
                    self.usage = usage_from(usage);
                    on_event(StreamEvent::Usage(self.usage));
                }
                if let Some(trace) = meta.trace().and_then(|t| t.guardrail()) {
                    self.guardrail_trace = Some(guardrail_trace_json(trace));
                }
            }
            // content block start/stop carry nothing for text; unknown events are skipped
            _ => {}
        }
    }

    /// The outcome when the stream ended cleanly at `now`. Without a `messageStop` the answer is
    /// flagged `partial` and its stop reason is empty.
    pub(crate) fn finish(self, now: Instant) -> ChatOutcome {
        ChatOutcome {
            partial: self.stop_reason.is_none(),
            stop_reason: self.stop_reason.unwrap_or_default(),
            text: self.text,
            usage: self.usage,
            ttft_ms: self.ttft_ms,
            latency_ms: millis_between(self.started_at, now),
            guardrail_trace: self.guardrail_trace,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    use aws_sdk_bedrockruntime::types::{
        ContentBlockDeltaEvent, ConversationRole, ConverseStreamMetadataEvent,
        ConverseStreamMetrics, MessageStartEvent, MessageStopEvent, StopReason as SdkStop,
        TokenUsage,
    };

    fn delta(text: &str) -> ConverseStreamOutput {
        ConverseStreamOutput::ContentBlockDelta(
            ContentBlockDeltaEvent::builder()
                .content_block_index(0)
                .delta(ContentBlockDelta::Text(text.into()))
                .build()
                .unwrap(),
        )
    }

    #[test]
    fn events_text_usage_and_timings() {
        let t0 = Instant::now();
        let mut state = StreamState::new(t0);
        let mut events = Vec::new();
        let mut sink = |e: StreamEvent| events.push(e);
        state.handle(
            ConverseStreamOutput::MessageStart(
                MessageStartEvent::builder()
                    .role(ConversationRole::Assistant)
                    .build()
                    .unwrap(),
            ),
            t0,
            &mut sink,
        );
        state.handle(delta(""), t0 + Duration::from_millis(5), &mut sink);
        state.handle(delta("Hel"), t0 + Duration::from_millis(40), &mut sink);
        state.handle(delta("lo"), t0 + Duration::from_millis(60), &mut sink);
        assert_eq!(state.text(), "Hello");
        state.handle(
            ConverseStreamOutput::MessageStop(
                MessageStopEvent::builder()
                    .stop_reason(SdkStop::MaxTokens)
                    .build()
                    .unwrap(),
            ),
            t0 + Duration::from_millis(61),
            &mut sink,
        );
        state.handle(
            ConverseStreamOutput::Metadata(
                ConverseStreamMetadataEvent::builder()
                    .usage(
                        TokenUsage::builder()
                            .input_tokens(7)
                            .output_tokens(2)
                            .total_tokens(9)
                            .cache_read_input_tokens(3)
                            .build()
                            .unwrap(),
                    )
                    .metrics(
                        ConverseStreamMetrics::builder()
                            .latency_ms(999)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            ),
            t0 + Duration::from_millis(62),
            &mut sink,
        );
        let outcome = state.finish(t0 + Duration::from_millis(70));
        let usage = Usage {
            input_tokens: 7,
            output_tokens: 2,
            cache_read_tokens: 3,
            cache_write_tokens: 0,
        };
        assert_eq!(
            events,
            vec![
                StreamEvent::Started,
                StreamEvent::TextDelta("Hel".into()),
                StreamEvent::TextDelta("lo".into()),
                StreamEvent::Stopped(StopReason::MaxTokens),
                StreamEvent::Usage(usage),
            ]
        );
        assert_eq!(outcome.text, "Hello");
        assert_eq!(outcome.stop_reason, "max_tokens");
        assert_eq!(outcome.usage, usage);
        // our clock, not the server's latencyMs
        assert_eq!(outcome.ttft_ms, Some(40));
        assert_eq!(outcome.latency_ms, 70);
        assert!(!outcome.partial);
    }

    #[test]
    fn a_stream_without_message_stop_is_partial() {
        let t0 = Instant::now();
        let mut state = StreamState::new(t0);
        let mut events = Vec::new();
        state.handle(delta("Hi"), t0, &mut |e| events.push(e));
        assert_eq!(
            events,
            vec![StreamEvent::Started, StreamEvent::TextDelta("Hi".into())]
        );
        let outcome = state.finish(t0);
        assert!(outcome.partial);
        assert_eq!(outcome.stop_reason, "");
        assert_eq!(outcome.text, "Hi");
    }
}
