//! The model catalog from the simulator's control plane (ListFoundationModels +
//! ListInferenceProfiles through `aws-sdk-bedrock`), and the offline fallback.

mod common;

use common::*;
use galley_providers::Prices;

#[tokio::test]
async fn merges_models_and_profiles_hides_legacy_and_joins_prices() {
    let sim = sim().await;
    let p = provider(&sim).await;
    let catalog = p.catalog(&Prices::bundled()).await.unwrap();
    assert!(!catalog.offline);
    assert_eq!(catalog.offline_reason, None);
    assert_eq!(catalog.prices_as_of, "2026-11-27");

    let mut ids: Vec<&str> = catalog.models.iter().map(|m| m.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [
            "amazon.nova-lite-v1:0",
            "amazon.nova-micro-v1:0",
            "amazon.nova-pro-v1:0",
            "anthropic.claude-3-5-haiku-20241022-v1:0",
            "anthropic.claude-3-7-sonnet-20250219-v1:0",
            "meta.llama3-3-70b-instruct-v1:0",
            "mistral.mistral-large-2407-v1:0",
            "us.anthropic.claude-haiku-4-5-20251001-v1:0",
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        ]
    );
    let by_id = |id: &str| catalog.models.iter().find(|m| m.id == id).unwrap();

    let sonnet = by_id(&format!("us.{SONNET_45}"));
    assert!(sonnet.via_profile);
    assert_eq!(sonnet.base_model_id, SONNET_45);
    assert_eq!(sonnet.name, "Claude Sonnet 4.5");
    assert_eq!(sonnet.provider_name, "Anthropic");
    assert_eq!(sonnet.context_window, Some(200_000));
    let price = sonnet.price.unwrap();
    assert_eq!((price.input, price.output), (3.3, 16.5));
    assert!(sonnet.streaming);

    let haiku = by_id(HAIKU_35);
    assert!(!haiku.via_profile);
    let price = haiku.price.unwrap();
    assert_eq!(
        (
            price.input,
            price.output,
            price.cache_read,
            price.cache_write
        ),
        (0.8, 4.0, Some(0.08), Some(1.0))
    );
    let mistral = by_id("mistral.mistral-large-2407-v1:0");
    assert_eq!(mistral.provider_name, "Mistral AI");
    assert_eq!(mistral.price.unwrap().output, 6.0);

    let ops: Vec<String> = sim.requests().into_iter().map(|r| r.operation).collect();
    assert_eq!(ops[0], "ListFoundationModels");
    assert!(
        ops[1..].iter().all(|o| o == "ListInferenceProfiles"),
        "{ops:?}"
    );
}

#[tokio::test]
async fn unreachable_control_plane_gives_the_offline_catalog() {
    let url = unused_local_url();
    let p = provider_at(&url).await;
    let catalog = p.catalog_or_offline(&Prices::bundled()).await;
    assert!(catalog.offline);
    let reason = catalog.offline_reason.unwrap();
    assert!(
        reason.starts_with(&format!("cannot connect to `{url}`")),
        "{reason}"
    );
    assert!(catalog
        .models
        .iter()
        .any(|m| m.id == format!("us.{SONNET_45}") && m.via_profile));
    assert!(catalog.models.iter().all(|m| m.id != SONNET_45));
}
