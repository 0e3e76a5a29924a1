//! Every AWS SDK error → a [`crate::ProviderError`] whose message says what to do.
//!
//! Two steps: [`Failure::from_sdk`] (here) reads an `SdkError` into a plain description (no SDK
//! types), and `Failure::into_provider_error` (in `messages.rs`) words it for the user.

use std::error::Error as StdError;
use std::fmt::Debug;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_bedrockruntime::error::{ProvideErrorMetadata, SdkError};

/// What the call was, for wording errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CallContext {
    pub model_id: String,
    pub region: String,
    pub profile: Option<String>,
    /// The endpoint URL in use when it is not the regional default.
    pub endpoint: Option<String>,
    pub timeout_secs: u64,
    /// Attempts made (counted by an interceptor), or the configured maximum when unknown.
    pub attempts: u32,
}

/// An SDK failure, read into plain values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The service answered with a modeled or unmodeled error.
    Service {
        code: String,
        message: String,
    },
    /// The SDK's operation timeout fired.
    Timeout,
    /// Credentials could not be loaded.
    Credentials {
        kind: CredentialsKind,
        detail: String,
    },
    /// The endpoint could not be reached.
    Connect {
        detail: String,
    },
    /// The endpoint is misconfigured (malformed URL, failed endpoint resolution).
    EndpointConfig {
        detail: String,
    },
    /// The response could not be read (malformed body, broken or truncated stream frame).
    Response {
        detail: String,
    },
    /// The request could not be built.
    Construction {
        detail: String,
    },
    Other {
        detail: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CredentialsKind {
    NotLoaded,
    ProfileNotDefined,
    Sso,
    InvalidConfiguration,
    Other,
}

/// `error: source: source ...`, without repeats.
pub(crate) fn error_chain(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        let text = e.to_string();
        if !text.is_empty() && parts.last() != Some(&text) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

fn find_credentials_error<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a CredentialsError> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<CredentialsError>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

fn credentials_failure(err: &CredentialsError) -> Failure {
    let detail = error_chain(err);
    let mentions_sso = detail
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| word.eq_ignore_ascii_case("sso"));
    let kind = if mentions_sso {
        CredentialsKind::Sso
    } else if detail.contains("was not defined") {
        CredentialsKind::ProfileNotDefined
    } else {
        match err {
            CredentialsError::CredentialsNotLoaded(_) => CredentialsKind::NotLoaded,
            CredentialsError::InvalidConfiguration(_) => CredentialsKind::InvalidConfiguration,
            _ => CredentialsKind::Other,
        }
    };
    Failure::Credentials { kind, detail }
}

impl Failure {
    /// Reads an SDK error. `code_of` names the service error and gives its message (see
    /// [`converse_code`]); the error metadata fills in what it leaves out.
    pub(crate) fn from_sdk<E, R>(
        err: &SdkError<E, R>,
        code_of: impl Fn(&E) -> (String, Option<String>),
    ) -> Failure
    where
        E: ProvideErrorMetadata + StdError + 'static,
        R: Debug + 'static,
    {
        let as_dyn: &(dyn StdError + 'static) = err;
        if let Some(creds) = find_credentials_error(as_dyn) {
            return credentials_failure(creds);
        }
        let detail = || {
            let chain = error_chain(as_dyn);
            if chain.is_empty() {
                format!("{err:?}")
            } else {
                chain
            }
        };
        match err {
            SdkError::ServiceError(service) => {
                let e = service.err();
                let (code, message) = code_of(e);
                Failure::Service {
                    code,
                    message: message
                        .or_else(|| e.message().map(str::to_string))
                        .unwrap_or_default(),
                }
            }
            SdkError::TimeoutError(_) => Failure::Timeout,
            SdkError::DispatchFailure(dispatch) => {
                let detail = detail();
                let connector = dispatch.as_connector_error();
                let io = connector.is_some_and(|c| c.is_io() || c.is_timeout());
                if io {
                    Failure::Connect { detail }
                } else if detail.to_ascii_lowercase().contains("endpoint")
                    || detail.to_ascii_lowercase().contains("uri")
                {
                    Failure::EndpointConfig { detail }
                } else {
                    Failure::Other { detail }
                }
            }
            SdkError::ConstructionFailure(_) => {
                let detail = detail();
                if detail.to_ascii_lowercase().contains("endpoint") {
                    Failure::EndpointConfig { detail }
                } else {
                    Failure::Construction { detail }
                }
            }
            SdkError::ResponseError(_) => Failure::Response { detail: detail() },
            _ => Failure::Other { detail: detail() },
        }
    }
}

/// The name and message of a service error: the typed variant's, else the code the service sent.
macro_rules! typed_code {
    ($err:expr, $enum:path { $($variant:ident),* $(,)? }) => {{
        use $enum as E;
        let err = $err;
        match err {
            $(E::$variant(inner) => (
                stringify!($variant).to_string(),
                inner.message().map(str::to_string),
            ),)*
            other => (ProvideErrorMetadata::code(other).unwrap_or_default().to_string(), None),
        }
    }};
}

/// [`typed_code!`] with the service errors that Converse and ConverseStream both model, followed
/// by those only the given operation models.
macro_rules! runtime_operation_code {
    ($err:expr, $enum:path { $($only:ident),* $(,)? }) => {
        typed_code!(
            $err,
            $enum {
                AccessDeniedException,
                InternalServerException,
                ModelErrorException,
                ModelNotReadyException,
                ModelTimeoutException,
                ResourceNotFoundException,
                ServiceUnavailableException,
                ThrottlingException,
                ValidationException,
                $($only,)*
            }
        )
    };
}

pub(crate) fn converse_code(
    e: &aws_sdk_bedrockruntime::operation::converse::ConverseError,
) -> (String, Option<String>) {
    runtime_operation_code!(
        e,
        aws_sdk_bedrockruntime::operation::converse::ConverseError {}
    )
}

pub(crate) fn count_tokens_code(
    e: &aws_sdk_bedrockruntime::operation::count_tokens::CountTokensError,
) -> (String, Option<String>) {
    typed_code!(
        e,
        aws_sdk_bedrockruntime::operation::count_tokens::CountTokensError {
            AccessDeniedException,
            InternalServerException,
            ResourceNotFoundException,
            ServiceUnavailableException,
            ThrottlingException,
            ValidationException,
        }
    )
}

pub(crate) fn converse_stream_code(
    e: &aws_sdk_bedrockruntime::operation::converse_stream::ConverseStreamError,
) -> (String, Option<String>) {
    runtime_operation_code!(
        e,
        aws_sdk_bedrockruntime::operation::converse_stream::ConverseStreamError {
            ModelStreamErrorException,
        }
    )
}

pub(crate) fn stream_output_code(
    e: &aws_sdk_bedrockruntime::types::error::ConverseStreamOutputError,
) -> (String, Option<String>) {
    typed_code!(
        e,
        aws_sdk_bedrockruntime::types::error::ConverseStreamOutputError {
            InternalServerException,
            ModelStreamErrorException,
            ValidationException,
            ThrottlingException,
            ServiceUnavailableException,
        }
    )
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Values shared by the tests of `errors.rs` and `messages.rs`.
    use super::{CallContext, Failure};

    /// A call to Claude Sonnet 4.5 in us-east-1 with a 120 s timeout, after 3 attempts.
    pub(crate) fn ctx(profile: Option<&str>) -> CallContext {
        CallContext {
            model_id: "anthropic.claude-sonnet-4-5-20250929-v1:0".into(),
            region: "us-east-1".into(),
            profile: profile.map(str::to_string),
            endpoint: None,
            timeout_secs: 120,
            attempts: 3,
        }
    }

    /// What a service error with this code and message reads as.
    pub(crate) fn service(code: &str, message: &str) -> Failure {
        Failure::Service {
            code: code.into(),
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{ctx, service};
    use super::*;
    use crate::error::{ProviderError, ProviderErrorCode};
    use aws_credential_types::provider::error::CredentialsError;
    use aws_sdk_bedrockruntime::operation::converse::ConverseError;
    use aws_sdk_bedrockruntime::types::error::{
        AccessDeniedException, ConverseStreamOutputError, ModelStreamErrorException,
        ThrottlingException, ValidationException,
    };
    use aws_smithy_runtime_api::client::result::ConnectorError;
    use aws_smithy_runtime_api::http::{Response, StatusCode};
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::event_stream::RawMessage;

    type ConverseSdkError = SdkError<ConverseError, Response>;
    type StreamOutputSdkError = SdkError<ConverseStreamOutputError, RawMessage>;

    /// A Converse service error with the HTTP status it came with.
    fn converse_service_error(err: ConverseError, status: u16) -> ConverseSdkError {
        SdkError::service_error(
            err,
            Response::new(StatusCode::try_from(status).unwrap(), SdkBody::empty()),
        )
    }

    /// An exception frame in the middle of a ConverseStream answer.
    fn stream_exception(err: ConverseStreamOutputError) -> StreamOutputSdkError {
        SdkError::service_error(err, RawMessage::Invalid(None))
    }

    /// A Converse call that failed while loading credentials.
    fn credentials_failed(err: CredentialsError) -> ConverseSdkError {
        SdkError::dispatch_failure(ConnectorError::other(Box::new(err), None))
    }

    /// The error the user sees for a failed Converse call.
    fn converse_error(e: &ConverseSdkError, profile: Option<&str>) -> ProviderError {
        Failure::from_sdk(e, converse_code).into_provider_error(&ctx(profile))
    }

    #[test]
    fn typed_service_errors_without_metadata_are_named_by_variant() {
        let e = converse_service_error(
            ConverseError::ThrottlingException(
                ThrottlingException::builder().message("slow down").build(),
            ),
            429,
        );
        assert_eq!(
            Failure::from_sdk(&e, converse_code),
            service("ThrottlingException", "slow down")
        );
        let e = converse_service_error(
            ConverseError::AccessDeniedException(
                AccessDeniedException::builder().message("no").build(),
            ),
            403,
        );
        assert_eq!(
            converse_error(&e, None).code,
            ProviderErrorCode::AccessDenied
        );
        let e = converse_service_error(
            ConverseError::ValidationException(
                ValidationException::builder()
                    .message("Invocation of model ID x with on-demand throughput isn’t supported.")
                    .build(),
            ),
            400,
        );
        let err = converse_error(&e, None);
        assert_eq!(err.code, ProviderErrorCode::NeedsInferenceProfile);
    }

    #[test]
    fn mid_stream_exceptions_break_the_stream_and_keep_the_text() {
        let e = stream_exception(ConverseStreamOutputError::ThrottlingException(
            ThrottlingException::builder()
                .message("Too many tokens")
                .build(),
        ));
        let err =
            Failure::from_sdk(&e, stream_output_code).into_stream_error(&ctx(None), "Hello wor");
        assert_eq!(err.code, ProviderErrorCode::StreamBroken);
        assert_eq!(err.partial_text.as_deref(), Some("Hello wor"));
        assert_eq!(
            err.message,
            "the answer was cut off after 9 characters: Bedrock throttled the stream (ThrottlingException: Too many tokens); the partial text is kept"
        );
        // before any text, a throttle is a throttle
        let err = Failure::from_sdk(&e, stream_output_code).into_stream_error(&ctx(None), "");
        assert_eq!(err.code, ProviderErrorCode::Throttled);

        let e = stream_exception(ConverseStreamOutputError::ModelStreamErrorException(
            ModelStreamErrorException::builder().message("boom").build(),
        ));
        let err = Failure::from_sdk(&e, stream_output_code).into_stream_error(&ctx(None), "");
        assert_eq!(err.code, ProviderErrorCode::StreamBroken);
        assert_eq!(err.partial_text, None);
        assert!(
            err.message.contains("ModelStreamErrorException: boom"),
            "{}",
            err.message
        );

        let e: StreamOutputSdkError =
            SdkError::response_error("unexpected end of stream", RawMessage::Invalid(None));
        let err = Failure::from_sdk(&e, stream_output_code).into_stream_error(&ctx(None), "abc");
        assert_eq!(err.code, ProviderErrorCode::StreamBroken);
        assert!(
            err.message.contains("unexpected end of stream"),
            "{}",
            err.message
        );
    }

    #[test]
    fn credential_failures() {
        let e = credentials_failed(CredentialsError::not_loaded(
            "no providers in chain provided credentials",
        ));
        let err = converse_error(&e, Some("dev"));
        assert_eq!(err.code, ProviderErrorCode::NoCredentials);
        assert_eq!(
            err.message,
            "no AWS credentials for profile `dev`: run `aws sso login --profile dev` or set AWS_ACCESS_KEY_ID"
        );

        let e = credentials_failed(CredentialsError::provider_error(
            "the SSO token has expired and cannot be refreshed",
        ));
        let err = converse_error(&e, Some("dev"));
        assert_eq!(err.code, ProviderErrorCode::SsoExpired);
        assert_eq!(
            err.message,
            "the SSO session of profile `dev` has expired: run `aws sso login --profile dev`"
        );

        let bad = CredentialsError::invalid_configuration("role_arn without a source profile");
        let e: ConverseSdkError = SdkError::construction_failure(bad);
        let err = converse_error(&e, Some("odd"));
        assert_eq!(err.code, ProviderErrorCode::NoCredentials);
        assert!(
            err.message
                .starts_with("the AWS configuration of profile `odd` is invalid ("),
            "{}",
            err.message
        );
        assert!(
            err.message.contains("role_arn without a source profile"),
            "{}",
            err.message
        );

        let e = credentials_failed(CredentialsError::not_loaded(
            "no credentials found in chain. Attempted:\n  Profile: profile `ghost` was not defined",
        ));
        let err = converse_error(&e, Some("ghost"));
        assert_eq!(err.code, ProviderErrorCode::NoCredentials);
        assert_eq!(
            err.message,
            "profile `ghost` is not defined in the AWS config files: choose another profile in Settings or run `aws configure --profile ghost`"
        );

        // "sso" must be a word: "process" or "password" are not SSO
        let e = credentials_failed(CredentialsError::provider_error(
            "credential_process failed: exit status 1",
        ));
        let err = converse_error(&e, Some("dev"));
        assert_eq!(err.code, ProviderErrorCode::NoCredentials);
    }

    #[test]
    fn timeouts_and_connection_failures() {
        let e: ConverseSdkError = SdkError::timeout_error(
            "operation timeout (all attempts including retries) occurred after 1s",
        );
        let err = converse_error(&e, None);
        assert_eq!(err.code, ProviderErrorCode::Timeout);
        assert!(err.message.contains("within 120 s"), "{}", err.message);

        let refused =
            std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused");
        let e: ConverseSdkError = SdkError::dispatch_failure(ConnectorError::io(Box::new(refused)));
        let mut c = ctx(None);
        c.endpoint = Some("http://127.0.0.1:9".into());
        let err = Failure::from_sdk(&e, converse_code).into_provider_error(&c);
        assert_eq!(err.code, ProviderErrorCode::Endpoint);
        assert!(
            err.message
                .starts_with("cannot connect to `http://127.0.0.1:9` ("),
            "{}",
            err.message
        );
        assert!(
            err.message.contains("Connection refused"),
            "{}",
            err.message
        );

        // no endpoint set: the region's endpoint cannot be reached (a region without Bedrock)
        let dns = std::io::Error::other("dns error: failed to lookup address information");
        let e: ConverseSdkError = SdkError::dispatch_failure(ConnectorError::io(Box::new(dns)));
        let mut c = ctx(None);
        c.region = "af-south-1".into();
        let err = Failure::from_sdk(&e, converse_code).into_provider_error(&c);
        assert_eq!(err.code, ProviderErrorCode::Endpoint);
        assert!(
            err.message
                .starts_with("cannot connect to the Bedrock endpoint of af-south-1 ("),
            "{}",
            err.message
        );
        assert!(
            err.message
                .contains("that Bedrock is offered in af-south-1"),
            "{}",
            err.message
        );
    }
}
