//! `galley eval`: the CI quality gate. Runs a blueprint version (or several) on a dataset with
//! its evaluators, prints the statistics, writes JUnit XML / JSON / Markdown reports, and exits 0
//! when every threshold holds, 1 when one fails, 2 on an error. Given an exported repository
//! folder, it evaluates every blueprint there that has a dataset of the same name
//! (see `eval_repo`).
//!
//! `galley datasets`: list, import and export the datasets the runs use.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use galley_engine::core::dataset::DatasetFormat;
use galley_engine::{
    DatasetRef, DatasetsExportReq, DatasetsImportReq, Engine, EngineError, ErrorCode,
    EvalReportReq, EvalSummary, ImportOutcome, ModelRef, RunRef, RunStatus, RunSummary,
    RunsStartReq, VersionSelector,
};

use crate::run::Progress;

/// What `galley eval` was asked.
pub struct EvalArgs {
    pub path: String,
    pub versions: Vec<u32>,
    pub label: Option<String>,
    pub models: Vec<String>,
    pub dataset: Option<String>,
    pub repeats: u32,
    pub concurrency: Option<u32>,
    pub no_cache: bool,
    pub junit: Option<PathBuf>,
    pub json_report: Option<PathBuf>,
    pub markdown: Option<PathBuf>,
    pub json: bool,
}

/// Runs the evaluation; `Ok(true)` when every threshold of every version holds.
pub async fn eval(engine: &Engine, a: EvalArgs) -> Result<bool, EngineError> {
    if Path::new(&a.path).is_dir() {
        return crate::eval_repo::eval_repo(engine, &a).await;
    }
    let Some(dataset_arg) = a.dataset.as_deref() else {
        return Err(EngineError::invalid(
            "--dataset is required: the name of a dataset (NAME or NAME@VERSION), or a CSV / \
             JSONL file",
        ));
    };
    // Check the blueprint file and the dataset before either is imported, so a mistake in one
    // leaves the data folder as it was.
    let file = blueprint_file(&a.path);
    if let Some(path) = &file {
        import_blueprint_file(engine, path, true).await?;
    }
    let dataset = dataset_ref(engine, dataset_arg, a.json).await?;
    let name = match &file {
        Some(path) => import_blueprint_file(engine, path, false).await?,
        None => a.path.clone(),
    };
    let bp = engine.blueprint_by_name(&name).await?;
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
    if versions.is_empty() {
        versions.push(bp.latest_version.ok_or_else(|| {
            EngineError::invalid(format!("`{}` has no saved version to evaluate", bp.name))
        })?);
    }
    for v in &versions {
        check_evaluators(engine, &bp.name, *v).await?;
    }
    let models = models(&a.models)?;
    let run = start_run(engine, &bp.id, versions, models, dataset, &a).await?;
    let report = EvalReportReq {
        run_id: run.id.clone(),
        junit: a.junit.as_deref().map(absolute).transpose()?,
        json: a.json_report.as_deref().map(absolute).transpose()?,
        markdown: a.markdown.as_deref().map(absolute).transpose()?,
    };
    let (summary, _) = engine.eval_summary_and_report(report).await?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&summary).expect("summary serialises")
        );
    } else {
        print_summary(&summary);
    }
    if let Some(why) = run_problem(engine, &run).await? {
        return Err(EngineError::invalid(why));
    }
    Ok(summary.gate_pass)
}

/// The models of `--models`, comma-separated or repeated.
pub(crate) fn models(args: &[String]) -> Result<Vec<ModelRef>, EngineError> {
    args.iter()
        .flat_map(|m| m.split(','))
        .filter(|m| !m.trim().is_empty())
        .map(ModelRef::parse)
        .collect()
}

/// A version used as a gate must have evaluators.
pub(crate) async fn check_evaluators(
    engine: &Engine,
    blueprint: &str,
    version: u32,
) -> Result<(), EngineError> {
    let v = engine
        .versions_resolve(
            blueprint,
            &VersionSelector {
                version: Some(version),
                label: None,
            },
        )
        .await?;
    if v.content.evaluators.is_empty() {
        return Err(EngineError::invalid(format!(
            "v{version} of `{blueprint}` has no evaluators: add assertions or a judge to the \
             version before using it as a gate"
        )));
    }
    Ok(())
}

/// Runs the versions on the dataset's cases, with a progress bar on a terminal.
pub(crate) async fn start_run(
    engine: &Engine,
    blueprint_id: &str,
    versions: Vec<u32>,
    models: Vec<ModelRef>,
    dataset: DatasetRef,
    a: &EvalArgs,
) -> Result<RunSummary, EngineError> {
    let req = RunsStartReq {
        blueprint_id: blueprint_id.to_string(),
        versions,
        models,
        inputs: Vec::new(),
        repeats: a.repeats,
        concurrency: a.concurrency,
        bypass_cache: a.no_cache,
        dataset: Some(dataset),
    };
    let bar = Progress::new(!a.json && std::io::stderr().is_terminal());
    let run = engine.runs_start(req, "cli", bar.sink()).await?;
    bar.finish();
    Ok(run)
}

/// Why a run is no verdict on the prompt: nothing answered (credentials, region, model
/// access...), or it did not finish.
pub(crate) async fn run_problem(
    engine: &Engine,
    run: &RunSummary,
) -> Result<Option<String>, EngineError> {
    if run.cells_total > 0 && run.cells_ok == 0 {
        let detail = engine
            .runs_get(RunRef {
                run_id: run.id.clone(),
            })
            .await?;
        let why = detail
            .cells
            .iter()
            .find_map(|c| c.error.as_ref())
            .map_or_else(|| "no answer".to_string(), |e| e.message.clone());
        return Ok(Some(format!(
            "no case got an answer in run {} ({} of {} calls failed): {why}",
            run.id, run.cells_failed, run.cells_total
        )));
    }
    if run.status != RunStatus::Finished {
        return Ok(Some(format!(
            "the evaluation run {} did not finish ({}); `galley runs resume {}` completes it",
            run.id,
            format!("{:?}", run.status).to_lowercase(),
            run.id
        )));
    }
    Ok(None)
}

/// A dataset by `NAME`, `NAME@VERSION` or id; or a CSV / JSONL file, imported first (a new
/// version of the dataset named after the file when its cases changed). A file that does not
/// exist is an error naming it; nothing is imported then.
pub(crate) async fn dataset_ref(
    engine: &Engine,
    text: &str,
    quiet: bool,
) -> Result<DatasetRef, EngineError> {
    let path = Path::new(text);
    if path.is_file() {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| text.to_string());
        let existing = engine.dataset_find(&name).await.ok();
        let res = engine
            .datasets_import(DatasetsImportReq {
                path: Some(absolute(path)?),
                text: None,
                format: None,
                dataset_id: existing.map(|d| d.id),
                name: Some(name),
            })
            .await?;
        if !quiet {
            for w in &res.warnings {
                eprintln!("warning: {w}");
            }
        }
        return Ok(DatasetRef {
            id: res.summary.id,
            version: res.version.map(|v| v.number).or(res.summary.latest_version),
        });
    }
    let (name, version) = match text.rsplit_once('@') {
        Some((n, v)) if v.chars().all(|c| c.is_ascii_digit()) && !v.is_empty() => (
            n,
            Some(
                v.parse::<u32>()
                    .map_err(|e| EngineError::invalid(e.to_string()))?,
            ),
        ),
        _ => (text, None),
    };
    match engine.dataset_find(name).await {
        Ok(d) => Ok(DatasetRef { id: d.id, version }),
        Err(e) if e.code == ErrorCode::NotFound && looks_like_file(text) => Err(EngineError::new(
            ErrorCode::NotFound,
            format!(
                "the dataset file {text} does not exist (--dataset takes a CSV / JSONL file \
                     or the name of a dataset)"
            ),
        )),
        Err(e) => Err(e),
    }
}

/// Whether `--dataset` was meant as a file: a path, or a name with a dataset file's ending.
fn looks_like_file(text: &str) -> bool {
    let lower = text.to_lowercase();
    text.contains('/')
        || text.contains(std::path::MAIN_SEPARATOR)
        || [".csv", ".jsonl", ".ndjson"]
            .iter()
            .any(|end| lower.ends_with(end))
}

/// The blueprint file `arg` names, if it is one (else `arg` is a blueprint's name).
fn blueprint_file(arg: &str) -> Option<&Path> {
    let path = Path::new(arg);
    (path.is_file() && arg.ends_with(".galley.yaml")).then_some(path)
}

/// Imports a blueprint file (a CI runner starts with an empty data folder; importing adds only
/// what is new), or with `dry_run` only checks it; its blueprint's name. A broken or diverged
/// file is an error naming the file.
async fn import_blueprint_file(
    engine: &Engine,
    path: &Path,
    dry_run: bool,
) -> Result<String, EngineError> {
    let items = engine
        .repo_import(galley_engine::RepoImportReq {
            path: absolute(path)?,
            dry_run,
            ..Default::default()
        })
        .await?;
    let item = items.into_iter().next().expect("one file, one item");
    match item.outcome {
        ImportOutcome::Invalid | ImportOutcome::Conflict => {
            Err(EngineError::invalid(refused(&item)))
        }
        _ => Ok(item.name),
    }
}

/// A refused file's message, naming the file when the message does not.
pub(crate) fn refused(item: &galley_engine::RepoImportItem) -> String {
    let name = Path::new(&item.file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| item.file.clone());
    if item.message.starts_with(&name) || item.message.starts_with("datasets/") {
        item.message.clone()
    } else {
        format!("{name}: {}", item.message)
    }
}

pub(crate) fn absolute(path: &Path) -> Result<String, EngineError> {
    let p = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| EngineError::invalid(format!("where am I? {e}")))?
            .join(path)
    };
    Ok(p.display().to_string())
}

pub(crate) fn print_summary(s: &EvalSummary) {
    println!(
        "{}: {} cases{} × {} repeat(s), run {}",
        s.blueprint_name,
        s.cases,
        s.dataset
            .as_ref()
            .map_or(String::new(), |d| format!(" from {d}")),
        s.repeats,
        s.run_id
    );
    for v in &s.variants {
        let pass = v.pass_rate.as_ref().map_or("–".to_string(), |i| {
            format!(
                "{:.1}% [{:.1}–{:.1}]",
                i.estimate * 100.0,
                i.low * 100.0,
                i.high * 100.0
            )
        });
        let score = v.mean_score.as_ref().map_or("–".to_string(), |i| {
            format!("{:.3} [{:.3}–{:.3}]", i.estimate, i.low, i.high)
        });
        println!(
            "  {}  pass {pass}  score {score}  cost/case {}  p95 {}{}",
            v.label,
            v.cost_per_case_usd
                .map_or("–".to_string(), |c| format!("${c:.6}")),
            v.p95_latency_ms
                .map_or("–".to_string(), |l| format!("{l:.0} ms")),
            if v.score_errors + v.cells_failed > 0 {
                format!(
                    "  ({} failed calls, {} verdict errors)",
                    v.cells_failed, v.score_errors
                )
            } else {
                String::new()
            }
        );
        for e in &v.evaluators {
            println!(
                "    {:<24} pass {}  mean {}{}",
                e.name,
                e.pass_rate
                    .as_ref()
                    .map_or("–".to_string(), |i| format!("{:.1}%", i.estimate * 100.0)),
                e.mean
                    .as_ref()
                    .map_or("–".to_string(), |i| format!("{:.3}", i.estimate)),
                if e.errors > 0 {
                    format!("  {} errors", e.errors)
                } else {
                    String::new()
                }
            );
        }
        if v.gate.is_empty() {
            println!("    no thresholds: nothing gates this version");
        }
        for g in &v.gate {
            println!("    {} {}", if g.pass { "PASS" } else { "FAIL" }, g.message);
        }
    }
    for c in &s.comparisons {
        let diff = c.difference.as_ref().map_or("–".to_string(), |d| {
            format!("{:+.3} [{:+.3}, {:+.3}]", d.estimate, d.low, d.high)
        });
        println!(
            "  {} vs {}: {diff} over {} cases, Wilcoxon p {}, sign test p {}{}",
            c.a_label,
            c.b_label,
            c.pairs,
            c.wilcoxon_p.map_or("–".to_string(), |p| format!("{p:.4}")),
            c.sign_test_p.map_or("–".to_string(), |p| format!("{p:.4}")),
            if c.significant { " (significant)" } else { "" }
        );
    }
    println!(
        "{}",
        if s.gate_pass {
            "gate: pass"
        } else {
            "gate: FAIL"
        }
    );
}

pub async fn datasets_list(engine: &Engine, json: bool) -> Result<(), EngineError> {
    let list = engine.datasets_list().await?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&list).expect("list serialises")
        );
        return Ok(());
    }
    if list.is_empty() {
        println!("no datasets");
    }
    for d in list {
        println!(
            "{:<32} v{:<4} {:>6} cases  {}",
            d.name,
            d.latest_version.map_or("-".to_string(), |v| v.to_string()),
            d.cases,
            d.updated_at
        );
    }
    Ok(())
}

pub async fn datasets_import(
    engine: &Engine,
    file: &Path,
    name: Option<String>,
    into: Option<String>,
    format: Option<String>,
) -> Result<(), EngineError> {
    let dataset_id = match into {
        Some(n) => Some(engine.dataset_find(&n).await?.id),
        None => None,
    };
    let res = engine
        .datasets_import(DatasetsImportReq {
            path: Some(absolute(file)?),
            text: None,
            format: format.as_deref().map(parse_format).transpose()?,
            dataset_id,
            name,
        })
        .await?;
    for w in &res.warnings {
        eprintln!("warning: {w}");
    }
    match res.version {
        Some(v) => println!(
            "{} v{}: {} cases imported",
            res.summary.name, v.number, v.cases
        ),
        None => println!(
            "{}: unchanged (the cases equal v{})",
            res.summary.name,
            res.summary.latest_version.unwrap_or(0)
        ),
    }
    Ok(())
}

pub async fn datasets_export(
    engine: &Engine,
    name: &str,
    version: Option<u32>,
    format: &str,
) -> Result<(), EngineError> {
    let d = engine.dataset_find(name).await?;
    let text = engine
        .datasets_export(DatasetsExportReq {
            id: d.id,
            version,
            format: parse_format(format)?,
            path: None,
        })
        .await?;
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|e| EngineError::invalid(format!("cannot write the export: {e}")))
}

fn parse_format(text: &str) -> Result<DatasetFormat, EngineError> {
    match text {
        "csv" => Ok(DatasetFormat::Csv),
        "jsonl" => Ok(DatasetFormat::Jsonl),
        "bedrock" | "bedrock-jsonl" => Ok(DatasetFormat::BedrockJsonl),
        other => Err(EngineError::invalid(format!(
            "format `{other}`: use csv, jsonl or bedrock-jsonl"
        ))),
    }
}
