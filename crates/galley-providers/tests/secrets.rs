//! Credential values appear nowhere: not in `Debug` output, not in error messages, not in the
//! tracing output (at TRACE level, the SDK's included) of calls. Its own test binary: it installs
//! the global tracing subscriber.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use aws_credential_types::Credentials;
use bedrock_sim::Fault;
use common::*;
use galley_providers::{BedrockProvider, Prices, Provider, ProviderError};
use tokio_util::sync::CancellationToken;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const OTHER_SECRET: &str = "wrong-secret-9f8e7d";

#[tokio::test]
async fn secrets_stay_out_of_debug_errors_and_traces() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let sim = sim().await;
    sim.fault(NOVA_LITE, Fault::ThrottleMidStream { after_deltas: 1 });
    let settings = settings(&sim);
    let p = provider(&sim).await;
    let cancel = CancellationToken::new();

    let mut errors: Vec<ProviderError> = Vec::new();
    let ok = p
        .stream(&ask(HAIKU_35, "hello"), &cancel, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(ok.text, "echo: hello");
    errors.push(
        p.stream(&ask(NOVA_LITE, "one two"), &cancel, &mut |_| {})
            .await
            .unwrap_err(),
    );
    errors.push(p.complete(&ask(SONNET_45, "x"), &cancel).await.unwrap_err());
    errors.push(
        p.complete(&ask("sim.access-denied", "x"), &cancel)
            .await
            .unwrap_err(),
    );
    let catalog = p.catalog(&Prices::bundled()).await.unwrap();
    assert!(!catalog.models.is_empty());
    let wrong = BedrockProvider::with_credentials(
        &settings,
        Credentials::new(ACCESS_KEY, OTHER_SECRET, None, None, "test"),
    )
    .await
    .unwrap();
    errors.push(
        wrong
            .stream(&ask(HAIKU_35, "x"), &cancel, &mut |_| {})
            .await
            .unwrap_err(),
    );
    assert_eq!(errors.len(), 4);

    let debug = format!("{p:?} {settings:?} {wrong:?}");
    let messages: Vec<String> = errors
        .iter()
        .map(|e| format!("{e:?} {}", serde_json::to_string(e).unwrap()))
        .collect();
    let traces = String::from_utf8_lossy(&capture.0.lock().unwrap()).to_string();

    // the capture really saw the calls, the SDK's internals included
    assert!(
        traces.contains("bedrock.converse_stream"),
        "no span in the capture"
    );
    assert!(
        traces.contains("aws_smithy_runtime"),
        "no SDK trace in the capture"
    );
    for secret in [SECRET, OTHER_SECRET] {
        assert!(!debug.contains(secret), "secret in Debug: {debug}");
        for m in &messages {
            assert!(!m.contains(secret), "secret in an error: {m}");
        }
        assert!(!traces.contains(secret), "secret in the tracing output");
    }
}
