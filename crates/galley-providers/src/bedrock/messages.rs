//! A [`Failure`] in words: the [`ProviderError`] the user sees, saying what happened and what to
//! do. Pure, and tested with the messages Bedrock really sends.

use super::errors::{CallContext, CredentialsKind, Failure};
use crate::error::{ProviderError, ProviderErrorCode};
use crate::model_id::{geo_prefix, profile_id_for_region, strip_arn};

impl CallContext {
    fn profile_label(&self) -> String {
        match &self.profile {
            Some(p) => format!("profile `{p}`"),
            None => "the default profile".to_string(),
        }
    }

    fn sso_login(&self) -> String {
        match &self.profile {
            Some(p) => format!("aws sso login --profile {p}"),
            None => "aws sso login".to_string(),
        }
    }

    fn endpoint_label(&self) -> String {
        match &self.endpoint {
            Some(url) => format!("`{url}`"),
            None => format!("the Bedrock endpoint of {}", self.region),
        }
    }

    fn attempts_label(&self) -> String {
        match self.attempts {
            1 => "after 1 attempt".to_string(),
            n => format!("after {n} attempts"),
        }
    }
}

impl Failure {
    /// A short description, for "the answer was cut off ...: <reason>".
    pub(crate) fn reason(&self) -> String {
        match self {
            Failure::Service { code, message } if code == "ThrottlingException" => {
                format!("Bedrock throttled the stream (ThrottlingException: {message})")
            }
            Failure::Service { code, message } if code == "ModelStreamErrorException" => {
                format!("the model's stream failed (ModelStreamErrorException: {message})")
            }
            Failure::Service { code, message } => format!("Bedrock sent {code}: {message}"),
            Failure::Timeout => "the call timed out".to_string(),
            Failure::Credentials { .. } => "the credentials failed".to_string(),
            Failure::Connect { detail } => format!("the connection failed ({detail})"),
            Failure::EndpointConfig { detail } => format!("the endpoint failed ({detail})"),
            Failure::Response { detail } => {
                format!("the stream was malformed or ended early ({detail})")
            }
            Failure::Construction { detail } | Failure::Other { detail } => detail.clone(),
        }
    }

    /// The error for a failure inside an answer stream, after `partial` had arrived.
    pub(crate) fn into_stream_error(self, ctx: &CallContext, partial: &str) -> ProviderError {
        let broken_stream = matches!(self, Failure::Response { .. } | Failure::Connect { .. })
            || matches!(&self, Failure::Service { code, .. } if code == "ModelStreamErrorException");
        if !partial.is_empty() || broken_stream {
            ProviderError::stream_broken(partial, &self.reason())
        } else {
            self.into_provider_error(ctx)
        }
    }

    /// The error the user sees.
    pub(crate) fn into_provider_error(self, ctx: &CallContext) -> ProviderError {
        use ProviderErrorCode as C;
        let model = &ctx.model_id;
        let region = &ctx.region;
        match self {
            Failure::Service { code, message } => service_error(&code, &message, ctx),
            Failure::Timeout => ProviderError::timeout(ctx.timeout_secs, ""),
            Failure::Credentials { kind, detail } => match kind {
                CredentialsKind::Sso => ProviderError::new(
                    C::SsoExpired,
                    format!(
                        "the SSO session of {} has expired: run `{}`",
                        ctx.profile_label(),
                        ctx.sso_login()
                    ),
                ),
                CredentialsKind::ProfileNotDefined => ProviderError::new(
                    C::NoCredentials,
                    format!(
                        "{} is not defined in the AWS config files: choose another profile in Settings or run `aws configure{}`",
                        ctx.profile_label(),
                        ctx.profile.as_deref().map(|p| format!(" --profile {p}")).unwrap_or_default()
                    ),
                ),
                CredentialsKind::InvalidConfiguration => ProviderError::new(
                    C::NoCredentials,
                    format!(
                        "the AWS configuration of {} is invalid ({detail}): fix ~/.aws/config or choose another profile in Settings",
                        ctx.profile_label()
                    ),
                ),
                CredentialsKind::NotLoaded | CredentialsKind::Other => ProviderError::new(
                    C::NoCredentials,
                    match &ctx.profile {
                        Some(p) => format!(
                            "no AWS credentials for profile `{p}`: run `aws sso login --profile {p}` or set AWS_ACCESS_KEY_ID"
                        ),
                        None => "no AWS credentials found: choose a profile in Settings, run `aws sso login` or set AWS_ACCESS_KEY_ID".to_string(),
                    },
                ),
            },
            Failure::Connect { detail } => ProviderError::new(
                C::Endpoint,
                match &ctx.endpoint {
                    Some(_) => format!(
                        "cannot connect to {} ({detail}): check the endpoint URL in Settings and the network",
                        ctx.endpoint_label()
                    ),
                    None => format!(
                        "cannot connect to {} ({detail}): check the network, and that Bedrock is offered in {region} (it is in us-east-1, us-west-2, eu-central-1 and others): change the region in Settings",
                        ctx.endpoint_label()
                    ),
                },
            ),
            Failure::EndpointConfig { detail } => ProviderError::new(
                C::Endpoint,
                format!(
                    "the endpoint {} cannot be used ({detail}): fix the endpoint URL in Settings or AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
                    ctx.endpoint_label()
                ),
            ),
            Failure::Response { detail } => ProviderError::new(
                C::Other,
                format!("Bedrock's answer for {model} in {region} could not be read ({detail}): try again"),
            ),
            Failure::Construction { detail } => ProviderError::new(
                C::InvalidRequest,
                format!("the request for {model} could not be built ({detail})"),
            ),
            Failure::Other { detail } => ProviderError::new(
                C::Other,
                format!("the call to {model} in {region} failed: {detail}"),
            ),
        }
    }
}

/// Whether a ValidationException says the model needs an inference profile. Bedrock's wording is
/// "Invocation of model ID X with on-demand throughput isn’t supported." (with a typographic
/// apostrophe), sometimes with a plain one.
pub(crate) fn is_on_demand_unsupported(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("on-demand throughput")
        && (m.contains("isn’t supported")
            || m.contains("isn't supported")
            || m.contains("is not supported")
            || m.contains("not supported"))
}

fn with_server_message(text: String, message: &str) -> String {
    if message.trim().is_empty() {
        text
    } else {
        format!("{text} (Bedrock: {})", message.trim())
    }
}

fn service_error(code: &str, message: &str, ctx: &CallContext) -> ProviderError {
    use ProviderErrorCode as C;
    let model = &ctx.model_id;
    let region = &ctx.region;
    match code {
        "AccessDeniedException" => ProviderError::new(
            C::AccessDenied,
            with_server_message(
                format!(
                    "no access to model {model} in {region}: request model access in the Bedrock console (Model access) or ask for the bedrock:InvokeModel permission"
                ),
                message,
            ),
        ),
        "ValidationException" if is_on_demand_unsupported(message) => {
            let base = strip_arn(model);
            if geo_prefix(base).is_none() && !model.starts_with("arn:") {
                let suggestion = profile_id_for_region(base, region);
                ProviderError::new(
                    C::NeedsInferenceProfile,
                    format!("model {model} needs an inference profile: use `{suggestion}`"),
                )
                .with_suggested_model_id(suggestion)
            } else {
                ProviderError::new(
                    C::NeedsInferenceProfile,
                    with_server_message(
                        format!("model {model} needs an inference profile: pick one from the catalog"),
                        message,
                    ),
                )
            }
        }
        "ValidationException"
            if message
                .to_ascii_lowercase()
                .contains("model identifier is invalid") =>
        {
            ProviderError::new(
                C::ModelNotFound,
                format!(
                    "model {model} is not known to Bedrock in {region}: check the id or pick a model from the catalog"
                ),
            )
        }
        "ValidationException" => ProviderError::new(
            C::InvalidRequest,
            format!("Bedrock rejected the request for {model}: {}", message.trim()),
        ),
        "ThrottlingException" | "ServiceQuotaExceededException" | "TooManyRequestsException" => {
            ProviderError::new(
                C::Throttled,
                format!(
                    "Bedrock is throttling requests for {model} ({}): lower the concurrency or request a quota increase",
                    ctx.attempts_label()
                ),
            )
        }
        "ModelTimeoutException" => ProviderError::new(
            C::ModelTimeout,
            "the model timed out (ModelTimeoutException): shorten the prompt or lower maxTokens",
        ),
        "ResourceNotFoundException" => ProviderError::new(
            C::ModelNotFound,
            with_server_message(
                format!(
                    "model {model} was not found in {region}: check the id or pick a model from the catalog"
                ),
                message,
            ),
        ),
        "ServiceUnavailableException" | "InternalServerException" | "ModelNotReadyException"
        | "InternalFailure" | "ServiceUnavailable" => ProviderError::new(
            C::Unavailable,
            with_server_message(
                format!(
                    "Bedrock is unavailable for {model} in {region} ({code}, {}): try again in a moment",
                    ctx.attempts_label()
                ),
                message,
            ),
        ),
        "ModelStreamErrorException" => ProviderError::new(
            C::StreamBroken,
            with_server_message(
                "the model's answer stream failed (ModelStreamErrorException): try again".to_string(),
                message,
            ),
        ),
        "ModelErrorException" => ProviderError::new(
            C::Other,
            with_server_message(
                format!("model {model} failed to process the request (ModelErrorException): try again or change the prompt"),
                message,
            ),
        ),
        "ExpiredTokenException" | "ExpiredToken" | "RequestExpired" => ProviderError::new(
            C::SsoExpired,
            format!(
                "the AWS credentials of {} have expired: run `{}` or refresh them",
                ctx.profile_label(),
                ctx.sso_login()
            ),
        ),
        "UnrecognizedClientException"
        | "InvalidSignatureException"
        | "IncompleteSignature"
        | "MissingAuthenticationToken"
        | "InvalidClientTokenId" => ProviderError::new(
            C::NoCredentials,
            with_server_message(
                format!(
                    "Bedrock rejected the AWS credentials of {} ({code}): check them or run `{}`",
                    ctx.profile_label(),
                    ctx.sso_login()
                ),
                message,
            ),
        ),
        "" => ProviderError::new(
            C::Other,
            with_server_message(format!("the call to {model} in {region} failed"), message),
        ),
        other => ProviderError::new(
            C::Other,
            with_server_message(format!("Bedrock returned {other} for {model}"), message),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bedrock::errors::fixtures::{ctx, service};

    /// What the user sees for a service error in the default profile.
    fn error_for(code: &str, message: &str) -> ProviderError {
        service(code, message).into_provider_error(&ctx(None))
    }

    #[test]
    fn on_demand_validation_suggests_the_region_profile() {
        let message = "Invocation of model ID anthropic.claude-sonnet-4-5-20250929-v1:0 with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.";
        let err = error_for("ValidationException", message);
        assert_eq!(err.code, ProviderErrorCode::NeedsInferenceProfile);
        assert_eq!(
            err.suggested_model_id.as_deref(),
            Some("us.anthropic.claude-sonnet-4-5-20250929-v1:0")
        );
        assert_eq!(
            err.message,
            "model anthropic.claude-sonnet-4-5-20250929-v1:0 needs an inference profile: use `us.anthropic.claude-sonnet-4-5-20250929-v1:0`"
        );
        // the plain apostrophe too, and the region decides the prefix
        let mut eu = ctx(None);
        eu.region = "eu-west-1".into();
        let err = service(
            "ValidationException",
            "Invocation of model ID x with on-demand throughput isn't supported.",
        )
        .into_provider_error(&eu);
        assert_eq!(
            err.suggested_model_id.as_deref(),
            Some("eu.anthropic.claude-sonnet-4-5-20250929-v1:0")
        );
        // already a profile: no suggestion
        let mut profiled = ctx(None);
        profiled.model_id = "us.anthropic.claude-sonnet-4-5-20250929-v1:0".into();
        let err = service("ValidationException", message).into_provider_error(&profiled);
        assert_eq!(err.code, ProviderErrorCode::NeedsInferenceProfile);
        assert_eq!(err.suggested_model_id, None);
    }

    #[test]
    fn other_validation_errors_are_invalid_requests() {
        let err = error_for(
            "ValidationException",
            "The maximum tokens you requested exceeds the model limit",
        );
        assert_eq!(err.code, ProviderErrorCode::InvalidRequest);
        assert!(
            err.message.ends_with("exceeds the model limit"),
            "{}",
            err.message
        );
        let err = error_for(
            "ValidationException",
            "The provided model identifier is invalid.",
        );
        assert_eq!(err.code, ProviderErrorCode::ModelNotFound);
    }

    #[test]
    fn access_throttling_timeouts_and_availability() {
        let err = error_for(
            "AccessDeniedException",
            "You don't have access to the model with the specified model ID.",
        );
        assert_eq!(err.code, ProviderErrorCode::AccessDenied);
        assert!(err.message.starts_with(
            "no access to model anthropic.claude-sonnet-4-5-20250929-v1:0 in us-east-1: request model access in the Bedrock console (Model access)"
        ), "{}", err.message);

        let err = error_for("ThrottlingException", "Too many requests");
        assert_eq!(err.code, ProviderErrorCode::Throttled);
        assert_eq!(err.message, "Bedrock is throttling requests for anthropic.claude-sonnet-4-5-20250929-v1:0 (after 3 attempts): lower the concurrency or request a quota increase");

        let err = error_for("ModelTimeoutException", "Model has timed out");
        assert_eq!(err.code, ProviderErrorCode::ModelTimeout);
        assert_eq!(
            err.message,
            "the model timed out (ModelTimeoutException): shorten the prompt or lower maxTokens"
        );

        for code in [
            "ServiceUnavailableException",
            "InternalServerException",
            "ModelNotReadyException",
        ] {
            let err = error_for(code, "busy");
            assert_eq!(err.code, ProviderErrorCode::Unavailable, "{code}");
            assert!(err.message.contains(code), "{}", err.message);
        }
        let err = error_for("ResourceNotFoundException", "Model not found");
        assert_eq!(err.code, ProviderErrorCode::ModelNotFound);
        let err = error_for("ServiceQuotaExceededException", "quota");
        assert_eq!(err.code, ProviderErrorCode::Throttled);
        let err = service(
            "InvalidSignatureException",
            "The request signature we calculated does not match",
        )
        .into_provider_error(&ctx(Some("dev")));
        assert_eq!(err.code, ProviderErrorCode::NoCredentials);
        assert!(err.message.contains("profile `dev`"), "{}", err.message);
        let err = service(
            "ExpiredTokenException",
            "The security token included in the request is expired",
        )
        .into_provider_error(&ctx(Some("dev")));
        assert_eq!(err.code, ProviderErrorCode::SsoExpired);
        assert!(
            err.message.contains("aws sso login --profile dev"),
            "{}",
            err.message
        );
        let err = error_for("BrandNewException", "what");
        assert_eq!(err.code, ProviderErrorCode::Other);
        assert!(err.message.contains("BrandNewException"), "{}", err.message);
    }
}
