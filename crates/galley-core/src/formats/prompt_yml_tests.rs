use super::super::fixture::{self, cases, full, golden, on_endpoint};
use super::super::{import, messages, ExportFormat};
use super::*;
use crate::blueprint::{MessageTemplate, Role};

#[test]
fn exports_every_field_it_can_and_notes_the_rest() {
    let f = fixture::export(ExportFormat::PromptYml, &full(), &cases());
    assert_eq!(f.path, "prompts/support-reply-en.prompt.yml");
    golden("full.prompt.yml", &f.text);
    assert!(f
        .notes
        .iter()
        .all(|n| n.path == f.path && n.blueprint == fixture::NAME));
    assert_eq!(
        messages(&f),
        vec![
            "model `anthropic.claude-3-5-haiku-20241022-v1:0` is a Bedrock model id: GitHub Models \
             runs the models of its own catalog (publisher/model)",
            "stop sequences [\"END\"] has no .prompt.yml equivalent",
            "guardrail gr-abc123 version 1 has no .prompt.yml equivalent",
            "the prompt-cache checkpoint after the system prompt (cachePrompt) has no .prompt.yml \
             equivalent",
            "the model's extra request fields {\"top_k\":50} has no .prompt.yml equivalent",
            "message 3 (user) uses Jinja logic (a {% %} block, a filter) that .prompt.yml does not \
             run: its {{name}} replacement sends that part as written",
            "variable \"customer\" (default, description) has no .prompt.yml equivalent",
            "variable \"question\" (description) has no .prompt.yml equivalent",
            "variable \"urgent\" (type boolean, default) has no .prompt.yml equivalent",
            "the cases' categories and tags has no .prompt.yml equivalent",
            "evaluator \"exact any case\" (equals, ignoring case) has no .prompt.yml equivalent",
            "evaluator \"mentions city\" (icontains) has no .prompt.yml equivalent",
            "evaluator \"no apology\" (not-contains) has no .prompt.yml equivalent",
            "evaluator \"has number\" (regex) has no .prompt.yml equivalent",
            "evaluator \"json\" (is-json) has no .prompt.yml equivalent",
            "evaluator \"schema\" (json-schema) has no .prompt.yml equivalent",
            "evaluator \"short\" (length) has no .prompt.yml equivalent",
            "evaluator \"fast\" (latency) has no .prompt.yml equivalent",
            "evaluator \"cheap\" (cost) has no .prompt.yml equivalent",
            "evaluator \"few tokens\" (tokens) has no .prompt.yml equivalent",
            "evaluator \"judge quality\" (judge) has no .prompt.yml equivalent",
            "threshold minPassRate 0.8 has no .prompt.yml equivalent",
            "threshold minMean \"judge quality\" 0.7 has no .prompt.yml equivalent",
            "threshold maxCostPerCaseUsd 0.02 has no .prompt.yml equivalent",
            "threshold maxP95LatencyMs 8000 has no .prompt.yml equivalent",
        ]
    );
}

#[test]
fn without_a_dataset_one_test_holds_the_defaults() {
    let f = fixture::export(ExportFormat::PromptYml, &on_endpoint(), &[]);
    assert!(
        f.text.ends_with("testData:\n  - country: France\n"),
        "{}",
        f.text
    );
    assert!(f.text.starts_with(
        "name: Support reply (EN)\nmodel: gpt-4o-mini\nmodelParameters:\n  maxTokens: 64\n  \
         temperature: 0.0\n"
    ));
    assert!(messages(&f).contains(&"the endpoint `sim` has no .prompt.yml equivalent".to_string()));
    let local = BlueprintContent::chat("", "Hi {{ who }}");
    let f = fixture::export(ExportFormat::PromptYml, &local, &[]);
    assert!(!f.text.contains("model:"), "{}", f.text);
    assert_eq!(
        messages(&f),
        vec![
            "the model runs on Galley's local provider (SmolLM2-135M-Instruct), which .prompt.yml \
             cannot name: no model is written; choose one there",
            "variable \"who\" has no default and there is no dataset: the test leaves it empty",
        ]
    );
}

/// What `.prompt.yml` carries: messages, placeholders, model and parameters, string checks.
fn portable() -> BlueprintContent {
    let mut c = BlueprintContent::chat(
        "You are terse.\nAnswer in French.",
        "Capital of {{ country }}?",
    );
    c.messages.push(MessageTemplate {
        role: Role::Assistant,
        template: "Paris.".into(),
    });
    c.messages.push(MessageTemplate {
        role: Role::User,
        template: "And {{ other }}?".into(),
    });
    c.variables = declared_from_templates(&c);
    c.model = ModelSettings {
        provider: "bedrock".into(),
        model_id: "us.anthropic.claude-3-5-haiku-20241022-v1:0".into(),
        max_tokens: Some(100),
        temperature: Some(0.5),
        top_p: None,
        ..ModelSettings::default()
    };
    c.evaluators = vec![
        Evaluator {
            name: "same".into(),
            weight: 1.0,
            check: Check::Equals {
                value: "{{ reference }}".into(),
                ignore_case: false,
            },
        },
        Evaluator {
            name: "has".into(),
            weight: 1.0,
            check: Check::Contains {
                value: "Rome".into(),
            },
        },
        Evaluator {
            name: "starts".into(),
            weight: 1.0,
            check: Check::StartsWith {
                value: "It is {{ other }}".into(),
            },
        },
        Evaluator {
            name: "ends".into(),
            weight: 1.0,
            check: Check::EndsWith { value: ".".into() },
        },
    ];
    c
}

#[test]
fn round_trips_what_it_carries() {
    let c = portable();
    let f = fixture::export(ExportFormat::PromptYml, &c, &cases());
    assert!(
        f.text.contains("      equals: \"{{expected}}\"\n"),
        "{}",
        f.text
    );
    let back = import("support-reply-en.prompt.yml", &f.text).unwrap();
    assert_eq!(back.name, fixture::NAME);
    assert_eq!(back.content, c);
    assert_eq!(
        back.notes,
        vec!["testData (2 rows) is not part of a blueprint: import it as a dataset"]
    );
    let mut openai = c.clone();
    openai.model.provider = "openai".into();
    openai.model.model_id = "gpt-4o-mini".into();
    let f = fixture::export(ExportFormat::PromptYml, &openai, &[]);
    assert_eq!(import("x.prompt.yml", &f.text).unwrap().content, openai);
}

#[test]
fn reads_github_models_files() {
    let text = "name: Summarizer\nmodel: openai/gpt-4o-mini\nmodelParameters: {temperature: 0.5}\n\
                messages:\n  - role: system\n    content: You summarize text.\n  - role: user\n    \
                content: \"Summarize: {{input}}\"\ntestData:\n  - input: The fox jumped.\n    \
                expected: Summary - a fox jumped.\nevaluators:\n  - name: prefix\n    string: \
                {startsWith: 'Summary -'}\n  - name: sim\n    uses: github/similarity\n";
    let got = import("sum.prompt.yml", text).unwrap();
    assert_eq!(got.name, "Summarizer");
    assert_eq!(got.content.system, "You summarize text.");
    assert_eq!(got.content.messages[0].template, "Summarize: {{ input }}");
    assert_eq!(got.content.variables[0].name, "input");
    assert_eq!(got.content.model.provider, "openai");
    assert_eq!(got.content.model.model_id, "openai/gpt-4o-mini");
    assert_eq!(got.content.model.temperature, Some(0.5));
    assert_eq!(
        got.content.evaluators[0].check,
        Check::StartsWith {
            value: "Summary -".into()
        }
    );
    assert_eq!(
        got.notes,
        vec![
            "model `openai/gpt-4o-mini` is a GitHub Models id: imported for an OpenAI-compatible \
             endpoint; choose the endpoint in Model settings",
            "evaluator \"sim\" is the built-in evaluator `github/similarity`: not imported; add a \
             judge in Galley",
            "testData (1 rows) is not part of a blueprint: import it as a dataset",
        ]
    );
}

#[test]
fn refuses_what_it_cannot_read() {
    let err = |text: &str| import("bad.prompt.yml", text).unwrap_err().to_string();
    let e = err("name: x\nmodel: m\ntemprature: 1\nmessages: []\n");
    assert!(
        e.starts_with("bad.prompt.yml, line 3, column 1: unknown field `temprature`"),
        "{e}"
    );
    assert_eq!(
        err("name: x\nmessages:\n  - role: user\n    content: hi\n"),
        "bad.prompt.yml, `model`: the prompt names no model: add `model: …`"
    );
    assert_eq!(
        err("model: m\nmessages:\n  - role: tool\n    content: hi\n"),
        "bad.prompt.yml, `messages[0].role`: role `tool`: use system, user or assistant"
    );
    assert_eq!(
        err(
            "model: m\nmessages:\n  - role: user\n    content: hi\nevaluators:\n  - name: a\n    \
             string: {equals: a, contains: b}\n"
        ),
        "bad.prompt.yml, `evaluators[0].string`: give exactly one of equals, contains, \
         startsWith, endsWith"
    );
    let e = err("model: m\nmessages:\n  - role: user\n    content: [1\n");
    assert!(e.starts_with("bad.prompt.yml, line 4"), "{e}");
    assert_eq!(
        err("model: m\nmessages:\n  - role: user\n    content: \"{{ x }\"\n"),
        "bad.prompt.yml: the prompt cannot be a Galley version: message 1 (user) line 1, column \
         6: syntax error: unexpected `}`, expected end of variable block"
    );
}
