//! The runtime operations: Converse, ConverseStream, CountTokens, ApplyGuardrail.

use axum::body::Body;
use axum::http::Response;
use serde_json::{json, Value};

use super::{json_response, Call};
use crate::answer::{assessment, compose, Answer, BLOCKED_MESSAGE, BLOCK_WORD};
use crate::catalog::{resolve, Resolved};
use crate::errors::ApiError;
use crate::eventstream as es;
use crate::fault::Fault;
use crate::prompt::{validate_converse, Prompt};
use crate::state::Shared;
use crate::stream::{self, DeltaPlan, Step, Strike};

/// Whether a model id may be invoked; a scripted id always may.
pub(crate) fn check_model(model_id: &str, scripted: bool) -> Result<(), ApiError> {
    if scripted {
        return Ok(());
    }
    match resolve(model_id) {
        Resolved::Invocable => Ok(()),
        Resolved::ProfileOnly => Err(ApiError::profile_only(model_id)),
        Resolved::AccessDenied => Err(ApiError::access_denied()),
        Resolved::Unknown => Err(ApiError::invalid_model()),
    }
}

/// Converse, or ConverseStream when `streaming`.
pub(crate) async fn converse(
    shared: &Shared,
    call: &Call,
    model_id: &str,
    streaming: bool,
) -> Response<Body> {
    let mut stream_fault = None;
    match shared.take_fault(model_id, streaming) {
        Some(Fault::Delay(d)) => tokio::time::sleep(d).await,
        Some(Fault::Status {
            status,
            error_type,
            message,
            ..
        }) => return ApiError::new(status, &error_type, message).into_response(&call.request_id),
        other => stream_fault = other,
    }
    let script = shared.script(model_id);
    if let Err(e) = check_model(model_id, script.is_some()) {
        return e.into_response(&call.request_id);
    }
    if let Err(message) = validate_converse(&call.json) {
        return ApiError::validation(message).into_response(&call.request_id);
    }
    let prompt = Prompt::from_converse(&call.json);
    let answer = compose(model_id, &prompt, script.as_ref(), |k| shared.cache_seen(k));
    let latency_ms = shared.config.simulated_latency_ms(answer.usage.output);

    if streaming {
        return stream_answer(shared, call, &answer, latency_ms, stream_fault.as_ref());
    }
    let generation = shared.config.generation_time(answer.usage.output);
    if !generation.is_zero() {
        tokio::time::sleep(generation).await;
    }
    let mut body = json!({
        "output": { "message": { "role": "assistant", "content": [{ "text": answer.text }] } },
        "stopReason": answer.stop_reason,
        "usage": answer.usage.to_json(),
        "metrics": { "latencyMs": latency_ms },
    });
    if let Some(trace) = &answer.trace {
        body["trace"] = trace.clone();
    }
    json_response(200, &call.request_id, &body)
}

fn stream_answer(
    shared: &Shared,
    call: &Call,
    answer: &Answer,
    latency_ms: u64,
    fault: Option<&Fault>,
) -> Response<Body> {
    let deltas = answer.deltas().into_iter().map(es::text_delta).collect();
    let tail = vec![
        es::content_block_stop(),
        es::message_stop(answer),
        es::metadata(answer, latency_ms),
    ];
    let plan = DeltaPlan {
        config: &shared.config,
        fault,
    };
    let steps = plan.steps(
        vec![es::message_start()],
        deltas,
        tail,
        |fault, next| match fault {
            Fault::Stall { duration, .. } => Strike::Resume(*duration),
            Fault::ThrottleMidStream { .. } => {
                Strike::End(vec![Step::Send(es::throttling_exception())])
            }
            Fault::ModelStreamError { .. } => {
                Strike::End(vec![Step::Send(es::model_stream_error_exception())])
            }
            Fault::TruncatedFrame { .. } => Strike::End(vec![Step::Send(es::truncated(next))]),
            Fault::BadCrc { .. } => Strike::End(vec![Step::Send(es::with_bad_crc(next))]),
            Fault::Status { .. } | Fault::Delay(_) => Strike::Resume(std::time::Duration::ZERO),
        },
    );
    Response::builder()
        .status(200)
        .header("content-type", "application/vnd.amazon.eventstream")
        .header("x-amzn-RequestId", call.request_id.as_str())
        .body(stream::body(steps))
        .unwrap_or_default()
}

/// CountTokens: `{"input":{"converse":{…}}}` → `{"inputTokens": N}`.
pub(crate) fn count_tokens(shared: &Shared, call: &Call, model_id: &str) -> Response<Body> {
    if let Err(e) = check_model(model_id, shared.script(model_id).is_some()) {
        return e.into_response(&call.request_id);
    }
    let Some(converse) = call.json.pointer("/input/converse") else {
        return ApiError::validation(
            "The simulator counts tokens of Converse input only: send {\"input\":{\"converse\":{…}}}.",
        )
        .into_response(&call.request_id);
    };
    let tokens = Prompt::from_converse(converse).input_tokens;
    json_response(200, &call.request_id, &json!({ "inputTokens": tokens }))
}

/// ApplyGuardrail: intervenes when a text contains the block word.
pub(crate) fn apply_guardrail(call: &Call) -> Response<Body> {
    let texts: Vec<String> = call
        .json
        .get("content")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.pointer("/text/text").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let blocked = texts.iter().any(|t| t.contains(BLOCK_WORD));
    let a = assessment(&texts, blocked);
    let usage = a["invocationMetrics"]["usage"].clone();
    let coverage = a["invocationMetrics"]["guardrailCoverage"].clone();
    let mut body = json!({
        "usage": usage,
        "action": if blocked { "GUARDRAIL_INTERVENED" } else { "NONE" },
        "outputs": if blocked { json!([{ "text": BLOCKED_MESSAGE }]) } else { json!([]) },
        "assessments": [a],
        "guardrailCoverage": coverage,
    });
    if blocked {
        body["actionReason"] = json!("Guardrail blocked.");
    }
    json_response(200, &call.request_id, &body)
}
