//! `galley-bench-seed DATA_DIR NAME [ENDPOINT_NAME BASE_URL]`: writes into a fresh Galley data
//! folder the blueprint the comparison-run benchmark runs (`bench/runs/compare.py`), and, when
//! asked, an OpenAI-compatible endpoint in Settings so `openai:ENDPOINT/MODEL` columns resolve.
//! With `GALLEY_BENCH_JUDGE=provider:model` in the environment the version also gets an assertion
//! and an LLM judge (`bench/runs/eval_gate.py`). Uses the engine's own commands, as the app and
//! the CLI do.

use std::path::PathBuf;
use std::process::ExitCode;

use galley_engine::core::eval::{Check, Evaluator, JudgeConfig, Thresholds};
use galley_engine::core::BlueprintContent;
use galley_engine::providers::OpenAiSettings;
use galley_engine::{BlueprintsCreateReq, EndpointConfig, Engine, EngineError, VersionsSaveReq};

/// The benchmark's prompt: short answers, one variable.
const SYSTEM: &str = "Answer briefly.";
const USER: &str = "What is the capital of {{ country }}?";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (data_dir, name, endpoint) = match args.as_slice() {
        [dir, name] => (PathBuf::from(dir), name.clone(), None),
        [dir, name, endpoint, url] => (
            PathBuf::from(dir),
            name.clone(),
            Some((endpoint.clone(), url.clone())),
        ),
        _ => {
            eprintln!("usage: galley-bench-seed DATA_DIR BLUEPRINT_NAME [ENDPOINT_NAME BASE_URL]");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(seed(data_dir, &name, endpoint)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.message);
            ExitCode::from(2)
        }
    }
}

async fn seed(
    data_dir: PathBuf,
    name: &str,
    endpoint: Option<(String, String)>,
) -> Result<(), EngineError> {
    let engine = Engine::open(&data_dir).await?;
    let bp = engine
        .blueprints_create(BlueprintsCreateReq {
            name: name.to_string(),
            tags: Vec::new(),
        })
        .await?;
    let mut content = BlueprintContent::chat(SYSTEM, USER);
    content.model.provider = "bedrock".into();
    content.model.model_id = "amazon.nova-lite-v1:0".into();
    if let Ok(judge) = std::env::var("GALLEY_BENCH_JUDGE") {
        // the evaluation benchmark: one assertion and one LLM judge, gated at 90%
        content.evaluators = vec![
            Evaluator {
                name: "names the country".into(),
                weight: 1.0,
                check: Check::Icontains {
                    value: "{{ country }}".into(),
                },
            },
            Evaluator {
                name: "correct".into(),
                weight: 1.0,
                check: Check::Judge(JudgeConfig {
                    metric: "correctness".into(),
                    rubric: None,
                    model: judge,
                    pass_score: 0.5,
                }),
            },
        ];
        content.thresholds = Thresholds {
            min_pass_rate: Some(0.9),
            ..Default::default()
        };
    }
    engine
        .versions_save(VersionsSaveReq {
            id: bp.id,
            content,
            message: "benchmark".into(),
        })
        .await?;
    if let Some((endpoint, base_url)) = endpoint {
        let mut settings = engine.settings_get().await?;
        settings.endpoints.push(EndpointConfig {
            name: endpoint,
            settings: OpenAiSettings::new(base_url, None),
        });
        engine.settings_save(settings).await?;
    }
    engine.close().await;
    Ok(())
}
