//! `galley run` and `galley runs`: comparison runs from the command line, on the same engine and
//! history as the app, with a progress bar on a terminal.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use galley_engine::{
    Engine, EngineError, ModelRef, RunDetail, RunEvent, RunExportFormat, RunInput, RunProgress,
    RunRef, RunSink, RunSummary, RunsExportReq, RunsListReq, RunsStartReq, VersionSelector,
};

/// What `galley run` was asked.
pub struct RunArgs {
    pub blueprint: String,
    pub versions: Vec<u32>,
    pub label: Option<String>,
    pub models: Vec<String>,
    pub vars: BTreeMap<String, String>,
    pub inputs_file: Option<std::path::PathBuf>,
    pub repeats: u32,
    pub concurrency: Option<u32>,
    pub no_cache: bool,
    pub max_cost: Option<f64>,
    pub json: bool,
}

/// Runs and prints; `Ok(true)` when every cell succeeded.
pub async fn run(engine: &Engine, a: RunArgs) -> Result<bool, EngineError> {
    let bp = engine.blueprint_by_name(&a.blueprint).await?;
    let mut versions = a.versions.clone();
    if let Some(label) = &a.label {
        let v = engine
            .versions_resolve(
                &bp.name,
                &VersionSelector {
                    version: None,
                    label: Some(label.parse().map_err(EngineError::invalid)?),
                },
            )
            .await?;
        versions.push(v.meta.number);
    }
    let models = a
        .models
        .iter()
        .flat_map(|m| m.split(','))
        .filter(|m| !m.trim().is_empty())
        .map(ModelRef::parse)
        .collect::<Result<Vec<_>, _>>()?;
    let inputs = match &a.inputs_file {
        Some(path) => {
            if !a.vars.is_empty() {
                return Err(EngineError::invalid(
                    "give --var values or --inputs FILE, not both",
                ));
            }
            read_inputs(path)?
        }
        None => vec![RunInput {
            name: None,
            values: a.vars.clone(),
            ..Default::default()
        }],
    };
    let req = RunsStartReq {
        blueprint_id: bp.id.clone(),
        versions,
        models,
        inputs,
        repeats: a.repeats,
        concurrency: a.concurrency,
        bypass_cache: a.no_cache,
        dataset: None,
    };
    // The plan looks every cell up in the cache for its estimate, which only the header line and
    // --max-cost use: `--json` without --max-cost shows neither, so it starts at once.
    if !a.json || a.max_cost.is_some() {
        check_plan(engine, &bp.name, &req, &a).await?;
    }
    let bar = Progress::new(!a.json && std::io::stderr().is_terminal());
    let summary = engine.runs_start(req, "cli", bar.sink()).await?;
    bar.finish();
    print_result(engine, &summary, a.json).await?;
    Ok(summary.cells_failed == 0 && summary.cells_ok == summary.cells_total)
}

/// Says how big and costly the run is (on stderr, unless `--json`) and refuses it above
/// `--max-cost`.
async fn check_plan(
    engine: &Engine,
    name: &str,
    req: &RunsStartReq,
    a: &RunArgs,
) -> Result<(), EngineError> {
    let plan = engine.runs_plan(req.clone()).await?;
    let est = &plan.estimate;
    if let Some(max) = a.max_cost {
        if est.cost_usd_max > max {
            return Err(EngineError::invalid(format!(
                "the run may cost up to ${:.4} (at least ${:.4}), above --max-cost {max}: \
                 lower max tokens, inputs or repeats, or raise --max-cost",
                est.cost_usd_max, est.cost_usd_min
            )));
        }
    }
    if !a.json {
        eprintln!(
            "{}: {} cells ({} columns × {} inputs × {} repeats), {} cached; about {} input tokens; cost ${:.4}–${:.4}{}",
            name,
            est.cells,
            plan.spec.columns.len(),
            plan.spec.inputs.len(),
            plan.spec.repeats,
            est.cached_cells,
            est.input_tokens,
            est.cost_usd_min,
            est.cost_usd_max,
            if est.unpriced.is_empty() {
                String::new()
            } else {
                format!(" (no price for {})", est.unpriced.join(", "))
            }
        );
    }
    Ok(())
}

pub async fn resume(engine: &Engine, run_id: &str, json: bool) -> Result<bool, EngineError> {
    let bar = Progress::new(!json && std::io::stderr().is_terminal());
    let summary = engine
        .runs_resume(
            RunRef {
                run_id: run_id.to_string(),
            },
            bar.sink(),
        )
        .await?;
    bar.finish();
    print_result(engine, &summary, json).await?;
    Ok(summary.cells_failed == 0 && summary.cells_ok == summary.cells_total)
}

pub async fn list(engine: &Engine, req: RunsListReq, json: bool) -> Result<(), EngineError> {
    let runs = engine.runs_list(req).await?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&runs).expect("runs serialise")
        );
        return Ok(());
    }
    if runs.is_empty() {
        println!("no runs");
    }
    for r in runs {
        println!(
            "{}  {:<11} {:>5}/{:<5} ${:<9.5} {}  {}",
            r.id,
            format!("{:?}", r.status).to_lowercase(),
            r.cells_ok,
            r.cells_total,
            r.cost_usd,
            r.blueprint_name,
            r.columns.join(" | ")
        );
    }
    Ok(())
}

pub async fn export(engine: &Engine, run_id: &str, format: &str) -> Result<(), EngineError> {
    let format = match format {
        "csv" => RunExportFormat::Csv,
        "jsonl" => RunExportFormat::Jsonl,
        other => {
            return Err(EngineError::invalid(format!(
                "--format `{other}`: use csv or jsonl"
            )))
        }
    };
    let text = engine
        .runs_export(RunsExportReq {
            run_id: run_id.to_string(),
            format,
        })
        .await?;
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|e| EngineError::invalid(format!("cannot write the export: {e}")))
}

async fn print_result(engine: &Engine, s: &RunSummary, json: bool) -> Result<(), EngineError> {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(s).expect("summary serialises")
        );
        return Ok(());
    }
    let detail = engine
        .runs_get(RunRef {
            run_id: s.id.clone(),
        })
        .await?;
    println!(
        "run {} {}: {} of {} cells ok, {} failed, ${:.6}",
        s.id,
        format!("{:?}", s.status).to_lowercase(),
        s.cells_ok,
        s.cells_total,
        s.cells_failed,
        s.cost_usd
    );
    for (c, label) in s.columns.iter().enumerate() {
        println!("  {}", column_line(&detail, c as u32, label));
    }
    Ok(())
}

/// `v1 · bedrock:… — 10 ok, p50 820 ms, p95 1200 ms, 3400 tokens out, $0.0123`
fn column_line(d: &RunDetail, column: u32, label: &str) -> String {
    let cells: Vec<_> = d
        .cells
        .iter()
        .filter(|c| c.key.column == column && c.usage.is_some())
        .collect();
    let mut lat: Vec<u64> = cells.iter().filter_map(|c| c.latency_ms).collect();
    lat.sort_unstable();
    let pct = |p: f64| -> String {
        if lat.is_empty() {
            "–".into()
        } else {
            let i = ((p * lat.len() as f64).ceil() as usize).clamp(1, lat.len()) - 1;
            format!("{} ms", lat[i])
        }
    };
    let out: u64 = cells
        .iter()
        .filter_map(|c| c.usage.map(|u| u64::from(u.output_tokens)))
        .sum();
    let cost: f64 = cells.iter().filter_map(|c| c.cost_usd).sum();
    let errors: Vec<_> = d
        .cells
        .iter()
        .filter(|c| c.key.column == column && c.error.is_some())
        .collect();
    let mut line = format!(
        "{label} — {} ok, p50 {}, p95 {}, {out} tokens out, ${cost:.6}",
        cells.len(),
        pct(0.5),
        pct(0.95)
    );
    if let Some(first) = errors.first().and_then(|c| c.error.as_ref()) {
        line.push_str(&format!("; {} failed: {}", errors.len(), first.message));
    }
    line
}

/// Variable sets from a JSONL file: one JSON object per line; non-string values are written as
/// JSON text.
fn read_inputs(path: &Path) -> Result<Vec<RunInput>, EngineError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| EngineError::invalid(format!("cannot read {}: {e}", path.display())))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad =
            |why: String| EngineError::invalid(format!("{} line {}: {why}", path.display(), n + 1));
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| bad(format!("not JSON ({e})")))?;
        let object = value
            .as_object()
            .ok_or_else(|| bad("not an object of variable values".into()))?;
        let values = object
            .iter()
            .map(|(k, v)| {
                let text = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), text)
            })
            .collect();
        out.push(RunInput {
            values,
            ..Default::default()
        });
    }
    if out.is_empty() {
        return Err(EngineError::invalid(format!(
            "{} holds no inputs: write one JSON object of variable values per line",
            path.display()
        )));
    }
    Ok(out)
}

/// A one-line progress bar on stderr, redrawn at most ten times a second.
pub(crate) struct Progress {
    on: bool,
    state: Arc<Mutex<(Option<RunProgress>, std::time::Instant)>>,
}

impl Progress {
    pub(crate) fn new(on: bool) -> Progress {
        Progress {
            on,
            state: Arc::new(Mutex::new((None, std::time::Instant::now()))),
        }
    }

    pub(crate) fn sink(&self) -> RunSink {
        let on = self.on;
        let state = self.state.clone();
        Arc::new(move |e: RunEvent| {
            let RunEvent::Progress(p) = e else { return };
            let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
            let due = s.1.elapsed().as_millis() >= 100 || p.done == p.total;
            s.0 = Some(p);
            if on && due {
                s.1 = std::time::Instant::now();
                draw(&p);
            }
        })
    }

    pub(crate) fn finish(&self) {
        if self.on {
            eprintln!();
        }
    }
}

fn draw(p: &RunProgress) {
    const WIDTH: u32 = 30;
    let filled = (p.done * WIDTH)
        .checked_div(p.total)
        .unwrap_or(WIDTH)
        .min(WIDTH);
    let eta = p
        .eta_ms
        .map(|ms| format!(" · ETA {}s", ms.div_ceil(1000)))
        .unwrap_or_default();
    let failed = if p.failed > 0 {
        format!(" · {} failed", p.failed)
    } else {
        String::new()
    };
    eprint!(
        "\r[{}{}] {}/{}{failed}{eta}   ",
        "#".repeat(filled as usize),
        "-".repeat((WIDTH - filled) as usize),
        p.done,
        p.total
    );
    let _ = std::io::stderr().flush();
}
