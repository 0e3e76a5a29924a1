//! What the engine tests share: an engine in a data folder; for the tests against bedrock-sim,
//! the simulator's AWS environment (no real `~/.aws`) and an engine in a temporary data folder
//! whose Settings point at the simulator.
#![allow(dead_code)] // each test file uses part of it

use bedrock_sim::Sim;
use galley_engine::providers::BedrockSettings;
use galley_engine::{AppSettings, Engine};

/// An engine on the data folder `data` inside `dir`.
pub async fn engine(dir: &std::path::Path) -> Engine {
    Engine::open(&dir.join("data")).await.unwrap()
}

pub const SECRET: &str = "sim-secret-key";

/// The simulator's credentials and no AWS files. Every test sets the same variables, so running
/// them in parallel is harmless.
pub fn aws_env(home: &std::path::Path) {
    std::env::set_var("AWS_ACCESS_KEY_ID", "AKIDSIMULATOR");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", SECRET);
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    std::env::set_var("AWS_CONFIG_FILE", home.join("no-config"));
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"));
    std::env::remove_var("AWS_PROFILE");
    std::env::remove_var("AWS_BEARER_TOKEN_BEDROCK");
    std::env::remove_var("AWS_ENDPOINT_URL");
    std::env::remove_var("AWS_ENDPOINT_URL_BEDROCK_RUNTIME");
}

/// An engine in a new temporary data folder, Bedrock pointed at the simulator (`max_attempts`
/// SDK attempts when given, quick back-off).
pub async fn engine_on_sim(sim: &Sim, max_attempts: Option<u32>) -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    aws_env(dir.path());
    let engine = Engine::open(&dir.path().join("data")).await.unwrap();
    let mut bedrock = BedrockSettings {
        region: Some("us-east-1".into()),
        endpoint_url: Some(sim.url()),
        initial_backoff_ms: 10,
        ..Default::default()
    };
    if let Some(n) = max_attempts {
        bedrock.max_attempts = n;
    }
    engine
        .settings_save(AppSettings {
            bedrock,
            ..Default::default()
        })
        .await
        .unwrap();
    (dir, engine)
}
