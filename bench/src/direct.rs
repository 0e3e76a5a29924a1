//! The `llama-cpp-2` worker (`galley-bench --worker llama-cpp-2`): the same llama.cpp build as
//! Galley, without the provider around it. Its loop is the one the Python script's `lowlevel`
//! variant runs: one context (created like Galley's, cleared before each run), the prompt in one
//! batch, a greedy sampler, a piece of text per token, and no decode after the last token. It is
//! a separate process because llama.cpp's backend can be initialised once per process, and
//! Galley's is private to `galley-local`.

use std::io::{BufRead, Write};
use std::num::NonZeroU32;
use std::path::Path;
use std::time::Instant;

use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::model::LlamaModel;
use llama_cpp_2::sampling::LlamaSampler;

use crate::build::lock_version;
use crate::run::{Hello, Request, Run};

/// Serves requests on stdin until it closes.
pub fn serve(model_path: &Path, threads: u32, context: u32) -> Result<(), String> {
    llama_cpp_2::send_logs_to_tracing(llama_cpp_2::LogOptions::default());
    let backend = LlamaBackend::init().map_err(|e| format!("llama.cpp could not start: {e}"))?;
    let start = Instant::now();
    let model = LlamaModel::load_from_file(&backend, model_path, &LlamaModelParams::default())
        .map_err(|e| format!("{}: {e}", model_path.display()))?;
    let load_s = start.elapsed().as_secs_f64();

    // as galley-local's generator sets it up
    let threads = i32::try_from(threads.max(1)).unwrap_or(i32::MAX);
    let params = || {
        LlamaContextParams::default()
            .with_n_ctx(NonZeroU32::new(context))
            .with_n_batch(context)
            .with_n_threads(threads)
            .with_n_threads_batch(threads)
    };
    let mut creation_ms = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        let ctx = model
            .new_context(&backend, params())
            .map_err(|e| format!("creating a context: {e}"))?;
        creation_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        drop(ctx);
    }
    creation_ms.sort_by(f64::total_cmp);
    let mut ctx = model
        .new_context(&backend, params())
        .map_err(|e| format!("creating a context: {e}"))?;

    let hello = Hello {
        engine: "llama-cpp-2".into(),
        version: lock_version("llama-cpp-2").unwrap_or_default(),
        load_s,
        context_create_ms: creation_ms[1],
        system_info: None,
    };
    let mut out = std::io::stdout().lock();
    let reply = |out: &mut std::io::StdoutLock<'_>, line: String| {
        writeln!(out, "{line}")
            .and_then(|()| out.flush())
            .map_err(|e| format!("writing to the driver: {e}"))
    };
    reply(&mut out, serde_json::to_string(&hello).expect("serialises"))?;

    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|e| format!("reading from the driver: {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let answer = serde_json::from_str::<Request>(&line)
            .map_err(|e| format!("a request that does not parse ({e}): {line}"))
            .and_then(|request| generate(&model, &mut ctx, &request));
        let json = match answer {
            Ok(run) => serde_json::to_string(&run).expect("serialises"),
            Err(error) => serde_json::json!({ "error": error }).to_string(),
        };
        reply(&mut out, json)?;
    }
    Ok(())
}

fn generate(
    model: &LlamaModel,
    ctx: &mut LlamaContext<'_>,
    request: &Request,
) -> Result<Run, String> {
    let vocab = model.vocab();
    ctx.clear_kv_cache();
    let n_batch = ctx.n_batch() as usize;
    let mut batch = LlamaBatch::new(n_batch.max(1), 1);
    let mut sampler = LlamaSampler::greedy();
    let mut piece = Vec::with_capacity(16);
    let mut text = Vec::new();

    let start = Instant::now();
    let bos_in_prompt = vocab
        .text(vocab.bos())
        .and_then(|t| t.to_str().ok())
        .is_some_and(|bos| !bos.is_empty() && request.prompt.starts_with(bos));
    let tokens = vocab.tokenize(request.prompt.as_bytes(), !bos_in_prompt, true);
    if tokens.len() > n_batch {
        return Err(format!(
            "the prompt has {} tokens, more than one batch",
            tokens.len()
        ));
    }
    let last = tokens.len().saturating_sub(1);
    for (pos, token) in tokens.iter().enumerate() {
        batch
            .add(*token, pos as i32, &[0], pos == last)
            .map_err(|e| e.to_string())?;
    }
    ctx.decode(&mut batch).map_err(|e| e.to_string())?;

    let mut first = None;
    let mut generated: u32 = 0;
    let mut pos = tokens.len() as i32;
    let mut eos = false;
    loop {
        let token = sampler.sample(ctx, batch.n_tokens() - 1);
        generated += 1;
        if vocab.is_eog(token) {
            eos = true;
            break;
        }
        piece.clear();
        vocab.token_to_piece_into(token, &mut piece, false, None);
        text.extend_from_slice(&piece);
        first.get_or_insert_with(Instant::now);
        if generated >= request.max_tokens {
            break;
        }
        batch.clear();
        batch
            .add(token, pos, &[0], true)
            .map_err(|e| e.to_string())?;
        ctx.decode(&mut batch).map_err(|e| e.to_string())?;
        pos += 1;
    }
    let end = Instant::now();
    Ok(Run {
        prompt_tokens: tokens.len() as u32,
        output_tokens: generated,
        ttft_s: (first.unwrap_or(end) - start).as_secs_f64(),
        total_s: (end - start).as_secs_f64(),
        eos,
        text: String::from_utf8_lossy(&text).into_owned(),
    })
}
