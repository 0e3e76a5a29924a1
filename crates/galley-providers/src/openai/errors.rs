//! HTTP failures of an OpenAI-compatible endpoint → [`ProviderError`]s whose message says what
//! to do. Messages name the key's environment variable, never the key.

use std::error::Error as StdError;

use serde_json::Value;

use super::wire::error_message;
use crate::error::{ProviderError, ProviderErrorCode};

/// What the call was, for wording errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CallContext {
    pub base_url: String,
    /// The name of the key's environment variable, if one is configured.
    pub key_env: Option<String>,
    /// Whether that variable held a key when the call was made.
    pub key_set: bool,
    /// The model called; `None` for the model listing.
    pub model_id: Option<String>,
}

/// The HTTP statuses worth another attempt.
pub(crate) fn is_retryable(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}

/// What an error body says, in one line, with `key` (if any) masked.
pub(crate) fn body_message(status: u16, body: &str, key: Option<&str>) -> String {
    let from_json = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| error_message(&v));
    let text = from_json.unwrap_or_else(|| {
        let one_line = body.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut cut: String = one_line.chars().take(200).collect();
        if cut.len() < one_line.len() {
            cut.push('…');
        }
        cut
    });
    let text = if text.is_empty() {
        reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("no message")
            .to_string()
    } else {
        text
    };
    redact(&text, key)
}

/// `text` with the key masked, should a server echo it.
pub(crate) fn redact(text: &str, key: Option<&str>) -> String {
    match key {
        Some(key) if key.len() >= 4 => text.replace(key, "***"),
        _ => text.to_string(),
    }
}

/// The error for a final non-success `status` whose body said `message` (already redacted);
/// `json_error` tells whether the body was an API error object (a 404 without one is a wrong URL,
/// not a missing model).
pub(crate) fn status_error(
    ctx: &CallContext,
    status: u16,
    message: &str,
    json_error: bool,
    attempts: u32,
) -> ProviderError {
    let base = &ctx.base_url;
    let what = format!("{status} {message}");
    let tries = if attempts == 1 {
        "1 attempt".to_string()
    } else {
        format!("{attempts} attempts")
    };
    let (code, text) = match status {
        401 | 403 => (
            ProviderErrorCode::NoCredentials,
            match (&ctx.key_env, ctx.key_set) {
                (Some(env), true) => {
                    format!("the endpoint refused the key from {env} ({what}): check the key")
                }
                (Some(env), false) => format!(
                    "no key: set the environment variable {env} (the endpoint at {base} answered {what})"
                ),
                (None, _) => format!(
                    "the endpoint at {base} wants a key ({what}): put it in an environment \
                     variable and name that variable in Settings"
                ),
            },
        ),
        404 => match &ctx.model_id {
            Some(model) if json_error => (
                ProviderErrorCode::ModelNotFound,
                format!(
                    "the model `{model}` is not served at {base} ({what}): pick one from the \
                     model list (or pull it into the server first)"
                ),
            ),
            _ => (
                ProviderErrorCode::Endpoint,
                format!(
                    "{base} has no such route ({what}): check the base URL (it usually ends in `/v1`)"
                ),
            ),
        },
        429 => (
            ProviderErrorCode::Throttled,
            format!(
                "the endpoint at {base} is rate-limiting requests (after {tries}; last answer {what}): \
                 wait a moment or lower the concurrency"
            ),
        ),
        500..=599 => (
            ProviderErrorCode::Unavailable,
            format!(
                "the endpoint at {base} failed (after {tries}; last answer {what}): try again \
                 later or check the server's log"
            ),
        ),
        400 | 413 | 422 => (
            ProviderErrorCode::InvalidRequest,
            format!("the endpoint at {base} rejected the request ({what}): check the model settings"),
        ),
        _ => (
            ProviderErrorCode::Other,
            format!("the endpoint at {base} answered {what}"),
        ),
    };
    ProviderError::new(code, text)
}

/// The error for a request that got no HTTP answer.
pub(crate) fn send_error(ctx: &CallContext, err: &reqwest::Error) -> ProviderError {
    if err.is_connect() {
        return ProviderError::new(
            ProviderErrorCode::Endpoint,
            format!(
                "cannot connect to {}: is the server running? ({})",
                ctx.base_url,
                root_cause(err)
            ),
        );
    }
    ProviderError::new(
        ProviderErrorCode::Endpoint,
        format!(
            "the request to {} failed ({}): check the base URL and the network",
            ctx.base_url,
            root_cause(err)
        ),
    )
}

/// The innermost cause of an error, which says the most ("Connection refused").
pub(crate) fn root_cause(err: &(dyn StdError + 'static)) -> String {
    let mut cause = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(key_env: Option<&str>, key_set: bool, model: Option<&str>) -> CallContext {
        CallContext {
            base_url: "http://localhost:4000/v1".into(),
            key_env: key_env.map(str::to_string),
            key_set,
            model_id: model.map(str::to_string),
        }
    }

    #[test]
    fn refused_keys_name_the_variable() {
        let err = status_error(
            &ctx(Some("OPENAI_API_KEY"), true, Some("m")),
            401,
            "Incorrect API key provided",
            true,
            1,
        );
        assert_eq!(err.code, ProviderErrorCode::NoCredentials);
        assert_eq!(
            err.message,
            "the endpoint refused the key from OPENAI_API_KEY (401 Incorrect API key provided): check the key"
        );
        let err = status_error(
            &ctx(Some("LITELLM_API_KEY"), false, None),
            401,
            "x",
            true,
            1,
        );
        assert!(
            err.message
                .starts_with("no key: set the environment variable LITELLM_API_KEY"),
            "{}",
            err.message
        );
        let err = status_error(&ctx(None, false, None), 403, "x", true, 1);
        assert!(err.message.contains("wants a key"), "{}", err.message);
    }

    #[test]
    fn not_found_is_a_model_or_a_wrong_url() {
        let err = status_error(&ctx(None, false, Some("llama9")), 404, "no", true, 1);
        assert_eq!(err.code, ProviderErrorCode::ModelNotFound);
        assert!(err.message.contains("`llama9`"), "{}", err.message);
        let err = status_error(
            &ctx(None, false, Some("llama9")),
            404,
            "Not Found",
            false,
            1,
        );
        assert_eq!(err.code, ProviderErrorCode::Endpoint);
        assert!(err.message.contains("ends in `/v1`"), "{}", err.message);
    }

    #[test]
    fn retried_failures_count_attempts() {
        let err = status_error(&ctx(None, false, Some("m")), 429, "slow down", true, 3);
        assert_eq!(err.code, ProviderErrorCode::Throttled);
        assert!(err.message.contains("after 3 attempts"), "{}", err.message);
        let err = status_error(&ctx(None, false, Some("m")), 503, "busy", true, 2);
        assert_eq!(err.code, ProviderErrorCode::Unavailable);
        assert!(err.message.contains("after 2 attempts"), "{}", err.message);
        assert!(is_retryable(429) && is_retryable(502) && !is_retryable(400));
    }

    #[test]
    fn body_messages_are_short_and_masked() {
        let body = r#"{"error":{"message":"Incorrect API key provided: sk-secret-123"}}"#;
        assert_eq!(
            body_message(401, body, Some("sk-secret-123")),
            "Incorrect API key provided: ***"
        );
        assert_eq!(body_message(502, "", None), "Bad Gateway");
        assert_eq!(
            body_message(404, "404  page\nnot found", None),
            "404 page not found"
        );
        assert_eq!(
            body_message(500, &"x".repeat(300), None).chars().count(),
            201
        );
    }
}
