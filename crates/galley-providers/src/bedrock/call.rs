//! One Converse or ConverseStream call: send with retries (the SDK's), race it against
//! cancellation and the per-call deadline, read the answer.

use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::client::AttemptCounter;
use super::converse::{
    converse_parts, guardrail_config, guardrail_stream_config, outcome_from_converse,
};
use super::errors::{converse_code, converse_stream_code, stream_output_code, Failure};
use super::stream::{millis_between, StreamState};
use super::BedrockProvider;
use crate::error::ProviderError;
use crate::provider::{ChatOutcome, ChatRequest, StreamEvent};

fn deadline(p: &BedrockProvider, start: Instant) -> tokio::time::Instant {
    tokio::time::Instant::from_std(start) + Duration::from_secs(p.settings.timeout_secs)
}

#[tracing::instrument(name = "bedrock.converse", skip_all, fields(model_id = %req.model_id))]
pub(super) async fn converse(
    p: &BedrockProvider,
    req: &ChatRequest,
    cancel: &CancellationToken,
) -> Result<ChatOutcome, ProviderError> {
    let start = Instant::now();
    let parts = converse_parts(req)?;
    let attempts = AttemptCounter::default();
    let mut call = p
        .runtime
        .converse()
        .model_id(&req.model_id)
        .set_system(parts.system)
        .set_messages(Some(parts.messages))
        .set_inference_config(parts.inference)
        .set_additional_model_request_fields(parts.extra_fields);
    if let Some(g) = &req.guardrail {
        call = call.guardrail_config(guardrail_config(g));
    }
    let send = call.customize().interceptor(attempts.clone()).send();
    let result = tokio::select! {
        biased;
        _ = cancel.cancelled() => return Err(ProviderError::cancelled("")),
        _ = tokio::time::sleep_until(deadline(p, start)) => {
            return Err(ProviderError::timeout(p.settings.timeout_secs, ""))
        }
        result = send => result,
    };
    let ctx = || p.call_context(&req.model_id, p.runtime_endpoint.clone(), attempts.get());
    let output =
        result.map_err(|e| Failure::from_sdk(&e, converse_code).into_provider_error(&ctx()))?;
    let outcome = outcome_from_converse(&output, millis_between(start, Instant::now()));
    tracing::debug!(
        attempts = attempts.get(),
        latency_ms = outcome.latency_ms,
        input_tokens = outcome.usage.input_tokens,
        output_tokens = outcome.usage.output_tokens,
        stop_reason = %outcome.stop_reason,
        "converse finished"
    );
    Ok(outcome)
}

#[tracing::instrument(name = "bedrock.converse_stream", skip_all, fields(model_id = %req.model_id))]
pub(super) async fn converse_stream(
    p: &BedrockProvider,
    req: &ChatRequest,
    cancel: &CancellationToken,
    on_event: &mut (dyn FnMut(StreamEvent) + Send),
) -> Result<ChatOutcome, ProviderError> {
    let start = Instant::now();
    let deadline = deadline(p, start);
    let parts = converse_parts(req)?;
    let attempts = AttemptCounter::default();
    let mut call = p
        .runtime
        .converse_stream()
        .model_id(&req.model_id)
        .set_system(parts.system)
        .set_messages(Some(parts.messages))
        .set_inference_config(parts.inference)
        .set_additional_model_request_fields(parts.extra_fields);
    if let Some(g) = &req.guardrail {
        call = call.guardrail_config(guardrail_stream_config(g));
    }
    let send = call.customize().interceptor(attempts.clone()).send();
    let result = tokio::select! {
        biased;
        _ = cancel.cancelled() => return Err(ProviderError::cancelled("")),
        _ = tokio::time::sleep_until(deadline) => {
            return Err(ProviderError::timeout(p.settings.timeout_secs, ""))
        }
        result = send => result,
    };
    let ctx = || p.call_context(&req.model_id, p.runtime_endpoint.clone(), attempts.get());
    let mut output = result
        .map_err(|e| Failure::from_sdk(&e, converse_stream_code).into_provider_error(&ctx()))?;

    let mut state = StreamState::new(start);
    loop {
        let next = tokio::select! {
            biased;
            _ = cancel.cancelled() => {
                tracing::debug!(chars = state.text().chars().count(), "stream cancelled");
                return Err(ProviderError::cancelled(state.text()));
            }
            _ = tokio::time::sleep_until(deadline) => {
                return Err(ProviderError::timeout(p.settings.timeout_secs, state.text()));
            }
            next = output.stream.recv() => next,
        };
        match next {
            Ok(Some(event)) => state.handle(event, Instant::now(), on_event),
            Ok(None) => break,
            Err(e) => {
                let failure = Failure::from_sdk(&e, stream_output_code);
                tracing::debug!(reason = %failure.reason(), "stream broke");
                return Err(failure.into_stream_error(&ctx(), state.text()));
            }
        }
    }
    let outcome = state.finish(Instant::now());
    tracing::debug!(
        attempts = attempts.get(),
        ttft_ms = outcome.ttft_ms,
        latency_ms = outcome.latency_ms,
        input_tokens = outcome.usage.input_tokens,
        output_tokens = outcome.usage.output_tokens,
        stop_reason = %outcome.stop_reason,
        partial = outcome.partial,
        "converse stream finished"
    );
    Ok(outcome)
}
