//! The OpenAI-compatible routes over plain HTTP (reqwest).

mod common;

use bedrock_sim::{Fault, Script, Sim, SimConfig};
use common::{get_json, post_json_with_bearer, sim_with};
use serde_json::{json, Value};

const MODEL: &str = "us.amazon.nova-pro-v1:0";

async fn sim_with_key(key: Option<&str>) -> Sim {
    sim_with(SimConfig {
        openai_api_key: key.map(str::to_string),
        ..SimConfig::default()
    })
    .await
}

/// `POST /v1/chat/completions`, with `key` as the bearer token when given.
async fn chat(sim: &Sim, key: Option<&str>, body: &Value) -> reqwest::Response {
    post_json_with_bearer(&sim.url(), "/v1/chat/completions", key, body).await
}

fn chat_body(stream: bool) -> Value {
    json!({
        "model": MODEL,
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "What is the capital of France?"}
        ],
        "max_tokens": 100,
        "temperature": 0.2,
        "stream": stream,
        "stream_options": {"include_usage": true}
    })
}

/// The `data:` payloads of an SSE body.
fn sse_payloads(body: &str) -> Vec<String> {
    body.split("\n\n")
        .filter_map(|event| event.strip_prefix("data: "))
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn streaming_chunks_concatenate_to_the_answer_with_usage() {
    let sim = sim_with_key(Some("sk-sim")).await;
    sim.script(MODEL, Script::text("Paris is the capital of France."));
    let body = chat(&sim, Some("sk-sim"), &chat_body(true)).await;
    assert_eq!(body.status(), 200);
    assert_eq!(body.headers()["content-type"], "text/event-stream");
    let payloads = sse_payloads(&body.text().await.unwrap());
    assert_eq!(payloads.last().map(String::as_str), Some("[DONE]"));
    let chunks: Vec<Value> = payloads[..payloads.len() - 1]
        .iter()
        .map(|p| serde_json::from_str(p).unwrap())
        .collect();
    let text: String = chunks
        .iter()
        .filter_map(|c| {
            c.pointer("/choices/0/delta/content")
                .and_then(Value::as_str)
        })
        .collect();
    assert_eq!(text, "Paris is the capital of France.");
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    let finish: Vec<&Value> = chunks
        .iter()
        .filter_map(|c| c.pointer("/choices/0/finish_reason"))
        .filter(|f| !f.is_null())
        .collect();
    assert_eq!(finish, vec![&json!("stop")]);
    let usage = &chunks.last().unwrap()["usage"];
    assert_eq!(
        usage,
        &json!({"prompt_tokens": 8, "completion_tokens": 6, "total_tokens": 14})
    );
    let log = sim.requests();
    assert_eq!(log[0].operation, "OpenAIChat");
    assert_eq!(log[0].model_id.as_deref(), Some(MODEL));
    assert_eq!(log[0].signature_valid, None);
}

#[tokio::test]
async fn non_streaming_completion_has_content_finish_reason_and_usage() {
    let sim = sim_with_key(None).await;
    let mut body = chat_body(false);
    body["max_tokens"] = json!(3);
    let res: Value = chat(&sim, None, &body).await.json().await.unwrap();
    assert_eq!(res["object"], "chat.completion");
    assert_eq!(res["choices"][0]["message"]["content"], "echo: What is");
    assert_eq!(res["choices"][0]["finish_reason"], "length");
    assert_eq!(
        res["usage"],
        json!({"prompt_tokens": 8, "completion_tokens": 3, "total_tokens": 11})
    );
}

#[tokio::test]
async fn a_wrong_key_gets_401_invalid_api_key() {
    let sim = sim_with_key(Some("sk-sim")).await;
    let res = chat(&sim, Some("sk-wrong"), &chat_body(false)).await;
    assert_eq!(res.status(), 401);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["message"], "Incorrect API key provided");
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert_eq!(body["error"]["code"], "invalid_api_key");
    assert_eq!(sim.requests()[0].status, 401);
}

#[tokio::test]
async fn models_lists_catalog_ids() {
    let sim = sim_with_key(None).await;
    let res: Value = get_json(&sim.url(), "/v1/models").await;
    assert_eq!(res["object"], "list");
    let ids: Vec<&str> = res["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"amazon.nova-micro-v1:0"));
    assert!(ids.contains(&"us.anthropic.claude-sonnet-4-5-20250929-v1:0"));
    assert!(
        !ids.contains(&"anthropic.claude-sonnet-4-5-20250929-v1:0"),
        "profile-only ids are not listed"
    );
    assert_eq!(res["data"][0]["object"], "model");
    assert_eq!(res["data"][0]["owned_by"], "anthropic");
}

#[tokio::test]
async fn faults_apply_to_the_openai_route() {
    let sim = sim_with_key(None).await;
    sim.fault(MODEL, Fault::throttle(1));
    let res = chat(&sim, None, &chat_body(false)).await;
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["retry-after"], "1");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limit_exceeded");

    sim.fault(MODEL, Fault::TruncatedFrame { after_deltas: 2 });
    let res = chat(&sim, None, &chat_body(true)).await;
    assert_eq!(res.status(), 200);
    let read = res.text().await;
    assert!(read.is_err(), "the connection drops mid-stream");

    let res = chat(&sim, None, &chat_body(false)).await;
    assert_eq!(res.status(), 200, "faults are consumed");
}
