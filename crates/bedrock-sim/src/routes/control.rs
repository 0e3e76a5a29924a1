//! The control plane the `aws-sdk-bedrock` client reads: foundation models and inference profiles.

use axum::body::Body;
use axum::http::Response;
use serde_json::{json, Value};

use super::{json_response, Call};
use crate::catalog::{self, MODELS};
use crate::errors::ApiError;

fn eq_ignore_case(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// `GET /foundation-models?byProvider=&byCustomizationType=&byOutputModality=&byInferenceType=`
pub(crate) fn list_foundation_models(call: &Call) -> Response<Body> {
    let provider = call.query("byProvider");
    let output = call.query("byOutputModality");
    let inference = call.query("byInferenceType");
    let customization = call.query("byCustomizationType");
    let summaries: Vec<Value> = MODELS
        .iter()
        .filter(|m| provider.is_none_or(|p| eq_ignore_case(p, m.provider)))
        .filter(|_| output.is_none_or(|o| eq_ignore_case(o, "TEXT")))
        .filter(|m| {
            inference.is_none_or(|i| m.inference_types().iter().any(|t| eq_ignore_case(t, i)))
        })
        .filter(|_| customization.is_none())
        .map(|m| m.summary_json(&call.region))
        .collect();
    json_response(
        200,
        &call.request_id,
        &json!({ "modelSummaries": summaries }),
    )
}

/// `GET /foundation-models/{modelIdentifier}` (a base id or a foundation-model ARN).
pub(crate) fn get_foundation_model(call: &Call, id: &str) -> Response<Body> {
    let bare = id.rsplit_once("foundation-model/").map_or(id, |(_, b)| b);
    match catalog::model(bare) {
        Some(m) => json_response(
            200,
            &call.request_id,
            &json!({ "modelDetails": m.summary_json(&call.region) }),
        ),
        None => ApiError::invalid_model().into_response(&call.request_id),
    }
}

/// `GET /inference-profiles?type=&maxResults=&nextToken=`; the token is the index to resume at.
pub(crate) fn list_inference_profiles(call: &Call) -> Response<Body> {
    let all = catalog::profiles();
    let profiles = match call.query("type") {
        Some(t) if !eq_ignore_case(t, "SYSTEM_DEFINED") => Vec::new(),
        _ => all,
    };
    let start = match call.query("nextToken") {
        None => 0,
        Some(token) => match token
            .strip_prefix("sim-")
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(n) if n <= profiles.len() => n,
            _ => {
                return ApiError::validation("The pagination token is invalid.")
                    .into_response(&call.request_id)
            }
        },
    };
    let max = match call.query("maxResults").map(str::parse::<usize>) {
        None => 1000,
        Some(Ok(n)) if (1..=1000).contains(&n) => n,
        Some(_) => {
            return ApiError::validation(
                "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 1000",
            )
            .into_response(&call.request_id)
        }
    };
    let end = (start + max).min(profiles.len());
    let page: Vec<Value> = profiles[start..end]
        .iter()
        .map(|p| p.summary_json(&call.region))
        .collect();
    let mut body = json!({ "inferenceProfileSummaries": page });
    if end < profiles.len() {
        body["nextToken"] = json!(format!("sim-{end}"));
    }
    json_response(200, &call.request_id, &body)
}

/// `GET /inference-profiles/{inferenceProfileIdentifier}` (an id or an ARN).
pub(crate) fn get_inference_profile(call: &Call, id: &str) -> Response<Body> {
    let bare = id.rsplit_once("inference-profile/").map_or(id, |(_, b)| b);
    match catalog::profile(bare) {
        Some(p) => json_response(200, &call.request_id, &p.summary_json(&call.region)),
        None => ApiError::not_found(format!("The inference profile {id} does not exist."))
            .into_response(&call.request_id),
    }
}
