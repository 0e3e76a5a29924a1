//! # bedrock-sim
//!
//! A local, deterministic stand-in for Amazon Bedrock that speaks its wire protocol closely
//! enough for the real AWS Rust SDK (`aws-sdk-bedrockruntime`, `aws-sdk-bedrock`) to run
//! against it offline. It is test infrastructure for Galley: provider tests, the desktop app's
//! end-to-end test, demos and benchmarks.
//!
//! ## What it serves (one HTTP/1.1 server, routed on the raw, still-encoded path)
//!
//! | Route | Operation |
//! |---|---|
//! | `POST /model/{modelId}/converse` | Converse (JSON) |
//! | `POST /model/{modelId}/converse-stream` | ConverseStream (`application/vnd.amazon.eventstream`) |
//! | `POST /model/{modelId}/count-tokens` | CountTokens (`input.converse`) |
//! | `POST /guardrail/{id}/version/{v}/apply` | ApplyGuardrail |
//! | `GET /foundation-models[/{id}]` | ListFoundationModels / GetFoundationModel |
//! | `GET /inference-profiles[/{id}]` | ListInferenceProfiles (`maxResults`/`nextToken`) / GetInferenceProfile |
//! | `GET /v1/models`, `POST /v1/chat/completions` | OpenAI-compatible (also under `/openai/v1/…`) |
//! | `/_sim/script`, `/_sim/fault`, `/_sim/requests`, `/_sim/clear` | unsigned control endpoints |
//!
//! **Answers.** A model answers `echo: <last user message>` unless a [`Script`] is set for
//! its exact id. A token is a whitespace-separated word: input tokens are those of the system
//! blocks and all messages, output tokens those of the answer, and a stream sends one delta per
//! token with the whitespace before it. `inferenceConfig.maxTokens` cuts the answer
//! (`max_tokens`), `stopSequences` cut before the first match (`stop_sequence`).
//! With a `guardrailConfig`, a user message containing `BLOCKME` gets `guardrail_intervened`
//! with "Sorry, the model cannot answer this question.", and the response carries
//! `trace.guardrail` unless the config's `trace` is `"disabled"` (as on Bedrock; note that the
//! Rust SDK sends `"disabled"` unless `.trace(GuardrailTrace::Enabled)` is set).
//! A `cachePoint` in `system` or `messages` reports the tokens before it as
//! `cacheWriteInputTokens` the first time and as
//! `cacheReadInputTokens` for the same prefix and model later; as on Bedrock, `inputTokens`
//! then counts only the tokens after it and `totalTokens` adds everything.
//!
//! **Model ids.** A small catalog (Claude 3.5 Haiku, 3.5 Sonnet (LEGACY), 3.7 Sonnet,
//! Sonnet 4.5 and Haiku 4.5 (profile-only), Nova Micro/Lite/Pro, Llama 3.3 70B, Mistral Large 2)
//! with `us.` (and for the 4.5 models `global.`) system inference profiles. Base ids, profile
//! ids and their ARNs resolve; a profile-only base id answers 400 ValidationException with
//! Bedrock's on-demand message; an unknown id answers 400 "The provided model identifier is
//! invalid."; `sim.access-denied` answers 403 AccessDeniedException. Scripted ids always answer.
//!
//! **Auth.** SigV4 is verified with `aws-sigv4` against [`SimConfig`]'s key pair (signing name
//! from the scope, region from the scope, raw path, exact body): a mismatch or a missing
//! signature is 403 `InvalidSignatureException`, another access key id 403
//! `UnrecognizedClientException`. `Authorization: Bearer …` is accepted. The OpenAI routes
//! check `SimConfig::openai_api_key` when set. Secrets and tokens are never logged.
//!
//! **Faults** ([`Fault`]) are queued per model id: error statuses (the SDK retries 429/5xx, so
//! `attempt` in the [`LoggedRequest`]s counts 1, 2, 3 under one `invocation_id`), delays,
//! and mid-stream failures (exception frames, a truncated frame, a bad CRC, a stall).
//! Note: aws-sdk-bedrockruntime 1.153 puts no stalled-stream protection on ConverseStream, so
//! a [`Fault::Stall`] is not detected by the SDK; clients need their own idle timeout.
//!
//! ## How tests use it
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use bedrock_sim::{Fault, Script, Sim, SimConfig};
//! let sim = Sim::start(SimConfig::default()).await?;
//! sim.script("amazon.nova-lite-v1:0", Script::text("Paris is the capital of France."));
//! sim.fault("amazon.nova-lite-v1:0", Fault::throttle(2));
//! // Point the SDK at it: endpoint_url(sim.url()), region us-east-1, static credentials
//! // "AKIDSIMULATOR" / "sim-secret-key", and BehaviorVersion::latest().
//! let log = sim.requests();
//! # drop(log);
//! sim.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Another process runs the `bedrock-sim` binary
//! (`bedrock-sim --port 4010 [--host 127.0.0.1] [--access-key-id … --secret-access-key …]
//! [--no-verify] [--ttft-ms N] [--tokens-per-sec F] [--openai-api-key K]`, which prints
//! `bedrock-sim listening on http://…`) and scripts it over HTTP:
//! `POST /_sim/script {"modelId","text","stopReason"?,"inputTokens"?,"cacheReadTokens"?,"cacheWriteTokens"?}`,
//! `POST /_sim/fault {"modelId","fault":{"kind":"status","status":429,"errorType":"ThrottlingException","times":2}}`
//! (see [`Fault`] for every kind), `GET /_sim/requests` (the log as camelCase JSON),
//! `POST /_sim/clear` (empties the log).

mod answer;
mod auth;
mod catalog;
mod config;
mod errors;
mod eventstream;
mod fault;
mod log;
mod prompt;
mod routes;
mod script;
mod server;
mod sigv4;
mod state;
mod stream;

pub use config::SimConfig;
pub use fault::Fault;
pub use log::LoggedRequest;
pub use script::Script;
pub use server::Sim;
