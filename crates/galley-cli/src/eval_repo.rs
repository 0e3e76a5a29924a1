//! `galley eval DIR`: the gate over an exported repository (or its `blueprints/` folder). The
//! folder is checked whole, then imported (blueprints and datasets); every blueprint with a
//! dataset of the same name (`datasets/NAME.csv` or `.jsonl`, or `--dataset` for all) is
//! evaluated at `--label` or at its latest version, and one report of each kind covers them all.
//! Exit 0 when every evaluated blueprint holds its thresholds, 1 when one does not, 2 on an
//! error (a refused file, nothing to evaluate, a run that got no answer).

use std::path::Path;

use galley_engine::core::Label;
use galley_engine::{
    BlueprintRef, DatasetRef, Engine, EngineError, EvalRepoEntry, EvalRepoReportReq, EvalSummary,
    ImportKind, ImportOutcome, RepoImportItem, RepoImportReq, RunRef,
};

use crate::eval::{
    absolute, check_evaluators, dataset_ref, models, print_summary, refused, run_problem,
    start_run, EvalArgs,
};

const BLUEPRINT_SUFFIX: &str = ".galley.yaml";

/// One blueprint to run.
struct Planned {
    entry: usize,
    blueprint_id: String,
    version: u32,
    dataset: DatasetRef,
}

pub async fn eval_repo(engine: &Engine, a: &EvalArgs) -> Result<bool, EngineError> {
    if !a.versions.is_empty() {
        return Err(EngineError::invalid(
            "--version picks a version of one blueprint: with a folder, give --label or nothing \
             (each blueprint's latest version)",
        ));
    }
    let label: Option<Label> = match &a.label {
        Some(l) => Some(l.parse().map_err(EngineError::invalid)?),
        None => None,
    };
    let dir = absolute(Path::new(&a.path))?;
    let import = |dry_run| RepoImportReq {
        path: dir.clone(),
        dry_run,
        ..Default::default()
    };
    // The whole folder is checked before anything is imported or run.
    let plan = engine.repo_import(import(true)).await?;
    check_refused(&a.path, &plan)?;
    let shared = match &a.dataset {
        Some(d) => Some(dataset_ref(engine, d, a.json).await?),
        None => None,
    };
    let items = engine.repo_import(import(false)).await?;
    check_refused(&a.path, &items)?;

    let datasets: Vec<(String, &str)> = items
        .iter()
        .filter(|i| i.kind == ImportKind::Dataset)
        .filter_map(|i| Some((dataset_stem(&i.file)?, i.name.as_str())))
        .collect();
    let mut entries: Vec<EvalRepoEntry> = Vec::new();
    let mut planned: Vec<Planned> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    for item in items.iter().filter(|i| i.kind == ImportKind::Blueprint) {
        let (shown, stem) = blueprint_file(&item.file);
        let index = entries.len();
        entries.push(EvalRepoEntry {
            file: shown.clone(),
            blueprint: item.name.clone(),
            run_id: None,
            note: String::new(),
        });
        let dataset = match &shared {
            Some(d) => Some(d.clone()),
            None => match datasets.iter().find(|(s, _)| s.eq_ignore_ascii_case(&stem)) {
                Some((_, name)) => Some(DatasetRef {
                    id: engine.dataset_find(name).await?.id,
                    version: None,
                }),
                None => None,
            },
        };
        let Some(dataset) = dataset else {
            entries[index].note = format!("no datasets/{stem}.csv");
            continue;
        };
        let bp = engine.blueprint_by_name(&item.name).await?;
        let version = match label {
            Some(l) => {
                let labels = engine
                    .blueprints_open(BlueprintRef { id: bp.id.clone() })
                    .await?
                    .labels;
                match labels.iter().find(|s| s.label == l) {
                    Some(s) => s.version,
                    None => {
                        entries[index].note = format!("`{}` has no {l} label", bp.name);
                        continue;
                    }
                }
            }
            None => match bp.latest_version {
                Some(v) => v,
                None => {
                    entries[index].note = format!("`{}` has no saved version", bp.name);
                    continue;
                }
            },
        };
        if let Err(e) = check_evaluators(engine, &bp.name, version).await {
            problems.push(format!("{shown}: {}", e.message));
            continue;
        }
        planned.push(Planned {
            entry: index,
            blueprint_id: bp.id,
            version,
            dataset,
        });
    }
    if !a.json {
        for e in entries.iter().filter(|e| !e.note.is_empty()) {
            println!("{}: not evaluated: {}", e.file, e.note);
        }
    }
    if !problems.is_empty() {
        return Err(EngineError::invalid(format!(
            "nothing was evaluated:\n  {}",
            problems.join("\n  ")
        )));
    }
    if planned.is_empty() {
        return Err(EngineError::invalid(format!(
            "no blueprint in {} can be evaluated: each needs a dataset of the same name \
             (blueprints/NAME.galley.yaml with datasets/NAME.csv or .jsonl), or give --dataset{}",
            a.path,
            match label {
                Some(l) => format!(", and the label {l}"),
                None => String::new(),
            }
        )));
    }

    let models = models(&a.models)?;
    let mut summaries: Vec<(usize, EvalSummary)> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    for p in planned {
        let entry = &entries[p.entry];
        if !a.json {
            println!(
                "\n{}: evaluating v{}{}",
                entry.file,
                p.version,
                label.map_or(String::new(), |l| format!(" ({l})"))
            );
        }
        let run = start_run(
            engine,
            &p.blueprint_id,
            vec![p.version],
            models.clone(),
            p.dataset,
            a,
        )
        .await?;
        let summary = engine
            .eval_summary(RunRef {
                run_id: run.id.clone(),
            })
            .await?;
        if !a.json {
            print_summary(&summary);
        }
        if let Some(why) = run_problem(engine, &run).await? {
            errors.push(format!("{}: {why}", entry.file));
        }
        entries[p.entry].run_id = Some(run.id);
        summaries.push((p.entry, summary));
    }
    engine
        .eval_repo_report(EvalRepoReportReq {
            entries: entries.clone(),
            junit: a.junit.as_deref().map(absolute).transpose()?,
            json: a.json_report.as_deref().map(absolute).transpose()?,
            markdown: a.markdown.as_deref().map(absolute).transpose()?,
        })
        .await?;

    let failed: Vec<&str> = summaries
        .iter()
        .filter(|(_, s)| !s.gate_pass)
        .map(|(i, _)| entries[*i].file.as_str())
        .collect();
    if a.json {
        print_json(&entries, &summaries);
    } else {
        println!(
            "\n{} blueprint{}: {} evaluated ({} pass, {} fail), {} not evaluated",
            entries.len(),
            if entries.len() == 1 { "" } else { "s" },
            summaries.len(),
            summaries.len() - failed.len(),
            failed.len(),
            entries.len() - summaries.len()
        );
        if failed.is_empty() {
            println!("gate: pass");
        } else {
            println!("gate: FAIL ({})", failed.join(", "));
        }
    }
    if !errors.is_empty() {
        return Err(EngineError::invalid(errors.join("\n")));
    }
    Ok(failed.is_empty())
}

/// A refused file (broken, of a newer Galley, or diverged) stops the evaluation before
/// anything is imported; the error names every such file.
fn check_refused(path: &str, items: &[RepoImportItem]) -> Result<(), EngineError> {
    let refused: Vec<String> = items
        .iter()
        .filter(|i| matches!(i.outcome, ImportOutcome::Invalid | ImportOutcome::Conflict))
        .map(refused)
        .collect();
    if refused.is_empty() {
        return Ok(());
    }
    Err(EngineError::invalid(format!(
        "{path}: {} not imported, nothing was evaluated:\n  {}",
        if refused.len() == 1 {
            "a file was".to_string()
        } else {
            format!("{} files were", refused.len())
        },
        refused.join("\n  ")
    )))
}

/// A blueprint file as the repository names it (`blueprints/capitals.galley.yaml`) and its
/// stem (`capitals`).
fn blueprint_file(file: &str) -> (String, String) {
    let path = Path::new(file);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.to_string());
    let stem = name
        .strip_suffix(BLUEPRINT_SUFFIX)
        .unwrap_or(&name)
        .to_string();
    let in_blueprints = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|p| p == "blueprints");
    let shown = if in_blueprints {
        format!("blueprints/{name}")
    } else {
        name
    };
    (shown, stem)
}

/// `capitals` for `…/datasets/capitals.csv` or `.jsonl`.
fn dataset_stem(file: &str) -> Option<String> {
    let name = Path::new(file).file_name()?.to_string_lossy().into_owned();
    let (stem, ending) = name.rsplit_once('.')?;
    ["csv", "jsonl"]
        .iter()
        .any(|e| ending.eq_ignore_ascii_case(e))
        .then(|| stem.to_string())
}

/// `--json`: one document with an entry per blueprint.
fn print_json(entries: &[EvalRepoEntry], summaries: &[(usize, EvalSummary)]) {
    let list: Vec<serde_json::Value> = entries
        .iter()
        .enumerate()
        .map(
            |(i, e)| match summaries.iter().find(|(index, _)| *index == i) {
                Some((_, s)) => serde_json::json!({
                    "file": e.file,
                    "blueprint": e.blueprint,
                    "evaluated": true,
                    "summary": s,
                }),
                None => serde_json::json!({
                    "file": e.file,
                    "blueprint": e.blueprint,
                    "evaluated": false,
                    "note": e.note,
                }),
            },
        )
        .collect();
    let doc = serde_json::json!({
        "gatePass": summaries.iter().all(|(_, s)| s.gate_pass),
        "blueprints": list,
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&doc).expect("summary serialises")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_named_as_the_repository_names_them() {
        assert_eq!(
            blueprint_file("/r/blueprints/capitals.galley.yaml"),
            ("blueprints/capitals.galley.yaml".into(), "capitals".into())
        );
        assert_eq!(
            blueprint_file("/r/flat/x.galley.yaml"),
            ("x.galley.yaml".into(), "x".into())
        );
        assert_eq!(
            dataset_stem("/r/datasets/capitals.JSONL").as_deref(),
            Some("capitals")
        );
        assert_eq!(dataset_stem("/r/datasets/capitals.txt"), None);
    }
}
