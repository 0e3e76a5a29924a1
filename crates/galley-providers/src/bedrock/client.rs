//! Building the AWS SDK configuration and clients from [`BedrockSettings`].

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use aws_config::environment::region::EnvironmentVariableRegionProvider;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::region::ProfileFileRegionProvider;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::auth::AuthSchemeId;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::settings::BedrockSettings;

/// The region used when neither the settings, the environment nor the profile name one.
pub const FALLBACK_REGION: &str = "us-east-1";

/// aws-config's own default connect timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);

/// Loads the SDK configuration.
///
/// The region is the setting, else `AWS_REGION` / `AWS_DEFAULT_REGION`, else the profile's, else
/// [`FALLBACK_REGION`]; the instance metadata service is never asked (on a desktop it only adds
/// seconds of timeouts).
///
/// With `credentials`, those are used as they are: SigV4 is required (so
/// `AWS_BEARER_TOKEN_BEDROCK` cannot take over), and the shared config files are read only when a
/// profile is named. Environment endpoint variables are still honoured.
pub(crate) async fn load_sdk_config(
    settings: &BedrockSettings,
    credentials: Option<SharedCredentialsProvider>,
) -> SdkConfig {
    let retry = RetryConfig::standard()
        .with_max_attempts(settings.max_attempts)
        .with_initial_backoff(Duration::from_millis(settings.initial_backoff_ms));
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .operation_timeout(Duration::from_secs(settings.timeout_secs))
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry)
        .timeout_config(timeouts);
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    let explicit_credentials = credentials.is_some();
    loader = match &settings.region {
        Some(region) => loader.region(Region::new(region.clone())),
        None => {
            let mut chain =
                RegionProviderChain::first_try(EnvironmentVariableRegionProvider::new());
            if settings.profile.is_some() || !explicit_credentials {
                let mut from_profile = ProfileFileRegionProvider::builder();
                if let Some(profile) = &settings.profile {
                    from_profile = from_profile.profile_name(profile);
                }
                chain = chain.or_else(from_profile.build());
            }
            loader.region(chain.or_else(Region::new(FALLBACK_REGION)))
        }
    };
    if let Some(url) = &settings.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(credentials) = credentials {
        loader = loader
            .credentials_provider(credentials)
            .auth_scheme_preference([AuthSchemeId::new("sigv4")]);
        if settings.profile.is_none() {
            #[allow(deprecated)]
            let empty = aws_config::profile::profile_file::ProfileFiles::builder()
                .with_contents(
                    aws_config::profile::profile_file::ProfileFileKind::Config,
                    "",
                )
                .build();
            loader = loader.profile_files(empty);
        }
    }
    loader.load().await
}

/// The endpoint in use when it is not the regional default, for error messages: the setting, else
/// the environment variables aws-config honours.
pub(crate) fn endpoint_in_use(settings: &BedrockSettings, service_env: &str) -> Option<String> {
    if let Some(url) = &settings.endpoint_url {
        return Some(url.clone());
    }
    let ignored = std::env::var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .is_ok_and(|v| v.eq_ignore_ascii_case("true"));
    if ignored {
        return None;
    }
    [service_env, "AWS_ENDPOINT_URL"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .map(|v| v.trim().to_string())
        .find(|v| !v.is_empty())
}

/// Counts the attempts of one call (the SDK retries inside `send()`).
#[derive(Debug, Clone, Default)]
pub(crate) struct AttemptCounter(Arc<AtomicU32>);

impl AttemptCounter {
    pub(crate) fn get(&self) -> u32 {
        self.0.load(Ordering::Relaxed)
    }
}

impl Intercept for AttemptCounter {
    fn name(&self) -> &'static str {
        "galley::AttemptCounter"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}
