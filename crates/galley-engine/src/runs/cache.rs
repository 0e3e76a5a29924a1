//! The response cache key: provider, endpoint, the whole request as sent (model, templates
//! rendered, every parameter, extra fields such as the seed) and the repeat index.

use galley_providers::ChatRequest;
use sha2::{Digest, Sha256};

use super::spec::RunColumn;

pub(crate) fn key(column: &RunColumn, request: &ChatRequest, repeat: u32) -> String {
    let material = serde_json::json!({
        "provider": column.model.provider,
        "endpoint": column.model.endpoint,
        "request": request,
        "repeat": repeat,
    });
    hex::encode(Sha256::digest(material.to_string().as_bytes()))
}
