//! How a simulator instance behaves: the credentials it accepts and how fast it "generates".

use std::time::Duration;

/// Configuration of one simulator instance.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The only access key id whose SigV4 signatures are accepted.
    pub access_key_id: String,
    /// The secret that goes with `access_key_id`.
    pub secret_access_key: String,
    /// Verify SigV4 signatures (on by default). When off, any `Authorization` is accepted.
    pub verify_sigv4: bool,
    /// Time to first token, for Converse, ConverseStream and the OpenAI-compatible route.
    pub ttft: Duration,
    /// Output pace; `None` sends every token as fast as possible.
    pub tokens_per_sec: Option<f64>,
    /// Key the OpenAI-compatible route demands as `Authorization: Bearer <key>`;
    /// `None` accepts any key (or none).
    pub openai_api_key: Option<String>,
    /// Share of model calls (Converse, ConverseStream, OpenAI chat), in percent, answered with a
    /// 429 throttling error, spread evenly and deterministically over the calls.
    pub throttle_percent: u32,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            access_key_id: "AKIDSIMULATOR".to_string(),
            secret_access_key: "sim-secret-key".to_string(),
            verify_sigv4: true,
            ttft: Duration::ZERO,
            tokens_per_sec: None,
            openai_api_key: None,
            throttle_percent: 0,
        }
    }
}

impl SimConfig {
    /// The pause between two output tokens, if pacing is on.
    pub(crate) fn token_gap(&self) -> Option<Duration> {
        match self.tokens_per_sec {
            Some(tps) if tps.is_finite() && tps > 0.0 => Some(Duration::from_secs_f64(1.0 / tps)),
            _ => None,
        }
    }

    /// How long generating `output_tokens` tokens takes: the time to first token plus the gaps.
    pub(crate) fn generation_time(&self, output_tokens: u32) -> Duration {
        let gaps = self
            .token_gap()
            .map(|gap| gap * output_tokens.saturating_sub(1))
            .unwrap_or_default();
        self.ttft + gaps
    }

    /// The generation time as Bedrock's `latencyMs` (at least 1).
    pub(crate) fn simulated_latency_ms(&self, output_tokens: u32) -> u64 {
        let ms = self.generation_time(output_tokens).as_millis();
        u64::try_from(ms).unwrap_or(u64::MAX).max(1)
    }
}
