//! Scripted answers: what a model id says instead of the default echo.

use serde::{Deserialize, Serialize};

/// A deterministic answer for one model id.
///
/// `inferenceConfig.maxTokens` and `stopSequences` in the request still cut the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Script {
    /// The answer text.
    pub text: String,
    /// The stop reason when the text is not cut (`"end_turn"` by default).
    #[serde(default = "end_turn")]
    pub stop_reason: String,
    /// Reported input tokens; `None` counts the request's whitespace tokens.
    #[serde(default)]
    pub input_tokens: Option<u32>,
    /// Reported `cacheReadInputTokens`; 0 leaves it to the request's `cachePoint` blocks.
    #[serde(default)]
    pub cache_read_tokens: u32,
    /// Reported `cacheWriteInputTokens`; 0 leaves it to the request's `cachePoint` blocks.
    #[serde(default)]
    pub cache_write_tokens: u32,
}

fn end_turn() -> String {
    "end_turn".to_string()
}

impl Script {
    /// An answer with this text and stop reason `end_turn`.
    pub fn text(text: impl Into<String>) -> Script {
        Script {
            text: text.into(),
            stop_reason: end_turn(),
            input_tokens: None,
            cache_read_tokens: 0,
            cache_write_tokens: 0,
        }
    }

    /// The same answer with another stop reason (e.g. `"tool_use"`).
    pub fn with_stop_reason(mut self, stop_reason: impl Into<String>) -> Script {
        self.stop_reason = stop_reason.into();
        self
    }

    /// The same answer reporting a fixed number of input tokens.
    pub fn with_input_tokens(mut self, input_tokens: u32) -> Script {
        self.input_tokens = Some(input_tokens);
        self
    }

    /// The same answer reporting fixed cache read and write token counts.
    pub fn with_cache_tokens(mut self, read: u32, write: u32) -> Script {
        self.cache_read_tokens = read;
        self.cache_write_tokens = write;
        self
    }
}
