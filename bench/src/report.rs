//! The printed result: what was compared and how it was built, one table row per side, the ratios
//! against the target, and notes on anything that makes the figures less comparable.

use std::path::Path;

use crate::build::{lock_version, LlamaBuild};
use crate::run::{Hello, Run};
use crate::stats::Spread;

/// Galley's target: at least this share of llama-cpp-python's tokens/s.
const TARGET: f64 = 0.95;

/// One side of the comparison and its measured runs.
pub struct Side {
    pub label: &'static str,
    /// The worker (index) and its variant; `None` for Galley in this process.
    pub worker: Option<(usize, &'static str)>,
    pub runs: Vec<Run>,
}

impl Side {
    pub fn new(label: &'static str, worker: Option<(usize, &'static str)>) -> Side {
        Side {
            label,
            worker,
            runs: Vec::new(),
        }
    }

    fn spread(&self, f: impl Fn(&Run) -> f64) -> Option<Spread> {
        Spread::of(&self.runs.iter().map(f).collect::<Vec<_>>())
    }

    fn ttft_ms(&self) -> Option<Spread> {
        self.spread(|r| r.ttft_s * 1000.0)
    }

    fn decode(&self) -> Option<Spread> {
        self.spread(Run::decode_tokens_per_s)
    }

    fn end_to_end(&self) -> Option<Spread> {
        self.spread(Run::end_to_end_tokens_per_s)
    }

    fn name(&self) -> String {
        match self.worker {
            None => format!("Galley {}", self.label),
            Some((0, _)) => self.label.to_string(),
            Some(_) => format!("llama-cpp-python {}", self.label),
        }
    }

    /// A count over the runs: `n`, or `min–max` when the runs differ.
    fn count(&self, f: impl Fn(&Run) -> u32) -> String {
        let min = self.runs.iter().map(&f).min();
        let max = self.runs.iter().map(&f).max();
        match (min, max) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) => format!("{a}–{b}"),
            _ => "-".into(),
        }
    }
}

/// Everything the report prints.
pub struct Report<'a> {
    pub model: &'a Path,
    pub user_message: &'a str,
    pub prompt: &'a str,
    pub threads: u32,
    pub context: u32,
    pub max_tokens: u32,
    pub runs: usize,
    pub warmup: usize,
    pub load_before: Option<f64>,
    pub load_after: Option<f64>,
    pub galley_build: Option<LlamaBuild>,
    pub python_build: Option<LlamaBuild>,
    pub hellos: Vec<Hello>,
    pub sides: &'a [Side],
}

/// The 1-minute load average, when the system says.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn cpu_name() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("model name"))?;
    Some(line.split_once(':')?.1.trim().to_string())
}

fn show_load(load: Option<f64>) -> String {
    load.map_or_else(|| "?".into(), |l| format!("{l:.2}"))
}

impl Report<'_> {
    pub fn print(&self) {
        self.print_header();
        println!();
        self.print_table();
        println!();
        self.print_ratios();
        self.print_notes();
    }

    fn print_header(&self) {
        let file = self
            .model
            .file_name()
            .map_or_else(String::new, |f| f.to_string_lossy().into_owned());
        println!("Galley's local provider vs llama-cpp-python: time to first token and tokens/s");
        println!("(a benchmark: figures only, nothing is asserted)");
        println!();
        println!("model      {file} ({})", self.model.display());
        let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
        println!(
            "machine    {cpus} CPUs, {}; load average {} at the start, {} at the end",
            cpu_name().unwrap_or_else(|| "unknown CPU".into()),
            show_load(self.load_before),
            show_load(self.load_after)
        );
        println!(
            "settings   {} threads, context {} (= n_batch), greedy, max {} tokens; {} runs per \
             side after {} warm-up, interleaved",
            self.threads, self.context, self.max_tokens, self.runs, self.warmup
        );
        let prompt_tokens = self
            .sides
            .first()
            .and_then(|s| s.runs.first())
            .map_or(0, |r| r.prompt_tokens);
        println!(
            "prompt     user {:?}: {} characters, {prompt_tokens} tokens after the chat template, \
             the same text for every side",
            self.user_message,
            self.prompt.chars().count()
        );

        let galley = format!(
            "llama-cpp-2 {} / llama-cpp-sys-2 {}",
            lock_version("llama-cpp-2").unwrap_or_default(),
            lock_version("llama-cpp-sys-2").unwrap_or_default()
        );
        match &self.galley_build {
            Some(b) => println!(
                "llama.cpp  Galley: {galley} (ggml {}), {}",
                b.ggml_version.as_deref().unwrap_or("?"),
                b.summary()
            ),
            None => println!("llama.cpp  Galley: {galley} (its CMake cache was not found)"),
        }
        if let Some(hello) = self.hellos.iter().find(|h| h.engine == "llama-cpp-python") {
            match &self.python_build {
                Some(b) => println!(
                    "           Python: llama-cpp-python {} (ggml {}), {}",
                    hello.version,
                    b.ggml_version.as_deref().unwrap_or("?"),
                    b.summary()
                ),
                None => println!(
                    "           Python: llama-cpp-python {} (its CMake cache was not found)",
                    hello.version
                ),
            }
            if let (Some(g), Some(p)) = (&self.galley_build, &self.python_build) {
                let diff = g.differences(p);
                if diff.is_empty() {
                    println!(
                        "           the same build type and CPU options on both sides (Python \
                         needs shared libraries)"
                    );
                } else {
                    println!(
                        "           DIFFERENT options (Galley vs Python): {}",
                        diff.join(", ")
                    );
                }
            }
            if let Some(info) = &hello.system_info {
                println!("           llama-cpp-python's system info: {info}");
            }
        }
        println!(
            "           flash attention on everywhere (Galley's default `auto` is on for the CPU \
             backend), n_ubatch and KV cache types at llama.cpp's defaults"
        );
    }

    fn print_table(&self) {
        let name_width = self
            .sides
            .iter()
            .map(|s| s.name().chars().count())
            .max()
            .unwrap_or(0)
            .max(4);
        let row = |name: &str, cells: [&str; 5]| {
            let line = format!(
                "{name:<name_width$}  {:>6}  {:>6}  {:<22}  {:<22}  {:<22}",
                cells[0], cells[1], cells[2], cells[3], cells[4]
            );
            println!("{}", line.trim_end());
        };
        row(
            "",
            [
                "prompt",
                "output",
                "TTFT ms",
                "decode tokens/s",
                "end-to-end tokens/s",
            ],
        );
        let median_range = "median [min–max]";
        row(
            "",
            ["tokens", "tokens", median_range, median_range, median_range],
        );
        let show = |s: Option<Spread>| s.map_or_else(|| "-".into(), |s| s.show(1));
        for side in self.sides {
            row(
                &side.name(),
                [
                    &side.count(|r| r.prompt_tokens),
                    &side.count(|r| r.output_tokens),
                    &show(side.ttft_ms()),
                    &show(side.decode()),
                    &show(side.end_to_end()),
                ],
            );
        }
    }

    fn print_ratios(&self) {
        let Some(galley) = self.sides.iter().find(|s| s.worker.is_none()) else {
            return;
        };
        let (Some(g_decode), Some(g_e2e), Some(g_ttft)) =
            (galley.decode(), galley.end_to_end(), galley.ttft_ms())
        else {
            return;
        };
        println!(
            "Galley's tokens/s as a share of the others' (medians; target ≥ {TARGET:.2} of \
             llama-cpp-python's)"
        );
        let mut below = Vec::new();
        for other in self.sides.iter().filter(|s| s.worker.is_some()) {
            let (Some(decode), Some(e2e), Some(ttft)) =
                (other.decode(), other.end_to_end(), other.ttft_ms())
            else {
                continue;
            };
            let decode_ratio = g_decode.median / decode.median;
            let e2e_ratio = g_e2e.median / e2e.median;
            let is_python = other.worker.is_some_and(|(w, _)| w > 0);
            println!(
                "  vs {:<42} decode {:.3}   end to end {:.3}   TTFT {:+.1} ms",
                other.name(),
                decode_ratio,
                e2e_ratio,
                g_ttft.median - ttft.median
            );
            if is_python {
                if decode_ratio < TARGET {
                    below.push(format!("decode vs {}", other.name()));
                }
                if e2e_ratio < TARGET {
                    below.push(format!("end to end vs {}", other.name()));
                }
            }
        }
        if !below.is_empty() {
            println!("  below the {TARGET:.2} target: {}", below.join("; "));
        }
    }

    fn print_notes(&self) {
        let mut notes = Vec::new();
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        if let Some(load) = self.load_before.filter(|l| *l > cpus as f64 * 0.5) {
            notes.push(format!(
                "the machine was busy before the start (load average {load:.2} on {cpus} CPUs): \
                 llama.cpp's threads lose most of their speed when other work shares the cores, \
                 so these figures say little; run it again on an idle machine"
            ));
        }
        let mut spread = Vec::new();
        for side in self.sides {
            let early: Vec<u32> = side
                .runs
                .iter()
                .filter(|r| r.eos)
                .map(|r| r.output_tokens)
                .collect();
            if !early.is_empty() {
                notes.push(format!(
                    "{} stopped on an end-of-generation token before {} tokens in {} of {} runs \
                     ({:?} tokens): its rates cover fewer tokens",
                    side.name(),
                    self.max_tokens,
                    early.len(),
                    side.runs.len(),
                    early
                ));
            }
            let spreads = [side.decode(), side.ttft_ms()];
            if spreads.iter().flatten().any(|s| s.range_percent() > 10.0) {
                spread.push(side.name());
            }
        }
        if !spread.is_empty() {
            notes.push(format!(
                "the runs of {} spread over more than 10% of their median (a busy machine?)",
                spread.join(", ")
            ));
        }
        if let Some(galley) = self.sides.first().and_then(|s| s.runs.first()) {
            for side in &self.sides[1..] {
                let Some(run) = side.runs.first() else {
                    continue;
                };
                if run.prompt_tokens != galley.prompt_tokens {
                    notes.push(format!(
                        "{} read {} prompt tokens, Galley {}: the prompts are not the same",
                        side.name(),
                        run.prompt_tokens,
                        galley.prompt_tokens
                    ));
                }
                if run.text != galley.text {
                    let at = run
                        .text
                        .chars()
                        .zip(galley.text.chars())
                        .take_while(|(a, b)| a == b)
                        .count();
                    notes.push(format!(
                        "{} generated another text than Galley (from character {at} on)",
                        side.name()
                    ));
                }
            }
        }
        let create: Vec<String> = self
            .hellos
            .iter()
            .map(|h| format!("{:.1} ms ({})", h.context_create_ms, h.engine))
            .collect();
        if !create.is_empty() {
            notes.push(format!(
                "Galley creates a llama.cpp context per call, inside its TTFT; the other sides \
                 reuse one. Creating one takes {}",
                create.join(", ")
            ));
        }
        notes.push(
            "decode tokens/s = (output tokens − 1) / (end − first token); end to end = output \
             tokens / (end − call)"
                .into(),
        );
        println!();
        for note in notes {
            println!("note: {note}");
        }
    }
}
