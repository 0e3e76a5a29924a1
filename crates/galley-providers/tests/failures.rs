//! Failing calls through the real AWS SDK against `bedrock_sim`: retries, every mapped error,
//! broken streams, cancellation and timeouts.

mod common;

use std::time::Duration;

use aws_credential_types::Credentials;
use bedrock_sim::{Fault, Script, SimConfig};
use common::*;
use galley_providers::{
    BedrockProvider, BedrockSettings, Provider, ProviderErrorCode, StreamEvent,
};
use tokio_util::sync::CancellationToken;

fn status(code: u16, error_type: &str, message: &str, times: u32) -> Fault {
    Fault::Status {
        status: code,
        error_type: error_type.into(),
        message: message.into(),
        times,
    }
}

/// `times` 429 ThrottlingException answers.
fn throttled(times: u32) -> Fault {
    status(429, "ThrottlingException", "Too many requests", times)
}

#[tokio::test]
async fn throttled_twice_then_answers_on_the_third_attempt() {
    let sim = sim().await;
    sim.fault(HAIKU_35, throttled(2));
    let p = provider(&sim).await;
    let out = streamed(&p, &ask(HAIKU_35, "hello")).await.unwrap();
    assert_eq!(out.text, "echo: hello");

    let log = sim.requests();
    let attempts: Vec<Option<u32>> = log.iter().map(|r| r.attempt).collect();
    let statuses: Vec<u16> = log.iter().map(|r| r.status).collect();
    assert_eq!(attempts, [Some(1), Some(2), Some(3)]);
    assert_eq!(statuses, [429, 429, 200]);
    assert!(log[0].invocation_id.is_some());
    assert!(log.iter().all(|r| r.invocation_id == log[0].invocation_id));
}

#[tokio::test]
async fn throttled_five_times_gives_up_after_three_attempts() {
    let sim = sim().await;
    sim.fault(HAIKU_35, throttled(5));
    let p = provider(&sim).await;
    let err = streamed(&p, &ask(HAIKU_35, "hello")).await.unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::Throttled);
    assert_eq!(
        err.message,
        format!("Bedrock is throttling requests for {HAIKU_35} (after 3 attempts): lower the concurrency or request a quota increase")
    );
    let attempts: Vec<Option<u32>> = sim.requests().iter().map(|r| r.attempt).collect();
    assert_eq!(attempts, [Some(1), Some(2), Some(3)]);
}

#[tokio::test]
async fn unavailable_after_retries_and_model_timeout_without_retry() {
    let sim = sim().await;
    sim.fault(
        HAIKU_35,
        status(503, "ServiceUnavailableException", "Service unavailable", 3),
    );
    sim.fault(
        NOVA_LITE,
        status(408, "ModelTimeoutException", "Model has timed out", 1),
    );
    let p = provider(&sim).await;
    let err = completed(&p, &ask(HAIKU_35, "x")).await.unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::Unavailable);
    assert!(err.message.contains("after 3 attempts"), "{}", err.message);

    let err = streamed(&p, &ask(NOVA_LITE, "x")).await.unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::ModelTimeout);
    assert_eq!(
        err.message,
        "the model timed out (ModelTimeoutException): shorten the prompt or lower maxTokens"
    );
    let nova: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.model_id.as_deref() == Some(NOVA_LITE))
        .collect();
    assert_eq!(nova.len(), 1, "ModelTimeoutException is not retried");
    assert_eq!(nova[0].status, 408);
}

#[tokio::test]
async fn access_denied_is_not_retried() {
    let sim = sim().await;
    let p = provider(&sim).await;
    let err = streamed(&p, &ask("sim.access-denied", "x"))
        .await
        .unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::AccessDenied);
    assert!(
        err.message.starts_with("no access to model sim.access-denied in us-east-1: request model access in the Bedrock console (Model access)"),
        "{}",
        err.message
    );
    assert_eq!(sim.requests().len(), 1);
}

#[tokio::test]
async fn profile_only_base_id_suggests_the_us_profile_which_works() {
    let sim = sim().await;
    let p = provider(&sim).await;
    for streaming in [true, false] {
        let req = ask(SONNET_45, "hi");
        let err = if streaming {
            streamed(&p, &req).await.unwrap_err()
        } else {
            completed(&p, &req).await.unwrap_err()
        };
        assert_eq!(err.code, ProviderErrorCode::NeedsInferenceProfile);
        let suggested = err.suggested_model_id.clone().expect("a suggestion");
        assert_eq!(suggested, format!("us.{SONNET_45}"));
        assert_eq!(
            err.message,
            format!("model {SONNET_45} needs an inference profile: use `us.{SONNET_45}`")
        );
        let out = completed(&p, &ask(&suggested, "hi")).await.unwrap();
        assert_eq!(out.text, "echo: hi");
    }
}

#[tokio::test]
async fn unknown_model_is_model_not_found() {
    let sim = sim().await;
    let p = provider(&sim).await;
    let err = completed(&p, &ask("acme.nothing-v1:0", "x"))
        .await
        .unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::ModelNotFound);
    assert!(err.message.contains("acme.nothing-v1:0"), "{}", err.message);
}

async fn broken_stream(fault: Fault) -> (galley_providers::ProviderError, Vec<String>) {
    let sim = sim().await;
    sim.script(NOVA_LITE, Script::text("one two three four five six"));
    sim.fault(NOVA_LITE, fault);
    let p = provider(&sim).await;
    let (result, events) = streamed_with_events(&p, &ask(NOVA_LITE, "count")).await;
    let err = result.unwrap_err();
    assert_eq!(sim.requests().len(), 1, "a broken stream is not retried");
    (err, text_deltas(&events))
}

#[tokio::test]
async fn mid_stream_throttle_keeps_the_partial_text() {
    let (err, deltas) = broken_stream(Fault::ThrottleMidStream { after_deltas: 3 }).await;
    assert_eq!(err.code, ProviderErrorCode::StreamBroken);
    assert_eq!(deltas.concat(), "one two three");
    assert_eq!(err.partial_text.as_deref(), Some("one two three"));
    assert!(
        err.message.starts_with(
            "the answer was cut off after 13 characters: Bedrock throttled the stream (ThrottlingException"
        ),
        "{}",
        err.message
    );
    assert!(
        err.message.ends_with("; the partial text is kept"),
        "{}",
        err.message
    );
}

#[tokio::test]
async fn model_stream_error_truncated_frame_and_bad_crc_break_the_stream() {
    for fault in [
        Fault::ModelStreamError { after_deltas: 3 },
        Fault::TruncatedFrame { after_deltas: 3 },
        Fault::BadCrc { after_deltas: 3 },
    ] {
        let (err, deltas) = broken_stream(fault.clone()).await;
        assert_eq!(
            err.code,
            ProviderErrorCode::StreamBroken,
            "{fault:?}: {}",
            err.message
        );
        assert_eq!(deltas.concat(), "one two three", "{fault:?}");
        assert_eq!(
            err.partial_text.as_deref(),
            Some("one two three"),
            "{fault:?}"
        );
        assert!(
            err.message
                .starts_with("the answer was cut off after 13 characters: "),
            "{fault:?}: {}",
            err.message
        );
    }
}

#[tokio::test]
async fn cancellation_mid_stream_returns_promptly_with_fewer_tokens() {
    let sim = sim_with(SimConfig {
        tokens_per_sec: Some(20.0),
        ..SimConfig::default()
    })
    .await;
    let words: Vec<String> = (1..=40).map(|i| format!("w{i}")).collect();
    let full = words.join(" ");
    sim.script(NOVA_LITE, Script::text(full.clone()));
    let p = provider(&sim).await;
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let mut events = Vec::new();
    let err = p
        .stream(&ask(NOVA_LITE, "go"), &cancel, &mut |e| {
            if matches!(e, StreamEvent::TextDelta(_)) && events.len() >= 3 {
                trigger.cancel();
            }
            events.push(e);
        })
        .await
        .unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::Cancelled);
    let got = text_deltas(&events);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got.concat(), "w1 w2 w3");
    assert_eq!(err.partial_text.as_deref(), Some("w1 w2 w3"));
    assert_eq!(
        err.message,
        "the call was cancelled after 8 characters; the partial text is kept"
    );
    let partial_words = err.partial_text.unwrap().split_whitespace().count();
    assert!(partial_words < words.len());
    assert!(!events.iter().any(|e| matches!(e, StreamEvent::Stopped(_))));
    assert!(!events.iter().any(|e| matches!(e, StreamEvent::Usage(_))));
}

#[tokio::test]
async fn cancelled_before_the_call_sends_nothing() {
    let sim = sim().await;
    let p = provider(&sim).await;
    let cancel = CancellationToken::new();
    cancel.cancel();
    let err = p
        .stream(&ask(NOVA_LITE, "go"), &cancel, &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::Cancelled);
    assert_eq!(err.partial_text, None);
    let err = p
        .complete(&ask(NOVA_LITE, "go"), &cancel)
        .await
        .unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::Cancelled);
    assert!(sim.requests().is_empty());
}

#[tokio::test]
async fn a_delayed_answer_times_out() {
    let sim = sim().await;
    sim.fault(HAIKU_35, Fault::Delay(Duration::from_secs(5)));
    let p = provider_with(&BedrockSettings {
        timeout_secs: 1,
        ..settings(&sim)
    })
    .await;
    let err = completed(&p, &ask(HAIKU_35, "x")).await.unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::Timeout);
    assert!(
        err.message.starts_with("no complete answer within 1 s"),
        "{}",
        err.message
    );
}

#[tokio::test]
async fn a_stalled_stream_times_out_keeping_the_partial_text() {
    let sim = sim().await;
    sim.script(NOVA_LITE, Script::text("one two three four"));
    sim.fault(
        NOVA_LITE,
        Fault::Stall {
            after_deltas: 2,
            duration: Duration::from_secs(5),
        },
    );
    let p = provider_with(&BedrockSettings {
        timeout_secs: 1,
        ..settings(&sim)
    })
    .await;
    let err = streamed(&p, &ask(NOVA_LITE, "x")).await.unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::Timeout);
    assert_eq!(err.partial_text.as_deref(), Some("one two"));
}

#[tokio::test]
async fn a_wrong_secret_is_rejected_without_showing_it() {
    let sim = sim().await;
    let p = BedrockProvider::with_credentials(
        &settings(&sim),
        Credentials::new(ACCESS_KEY, "not-the-sim-secret", None, None, "test"),
    )
    .await
    .unwrap();
    let err = completed(&p, &ask(HAIKU_35, "x")).await.unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::NoCredentials);
    assert!(
        err.message.contains("InvalidSignatureException"),
        "{}",
        err.message
    );
    assert!(!err.message.contains("not-the-sim-secret"));
    assert_eq!(sim.requests()[0].signature_valid, Some(false));
}

#[tokio::test]
async fn unreachable_and_malformed_endpoints() {
    let url = unused_local_url();
    let p = provider_at(&url).await;
    let err = streamed(&p, &ask(HAIKU_35, "x")).await.unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::Endpoint);
    assert!(
        err.message
            .starts_with(&format!("cannot connect to `{url}` (")),
        "{}",
        err.message
    );

    let err = BedrockProvider::with_credentials(
        &BedrockSettings {
            endpoint_url: Some("localhost:4000".into()),
            ..BedrockSettings::default()
        },
        credentials(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::Endpoint);
    assert!(err.message.contains("`localhost:4000`"), "{}", err.message);
}
