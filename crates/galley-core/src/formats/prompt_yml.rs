//! GitHub Models `.prompt.yml`: a model, its parameters, role messages with `{{name}}`
//! placeholders, test data (`expected` is the reference answer) and string evaluators.

use serde::de::IgnoredAny;
use serde::Deserialize;

use super::jinja::{from_plain_braces, logic, placeholders, to_plain_braces};
use super::yaml::{document, Y};
use super::{push_message, read, variable_names, ExportInput, ImportError, Imported, Notes};
use crate::blueprint::{BlueprintContent, ModelSettings, VariableDecl};
use crate::eval::{Check, Evaluator};

/// The test-data key of the reference answer.
const EXPECTED: &str = "expected";

pub(super) fn export(input: &ExportInput<'_>, notes: &mut Notes) -> String {
    let c = input.content;
    let m = &c.model;
    let mut doc = Y::map().with("name", Y::str(input.name));
    match m.provider.as_str() {
        "local" => notes.local_model(c),
        provider => {
            if provider == "bedrock" {
                notes.add(format!(
                    "model `{}` is a Bedrock model id: GitHub Models runs the models of its own \
                     catalog (publisher/model)",
                    m.model_id
                ));
            }
            if let Some(endpoint) = &m.endpoint {
                notes.lost(format_args!("the endpoint `{endpoint}`"));
            }
            doc.put("model", Y::str(&m.model_id));
        }
    }
    let params = Y::map()
        .with_opt("maxTokens", m.max_tokens.map(|n| Y::Int(n.into())))
        .with_opt("temperature", m.temperature.map(Y::Float))
        .with_opt("topP", m.top_p.map(Y::Float));
    if !params.is_empty_map() {
        doc.put("modelParameters", params);
    }
    if !m.stop_sequences.is_empty() {
        notes.lost(format_args!("stop sequences {:?}", m.stop_sequences));
    }
    notes.guardrail(c);
    notes.cache_prompt(c);
    notes.extra_fields(c);
    plain_templates(c, notes);
    for v in &c.variables {
        declaration_note(v, notes);
    }

    let mut messages = Vec::new();
    let same = |v: &str| v.to_string();
    if !c.system.is_empty() {
        messages.push(message("system", &to_plain_braces(&c.system, same)));
    }
    for msg in &c.messages {
        messages.push(message(
            msg.role.as_str(),
            &to_plain_braces(&msg.template, same),
        ));
    }
    doc.put("messages", Y::Seq(messages));
    doc.put("testData", Y::Seq(test_data(input, notes)));

    let evaluators: Vec<Y> = c
        .evaluators
        .iter()
        .filter_map(|e| evaluator(e, notes))
        .collect();
    if !evaluators.is_empty() {
        doc.put("evaluators", Y::Seq(evaluators));
    }
    notes.thresholds(c);
    document(&[], &doc)
}

fn message(role: &str, content: &str) -> Y {
    Y::map()
        .with("role", Y::str(role))
        .with("content", Y::str(content))
}

/// A note per template that uses Jinja beyond `{{ name }}`, which plain replacement would send
/// as it is.
pub(super) fn plain_templates(c: &BlueprintContent, notes: &mut Notes) {
    let title = notes.format.title();
    for (place, src) in c.templates() {
        let kinds = logic(src);
        if !kinds.is_empty() {
            notes.add(format!(
                "{place} uses Jinja logic ({}) that {title} does not run: its {{{{name}}}} \
                 replacement sends that part as written",
                kinds.join(", ")
            ));
        }
    }
}

/// What a variable declaration says beyond its name, lost in formats without declarations.
fn declaration_note(v: &VariableDecl, notes: &mut Notes) {
    let mut parts = Vec::new();
    if v.var_type != crate::blueprint::VarType::String {
        parts.push(format!(
            "type {}",
            serde_json::to_value(v.var_type)
                .ok()
                .and_then(|t| t.as_str().map(str::to_string))
                .unwrap_or_default()
        ));
    }
    if v.default.is_some() {
        parts.push("default".to_string());
    }
    if !v.description.is_empty() {
        parts.push("description".to_string());
    }
    if !parts.is_empty() {
        notes.lost(format_args!(
            "variable \"{}\" ({})",
            v.name,
            parts.join(", ")
        ));
    }
}

/// One row per case (its values, the defaults for the others, `expected`), or one row of the
/// defaults.
fn test_data(input: &ExportInput<'_>, notes: &mut Notes) -> Vec<Y> {
    let c = input.content;
    let names = variable_names(c);
    let default = |n: &str| c.variable(n).and_then(|v| v.default.clone());
    if input.cases.is_empty() {
        let mut row = Y::map();
        for n in &names {
            match default(n) {
                Some(d) => row.put(n, Y::str(d)),
                None => {
                    notes.add(format!(
                        "variable \"{n}\" has no default and there is no dataset: the test \
                         leaves it empty"
                    ));
                    row.put(n, Y::str(""));
                }
            }
        }
        return vec![row];
    }
    let mut categories = false;
    let rows = input
        .cases
        .iter()
        .map(|case| {
            categories |= case.category.is_some() || !case.tags.is_empty();
            let mut row = Y::map();
            for n in &names {
                if let Some(v) = case.values.get(n).cloned().or_else(|| default(n)) {
                    row.put(n, Y::str(v));
                }
            }
            for (k, v) in &case.values {
                if !names.contains(k) {
                    row.put(k, Y::str(v));
                }
            }
            if let Some(r) = &case.reference {
                row.put(EXPECTED, Y::str(r));
            }
            row
        })
        .collect();
    if categories {
        notes.lost("the cases' categories and tags");
    }
    rows
}

fn to_expected(v: &str) -> String {
    if v == "reference" {
        EXPECTED.to_string()
    } else {
        v.to_string()
    }
}

fn from_expected(v: &str) -> String {
    if v == EXPECTED {
        "reference".to_string()
    } else {
        v.to_string()
    }
}

/// A string evaluator, or a note.
fn evaluator(e: &Evaluator, notes: &mut Notes) -> Option<Y> {
    let (key, value) = match &e.check {
        Check::Equals {
            value,
            ignore_case: false,
        } => ("equals", value),
        Check::Contains { value } => ("contains", value),
        Check::StartsWith { value } => ("startsWith", value),
        Check::EndsWith { value } => ("endsWith", value),
        other => {
            let kind = match other {
                Check::Equals { .. } => "equals, ignoring case",
                k => k.kind(),
            };
            notes.lost(format_args!("evaluator \"{}\" ({kind})", e.name));
            return None;
        }
    };
    if !logic(value).is_empty() {
        notes.add(format!(
            "evaluator \"{}\" ({}) uses Jinja logic in its value, which .prompt.yml does not \
             run: left out",
            e.name,
            e.check.kind()
        ));
        return None;
    }
    if e.weight != 1.0 {
        notes.lost(format_args!(
            "evaluator \"{}\"'s weight {}",
            e.name, e.weight
        ));
    }
    Some(Y::map().with("name", Y::str(&e.name)).with(
        "string",
        Y::map().with(key, Y::str(to_plain_braces(value, to_expected))),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct File {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    model_parameters: Option<Params>,
    #[serde(default)]
    response_format: Option<String>,
    #[serde(default)]
    json_schema: Option<IgnoredAny>,
    messages: Vec<Message>,
    #[serde(default)]
    test_data: Option<Vec<IgnoredAny>>,
    #[serde(default)]
    evaluators: Vec<FileEvaluator>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Params {
    #[serde(default)]
    max_tokens: Option<u32>,
    #[serde(default)]
    temperature: Option<f64>,
    #[serde(default)]
    top_p: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Message {
    role: String,
    content: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEvaluator {
    name: String,
    #[serde(default)]
    string: Option<StringCheck>,
    #[serde(default)]
    llm: Option<IgnoredAny>,
    #[serde(default)]
    uses: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StringCheck {
    #[serde(default)]
    equals: Option<String>,
    #[serde(default)]
    contains: Option<String>,
    #[serde(default)]
    starts_with: Option<String>,
    #[serde(default)]
    ends_with: Option<String>,
}

/// Bedrock model ids start with their vendor, or a cross-region prefix and the vendor.
const BEDROCK_PREFIXES: [&str; 18] = [
    "amazon",
    "anthropic",
    "ai21",
    "cohere",
    "deepseek",
    "meta",
    "mistral",
    "openai",
    "qwen",
    "stability",
    "writer",
    "twelvelabs",
    "us",
    "eu",
    "apac",
    "global",
    "jp",
    "au",
];

/// The provider a bare model id belongs to: `bedrock` for a Bedrock model id, else `openai`.
pub(super) fn provider_of(model: &str) -> &'static str {
    match model.split_once('.') {
        Some((prefix, rest))
            if !rest.is_empty() && !model.contains('/') && BEDROCK_PREFIXES.contains(&prefix) =>
        {
            "bedrock"
        }
        _ => "openai",
    }
}

pub(super) fn import(file: &str, text: &str) -> Result<Imported, ImportError> {
    let f: File = read::yaml(file, text, 1)?;
    let mut notes = Vec::new();
    let name = match f.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => n.to_string(),
        None => file_stem(file),
    };
    let model_id = f
        .model
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .ok_or_else(|| {
            ImportError::field(file, "model", "the prompt names no model: add `model: …`")
        })?
        .to_string();
    if model_id.contains('/') {
        notes.push(format!(
            "model `{model_id}` is a GitHub Models id: imported for an OpenAI-compatible \
             endpoint; choose the endpoint in Model settings"
        ));
    }
    let params = f.model_parameters.unwrap_or(Params {
        max_tokens: None,
        temperature: None,
        top_p: None,
    });
    let same = |v: &str| v.to_string();
    let mut system = String::new();
    let mut messages = Vec::new();
    for (i, m) in f.messages.iter().enumerate() {
        let content = from_plain_braces(&m.content, same);
        push_message(&m.role, i == 0, content, &mut system, &mut messages)
            .map_err(|message| ImportError::field(file, &format!("messages[{i}].role"), message))?;
    }
    if messages.is_empty() {
        return Err(ImportError::field(
            file,
            "messages",
            "the prompt has no user or assistant message",
        ));
    }
    let mut evaluators = Vec::new();
    for (i, e) in f.evaluators.iter().enumerate() {
        let check = match &e.string {
            Some(s) => string_check(file, i, s)?,
            None => {
                let what = match (&e.llm, &e.uses) {
                    (Some(_), _) => "an llm evaluator".to_string(),
                    (None, Some(u)) => format!("the built-in evaluator `{u}`"),
                    (None, None) => {
                        return Err(ImportError::field(
                            file,
                            &format!("evaluators[{i}]"),
                            "give the evaluator `string`, `llm` or `uses`",
                        ))
                    }
                };
                notes.push(format!(
                    "evaluator \"{}\" is {what}: not imported; add a judge in Galley",
                    e.name
                ));
                continue;
            }
        };
        evaluators.push(Evaluator {
            name: e.name.clone(),
            weight: 1.0,
            check,
        });
    }
    if let Some(rows) = &f.test_data {
        notes.push(format!(
            "testData ({} rows) is not part of a blueprint: import it as a dataset",
            rows.len()
        ));
    }
    if f.description
        .as_deref()
        .is_some_and(|d| !d.trim().is_empty())
    {
        notes.push("the description is not kept".into());
    }
    if f.response_format.is_some() || f.json_schema.is_some() {
        notes.push("responseFormat and jsonSchema are not kept".into());
    }
    let mut content = BlueprintContent {
        system,
        messages,
        variables: Vec::new(),
        model: ModelSettings {
            provider: provider_of(&model_id).to_string(),
            endpoint: None,
            model_id,
            max_tokens: params.max_tokens,
            temperature: params.temperature,
            top_p: params.top_p,
            stop_sequences: Vec::new(),
            cache_prompt: false,
            guardrail: None,
            extra_fields: None,
        },
        evaluators,
        thresholds: Default::default(),
    };
    content.variables = declared_from_templates(&content);
    Ok(Imported {
        name,
        content,
        notes,
        endpoint_url: None,
    })
}

fn string_check(file: &str, i: usize, s: &StringCheck) -> Result<Check, ImportError> {
    let value = |v: &String| from_plain_braces(v, from_expected);
    let set: Vec<Check> = [
        s.equals.as_ref().map(|v| Check::Equals {
            value: value(v),
            ignore_case: false,
        }),
        s.contains
            .as_ref()
            .map(|v| Check::Contains { value: value(v) }),
        s.starts_with
            .as_ref()
            .map(|v| Check::StartsWith { value: value(v) }),
        s.ends_with
            .as_ref()
            .map(|v| Check::EndsWith { value: value(v) }),
    ]
    .into_iter()
    .flatten()
    .collect();
    match <[Check; 1]>::try_from(set) {
        Ok([one]) => Ok(one),
        Err(_) => Err(ImportError::field(
            file,
            &format!("evaluators[{i}].string"),
            "give exactly one of equals, contains, startsWith, endsWith",
        )),
    }
}

/// String variables for every placeholder of the templates, in order of first use.
pub(super) fn declared_from_templates(c: &BlueprintContent) -> Vec<VariableDecl> {
    let mut names: Vec<String> = Vec::new();
    for (_, src) in c.templates() {
        for p in placeholders(src) {
            if !names.contains(&p) {
                names.push(p);
            }
        }
    }
    names
        .into_iter()
        .map(|name| VariableDecl {
            name,
            var_type: Default::default(),
            default: None,
            description: String::new(),
        })
        .collect()
}

/// The file's name without its format's ending, as a blueprint name.
pub(super) fn file_stem(file: &str) -> String {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let lower = base.to_ascii_lowercase();
    for ending in [".prompt.yml", ".prompt.yaml", ".prompty", ".json"] {
        if lower.ends_with(ending) {
            return base[..base.len() - ending.len()].to_string();
        }
    }
    base.to_string()
}

#[cfg(test)]
#[path = "prompt_yml_tests.rs"]
mod tests;
