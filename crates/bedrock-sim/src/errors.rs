//! Bedrock's restJson1 error responses: status, `X-Amzn-ErrorType`, `{"message": …}`.

use axum::body::Body;
use axum::http::{header, Response, StatusCode};
use serde_json::json;

/// The message Bedrock sends with a signature that does not match.
pub(crate) const BAD_SIGNATURE_MESSAGE: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.";

/// An error answer in Bedrock's wire format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {error_type}: {message}")]
pub(crate) struct ApiError {
    pub status: u16,
    pub error_type: String,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, error_type: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            error_type: error_type.to_string(),
            message: message.into(),
        }
    }

    pub fn validation(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "ValidationException", message)
    }

    pub fn invalid_model() -> ApiError {
        ApiError::validation("The provided model identifier is invalid.")
    }

    pub fn profile_only(model_id: &str) -> ApiError {
        ApiError::validation(format!(
            "Invocation of model ID {model_id} with on-demand throughput isn\u{2019}t supported. Retry your request with the ID or ARN of an inference profile that contains this model."
        ))
    }

    pub fn access_denied() -> ApiError {
        ApiError::new(
            403,
            "AccessDeniedException",
            "You don't have access to the model with the specified model ID.",
        )
    }

    pub fn bad_signature() -> ApiError {
        ApiError::new(403, "InvalidSignatureException", BAD_SIGNATURE_MESSAGE)
    }

    pub fn unrecognized_client() -> ApiError {
        ApiError::new(
            403,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        )
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(404, "ResourceNotFoundException", message)
    }

    pub fn unknown_operation() -> ApiError {
        ApiError::new(
            404,
            "UnknownOperationException",
            "The requested operation is not supported by the simulator.",
        )
    }

    /// The HTTP response, tagged with the request id.
    pub fn into_response(self, request_id: &str) -> Response<Body> {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-amzn-RequestId", request_id)
            .header("X-Amzn-ErrorType", self.error_type.as_str())
            .body(Body::from(json!({ "message": self.message }).to_string()))
            .unwrap_or_default()
    }
}
