//! A promptfoo configuration (`promptfooconfig.yaml`): the messages as a chat JSON array in the
//! prompt's `raw` (promptfoo renders the variables inside each JSON string), the model as a
//! provider, the dataset's cases as tests, and the evaluators as assertions of `defaultTest`.

use super::jinja::{pieces, Piece};
use super::yaml::{document, Y};
use super::{find_endpoint, variable_names, ExportInput, NamedEndpoint, Notes};
use crate::blueprint::BlueprintContent;
use crate::eval::{resolve_rubric, Check, Evaluator, JudgeConfig};

const SCHEMA: &str = "yaml-language-server: $schema=https://promptfoo.dev/config-schema.json";

pub(super) fn export(input: &ExportInput<'_>, notes: &mut Notes) -> String {
    let c = input.content;
    let mut doc = Y::map().with("description", Y::str(input.name)).with(
        "prompts",
        Y::Seq(vec![Y::map()
            .with("label", Y::str(input.name))
            .with("raw", Y::str(chat_json(c)))]),
    );
    let providers = match provider(c, input.endpoints, notes) {
        Some(p) => vec![p],
        None => Vec::new(),
    };
    doc.put("providers", Y::Seq(providers));

    let names = variable_names(c);
    let defaults: Vec<(String, String)> = names
        .iter()
        .filter_map(|n| {
            c.variable(n)
                .and_then(|v| v.default.clone())
                .map(|d| (n.clone(), d))
        })
        .collect();
    let mut default_test = Y::map();
    if !input.cases.is_empty() && !defaults.is_empty() {
        let mut vars = Y::map();
        for (n, d) in &defaults {
            vars.put(n, Y::str(d));
        }
        default_test.put("vars", vars);
    }
    let asserts: Vec<Y> = c
        .evaluators
        .iter()
        .filter_map(|e| assertion(e, input.endpoints, notes))
        .collect();
    if !asserts.is_empty() {
        default_test.put("assert", Y::Seq(asserts));
    }
    if !default_test.is_empty_map() {
        doc.put("defaultTest", default_test);
    }
    doc.put("tests", Y::Seq(tests(input, &names, notes)));
    notes.thresholds(c);
    document(&[SCHEMA], &doc)
}

/// The messages as promptfoo's chat format: a JSON array of `{role, content}`.
fn chat_json(c: &BlueprintContent) -> String {
    #[derive(serde::Serialize)]
    struct Message<'a> {
        role: &'a str,
        content: &'a str,
    }
    let mut messages = Vec::new();
    if !c.system.is_empty() {
        messages.push(Message {
            role: "system",
            content: &c.system,
        });
    }
    for m in &c.messages {
        messages.push(Message {
            role: m.role.as_str(),
            content: &m.template,
        });
    }
    serde_json::to_string_pretty(&messages).expect("JSON always serialises")
}

/// The model as a provider: `bedrock:<modelId>` or `openai:chat:<model>`.
fn provider(c: &BlueprintContent, endpoints: &[NamedEndpoint], notes: &mut Notes) -> Option<Y> {
    let m = &c.model;
    let mut config = Y::map();
    let id = match m.provider.as_str() {
        "bedrock" => {
            config = config
                .with_opt("temperature", m.temperature.map(Y::Float))
                .with_opt("max_tokens", m.max_tokens.map(|n| Y::Int(n.into())))
                .with_opt("topP", m.top_p.map(Y::Float));
            if let Some(g) = &m.guardrail {
                config.put("guardrailIdentifier", Y::str(&g.identifier));
                config.put("guardrailVersion", Y::str(&g.version));
                if !g.trace {
                    notes.lost("the guardrail's trace setting (off)");
                }
            }
            if !m.stop_sequences.is_empty() {
                notes.lost(format_args!(
                    "stop sequences {:?} (promptfoo's bedrock provider takes them per model family)",
                    m.stop_sequences
                ));
            }
            notes.extra_fields(c);
            format!("bedrock:{}", m.model_id)
        }
        "openai" => {
            config = openai_config(m.endpoint.as_deref(), endpoints, notes)
                .with_opt("temperature", m.temperature.map(Y::Float))
                .with_opt("max_tokens", m.max_tokens.map(|n| Y::Int(n.into())))
                .with_opt("top_p", m.top_p.map(Y::Float));
            if !m.stop_sequences.is_empty() {
                config.put(
                    "stop",
                    Y::Seq(m.stop_sequences.iter().map(Y::str).collect()),
                );
            }
            if let Some(extra) = &m.extra_fields {
                config.put("passthrough", Y::from_json(extra));
            }
            notes.guardrail(c);
            format!("openai:chat:{}", m.model_id)
        }
        _ => {
            notes.local_model(c);
            notes.guardrail(c);
            return None;
        }
    };
    notes.cache_prompt(c);
    let mut p = Y::map().with("id", Y::str(id));
    if !config.is_empty_map() {
        p.put("config", config);
    }
    Some(p)
}

/// `apiBaseUrl` and `apiKeyEnvar` of an OpenAI-compatible endpoint: its URL and the *name* of
/// its key variable, never a key.
fn openai_config(name: Option<&str>, endpoints: &[NamedEndpoint], notes: &mut Notes) -> Y {
    match find_endpoint(endpoints, name) {
        Some(e) => {
            let mut config = Y::map().with("apiBaseUrl", Y::str(&e.base_url));
            match &e.api_key_env {
                Some(var) => config.put("apiKeyEnvar", Y::str(var)),
                None => notes.add(format!(
                    "the endpoint `{}` takes no key, but promptfoo's OpenAI provider asks for \
                     one: set OPENAI_API_KEY to any value",
                    e.name
                )),
            }
            config
        }
        None => {
            notes.add(format!(
                "the endpoint {} is not in this Galley's settings: apiBaseUrl is not written",
                name.map_or("(none chosen)".to_string(), |n| format!("`{n}`"))
            ));
            Y::map()
        }
    }
}

/// The tests: one per case (its values and `reference`), or one of the variables' defaults.
fn tests(input: &ExportInput<'_>, names: &[String], notes: &mut Notes) -> Vec<Y> {
    let c = input.content;
    if input.cases.is_empty() {
        let mut vars = Y::map();
        for n in names {
            match c.variable(n).and_then(|v| v.default.clone()) {
                Some(d) => vars.put(n, Y::str(d)),
                None => {
                    notes.add(format!(
                        "variable \"{n}\" has no default and there is no dataset: the test \
                         leaves it empty"
                    ));
                    vars.put(n, Y::str(""));
                }
            }
        }
        return vec![Y::map()
            .with("description", Y::str("defaults of the variables"))
            .with("vars", vars)];
    }
    input
        .cases
        .iter()
        .enumerate()
        .map(|(i, case)| {
            let mut vars = Y::map();
            for n in names {
                if let Some(v) = case.values.get(n) {
                    vars.put(n, Y::str(v));
                }
            }
            for (k, v) in &case.values {
                if !names.contains(k) {
                    vars.put(k, Y::str(v));
                }
            }
            if let Some(r) = &case.reference {
                vars.put("reference", Y::str(r));
            }
            let mut metadata = Y::map();
            if let Some(cat) = &case.category {
                metadata.put("category", Y::str(cat));
            }
            if !case.tags.is_empty() {
                metadata.put("tags", Y::Seq(case.tags.iter().map(Y::str).collect()));
            }
            let mut t = Y::map()
                .with("description", Y::str(format!("case {}", i + 1)))
                .with("vars", vars);
            if !metadata.is_empty_map() {
                t.put("metadata", metadata);
            }
            t
        })
        .collect()
}

/// A template value as a JavaScript string expression over `context.vars`, when it is only
/// text and `{{ name }}` placeholders.
fn js_string(value: &str) -> Option<String> {
    let mut parts = Vec::new();
    for p in pieces(value) {
        match p {
            Piece::Text(t) => parts.push(serde_json::to_string(t).expect("a string serialises")),
            Piece::Var(v) => parts.push(format!("String(context.vars.{v} ?? '')")),
            Piece::Logic { .. } => return None,
        }
    }
    Some(if parts.is_empty() {
        "''".to_string()
    } else {
        parts.join(" + ")
    })
}

/// The assertion of one evaluator, or a note saying why there is none.
fn assertion(e: &Evaluator, endpoints: &[NamedEndpoint], notes: &mut Notes) -> Option<Y> {
    let no_js = |notes: &mut Notes| {
        notes.add(format!(
            "evaluator \"{}\" ({}) uses Jinja logic in its value, which promptfoo's JavaScript \
             assertion cannot take: left out",
            e.name,
            e.check.kind()
        ))
    };
    let typed = |t: &str| Y::map().with("type", Y::str(t));
    let a = match &e.check {
        Check::Equals {
            value,
            ignore_case: false,
        } => typed("equals").with("value", Y::str(value)),
        Check::Equals {
            value,
            ignore_case: true,
        } => match js_string(value) {
            Some(js) => typed("javascript").with(
                "value",
                Y::str(format!(
                    "output.trim().toLowerCase() === ({js}).trim().toLowerCase()"
                )),
            ),
            None => {
                no_js(notes);
                return None;
            }
        },
        Check::Contains { value } => typed("contains").with("value", Y::str(value)),
        Check::Icontains { value } => typed("icontains").with("value", Y::str(value)),
        Check::NotContains { value, ignore_case } => typed(if *ignore_case {
            "not-icontains"
        } else {
            "not-contains"
        })
        .with("value", Y::str(value)),
        Check::Regex { pattern } => {
            if pattern.contains("(?") {
                notes.add(format!(
                    "evaluator \"{}\" (regex) uses a `(?…)` group: promptfoo runs JavaScript \
                     regular expressions, check that it means the same there",
                    e.name
                ));
            }
            if pattern.contains("regex_escape") {
                notes.add(format!(
                    "evaluator \"{}\" (regex) uses the filter regex_escape, which promptfoo's \
                     Nunjucks does not have",
                    e.name
                ));
            }
            typed("regex").with("value", Y::str(pattern))
        }
        Check::StartsWith { value } => typed("starts-with").with("value", Y::str(value)),
        Check::EndsWith { value } => match js_string(value) {
            Some(js) => typed("javascript")
                .with("value", Y::str(format!("output.trimEnd().endsWith({js})"))),
            None => {
                no_js(notes);
                return None;
            }
        },
        Check::IsJson => typed("is-json"),
        Check::JsonSchema { schema } => typed("is-json").with("value", Y::from_json(schema)),
        Check::Length { min, max } => {
            let n = "[...output.trim()].length";
            let mut conds = Vec::new();
            if let Some(lo) = min {
                conds.push(format!("{n} >= {lo}"));
            }
            if let Some(hi) = max {
                conds.push(format!("{n} <= {hi}"));
            }
            if conds.is_empty() {
                conds.push("true".into());
            }
            typed("javascript").with("value", Y::str(conds.join(" && ")))
        }
        Check::Latency { max_ms } => typed("latency").with("threshold", Y::Int(*max_ms as i64)),
        Check::Cost { max_usd } => typed("cost").with("threshold", Y::Float(*max_usd)),
        Check::Tokens { .. } => {
            notes.lost(format_args!("evaluator \"{}\" (tokens)", e.name));
            return None;
        }
        Check::Judge(j) => judge(e, j, endpoints, notes)?,
    };
    let mut a = a;
    if e.weight != 1.0 {
        a.put("weight", Y::Float(e.weight));
    }
    a.put("metric", Y::str(&e.name));
    Some(a)
}

/// An LLM judge as `llm-rubric`: the rubric's text (with the reference when it uses one), the
/// pass score as threshold, the judge model as the grading provider.
fn judge(
    e: &Evaluator,
    j: &JudgeConfig,
    endpoints: &[NamedEndpoint],
    notes: &mut Notes,
) -> Option<Y> {
    let rubric = match resolve_rubric(j) {
        Ok(r) => r,
        Err(err) => {
            notes.add(format!("evaluator \"{}\" (judge): {err}: left out", e.name));
            return None;
        }
    };
    let mut text = rubric.criteria.trim().to_string();
    if rubric.uses_reference {
        text.push_str("\n\nReference answer: {{ reference }}");
    }
    let mut a = Y::map()
        .with("type", Y::str("llm-rubric"))
        .with("value", Y::str(text))
        .with("threshold", Y::Float(j.pass_score));
    match j.provider_and_model() {
        Some(("bedrock", model)) => a.put("provider", Y::str(format!("bedrock:{model}"))),
        Some(("openai", rest)) => {
            let (endpoint, model) = match rest.split_once('/') {
                Some((ep, m)) => (Some(ep), m),
                None => (None, rest),
            };
            let config = openai_config(endpoint, endpoints, notes);
            let mut p = Y::map().with("id", Y::str(format!("openai:chat:{model}")));
            if !config.is_empty_map() {
                p.put("config", config);
            }
            a.put("provider", p);
        }
        _ => notes.add(format!(
            "evaluator \"{}\" (judge) runs on `{}`, which promptfoo cannot name: the assertion \
             uses promptfoo's default grader",
            e.name, j.model
        )),
    }
    Some(a)
}

#[cfg(test)]
#[path = "promptfoo_tests.rs"]
mod tests;
