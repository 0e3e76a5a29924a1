//! Request dispatch: route on the raw path, check auth, log, and hand over to the handlers.

mod admin;
mod control;
mod openai;
mod runtime;

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, Response};
use bytes::Bytes;
use percent_encoding::percent_decode_str;
use serde_json::Value;

use crate::auth;
use crate::errors::ApiError;
use crate::log::LoggedRequest;
use crate::state::Shared;

/// Requests larger than this are refused.
const MAX_BODY: usize = 32 * 1024 * 1024;

/// Which operation a request addresses, with its decoded path labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    Converse(String),
    ConverseStream(String),
    CountTokens(String),
    ApplyGuardrail { id: String, version: String },
    ListFoundationModels,
    GetFoundationModel(String),
    ListInferenceProfiles,
    GetInferenceProfile(String),
    OpenAIChat,
    OpenAIModels,
    Unknown,
}

fn decode(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

impl Route {
    /// Routes on the raw (still percent-encoded) path: a `%2F` inside an ARN stays in its segment.
    pub fn parse(method: &Method, raw_path: &str) -> Route {
        let segments: Vec<&str> = raw_path.trim_start_matches('/').split('/').collect();
        let get = method == Method::GET;
        let post = method == Method::POST;
        match (segments.as_slice(), get, post) {
            (["model", id, "converse"], _, true) => Route::Converse(decode(id)),
            (["model", id, "converse-stream"], _, true) => Route::ConverseStream(decode(id)),
            (["model", id, "count-tokens"], _, true) => Route::CountTokens(decode(id)),
            (["guardrail", id, "version", v, "apply"], _, true) => Route::ApplyGuardrail {
                id: decode(id),
                version: decode(v),
            },
            (["foundation-models"], true, _) => Route::ListFoundationModels,
            (["foundation-models", id], true, _) => Route::GetFoundationModel(decode(id)),
            (["inference-profiles"], true, _) => Route::ListInferenceProfiles,
            (["inference-profiles", id], true, _) => Route::GetInferenceProfile(decode(id)),
            (["v1", "chat", "completions"] | ["openai", "v1", "chat", "completions"], _, true) => {
                Route::OpenAIChat
            }
            (["v1", "models"] | ["openai", "v1", "models"], true, _) => Route::OpenAIModels,
            _ => Route::Unknown,
        }
    }

    pub fn operation(&self) -> &'static str {
        match self {
            Route::Converse(_) => "Converse",
            Route::ConverseStream(_) => "ConverseStream",
            Route::CountTokens(_) => "CountTokens",
            Route::ApplyGuardrail { .. } => "ApplyGuardrail",
            Route::ListFoundationModels => "ListFoundationModels",
            Route::GetFoundationModel(_) => "GetFoundationModel",
            Route::ListInferenceProfiles => "ListInferenceProfiles",
            Route::GetInferenceProfile(_) => "GetInferenceProfile",
            Route::OpenAIChat => "OpenAIChat",
            Route::OpenAIModels => "OpenAIModels",
            Route::Unknown => "Unknown",
        }
    }

    fn is_openai(&self) -> bool {
        matches!(self, Route::OpenAIChat | Route::OpenAIModels)
    }
}

/// One received request, as the handlers see it.
pub(crate) struct Call {
    pub query: Vec<(String, String)>,
    pub json: Value,
    pub request_id: String,
    /// The region of the SigV4 scope, else `us-east-1`; used in ARNs.
    pub region: String,
}

impl Call {
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn parse_query(query: Option<&str>) -> Vec<(String, String)> {
    query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(&k.replace('+', " ")), decode(&v.replace('+', " ")))
        })
        .collect()
}

fn parse_body(body: &Bytes) -> Value {
    if body.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()))
}

/// `amz-sdk-request: attempt=2; max=3` and `amz-sdk-invocation-id`.
fn sdk_headers(headers: &HeaderMap) -> (Option<u32>, Option<String>) {
    let attempt = headers
        .get("amz-sdk-request")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(';')
                .filter_map(|p| p.trim().strip_prefix("attempt="))
                .find_map(|n| n.trim().parse().ok())
        });
    let invocation = headers
        .get("amz-sdk-invocation-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (attempt, invocation)
}

/// The single entry point of the HTTP server.
pub(crate) async fn dispatch(
    State(shared): State<Arc<Shared>>,
    request: Request,
) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let raw_path = parts.uri.path().to_string();
    let Ok(body) = to_bytes(body, MAX_BODY).await else {
        return ApiError::validation("The request body could not be read or is too large.")
            .into_response(&shared.next_request_id());
    };
    if raw_path.starts_with("/_sim/") {
        return admin::handle(&shared, &parts.method, &raw_path, &body);
    }

    let route = Route::parse(&parts.method, &raw_path);
    let json = parse_body(&body);
    let request_id = shared.next_request_id();
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| raw_path.clone());

    let (signature_valid, region, refusal) = if route.is_openai() {
        let ok = auth::openai_key_ok(&shared.config, &parts.headers);
        (None, None, (!ok).then(|| openai::invalid_key(&request_id)))
    } else {
        let a = auth::check_aws(
            &shared.config,
            parts.method.as_str(),
            &path_and_query,
            &parts.headers,
            &body,
        );
        let refusal = a.refusal.map(|e| e.into_response(&request_id));
        (a.signature_valid, a.region, refusal)
    };

    let model_id = match &route {
        Route::Converse(id) | Route::ConverseStream(id) | Route::CountTokens(id) => {
            Some(id.clone())
        }
        Route::OpenAIChat => json
            .get("model")
            .and_then(Value::as_str)
            .map(str::to_string),
        _ => None,
    };
    let (attempt, invocation_id) = sdk_headers(&parts.headers);
    let seq = shared.log.push(LoggedRequest {
        method: parts.method.to_string(),
        path: raw_path.clone(),
        model_id: model_id.clone(),
        operation: route.operation().to_string(),
        attempt,
        invocation_id,
        signature_valid,
        authorization_present: auth::authorization(&parts.headers).is_some(),
        body: json.clone(),
        status: 0,
    });

    let call = Call {
        query: parse_query(parts.uri.query()),
        json,
        request_id,
        region: region.unwrap_or_else(|| "us-east-1".to_string()),
    };
    let response = match refusal {
        Some(refusal) => refusal,
        None => serve(&shared, &route, &call).await,
    };
    let status = response.status().as_u16();
    shared.log.set_status(seq, status);
    tracing::debug!(
        operation = route.operation(),
        model_id = model_id.as_deref().unwrap_or(""),
        status,
        request_id = %call.request_id,
        "bedrock-sim request"
    );
    response
}

async fn serve(shared: &Shared, route: &Route, call: &Call) -> Response<Body> {
    match route {
        Route::Converse(id) => runtime::converse(shared, call, id, false).await,
        Route::ConverseStream(id) => runtime::converse(shared, call, id, true).await,
        Route::CountTokens(id) => runtime::count_tokens(shared, call, id),
        Route::ApplyGuardrail { .. } => runtime::apply_guardrail(call),
        Route::ListFoundationModels => control::list_foundation_models(call),
        Route::GetFoundationModel(id) => control::get_foundation_model(call, id),
        Route::ListInferenceProfiles => control::list_inference_profiles(call),
        Route::GetInferenceProfile(id) => control::get_inference_profile(call, id),
        Route::OpenAIChat => openai::chat(shared, call).await,
        Route::OpenAIModels => openai::models(shared, call),
        Route::Unknown => ApiError::unknown_operation().into_response(&call.request_id),
    }
}

/// A JSON response with the request id header.
pub(crate) fn json_response(status: u16, request_id: &str, body: &Value) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("x-amzn-RequestId", request_id)
        .body(Body::from(body.to_string()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_on_the_raw_path_and_decodes_the_model_id() {
        assert_eq!(
            Route::parse(
                &Method::POST,
                "/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse"
            ),
            Route::Converse("us.anthropic.claude-3-5-haiku-20241022-v1:0".into())
        );
        assert_eq!(
            Route::parse(
                &Method::POST,
                "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.amazon.nova-lite-v1%3A0/converse-stream"
            ),
            Route::ConverseStream(
                "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0".into()
            )
        );
        assert_eq!(
            Route::parse(&Method::POST, "/guardrail/gr-1/version/DRAFT/apply"),
            Route::ApplyGuardrail {
                id: "gr-1".into(),
                version: "DRAFT".into()
            }
        );
        assert_eq!(
            Route::parse(&Method::GET, "/model/x/converse"),
            Route::Unknown
        );
        assert_eq!(
            Route::parse(&Method::GET, "/inference-profiles"),
            Route::ListInferenceProfiles
        );
    }

    #[test]
    fn reads_attempt_and_invocation_id() {
        let mut h = HeaderMap::new();
        h.insert("amz-sdk-request", "attempt=2; max=3".parse().unwrap());
        h.insert("amz-sdk-invocation-id", "abc-123".parse().unwrap());
        assert_eq!(sdk_headers(&h), (Some(2), Some("abc-123".to_string())));
    }
}
