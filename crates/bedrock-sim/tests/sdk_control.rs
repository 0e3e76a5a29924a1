//! The real `aws-sdk-bedrock` client against the simulator's control plane.

mod common;

use common::{control, sim};

#[tokio::test]
async fn list_foundation_models_returns_the_catalog() {
    let sim = sim().await;
    let client = control(&sim);
    let out = client.list_foundation_models().send().await.unwrap();
    let models = out.model_summaries();
    assert_eq!(models.len(), 10);
    let sonnet = models
        .iter()
        .find(|m| m.model_id() == "anthropic.claude-sonnet-4-5-20250929-v1:0")
        .unwrap();
    assert_eq!(sonnet.model_name(), Some("Claude Sonnet 4.5"));
    assert_eq!(sonnet.provider_name(), Some("Anthropic"));
    assert_eq!(
        sonnet.model_arn(),
        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0"
    );
    let types: Vec<&str> = sonnet
        .inference_types_supported()
        .iter()
        .map(|t| t.as_str())
        .collect();
    assert_eq!(types, vec!["INFERENCE_PROFILE"]);
    assert_eq!(sonnet.response_streaming_supported(), Some(true));
    let legacy: Vec<&str> = models
        .iter()
        .filter(|m| m.model_lifecycle().map(|l| l.status().as_str()) == Some("LEGACY"))
        .map(|m| m.model_id())
        .collect();
    assert_eq!(legacy, vec!["anthropic.claude-3-5-sonnet-20240620-v1:0"]);

    let amazon = client
        .list_foundation_models()
        .by_provider("Amazon")
        .send()
        .await
        .unwrap();
    let ids: Vec<&str> = amazon
        .model_summaries()
        .iter()
        .map(|m| m.model_id())
        .collect();
    assert_eq!(
        ids,
        vec![
            "amazon.nova-micro-v1:0",
            "amazon.nova-lite-v1:0",
            "amazon.nova-pro-v1:0"
        ]
    );

    let log = sim.requests();
    assert_eq!(log[0].operation, "ListFoundationModels");
    assert_eq!(log[0].path, "/foundation-models");
    assert_eq!(log[0].signature_valid, Some(true));
    assert_eq!(
        log[1].signature_valid,
        Some(true),
        "query string is part of the signature"
    );
}

#[tokio::test]
async fn list_inference_profiles_pages_through_every_profile() {
    let sim = sim().await;
    let client = control(&sim);
    let pages: Vec<_> = client
        .list_inference_profiles()
        .max_results(4)
        .into_paginator()
        .send()
        .collect::<Vec<_>>()
        .await;
    let ids: Vec<String> = pages
        .into_iter()
        .flat_map(|p| p.unwrap().inference_profile_summaries().to_vec())
        .map(|s| s.inference_profile_id().to_string())
        .collect();
    assert_eq!(ids.len(), 10);
    assert_eq!(ids[0], "us.anthropic.claude-3-5-haiku-20241022-v1:0");
    assert!(ids.contains(&"global.anthropic.claude-sonnet-4-5-20250929-v1:0".to_string()));
    assert!(ids.contains(&"us.anthropic.claude-haiku-4-5-20251001-v1:0".to_string()));
    let log = sim.requests();
    assert_eq!(log.len(), 3, "three pages of at most 4");
    assert!(log
        .iter()
        .all(|r| r.operation == "ListInferenceProfiles" && r.status == 200));

    let one = client
        .get_inference_profile()
        .inference_profile_identifier("global.anthropic.claude-haiku-4-5-20251001-v1:0")
        .send()
        .await
        .unwrap();
    assert_eq!(
        one.inference_profile_name(),
        "Global Anthropic Claude Haiku 4.5"
    );
    assert_eq!(one.r#type().as_str(), "SYSTEM_DEFINED");
    assert_eq!(one.status().as_str(), "ACTIVE");
    assert!(one.models()[0]
        .model_arn()
        .unwrap()
        .ends_with("::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0"));
}
