//! "Try it" end to end below the UI: engine settings → the real AWS SDK → bedrock-sim. The
//! credentials come from the environment, as a user's would; the data folder, HOME and AWS files
//! are temporary, so nothing of the machine's leaks in.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use bedrock_sim::{Fault, Script, Sim, SimConfig};
use galley_engine::core::BlueprintContent;
use galley_engine::providers::{BedrockSettings, ProviderErrorCode, StreamEvent};
use galley_engine::*;

mod support;

use support::SECRET;
const HAIKU: &str = "anthropic.claude-3-5-haiku-20241022-v1:0";

async fn setup(sim: &Sim) -> (tempfile::TempDir, Engine) {
    support::engine_on_sim(sim, None).await
}

fn content(model_id: &str) -> BlueprintContent {
    let mut c = BlueprintContent::chat(
        "Answer in one sentence.",
        "What is the capital of {{ country }}?",
    );
    c.model.provider = "bedrock".into();
    c.model.model_id = model_id.into();
    c
}

fn req(run_id: &str, model_id: &str) -> TryRunReq {
    TryRunReq {
        run_id: run_id.into(),
        content: content(model_id),
        values: BTreeMap::from([("country".to_string(), "France".to_string())]),
    }
}

#[tokio::test]
async fn streams_an_answer_with_usage_and_cost() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    sim.script(
        HAIKU,
        Script::text("Paris is the capital of France.").with_input_tokens(1000),
    );
    let (dir, engine) = setup(&sim).await;

    let mut events = Vec::new();
    let res = engine
        .tryrun_start(req("r1", HAIKU), &mut |e| events.push(e))
        .await
        .unwrap();
    assert!(res.error.is_none(), "{:?}", res.error);
    let outcome = res.outcome.unwrap();
    assert_eq!(outcome.text, "Paris is the capital of France.");
    assert_eq!(outcome.stop_reason, "end_turn");
    assert_eq!(outcome.usage.input_tokens, 1000);
    assert_eq!(outcome.usage.output_tokens, 6);
    let streamed: String = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::TextDelta(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(streamed, outcome.text);
    assert_eq!(events.first(), Some(&StreamEvent::Started));
    // 1000 × $0.80/M + 6 × $4.00/M
    let cost = res.cost_usd.unwrap();
    assert!((cost - 0.000824).abs() < 1e-12, "{cost}");
    // the request carried the rendered prompt
    assert_eq!(
        res.request.system.as_deref(),
        Some("Answer in one sentence.")
    );
    assert_eq!(
        res.request.messages[0].text,
        "What is the capital of France?"
    );
    let logged = sim.requests();
    assert_eq!(logged.last().unwrap().operation, "ConverseStream");
    assert_eq!(logged.last().unwrap().signature_valid, Some(true));

    // no credential value in the store
    engine.close().await;
    for entry in std::fs::read_dir(dir.path().join("data")).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()));
    }
}

#[tokio::test]
async fn provider_failures_come_back_with_what_to_do() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let (_dir, engine) = setup(&sim).await;

    let sonnet = "anthropic.claude-sonnet-4-5-20250929-v1:0";
    let res = engine
        .tryrun_start(req("r2", sonnet), &mut |_| {})
        .await
        .unwrap();
    let err = res.error.unwrap();
    assert_eq!(err.code, ProviderErrorCode::NeedsInferenceProfile);
    assert_eq!(
        err.suggested_model_id.as_deref(),
        Some("us.anthropic.claude-sonnet-4-5-20250929-v1:0")
    );
    // the one-click switch works
    let res = engine
        .tryrun_start(
            req("r3", err.suggested_model_id.as_deref().unwrap()),
            &mut |_| {},
        )
        .await
        .unwrap();
    assert_eq!(
        res.outcome.unwrap().text,
        "echo: What is the capital of France?"
    );

    sim.fault(HAIKU, Fault::throttle(5));
    let res = engine
        .tryrun_start(req("r4", HAIKU), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(res.error.unwrap().code, ProviderErrorCode::Throttled);
    let attempts: Vec<Option<u32>> = sim
        .requests()
        .iter()
        .rev()
        .take(3)
        .map(|r| r.attempt)
        .collect();
    assert_eq!(attempts, vec![Some(3), Some(2), Some(1)]);

    sim.fault(HAIKU, Fault::ThrottleMidStream { after_deltas: 2 });
    let res = engine
        .tryrun_start(req("r5", HAIKU), &mut |_| {})
        .await
        .unwrap();
    let err = res.error.unwrap();
    assert_eq!(err.code, ProviderErrorCode::StreamBroken);
    assert_eq!(err.partial_text.as_deref(), Some("echo: What"));

    let mut unknown = req("r6", HAIKU);
    unknown.content.model.provider = "mystery".into();
    let err = engine.tryrun_start(unknown, &mut |_| {}).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid);
    assert!(
        err.message.contains("provider `mystery` is not known"),
        "{}",
        err.message
    );

    let mut missing = req("r7", HAIKU);
    missing.values.clear();
    let err = engine.tryrun_start(missing, &mut |_| {}).await.unwrap_err();
    assert!(
        err.message.contains("undefined variable `country`"),
        "{}",
        err.message
    );
}

#[tokio::test]
async fn a_running_call_can_be_cancelled() {
    let sim = Sim::start(SimConfig {
        tokens_per_sec: Some(40.0),
        ..Default::default()
    })
    .await
    .unwrap();
    let long: Vec<String> = (1..=200).map(|i| format!("w{i}")).collect();
    sim.script(HAIKU, Script::text(long.join(" ")));
    let (_dir, engine) = setup(&sim).await;

    let deltas = Arc::new(Mutex::new(0usize));
    let seen = deltas.clone();
    let runner = engine.clone();
    let task = tokio::spawn(async move {
        let mut count = |e: StreamEvent| {
            if matches!(e, StreamEvent::TextDelta(_)) {
                *seen.lock().unwrap() += 1;
            }
        };
        runner.tryrun_start(req("long", HAIKU), &mut count).await
    });
    while *deltas.lock().unwrap() < 3 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(
        engine
            .tryrun_cancel(TryRunCancelReq {
                run_id: "long".into()
            })
            .await
    );
    let res = task.await.unwrap().unwrap();
    let err = res.error.unwrap();
    assert_eq!(err.code, ProviderErrorCode::Cancelled);
    let partial = err.partial_text.unwrap();
    let got = *deltas.lock().unwrap();
    assert!(got < 20, "{got} deltas arrived after cancelling");
    assert_eq!(partial.split_whitespace().count(), got);
    assert!(
        !engine
            .tryrun_cancel(TryRunCancelReq {
                run_id: "long".into()
            })
            .await
    );
}

#[tokio::test]
async fn settings_are_validated_kept_and_feed_the_catalog() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let (dir, engine) = setup(&sim).await;

    let bad = AppSettings {
        bedrock: BedrockSettings {
            endpoint_url: Some("not a url".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let err = engine.settings_save(bad).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid);
    assert!(err.message.contains("not a url"), "{}", err.message);
    let bad = AppSettings {
        bedrock: BedrockSettings {
            region: Some("US East".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    assert!(engine
        .settings_save(bad)
        .await
        .unwrap_err()
        .message
        .contains("`US East`"));

    let catalog = engine
        .models_catalog(ModelsCatalogReq { refresh: true })
        .await
        .unwrap();
    assert!(!catalog.offline, "{:?}", catalog.offline_reason);
    let sonnet = catalog
        .models
        .iter()
        .find(|m| m.base_model_id == "anthropic.claude-sonnet-4-5-20250929-v1:0")
        .unwrap();
    assert_eq!(sonnet.id, "us.anthropic.claude-sonnet-4-5-20250929-v1:0");
    assert!(sonnet.via_profile);
    assert_eq!(
        sonnet.price.as_ref().map(|p| (p.input, p.output)),
        Some((3.3, 16.5))
    );

    // a user price override changes the cost table
    std::fs::write(engine.prices_file(), r#"{"models": {"anthropic.claude-3-5-haiku-20241022-v1:0": {"input": 1.0, "output": 5.0}}}"#).unwrap();
    let info = engine.prices_info();
    assert!(info.is_ok(), "{info:?}");
    assert_eq!(
        engine.prices().unwrap().price(HAIKU).map(|p| p.input),
        Some(1.0)
    );
    std::fs::write(engine.prices_file(), "{ not json").unwrap();
    let err = engine.prices().unwrap_err();
    assert!(
        err.message.contains("prices.json") && err.message.contains("line 1"),
        "{}",
        err.message
    );
    std::fs::remove_file(engine.prices_file()).unwrap();

    engine.close().await;
    let engine = Engine::open(&dir.path().join("data")).await.unwrap();
    let kept = engine.settings_get().await.unwrap();
    assert_eq!(
        kept.bedrock.endpoint_url.as_deref(),
        Some(sim.url().as_str())
    );
    assert_eq!(kept.bedrock.region.as_deref(), Some("us-east-1"));
}
