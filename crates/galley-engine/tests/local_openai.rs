//! "Try it" on the embedded local model and on OpenAI-compatible endpoints, through the engine:
//! the default model answers with no AWS configuration at all, models are found in Galley's
//! models folder, in picked files and in an Ollama store, bad files and bad endpoints are named,
//! and endpoints are tested, listed and called by name (against `bedrock-sim`'s OpenAI routes).
//!
//! One test function per process-wide setting: `OLLAMA_MODELS` and `GALLEY_MODELS_DIR` are set
//! once, by the only test that reads them.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::PathBuf;

use bedrock_sim::{Script, Sim, SimConfig};
use galley_engine::core::BlueprintContent;
use galley_engine::providers::{OpenAiSettings, ProviderErrorCode, StreamEvent};
use galley_engine::*;
use support::engine;

mod support;

/// The default model where `make model` put it, or `None` (the test is skipped) when absent and
/// not required.
fn installed_default_model() -> Option<PathBuf> {
    let path = galley_local::default_model_path();
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var("GALLEY_REQUIRE_MODEL").map_or(true, |v| v.is_empty()),
        "GALLEY_REQUIRE_MODEL is set but the model is missing at {}: run `make model`",
        path.display()
    );
    eprintln!("SKIPPED: the default local model is not installed (run `make model`)");
    None
}

fn france(provider: &str, model_id: &str) -> BlueprintContent {
    let mut c = BlueprintContent::chat("", "What is the capital of {{ country }}?");
    c.model.provider = provider.into();
    c.model.model_id = model_id.into();
    c.model.temperature = Some(0.0);
    c.model.max_tokens = Some(24);
    c
}

fn req(run_id: &str, content: BlueprintContent) -> TryRunReq {
    TryRunReq {
        run_id: run_id.into(),
        content,
        values: BTreeMap::from([("country".to_string(), "France".to_string())]),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_models_are_found_and_answer_with_no_aws_configuration() {
    let Some(model) = installed_default_model() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    // no AWS configuration at all
    for var in [
        "AWS_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_REGION",
    ] {
        std::env::remove_var(var);
    }
    std::env::set_var("AWS_CONFIG_FILE", tmp.path().join("none"));
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", tmp.path().join("none"));
    // the machine's models folder, read only; an Ollama store of our own
    let models_dir = model.parent().unwrap().to_path_buf();
    std::env::set_var("GALLEY_MODELS_DIR", &models_dir);
    let ollama = tmp.path().join("ollama");
    let hex = "5e".repeat(32);
    std::fs::create_dir_all(ollama.join("blobs")).unwrap();
    std::os::unix::fs::symlink(&model, ollama.join("blobs").join(format!("sha256-{hex}"))).unwrap();
    let manifest = ollama.join("manifests/registry.ollama.ai/library/smol/latest");
    std::fs::create_dir_all(manifest.parent().unwrap()).unwrap();
    std::fs::write(
        &manifest,
        format!(r#"{{"layers":[{{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:{hex}"}}]}}"#),
    )
    .unwrap();
    std::env::set_var("OLLAMA_MODELS", &ollama);

    let engine = engine(tmp.path()).await;
    let list = engine.local_models_list().await.unwrap();
    assert_eq!(list.models_dir, models_dir.display().to_string());
    assert_eq!(list.ollama_dir, Some(ollama.display().to_string()));
    let first = &list.models[0];
    assert_eq!(
        (first.id.as_str(), first.source, first.problem.as_deref()),
        ("SmolLM2-135M-Instruct", LocalModelSource::Default, None)
    );
    assert_eq!(
        first.size_bytes,
        Some(std::fs::metadata(&model).unwrap().len())
    );
    assert!(list
        .models
        .iter()
        .any(|m| m.id == "ollama/smol:latest" && m.source == LocalModelSource::Ollama));

    // a new blueprint's default model answers, deterministically at temperature 0
    let content = BlueprintContent::default();
    assert_eq!(
        (
            content.model.provider.as_str(),
            content.model.model_id.as_str()
        ),
        ("local", "SmolLM2-135M-Instruct")
    );
    let mut deltas = String::new();
    let res = engine
        .tryrun_start(
            req("l1", france("local", "SmolLM2-135M-Instruct")),
            &mut |e| {
                if let StreamEvent::TextDelta(t) = e {
                    deltas.push_str(&t);
                }
            },
        )
        .await
        .unwrap();
    assert!(res.error.is_none(), "{:?}", res.error);
    let outcome = res.outcome.unwrap();
    assert!(outcome.text.contains("Paris"), "{}", outcome.text);
    assert_eq!(deltas, outcome.text);
    assert!(outcome.usage.input_tokens > 0 && outcome.usage.output_tokens > 0);
    assert_eq!(outcome.stop_reason, "end_turn");
    assert_eq!(res.cost_usd, Some(0.0));

    // the same file through the Ollama store gives the same answer
    let res = engine
        .tryrun_start(
            req("l2", france("local", "ollama/smol:latest")),
            &mut |_| {},
        )
        .await
        .unwrap();
    assert_eq!(res.outcome.unwrap().text, outcome.text);

    // an unknown id names the models there are and where to put files
    let res = engine
        .tryrun_start(req("l3", france("local", "llama-70b")), &mut |_| {})
        .await
        .unwrap();
    let err = res.error.unwrap();
    assert_eq!(err.code, ProviderErrorCode::ModelNotFound);
    assert!(
        err.message.contains("no local model `llama-70b`"),
        "{}",
        err.message
    );
    assert!(
        err.message.contains("`SmolLM2-135M-Instruct`"),
        "{}",
        err.message
    );

    // picking files: a web page saved as .gguf is refused, a truncated model is refused when it
    // runs, and neither harms what is saved
    let html = tmp.path().join("download.gguf");
    std::fs::write(&html, "<!doctype html><html><body>Sign in</body></html>").unwrap();
    let err = engine
        .local_models_add(LocalModelPathReq {
            path: html.display().to_string(),
        })
        .await
        .unwrap_err();
    assert!(
        err.message
            .contains("does not start with the GGUF signature"),
        "{}",
        err.message
    );
    let err = engine
        .local_models_add(LocalModelPathReq {
            path: "relative/model.gguf".into(),
        })
        .await
        .unwrap_err();
    assert!(err.message.contains("not a full path"), "{}", err.message);

    let truncated = tmp.path().join("truncated.gguf");
    let bytes = std::fs::read(&model).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap();
    let list = engine
        .local_models_add(LocalModelPathReq {
            path: truncated.display().to_string(),
        })
        .await
        .unwrap();
    let picked = list.models.iter().find(|m| m.id == "truncated").unwrap();
    assert_eq!(picked.source, LocalModelSource::Picked);
    let res = engine
        .tryrun_start(req("l4", france("local", "truncated")), &mut |_| {})
        .await
        .unwrap();
    let err = res.error.unwrap();
    assert!(
        err.message.contains("could not be loaded as a GGUF model"),
        "{}",
        err.message
    );
    assert!(err.message.contains("truncated.gguf"), "{}", err.message);

    // removing a picked file forgets it; the default model still answers
    let list = engine
        .local_models_remove(LocalModelPathReq {
            path: truncated.display().to_string(),
        })
        .await
        .unwrap();
    assert!(list.models.iter().all(|m| m.id != "truncated"));
    let res = engine
        .tryrun_start(
            req("l5", france("local", "SmolLM2-135M-Instruct")),
            &mut |_| {},
        )
        .await
        .unwrap();
    assert_eq!(res.outcome.unwrap().text, outcome.text);

    // settings: threads and context are checked and kept
    let mut settings = engine.settings_get().await.unwrap();
    settings.local.threads = 0;
    let err = engine.settings_save(settings.clone()).await.unwrap_err();
    assert!(err.message.contains("0 threads"), "{}", err.message);
    settings.local = LocalConfig {
        threads: 1,
        context: 1024,
    };
    engine.settings_save(settings).await.unwrap();
    assert_eq!(engine.settings_get().await.unwrap().local.threads, 1);
    let res = engine
        .tryrun_start(
            req("l6", france("local", "SmolLM2-135M-Instruct")),
            &mut |_| {},
        )
        .await
        .unwrap();
    assert_eq!(res.outcome.unwrap().text, outcome.text);
}

fn endpoint(name: &str, base_url: String) -> EndpointConfig {
    EndpointConfig {
        name: name.into(),
        settings: OpenAiSettings {
            base_url,
            api_key_env: None,
            timeout_secs: 20,
            max_attempts: 2,
            initial_backoff_ms: 10,
        },
    }
}

/// A server that answers every request with a web page, like a proxy's sign-in page.
fn html_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let body = "<!doctype html><html><body>Please sign in</body></html>";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}/v1")
}

#[tokio::test]
async fn endpoints_are_tested_listed_and_called_by_name() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    sim.script(
        "llama3.2:3b",
        Script::text("Paris is the capital of France."),
    );
    let tmp = tempfile::tempdir().unwrap();
    let engine = engine(tmp.path()).await;
    let sim_url = format!("{}/v1", sim.url());

    // test connection with unsaved settings
    let tested = engine
        .endpoints_test(endpoint("Sim", sim_url.clone()))
        .await
        .unwrap();
    assert!(tested.ok, "{:?}", tested.error);
    assert!(
        tested.models.contains(&"llama3.2:3b".to_string()),
        "{:?}",
        tested.models
    );
    let html = html_server();
    let tested = engine
        .endpoints_test(endpoint("Proxy", html.clone()))
        .await
        .unwrap();
    assert!(!tested.ok);
    let err = tested.error.unwrap();
    assert_eq!(err.code, ProviderErrorCode::Endpoint);
    assert!(
        err.message.contains("answered with a web page (text/html"),
        "{}",
        err.message
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let down = format!("http://{}/v1", listener.local_addr().unwrap());
    drop(listener);
    let tested = engine
        .endpoints_test(endpoint("Down", down.clone()))
        .await
        .unwrap();
    assert!(tested
        .error
        .unwrap()
        .message
        .starts_with(&format!("cannot connect to {down}: is the server running?")));

    // saving: names are checked; a key pasted where its variable's name belongs never lands
    let mut settings = engine.settings_get().await.unwrap();
    settings.endpoints = vec![
        endpoint("Sim", sim_url.clone()),
        endpoint("sim", down.clone()),
    ];
    let err = engine.settings_save(settings.clone()).await.unwrap_err();
    assert_eq!(
        err.message,
        "two endpoints are named `sim`: names must differ"
    );
    let mut keyed = endpoint("Keyed", sim_url.clone());
    keyed.settings.api_key_env = Some("sk-live-123456".into());
    settings.endpoints = vec![keyed];
    let err = engine.settings_save(settings.clone()).await.unwrap_err();
    assert!(
        err.message.starts_with("endpoint `Keyed`: "),
        "{}",
        err.message
    );
    assert!(!err.message.contains("sk-live"), "{}", err.message);
    settings.endpoints = vec![
        endpoint(" Sim ", sim_url.clone()),
        endpoint("Proxy", html),
        endpoint("Down", down),
    ];
    let saved = engine.settings_save(settings).await.unwrap();
    assert_eq!(saved.endpoints[0].name, "Sim");
    assert_eq!(engine.settings_get().await.unwrap(), saved);

    let models = engine
        .endpoints_models(EndpointsModelsReq { name: "Sim".into() })
        .await
        .unwrap();
    assert!(models.contains(&"llama3.2:3b".to_string()));

    // a blueprint names its endpoint
    let mut content = france("openai", "llama3.2:3b");
    content.model.endpoint = Some("Sim".into());
    let mut deltas = Vec::new();
    let res = engine
        .tryrun_start(req("o1", content.clone()), &mut |e| deltas.push(e))
        .await
        .unwrap();
    let outcome = res.outcome.unwrap();
    assert_eq!(outcome.text, "Paris is the capital of France.");
    assert!(outcome.usage.output_tokens > 0);
    assert!(deltas
        .iter()
        .any(|e| matches!(e, StreamEvent::TextDelta(_))));
    // no price for a self-hosted model
    assert_eq!(res.cost_usd, None);

    content.model.endpoint = Some("Proxy".into());
    let err = engine
        .tryrun_start(req("o2", content.clone()), &mut |_| {})
        .await
        .unwrap()
        .error
        .unwrap();
    assert!(
        err.message.contains("answered with a web page"),
        "{}",
        err.message
    );

    content.model.endpoint = Some("Nope".into());
    let err = engine
        .tryrun_start(req("o3", content.clone()), &mut |_| {})
        .await
        .unwrap()
        .error
        .unwrap();
    assert_eq!(
        err.message,
        "no endpoint named `Nope` (there are `Sim`, `Proxy`, `Down`): add it in Settings or choose another"
    );
    content.model.endpoint = None;
    let err = engine
        .tryrun_start(req("o4", content), &mut |_| {})
        .await
        .unwrap()
        .error
        .unwrap();
    assert!(
        err.message
            .starts_with("choose which endpoint runs this model"),
        "{}",
        err.message
    );
}
