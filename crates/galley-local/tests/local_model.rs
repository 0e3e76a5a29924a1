//! The local provider against the real default model (SmolLM2-135M-Instruct Q4_1).
//!
//! Skipped (with a note on stderr) when the model is not installed and `GALLEY_REQUIRE_MODEL` is
//! unset; with `GALLEY_REQUIRE_MODEL=1` a missing model fails. Install it with `make model`.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Instant;

use galley_local::{default_model_path, LocalProvider, LocalSettings};
use galley_providers::{
    CancellationToken, ChatMessage, ChatRequest, Provider, ProviderErrorCode, StopReason,
    StreamEvent,
};

/// The provider, or `None` when the test should be skipped.
fn provider() -> Option<LocalProvider> {
    let path = default_model_path();
    if !path.is_file() {
        let required = std::env::var("GALLEY_REQUIRE_MODEL").is_ok_and(|v| !v.is_empty());
        assert!(
            !required,
            "GALLEY_REQUIRE_MODEL is set but the model is missing at {}: run `make model`",
            path.display()
        );
        eprintln!(
            "SKIPPED: the default local model is not installed at {} (run `make model`, or set \
             GALLEY_REQUIRE_MODEL=1 to make this a failure)",
            path.display()
        );
        return None;
    }
    Some(LocalProvider::load(&path, LocalSettings::default()).expect("the model loads"))
}

/// The tests share two cores: one generation at a time keeps the timing figures honest.
async fn serial() -> tokio::sync::MutexGuard<'static, ()> {
    static LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    LOCK.lock().await
}

fn france(max_tokens: Option<u32>) -> ChatRequest {
    let mut req = ChatRequest::new(
        "smollm2-135m-instruct",
        vec![ChatMessage::user("What is the capital of France?")],
    );
    req.params.temperature = Some(0.0);
    req.params.max_tokens = max_tokens;
    req
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn greedy_answers_paris_and_is_reproducible() {
    let Some(provider) = provider() else { return };
    let _serial = serial().await;
    let req = france(Some(64));
    let cancel = CancellationToken::new();

    let mut events = Vec::new();
    let started = Instant::now();
    let first = provider
        .stream(&req, &cancel, &mut |e| events.push(e))
        .await
        .expect("the first call succeeds");
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "answer: {:?} ({} prompt tokens, {} output tokens, stop {}, ttft {:?} ms, latency {} ms, \
         {:.1} output tokens/s end to end)",
        first.text,
        first.usage.input_tokens,
        first.usage.output_tokens,
        first.stop_reason,
        first.ttft_ms,
        first.latency_ms,
        f64::from(first.usage.output_tokens) / seconds
    );

    assert!(first.text.contains("Paris"), "{:?}", first.text);
    assert!(first.usage.input_tokens > 0);
    assert!(first.usage.output_tokens > 0);
    assert!(
        ["end_turn", "max_tokens"].contains(&first.stop_reason.as_str()),
        "{}",
        first.stop_reason
    );
    assert!(!first.partial);
    assert!(first.ttft_ms.is_some_and(|t| t <= first.latency_ms));

    // the events: started, the deltas that make the text, stopped, usage
    assert_eq!(events.first(), Some(&StreamEvent::Started));
    let streamed: String = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::TextDelta(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(streamed, first.text);
    let n = events.len();
    assert_eq!(
        events[n - 2],
        StreamEvent::Stopped(StopReason::from_wire(&first.stop_reason))
    );
    assert_eq!(events[n - 1], StreamEvent::Usage(first.usage));

    // the same model again (loaded once, shared), the same text
    let again = LocalProvider::load(default_model_path(), LocalSettings::default()).unwrap();
    let second = again.complete(&req, &cancel).await.unwrap();
    assert_eq!(second.text, first.text);
    assert_eq!(second.usage, first.usage);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_tokens_caps_the_answer() {
    let Some(provider) = provider() else { return };
    let _serial = serial().await;
    let mut req = france(Some(5));
    req.messages = vec![ChatMessage::user(
        "Write a long story about a dragon who learns to cook.",
    )];
    let out = provider
        .complete(&req, &CancellationToken::new())
        .await
        .unwrap();
    eprintln!("max_tokens=5: {:?} {:?}", out.text, out.usage);
    assert!(out.usage.output_tokens <= 5, "{:?}", out.usage);
    assert_eq!(out.usage.output_tokens, 5);
    assert_eq!(out.stop_reason, "max_tokens");
    assert!(!out.text.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_sequence_cuts_the_answer() {
    let Some(provider) = provider() else { return };
    let _serial = serial().await;
    let mut req = france(Some(64));
    let full = provider
        .complete(&req, &CancellationToken::new())
        .await
        .unwrap();
    let at = full
        .text
        .find("Paris")
        .expect("the greedy answer names Paris");
    req.params.stop_sequences = vec!["Paris".into()];
    let cut = provider
        .complete(&req, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(cut.stop_reason, "stop_sequence");
    assert_eq!(cut.text, full.text[..at]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_stops_within_one_token() {
    let Some(provider) = provider() else { return };
    let _serial = serial().await;
    let mut req = france(Some(200));
    req.messages = vec![ChatMessage::user(
        "Write a long story about a dragon who learns to cook.",
    )];
    let cancel = CancellationToken::new();
    let generated = Arc::new(AtomicU32::new(0));
    let mut deltas = 0;
    let mut at_cancel = None;
    let mut after_cancel_deltas = 0;
    let err = provider
        .stream_counting(&req, &cancel, Arc::clone(&generated), &mut |e| {
            if let StreamEvent::TextDelta(_) = e {
                if at_cancel.is_some() {
                    after_cancel_deltas += 1;
                }
                deltas += 1;
                if deltas == 3 {
                    at_cancel = Some(generated.load(Ordering::SeqCst));
                    cancel.cancel();
                }
            }
        })
        .await
        .expect_err("the call is cancelled");
    let at_cancel = at_cancel.expect("three deltas arrived");
    let total = generated.load(Ordering::SeqCst);
    eprintln!("cancelled: {at_cancel} tokens at the request, {total} in all; {err:?}");
    assert_eq!(err.code, ProviderErrorCode::Cancelled);
    assert!(err.partial_text.as_deref().is_some_and(|t| !t.is_empty()));
    assert!(
        total - at_cancel <= 1,
        "{} tokens after the cancel",
        total - at_cancel
    );
    assert_eq!(after_cancel_deltas, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throughput_is_reported() {
    let Some(provider) = provider() else { return };
    let _serial = serial().await;
    let mut req = france(Some(128));
    req.messages = vec![ChatMessage::user(
        "Write a long story about a dragon who learns to cook.",
    )];
    let out = provider
        .complete(&req, &CancellationToken::new())
        .await
        .unwrap();
    let decode_ms = out.latency_ms - out.ttft_ms.unwrap_or(0);
    let tokens_per_s =
        f64::from(out.usage.output_tokens.saturating_sub(1)) * 1000.0 / decode_ms.max(1) as f64;
    eprintln!(
        "throughput: {} output tokens in {} ms (ttft {:?} ms): {:.1} tokens/s after the first \
         token, {} threads",
        out.usage.output_tokens,
        out.latency_ms,
        out.ttft_ms,
        tokens_per_s,
        provider.settings().threads
    );
    assert!(out.usage.output_tokens > 1);
}

#[test]
fn a_missing_file_is_model_not_found() {
    let err = LocalProvider::load("/nonexistent/model.gguf", LocalSettings::default()).unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::ModelNotFound);
    assert_eq!(
        err.message,
        "the local model file `/nonexistent/model.gguf` does not exist: pick a GGUF file in Settings"
    );
}
