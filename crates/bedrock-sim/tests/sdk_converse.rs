//! The real `aws-sdk-bedrockruntime` client against the simulator: Converse, errors, retries,
//! signatures, CountTokens and ApplyGuardrail.

mod common;

use aws_sdk_bedrockruntime::error::ProvideErrorMetadata;
use aws_sdk_bedrockruntime::operation::converse::ConverseError;
use aws_sdk_bedrockruntime::operation::RequestId;
use aws_sdk_bedrockruntime::types::{
    CachePointBlock, CachePointType, ContentBlock, ConversationRole, ConverseTokensRequest,
    CountTokensInput, GuardrailConfiguration, GuardrailContentBlock, GuardrailContentSource,
    GuardrailTextBlock, GuardrailTrace, InferenceConfiguration, StopReason, SystemContentBlock,
};
use bedrock_sim::{Fault, Script, SimConfig};
use common::{
    converse, runtime, runtime_with_config, runtime_with_secret, send_converse, sim, sim_with, user,
};

const NOVA_LITE: &str = "amazon.nova-lite-v1:0";
const SONNET_45: &str = "anthropic.claude-sonnet-4-5-20250929-v1:0";

fn text_of(
    out: &aws_sdk_bedrockruntime::operation::converse::ConverseOutput,
) -> (String, ConversationRole) {
    let message = out.output().unwrap().as_message().unwrap();
    let text = message
        .content()
        .iter()
        .filter_map(|b| b.as_text().ok())
        .cloned()
        .collect::<String>();
    (text, message.role().clone())
}

#[tokio::test]
async fn converse_echoes_with_whitespace_token_usage() {
    let sim = sim().await;
    let out = send_converse(&sim, NOVA_LITE, "What is the capital of France?")
        .await
        .unwrap();
    let (text, role) = text_of(&out);
    assert_eq!(text, "echo: What is the capital of France?");
    assert_eq!(role, ConversationRole::Assistant);
    assert_eq!(out.stop_reason(), &StopReason::EndTurn);
    let usage = out.usage().unwrap();
    assert_eq!(
        (
            usage.input_tokens(),
            usage.output_tokens(),
            usage.total_tokens()
        ),
        (6, 7, 13)
    );
    assert_eq!(usage.cache_read_input_tokens(), Some(0));
    assert!(out.metrics().unwrap().latency_ms() >= 1);
    assert_eq!(
        out.request_id(),
        Some("00000000-0000-4000-8000-000000000001")
    );

    let log = sim.requests();
    assert_eq!(log.len(), 1);
    let r = &log[0];
    assert_eq!(r.operation, "Converse");
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/model/amazon.nova-lite-v1%3A0/converse");
    assert_eq!(r.model_id.as_deref(), Some(NOVA_LITE));
    assert_eq!(r.signature_valid, Some(true));
    assert!(r.authorization_present);
    assert_eq!(r.attempt, Some(1));
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body["messages"][0]["content"][0]["text"],
        "What is the capital of France?"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_scripted_profile_answers_with_its_script() {
    let sim = sim().await;
    let profile = format!("us.{SONNET_45}");
    sim.script(
        &profile,
        Script::text("Paris is the capital of France.").with_input_tokens(42),
    );
    let out = send_converse(&sim, &profile, "Capital of France?")
        .await
        .unwrap();
    assert_eq!(text_of(&out).0, "Paris is the capital of France.");
    let usage = out.usage().unwrap();
    assert_eq!(
        (
            usage.input_tokens(),
            usage.output_tokens(),
            usage.total_tokens()
        ),
        (42, 6, 48)
    );
    assert_eq!(
        sim.requests()[0].path,
        "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse"
    );
}

#[tokio::test]
async fn max_tokens_and_stop_sequences_cut_the_answer() {
    let sim = sim().await;
    sim.script(NOVA_LITE, Script::text("Paris is the capital of France."));
    let client = runtime(&sim);
    let out = converse(&client, NOVA_LITE, "Capital?")
        .inference_config(InferenceConfiguration::builder().max_tokens(3).build())
        .send()
        .await
        .unwrap();
    assert_eq!(text_of(&out).0, "Paris is the");
    assert_eq!(out.stop_reason(), &StopReason::MaxTokens);
    assert_eq!(out.usage().unwrap().output_tokens(), 3);

    let out = converse(&client, NOVA_LITE, "Capital?")
        .inference_config(
            InferenceConfiguration::builder()
                .stop_sequences(" of")
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(text_of(&out).0, "Paris is the capital");
    assert_eq!(out.stop_reason(), &StopReason::StopSequence);
}

#[tokio::test]
async fn throttled_twice_then_served_on_the_third_attempt() {
    let sim = sim().await;
    sim.fault(NOVA_LITE, Fault::throttle(2));
    let out = send_converse(&sim, NOVA_LITE, "hello").await.unwrap();
    assert_eq!(text_of(&out).0, "echo: hello");
    let log = sim.requests();
    let attempts: Vec<Option<u32>> = log.iter().map(|r| r.attempt).collect();
    let statuses: Vec<u16> = log.iter().map(|r| r.status).collect();
    assert_eq!(attempts, vec![Some(1), Some(2), Some(3)]);
    assert_eq!(statuses, vec![429, 429, 200]);
    let id = log[0].invocation_id.clone().expect("invocation id sent");
    assert!(log
        .iter()
        .all(|r| r.invocation_id.as_deref() == Some(id.as_str())));
}

#[tokio::test]
async fn throttled_three_times_surfaces_the_typed_throttling_error() {
    let sim = sim().await;
    sim.fault(NOVA_LITE, Fault::throttle(3));
    let err = send_converse(&sim, NOVA_LITE, "hello").await.unwrap_err();
    let service = err.into_service_error();
    assert!(
        matches!(service, ConverseError::ThrottlingException(_)),
        "{service:?}"
    );
    assert_eq!(
        service.message(),
        Some("Too many requests, please wait before trying again.")
    );
    assert_eq!(sim.requests().len(), 3);
}

#[tokio::test]
async fn model_timeout_is_not_retried() {
    let sim = sim().await;
    sim.fault(
        NOVA_LITE,
        Fault::Status {
            status: 408,
            error_type: "ModelTimeoutException".into(),
            message: "Model has timed out in processing the request. Try your request again."
                .into(),
            times: 1,
        },
    );
    let err = send_converse(&sim, NOVA_LITE, "hello").await.unwrap_err();
    assert!(matches!(
        err.into_service_error(),
        ConverseError::ModelTimeoutException(_)
    ));
    assert_eq!(sim.requests().len(), 1);
}

#[tokio::test]
async fn a_wrong_secret_gets_403_with_the_signature_message() {
    let sim = sim().await;
    let err = converse(
        &runtime_with_secret(&sim, "not-the-secret"),
        NOVA_LITE,
        "hello",
    )
    .send()
    .await
    .unwrap_err();
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(403));
    let service = err.into_service_error();
    assert_eq!(service.code(), Some("InvalidSignatureException"));
    assert_eq!(
        service.message(),
        Some("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
    );
    let log = sim.requests();
    assert_eq!(log[0].signature_valid, Some(false));
    assert_eq!(log[0].status, 403);
}

#[tokio::test]
async fn an_unknown_access_key_is_an_unrecognized_client() {
    let sim = sim_with(SimConfig {
        access_key_id: "AKIDSOMEONEELSE".into(),
        ..Default::default()
    })
    .await;
    let err = send_converse(&sim, NOVA_LITE, "hello")
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.code(), Some("UnrecognizedClientException"));
    assert_eq!(
        err.message(),
        Some("The security token included in the request is invalid.")
    );
}

#[tokio::test]
async fn model_id_errors_match_bedrock() {
    let sim = sim().await;
    let client = runtime(&sim);
    let call = |id: &'static str| converse(&client, id, "hello").send();

    let err = call(SONNET_45).await.unwrap_err().into_service_error();
    assert!(
        matches!(err, ConverseError::ValidationException(_)),
        "{err:?}"
    );
    assert_eq!(
        err.message(),
        Some("Invocation of model ID anthropic.claude-sonnet-4-5-20250929-v1:0 with on-demand throughput isn\u{2019}t supported. Retry your request with the ID or ARN of an inference profile that contains this model.")
    );
    assert!(call("global.anthropic.claude-sonnet-4-5-20250929-v1:0")
        .await
        .is_ok());
    assert!(call("us.anthropic.claude-haiku-4-5-20251001-v1:0")
        .await
        .is_ok());

    let err = call("acme.unknown-model-v1:0")
        .await
        .unwrap_err()
        .into_service_error();
    assert!(matches!(err, ConverseError::ValidationException(_)));
    assert_eq!(
        err.message(),
        Some("The provided model identifier is invalid.")
    );

    let err = call("sim.access-denied")
        .await
        .unwrap_err()
        .into_service_error();
    assert!(matches!(err, ConverseError::AccessDeniedException(_)));
    assert_eq!(
        err.message(),
        Some("You don't have access to the model with the specified model ID.")
    );

    let arn = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0";
    let out = call(arn).await.unwrap();
    assert_eq!(text_of(&out).0, "echo: hello");
    let logged = sim.requests().last().cloned().unwrap();
    assert_eq!(logged.model_id.as_deref(), Some(arn));
    assert!(
        logged.path.contains("%2Fus.amazon.nova-pro-v1%3A0"),
        "{}",
        logged.path
    );
    assert_eq!(logged.signature_valid, Some(true));
}

#[tokio::test]
async fn guardrail_blocks_blockme_and_traces_the_assessment() {
    let sim = sim().await;
    let guardrail = GuardrailConfiguration::builder()
        .guardrail_identifier("gr-sim")
        .guardrail_version("DRAFT")
        .trace(GuardrailTrace::Enabled)
        .build();
    let client = runtime(&sim);
    let guarded = |prompt: &str, guardrail: GuardrailConfiguration| {
        converse(&client, NOVA_LITE, prompt)
            .guardrail_config(guardrail)
            .send()
    };
    let out = guarded("please BLOCKME now", guardrail.clone())
        .await
        .unwrap();
    assert_eq!(
        text_of(&out).0,
        "Sorry, the model cannot answer this question."
    );
    assert_eq!(out.stop_reason(), &StopReason::GuardrailIntervened);
    let assessment = &out
        .trace()
        .unwrap()
        .guardrail()
        .unwrap()
        .input_assessment()
        .unwrap()["gr-sim"];
    let word = &assessment.word_policy().unwrap().custom_words()[0];
    assert_eq!(word.r#match(), "BLOCKME");
    assert_eq!(word.action().as_str(), "BLOCKED");

    let clean = guarded("a harmless question", guardrail).await.unwrap();
    assert_eq!(clean.stop_reason(), &StopReason::EndTurn);
    assert!(clean.trace().unwrap().guardrail().is_some());

    // The SDK sends `trace: "disabled"` unless told otherwise; Bedrock then sends no trace.
    let untraced = GuardrailConfiguration::builder()
        .guardrail_identifier("gr-sim")
        .guardrail_version("DRAFT")
        .build();
    let blocked = guarded("BLOCKME", untraced).await.unwrap();
    assert_eq!(blocked.stop_reason(), &StopReason::GuardrailIntervened);
    assert!(blocked.trace().is_none());
}

#[tokio::test]
async fn a_cache_point_writes_then_reads_the_prefix() {
    let sim = sim().await;
    let client = runtime(&sim);
    let send = || {
        converse(&client, NOVA_LITE, "Capital of France?")
            .system(SystemContentBlock::Text(
                "You answer questions about geography.".into(),
            ))
            .system(SystemContentBlock::CachePoint(
                CachePointBlock::builder()
                    .r#type(CachePointType::Default)
                    .build()
                    .unwrap(),
            ))
            .send()
    };
    let first = send().await.unwrap();
    let u = first.usage().unwrap();
    assert_eq!(u.cache_write_input_tokens(), Some(5));
    assert_eq!(u.cache_read_input_tokens(), Some(0));
    assert_eq!(u.input_tokens(), 3);
    let second = send().await.unwrap();
    let u = second.usage().unwrap();
    assert_eq!(u.cache_write_input_tokens(), Some(0));
    assert_eq!(u.cache_read_input_tokens(), Some(5));
    assert_eq!(u.total_tokens(), 3 + 5 + 4);
}

#[tokio::test]
async fn count_tokens_counts_system_and_messages() {
    let sim = sim().await;
    let out = runtime(&sim)
        .count_tokens()
        .model_id(NOVA_LITE)
        .input(CountTokensInput::Converse(
            ConverseTokensRequest::builder()
                .system(SystemContentBlock::Text("Be brief.".into()))
                .messages(user("What is the capital of France?"))
                .build(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(out.input_tokens(), 8);
    assert_eq!(sim.requests()[0].operation, "CountTokens");
}

#[tokio::test]
async fn apply_guardrail_intervenes_on_the_block_word() {
    let sim = sim().await;
    let client = runtime(&sim);
    let apply = |text: &str| {
        client
            .apply_guardrail()
            .guardrail_identifier("gr-sim")
            .guardrail_version("1")
            .source(GuardrailContentSource::Input)
            .content(GuardrailContentBlock::Text(
                GuardrailTextBlock::builder().text(text).build().unwrap(),
            ))
            .send()
    };
    let out = apply("BLOCKME please").await.unwrap();
    assert_eq!(out.action().as_str(), "GUARDRAIL_INTERVENED");
    assert_eq!(
        out.outputs()[0].text(),
        Some("Sorry, the model cannot answer this question.")
    );
    let out = apply("fine text").await.unwrap();
    assert_eq!(out.action().as_str(), "NONE");
    assert!(out.outputs().is_empty());
    assert_eq!(sim.requests()[0].path, "/guardrail/gr-sim/version/1/apply");
    assert_eq!(sim.requests()[0].operation, "ApplyGuardrail");
}

#[tokio::test]
async fn unsigned_bearer_requests_are_accepted_and_logged_without_a_signature_verdict() {
    let sim = sim().await;
    let config = aws_sdk_bedrockruntime::Config::builder()
        .behavior_version(aws_sdk_bedrockruntime::config::BehaviorVersion::latest())
        .endpoint_url(sim.url())
        .region(aws_sdk_bedrockruntime::config::Region::new("us-east-1"))
        .bearer_token(aws_sdk_bedrockruntime::config::Token::new(
            "sim-bearer-token",
            None,
        ))
        .build();
    let out = converse(
        &aws_sdk_bedrockruntime::Client::from_conf(config),
        NOVA_LITE,
        "hi there",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(text_of(&out).0, "echo: hi there");
    let r = &sim.requests()[0];
    assert_eq!(r.signature_valid, None);
    assert!(r.authorization_present);
    let logged = serde_json::to_string(&sim.requests()).unwrap();
    assert!(!logged.contains("sim-bearer-token"));
}

#[tokio::test]
async fn a_conversation_must_start_with_a_user_message() {
    let sim = sim().await;
    let assistant = aws_sdk_bedrockruntime::types::Message::builder()
        .role(ConversationRole::Assistant)
        .content(ContentBlock::Text("hi".into()))
        .build()
        .unwrap();
    let err = runtime(&sim)
        .converse()
        .model_id(NOVA_LITE)
        .messages(assistant)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(matches!(err, ConverseError::ValidationException(_)));
    assert!(err
        .message()
        .unwrap()
        .starts_with("A conversation must start with a user message."));
}

#[tokio::test]
async fn a_delay_fault_trips_the_client_operation_timeout() {
    use aws_sdk_bedrockruntime::config::timeout::TimeoutConfig;
    use aws_sdk_bedrockruntime::error::SdkError;
    let sim = sim().await;
    sim.fault(NOVA_LITE, Fault::Delay(std::time::Duration::from_secs(3)));
    let client = runtime_with_config(&sim, |config| {
        config.timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(std::time::Duration::from_millis(300))
                .build(),
        )
    });
    let started = std::time::Instant::now();
    let err = converse(&client, NOVA_LITE, "hello")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::TimeoutError(_)), "{err:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    // the delay was consumed: the next call answers at once
    let out = send_converse(&sim, NOVA_LITE, "hello").await.unwrap();
    assert_eq!(text_of(&out).0, "echo: hello");
}
