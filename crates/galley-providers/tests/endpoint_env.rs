//! `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` / `AWS_ENDPOINT_URL_BEDROCK` are honoured by aws-config when
//! the settings name no endpoint, and a code-set endpoint wins over them. Its own test binary:
//! it changes the process environment.

mod common;

use common::*;
use galley_providers::{BedrockSettings, Prices};

#[tokio::test]
async fn environment_endpoints_are_honoured_and_the_setting_wins() {
    let sim = sim().await;
    std::env::set_var("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", sim.url());
    std::env::set_var("AWS_ENDPOINT_URL_BEDROCK", sim.url());
    let from_env = BedrockSettings {
        endpoint_url: None,
        ..settings(&sim)
    };
    let p = provider_with(&from_env).await;
    assert_eq!(p.endpoint(), Some(sim.url().as_str()));
    let out = streamed(&p, &ask(NOVA_LITE, "via env")).await.unwrap();
    assert_eq!(out.text, "echo: via env");
    let catalog = p.catalog(&Prices::bundled()).await.unwrap();
    assert!(!catalog.offline);
    assert!(!catalog.models.is_empty());
    let ops: Vec<String> = sim.requests().into_iter().map(|r| r.operation).collect();
    assert_eq!(ops[0], "ConverseStream");
    assert_eq!(ops[1], "ListFoundationModels");

    // a dead endpoint in the environment; the setting points at the simulator and wins
    let dead = unused_local_url();
    std::env::set_var("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", &dead);
    sim.clear_log();
    let p = provider(&sim).await;
    assert_eq!(p.endpoint(), Some(sim.url().as_str()));
    let out = completed(&p, &ask(NOVA_LITE, "via setting")).await.unwrap();
    assert_eq!(out.text, "echo: via setting");
    assert_eq!(sim.requests().len(), 1);

    // and without the setting, the dead environment endpoint is really used
    let p = provider_with(&from_env).await;
    assert_eq!(p.endpoint(), Some(dead.as_str()));
    let err = completed(&p, &ask(NOVA_LITE, "x")).await.unwrap_err();
    assert_eq!(err.code, galley_providers::ProviderErrorCode::Endpoint);
    assert!(err.message.contains(&dead), "{}", err.message);
}
