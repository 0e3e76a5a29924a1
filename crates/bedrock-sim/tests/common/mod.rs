//! Clients of the real AWS SDK pointed at a simulator, with nothing taken from the environment.

#![allow(dead_code)]

use std::time::Duration;

use aws_sdk_bedrockruntime::config::retry::RetryConfig;
use aws_sdk_bedrockruntime::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, Message};
use bedrock_sim::{Sim, SimConfig};

pub const AKID: &str = "AKIDSIMULATOR";
pub const SECRET: &str = "sim-secret-key";

pub fn retry() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(10))
}

/// A Bedrock Runtime client signing with `AKIDSIMULATOR` and the given secret.
pub fn runtime_with_secret(sim: &Sim, secret: &str) -> aws_sdk_bedrockruntime::Client {
    let config = aws_sdk_bedrockruntime::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(sim.url())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            AKID,
            secret,
            None,
            None,
            "bedrock-sim-tests",
        ))
        .retry_config(retry())
        .build();
    aws_sdk_bedrockruntime::Client::from_conf(config)
}

pub fn runtime(sim: &Sim) -> aws_sdk_bedrockruntime::Client {
    runtime_with_secret(sim, SECRET)
}

/// A Bedrock control-plane client.
pub fn control(sim: &Sim) -> aws_sdk_bedrock::Client {
    let config = aws_sdk_bedrock::Config::builder()
        .behavior_version(aws_sdk_bedrock::config::BehaviorVersion::latest())
        .endpoint_url(sim.url())
        .region(aws_sdk_bedrock::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_bedrock::config::Credentials::new(
            AKID,
            SECRET,
            None,
            None,
            "bedrock-sim-tests",
        ))
        .retry_config(retry())
        .build();
    aws_sdk_bedrock::Client::from_conf(config)
}

pub async fn sim() -> Sim {
    Sim::start(SimConfig::default())
        .await
        .expect("simulator starts")
}

pub fn user(text: &str) -> Message {
    Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::Text(text.to_string()))
        .build()
        .expect("valid message")
}
