//! Clients of the real AWS SDK pointed at a simulator, with nothing taken from the environment.

#![allow(dead_code)]

use std::time::Duration;

use aws_sdk_bedrockruntime::config::http::HttpResponse;
use aws_sdk_bedrockruntime::config::retry::RetryConfig;
use aws_sdk_bedrockruntime::config::{
    BehaviorVersion, Builder as RuntimeConfig, Credentials, Region,
};
use aws_sdk_bedrockruntime::error::SdkError;
use aws_sdk_bedrockruntime::operation::converse::builders::ConverseFluentBuilder;
use aws_sdk_bedrockruntime::operation::converse::{ConverseError, ConverseOutput};
use aws_sdk_bedrockruntime::operation::converse_stream::builders::ConverseStreamFluentBuilder;
use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, Message};
use bedrock_sim::{Sim, SimConfig};
use serde::de::DeserializeOwned;
use serde_json::Value;

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

/// [`runtime`] with its configuration changed by `change` (timeouts, stall protection).
pub fn runtime_with_config(
    sim: &Sim,
    change: impl FnOnce(RuntimeConfig) -> RuntimeConfig,
) -> aws_sdk_bedrockruntime::Client {
    let config = change(runtime(sim).config().to_builder()).build();
    aws_sdk_bedrockruntime::Client::from_conf(config)
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
    sim_with(SimConfig::default()).await
}

pub async fn sim_with(config: SimConfig) -> Sim {
    Sim::start(config).await.expect("simulator starts")
}

pub fn user(text: &str) -> Message {
    Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::Text(text.to_string()))
        .build()
        .expect("valid message")
}

/// A Converse request of one user message, to send or to add to.
pub fn converse(
    client: &aws_sdk_bedrockruntime::Client,
    model_id: &str,
    prompt: &str,
) -> ConverseFluentBuilder {
    client.converse().model_id(model_id).messages(user(prompt))
}

/// Sends a Converse request of one user message through [`runtime`].
pub async fn send_converse(
    sim: &Sim,
    model_id: &str,
    prompt: &str,
) -> Result<ConverseOutput, SdkError<ConverseError, HttpResponse>> {
    converse(&runtime(sim), model_id, prompt).send().await
}

/// A ConverseStream request of one user message, to send or to add to.
pub fn converse_stream(
    client: &aws_sdk_bedrockruntime::Client,
    model_id: &str,
    prompt: &str,
) -> ConverseStreamFluentBuilder {
    client
        .converse_stream()
        .model_id(model_id)
        .messages(user(prompt))
}

/// `POST {base_url}{path}` with a JSON body, over plain HTTP.
pub async fn post_json(base_url: &str, path: &str, body: &Value) -> reqwest::Response {
    post_json_with_bearer(base_url, path, None, body).await
}

/// [`post_json`] with `Authorization: Bearer <token>` when a token is given.
pub async fn post_json_with_bearer(
    base_url: &str,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(format!("{base_url}{path}"))
        .json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("the simulator answers")
}

/// `GET {base_url}{path}`, read as JSON.
pub async fn get_json<T: DeserializeOwned>(base_url: &str, path: &str) -> T {
    reqwest::get(format!("{base_url}{path}"))
        .await
        .expect("the simulator answers")
        .json()
        .await
        .expect("a JSON body")
}
