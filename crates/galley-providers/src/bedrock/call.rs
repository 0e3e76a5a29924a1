//! One Converse or ConverseStream call: send with retries (the SDK's), race it against
//! cancellation and the per-call deadline, read the answer.

use std::future::Future;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::client::AttemptCounter;
use super::converse::{
    converse_parts, guardrail_config, guardrail_stream_config, outcome_from_converse, ConverseParts,
};
use super::errors::{converse_code, converse_stream_code, stream_output_code, Failure};
use super::stream::{millis_between, StreamState};
use super::BedrockProvider;
use crate::error::{ProviderError, ProviderErrorCode};
use crate::provider::{ChatOutcome, ChatRequest, StreamEvent};

/// What ends a call early: the caller's cancellation and the per-call deadline.
struct CallLimits<'a> {
    cancel: &'a CancellationToken,
    deadline: tokio::time::Instant,
    timeout_secs: u64,
}

impl<'a> CallLimits<'a> {
    fn new(p: &BedrockProvider, cancel: &'a CancellationToken, start: Instant) -> CallLimits<'a> {
        let timeout_secs = p.settings.timeout_secs;
        CallLimits {
            cancel,
            deadline: tokio::time::Instant::from_std(start) + Duration::from_secs(timeout_secs),
            timeout_secs,
        }
    }

    /// The output of `work`, unless the call is cancelled or its deadline passes first; the error
    /// then keeps `partial`, the text received so far.
    async fn race<T>(
        &self,
        work: impl Future<Output = T>,
        partial: &str,
    ) -> Result<T, ProviderError> {
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => Err(ProviderError::cancelled(partial)),
            _ = tokio::time::sleep_until(self.deadline) => {
                Err(ProviderError::timeout(self.timeout_secs, partial))
            }
            out = work => Ok(out),
        }
    }
}

/// Sets the request's parts on a Converse or ConverseStream fluent builder and sends it, counting
/// attempts. The two builders have the same setters but no common trait; `$guardrail` maps the
/// request's guardrail to the operation's guardrail type.
macro_rules! send_converse {
    ($builder:expr, $req:expr, $parts:expr, $guardrail:expr, $attempts:expr) => {{
        let req: &ChatRequest = $req;
        let parts: ConverseParts = $parts;
        $builder
            .model_id(&req.model_id)
            .set_system(parts.system)
            .set_messages(Some(parts.messages))
            .set_inference_config(parts.inference)
            .set_additional_model_request_fields(parts.extra_fields)
            .set_guardrail_config(req.guardrail.as_ref().map($guardrail))
            .customize()
            .interceptor($attempts.clone())
            .send()
    }};
}

#[tracing::instrument(name = "bedrock.converse", skip_all, fields(model_id = %req.model_id))]
pub(super) async fn converse(
    p: &BedrockProvider,
    req: &ChatRequest,
    cancel: &CancellationToken,
) -> Result<ChatOutcome, ProviderError> {
    let start = Instant::now();
    let limits = CallLimits::new(p, cancel, start);
    let attempts = AttemptCounter::default();
    let parts = converse_parts(req)?;
    let send = send_converse!(p.runtime.converse(), req, parts, guardrail_config, attempts);
    let result = limits.race(send, "").await?;
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
    let limits = CallLimits::new(p, cancel, start);
    let attempts = AttemptCounter::default();
    let parts = converse_parts(req)?;
    let send = send_converse!(
        p.runtime.converse_stream(),
        req,
        parts,
        guardrail_stream_config,
        attempts
    );
    let result = limits.race(send, "").await?;
    let ctx = || p.call_context(&req.model_id, p.runtime_endpoint.clone(), attempts.get());
    let mut output = result
        .map_err(|e| Failure::from_sdk(&e, converse_stream_code).into_provider_error(&ctx()))?;

    let mut state = StreamState::new(start);
    loop {
        let next = limits
            .race(output.stream.recv(), state.text())
            .await
            .inspect_err(|err| {
                if err.code == ProviderErrorCode::Cancelled {
                    tracing::debug!(chars = state.text().chars().count(), "stream cancelled");
                }
            })?;
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
    outcome.trace_finished("converse stream", Some(attempts.get()));
    Ok(outcome)
}

/// CountTokens for the Converse form of a request: the input tokens the model would bill.
#[tracing::instrument(name = "bedrock.count_tokens", skip_all, fields(model_id = %req.model_id))]
pub(super) async fn count_tokens(
    p: &BedrockProvider,
    req: &ChatRequest,
) -> Result<u32, ProviderError> {
    use aws_sdk_bedrockruntime::types::{ConverseTokensRequest, CountTokensInput};
    let parts = converse_parts(req)?;
    let input = ConverseTokensRequest::builder()
        .set_system(parts.system)
        .set_messages(Some(parts.messages))
        .set_additional_model_request_fields(parts.extra_fields)
        .build();
    let attempts = AttemptCounter::default();
    let result = p
        .runtime
        .count_tokens()
        .model_id(&req.model_id)
        .input(CountTokensInput::Converse(input))
        .customize()
        .interceptor(attempts.clone())
        .send()
        .await;
    let ctx = || p.call_context(&req.model_id, p.runtime_endpoint.clone(), attempts.get());
    let output = result.map_err(|e| {
        super::errors::Failure::from_sdk(&e, super::errors::count_tokens_code)
            .into_provider_error(&ctx())
    })?;
    Ok(u32::try_from(output.input_tokens()).unwrap_or(0))
}
