//! Shared set-up for the tests against `bedrock_sim`: a simulator, and a provider pointed at it
//! with the simulator's credentials, a fixed region and a tiny backoff.
#![allow(dead_code)]

use aws_credential_types::Credentials;
use bedrock_sim::{Sim, SimConfig};
use galley_providers::{BedrockProvider, BedrockSettings, ChatMessage, ChatRequest};

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

pub fn ask(model_id: &str, text: &str) -> ChatRequest {
    ChatRequest::new(model_id, vec![ChatMessage::user(text)])
}
