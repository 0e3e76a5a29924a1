//! The default credential chain with profiles from temporary AWS files: a profile with static
//! keys works, an SSO profile without a login is `ssoExpired`, a profile without credentials is
//! `noCredentials`, and the profile list reads `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`.
//! Its own test binary: it points HOME and the AWS variables at a temporary directory.

mod common;

use common::*;
use galley_providers::{
    list_profiles, BedrockProvider, BedrockSettings, ProviderError, ProviderErrorCode,
};

const CONFIG: &str = "\
[profile sso-dev]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Developer
region = us-east-1

[sso-session corp]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1

[profile empty]
region = us-east-1

[profile static]
region = us-east-1
";

fn isolate_environment(dir: &std::path::Path) {
    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_BEARER_TOKEN_BEDROCK",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
        "AWS_ENDPOINT_URL_BEDROCK",
    ] {
        std::env::remove_var(var);
    }
    std::env::set_var("HOME", dir);
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    std::env::set_var("AWS_CONFIG_FILE", dir.join("config"));
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"));
}

/// The error of a Converse call with credentials from the default chain, which must be
/// `noCredentials`.
async fn no_credentials_error(settings: &BedrockSettings) -> ProviderError {
    let p = BedrockProvider::new(settings).await.unwrap();
    let err = completed(&p, &ask(HAIKU_35, "x")).await.unwrap_err();
    assert_eq!(
        err.code,
        ProviderErrorCode::NoCredentials,
        "{}",
        err.message
    );
    err
}

#[tokio::test]
async fn profiles_from_the_default_chain() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config"), CONFIG).unwrap();
    std::fs::write(
        dir.path().join("credentials"),
        format!("[static]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET}\n"),
    )
    .unwrap();
    isolate_environment(dir.path());

    assert_eq!(list_profiles().unwrap(), ["empty", "sso-dev", "static"]);

    let sim = sim().await;
    let with_profile = |profile: &str| BedrockSettings {
        profile: Some(profile.into()),
        region: None,
        ..settings(&sim)
    };

    // static keys from the credentials file, region from the profile
    let p = BedrockProvider::new(&with_profile("static")).await.unwrap();
    assert_eq!(p.region(), "us-east-1");
    let out = completed(&p, &ask(HAIKU_35, "from a profile"))
        .await
        .unwrap();
    assert_eq!(out.text, "echo: from a profile");
    assert_eq!(sim.requests()[0].signature_valid, Some(true));

    // an SSO profile that never logged in
    let p = BedrockProvider::new(&with_profile("sso-dev"))
        .await
        .unwrap();
    let err = streamed(&p, &ask(HAIKU_35, "x")).await.unwrap_err();
    assert_eq!(err.code, ProviderErrorCode::SsoExpired, "{}", err.message);
    assert_eq!(
        err.message,
        "the SSO session of profile `sso-dev` has expired: run `aws sso login --profile sso-dev`"
    );

    // a profile without any credentials
    let err = no_credentials_error(&with_profile("empty")).await;
    assert!(err.message.contains("profile `empty`"), "{}", err.message);

    // a profile that does not exist
    let err = no_credentials_error(&with_profile("ghost")).await;
    assert_eq!(
        err.message,
        "profile `ghost` is not defined in the AWS config files: choose another profile in Settings or run `aws configure --profile ghost`"
    );

    // none of these reached the simulator
    assert_eq!(sim.requests().len(), 1);

    // AWS_REGION comes before the profile's region
    std::env::set_var("AWS_REGION", "eu-west-1");
    let p = BedrockProvider::new(&with_profile("static")).await.unwrap();
    assert_eq!(p.region(), "eu-west-1");
    let out = completed(&p, &ask(HAIKU_35, "from Europe")).await.unwrap();
    assert_eq!(out.text, "echo: from Europe");
}
