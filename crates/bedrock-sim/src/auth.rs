//! Who may call: SigV4 or bearer for the Bedrock routes, an API key for the OpenAI-style routes.

use axum::http::{header, HeaderMap};

use crate::config::SimConfig;
use crate::errors::ApiError;
use crate::sigv4::{self, SigV4Failure};

/// The outcome of checking a Bedrock request's `Authorization`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AwsAuth {
    /// `Some(valid)` when a SigV4 signature was checked.
    pub signature_valid: Option<bool>,
    /// The region of the credential scope, when signed.
    pub region: Option<String>,
    /// The error to answer with instead of serving the request.
    pub refusal: Option<ApiError>,
}

pub(crate) fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
}

/// Checks SigV4 (or accepts a bearer token) on a Bedrock route.
pub(crate) fn check_aws(
    config: &SimConfig,
    method: &str,
    path_and_query: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> AwsAuth {
    let value = authorization(headers);
    let parsed = value.and_then(sigv4::parse_authorization);
    let region = parsed.as_ref().map(|a| a.region.clone());
    let bearer = value.is_some_and(|v| v.starts_with("Bearer "));
    if bearer || !config.verify_sigv4 {
        return AwsAuth {
            signature_valid: None,
            region,
            refusal: None,
        };
    }
    let Some(auth) = parsed else {
        return AwsAuth {
            signature_valid: Some(false),
            region,
            refusal: Some(ApiError::bad_signature()),
        };
    };
    let result = sigv4::verify(
        &auth,
        method,
        path_and_query,
        headers,
        body,
        &config.access_key_id,
        &config.secret_access_key,
    );
    let refusal = match result {
        Ok(()) => None,
        Err(SigV4Failure::UnknownAccessKey) => Some(ApiError::unrecognized_client()),
        Err(SigV4Failure::Mismatch) => Some(ApiError::bad_signature()),
    };
    AwsAuth {
        signature_valid: Some(refusal.is_none()),
        region,
        refusal,
    }
}

/// Whether an OpenAI-style request carries the configured key (any key when none is set).
pub(crate) fn openai_key_ok(config: &SimConfig, headers: &HeaderMap) -> bool {
    match &config.openai_api_key {
        None => true,
        Some(expected) => authorization(headers)
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|key| {
                use subtle::ConstantTimeEq;
                bool::from(key.trim().as_bytes().ct_eq(expected.as_bytes()))
            }),
    }
}
