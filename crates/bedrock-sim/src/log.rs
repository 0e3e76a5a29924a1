//! The request log: every request the simulator received, in order, without secrets.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// One request as the simulator saw it. Credentials, signatures and tokens are never kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggedRequest {
    pub method: String,
    /// The raw path, still percent-encoded (query string not included).
    pub path: String,
    /// The decoded `{modelId}` (or the `model` of an OpenAI-style request).
    pub model_id: Option<String>,
    /// `Converse`, `ConverseStream`, `CountTokens`, `ApplyGuardrail`, `ListFoundationModels`,
    /// `GetFoundationModel`, `ListInferenceProfiles`, `GetInferenceProfile`, `OpenAIChat`,
    /// `OpenAIModels`, or `Unknown`.
    pub operation: String,
    /// `k` of `amz-sdk-request: attempt=k; max=n`.
    pub attempt: Option<u32>,
    /// `amz-sdk-invocation-id`, constant across the retries of one call.
    pub invocation_id: Option<String>,
    /// `Some(valid)` when a SigV4 signature was checked; `None` for bearer auth or no checking.
    pub signature_valid: Option<bool>,
    pub authorization_present: bool,
    /// The JSON body (`null` when empty; a string when not JSON).
    pub body: serde_json::Value,
    /// The response status (for streams, the status sent before the body).
    pub status: u16,
}

/// The log, with a sequence number per entry so a status can be filled in later.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    entries: Mutex<(u64, Vec<(u64, LoggedRequest)>)>,
}

impl RequestLog {
    /// Appends an entry and returns its sequence number.
    pub fn push(&self, entry: LoggedRequest) -> u64 {
        let mut guard = lock(&self.entries);
        guard.0 += 1;
        let seq = guard.0;
        guard.1.push((seq, entry));
        seq
    }

    /// Records the response status of an entry (if it was not cleared meanwhile).
    pub fn set_status(&self, seq: u64, status: u16) {
        let mut guard = lock(&self.entries);
        if let Some((_, e)) = guard.1.iter_mut().rev().find(|(s, _)| *s == seq) {
            e.status = status;
        }
    }

    pub fn snapshot(&self) -> Vec<LoggedRequest> {
        lock(&self.entries)
            .1
            .iter()
            .map(|(_, e)| e.clone())
            .collect()
    }

    pub fn clear(&self) {
        lock(&self.entries).1.clear();
    }
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
