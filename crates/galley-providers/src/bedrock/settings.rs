//! What the user chooses for Bedrock in Settings. Only references: a profile name, never a key.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ProviderError, ProviderErrorCode};

/// Bedrock connection settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct BedrockSettings {
    /// The AWS profile (`~/.aws/config`); `None` uses the default credential chain.
    pub profile: Option<String>,
    /// The region; `None` uses `AWS_REGION` / `AWS_DEFAULT_REGION`, else the profile's, else
    /// `us-east-1` (never the instance metadata service).
    pub region: Option<String>,
    /// Send requests here instead of the regional Bedrock endpoint (a proxy, a VPC endpoint or a
    /// stand-in). When unset, `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` / `AWS_ENDPOINT_URL` are honoured.
    pub endpoint_url: Option<String>,
    /// Per-call limit in seconds, retries and the whole answer stream included.
    #[ts(type = "number")]
    pub timeout_secs: u64,
    /// Attempts per call, the first included (throttling and transient errors are retried).
    pub max_attempts: u32,
    /// The first retry's backoff in milliseconds (it grows exponentially, with jitter).
    #[ts(type = "number")]
    pub initial_backoff_ms: u64,
}

impl Default for BedrockSettings {
    fn default() -> Self {
        BedrockSettings {
            profile: None,
            region: None,
            endpoint_url: None,
            timeout_secs: 120,
            max_attempts: 3,
            initial_backoff_ms: 1000,
        }
    }
}

impl BedrockSettings {
    /// The settings with blank strings treated as unset, or an error naming the bad value.
    pub fn validated(&self) -> Result<BedrockSettings, ProviderError> {
        let clean = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let settings = BedrockSettings {
            profile: clean(&self.profile),
            region: clean(&self.region),
            endpoint_url: clean(&self.endpoint_url),
            ..self.clone()
        };
        if let Some(url) = &settings.endpoint_url {
            check_endpoint_url(url)?;
        }
        if let Some(region) = &settings.region {
            let valid = region
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !valid {
                return Err(ProviderError::invalid_request(format!(
                    "the region `{region}` is not a region name: use one like `us-east-1`"
                )));
            }
        }
        if settings.timeout_secs == 0 {
            return Err(ProviderError::invalid_request(
                "the timeout must be at least 1 second",
            ));
        }
        if settings.max_attempts == 0 {
            return Err(ProviderError::invalid_request(
                "the number of attempts must be at least 1",
            ));
        }
        Ok(settings)
    }
}

/// Checks that an endpoint URL is `http(s)://host[:port][/path]`.
pub(crate) fn check_endpoint_url(url: &str) -> Result<(), ProviderError> {
    let malformed = |why: &str| {
        Err(ProviderError::new(
            ProviderErrorCode::Endpoint,
            format!("the endpoint URL `{url}` is malformed ({why}): use a URL like `https://bedrock-runtime.us-east-1.amazonaws.com` or `http://127.0.0.1:4000`"),
        ))
    };
    let rest = if let Some(rest) = url.strip_prefix("https://") {
        rest
    } else if let Some(rest) = url.strip_prefix("http://") {
        rest
    } else {
        return malformed("it must start with http:// or https://");
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return malformed("it contains spaces");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return malformed("it must not contain credentials");
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        match v6.split_once(']') {
            Some((addr, tail)) => (addr, tail.strip_prefix(':')),
            None => return malformed("the IPv6 address has no closing bracket"),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return malformed("it has no host");
    }
    if let Some(port) = port {
        if port.parse::<u16>().is_err() {
            return malformed("the port is not a number from 0 to 65535");
        }
    }
    let host_ok = host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | ':'));
    if !host_ok {
        return malformed("the host name has characters a host cannot have");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_documented_values() {
        let s = BedrockSettings::default();
        assert_eq!(s.timeout_secs, 120);
        assert_eq!(s.max_attempts, 3);
        assert_eq!(s.initial_backoff_ms, 1000);
        assert_eq!(s.profile, None);
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["timeoutSecs"], 120);
        assert_eq!(json["initialBackoffMs"], 1000);
        // missing fields take the defaults
        let s: BedrockSettings = serde_json::from_str(r#"{"profile":"dev"}"#).unwrap();
        assert_eq!(s.profile.as_deref(), Some("dev"));
        assert_eq!(s.max_attempts, 3);
    }

    #[test]
    fn blank_strings_are_unset() {
        let s = BedrockSettings {
            profile: Some("  ".into()),
            region: Some(" eu-west-1 ".into()),
            endpoint_url: Some(String::new()),
            ..BedrockSettings::default()
        }
        .validated()
        .unwrap();
        assert_eq!(s.profile, None);
        assert_eq!(s.region.as_deref(), Some("eu-west-1"));
        assert_eq!(s.endpoint_url, None);
    }

    #[test]
    fn endpoint_urls() {
        for good in [
            "http://127.0.0.1:4000",
            "https://bedrock-runtime.us-east-1.amazonaws.com",
            "http://localhost:8080/base/",
            "http://[::1]:4000",
            "https://vpce-0123.bedrock-runtime.us-east-1.vpce.amazonaws.com",
        ] {
            assert!(check_endpoint_url(good).is_ok(), "{good}");
        }
        for (bad, why) in [
            ("127.0.0.1:4000", "must start with http"),
            ("ftp://x", "must start with http"),
            ("http://", "no host"),
            ("http://host:port", "port"),
            ("http://exa mple.com", "spaces"),
            ("http://ex%ample.com", "host name"),
            ("http://user:pw@host", "credentials"),
        ] {
            let err = check_endpoint_url(bad).unwrap_err();
            assert_eq!(err.code, ProviderErrorCode::Endpoint, "{bad}");
            assert!(err.message.contains(&format!("`{bad}`")), "{}", err.message);
            assert!(err.message.contains(why), "{bad}: {}", err.message);
        }
    }

    #[test]
    fn invalid_numbers_and_regions() {
        let err = BedrockSettings {
            timeout_secs: 0,
            ..BedrockSettings::default()
        }
        .validated()
        .unwrap_err();
        assert!(err.message.contains("timeout"), "{}", err.message);
        let err = BedrockSettings {
            max_attempts: 0,
            ..BedrockSettings::default()
        }
        .validated()
        .unwrap_err();
        assert!(err.message.contains("attempts"), "{}", err.message);
        let err = BedrockSettings {
            region: Some("US East".into()),
            ..BedrockSettings::default()
        }
        .validated()
        .unwrap_err();
        assert!(err.message.contains("`US East`"), "{}", err.message);
    }
}
