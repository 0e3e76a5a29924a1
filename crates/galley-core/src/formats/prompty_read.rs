//! Reading a Prompty `.prompty` file back: the front matter in the keys of the 2.x runtimes or
//! the 1.x ones (see [`super::prompty`] for both), then the body's role lines and templates.

use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::prompt_yml::file_stem;
use super::prompty::ROLE_LINE;
use super::{push_message, read, ImportError, Imported};
use crate::blueprint::VariableDecl;
use crate::blueprint::{BlueprintContent, MessageTemplate, ModelSettings, Role, VarType};

/// A front matter as Prompty 1.x and 2.x write it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Front {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    display_name: Option<IgnoredAny>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    metadata: Option<IgnoredAny>,
    #[serde(default)]
    authors: Option<IgnoredAny>,
    #[serde(default)]
    tags: Option<IgnoredAny>,
    #[serde(default)]
    version: Option<IgnoredAny>,
    #[serde(default)]
    model: Option<Model>,
    #[serde(default)]
    inputs: Option<Inputs>,
    #[serde(default)]
    outputs: Option<IgnoredAny>,
    #[serde(default)]
    sample: Option<IgnoredAny>,
    #[serde(default)]
    tools: Option<IgnoredAny>,
    #[serde(default)]
    template: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Model {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    api_type: Option<String>,
    #[serde(default)]
    api: Option<String>,
    #[serde(default)]
    connection: Option<std::collections::BTreeMap<String, Value>>,
    #[serde(default)]
    configuration: Option<std::collections::BTreeMap<String, Value>>,
    #[serde(default)]
    options: Option<Options>,
    #[serde(default)]
    parameters: Option<Options>,
    #[serde(default)]
    response: Option<IgnoredAny>,
}

/// `model.options` (2.x) or `model.parameters` (1.x).
#[derive(Deserialize)]
struct Options {
    #[serde(default, alias = "max_tokens")]
    #[serde(rename = "maxOutputTokens")]
    max_tokens: Option<u32>,
    #[serde(default)]
    temperature: Option<f64>,
    #[serde(default, rename = "topP", alias = "top_p")]
    top_p: Option<f64>,
    #[serde(default, rename = "stopSequences", alias = "stop")]
    stop: Option<Vec<String>>,
    #[serde(flatten)]
    other: std::collections::BTreeMap<String, IgnoredAny>,
}

/// `inputs`: a list of `{name, kind, …}` or a mapping of name to spec (or to a sample value),
/// in the file's order.
struct Inputs(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Inputs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Inputs;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list or a mapping of inputs")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Inputs, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<Value>()? {
                    let name = item
                        .get("name")
                        .and_then(Value::as_str)
                        .ok_or_else(|| serde::de::Error::custom("an input without a `name`"))?
                        .to_string();
                    out.push((name, item));
                }
                Ok(Inputs(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Inputs, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    out.push((k, v));
                }
                Ok(Inputs(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// One input's spec.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InputSpec {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default, rename = "type")]
    type_: Option<String>,
    /// An array's element kind: Galley's JSON variables hold any value.
    #[serde(default)]
    items: Option<IgnoredAny>,
    #[serde(default)]
    default: Option<Value>,
    #[serde(default)]
    sample: Option<Value>,
    #[serde(default)]
    example: Option<Value>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    required: Option<bool>,
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

pub(super) fn import(file: &str, text: &str) -> Result<Imported, ImportError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let lines: Vec<&str> = text.split('\n').collect();
    if lines.first().map(|l| l.trim_end()) != Some("---") {
        return Err(ImportError::new(
            file,
            "a .prompty file starts with its front matter between two `---` lines",
        )
        .at(1, None));
    }
    let Some(close) = lines.iter().skip(1).position(|l| l.trim_end() == "---") else {
        return Err(
            ImportError::new(file, "the front matter has no closing `---` line").at(1, None),
        );
    };
    let close = close + 1;
    let front_text = lines[1..close].join("\n");
    let front: Front = read::yaml(file, &front_text, 2)?;
    let mut notes = Vec::new();
    let name = match front
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(n) => n.to_string(),
        None => file_stem(file),
    };
    check_template(file, front.template.as_ref())?;
    let model = front
        .model
        .ok_or_else(|| ImportError::field(file, "model", "the prompt names no model"))?;
    let (settings, endpoint_url) = model_settings(file, model, &mut notes)?;
    let variables = match front.inputs {
        Some(Inputs(list)) => list
            .into_iter()
            .map(|(n, spec)| variable(file, n, spec))
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    for (present, what) in [
        (front.description.is_some(), "description"),
        (front.display_name.is_some(), "displayName"),
        (
            front.metadata.is_some()
                || front.authors.is_some()
                || front.tags.is_some()
                || front.version.is_some(),
            "metadata (authors, tags, version)",
        ),
        (front.outputs.is_some(), "outputs"),
        (front.sample.is_some(), "sample"),
        (front.tools.is_some(), "tools"),
    ] {
        if present {
            notes.push(format!("{what} is not kept"));
        }
    }
    let (system, messages) = body(file, &lines[close + 1..], close + 2, &mut notes)?;
    Ok(Imported {
        name,
        content: BlueprintContent {
            system,
            messages,
            variables,
            model: settings,
            evaluators: Vec::new(),
            thresholds: Default::default(),
        },
        notes,
        endpoint_url,
    })
}

/// The template format must be Jinja.
fn check_template(file: &str, template: Option<&Value>) -> Result<(), ImportError> {
    let kind_of = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => o.get("kind").and_then(Value::as_str).map(str::to_string),
            _ => None,
        }
    };
    let format = match template {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(o)) => match o.get("format").or_else(|| o.get("type")) {
            Some(f) => Some(kind_of(f).ok_or_else(|| {
                ImportError::field(file, "template.format", "expected `kind: jinja2`")
            })?),
            None => None,
        },
        Some(_) => {
            return Err(ImportError::field(
                file,
                "template",
                "expected `format: {kind: jinja2}`",
            ))
        }
    };
    match format.as_deref() {
        None | Some("jinja2") => Ok(()),
        Some(other) => Err(ImportError::field(
            file,
            "template.format",
            format!("`{other}` templates cannot be imported: Galley templates are Jinja (jinja2)"),
        )),
    }
}

/// The model settings, and the URL of the endpoint the connection names (2.x
/// `connection.endpoint`, 1.x `configuration.base_url` or `azure_endpoint`) when it is a literal
/// `http(s)` URL, not an `${env:…}` reference.
fn model_settings(
    file: &str,
    model: Model,
    notes: &mut Vec<String>,
) -> Result<(ModelSettings, Option<String>), ImportError> {
    let api = model.api_type.or(model.api);
    if let Some(a) = api.as_deref().filter(|a| *a != "chat") {
        return Err(ImportError::field(
            file,
            "model.apiType",
            format!("`{a}`: Galley imports chat prompts only"),
        ));
    }
    let mut id = model.id;
    let mut provider = model.provider;
    if let Some(conf) = &model.configuration {
        let get = |k: &str| conf.get(k).and_then(Value::as_str).map(str::to_string);
        provider = provider.or_else(|| get("type"));
        id = id
            .or_else(|| get("name"))
            .or_else(|| get("azure_deployment"));
    }
    let literal_url = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .map(str::trim)
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
            .map(str::to_string)
    };
    let openai_like = matches!(
        provider.as_deref(),
        Some("openai" | "azure" | "azure_openai")
    );
    let endpoint_url = literal_url(model.connection.as_ref().and_then(|c| c.get("endpoint")))
        .or_else(|| {
            let conf = model.configuration.as_ref()?;
            literal_url(conf.get("base_url")).or_else(|| literal_url(conf.get("azure_endpoint")))
        })
        .filter(|_| openai_like);
    if endpoint_url.is_none() && (model.connection.is_some() || model.configuration.is_some()) {
        notes.push(
            "the connection (endpoint, key) is not kept: choose the endpoint in Model settings"
                .into(),
        );
    }
    let provider = match provider.as_deref() {
        Some("openai") => "openai",
        Some("azure" | "azure_openai") => {
            notes
                .push("an Azure OpenAI model is imported for an OpenAI-compatible endpoint".into());
            "openai"
        }
        Some("bedrock") => "bedrock",
        Some("local") => "local",
        None => {
            return Err(ImportError::field(
                file,
                "model.provider",
                "the prompt names no provider: use openai, bedrock or local",
            ))
        }
        Some(other) => {
            return Err(ImportError::field(
                file,
                "model.provider",
                format!("`{other}`: Galley runs bedrock, openai or local models"),
            ))
        }
    };
    let id = id
        .filter(|i| !i.trim().is_empty())
        .ok_or_else(|| ImportError::field(file, "model.id", "the prompt names no model id"))?;
    let options = model.options.or(model.parameters);
    let mut settings = ModelSettings {
        provider: provider.to_string(),
        endpoint: None,
        model_id: id,
        max_tokens: None,
        temperature: None,
        top_p: None,
        stop_sequences: Vec::new(),
        cache_prompt: false,
        guardrail: None,
        extra_fields: None,
    };
    if let Some(o) = options {
        settings.max_tokens = o.max_tokens;
        settings.temperature = o.temperature;
        settings.top_p = o.top_p;
        settings.stop_sequences = o.stop.unwrap_or_default();
        for k in o.other.keys() {
            notes.push(format!("model option `{k}` is not kept"));
        }
    }
    if model.response.is_some() {
        notes.push("model.response is not kept".into());
    }
    Ok((settings, endpoint_url))
}

fn variable(file: &str, name: String, spec: Value) -> Result<VariableDecl, ImportError> {
    let field = format!("inputs.{name}");
    let spec: InputSpec = match spec {
        Value::Object(_) => serde_json::from_value(spec)
            .map_err(|e| ImportError::field(file, &field, e.to_string()))?,
        scalar => InputSpec {
            name: None,
            kind: None,
            type_: None,
            items: None,
            default: Some(scalar),
            sample: None,
            example: None,
            description: None,
            required: None,
        },
    };
    let _ = (spec.name, spec.required, spec.items);
    let var_type = match spec.kind.or(spec.type_).as_deref() {
        None | Some("string") => VarType::String,
        Some("number" | "integer" | "float") => VarType::Number,
        Some("boolean") => VarType::Boolean,
        Some("object" | "array") => VarType::Json,
        Some(other) => {
            return Err(ImportError::field(
                file,
                &field,
                format!("input kind `{other}`: use string, number, boolean, object or array"),
            ))
        }
    };
    if let Err(e) = crate::dataset::check_variable_name(&name) {
        return Err(ImportError::field(file, &field, e));
    }
    let default = spec
        .default
        .or(spec.sample)
        .or(spec.example)
        .as_ref()
        .and_then(value_text);
    Ok(VariableDecl {
        name,
        var_type,
        default,
        description: spec.description.unwrap_or_default(),
    })
}

/// The messages of the body; `first_line` is the file's line number of its first line.
fn body(
    file: &str,
    lines: &[&str],
    first_line: usize,
    notes: &mut Vec<String>,
) -> Result<(String, Vec<MessageTemplate>), ImportError> {
    let mut blocks: Vec<(String, usize, Vec<&str>)> = Vec::new();
    let mut before: Vec<&str> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some(c) = ROLE_LINE.captures(line) {
            blocks.push((c[1].to_ascii_lowercase(), first_line + i, Vec::new()));
        } else if let Some(last) = blocks.last_mut() {
            last.2.push(line);
        } else {
            before.push(line);
        }
    }
    let leading = before.join("\n").trim().to_string();
    if blocks.is_empty() {
        if leading.is_empty() {
            return Err(ImportError::new(file, "the body has no message"));
        }
        notes.push("the body has no role lines: imported as one user message".into());
        return Ok((
            String::new(),
            vec![MessageTemplate {
                role: Role::User,
                template: leading,
            }],
        ));
    }
    if !leading.is_empty() {
        let at = before
            .iter()
            .position(|l| !l.trim().is_empty())
            .unwrap_or(0);
        return Err(ImportError::new(
            file,
            "text before the first role line (`system:`, `user:` or `assistant:`)",
        )
        .at(first_line + at, None));
    }
    let mut system = String::new();
    let mut messages = Vec::new();
    for (i, (role, line, content)) in blocks.into_iter().enumerate() {
        let text = content.join("\n").trim().to_string();
        push_message(&role, i == 0, text, &mut system, &mut messages)
            .map_err(|message| ImportError::new(file, message).at(line, None))?;
    }
    if messages.is_empty() {
        return Err(ImportError::new(
            file,
            "the body has no `user:` or `assistant:` message",
        ));
    }
    Ok((system, messages))
}
