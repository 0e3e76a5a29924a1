//! A promptfoo configuration (`promptfooconfig.yaml`): the messages as a chat JSON array in the
//! prompt's `raw` (promptfoo renders the variables inside each JSON string), the model as a
//! provider, the dataset's cases as tests, and the evaluators as assertions of `defaultTest`.
//!
//! The variables' values are typed as Galley types them when rendering (booleans, numbers,
//! JSON structures), and `defaultTest.options.disableVarExpansion` keeps a list one value. A
//! test without a reference answer gets its own copy of the assertions that use `reference`:
//! a check fails there with Galley's reason, a judge grades without the reference.

use super::jinja::{pieces, Piece};
use super::yaml::{document, Y};
use super::{find_endpoint, typed_value, variable_names, ExportInput, NamedEndpoint, Notes};
use crate::blueprint::BlueprintContent;
use crate::eval::{resolve_rubric, value, Check, EvalError, Evaluator, JudgeConfig};

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
    let assertions: Vec<Assertion> = c
        .evaluators
        .iter()
        .filter_map(|e| assertion(e, input.endpoints, notes))
        .collect();
    let mut tests = tests(input, &names, notes);
    // The assertions that use the reference answer go into each test when a test has none:
    // there they fail with Galley's reason, as Galley's evaluation fails them.
    let split = assertions.iter().any(|a| a.no_reference.is_some())
        && tests.iter().any(|t| !t.has_reference);
    if split {
        for t in &mut tests {
            let own: Vec<Y> = assertions
                .iter()
                .filter_map(|a| match (&a.no_reference, t.has_reference) {
                    (Some(_), true) => Some(a.full.clone()),
                    (Some(without), false) => Some(without.clone()),
                    (None, _) => None,
                })
                .collect();
            if !t.has_reference {
                no_reference_note(&t.title, &assertions, notes);
            }
            t.y.put("assert", Y::Seq(own));
        }
    }

    let mut default_test = Y::map();
    if !input.cases.is_empty() {
        let mut vars = Y::map();
        for n in &names {
            if let Some(d) = c.variable(n).and_then(|v| v.default.as_deref()) {
                vars.put(n, typed(c, n, d, "the defaults", notes));
            }
        }
        if !vars.is_empty_map() {
            default_test.put("vars", vars);
        }
    }
    // A list variable is one value, as in Galley, not one test per item.
    default_test.put(
        "options",
        Y::map().with("disableVarExpansion", Y::Bool(true)),
    );
    let asserts: Vec<Y> = assertions
        .iter()
        .filter(|a| !split || a.no_reference.is_none())
        .map(|a| a.full.clone())
        .collect();
    if !asserts.is_empty() {
        default_test.put("assert", Y::Seq(asserts));
    }
    doc.put("defaultTest", default_test);
    doc.put("tests", Y::Seq(tests.into_iter().map(|t| t.y).collect()));
    notes.thresholds(c);
    document(&[SCHEMA], &doc)
}

/// One note for a test without a reference answer whose assertions use one.
fn no_reference_note(title: &str, assertions: &[Assertion], notes: &mut Notes) {
    let quoted = |judge: bool| -> Vec<String> {
        assertions
            .iter()
            .filter(|a| a.no_reference.is_some() && a.judge == judge)
            .map(|a| format!("\"{}\"", a.name))
            .collect()
    };
    let (checks, judges) = (quoted(false), quoted(true));
    let mut parts = Vec::new();
    if !checks.is_empty() {
        parts.push(format!(
            "the assertions of {} fail there, as Galley's evaluation fails them (`reference` \
             has no value)",
            checks.join(", ")
        ));
    }
    if !judges.is_empty() {
        parts.push(format!(
            "the judge {} grades without a reference, as in Galley",
            judges.join(", ")
        ));
    }
    notes.add(format!(
        "{title} has no reference answer: {}",
        parts.join("; ")
    ));
}

/// A variable's value typed as Galley types it when rendering (a boolean, a number, a JSON
/// structure), so that promptfoo's Nunjucks sees what Galley's Jinja sees; text it does not
/// convert to is kept as text, with a note.
fn typed(c: &BlueprintContent, name: &str, raw: &str, place: &str, notes: &mut Notes) -> Y {
    let var_type = c.variable(name).map(|v| v.var_type).unwrap_or_default();
    match typed_value(var_type, raw) {
        Ok(v) => Y::from_json(&v),
        Err(e) => {
            notes.add(format!(
                "{place}, variable \"{name}\": {e}: written as text, which Galley would not \
                 render"
            ));
            Y::str(raw)
        }
    }
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

/// One test of the configuration.
struct Test {
    /// How notes name it: `case 2`.
    title: String,
    y: Y,
    /// Whether `reference` has a value in it (the case's reference answer, or a variable).
    has_reference: bool,
}

/// The tests: one per case (its values and `reference`), or one of the variables' defaults.
fn tests(input: &ExportInput<'_>, names: &[String], notes: &mut Notes) -> Vec<Test> {
    let c = input.content;
    if input.cases.is_empty() {
        let title = "the test of the defaults";
        let mut vars = Y::map();
        for n in names {
            match c.variable(n).and_then(|v| v.default.as_deref()) {
                Some(d) => vars.put(n, typed(c, n, d, title, notes)),
                None => {
                    notes.add(format!(
                        "variable \"{n}\" has no default and there is no dataset: the test \
                         leaves it empty"
                    ));
                    vars.put(n, Y::str(""));
                }
            }
        }
        return vec![Test {
            title: title.into(),
            y: Y::map()
                .with("description", Y::str("defaults of the variables"))
                .with("vars", vars),
            has_reference: names.iter().any(|n| n == "reference"),
        }];
    }
    input
        .cases
        .iter()
        .enumerate()
        .map(|(i, case)| {
            let title = format!("case {}", i + 1);
            // the reference answer wins over a variable of its name, as in Galley's evaluation
            let shadowed = |k: &str| k == "reference" && case.reference.is_some();
            let mut vars = Y::map();
            for n in names.iter().filter(|n| !shadowed(n)) {
                if let Some(v) = case.values.get(n) {
                    vars.put(n, typed(c, n, v, &title, notes));
                }
            }
            for (k, v) in &case.values {
                if !names.contains(k) && !shadowed(k) {
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
            let mut y = Y::map()
                .with("description", Y::str(&title))
                .with("vars", vars);
            if !metadata.is_empty_map() {
                y.put("metadata", metadata);
            }
            Test {
                has_reference: case.reference.is_some() || case.values.contains_key("reference"),
                title,
                y,
            }
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

/// An evaluator's assertion.
struct Assertion {
    /// The evaluator's name (the assertion's metric).
    name: String,
    judge: bool,
    full: Y,
    /// When its value uses `reference`: what stands for it in a test without a reference
    /// answer. For a check, an assertion that fails with Galley's reason (Galley cannot render
    /// the value); for a judge, its rubric without the reference (Galley's judge grades without).
    no_reference: Option<Y>,
}

/// The assertion of one evaluator, or a note saying why there is none.
fn assertion(e: &Evaluator, endpoints: &[NamedEndpoint], notes: &mut Notes) -> Option<Assertion> {
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
        Check::Latency { max_ms } => typed("latency").with("threshold", Y::Int((*max_ms).into())),
        Check::Cost { max_usd } => typed("cost").with("threshold", Y::Float(*max_usd)),
        Check::Tokens { .. } => {
            notes.lost(format_args!("evaluator \"{}\" (tokens)", e.name));
            return None;
        }
        Check::Judge(j) => {
            let (full, without) = judge(e, j, endpoints, notes)?;
            return Some(Assertion {
                name: e.name.clone(),
                judge: true,
                full: weighed(full, e),
                no_reference: without.map(|w| weighed(w, e)),
            });
        }
    };
    let no_reference = e
        .check
        .templated_field()
        .filter(|(_, src)| value::uses_reference(src))
        .map(|(field, _)| {
            let reason = EvalError::Template {
                field,
                message: value::NO_REFERENCE.into(),
            };
            let result = format!(
                "({{ pass: false, score: 0, reason: {} }})",
                serde_json::to_string(&reason.to_string()).expect("a string serialises")
            );
            weighed(typed("javascript").with("value", Y::str(result)), e)
        });
    Some(Assertion {
        name: e.name.clone(),
        judge: false,
        full: weighed(a, e),
        no_reference,
    })
}

/// The weight (when not 1) and the metric (the evaluator's name) of an assertion.
fn weighed(mut a: Y, e: &Evaluator) -> Y {
    if e.weight != 1.0 {
        a.put("weight", Y::Float(e.weight));
    }
    a.put("metric", Y::str(&e.name));
    a
}

/// An LLM judge as `llm-rubric`: the rubric's text (with the reference when it uses one), the
/// pass score as threshold, the judge model as the grading provider. When the rubric uses the
/// reference, also the same assertion without it, for a test without a reference answer.
fn judge(
    e: &Evaluator,
    j: &JudgeConfig,
    endpoints: &[NamedEndpoint],
    notes: &mut Notes,
) -> Option<(Y, Option<Y>)> {
    let rubric = match resolve_rubric(j) {
        Ok(r) => r,
        Err(err) => {
            notes.add(format!("evaluator \"{}\" (judge): {err}: left out", e.name));
            return None;
        }
    };
    let criteria = rubric.criteria.trim().to_string();
    let rubric_text = |with_reference: bool| {
        let mut text = criteria.clone();
        if with_reference {
            text.push_str("\n\nReference answer: {{ reference }}");
        }
        Y::map()
            .with("type", Y::str("llm-rubric"))
            .with("value", Y::str(text))
            .with("threshold", Y::Float(j.pass_score))
    };
    let mut a = rubric_text(rubric.uses_reference);
    let mut without = rubric.uses_reference.then(|| rubric_text(false));
    let mut grader = |provider: Y| {
        a.put("provider", provider.clone());
        if let Some(w) = &mut without {
            w.put("provider", provider);
        }
    };
    match j.provider_and_model() {
        Some(("bedrock", model)) => grader(Y::str(format!("bedrock:{model}"))),
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
            grader(p);
        }
        _ => notes.add(format!(
            "evaluator \"{}\" (judge) runs on `{}`, which promptfoo cannot name: the assertion \
             uses promptfoo's default grader",
            e.name, j.model
        )),
    }
    Some((a, without))
}

#[cfg(test)]
#[path = "promptfoo_tests.rs"]
mod tests;
