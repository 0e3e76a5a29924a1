//! Successful calls through the real AWS SDK against `bedrock_sim`: streaming and not, what goes
//! on the wire, guardrail traces, prompt-cache accounting and cost.

mod common;

use std::time::Duration;

use bedrock_sim::{Script, SimConfig};
use common::*;
use galley_providers::{ChatMessage, GuardrailRef, Prices, StopReason, StreamEvent, Usage};
use serde_json::json;

#[tokio::test]
async fn streams_text_usage_stop_reason_and_measures_ttft() {
    let sim = sim_with(SimConfig {
        ttft: Duration::from_millis(50),
        ..SimConfig::default()
    })
    .await;
    sim.script(NOVA_LITE, Script::text("Paris is the capital of France."));
    let p = provider(&sim).await;
    let mut req = ask(NOVA_LITE, "What is the capital of France?");
    req.system = Some("Answer in one sentence.".into());
    req.params.max_tokens = Some(100);
    req.params.temperature = Some(0.25);
    req.params.top_p = Some(0.5);

    let (result, events) = streamed_with_events(&p, &req).await;
    let out = result.unwrap();

    assert_eq!(out.text, "Paris is the capital of France.");
    assert_eq!(out.stop_reason, "end_turn");
    // 4 system + 6 user words in, 6 words out (the simulator counts whitespace tokens)
    let usage = Usage {
        input_tokens: 10,
        output_tokens: 6,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
    };
    assert_eq!(out.usage, usage);
    assert!(!out.partial);
    assert_eq!(out.guardrail_trace, None);
    let ttft = out.ttft_ms.expect("time to first token");
    assert!(
        ttft >= 50,
        "the simulator waits 50 ms before the first token, got {ttft}"
    );
    assert!(out.latency_ms >= ttft);

    assert_eq!(events.first(), Some(&StreamEvent::Started));
    let deltas = text_deltas(&events);
    assert_eq!(deltas.len(), 6, "{deltas:?}");
    assert_eq!(deltas.concat(), out.text);
    assert_eq!(
        events[events.len() - 2..],
        [
            StreamEvent::Stopped(StopReason::EndTurn),
            StreamEvent::Usage(usage)
        ]
    );

    let log = sim.requests();
    assert_eq!(log.len(), 1);
    let r = &log[0];
    assert_eq!(r.operation, "ConverseStream");
    assert_eq!(r.model_id.as_deref(), Some(NOVA_LITE));
    assert_eq!(r.signature_valid, Some(true));
    assert_eq!(
        r.body["system"],
        json!([{"text": "Answer in one sentence."}])
    );
    assert_eq!(
        r.body["messages"],
        json!([{"role": "user", "content": [{"text": "What is the capital of France?"}]}])
    );
    let config = &r.body["inferenceConfig"];
    assert_eq!(config["maxTokens"], 100);
    assert!((config["temperature"].as_f64().unwrap() - 0.25).abs() < 1e-6);
    assert!((config["topP"].as_f64().unwrap() - 0.5).abs() < 1e-6);
    assert!(r.body.get("additionalModelRequestFields").is_none());
    assert!(r.body.get("guardrailConfig").is_none());
}

#[tokio::test]
async fn complete_uses_converse() {
    let sim = sim().await;
    let p = provider(&sim).await;
    let req = ask(HAIKU_35, "Say hello to the team");
    let out = completed(&p, &req).await.unwrap();
    assert_eq!(out.text, "echo: Say hello to the team");
    assert_eq!(out.stop_reason, "end_turn");
    assert_eq!(
        out.usage,
        Usage {
            input_tokens: 5,
            output_tokens: 6,
            cache_read_tokens: 0,
            cache_write_tokens: 0
        }
    );
    assert_eq!(out.ttft_ms, None);
    assert!(!out.partial);
    let log = sim.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].operation, "Converse");
    assert_eq!(log[0].status, 200);
}

#[tokio::test]
async fn conversation_roles_extra_fields_and_limits_reach_the_wire() {
    let sim = sim().await;
    sim.script(NOVA_LITE, Script::text("one two three four"));
    let p = provider(&sim).await;
    let mut req = ask(NOVA_LITE, "first");
    req.messages.push(ChatMessage::user("second"));
    req.messages.push(ChatMessage::assistant("an answer"));
    req.messages.push(ChatMessage::user("third"));
    req.params.max_tokens = Some(2);
    req.params.stop_sequences = vec!["###".into()];
    req.extra_fields = Some(json!({"top_k": 50, "reasoning": {"enabled": false}}));

    let (result, events) = streamed_with_events(&p, &req).await;
    let out = result.unwrap();
    assert_eq!(out.text, "one two");
    assert_eq!(out.stop_reason, "max_tokens");
    assert_eq!(out.usage.output_tokens, 2);
    assert!(events.contains(&StreamEvent::Stopped(StopReason::MaxTokens)));

    let body = &sim.requests()[0].body;
    assert_eq!(
        body["messages"],
        json!([
            {"role": "user", "content": [{"text": "first"}, {"text": "second"}]},
            {"role": "assistant", "content": [{"text": "an answer"}]},
            {"role": "user", "content": [{"text": "third"}]}
        ])
    );
    assert_eq!(body["inferenceConfig"]["maxTokens"], 2);
    assert_eq!(body["inferenceConfig"]["stopSequences"], json!(["###"]));
    assert_eq!(
        body["additionalModelRequestFields"],
        json!({"top_k": 50, "reasoning": {"enabled": false}})
    );
}

fn guardrail() -> GuardrailRef {
    GuardrailRef {
        identifier: "gr-test".into(),
        version: "1".into(),
        trace: true,
    }
}

#[tokio::test]
async fn guardrail_intervention_and_trace_are_kept_streaming_and_not() {
    let sim = sim().await;
    let p = provider(&sim).await;
    let mut req = ask(HAIKU_35, "please BLOCKME now");
    req.guardrail = Some(guardrail());

    let (result, events) = streamed_with_events(&p, &req).await;
    let from_stream = result.unwrap();
    let from_converse = completed(&p, &req).await.unwrap();

    for out in [&from_stream, &from_converse] {
        assert_eq!(out.text, "Sorry, the model cannot answer this question.");
        assert_eq!(out.stop_reason, "guardrail_intervened");
        let trace = out.guardrail_trace.as_ref().expect("guardrail trace");
        assert_eq!(trace["actionReason"], "Guardrail blocked.");
        let word = &trace["inputAssessment"]["gr-test"]["wordPolicy"]["customWords"][0];
        assert_eq!(word["match"], "BLOCKME");
        assert_eq!(word["action"], "BLOCKED");
        assert_eq!(word["detected"], true);
        assert_eq!(
            trace["inputAssessment"]["gr-test"]["invocationMetrics"]["guardrailProcessingLatency"],
            1
        );
    }
    assert!(events.contains(&StreamEvent::Stopped(StopReason::GuardrailIntervened)));

    let log = sim.requests();
    assert_eq!(log.len(), 2);
    for r in &log {
        assert_eq!(r.body["guardrailConfig"]["guardrailIdentifier"], "gr-test");
        assert_eq!(r.body["guardrailConfig"]["guardrailVersion"], "1");
        assert_eq!(r.body["guardrailConfig"]["trace"], "enabled");
    }

    // trace off: no trace kept, the answer passes
    let mut quiet = ask(HAIKU_35, "a harmless question");
    quiet.guardrail = Some(GuardrailRef {
        trace: false,
        ..guardrail()
    });
    let out = completed(&p, &quiet).await.unwrap();
    assert_eq!(out.text, "echo: a harmless question");
    assert_eq!(out.guardrail_trace, None);
    assert_eq!(
        sim.requests()[2].body["guardrailConfig"]["trace"],
        "disabled"
    );
}

fn assert_usd(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() < 1e-12,
        "expected {expected} USD, got {actual}"
    );
}

#[tokio::test]
async fn cache_point_writes_then_reads_and_costs_follow_the_price_table() {
    let sim = sim().await;
    let p = provider(&sim).await;
    let prices = Prices::bundled();
    let mut req = ask(HAIKU_35, "Capital of France?");
    req.system = Some("You are a terse assistant for geography questions.".into());
    req.cache_point = true;

    let first = streamed(&p, &req).await.unwrap();
    let second = streamed(&p, &req).await.unwrap();

    // 8 system words before the cache point; 3 user words after it; "echo: Capital of France?"
    assert_eq!(
        first.usage,
        Usage {
            input_tokens: 3,
            output_tokens: 4,
            cache_read_tokens: 0,
            cache_write_tokens: 8
        }
    );
    assert_eq!(
        second.usage,
        Usage {
            input_tokens: 3,
            output_tokens: 4,
            cache_read_tokens: 8,
            cache_write_tokens: 0
        }
    );
    // Claude 3.5 Haiku: 0.80 in, 4.00 out, 0.08 cache read, 1.00 cache write (USD per 1M)
    assert_usd(
        prices.cost_usd(HAIKU_35, &first.usage).unwrap(),
        (3.0 * 0.8 + 4.0 * 4.0 + 8.0 * 1.0) / 1e6,
    );
    assert_usd(
        prices.cost_usd(HAIKU_35, &second.usage).unwrap(),
        (3.0 * 0.8 + 4.0 * 4.0 + 8.0 * 0.08) / 1e6,
    );

    let body = &sim.requests()[0].body;
    assert_eq!(
        body["system"],
        json!([
            {"text": "You are a terse assistant for geography questions."},
            {"cachePoint": {"type": "default"}}
        ])
    );
}

#[tokio::test]
async fn profile_ids_are_sent_encoded_and_answer() {
    let sim = sim().await;
    let p = provider(&sim).await;
    let id = format!("us.{SONNET_45}");
    let out = streamed(&p, &ask(&id, "hi there")).await.unwrap();
    assert_eq!(out.text, "echo: hi there");
    let log = sim.requests();
    assert_eq!(log[0].model_id.as_deref(), Some(id.as_str()));
    assert!(log[0].path.contains("%3A0"), "{}", log[0].path);
}
