//! Evaluation through the engine against bedrock-sim: a dataset imported from CSV, assertions
//! and an LLM judge scoring every cell as it finishes, the statistics and the gate of each
//! version, a malformed judge verdict kept as an error (never a zero), the reports, and scoring
//! resumed after a stop.

use std::sync::{Arc, Mutex};

use bedrock_sim::{Script, Sim, SimConfig};
use galley_engine::core::eval::{Check, Evaluator, JudgeConfig, Thresholds};
use galley_engine::core::BlueprintContent;
use galley_engine::*;

mod support;

const JUDGE: &str = "anthropic.claude-3-5-haiku-20241022-v1:0";
const BAD_JUDGE: &str = "anthropic.claude-3-haiku-20240307-v1:0";
const NOVA: &str = "amazon.nova-lite-v1:0";

/// Three of the four questions carry their answer, which the simulator echoes back.
const CSV: &str = "question,reference,category,tags\n\
\"What is the capital of France? Paris\",Paris,europe,easy\n\
\"What is the capital of Spain? Madrid\",Madrid,europe,\n\
\"What is the capital of Peru?\",Lima,americas,hard;trap\n\
\"What is the capital of Chile? Santiago\",Santiago,americas,\n";

fn contains_reference() -> Evaluator {
    Evaluator {
        name: "names the city".into(),
        weight: 1.0,
        check: Check::Contains {
            value: "{{ reference }}".into(),
        },
    }
}

fn judge(model: &str) -> Evaluator {
    Evaluator {
        name: "correct".into(),
        weight: 1.0,
        check: Check::Judge(JudgeConfig {
            metric: "correctness".into(),
            rubric: None,
            model: format!("bedrock:{model}"),
            pass_score: 0.5,
        }),
    }
}

/// v1: gate at 70% (holds), v2: gate at 90% (fails), v3: a judge whose verdicts are malformed.
async fn setup(sim: &Sim) -> (tempfile::TempDir, Engine, String, String) {
    let (dir, engine) = support::engine_on_sim(sim, Some(2)).await;
    let bp = engine
        .blueprints_create(BlueprintsCreateReq {
            name: "Capitals".into(),
            tags: vec![],
        })
        .await
        .unwrap();
    for (system, min_pass, judge_model) in [
        ("Answer briefly.", 0.7, JUDGE),
        ("Answer in one word.", 0.9, JUDGE),
        ("Answer in French.", 0.5, BAD_JUDGE),
    ] {
        let mut c = BlueprintContent::chat(system, "{{ question }}");
        c.model.provider = "bedrock".into();
        c.model.model_id = NOVA.into();
        c.model.temperature = Some(0.0);
        c.evaluators = vec![contains_reference(), judge(judge_model)];
        c.thresholds = Thresholds {
            min_pass_rate: Some(min_pass),
            min_mean: [("correct".to_string(), 0.6)].into(),
            max_cost_per_case_usd: Some(0.01),
            max_p95_latency_ms: None,
        };
        engine
            .versions_save(VersionsSaveReq {
                id: bp.id.clone(),
                content: c,
                message: system.into(),
            })
            .await
            .unwrap();
    }
    let imported = engine
        .datasets_import(DatasetsImportReq {
            path: None,
            text: Some(CSV.into()),
            format: None,
            dataset_id: None,
            name: Some("Capitals".into()),
        })
        .await
        .unwrap();
    assert_eq!(imported.version.as_ref().unwrap().cases, 4);
    (dir, engine, bp.id, imported.summary.id)
}

type Events = Arc<Mutex<Vec<RunEvent>>>;

fn sink() -> (Events, RunSink) {
    let events: Events = Arc::default();
    let seen = events.clone();
    (events, Arc::new(move |e| seen.lock().unwrap().push(e)))
}

fn calls_to(sim: &Sim, model: &str) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.operation == "ConverseStream" && r.model_id.as_deref() == Some(model))
        .count()
}

fn run_req(bp: &str, dataset: &str, versions: Vec<u32>) -> RunsStartReq {
    RunsStartReq {
        blueprint_id: bp.into(),
        versions,
        models: vec![],
        inputs: vec![],
        repeats: 1,
        concurrency: Some(4),
        bypass_cache: false,
        dataset: Some(DatasetRef {
            id: dataset.into(),
            version: None,
        }),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dataset_run_is_scored_summarised_and_gated() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    sim.script(
        JUDGE,
        Script::text("{\"reasoning\": \"The answer names the right city.\", \"score\": 4}"),
    );
    let (dir, engine, bp, dataset) = setup(&sim).await;
    let plan = engine
        .runs_plan(run_req(&bp, &dataset, vec![1, 2]))
        .await
        .unwrap();
    assert_eq!((plan.estimate.cells, plan.estimate.judge_calls), (8, 8));
    let (events, to) = sink();
    let run = engine
        .runs_start(run_req(&bp, &dataset, vec![1, 2]), "cli", to)
        .await
        .unwrap();
    assert_eq!((run.cells_ok, run.cells_total), (8, 8));

    // every cell was scored as it finished, and the scores were reported
    let scored = events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            RunEvent::CellScored { scores, .. } => Some(scores.len()),
            _ => None,
        })
        .collect::<Vec<_>>();
    assert_eq!(scored, vec![2; 8]);
    assert_eq!(calls_to(&sim, NOVA), 8);
    // v1 and v2 differ in their system prompt, so their requests (and the judge's) differ
    assert_eq!(calls_to(&sim, JUDGE), 8);

    let detail = engine
        .runs_get(RunRef {
            run_id: run.id.clone(),
        })
        .await
        .unwrap();
    let ds = detail.spec.dataset.as_ref().unwrap();
    assert_eq!((ds.name.as_str(), ds.version), ("Capitals", 1));
    assert_eq!(detail.spec.inputs[2].reference.as_deref(), Some("Lima"));
    assert_eq!(detail.spec.inputs[2].category.as_deref(), Some("americas"));

    let scores = engine
        .eval_scores(RunRef {
            run_id: run.id.clone(),
        })
        .await
        .unwrap()
        .scores;
    assert_eq!(scores.len(), 16);
    let peru = scores
        .iter()
        .find(|s| s.key.column == 0 && s.key.input == 2 && s.evaluator == "names the city")
        .unwrap();
    assert_eq!((peru.pass, peru.score), (Some(false), Some(0.0)));
    assert!(peru.reason.contains("Lima"), "{}", peru.reason);
    let judged = scores
        .iter()
        .find(|s| s.key.column == 0 && s.key.input == 0 && s.evaluator == "correct")
        .unwrap();
    assert_eq!((judged.pass, judged.score), (Some(true), Some(0.75)));
    let j = judged.judge.as_ref().unwrap();
    assert_eq!(j.model, format!("bedrock:{JUDGE}"));
    assert_eq!(j.raw_score, Some(4.0));
    assert_eq!(j.reasoning, "The answer names the right city.");
    assert!(j
        .prompt
        .contains("echo: What is the capital of France? Paris"));
    assert!(
        j.prompt.contains("Paris"),
        "the reference is given to a correctness judge"
    );
    assert!(j.cost_usd.unwrap() > 0.0);

    let s = engine
        .eval_summary(RunRef {
            run_id: run.id.clone(),
        })
        .await
        .unwrap();
    assert_eq!(s.dataset.as_deref(), Some("Capitals v1"));
    assert_eq!((s.cases, s.unscored_cells), (4, 0));
    let v1 = &s.variants[0];
    let pass = v1.pass_rate.as_ref().unwrap();
    assert_eq!(pass.estimate, 0.75);
    assert!(pass.low <= 0.75 && pass.high >= 0.75 && pass.low >= 0.0 && pass.high <= 1.0);
    // per case: (1 + 0.75) / 2 three times, (0 + 0.75) / 2 once
    let mean = v1.mean_score.as_ref().unwrap().estimate;
    assert!((mean - 0.75).abs() < 1e-12, "{mean}");
    assert_eq!(v1.evaluators[1].mean.as_ref().unwrap().estimate, 0.75);
    assert_eq!(v1.evaluators[0].histogram, vec![1, 0, 0, 0, 3]);
    let cats: Vec<(String, f64)> = v1
        .categories
        .iter()
        .map(|c| (c.category.clone(), c.pass_rate.as_ref().unwrap().estimate))
        .collect();
    assert_eq!(
        cats,
        vec![("americas".to_string(), 0.5), ("europe".to_string(), 1.0)]
    );
    assert!(v1.judge_cost_usd > 0.0);
    assert!(v1.gate_pass, "{:?}", v1.gate);
    assert_eq!(v1.gate.len(), 3);
    let v2 = &s.variants[1];
    assert!(!v2.gate_pass);
    let failed: Vec<&str> = v2
        .gate
        .iter()
        .filter(|g| !g.pass)
        .map(|g| g.name.as_str())
        .collect();
    assert_eq!(failed, vec!["pass rate"]);
    assert!(!s.gate_pass);
    // the same verdicts on both versions: no difference, nothing significant
    let c = &s.comparisons[0];
    assert_eq!((c.pairs, c.ties, c.significant), (4, 4, false));

    // the summary is reproducible: the bootstrap seed comes from the run
    let again = engine
        .eval_summary(RunRef {
            run_id: run.id.clone(),
        })
        .await
        .unwrap();
    assert_eq!(again, s);

    // the run-to-run diff carries each cell's score
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
    assert_eq!(diff.rows[2].a_score, Some(0.375));
    assert_eq!(diff.rows[2].a_pass, Some(false));
    assert_eq!(diff.rows[0].b_score, Some(0.875));
    assert_eq!((diff.improved, diff.regressed), (0, 0));

    // reports
    let out = dir.path().join("reports");
    std::fs::create_dir_all(&out).unwrap();
    let files = engine
        .eval_report(EvalReportReq {
            run_id: run.id.clone(),
            junit: Some(out.join("junit.xml").display().to_string()),
            json: Some(out.join("eval.json").display().to_string()),
            markdown: Some(out.join("eval.md").display().to_string()),
        })
        .await
        .unwrap();
    assert_eq!(files.written.len(), 3);
    let junit = std::fs::read_to_string(out.join("junit.xml")).unwrap();
    assert_eq!(junit.matches("<testsuite ").count(), 2);
    assert_eq!(junit.matches("<testcase ").count(), 2 * (3 + 4));
    assert_eq!(junit.matches("<failure ").count(), 2 + 1, "{junit}");
    assert!(junit.contains("case 3: question=What is the capital of Peru?"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("eval.json")).unwrap()).unwrap();
    assert_eq!(json["summary"]["variants"][0]["passRate"]["estimate"], 0.75);
    assert_eq!(json["scores"].as_array().unwrap().len(), 16);
    let md = std::fs::read_to_string(out.join("eval.md")).unwrap();
    assert!(md.starts_with("## Galley eval: Capitals — ❌"), "{md}");
    assert!(md.contains("| v1 · bedrock:amazon.nova-lite-v1:0 | 75.0% ("));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_verdict_is_an_error_not_a_zero() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    sim.script(BAD_JUDGE, Script::text("I would say it is mostly fine."));
    let (_dir, engine, bp, dataset) = setup(&sim).await;
    let (_events, to) = sink();
    let run = engine
        .runs_start(run_req(&bp, &dataset, vec![3]), "app", to)
        .await
        .unwrap();
    let s = engine
        .eval_summary(RunRef {
            run_id: run.id.clone(),
        })
        .await
        .unwrap();
    let v = &s.variants[0];
    assert_eq!((v.score_errors, v.cells_scored), (4, 0));
    assert_eq!(v.pass_rate, None, "no cell was fully scored: no pass rate");
    assert_eq!(v.evaluators[1].errors, 4);
    assert_eq!(v.evaluators[1].mean, None);
    // the assertion still judged every cell
    assert_eq!(v.evaluators[0].pass_rate.as_ref().unwrap().estimate, 0.75);
    let scores = engine
        .eval_scores(RunRef { run_id: run.id })
        .await
        .unwrap()
        .scores;
    let bad = scores.iter().find(|s| s.evaluator == "correct").unwrap();
    assert_eq!((bad.pass, bad.score), (None, None));
    assert!(bad.reason.contains("mostly fine"), "{}", bad.reason);
    assert_eq!(
        bad.judge.as_ref().unwrap().raw,
        "I would say it is mostly fine."
    );
    // the gate cannot hold on missing figures
    assert!(!v.gate_pass);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn datasets_import_all_or_nothing_and_version_their_cases() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let (dir, engine, _bp, dataset) = setup(&sim).await;
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "question,reference\nok,1\n\"two\",2,extra\nfine,3\nalso bad\n",
    )
    .unwrap();
    let err = engine
        .datasets_import(DatasetsImportReq {
            path: Some(bad.display().to_string()),
            text: None,
            format: None,
            dataset_id: None,
            name: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid);
    assert!(err.message.contains("bad.csv"), "{}", err.message);
    assert!(err.message.contains("line 3"), "{}", err.message);
    assert!(err.message.contains("line 5"), "{}", err.message);
    assert_eq!(
        engine.datasets_list().await.unwrap().len(),
        1,
        "nothing half-imported"
    );

    // edit: one more case is version 2; saving it again creates nothing
    let mut d = engine
        .datasets_get(DatasetRef {
            id: dataset.clone(),
            version: None,
        })
        .await
        .unwrap();
    d.content.cases.push(d.content.cases[0].clone());
    d.content.cases[4]
        .values
        .insert("question".into(), "Capital of Italy?".into());
    let v2 = engine
        .datasets_save(DatasetsSaveReq {
            id: dataset.clone(),
            content: d.content.clone(),
            message: "Italy".into(),
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!((v2.number, v2.cases), (2, 5));
    assert!(engine
        .datasets_save(DatasetsSaveReq {
            id: dataset.clone(),
            content: d.content,
            message: "again".into(),
        })
        .await
        .unwrap()
        .is_none());
    let v1 = engine
        .datasets_get(DatasetRef {
            id: dataset.clone(),
            version: Some(1),
        })
        .await
        .unwrap();
    assert_eq!(v1.content.cases.len(), 4);
    assert_eq!(v1.versions.len(), 2);
    // Bedrock's evaluation format out, and back in as a new dataset
    let text = engine
        .datasets_export(DatasetsExportReq {
            id: dataset.clone(),
            version: Some(1),
            format: galley_engine::core::dataset::DatasetFormat::BedrockJsonl,
            path: None,
        })
        .await
        .unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        r#"{"prompt":"What is the capital of France? Paris","referenceResponse":"Paris","category":"europe"}"#
    );
    let back = engine
        .datasets_import(DatasetsImportReq {
            path: None,
            text: Some(text),
            format: None,
            dataset_id: None,
            name: Some("From Bedrock".into()),
        })
        .await
        .unwrap();
    assert_eq!(
        back.format,
        galley_engine::core::dataset::DatasetFormat::BedrockJsonl
    );
    assert_eq!(back.version.unwrap().cases, 4);
    // a duplicate name is refused
    let dup = engine
        .datasets_create(DatasetsCreateReq {
            name: "capitals".into(),
            description: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(dup.code, ErrorCode::Conflict);
    let unnamed = engine
        .datasets_create(DatasetsCreateReq {
            name: "  ".into(),
            description: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(unnamed.message, "a dataset needs a name");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scoring_resumes_where_a_stopped_run_left_it() {
    let sim = Sim::start(SimConfig {
        ttft: std::time::Duration::from_millis(150),
        ..Default::default()
    })
    .await
    .unwrap();
    sim.script(JUDGE, Script::text("{\"reasoning\": \"ok\", \"score\": 5}"));
    let (_dir, engine, bp, dataset) = setup(&sim).await;
    let events: Events = Arc::default();
    let seen = events.clone();
    let stopper = engine.clone();
    // stop the run as soon as the first cell is stored, while its judge is still thinking
    let to: RunSink = Arc::new(move |e: RunEvent| {
        let mut all = seen.lock().unwrap();
        if matches!(e, RunEvent::CellFinished { .. })
            && !all
                .iter()
                .any(|e| matches!(e, RunEvent::CellFinished { .. }))
        {
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
    let mut req = run_req(&bp, &dataset, vec![1]);
    req.concurrency = Some(1);
    let run = engine.runs_start(req, "app", to).await.unwrap();
    assert_eq!(run.status, RunStatus::Cancelled);
    let first = engine
        .eval_summary(RunRef {
            run_id: run.id.clone(),
        })
        .await
        .unwrap();
    assert!(first.unscored_cells >= 1, "{first:?}");
    let calls_before = calls_to(&sim, NOVA);
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
    assert_eq!((resumed.cells_ok, resumed.status), (4, RunStatus::Finished));
    let s = engine
        .eval_summary(RunRef { run_id: run.id })
        .await
        .unwrap();
    assert_eq!(s.unscored_cells, 0);
    assert_eq!(s.variants[0].cells_scored, 4);
    assert_eq!(
        s.variants[0].evaluators[1].mean.as_ref().unwrap().estimate,
        1.0
    );
    // finished cells were not called again
    assert_eq!(
        calls_to(&sim, NOVA) - calls_before,
        4 - run.cells_ok as usize
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_datasets_own_responses_are_scored_without_calling_a_model() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let (_dir, engine, _bp, _dataset) = setup(&sim).await;
    // Bedrock's bring-your-own-response format: two models' answers, one missing for one case
    let jsonl = [
        r#"{"prompt":"Capital of France?","referenceResponse":"Paris","modelResponses":[{"response":"Paris.","modelIdentifier":"alpha"},{"response":"Lyon.","modelIdentifier":"beta"}]}"#,
        r#"{"prompt":"Capital of Peru?","referenceResponse":"Lima","modelResponses":[{"response":"It is Lima.","modelIdentifier":"alpha"},{"response":"Lima","modelIdentifier":"beta"}]}"#,
        r#"{"prompt":"Capital of Chile?","referenceResponse":"Santiago","modelResponses":[{"response":"Santiago","modelIdentifier":"alpha"}]}"#,
    ]
    .join("\n");
    let imported = engine
        .datasets_import(DatasetsImportReq {
            path: None,
            text: Some(jsonl),
            format: None,
            dataset_id: None,
            name: Some("Brought".into()),
        })
        .await
        .unwrap();
    let bp = engine
        .blueprints_create(BlueprintsCreateReq {
            name: "Brought answers".into(),
            tags: vec![],
        })
        .await
        .unwrap();
    let mut c = BlueprintContent::chat("", "{{ prompt }}");
    c.evaluators = vec![contains_reference()];
    engine
        .versions_save(VersionsSaveReq {
            id: bp.id.clone(),
            content: c,
            message: "scored".into(),
        })
        .await
        .unwrap();
    // v2 has no evaluators: it gets no pass rate (not a perfect one)
    engine
        .versions_save(VersionsSaveReq {
            id: bp.id.clone(),
            content: BlueprintContent::chat("Unjudged.", "{{ prompt }}"),
            message: "no evaluators".into(),
        })
        .await
        .unwrap();
    let byo = |m: &str| ModelRef::parse(&format!("dataset:{m}")).unwrap();
    let mut req = run_req(&bp.id, &imported.summary.id, vec![1]);
    req.models = vec![byo("alpha"), byo("beta")];
    let plan = engine.runs_plan(req.clone()).await.unwrap();
    assert_eq!((plan.estimate.cells, plan.estimate.cost_usd_max), (6, 0.0));
    let (_e, to) = sink();
    let run = engine.runs_start(req.clone(), "app", to).await.unwrap();
    assert_eq!((run.cells_ok, run.cells_failed), (5, 1));
    assert!(sim.requests().is_empty(), "no model was called");
    let detail = engine
        .runs_get(RunRef {
            run_id: run.id.clone(),
        })
        .await
        .unwrap();
    let text = |col: u32, input: u32| {
        detail
            .cells
            .iter()
            .find(|c| c.key.column == col && c.key.input == input)
            .unwrap()
    };
    assert_eq!(text(0, 1).text, "It is Lima.");
    assert_eq!(text(1, 0).text, "Lyon.");
    let missing = text(1, 2).error.as_ref().unwrap();
    assert_eq!(
        missing.message,
        "case 3 has no response of `beta` in the dataset"
    );
    let s = engine
        .eval_summary(RunRef { run_id: run.id })
        .await
        .unwrap();
    assert_eq!(s.variants[0].pass_rate.as_ref().unwrap().estimate, 1.0);
    // beta: Lyon fails, Lima passes, no answer for Chile counts as not passing
    let beta = s.variants[1].pass_rate.as_ref().unwrap().estimate;
    assert!((beta - 1.0 / 3.0).abs() < 1e-12, "{beta}");
    assert_eq!(s.variants[1].cells_failed, 1);
    let mut both = req.clone();
    both.versions = vec![1, 2];
    both.models = vec![byo("alpha")];
    let (_e, to) = sink();
    let run2 = engine.runs_start(both, "app", to).await.unwrap();
    let s2 = engine
        .eval_summary(RunRef { run_id: run2.id })
        .await
        .unwrap();
    assert_eq!(s2.variants[0].pass_rate.as_ref().unwrap().estimate, 1.0);
    assert_eq!(
        (
            s2.variants[1].pass_rate.as_ref(),
            s2.variants[1].cells_scored
        ),
        (None, 0)
    );
    assert!(s2.variants[1].gate.is_empty() && s2.variants[1].gate_pass);
    // without a dataset, such a column cannot run
    req.dataset = None;
    req.inputs = vec![RunInput::default()];
    let err = engine.runs_plan(req).await.unwrap_err();
    assert!(
        err.message
            .contains("`dataset:alpha` answers with a dataset's own responses"),
        "{}",
        err.message
    );
}
