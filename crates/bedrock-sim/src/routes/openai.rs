//! The OpenAI-compatible routes: `GET /v1/models` and `POST /v1/chat/completions`
//! (JSON or server-sent events).

use axum::body::Body;
use axum::http::Response;
use bytes::Bytes;
use serde_json::{json, Value};

use super::runtime::check_model;
use super::Call;
use crate::answer::{compose, Answer};
use crate::catalog;
use crate::fault::Fault;
use crate::prompt::Prompt;
use crate::state::Shared;
use crate::stream::{self, DeltaPlan, Step, Strike};

/// A fixed `created` timestamp keeps responses deterministic.
const CREATED: u64 = 1_700_000_000;

fn openai_error(
    status: u16,
    request_id: &str,
    message: &str,
    kind: &str,
    code: Value,
) -> Response<Body> {
    let mut builder = Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("x-request-id", request_id);
    if status == 429 {
        builder = builder.header("retry-after", "1");
    }
    let body =
        json!({ "error": { "message": message, "type": kind, "param": null, "code": code } });
    builder
        .body(Body::from(body.to_string()))
        .unwrap_or_default()
}

/// 401 for a key that is not the configured one.
pub(crate) fn invalid_key(request_id: &str) -> Response<Body> {
    openai_error(
        401,
        request_id,
        "Incorrect API key provided",
        "invalid_request_error",
        json!("invalid_api_key"),
    )
}

fn json_ok(request_id: &str, body: &Value) -> Response<Body> {
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .header("x-request-id", request_id)
        .body(Body::from(body.to_string()))
        .unwrap_or_default()
}

/// `GET /v1/models`: every invocable catalog id, then the scripted ones.
pub(crate) fn models(shared: &Shared, call: &Call) -> Response<Body> {
    let mut data: Vec<Value> = catalog::invocable_ids()
        .into_iter()
        .map(|(id, provider)| json!({ "id": id, "object": "model", "created": CREATED, "owned_by": provider.to_lowercase() }))
        .collect();
    for id in shared.scripted_ids() {
        if !data.iter().any(|d| d["id"] == id.as_str()) {
            data.push(json!({ "id": id, "object": "model", "created": CREATED, "owned_by": "bedrock-sim" }));
        }
    }
    json_ok(&call.request_id, &json!({ "object": "list", "data": data }))
}

fn finish_reason(stop_reason: &str) -> &'static str {
    match stop_reason {
        "max_tokens" => "length",
        "guardrail_intervened" | "content_filtered" => "content_filter",
        "tool_use" => "tool_calls",
        _ => "stop",
    }
}

fn usage(answer: &Answer) -> Value {
    let u = answer.usage;
    let prompt = u.input + u.cache_read + u.cache_write;
    json!({
        "prompt_tokens": prompt,
        "completion_tokens": u.output,
        "total_tokens": prompt + u.output,
    })
}

/// `POST /v1/chat/completions`.
pub(crate) async fn chat(shared: &Shared, call: &Call) -> Response<Body> {
    let rid = &call.request_id;
    let Some(model) = call.json.get("model").and_then(Value::as_str) else {
        return openai_error(
            400,
            rid,
            "you must provide a model parameter",
            "invalid_request_error",
            Value::Null,
        );
    };
    if call
        .json
        .get("messages")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty)
    {
        return openai_error(
            400,
            rid,
            "'messages' must contain at least one message",
            "invalid_request_error",
            Value::Null,
        );
    }
    let streaming = call
        .json
        .get("stream")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut stream_fault = None;
    match shared.take_fault(model, streaming) {
        Some(Fault::Delay(d)) => tokio::time::sleep(d).await,
        Some(Fault::Status {
            status, message, ..
        }) => {
            let (kind, code) = match status {
                429 => ("requests", json!("rate_limit_exceeded")),
                500..=599 => ("server_error", Value::Null),
                _ => ("invalid_request_error", Value::Null),
            };
            return openai_error(status, rid, &message, kind, code);
        }
        other => stream_fault = other,
    }
    let script = shared.script(model);
    if let Err(e) = check_model(model, script.is_some()) {
        let message = if e.message == "The provided model identifier is invalid." {
            format!("The model `{model}` does not exist or you do not have access to it.")
        } else {
            e.message.clone()
        };
        let code = if e.status == 403 {
            json!("model_access_denied")
        } else {
            json!("model_not_found")
        };
        let status = if e.status == 403 { 403 } else { 404 };
        return openai_error(status, rid, &message, "invalid_request_error", code);
    }

    let prompt = Prompt::from_openai(&call.json);
    let answer = compose(model, &prompt, script.as_ref(), |k| shared.cache_seen(k));
    let id = format!("chatcmpl-{}", rid.rsplit('-').next().unwrap_or(rid));
    if streaming {
        let include_usage = call
            .json
            .pointer("/stream_options/include_usage")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        return stream_chat(
            shared,
            call,
            &id,
            model,
            &answer,
            include_usage,
            stream_fault.as_ref(),
        );
    }
    let generation = shared.config.generation_time(answer.usage.output);
    if !generation.is_zero() {
        tokio::time::sleep(generation).await;
    }
    json_ok(
        rid,
        &json!({
            "id": id,
            "object": "chat.completion",
            "created": CREATED,
            "model": model,
            "choices": [{
                "index": 0,
                "message": { "role": "assistant", "content": answer.text },
                "finish_reason": finish_reason(&answer.stop_reason),
            }],
            "usage": usage(&answer),
        }),
    )
}

fn sse(value: &Value) -> Bytes {
    Bytes::from(format!("data: {value}\n\n"))
}

fn stream_chat(
    shared: &Shared,
    call: &Call,
    id: &str,
    model: &str,
    answer: &Answer,
    include_usage: bool,
    fault: Option<&Fault>,
) -> Response<Body> {
    let chunk = |delta: Value, finish: Value| {
        sse(&json!({
            "id": id,
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": model,
            "choices": [{ "index": 0, "delta": delta, "finish_reason": finish }],
        }))
    };
    let start = vec![chunk(
        json!({ "role": "assistant", "content": "" }),
        Value::Null,
    )];
    let deltas = answer
        .deltas()
        .into_iter()
        .map(|d| chunk(json!({ "content": d }), Value::Null))
        .collect();
    let mut tail = vec![chunk(json!({}), json!(finish_reason(&answer.stop_reason)))];
    if include_usage {
        tail.push(sse(&json!({
            "id": id,
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": model,
            "choices": [],
            "usage": usage(answer),
        })));
    }
    tail.push(Bytes::from_static(b"data: [DONE]\n\n"));

    let plan = DeltaPlan {
        config: &shared.config,
        fault,
    };
    let steps = plan.steps(start, deltas, tail, |fault, next| match fault {
        Fault::Stall { duration, .. } => Strike::Resume(*duration),
        Fault::ThrottleMidStream { .. } => Strike::End(vec![Step::Send(sse(&json!({
            "error": { "message": "Rate limit reached mid-stream.", "type": "requests", "param": null, "code": "rate_limit_exceeded" }
        })))]),
        Fault::ModelStreamError { .. } => Strike::End(vec![Step::Send(sse(&json!({
            "error": { "message": "The model stream was interrupted by a model error.", "type": "server_error", "param": null, "code": null }
        })))]),
        Fault::TruncatedFrame { .. } | Fault::BadCrc { .. } => Strike::End(vec![
            Step::Send(next.slice(..next.len() / 2)),
            Step::Abort,
        ]),
        Fault::Status { .. } | Fault::Delay(_) => Strike::Resume(std::time::Duration::ZERO),
    });
    Response::builder()
        .status(200)
        .header("content-type", "text/event-stream")
        .header("cache-control", "no-cache")
        .header("x-request-id", call.request_id.as_str())
        .body(stream::body(steps))
        .unwrap_or_default()
}
