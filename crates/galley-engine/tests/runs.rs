//! Comparison runs through the engine against bedrock-sim: a grid of versions × models × inputs ×
//! repeats streams and is stored; history search, filters and export; the response cache; a
//! throttling provider; cancelling and resuming without billing a finished cell twice.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use bedrock_sim::{Script, Sim, SimConfig};
use galley_engine::core::BlueprintContent;
use galley_engine::*;

mod support;

const HAIKU: &str = "anthropic.claude-3-5-haiku-20241022-v1:0";
const NOVA: &str = "amazon.nova-lite-v1:0";

async fn setup(sim: &Sim, max_attempts: u32) -> (tempfile::TempDir, Engine, String) {
    let (dir, engine) = support::engine_on_sim(sim, Some(max_attempts)).await;
    let bp = engine
        .blueprints_create(BlueprintsCreateReq {
            name: "Capitals".into(),
            tags: vec![],
        })
        .await
        .unwrap();
    for system in ["Answer in one sentence.", "Answer in one word."] {
        let mut c = BlueprintContent::chat(system, "What is the capital of {{ country }}?");
        c.model.provider = "bedrock".into();
        c.model.model_id = HAIKU.into();
        c.model.temperature = Some(0.0);
        engine
            .versions_save(VersionsSaveReq {
                id: bp.id.clone(),
                content: c,
                message: system.into(),
            })
            .await
            .unwrap();
    }
    (dir, engine, bp.id)
}

fn inputs(countries: &[&str]) -> Vec<RunInput> {
    countries
        .iter()
        .map(|c| RunInput {
            name: None,
            values: BTreeMap::from([("country".to_string(), c.to_string())]),
            ..Default::default()
        })
        .collect()
}

fn model(id: &str) -> ModelRef {
    ModelRef {
        provider: "bedrock".into(),
        endpoint: None,
        model_id: id.into(),
    }
}

type Events = Arc<Mutex<Vec<RunEvent>>>;

fn sink() -> (Events, RunSink) {
    let events: Events = Arc::default();
    let seen = events.clone();
    (events, Arc::new(move |e| seen.lock().unwrap().push(e)))
}

fn model_calls(sim: &Sim) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.operation == "ConverseStream")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grid_runs_is_stored_searched_exported_and_cached() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    sim.script(
        HAIKU,
        Script::text("Paris is the capital.").with_input_tokens(1000),
    );
    let (_dir, engine, bp) = setup(&sim, 3).await;
    let req = RunsStartReq {
        blueprint_id: bp.clone(),
        versions: vec![1, 2],
        models: vec![model(HAIKU), model(NOVA)],
        inputs: inputs(&["France", "Spain"]),
        repeats: 2,
        concurrency: Some(4),
        bypass_cache: false,
        dataset: None,
    };

    let plan = engine.runs_plan(req.clone()).await.unwrap();
    assert_eq!(plan.estimate.cells, 16);
    assert_eq!(plan.estimate.cached_cells, 0);
    assert!(plan.estimate.cost_usd_min > 0.0);
    assert!(plan.estimate.cost_usd_max > plan.estimate.cost_usd_min);
    assert!(
        plan.estimate.unpriced.is_empty(),
        "{:?}",
        plan.estimate.unpriced
    );

    let (events, to) = sink();
    let run = engine.runs_start(req.clone(), "app", to).await.unwrap();
    assert_eq!(run.status, RunStatus::Finished);
    assert_eq!(
        (run.cells_total, run.cells_ok, run.cells_failed),
        (16, 16, 0)
    );
    assert_eq!(
        run.columns,
        vec![
            format!("v1 · bedrock:{HAIKU}"),
            format!("v1 · bedrock:{NOVA}"),
            format!("v2 · bedrock:{HAIKU}"),
            format!("v2 · bedrock:{NOVA}"),
        ]
    );
    assert_eq!(model_calls(&sim), 16);
    {
        let events = events.lock().unwrap();
        assert!(matches!(&events[0], RunEvent::Started { pending: 16, .. }));
        let finished = events
            .iter()
            .filter(|e| matches!(e, RunEvent::CellFinished { .. }))
            .count();
        assert_eq!(finished, 16);
        assert!(events
            .iter()
            .any(|e| matches!(e, RunEvent::CellDelta { .. })));
        let last = events
            .iter()
            .rev()
            .find_map(|e| match e {
                RunEvent::Progress(p) => Some(*p),
                _ => None,
            })
            .unwrap();
        assert_eq!(
            (last.done, last.failed, last.total, last.eta_ms),
            (16, 0, 16, Some(0))
        );
    }

    let detail = engine
        .runs_get(RunRef {
            run_id: run.id.clone(),
        })
        .await
        .unwrap();
    assert_eq!(detail.cells.len(), 16);
    let haiku = detail
        .cells
        .iter()
        .find(|c| c.key.column == 0 && c.key.input == 0)
        .unwrap();
    assert_eq!(haiku.text, "Paris is the capital.");
    assert_eq!(haiku.attempts, 1);
    assert!(!haiku.cache_hit);
    assert!(haiku.cost_usd.unwrap() > 0.0);
    assert_eq!(
        haiku.request.system.as_deref(),
        Some("Answer in one sentence.")
    );
    let nova_spain = detail
        .cells
        .iter()
        .find(|c| c.key.column == 3 && c.key.input == 1)
        .unwrap();
    assert_eq!(nova_spain.text, "echo: What is the capital of Spain?");
    assert_eq!(
        nova_spain.request.system.as_deref(),
        Some("Answer in one word.")
    );
    assert!(
        (run.cost_usd - detail.cells.iter().filter_map(|c| c.cost_usd).sum::<f64>()).abs() < 1e-12
    );

    // history: search over templates, inputs and outputs; filters
    let find = |text: &str| RunsListReq {
        text: Some(text.into()),
        ..Default::default()
    };
    for hit in ["Spain", "capital", "one word", "Paris"] {
        let found = engine.runs_list(find(hit)).await.unwrap();
        assert_eq!(found.len(), 1, "{hit}");
    }
    assert!(engine.runs_list(find("Lisbon")).await.unwrap().is_empty());
    let by_model = |m: &str| RunsListReq {
        model: Some(m.into()),
        ..Default::default()
    };
    assert_eq!(engine.runs_list(by_model("nova")).await.unwrap().len(), 1);
    assert!(engine
        .runs_list(by_model("llama"))
        .await
        .unwrap()
        .is_empty());

    // export
    let csv = engine
        .runs_export(RunsExportReq {
            run_id: run.id.clone(),
            format: RunExportFormat::Csv,
        })
        .await
        .unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 17);
    assert!(lines[0].starts_with("run_id,version,provider,endpoint,model_id,input"));
    assert!(
        lines[1].contains(",Paris is the capital.,end_turn,1000,"),
        "{}",
        lines[1]
    );
    let jsonl = engine
        .runs_export(RunsExportReq {
            run_id: run.id.clone(),
            format: RunExportFormat::Jsonl,
        })
        .await
        .unwrap();
    let rows: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 16);
    assert_eq!(rows[0]["cell"]["request"]["modelId"], HAIKU);

    // the same spec again: every cell from the cache, no call, no cost
    let plan = engine.runs_plan(req.clone()).await.unwrap();
    assert_eq!(plan.estimate.cached_cells, 16);
    assert_eq!(plan.estimate.cost_usd_max, 0.0);
    let (_e, to) = sink();
    let again = engine.runs_start(req.clone(), "app", to).await.unwrap();
    assert_eq!(model_calls(&sim), 16);
    assert_eq!(again.cost_usd, 0.0);
    let cells = engine
        .runs_get(RunRef {
            run_id: again.id.clone(),
        })
        .await
        .unwrap()
        .cells;
    assert!(cells.iter().all(|c| c.cache_hit && c.attempts == 0));
    assert_eq!(cells[0].text, "Paris is the capital.");

    // one parameter changed: every cell misses
    let mut v3 = engine
        .versions_get(VersionsGetReq {
            id: bp.clone(),
            number: 2,
        })
        .await
        .unwrap()
        .content;
    v3.model.temperature = Some(0.5);
    engine
        .versions_save(VersionsSaveReq {
            id: bp.clone(),
            content: v3,
            message: "warmer".into(),
        })
        .await
        .unwrap();
    let (_e, to) = sink();
    let warmer = RunsStartReq {
        versions: vec![3],
        ..req.clone()
    };
    engine.runs_start(warmer, "app", to).await.unwrap();
    assert_eq!(model_calls(&sim), 16 + 8);
    // bypassing the cache calls again
    let (_e, to) = sink();
    let bypass = RunsStartReq {
        versions: vec![3],
        bypass_cache: true,
        dataset: None,
        ..req.clone()
    };
    engine.runs_start(bypass, "app", to).await.unwrap();
    assert_eq!(model_calls(&sim), 16 + 8 + 8);

    // run-to-run diff: v1 against v2 on Nova, input by input
    let diff = engine
        .runs_diff(RunsDiffReq {
            a: ColumnRef {
                run_id: run.id.clone(),
                column: 1,
            },
            b: ColumnRef {
                run_id: again.id.clone(),
                column: 3,
            },
        })
        .await
        .unwrap();
    assert_eq!(diff.rows.len(), 2);
    assert_eq!(diff.rows[0].input, "country=France");
    assert!(diff.rows[0].same_text);
    assert_eq!(diff.changed, 0);
    let diff = engine
        .runs_diff(RunsDiffReq {
            a: ColumnRef {
                run_id: run.id.clone(),
                column: 0,
            },
            b: ColumnRef {
                run_id: run.id.clone(),
                column: 1,
            },
        })
        .await
        .unwrap();
    assert_eq!(diff.changed, 2);
    assert_eq!(
        diff.rows[1].b_text.as_deref(),
        Some("echo: What is the capital of Spain?")
    );
    assert_eq!(
        engine
            .runs_list(RunsListReq::default())
            .await
            .unwrap()
            .len(),
        4
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_that_throttles_30_percent_slows_the_run_but_fails_no_cell() {
    let sim = Sim::start(SimConfig {
        throttle_percent: 30,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    // one attempt per SDK call: the run's own retries are the ones recorded
    let (_dir, engine, bp) = setup(&sim, 1).await;
    let countries = [
        "France", "Spain", "Italy", "Peru", "Chile", "Japan", "Kenya", "Nepal", "Oman", "Togo",
    ];
    let (_e, to) = sink();
    let run = engine
        .runs_start(
            RunsStartReq {
                blueprint_id: bp,
                versions: vec![1],
                models: vec![model(HAIKU), model(NOVA)],
                inputs: inputs(&countries),
                repeats: 1,
                concurrency: Some(8),
                bypass_cache: false,
                dataset: None,
            },
            "app",
            to,
        )
        .await
        .unwrap();
    assert_eq!((run.cells_ok, run.cells_failed), (20, 0));
    let cells = engine
        .runs_get(RunRef { run_id: run.id })
        .await
        .unwrap()
        .cells;
    let attempts: u32 = cells.iter().map(|c| c.attempts).sum();
    let calls = model_calls(&sim) as u32;
    assert_eq!(attempts, calls, "every call is recorded as an attempt");
    let throttled = sim.requests().iter().filter(|r| r.status == 429).count() as u32;
    assert!(throttled >= 6, "throttled {throttled} of {calls}");
    assert_eq!(attempts, 20 + throttled);
    assert!(cells.iter().any(|c| c.attempts > 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_run_resumes_only_its_missing_cells() {
    let sim = Sim::start(SimConfig {
        tokens_per_sec: Some(60.0),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let (_dir, engine, bp) = setup(&sim, 3).await;
    let countries = ["France", "Spain", "Italy", "Peru", "Chile", "Japan"];
    let events: Events = Arc::default();
    let seen = events.clone();
    let runner = engine.clone();
    let stopper = engine.clone();
    let to: RunSink = Arc::new(move |e: RunEvent| {
        let mut all = seen.lock().unwrap();
        let finished = all
            .iter()
            .filter(|e| matches!(e, RunEvent::CellFinished { .. }))
            .count();
        if let (RunEvent::CellFinished { .. }, 1) = (&e, finished) {
            // the second finished cell: stop the run
            if let Some(RunEvent::Started { run_id, .. }) = all.first() {
                let (id, stopper) = (run_id.clone(), stopper.clone());
                tokio::spawn(async move {
                    stopper
                        .runs_cancel(RunsCancelReq {
                            run_id: id,
                            cell: None,
                        })
                        .await
                });
            }
        }
        all.push(e);
    });
    let run = runner
        .runs_start(
            RunsStartReq {
                blueprint_id: bp,
                versions: vec![1],
                models: vec![model(NOVA)],
                inputs: inputs(&countries),
                repeats: 1,
                concurrency: Some(2),
                bypass_cache: true,
                dataset: None,
            },
            "app",
            to,
        )
        .await
        .unwrap();
    assert_eq!(run.status, RunStatus::Cancelled);
    assert!((2..6).contains(&run.cells_ok), "{}", run.cells_ok);
    let before: Vec<String> = engine
        .runs_get(RunRef {
            run_id: run.id.clone(),
        })
        .await
        .unwrap()
        .cells
        .iter()
        .map(|c| c.text.clone())
        .collect();
    let calls_before = model_calls(&sim);

    let (_e, to) = sink();
    let resumed = engine
        .runs_resume(
            RunRef {
                run_id: run.id.clone(),
            },
            to,
        )
        .await
        .unwrap();
    assert_eq!(resumed.status, RunStatus::Finished);
    assert_eq!((resumed.cells_ok, resumed.cells_total), (6, 6));
    let cells = engine
        .runs_get(RunRef { run_id: run.id })
        .await
        .unwrap()
        .cells;
    assert_eq!(cells.len(), 6);
    // only the missing cells were called
    assert_eq!(model_calls(&sim) - calls_before, 6 - before.len());
    for c in &cells {
        let country = countries[c.key.input as usize];
        assert_eq!(c.text, format!("echo: What is the capital of {country}?"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_cell_can_be_cancelled_while_the_others_finish() {
    let sim = Sim::start(SimConfig {
        tokens_per_sec: Some(30.0),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let (_dir, engine, bp) = setup(&sim, 3).await;
    let stopper = engine.clone();
    let to: RunSink = Arc::new(move |e: RunEvent| {
        // the first streamed text of input 1 (Spain): cancel that cell only
        if let RunEvent::CellDelta { key, .. } = &e {
            if key.input == 1 {
                let (key, stopper) = (*key, stopper.clone());
                tokio::spawn(async move {
                    let runs = stopper.runs_list(RunsListReq::default()).await.unwrap();
                    stopper
                        .runs_cancel(RunsCancelReq {
                            run_id: runs[0].id.clone(),
                            cell: Some(key),
                        })
                        .await
                });
            }
        }
    });
    let run = engine
        .runs_start(
            RunsStartReq {
                blueprint_id: bp,
                versions: vec![1],
                models: vec![model(NOVA)],
                inputs: inputs(&["France", "Spain", "Italy"]),
                repeats: 1,
                concurrency: Some(3),
                bypass_cache: true,
                dataset: None,
            },
            "app",
            to,
        )
        .await
        .unwrap();
    assert_eq!(run.status, RunStatus::Finished);
    assert_eq!((run.cells_ok, run.cells_failed), (2, 1));
    let cells = engine
        .runs_get(RunRef { run_id: run.id })
        .await
        .unwrap()
        .cells;
    let spain = cells.iter().find(|c| c.key.input == 1).unwrap();
    assert_eq!(spain.status, CellStatus::Cancelled);
    assert!(
        spain.text.len() < "echo: What is the capital of Spain?".len(),
        "{}",
        spain.text
    );
}
