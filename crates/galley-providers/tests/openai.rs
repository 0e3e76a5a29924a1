//! The OpenAI-compatible provider against `bedrock_sim`'s `/v1/chat/completions` and `/v1/models`
//! routes: streaming, keys from environment variables, retries, broken streams, cancellation,
//! timeouts, the model list and an endpoint that is not there.

use std::time::{Duration, Instant};

use bedrock_sim::{Fault, Script, Sim, SimConfig};
use galley_providers::{
    CancellationToken, ChatMessage, ChatOutcome, ChatRequest, OpenAiProvider, OpenAiSettings,
    Provider, ProviderError, ProviderErrorCode, StopReason, StreamEvent, Usage,
};

const MODEL: &str = "llama3.2:3b";

async fn sim_with(config: SimConfig) -> Sim {
    Sim::start(config).await.expect("simulator starts")
}

async fn sim() -> Sim {
    sim_with(SimConfig::default()).await
}

fn settings_at(base_url: String, api_key_env: Option<&str>) -> OpenAiSettings {
    OpenAiSettings {
        base_url,
        api_key_env: api_key_env.map(str::to_string),
        timeout_secs: 30,
        max_attempts: 3,
        initial_backoff_ms: 10,
    }
}

fn provider(sim: &Sim, api_key_env: Option<&str>) -> OpenAiProvider {
    OpenAiProvider::new(settings_at(format!("{}/v1", sim.url()), api_key_env))
        .expect("provider builds")
}

fn ask(text: &str) -> ChatRequest {
    ChatRequest::new(MODEL, vec![ChatMessage::user(text)])
}

async fn streamed(
    p: &OpenAiProvider,
    req: &ChatRequest,
) -> (Result<ChatOutcome, ProviderError>, Vec<StreamEvent>) {
    let mut events = Vec::new();
    let result = p
        .stream(req, &CancellationToken::new(), &mut |e| events.push(e))
        .await;
    (result, events)
}

fn chat_statuses(sim: &Sim) -> Vec<u16> {
    sim.requests()
        .iter()
        .filter(|r| r.operation == "OpenAIChat")
        .map(|r| r.status)
        .collect()
}

#[tokio::test]
async fn streams_text_usage_and_stop_reason() {
    let sim = sim().await;
    sim.script(
        MODEL,
        Script::text("Paris is the capital.").with_input_tokens(12),
    );
    let p = provider(&sim, None);
    let mut req = ask("Capital of France?");
    req.system = Some("Answer in one sentence.".into());
    req.params.max_tokens = Some(50);
    req.params.temperature = Some(0.0);
    req.params.stop_sequences = vec!["###".into()];

    let (result, events) = streamed(&p, &req).await;
    let out = result.unwrap();
    assert_eq!(out.text, "Paris is the capital.");
    assert_eq!(out.stop_reason, "end_turn");
    assert!(!out.partial);
    let usage = Usage {
        input_tokens: 12,
        output_tokens: 4,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
    };
    assert_eq!(out.usage, usage);
    assert!(out.ttft_ms.is_some_and(|t| t <= out.latency_ms));
    assert_eq!(
        events,
        vec![
            StreamEvent::Started,
            StreamEvent::TextDelta("Paris".into()),
            StreamEvent::TextDelta(" is".into()),
            StreamEvent::TextDelta(" the".into()),
            StreamEvent::TextDelta(" capital.".into()),
            StreamEvent::Stopped(StopReason::EndTurn),
            StreamEvent::Usage(usage),
        ]
    );

    let log = sim.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].operation, "OpenAIChat");
    assert_eq!(log[0].path, "/v1/chat/completions");
    assert_eq!(log[0].status, 200);
    assert!(!log[0].authorization_present);
    let body = &log[0].body;
    assert_eq!(body["model"], MODEL);
    assert_eq!(
        body["messages"],
        serde_json::json!([
            {"role": "system", "content": "Answer in one sentence."},
            {"role": "user", "content": "Capital of France?"},
        ])
    );
    assert_eq!(body["max_tokens"], 50);
    assert_eq!(body["temperature"], 0.0);
    assert_eq!(body["stop"], serde_json::json!(["###"]));
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"]["include_usage"], true);
    assert!(body.get("top_p").is_none());
}

#[tokio::test]
async fn length_and_content_filter_finish_reasons() {
    let sim = sim().await;
    sim.script(
        MODEL,
        Script::text("cut short").with_stop_reason("max_tokens"),
    );
    sim.script(
        "guarded",
        Script::text("no").with_stop_reason("content_filtered"),
    );
    let p = provider(&sim, None);
    let (result, events) = streamed(&p, &ask("x")).await;
    let out = result.unwrap();
    assert_eq!(out.stop_reason, "max_tokens");
    assert!(events.contains(&StreamEvent::Stopped(StopReason::MaxTokens)));

    let (result, events) = streamed(
        &p,
        &ChatRequest::new("guarded", vec![ChatMessage::user("x")]),
    )
    .await;
    assert_eq!(result.unwrap().stop_reason, "content_filtered");
    assert!(events.contains(&StreamEvent::Stopped(StopReason::ContentFiltered)));
}

#[tokio::test]
async fn a_wrong_key_is_refused_naming_the_variable_and_the_right_one_works() {
    const WRONG: &str = "GALLEY_TEST_OPENAI_WRONG_KEY_7F3A";
    const RIGHT: &str = "GALLEY_TEST_OPENAI_RIGHT_KEY_7F3A";
    std::env::set_var(WRONG, "wrong-secret-value");
    std::env::set_var(RIGHT, "k");
    let sim = sim_with(SimConfig {
        openai_api_key: Some("k".into()),
        ..SimConfig::default()
    })
    .await;
    sim.script(MODEL, Script::text("welcome in"));

    let p = provider(&sim, Some(WRONG));
    let (result, events) = streamed(&p, &ask("hi")).await;
    let err = result.unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::NoCredentials);
    assert_eq!(
        err.message,
        format!("the endpoint refused the key from {WRONG} (401 Incorrect API key provided): check the key")
    );
    assert!(events.is_empty());
    let debug = format!("{p:?}");
    assert!(debug.contains(WRONG), "{debug}");
    assert!(!debug.contains("wrong-secret-value"), "{debug}");
    assert!(!format!("{err:?}").contains("wrong-secret-value"));
    // a 401 is not retried
    assert_eq!(chat_statuses(&sim), [401]);

    let p = provider(&sim, Some(RIGHT));
    let (result, _) = streamed(&p, &ask("hi")).await;
    assert_eq!(result.unwrap().text, "welcome in");
    let log = sim.requests();
    assert!(log.last().unwrap().authorization_present);
    assert_eq!(chat_statuses(&sim), [401, 200]);
}

#[tokio::test]
async fn an_unset_key_variable_says_to_set_it() {
    const UNSET: &str = "GALLEY_TEST_OPENAI_UNSET_KEY_91C2";
    std::env::remove_var(UNSET);
    let sim = sim_with(SimConfig {
        openai_api_key: Some("k".into()),
        ..SimConfig::default()
    })
    .await;
    let p = provider(&sim, Some(UNSET));
    let (result, _) = streamed(&p, &ask("hi")).await;
    let err = result.unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::NoCredentials);
    assert!(
        err.message
            .starts_with(&format!("no key: set the environment variable {UNSET} ")),
        "{}",
        err.message
    );
    assert!(!sim.requests()[0].authorization_present);

    let err = p.models().await.unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::NoCredentials);
    assert!(err.message.contains(UNSET), "{}", err.message);
}

#[tokio::test]
async fn throttled_twice_then_answers_on_the_third_attempt() {
    let sim = sim().await;
    sim.script(MODEL, Script::text("third time lucky"));
    sim.fault(
        MODEL,
        Fault::Status {
            status: 429,
            error_type: "rate_limit_exceeded".into(),
            message: "slow down".into(),
            times: 2,
        },
    );
    let p = provider(&sim, None);
    let started = Instant::now();
    let (result, events) = streamed(&p, &ask("hi")).await;
    let out = result.unwrap();
    assert_eq!(out.text, "third time lucky");
    assert_eq!(chat_statuses(&sim), [429, 429, 200]);
    // the simulator answers `retry-after: 1`, which wins over the 10 ms backoff
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // the failed attempts reported nothing
    assert_eq!(
        events
            .iter()
            .filter(|e| **e == StreamEvent::Started)
            .count(),
        1
    );
}

#[tokio::test]
async fn throttled_past_the_attempts_and_server_errors_give_up_with_the_count() {
    let sim = sim().await;
    sim.fault(
        MODEL,
        Fault::Status {
            status: 429,
            error_type: "rate_limit_exceeded".into(),
            message: "slow down".into(),
            times: 5,
        },
    );
    sim.fault(
        "busy-model",
        Fault::Status {
            status: 503,
            error_type: "server_error".into(),
            message: "overloaded".into(),
            times: 5,
        },
    );
    let p = OpenAiProvider::new(OpenAiSettings {
        max_attempts: 2,
        ..settings_at(format!("{}/v1", sim.url()), None)
    })
    .unwrap();
    let (result, _) = streamed(&p, &ask("hi")).await;
    let err = result.unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::Throttled);
    assert!(err.message.contains("after 2 attempts"), "{}", err.message);
    assert!(err.message.contains("429 slow down"), "{}", err.message);

    let req = ChatRequest::new("busy-model", vec![ChatMessage::user("x")]);
    let (result, _) = streamed(&p, &req).await;
    let err = result.unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::Unavailable);
    assert!(err.message.contains("after 2 attempts"), "{}", err.message);
    assert!(err.message.contains("503 overloaded"), "{}", err.message);
    assert_eq!(chat_statuses(&sim), [429, 429, 503, 503]);
}

#[tokio::test]
async fn a_dropped_connection_breaks_the_stream_keeping_the_partial_text() {
    let sim = sim().await;
    sim.script(MODEL, Script::text("one two three four five"));
    sim.fault(MODEL, Fault::TruncatedFrame { after_deltas: 2 });
    let p = provider(&sim, None);
    let (result, events) = streamed(&p, &ask("count")).await;
    let err = result.unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::StreamBroken);
    assert_eq!(err.partial_text.as_deref(), Some("one two"));
    assert!(
        err.message
            .starts_with("the answer was cut off after 7 characters"),
        "{}",
        err.message
    );
    assert_eq!(
        events,
        vec![
            StreamEvent::Started,
            StreamEvent::TextDelta("one".into()),
            StreamEvent::TextDelta(" two".into()),
        ]
    );
    // a stream that had started is not retried
    assert_eq!(chat_statuses(&sim), [200]);
}

#[tokio::test]
async fn cancelling_drops_the_stream_promptly_keeping_the_partial_text() {
    let sim = sim_with(SimConfig {
        tokens_per_sec: Some(4.0),
        ..SimConfig::default()
    })
    .await;
    sim.script(MODEL, Script::text("a slow answer of many many words"));
    let p = provider(&sim, None);
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let mut events = Vec::new();
    let started = Instant::now();
    let err = p
        .stream(&ask("go"), &cancel, &mut |e| {
            if matches!(e, StreamEvent::TextDelta(_)) {
                trigger.cancel();
            }
            events.push(e);
        })
        .await
        .unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::Cancelled);
    assert_eq!(err.partial_text.as_deref(), Some("a"));
    assert_eq!(
        events,
        vec![StreamEvent::Started, StreamEvent::TextDelta("a".into())]
    );
    // the next word would have taken 250 ms; the whole answer about 2 s
    assert!(
        started.elapsed() < Duration::from_millis(200),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_slow_answer_times_out() {
    let sim = sim().await;
    sim.fault(MODEL, Fault::Delay(Duration::from_secs(5)));
    let p = OpenAiProvider::new(OpenAiSettings {
        timeout_secs: 1,
        ..settings_at(format!("{}/v1", sim.url()), None)
    })
    .unwrap();
    let started = Instant::now();
    let (result, _) = streamed(&p, &ask("hi")).await;
    let err = result.unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::Timeout);
    assert!(err.message.contains("within 1 s"), "{}", err.message);
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn an_unknown_model_is_not_found() {
    let sim = sim().await;
    let p = provider(&sim, None);
    let req = ChatRequest::new("no-such-model", vec![ChatMessage::user("x")]);
    let (result, _) = streamed(&p, &req).await;
    let err = result.unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::ModelNotFound);
    assert!(err.message.contains("`no-such-model`"), "{}", err.message);
    assert_eq!(chat_statuses(&sim), [404]);
}

#[tokio::test]
async fn lists_the_models_sorted() {
    let sim = sim().await;
    sim.script("zz-local-model", Script::text("x"));
    let p = provider(&sim, None);
    let models = p.models().await.unwrap();
    assert!(models.contains(&"zz-local-model".to_string()), "{models:?}");
    assert!(
        models.contains(&"anthropic.claude-3-5-haiku-20241022-v1:0".to_string()),
        "{models:?}"
    );
    let mut sorted = models.clone();
    sorted.sort();
    assert_eq!(models, sorted);
    let log = sim.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].method.as_str(), log[0].path.as_str()),
        ("GET", "/v1/models")
    );
}

#[tokio::test]
async fn a_server_that_is_not_running_is_named() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    drop(listener);
    let p = OpenAiProvider::new(settings_at(base.clone(), None)).unwrap();
    let (result, events) = streamed(&p, &ask("hi")).await;
    let err = result.unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::Endpoint);
    assert!(
        err.message
            .starts_with(&format!("cannot connect to {base}: is the server running?")),
        "{}",
        err.message
    );
    assert!(events.is_empty());
    let err = p.models().await.unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::Endpoint);
    assert!(err.message.contains(&base), "{}", err.message);
}

#[tokio::test]
async fn bad_settings_and_guardrails_are_refused() {
    let err = OpenAiProvider::new(OpenAiSettings::new("localhost:11434", None)).unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::Endpoint);
    assert!(err.message.contains("`localhost:11434`"), "{}", err.message);

    let sim = sim().await;
    let p = provider(&sim, None);
    let mut req = ask("x");
    req.guardrail = Some(galley_providers::GuardrailRef {
        identifier: "gr-1".into(),
        version: "DRAFT".into(),
        trace: false,
    });
    let (result, _) = streamed(&p, &req).await;
    assert_eq!(result.unwrap_err().code, ProviderErrorCode::InvalidRequest);
    assert!(sim.requests().is_empty());
}
