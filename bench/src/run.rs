//! One measured generation, the same record for every side, and how the sides talk to the driver.

use serde::{Deserialize, Serialize};

/// What a side is asked to do: generate from `prompt` (already through the chat template).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    /// Which loop of the worker runs it (the Python worker has two).
    pub variant: String,
    pub prompt: String,
    pub max_tokens: u32,
}

/// One generation, timed from the call to its end.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Run {
    pub prompt_tokens: u32,
    /// Generated tokens, counting an end-of-generation token when one arrived.
    pub output_tokens: u32,
    /// Seconds from the call to the first text.
    pub ttft_s: f64,
    /// Seconds from the call to its end.
    pub total_s: f64,
    /// It ended on an end-of-generation token (before `max_tokens`).
    pub eos: bool,
    pub text: String,
}

impl Run {
    /// Tokens per second after the first one: the tokens that followed it over the time they took.
    pub fn decode_tokens_per_s(&self) -> f64 {
        let decode_s = self.total_s - self.ttft_s;
        if self.output_tokens < 2 || decode_s <= 0.0 {
            return 0.0;
        }
        f64::from(self.output_tokens - 1) / decode_s
    }

    /// Tokens per second over the whole call, prompt reading included.
    pub fn end_to_end_tokens_per_s(&self) -> f64 {
        if self.total_s <= 0.0 {
            return 0.0;
        }
        f64::from(self.output_tokens) / self.total_s
    }
}

/// The first line a worker writes: what it is and how it was built.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hello {
    pub engine: String,
    pub version: String,
    /// Seconds to load the model.
    pub load_s: f64,
    /// Milliseconds to create one context like Galley's (median of three).
    pub context_create_ms: f64,
    /// llama.cpp's `llama_print_system_info`, when the worker can call it.
    #[serde(default)]
    pub system_info: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_count_the_tokens_after_the_first_over_the_time_after_it() {
        let run = Run {
            prompt_tokens: 30,
            output_tokens: 101,
            ttft_s: 0.5,
            total_s: 1.5,
            eos: false,
            text: String::new(),
        };
        assert_eq!(run.decode_tokens_per_s(), 100.0);
        assert!((run.end_to_end_tokens_per_s() - 101.0 / 1.5).abs() < 1e-9);
    }
}
