//! The one error type at the boundary: `{ code, message }`. The UI branches on `code`, never on
//! the message, which is written for people and says what to do.

use galley_store::StoreError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    /// The thing asked for does not exist (any more).
    NotFound,
    /// A name is taken.
    Conflict,
    /// The request itself is wrong: bad name, invalid template, bad value.
    Invalid,
    /// The data folder holds a database from a newer Galley, or a damaged one.
    Database,
    /// Anything else that went wrong while storing or reading.
    Internal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct EngineError {
    pub code: ErrorCode,
    pub message: String,
}

impl EngineError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        EngineError {
            code,
            message: message.into(),
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Invalid, message)
    }
}

impl From<StoreError> for EngineError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::NotFound(_) => ErrorCode::NotFound,
            StoreError::DuplicateName(_)
            | StoreError::DuplicateDataset(_)
            | StoreError::DuplicateReview(_) => ErrorCode::Conflict,
            StoreError::NewerSchema { .. } | StoreError::NotADatabase { .. } => ErrorCode::Database,
            StoreError::DataDir { .. } => ErrorCode::Database,
            _ => ErrorCode::Internal,
        };
        if code == ErrorCode::Internal {
            tracing::error!(error = %e, "store error");
        }
        EngineError {
            code,
            message: e.to_string(),
        }
    }
}
