//! ConverseStream through the real SDK: event order, role, text, usage, and mid-stream faults.

mod common;

use std::time::{Duration, Instant};

use aws_sdk_bedrockruntime::error::SdkError;
use aws_sdk_bedrockruntime::types::error::ConverseStreamOutputError;
use aws_sdk_bedrockruntime::types::{
    ContentBlockDelta, ConversationRole, ConverseStreamOutput, StopReason,
};
use bedrock_sim::{Fault, Script, Sim, SimConfig};
use common::{converse_stream, runtime, runtime_with_config, sim, sim_with};

const HAIKU: &str = "us.anthropic.claude-3-5-haiku-20241022-v1:0";
const PARIS: &str = "Paris is the capital of France.";

#[derive(Debug, Default)]
struct Received {
    kinds: Vec<&'static str>,
    role: Option<ConversationRole>,
    text: String,
    stop: Option<StopReason>,
    usage: Option<(i32, i32, i32)>,
    error: Option<SdkError<ConverseStreamOutputError, aws_smithy_types::event_stream::RawMessage>>,
}

async fn run(sim: &Sim, model: &str, prompt: &str) -> Received {
    let mut out = converse_stream(&runtime(sim), model, prompt)
        .send()
        .await
        .expect("stream opens");
    let mut r = Received::default();
    loop {
        match out.stream.recv().await {
            Ok(Some(event)) => match event {
                ConverseStreamOutput::MessageStart(e) => {
                    r.kinds.push("messageStart");
                    r.role = Some(e.role().clone());
                }
                ConverseStreamOutput::ContentBlockDelta(e) => {
                    r.kinds.push("contentBlockDelta");
                    if let Some(ContentBlockDelta::Text(t)) = e.delta() {
                        r.text.push_str(t);
                    }
                }
                ConverseStreamOutput::ContentBlockStop(_) => r.kinds.push("contentBlockStop"),
                ConverseStreamOutput::MessageStop(e) => {
                    r.kinds.push("messageStop");
                    r.stop = Some(e.stop_reason().clone());
                }
                ConverseStreamOutput::Metadata(e) => {
                    r.kinds.push("metadata");
                    let u = e.usage().unwrap();
                    r.usage = Some((u.input_tokens(), u.output_tokens(), u.total_tokens()));
                }
                _ => r.kinds.push("other"),
            },
            Ok(None) => break,
            Err(e) => {
                r.error = Some(e);
                break;
            }
        }
    }
    r
}

#[tokio::test]
async fn stream_events_arrive_in_order_with_the_assistant_role() {
    let sim = sim().await;
    sim.script(HAIKU, Script::text(PARIS));
    let r = run(&sim, HAIKU, "What is the capital of France?").await;
    assert!(r.error.is_none(), "{:?}", r.error);
    let mut expected = vec!["messageStart"];
    expected.extend(std::iter::repeat_n("contentBlockDelta", 6));
    expected.extend(["contentBlockStop", "messageStop", "metadata"]);
    assert_eq!(r.kinds, expected);
    assert_eq!(r.role, Some(ConversationRole::Assistant));
    assert_eq!(r.text, PARIS);
    assert_eq!(r.stop, Some(StopReason::EndTurn));
    assert_eq!(r.usage, Some((6, 6, 12)));
    let log = sim.requests();
    assert_eq!(log[0].operation, "ConverseStream");
    assert_eq!(log[0].status, 200);
    assert_eq!(log[0].signature_valid, Some(true));
}

#[tokio::test]
async fn a_throttled_stream_request_is_retried_before_the_stream_opens() {
    let sim = sim().await;
    sim.script(HAIKU, Script::text(PARIS));
    sim.fault(HAIKU, Fault::throttle(1));
    let r = run(&sim, HAIKU, "capital?").await;
    assert_eq!(r.text, PARIS);
    let log = sim.requests();
    let seen: Vec<(Option<u32>, u16)> = log.iter().map(|l| (l.attempt, l.status)).collect();
    assert_eq!(seen, vec![(Some(1), 429), (Some(2), 200)]);
    assert_eq!(log[0].invocation_id, log[1].invocation_id);
}

#[tokio::test]
async fn throttling_mid_stream_is_the_typed_exception() {
    let sim = sim().await;
    sim.script(HAIKU, Script::text(PARIS));
    sim.fault(HAIKU, Fault::ThrottleMidStream { after_deltas: 2 });
    let r = run(&sim, HAIKU, "capital?").await;
    assert_eq!(r.text, "Paris is");
    let err = r.error.expect("stream fails").into_service_error();
    assert!(
        matches!(err, ConverseStreamOutputError::ThrottlingException(_)),
        "{err:?}"
    );
    assert_eq!(
        aws_sdk_bedrockruntime::error::ProvideErrorMetadata::message(&err),
        Some("Too many requests, please wait before trying again.")
    );
    // the fault was consumed: the next stream is whole
    assert_eq!(run(&sim, HAIKU, "capital?").await.text, PARIS);
}

#[tokio::test]
async fn a_model_stream_error_is_the_typed_exception() {
    let sim = sim().await;
    sim.fault(HAIKU, Fault::ModelStreamError { after_deltas: 1 });
    let r = run(&sim, HAIKU, "one two three").await;
    assert_eq!(r.text, "echo:");
    let err = r.error.expect("stream fails").into_service_error();
    match err {
        ConverseStreamOutputError::ModelStreamErrorException(e) => {
            assert_eq!(e.original_status_code(), Some(500));
        }
        other => panic!("expected ModelStreamErrorException, got {other:?}"),
    }
}

#[tokio::test]
async fn a_truncated_frame_and_a_bad_crc_fail_the_stream() {
    let sim = sim().await;
    sim.script(HAIKU, Script::text(PARIS));
    sim.fault(HAIKU, Fault::TruncatedFrame { after_deltas: 3 });
    let r = run(&sim, HAIKU, "capital?").await;
    assert_eq!(r.text, "Paris is the");
    let err = r.error.expect("a body ending inside a frame is an error");
    assert!(matches!(err, SdkError::ResponseError(_)), "{err:?}");
    assert!(r.stop.is_none());

    sim.fault(HAIKU, Fault::BadCrc { after_deltas: 1 });
    let r = run(&sim, HAIKU, "capital?").await;
    assert_eq!(r.text, "Paris");
    let err = r.error.expect("a wrong CRC is an error");
    let shown = format!("{:?}", err).to_lowercase();
    assert!(
        shown.contains("checksum") || shown.contains("crc"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_stall_pauses_then_completes() {
    let sim = sim().await;
    sim.script(HAIKU, Script::text(PARIS));
    sim.fault(
        HAIKU,
        Fault::Stall {
            after_deltas: 2,
            duration: Duration::from_millis(300),
        },
    );
    let started = Instant::now();
    let r = run(&sim, HAIKU, "capital?").await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(r.text, PARIS);
    assert!(r.error.is_none());
}

#[tokio::test]
async fn pacing_follows_ttft_and_tokens_per_second() {
    let sim = sim_with(SimConfig {
        ttft: Duration::from_millis(100),
        tokens_per_sec: Some(50.0),
        ..SimConfig::default()
    })
    .await;
    sim.script(HAIKU, Script::text(PARIS));
    let started = Instant::now();
    let r = run(&sim, HAIKU, "capital?").await;
    // 100 ms to the first token, then 5 gaps of 20 ms
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(r.text, PARIS);
}

/// Found while writing this test: aws-sdk-bedrockruntime 1.153.0 installs no
/// `StalledStreamProtectionInterceptor` on ConverseStream (only on Converse, CountTokens,
/// ApplyGuardrail, InvokeModel and the async-invoke operations), so a stall mid-stream is not
/// detected by the SDK even with a short grace period. A client must time out `recv()` itself.
#[tokio::test]
async fn converse_stream_has_no_stalled_stream_protection_in_the_sdk() {
    use aws_sdk_bedrockruntime::config::StalledStreamProtectionConfig;
    let sim = sim().await;
    sim.script(HAIKU, Script::text(PARIS));
    sim.fault(
        HAIKU,
        Fault::Stall {
            after_deltas: 1,
            duration: Duration::from_millis(1500),
        },
    );
    let client = runtime_with_config(&sim, |config| {
        config.stalled_stream_protection(
            StalledStreamProtectionConfig::enabled()
                .grace_period(Duration::from_millis(200))
                .build(),
        )
    });
    let mut out = converse_stream(&client, HAIKU, "capital?")
        .send()
        .await
        .unwrap();
    let mut text = String::new();
    let started = Instant::now();
    let mut waited_longest = Duration::ZERO;
    loop {
        let before = Instant::now();
        let event = out
            .stream
            .recv()
            .await
            .expect("the SDK does not fail a stalled stream");
        waited_longest = waited_longest.max(before.elapsed());
        match event {
            Some(ConverseStreamOutput::ContentBlockDelta(e)) => {
                if let Some(ContentBlockDelta::Text(t)) = e.delta() {
                    text.push_str(t);
                }
            }
            Some(_) => {}
            None => break,
        }
    }
    assert_eq!(text, PARIS);
    assert!(
        waited_longest >= Duration::from_millis(1500),
        "{waited_longest:?}"
    );
    assert!(started.elapsed() >= Duration::from_millis(1500));
}
