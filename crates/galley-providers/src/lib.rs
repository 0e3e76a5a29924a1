//! Where Galley's models run.
//!
//! - [`Provider`] is the one interface the engine calls: [`Provider::stream`] takes a
//!   [`ChatRequest`], reports [`StreamEvent`]s (`started`, `textDelta`, `stopped`, `usage`) as
//!   they happen, and returns a [`ChatOutcome`] (text, stop reason, [`Usage`], time to first token
//!   and total latency measured by Galley on a monotonic clock) or a [`ProviderError`]
//!   (`{code, message}` plus the partial text of a broken or cancelled stream, and a suggested
//!   model id when the model needs an inference profile). Cancellation is a
//!   [`tokio_util::sync::CancellationToken`].
//! - [`BedrockProvider`] implements it with the official AWS SDK: ConverseStream for streaming,
//!   Converse for [`Provider::complete`]. Credentials come from aws-config's default chain for the
//!   profile chosen in [`BedrockSettings`] (or explicit credentials for tests); retries
//!   (throttling, transient errors) and the per-call timeout are the SDK's, configured from the
//!   settings; an endpoint override (the setting, else `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`) is
//!   honoured. Every SDK error is mapped to a [`ProviderErrorCode`] and a message that says what to
//!   do.
//! - [`OpenAiProvider`] implements it for any OpenAI-compatible endpoint (Ollama, vLLM, LM Studio,
//!   a LiteLLM gateway, OpenAI) with `reqwest`: streaming chat completions over server-sent
//!   events, retries of 429 and 5xx answers with backoff, and the model list. [`OpenAiSettings`]
//!   hold the base URL and the *name* of the environment variable with the key, read at call time.
//! - [`bedrock::profiles`] lists AWS profile names (never values) for the Settings picker.
//! - [`Catalog`] merges ListFoundationModels and ListInferenceProfiles into the models that can
//!   be called, offering profile-only models under their inference-profile id; [`offline_catalog`]
//!   builds it from the price table when Bedrock cannot be reached.
//! - [`Prices`] is the dated price table bundled from `assets/prices/bedrock.json`, overridable
//!   from a user file, and prices a call with [`Prices::cost_usd`].
//!
//! Secrets never leave the SDK or the request: settings hold only a profile name or the name of
//! a variable, `Debug` of a provider shows settings only, and error messages and traces carry no
//! credential values.

pub mod bedrock;
pub mod catalog;
pub mod error;
pub mod model_id;
pub mod openai;
pub mod prices;
pub mod provider;

pub use bedrock::profiles::{list_profiles, list_profiles_in};
pub use bedrock::{BedrockProvider, BedrockSettings};
pub use catalog::{offline_catalog, Catalog, CatalogModel};
pub use error::{ProviderError, ProviderErrorCode};
pub use openai::{OpenAiProvider, OpenAiSettings};
pub use prices::{Price, PriceEntry, PriceError, Prices};
pub use provider::{
    ChatMessage, ChatOutcome, ChatRequest, GuardrailRef, InferenceParams, Provider, ProviderFuture,
    Role, StopReason, StreamEvent, Usage,
};
pub use tokio_util::sync::CancellationToken;

#[cfg(test)]
mod ts_tests {
    //! The TypeScript shapes the UI will get (the engine's bindings test writes the files).
    use super::*;
    use ts_rs::TS;

    #[test]
    fn stream_events_are_a_tagged_union() {
        assert_eq!(
            StreamEvent::decl(),
            "type StreamEvent = { \"type\": \"started\" } | { \"type\": \"textDelta\", \"data\": string } | { \"type\": \"usage\", \"data\": Usage } | { \"type\": \"stopped\", \"data\": StopReason };"
        );
    }

    #[test]
    fn no_bigint_crosses_to_the_ui_and_names_do_not_clash() {
        for decl in [
            ChatOutcome::decl(),
            BedrockSettings::decl(),
            Usage::decl(),
            CatalogModel::decl(),
            Catalog::decl(),
            ChatRequest::decl(),
            ProviderError::decl(),
            OpenAiSettings::decl(),
        ] {
            assert!(!decl.contains("bigint"), "{decl}");
        }
        assert!(ChatOutcome::decl().contains("ttftMs: number | null"));
        assert!(BedrockSettings::decl().contains("timeoutSecs: number"));
        assert!(OpenAiSettings::decl().contains("apiKeyEnv: string | null"));
        assert!(OpenAiSettings::decl().contains("initialBackoffMs: number"));
    }

    #[test]
    fn chat_messages_use_the_core_role_with_the_same_wire_names() {
        let role: galley_core::Role = ChatMessage::assistant("Hi").role;
        assert_eq!(role, Role::Assistant);
        assert_eq!(Role::name(), "Role");
        assert_eq!(
            ChatMessage::decl(),
            "type ChatMessage = { role: Role, text: string, };"
        );
        assert_eq!(
            serde_json::to_value(ChatMessage::user("Hi")).unwrap(),
            serde_json::json!({"role": "user", "text": "Hi"})
        );
        assert_eq!(
            serde_json::from_value::<ChatMessage>(
                serde_json::json!({"role": "assistant", "text": "Hello"})
            )
            .unwrap(),
            ChatMessage::assistant("Hello")
        );
    }
}
