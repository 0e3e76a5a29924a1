//! Shared set-up for the tests against `bedrock_sim`: a simulator, and a provider pointed at it
//! with the simulator's credentials, a fixed region and a tiny backoff.
#![allow(dead_code)]

use aws_credential_types::Credentials;
use bedrock_sim::{Sim, SimConfig};
use galley_providers::{
    BedrockProvider, BedrockSettings, CancellationToken, ChatMessage, ChatOutcome, ChatRequest,
    Provider, ProviderError, StreamEvent,
};

pub const ACCESS_KEY: &str = "AKIDSIMULATOR";
pub const SECRET: &str = "sim-secret-key";

pub const HAIKU_35: &str = "anthropic.claude-3-5-haiku-20241022-v1:0";
pub const SONNET_45: &str = "anthropic.claude-sonnet-4-5-20250929-v1:0";
pub const NOVA_LITE: &str = "amazon.nova-lite-v1:0";

pub async fn sim() -> Sim {
    sim_with(SimConfig::default()).await
}

pub async fn sim_with(config: SimConfig) -> Sim {
    Sim::start(config).await.expect("simulator starts")
}

pub fn credentials() -> Credentials {
    Credentials::new(ACCESS_KEY, SECRET, None, None, "test")
}

pub fn settings(sim: &Sim) -> BedrockSettings {
    BedrockSettings {
        profile: None,
        region: Some("us-east-1".into()),
        endpoint_url: Some(sim.url()),
        timeout_secs: 30,
        max_attempts: 3,
        initial_backoff_ms: 10,
    }
}

pub async fn provider(sim: &Sim) -> BedrockProvider {
    provider_with(&settings(sim)).await
}

pub async fn provider_with(settings: &BedrockSettings) -> BedrockProvider {
    BedrockProvider::with_credentials(settings, credentials())
        .await
        .expect("provider builds")
}

/// The URL of a local port that nothing listens on.
pub fn unused_local_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

/// A provider with the default settings but `url` as its endpoint, us-east-1 as its region and a
/// tiny backoff.
pub async fn provider_at(url: &str) -> BedrockProvider {
    provider_with(&BedrockSettings {
        endpoint_url: Some(url.into()),
        region: Some("us-east-1".into()),
        initial_backoff_ms: 10,
        ..BedrockSettings::default()
    })
    .await
}

pub fn ask(model_id: &str, text: &str) -> ChatRequest {
    ChatRequest::new(model_id, vec![ChatMessage::user(text)])
}

/// A streaming call that is never cancelled; its events are dropped.
pub async fn streamed(p: &impl Provider, req: &ChatRequest) -> Result<ChatOutcome, ProviderError> {
    p.stream(req, &CancellationToken::new(), &mut |_| {}).await
}

/// A streaming call that is never cancelled, with the events it reported.
pub async fn streamed_with_events(
    p: &impl Provider,
    req: &ChatRequest,
) -> (Result<ChatOutcome, ProviderError>, Vec<StreamEvent>) {
    let mut events = Vec::new();
    let result = p
        .stream(req, &CancellationToken::new(), &mut |e| events.push(e))
        .await;
    (result, events)
}

/// A call without streaming that is never cancelled.
pub async fn completed(p: &impl Provider, req: &ChatRequest) -> Result<ChatOutcome, ProviderError> {
    p.complete(req, &CancellationToken::new()).await
}

/// The texts of the `textDelta` events, in order.
pub fn text_deltas(events: &[StreamEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::TextDelta(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}
