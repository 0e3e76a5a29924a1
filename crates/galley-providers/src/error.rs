//! The one error a provider returns: a code the UI branches on and a message that says what to do.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What went wrong, coarsely enough for the UI to offer the right action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ProviderErrorCode {
    /// No credentials could be found (no environment keys, no profile, ...).
    NoCredentials,
    /// The SSO session behind the profile has expired: `aws sso login`.
    SsoExpired,
    /// The account has no access to the model (Model access in the Bedrock console) or lacks IAM rights.
    AccessDenied,
    /// The model is only offered through an inference profile; `suggested_model_id` has one.
    NeedsInferenceProfile,
    /// Bedrock kept throttling after the retries.
    Throttled,
    /// The model itself timed out (`ModelTimeoutException`).
    ModelTimeout,
    /// The answer stream broke part-way; `partial_text` keeps what arrived.
    StreamBroken,
    /// Bedrock rejected the request as invalid.
    InvalidRequest,
    /// The model id (or inference profile) does not exist in this region.
    ModelNotFound,
    /// Bedrock is unavailable or failed internally.
    Unavailable,
    /// No answer within the per-call timeout.
    Timeout,
    /// The caller cancelled the call; `partial_text` keeps what arrived.
    Cancelled,
    /// The endpoint URL is malformed or cannot be reached.
    Endpoint,
    /// Anything else.
    Other,
}

impl ProviderErrorCode {
    /// The code as the UI sees it (`"needsInferenceProfile"`).
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderErrorCode::NoCredentials => "noCredentials",
            ProviderErrorCode::SsoExpired => "ssoExpired",
            ProviderErrorCode::AccessDenied => "accessDenied",
            ProviderErrorCode::NeedsInferenceProfile => "needsInferenceProfile",
            ProviderErrorCode::Throttled => "throttled",
            ProviderErrorCode::ModelTimeout => "modelTimeout",
            ProviderErrorCode::StreamBroken => "streamBroken",
            ProviderErrorCode::InvalidRequest => "invalidRequest",
            ProviderErrorCode::ModelNotFound => "modelNotFound",
            ProviderErrorCode::Unavailable => "unavailable",
            ProviderErrorCode::Timeout => "timeout",
            ProviderErrorCode::Cancelled => "cancelled",
            ProviderErrorCode::Endpoint => "endpoint",
            ProviderErrorCode::Other => "other",
        }
    }
}

/// A failed model call. `message` is written for people: what happened and what to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct ProviderError {
    pub code: ProviderErrorCode,
    pub message: String,
    /// The text that arrived before the stream broke or the call was cancelled.
    #[serde(default)]
    pub partial_text: Option<String>,
    /// A model id that would work instead (the inference profile for a profile-only model).
    #[serde(default)]
    pub suggested_model_id: Option<String>,
}

impl ProviderError {
    /// An error with this code and message and nothing else.
    pub fn new(code: ProviderErrorCode, message: impl Into<String>) -> ProviderError {
        ProviderError {
            code,
            message: message.into(),
            partial_text: None,
            suggested_model_id: None,
        }
    }

    /// The same error keeping the text received so far.
    pub fn with_partial_text(mut self, text: impl Into<String>) -> ProviderError {
        self.partial_text = Some(text.into());
        self
    }

    /// The same error suggesting another model id.
    pub fn with_suggested_model_id(mut self, model_id: impl Into<String>) -> ProviderError {
        self.suggested_model_id = Some(model_id.into());
        self
    }

    /// An error for a request Galley itself refuses to send.
    pub fn invalid_request(message: impl Into<String>) -> ProviderError {
        ProviderError::new(ProviderErrorCode::InvalidRequest, message)
    }

    /// The call was cancelled after `partial` had arrived.
    pub fn cancelled(partial: &str) -> ProviderError {
        let message = if partial.is_empty() {
            "the call was cancelled before any text arrived".to_string()
        } else {
            format!(
                "the call was cancelled after {} characters; the partial text is kept",
                partial.chars().count()
            )
        };
        let err = ProviderError::new(ProviderErrorCode::Cancelled, message);
        if partial.is_empty() {
            err
        } else {
            err.with_partial_text(partial)
        }
    }

    /// The answer stream broke for `reason` after `partial` had arrived.
    pub fn stream_broken(partial: &str, reason: &str) -> ProviderError {
        if partial.is_empty() {
            return ProviderError::new(
                ProviderErrorCode::StreamBroken,
                format!("the answer stream broke before any text arrived: {reason}; try again"),
            );
        }
        ProviderError::new(
            ProviderErrorCode::StreamBroken,
            format!(
                "the answer was cut off after {} characters: {}; the partial text is kept",
                partial.chars().count(),
                reason
            ),
        )
        .with_partial_text(partial)
    }

    /// No answer within `timeout_secs`.
    pub fn timeout(timeout_secs: u64, partial: &str) -> ProviderError {
        let err = ProviderError::new(
            ProviderErrorCode::Timeout,
            format!(
                "no complete answer within {timeout_secs} s (the per-call timeout): \
                 raise the timeout in Settings, shorten the prompt or lower maxTokens"
            ),
        );
        if partial.is_empty() {
            err
        } else {
            err.with_partial_text(partial)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_the_ui_sees_them() {
        for code in [
            ProviderErrorCode::NoCredentials,
            ProviderErrorCode::SsoExpired,
            ProviderErrorCode::AccessDenied,
            ProviderErrorCode::NeedsInferenceProfile,
            ProviderErrorCode::Throttled,
            ProviderErrorCode::ModelTimeout,
            ProviderErrorCode::StreamBroken,
            ProviderErrorCode::InvalidRequest,
            ProviderErrorCode::ModelNotFound,
            ProviderErrorCode::Unavailable,
            ProviderErrorCode::Timeout,
            ProviderErrorCode::Cancelled,
            ProviderErrorCode::Endpoint,
            ProviderErrorCode::Other,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn stream_broken_counts_characters_not_bytes() {
        let err = ProviderError::stream_broken("héllo", "the connection dropped");
        assert_eq!(err.code, ProviderErrorCode::StreamBroken);
        assert_eq!(
            err.message,
            "the answer was cut off after 5 characters: the connection dropped; the partial text is kept"
        );
        assert_eq!(err.partial_text.as_deref(), Some("héllo"));
        assert_eq!(err.to_string(), err.message);
    }

    #[test]
    fn cancelled_keeps_partial_text_only_when_there_is_some() {
        let none = ProviderError::cancelled("");
        assert_eq!(none.code, ProviderErrorCode::Cancelled);
        assert_eq!(none.partial_text, None);
        let some = ProviderError::cancelled("abc");
        assert_eq!(some.partial_text.as_deref(), Some("abc"));
        assert!(
            some.message.contains("after 3 characters"),
            "{}",
            some.message
        );
    }

    #[test]
    fn serializes_camel_case() {
        let err = ProviderError::new(ProviderErrorCode::NeedsInferenceProfile, "m")
            .with_suggested_model_id("us.x");
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["code"], "needsInferenceProfile");
        assert_eq!(json["suggestedModelId"], "us.x");
        assert!(json["partialText"].is_null());
    }
}
