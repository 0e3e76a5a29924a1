//! `make bench`: time to first token and tokens/s of Galley's local provider (`galley-local`,
//! llama.cpp through `llama-cpp-2`) side by side with llama-cpp-python, on the same GGUF, prompt
//! (after the model's chat template), threads and greedy decoding. Figures only: it never fails on
//! time.
//!
//! Four sides, each loaded once and run in turn (one warm-up, then `--runs` rounds, the order
//! rotating every round so that no side always runs after the same one):
//!
//! - Galley: `LocalProvider::stream`, as the app calls it;
//! - llama-cpp-2 direct: a plain generation loop on the same llama.cpp build (another process of
//!   this binary, `--worker llama-cpp-2`), which tells the provider's own cost apart;
//! - llama-cpp-python `create_completion(stream=True)`, and the same plain loop written against
//!   its C API (`bench/local_vs_llama_cpp_python.py`, in the venv the Makefile builds).

mod build;
mod direct;
mod galley;
mod report;
mod run;
mod stats;
mod worker;

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use clap::Parser;
use galley_local::LocalSettings;
use galley_providers::{ChatMessage, ChatRequest};

use crate::galley::Galley;
use crate::report::{Report, Side};
use crate::run::Request;
use crate::worker::Worker;

/// A prompt whose greedy answer runs well past 128 tokens with the default model.
const PROMPT: &str = "Write a long story about a dragon who learns to cook.";

#[derive(Parser, Debug)]
#[command(about = "Galley's local provider against llama-cpp-python: TTFT and tokens/s")]
struct Args {
    /// Measured runs per side (after the warm-up).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Unmeasured runs per side first.
    #[arg(long, default_value_t = 1)]
    warmup: usize,
    /// Tokens to generate per run.
    #[arg(long, default_value_t = 128)]
    max_tokens: u32,
    /// CPU threads for every side.
    #[arg(long, default_value_t = 2)]
    threads: u32,
    /// Context size in tokens for every side.
    #[arg(long, default_value_t = 2048)]
    context: u32,
    /// The GGUF file (default: Galley's default model, installed by `make model`).
    #[arg(long)]
    model: Option<PathBuf>,
    /// The user message.
    #[arg(long, default_value = PROMPT)]
    prompt: String,
    /// The Python with llama-cpp-python installed (`target/bench-venv/bin/python`); without it
    /// only the Rust sides run.
    #[arg(long)]
    python: Option<PathBuf>,
    /// Internal: serve as the llama-cpp-2 worker.
    #[arg(long, hide = true)]
    worker: Option<String>,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let model = args
        .model
        .clone()
        .unwrap_or_else(galley_local::default_model_path);
    let result = match args.worker.as_deref() {
        Some("llama-cpp-2") => direct::serve(&model, args.threads, args.context),
        Some(other) => Err(format!("no worker called `{other}`")),
        None => bench(&args, model),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("galley-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn bench(args: &Args, model: PathBuf) -> Result<(), String> {
    if !model.is_file() {
        return Err(format!(
            "no model at {}: run `make model` (or pass --model)",
            model.display()
        ));
    }
    let load_before = report::load_average();
    let mut request = ChatRequest::new("bench", vec![ChatMessage::user(args.prompt.clone())]);
    request.params.temperature = Some(0.0);
    request.params.max_tokens = Some(args.max_tokens);
    let settings = LocalSettings {
        threads: args.threads,
        context: args.context,
    };
    let galley = Galley::load(&model, settings, request)?;
    let prompt = galley.prompt()?;

    let common = |command: &mut Command| {
        command
            .arg("--model")
            .arg(&model)
            .args(["--threads", &args.threads.to_string()])
            .args(["--context", &args.context.to_string()]);
    };
    let mut workers = Vec::new();
    let mut direct =
        Command::new(std::env::current_exe().map_err(|e| format!("where is this binary? {e}"))?);
    direct.args(["--worker", "llama-cpp-2"]);
    common(&mut direct);
    workers.push(Worker::start("the llama-cpp-2 worker", direct)?);
    if let Some(python) = &args.python {
        let mut command = Command::new(python);
        command.arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/local_vs_llama_cpp_python.py"
        ));
        common(&mut command);
        workers.push(Worker::start("the llama-cpp-python worker", command)?);
    }

    let mut sides = vec![
        Side::new("LocalProvider::stream", None),
        Side::new("llama-cpp-2 direct loop (same build)", Some((0, "direct"))),
    ];
    if args.python.is_some() {
        sides.push(Side::new(
            "create_completion(stream)",
            Some((1, "completion")),
        ));
        sides.push(Side::new("low-level loop (C API)", Some((1, "lowlevel"))));
    }

    let rounds = args.warmup + args.runs;
    for round in 0..rounds {
        let warm = round < args.warmup;
        eprintln!(
            "round {}/{rounds}{}",
            round + 1,
            if warm { " (warm-up)" } else { "" }
        );
        for k in 0..sides.len() {
            let i = (round + k) % sides.len();
            let run = match sides[i].worker {
                None => galley.run()?,
                Some((w, variant)) => workers[w].run(&Request {
                    variant: variant.to_string(),
                    prompt: prompt.clone(),
                    max_tokens: args.max_tokens,
                })?,
            };
            if !warm {
                sides[i].runs.push(run);
            }
        }
    }

    let hellos = workers.iter().map(|w| w.hello.clone()).collect();
    let python_build = args
        .python
        .as_ref()
        .and_then(|p| p.parent()?.parent().map(|venv| venv.join("build")))
        .and_then(|dir| build::LlamaBuild::read(&dir));
    Report {
        model: &model,
        user_message: &args.prompt,
        prompt: &prompt,
        threads: args.threads,
        context: args.context,
        max_tokens: args.max_tokens,
        runs: args.runs,
        warmup: args.warmup,
        load_before,
        load_after: report::load_average(),
        galley_build: build::LlamaBuild::galley(),
        python_build,
        hellos,
        sides: &sides,
    }
    .print();
    Ok(())
}
