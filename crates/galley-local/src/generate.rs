//! One generation, run on a blocking thread: the prompt through the model's chat template, the
//! prompt evaluated, then one token at a time until an end-of-generation token, `maxTokens`, a
//! stop sequence, a full context or cancellation.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{mpsc, Arc};

use galley_providers::{
    CancellationToken, ChatMessage, InferenceParams, ProviderError, ProviderErrorCode, Role,
    StopReason, StreamEvent,
};
use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::LlamaChatMessage;
use llama_cpp_2::sampling::LlamaSampler;
use llama_cpp_2::token::LlamaToken;
use tokio::sync::mpsc::UnboundedSender;

use crate::model::{backend, context_lock, LoadedModel};
use crate::text::{StopWatch, Utf8Stream};
use crate::LocalSettings;

/// Sampling defaults when the request leaves a parameter unset (llama.cpp's own defaults).
const DEFAULT_TEMPERATURE: f32 = 0.8;
const DEFAULT_TOP_P: f32 = 0.95;
const DEFAULT_TOP_K: i32 = 40;
/// llama.cpp's "pick a random seed".
const RANDOM_SEED: u32 = u32::MAX;

/// Everything one generation needs, owned, so that it can move to a blocking thread.
pub(crate) struct Job {
    pub(crate) model: Arc<LoadedModel>,
    pub(crate) settings: LocalSettings,
    pub(crate) system: Option<String>,
    pub(crate) messages: Vec<ChatMessage>,
    pub(crate) params: InferenceParams,
    pub(crate) top_k: Option<i32>,
    pub(crate) seed: Option<u32>,
    pub(crate) cancel: CancellationToken,
    /// Tokens sampled so far, for callers that watch progress.
    pub(crate) counter: Arc<AtomicU32>,
}

/// How the generation reports to the async side. After each text delta it waits for the
/// acknowledgement, so that the consumer's reaction (such as cancelling) is seen before the next
/// token is computed.
pub(crate) struct Link {
    pub(crate) events: UnboundedSender<StreamEvent>,
    pub(crate) acks: mpsc::Receiver<()>,
}

/// How a generation ended.
#[derive(Debug)]
pub(crate) struct Finished {
    pub(crate) text: String,
    /// `None` when it was cancelled (or nobody listens any more).
    pub(crate) stop: Option<StopReason>,
    pub(crate) prompt_tokens: u32,
    pub(crate) output_tokens: u32,
}

fn other(what: &str, e: impl std::fmt::Display) -> ProviderError {
    ProviderError::new(
        ProviderErrorCode::Other,
        format!("the local model failed while {what}: {e}"),
    )
}

/// The prompt text, with the model's chat template applied. A final assistant message is a
/// prefill: the template opens the assistant turn and the prefill text follows it.
pub(crate) fn build_prompt(
    model: &LoadedModel,
    system: Option<&str>,
    messages: &[ChatMessage],
) -> Result<String, ProviderError> {
    let (history, prefill) = match messages.split_last() {
        Some((last, rest)) if last.role == Role::Assistant => (rest, last.text.as_str()),
        _ => (messages, ""),
    };
    let nul = |e| {
        ProviderError::invalid_request(format!(
            "a message contains a NUL character, which a local model cannot take: {e}"
        ))
    };
    let mut chat = Vec::with_capacity(history.len() + 1);
    if let Some(system) = system.filter(|s| !s.is_empty()) {
        chat.push(LlamaChatMessage::new("system".into(), system.into()).map_err(nul)?);
    }
    for message in history {
        chat.push(
            LlamaChatMessage::new(message.role.as_str().into(), message.text.clone())
                .map_err(nul)?,
        );
    }
    let mut prompt = model
        .model
        .apply_chat_template(&model.template, &chat, true)
        .map_err(|e| {
            ProviderError::invalid_request(format!(
                "the chat template of `{}` cannot be applied ({e}): pick another GGUF file",
                model.path.display()
            ))
        })?;
    prompt.push_str(prefill);
    Ok(prompt)
}

fn sampler(job: &Job) -> LlamaSampler {
    let temperature = job
        .params
        .temperature
        .map_or(DEFAULT_TEMPERATURE, |t| t as f32);
    if temperature <= 0.0 {
        return LlamaSampler::greedy();
    }
    let top_p = job.params.top_p.map_or(DEFAULT_TOP_P, |p| p as f32);
    LlamaSampler::chain_simple([
        LlamaSampler::top_k(job.top_k.unwrap_or(DEFAULT_TOP_K)),
        LlamaSampler::top_p(top_p, 1),
        LlamaSampler::temp(temperature),
        LlamaSampler::dist(job.seed.unwrap_or(RANDOM_SEED)),
    ])
}

/// Runs the generation. Returns when it ends; events go through `link`.
pub(crate) fn run(job: Job, link: Link) -> Result<Finished, ProviderError> {
    let backend = backend()?;
    let model = &job.model.model;
    let vocab = model.vocab();
    let prompt = build_prompt(&job.model, job.system.as_deref(), &job.messages)?;

    let bos_in_prompt = vocab
        .text(vocab.bos())
        .and_then(|t| t.to_str().ok())
        .is_some_and(|bos| !bos.is_empty() && prompt.starts_with(bos));
    let tokens = vocab.tokenize(prompt.as_bytes(), !bos_in_prompt, true);
    let n_ctx = job.settings.context.max(16);
    let prompt_len = u32::try_from(tokens.len()).unwrap_or(u32::MAX);
    if prompt_len >= n_ctx {
        return Err(ProviderError::invalid_request(format!(
            "the prompt has {prompt_len} tokens and the local context holds {n_ctx}: \
             shorten the prompt or raise the context size in Settings"
        )));
    }

    let threads = i32::try_from(job.settings.threads.max(1)).unwrap_or(i32::MAX);
    let params = LlamaContextParams::default()
        .with_n_ctx(NonZeroU32::new(n_ctx))
        .with_n_batch(n_ctx)
        .with_n_threads(threads)
        .with_n_threads_batch(threads);
    let mut ctx = {
        let _serialised = context_lock().lock().unwrap_or_else(|e| e.into_inner());
        model
            .new_context(backend, params)
            .map_err(|e| other("creating its context", e))?
    };

    let n_batch = ctx.n_batch() as usize;
    let mut batch = LlamaBatch::new(n_batch.max(1), 1);
    let last = tokens.len().saturating_sub(1);
    for (chunk_index, chunk) in tokens.chunks(n_batch.max(1)).enumerate() {
        if job.cancel.is_cancelled() {
            return Ok(cancelled(String::new(), prompt_len, 0));
        }
        batch.clear();
        for (i, token) in chunk.iter().enumerate() {
            let pos = chunk_index * n_batch + i;
            batch
                .add(*token, pos as i32, &[0], pos == last)
                .map_err(|e| other("reading the prompt", e))?;
        }
        ctx.decode(&mut batch)
            .map_err(|e| other("reading the prompt", e))?;
    }

    if link.events.send(StreamEvent::Started).is_err() {
        return Ok(cancelled(String::new(), prompt_len, 0));
    }

    let mut sampler = sampler(&job);
    let max_tokens = job.params.max_tokens.unwrap_or(u32::MAX);
    let mut utf8 = Utf8Stream::default();
    let mut watch = StopWatch::new(&job.params.stop_sequences);
    let mut piece = Vec::with_capacity(16);
    let mut generated: u32 = 0;
    let mut pos = prompt_len;

    let mut stop = loop {
        if job.cancel.is_cancelled() {
            return Ok(cancelled(watch.text().to_string(), prompt_len, generated));
        }
        if generated >= max_tokens {
            break StopReason::MaxTokens;
        }
        if pos >= n_ctx {
            break StopReason::ModelContextWindowExceeded;
        }
        let token: LlamaToken = sampler.sample(&ctx, batch.n_tokens() - 1);
        generated += 1;
        job.counter.fetch_add(1, Ordering::SeqCst);
        if vocab.is_eog(token) {
            break StopReason::EndTurn;
        }

        piece.clear();
        vocab.token_to_piece_into(token, &mut piece, false, None);
        let released = watch.push(&utf8.push(&piece));
        if !released.text.is_empty() && !deliver(&link, released.text) {
            return Ok(cancelled(watch.text().to_string(), prompt_len, generated));
        }
        if released.stopped {
            break StopReason::StopSequence;
        }
        if job.cancel.is_cancelled() {
            return Ok(cancelled(watch.text().to_string(), prompt_len, generated));
        }

        batch.clear();
        batch
            .add(token, pos as i32, &[0], true)
            .map_err(|e| other("generating", e))?;
        ctx.decode(&mut batch).map_err(|e| other("generating", e))?;
        pos += 1;
    };

    if stop != StopReason::StopSequence {
        let rest = watch.push(&utf8.finish());
        let mut tail = rest.text;
        if rest.stopped {
            stop = StopReason::StopSequence;
        } else {
            tail.push_str(&watch.flush());
        }
        if !tail.is_empty() {
            let _ = link.events.send(StreamEvent::TextDelta(tail));
            let _ = link.acks.recv();
        }
    }
    let _ = link.events.send(StreamEvent::Stopped(stop));
    Ok(Finished {
        text: watch.text().to_string(),
        stop: Some(stop),
        prompt_tokens: prompt_len,
        output_tokens: generated,
    })
}

/// Sends a text delta and waits until the consumer has seen it; `false` when nobody listens.
fn deliver(link: &Link, text: String) -> bool {
    link.events.send(StreamEvent::TextDelta(text)).is_ok() && link.acks.recv().is_ok()
}

fn cancelled(text: String, prompt_tokens: u32, output_tokens: u32) -> Finished {
    Finished {
        text,
        stop: None,
        prompt_tokens,
        output_tokens,
    }
}
