//! Prompty `.prompty`: YAML front matter between `---` lines, then the Jinja body with role
//! lines (`system:`, `user:`, `assistant:`) before each message.
//!
//! Written with the keys of the 2.x runtimes (`model.id`, `model.provider`, `model.apiType`,
//! `model.connection`, `model.options`, `inputs` with `kind`, `template.format.kind: jinja2`),
//! which the current `prompty` package loads; read in both those keys and the 1.x ones
//! (`model.api`, `model.configuration.type`, `model.parameters`, `inputs` with `type`,
//! `template: jinja2`). Reading is in `prompty_read.rs`.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::yaml::{document, Y};
use super::{find_endpoint, typed_value, ExportInput, Notes};
use crate::blueprint::{VarType, VariableDecl};

/// A line that starts a message in a Prompty body.
pub(super) static ROLE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*#?\s*(system|user|assistant|developer|function|tool)\s*(\[[^\]]*\])?\s*:\s*$",
    )
    .expect("a valid pattern")
});

pub(super) fn export(input: &ExportInput<'_>, notes: &mut Notes) -> String {
    let c = input.content;
    let m = &c.model;
    let mut model = Y::map()
        .with("id", Y::str(&m.model_id))
        .with("provider", Y::str(&m.provider))
        .with("apiType", Y::str("chat"));
    match m.provider.as_str() {
        "openai" => match find_endpoint(input.endpoints, m.endpoint.as_deref()) {
            Some(e) => {
                let mut conn = Y::map();
                match &e.api_key_env {
                    Some(var) => {
                        conn.put("kind", Y::str("key"));
                        conn.put("endpoint", Y::str(&e.base_url));
                        conn.put("apiKey", Y::str(format!("${{env:{var}}}")));
                    }
                    None => {
                        conn.put("kind", Y::str("anonymous"));
                        conn.put("endpoint", Y::str(&e.base_url));
                    }
                }
                model.put("connection", conn);
                if let Some(origin) = untrusted_origin(&e.base_url) {
                    notes.add(format!(
                        "the connection's endpoint is written as a URL, which Prompty 2 loads only \
                         from a trusted origin: set PROMPTY_TRUSTED_ENDPOINTS={origin} to load it"
                    ));
                }
            }
            None => notes.add(format!(
                "the endpoint {} is not in this Galley's settings: no connection is written",
                m.endpoint
                    .as_deref()
                    .map_or("(none chosen)".to_string(), |n| format!("`{n}`"))
            )),
        },
        "local" => notes.add(format!(
            "the model runs on Galley's local provider ({}), which Prompty has no runtime for",
            m.model_id
        )),
        _ => {}
    }
    let mut options = Y::map()
        .with_opt("maxOutputTokens", m.max_tokens.map(|n| Y::Int(n.into())))
        .with_opt("temperature", m.temperature.map(Y::Float))
        .with_opt("topP", m.top_p.map(Y::Float));
    if !m.stop_sequences.is_empty() {
        options.put(
            "stopSequences",
            Y::Seq(m.stop_sequences.iter().map(Y::str).collect()),
        );
    }
    if !options.is_empty_map() {
        model.put("options", options);
    }
    notes.guardrail(c);
    notes.cache_prompt(c);
    notes.extra_fields(c);
    notes.evaluators(c);
    notes.thresholds(c);

    let mut doc = Y::map()
        .with("name", Y::str(input.name))
        .with("model", model);
    if !c.variables.is_empty() {
        let mut inputs = Y::map();
        for v in &c.variables {
            inputs.put(&v.name, input_spec(v, notes));
        }
        doc.put("inputs", inputs);
    }
    doc.put(
        "template",
        Y::map()
            .with("format", Y::map().with("kind", Y::str("jinja2")))
            .with("parser", Y::map().with("kind", Y::str("prompty"))),
    );

    let mut body = Vec::new();
    if !c.system.is_empty() {
        body.push(block("system", "system", &c.system, notes));
    }
    for (place, src) in c.templates().into_iter().skip(1) {
        let role = if place.ends_with("(user)") {
            "user"
        } else {
            "assistant"
        };
        body.push(block(role, &place, src, notes));
    }
    let front = document(&[], &doc);
    format!("---\n{front}---\n{}", body.join("\n"))
}

/// One input: its kind by the declared type and its default typed as Galley types it when
/// rendering, so that Prompty's Jinja sees the same values (a boolean, a number, a list).
fn input_spec(v: &VariableDecl, notes: &mut Notes) -> Y {
    let mut kind = match v.var_type {
        VarType::String => Y::str("string"),
        VarType::Number => Y::str("number"),
        VarType::Boolean => Y::str("boolean"),
        VarType::Json => Y::str("object"),
    };
    let mut items = None;
    let default = v
        .default
        .as_ref()
        .map(|d| match typed_value(v.var_type, d) {
            Ok(value) => {
                if v.var_type == VarType::Json {
                    let (k, i) = json_kind(&value);
                    kind = Y::str(k);
                    items = i;
                }
                Y::from_json(&value)
            }
            Err(e) => {
                notes.add(format!(
                    "variable \"{}\": its default {e}: written as text",
                    v.name
                ));
                Y::str(d)
            }
        });
    Y::map()
        .with("kind", kind)
        .with_opt("items", items)
        .with_opt("default", default)
        .with_opt(
            "description",
            (!v.description.is_empty()).then(|| Y::str(&v.description)),
        )
}

/// The Prompty kind of a JSON value, with the `items` an array needs (its loader refuses an
/// array without them): the kind all elements share; `object` (any value) for an empty list or
/// elements of several kinds.
fn json_kind(value: &Value) -> (&'static str, Option<Y>) {
    let kind = match value {
        Value::Array(elements) => {
            let mut kinds = elements.iter().map(json_kind);
            let first = kinds.next();
            let item = match first {
                Some(first) if kinds.all(|k| k.0 == first.0) => {
                    // nested lists share their first list's items
                    Y::map()
                        .with("kind", Y::str(first.0))
                        .with_opt("items", first.1)
                }
                _ => Y::map().with("kind", Y::str("object")),
            };
            return ("array", Some(item));
        }
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        Value::Object(_) | Value::Null => "object",
    };
    (kind, None)
}

/// The origin (`scheme://host[:port]`) of an endpoint URL, as Prompty's endpoint trust compares
/// it, or `None` when Prompty trusts it already (its built-in providers' origins).
fn untrusted_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => "80",
        "https" => "443",
        _ => return None,
    };
    // `[::1]:8080`: the port follows the bracket
    let split_at = host_port.rfind(']').unwrap_or(0);
    let (host, port) = match host_port[split_at..].rsplit_once(':') {
        Some((_, p)) => (&host_port[..host_port.len() - p.len() - 1], Some(p)),
        None => (host_port, None),
    };
    let host = host.to_ascii_lowercase();
    let port = port.filter(|p| *p != default_port);
    if scheme == "https"
        && port.is_none()
        && (matches!(
            host.as_str(),
            "api.openai.com" | "api.anthropic.com" | "login.microsoftonline.com"
        ) || [
            ".openai.azure.com",
            ".services.ai.azure.com",
            ".cognitiveservices.azure.com",
        ]
        .iter()
        .any(|s| host.ends_with(s)))
    {
        return None;
    }
    Some(match port {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    })
}

/// One message of the body: its role line, its template, a final line break.
fn block(role: &str, place: &str, src: &str, notes: &mut Notes) -> String {
    if src.trim() != src {
        notes.add(format!(
            "{place} starts or ends with blank space, which Prompty trims"
        ));
    }
    if let Some(line) = src.lines().find(|l| ROLE_LINE.is_match(l)) {
        notes.add(format!(
            "{place} has the line `{}`, which Prompty reads as the start of another message",
            line.trim()
        ));
    }
    format!("{role}:\n{}\n", src.trim())
}

#[cfg(test)]
#[path = "prompty_tests.rs"]
mod tests;
