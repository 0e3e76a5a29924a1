//! One chat-completions call: send with retries (429 and 5xx, before the answer starts), race it
//! against cancellation and the per-call deadline, read the server-sent events.

use std::future::Future;
use std::time::{Duration, Instant};

use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use super::errors::{body_message, is_retryable, send_error, status_error, CallContext};
use super::wire::{chat_body, ChunkState, Flow, SseReader};
use super::OpenAiProvider;
use crate::error::{ProviderError, ProviderErrorCode};
use crate::provider::{ChatOutcome, ChatRequest, StreamEvent};

/// The longest pause between two attempts, whatever `retry-after` or the backoff say.
const MAX_PAUSE: Duration = Duration::from_secs(30);

/// What ends a call early: the caller's cancellation and the per-call deadline.
pub(super) struct CallLimits<'a> {
    cancel: Option<&'a CancellationToken>,
    deadline: tokio::time::Instant,
    timeout_secs: u64,
}

impl<'a> CallLimits<'a> {
    pub(super) fn new(
        timeout_secs: u64,
        cancel: Option<&'a CancellationToken>,
        start: Instant,
    ) -> CallLimits<'a> {
        CallLimits {
            cancel,
            deadline: tokio::time::Instant::from_std(start) + Duration::from_secs(timeout_secs),
            timeout_secs,
        }
    }

    /// The output of `work`, unless the call is cancelled or its deadline passes first; the error
    /// then keeps `partial`, the text received so far.
    pub(super) async fn race<T>(
        &self,
        work: impl Future<Output = T>,
        partial: &str,
    ) -> Result<T, ProviderError> {
        let cancelled = async {
            match self.cancel {
                Some(cancel) => cancel.cancelled().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            _ = cancelled => Err(ProviderError::cancelled(partial)),
            _ = tokio::time::sleep_until(self.deadline) => {
                Err(ProviderError::timeout(self.timeout_secs, partial))
            }
            out = work => Ok(out),
        }
    }
}

/// The pause before attempt `attempt + 1`: the server's `retry-after` seconds when given, else
/// `initial` doubled at each retry; never more than [`MAX_PAUSE`].
pub(super) fn pause_before_retry(
    attempt: u32,
    initial: Duration,
    retry_after: Option<&str>,
) -> Duration {
    let pause = match retry_after.and_then(|v| v.trim().parse::<f64>().ok()) {
        Some(secs) if secs.is_finite() && secs >= 0.0 => {
            Duration::try_from_secs_f64(secs).unwrap_or(MAX_PAUSE)
        }
        _ => initial.saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1))),
    };
    pause.min(MAX_PAUSE)
}

/// Sends a request built by `build` until it succeeds, fails for good or the attempts run out;
/// returns the successful response.
pub(super) async fn send_with_retries(
    p: &OpenAiProvider,
    ctx: &CallContext,
    limits: &CallLimits<'_>,
    key: Option<&str>,
    build: impl Fn() -> reqwest::RequestBuilder,
) -> Result<reqwest::Response, ProviderError> {
    let max_attempts = p.settings.max_attempts.max(1);
    let initial = Duration::from_millis(p.settings.initial_backoff_ms);
    let mut attempt = 1;
    loop {
        let sent = limits.race(build().send(), "").await?;
        let response = sent.map_err(|e| send_error(ctx, &e))?;
        let status = response.status().as_u16();
        if response.status().is_success() {
            tracing::debug!(attempt, status, "answer started");
            return Ok(response);
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = limits.race(response.text(), "").await?.unwrap_or_default();
        let json_error = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| super::wire::error_message(&v))
            .is_some();
        let message = body_message(status, &body, key);
        if is_retryable(status) && attempt < max_attempts {
            let pause = pause_before_retry(attempt, initial, retry_after.as_deref());
            tracing::debug!(
                attempt,
                status,
                pause_ms = pause.as_millis() as u64,
                "retrying"
            );
            limits.race(tokio::time::sleep(pause), "").await?;
            attempt += 1;
            continue;
        }
        tracing::debug!(attempt, status, "call failed");
        return Err(status_error(ctx, status, &message, json_error, attempt));
    }
}

/// The content type of an answer that is a web page (a proxy's login page, a server's web UI)
/// rather than an API answer.
pub(super) fn web_page(response: &reqwest::Response) -> Option<String> {
    let kind = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)?
        .to_str()
        .ok()?
        .to_ascii_lowercase();
    (kind.starts_with("text/html") || kind.starts_with("application/xhtml")).then_some(kind)
}

#[tracing::instrument(name = "openai.chat_stream", skip_all, fields(model_id = %req.model_id))]
pub(super) async fn chat_stream(
    p: &OpenAiProvider,
    req: &ChatRequest,
    cancel: &CancellationToken,
    on_event: &mut (dyn FnMut(StreamEvent) + Send),
) -> Result<ChatOutcome, ProviderError> {
    let start = Instant::now();
    let limits = CallLimits::new(p.settings.timeout_secs, Some(cancel), start);
    if req.guardrail.is_some() {
        return Err(ProviderError::invalid_request(format!(
            "guardrails are a Bedrock feature and {} has none: remove the guardrail from the model \
             settings to call this endpoint",
            p.settings.base_url
        )));
    }
    let body = chat_body(req)?;
    let key = p.key();
    let ctx = p.call_context(Some(&req.model_id), key.is_some());
    let url = format!("{}/chat/completions", p.settings.base_url);
    let response = send_with_retries(p, &ctx, &limits, key.as_deref(), || {
        p.authorized(p.http.post(&url), key.as_deref()).json(&body)
    })
    .await?;
    if let Some(kind) = web_page(&response) {
        return Err(ProviderError::new(
            ProviderErrorCode::Endpoint,
            format!(
                "{url} answered with a web page ({kind}), not an OpenAI-compatible API: check the \
                 base URL (it usually ends in `/v1`)"
            ),
        ));
    }

    let mut state = ChunkState::new(start);
    state.announce(on_event);
    let mut sse = SseReader::default();
    let mut bytes = response.bytes_stream();
    loop {
        let next = limits
            .race(bytes.next(), state.text())
            .await
            .inspect_err(|err| {
                if err.code == ProviderErrorCode::Cancelled {
                    tracing::debug!(chars = state.text().chars().count(), "stream cancelled");
                }
            })?;
        let ended = next.is_none();
        let payloads = match next {
            Some(Ok(chunk)) => sse.push(&chunk),
            Some(Err(e)) => {
                let reason = format!("the connection dropped ({})", super::errors::root_cause(&e));
                tracing::debug!(%reason, "stream broke");
                return Err(ProviderError::stream_broken(state.text(), &reason));
            }
            None => sse.finish().into_iter().collect(),
        };
        let mut done = false;
        for payload in payloads {
            match state.handle(&payload, Instant::now(), on_event) {
                Ok(Flow::Continue) => {}
                Ok(Flow::Done) => {
                    done = true;
                    break;
                }
                Err(reason) => {
                    tracing::debug!(%reason, "stream broke");
                    return Err(ProviderError::stream_broken(state.text(), &reason));
                }
            }
        }
        if done || ended {
            break;
        }
    }
    let outcome = state.finish(Instant::now())?;
    outcome.trace_finished("chat stream", None);
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_retry_after_wins_within_the_cap() {
        let initial = Duration::from_millis(500);
        assert_eq!(
            pause_before_retry(1, initial, None),
            Duration::from_millis(500)
        );
        assert_eq!(
            pause_before_retry(2, initial, None),
            Duration::from_millis(1000)
        );
        assert_eq!(
            pause_before_retry(3, initial, Some("x")),
            Duration::from_millis(2000)
        );
        assert_eq!(
            pause_before_retry(1, initial, Some("2")),
            Duration::from_secs(2)
        );
        assert_eq!(
            pause_before_retry(1, initial, Some("0.25")),
            Duration::from_millis(250)
        );
        assert_eq!(pause_before_retry(1, initial, Some("3600")), MAX_PAUSE);
        assert_eq!(pause_before_retry(40, initial, None), MAX_PAUSE);
    }
}
