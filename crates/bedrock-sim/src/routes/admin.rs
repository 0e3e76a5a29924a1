//! Unsigned control endpoints for other processes: `/_sim/script`, `/_sim/fault`,
//! `/_sim/requests`, `/_sim/clear`.

use axum::body::Body;
use axum::http::{Method, Response};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::fault::Fault;
use crate::script::Script;
use crate::state::Shared;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScriptReq {
    model_id: String,
    #[serde(flatten)]
    script: Script,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FaultReq {
    model_id: String,
    fault: Fault,
}

fn reply(status: u16, body: Value) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap_or_default()
}

fn bad_request(e: impl std::fmt::Display) -> Response<Body> {
    reply(
        400,
        json!({ "message": format!("bad control request: {e}") }),
    )
}

pub(crate) fn handle(shared: &Shared, method: &Method, path: &str, body: &[u8]) -> Response<Body> {
    match (method.as_str(), path) {
        ("POST", "/_sim/script") => match serde_json::from_slice::<ScriptReq>(body) {
            Ok(req) => {
                shared.set_script(&req.model_id, req.script);
                reply(200, json!({ "ok": true }))
            }
            Err(e) => bad_request(e),
        },
        ("POST", "/_sim/fault") => match serde_json::from_slice::<FaultReq>(body) {
            Ok(req) => {
                shared.push_fault(&req.model_id, req.fault);
                reply(200, json!({ "ok": true }))
            }
            Err(e) => bad_request(e),
        },
        ("GET", "/_sim/requests") => reply(200, json!(shared.log.snapshot())),
        ("POST", "/_sim/clear") => {
            shared.log.clear();
            reply(200, json!({ "ok": true }))
        }
        _ => reply(
            404,
            json!({ "message": format!("no control endpoint {method} {path}") }),
        ),
    }
}
