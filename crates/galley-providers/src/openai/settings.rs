//! What the user chooses for an OpenAI-compatible endpoint in Settings. Only references: the name
//! of the environment variable that holds the key, never the key.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ProviderError, ProviderErrorCode};

/// Settings of an OpenAI-compatible endpoint (Ollama, vLLM, LM Studio, a LiteLLM gateway, OpenAI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct OpenAiSettings {
    /// The API root, ending before `/chat/completions` (`http://localhost:11434/v1`).
    pub base_url: String,
    /// The name of the environment variable holding the API key; `None` sends no key. The key is
    /// read at call time and never stored.
    pub api_key_env: Option<String>,
    /// Per-call limit in seconds, retries and the whole answer stream included.
    #[ts(type = "number")]
    pub timeout_secs: u64,
    /// Attempts per call, the first included (429 and 5xx answers are retried).
    pub max_attempts: u32,
    /// The first retry's backoff in milliseconds (it doubles at each retry).
    #[ts(type = "number")]
    pub initial_backoff_ms: u64,
}

impl Default for OpenAiSettings {
    fn default() -> Self {
        OpenAiSettings {
            base_url: "http://localhost:11434/v1".to_string(),
            api_key_env: None,
            timeout_secs: 120,
            max_attempts: 3,
            initial_backoff_ms: 500,
        }
    }
}

impl OpenAiSettings {
    /// Settings for `base_url` with the key in `api_key_env` and default limits.
    pub fn new(base_url: impl Into<String>, api_key_env: Option<&str>) -> OpenAiSettings {
        OpenAiSettings {
            base_url: base_url.into(),
            api_key_env: api_key_env.map(str::to_string),
            ..OpenAiSettings::default()
        }
    }

    /// The known servers, by name, with their usual local address and key variable.
    pub fn presets() -> Vec<(&'static str, OpenAiSettings)> {
        vec![
            (
                "Ollama",
                OpenAiSettings::new("http://localhost:11434/v1", None),
            ),
            (
                "vLLM",
                OpenAiSettings::new("http://localhost:8000/v1", None),
            ),
            (
                "LM Studio",
                OpenAiSettings::new("http://localhost:1234/v1", None),
            ),
            (
                "LiteLLM",
                OpenAiSettings::new("http://localhost:4000/v1", Some("LITELLM_API_KEY")),
            ),
            (
                "OpenAI",
                OpenAiSettings::new("https://api.openai.com/v1", Some("OPENAI_API_KEY")),
            ),
        ]
    }

    /// The settings with surrounding blanks and trailing slashes removed and a blank key variable
    /// unset, or an error naming the bad value.
    pub fn validated(&self) -> Result<OpenAiSettings, ProviderError> {
        let base_url = self.base_url.trim().trim_end_matches('/').to_string();
        check_base_url(&base_url)?;
        let api_key_env = self
            .api_key_env
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        if let Some(name) = &api_key_env {
            let mut chars = name.chars();
            let valid = chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid {
                // not echoed: a key pasted here by mistake must not reach a message
                return Err(ProviderError::invalid_request(
                    "the key setting is not an environment variable name (letters, digits and `_`): \
                     give the name of the variable that holds the key, like `OPENAI_API_KEY`, \
                     not the key itself",
                ));
            }
        }
        if self.timeout_secs == 0 {
            return Err(ProviderError::invalid_request(
                "the timeout must be at least 1 second",
            ));
        }
        if self.max_attempts == 0 {
            return Err(ProviderError::invalid_request(
                "the number of attempts must be at least 1",
            ));
        }
        Ok(OpenAiSettings {
            base_url,
            api_key_env,
            ..self.clone()
        })
    }
}

/// Checks that a base URL is `http(s)://host[:port][/path]` without credentials.
fn check_base_url(url: &str) -> Result<(), ProviderError> {
    let malformed = |why: &str| {
        Err(ProviderError::new(
            ProviderErrorCode::Endpoint,
            format!(
                "the base URL `{url}` is not usable ({why}): use a URL like \
                 `http://localhost:11434/v1` or `https://api.openai.com/v1`"
            ),
        ))
    };
    let parsed = match reqwest::Url::parse(url) {
        Ok(parsed) => parsed,
        Err(_) if !url.contains("://") => {
            return malformed("it must start with http:// or https://")
        }
        Err(e) => return malformed(&e.to_string()),
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return malformed("it must start with http:// or https://");
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return malformed("it has no host");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return malformed("it must not contain credentials; name the key's variable instead");
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return malformed("it must not have a query or fragment");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_camel_case() {
        let s = OpenAiSettings::default();
        assert_eq!(s.base_url, "http://localhost:11434/v1");
        assert_eq!(
            (s.timeout_secs, s.max_attempts, s.initial_backoff_ms),
            (120, 3, 500)
        );
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["baseUrl"], "http://localhost:11434/v1");
        assert_eq!(json["apiKeyEnv"], serde_json::Value::Null);
        assert_eq!(json["initialBackoffMs"], 500);
        let s: OpenAiSettings =
            serde_json::from_str(r#"{"baseUrl":"http://h:1/v1","apiKeyEnv":"K"}"#).unwrap();
        assert_eq!(s.api_key_env.as_deref(), Some("K"));
        assert_eq!(s.timeout_secs, 120);
    }

    #[test]
    fn presets_name_the_usual_servers() {
        let presets = OpenAiSettings::presets();
        let names: Vec<&str> = presets.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["Ollama", "vLLM", "LM Studio", "LiteLLM", "OpenAI"]);
        let by_name = |n: &str| presets.iter().find(|(p, _)| *p == n).unwrap().1.clone();
        assert_eq!(by_name("Ollama").api_key_env, None);
        assert_eq!(by_name("vLLM").base_url, "http://localhost:8000/v1");
        assert_eq!(by_name("LM Studio").base_url, "http://localhost:1234/v1");
        assert_eq!(
            by_name("LiteLLM").api_key_env.as_deref(),
            Some("LITELLM_API_KEY")
        );
        let openai = by_name("OpenAI");
        assert_eq!(openai.base_url, "https://api.openai.com/v1");
        assert_eq!(openai.api_key_env.as_deref(), Some("OPENAI_API_KEY"));
        for (name, s) in presets {
            assert_eq!(s.validated().unwrap(), s, "{name}");
        }
    }

    #[test]
    fn validated_trims_and_unsets_blanks() {
        let s = OpenAiSettings {
            base_url: " http://127.0.0.1:8000/v1/ ".into(),
            api_key_env: Some("  ".into()),
            ..OpenAiSettings::default()
        }
        .validated()
        .unwrap();
        assert_eq!(s.base_url, "http://127.0.0.1:8000/v1");
        assert_eq!(s.api_key_env, None);
    }

    #[test]
    fn bad_values_are_named() {
        for (bad, why) in [
            ("localhost:11434/v1", "http:// or https://"),
            ("ftp://host/v1", "http:// or https://"),
            ("http://:8000/v1", "host"),
            ("http://user:pw@host/v1", "credentials"),
            ("api.openai.com", "http:// or https://"),
        ] {
            let err = OpenAiSettings::new(bad, None).validated().unwrap_err();
            assert_eq!(err.code, ProviderErrorCode::Endpoint, "{bad}");
            assert!(err.message.contains(&format!("`{bad}`")), "{}", err.message);
            assert!(err.message.contains(why), "{bad}: {}", err.message);
        }
        let err = OpenAiSettings::new("http://h/v1", Some("sk-abc123"))
            .validated()
            .unwrap_err();
        assert!(err.message.contains("not an environment variable name"));
        assert!(!err.message.contains("sk-abc123"), "{}", err.message);
        let err = OpenAiSettings {
            max_attempts: 0,
            ..OpenAiSettings::default()
        }
        .validated()
        .unwrap_err();
        assert!(err.message.contains("attempts"), "{}", err.message);
    }
}
