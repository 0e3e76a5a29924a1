//! The blueprints the format tests export: one that sets every field, one on an
//! OpenAI-compatible endpoint, and the dataset cases of both.

use std::collections::BTreeMap;

use super::{ExportFormat, ExportInput, ForeignFile, NamedEndpoint};
use crate::blueprint::{
    BlueprintContent, GuardrailConfig, MessageTemplate, ModelSettings, Role, VarType, VariableDecl,
};
use crate::dataset::Case;
use crate::eval::{Check, Evaluator, JudgeConfig, Thresholds};

pub(crate) const NAME: &str = "Support reply (EN)";
pub(crate) const SLUG: &str = "support-reply-en";

fn var(name: &str, var_type: VarType, default: Option<&str>, description: &str) -> VariableDecl {
    VariableDecl {
        name: name.into(),
        var_type,
        default: default.map(str::to_string),
        description: description.into(),
    }
}

fn eval(name: &str, check: Check) -> Evaluator {
    Evaluator {
        name: name.into(),
        weight: 1.0,
        check,
    }
}

/// Every field set: three messages (one with Jinja logic), typed variables, a Bedrock model
/// with guardrail, cache point and extra fields, one evaluator of each kind, thresholds.
pub(crate) fn full() -> BlueprintContent {
    BlueprintContent {
        system: "You answer support e-mails for ACME.\nBe brief: two paragraphs at most.".into(),
        messages: vec![
            MessageTemplate {
                role: Role::User,
                template: "{{ customer }} asks:\n{{ question }}".into(),
            },
            MessageTemplate {
                role: Role::Assistant,
                template: "Let me check.".into(),
            },
            MessageTemplate {
                role: Role::User,
                template: "{% if urgent %}URGENT: {% endif %}{{ question | trim }}".into(),
            },
        ],
        variables: vec![
            var("customer", VarType::String, Some("Ana"), "Who writes"),
            var("question", VarType::String, None, "The customer's question"),
            var("urgent", VarType::Boolean, Some("false"), ""),
        ],
        model: ModelSettings {
            provider: "bedrock".into(),
            endpoint: None,
            model_id: "anthropic.claude-3-5-haiku-20241022-v1:0".into(),
            max_tokens: Some(512),
            temperature: Some(0.2),
            top_p: Some(0.9),
            stop_sequences: vec!["END".into()],
            cache_prompt: true,
            guardrail: Some(GuardrailConfig {
                identifier: "gr-abc123".into(),
                version: "1".into(),
                trace: true,
            }),
            extra_fields: Some(serde_json::json!({"top_k": 50})),
        },
        evaluators: vec![
            eval(
                "exact",
                Check::Equals {
                    value: "{{ reference }}".into(),
                    ignore_case: false,
                },
            ),
            eval(
                "exact any case",
                Check::Equals {
                    value: "Dear {{ customer }}".into(),
                    ignore_case: true,
                },
            ),
            eval(
                "names order",
                Check::Contains {
                    value: "order".into(),
                },
            ),
            eval(
                "mentions city",
                Check::Icontains {
                    value: "{{ reference }}".into(),
                },
            ),
            eval(
                "no apology",
                Check::NotContains {
                    value: "sorry".into(),
                    ignore_case: true,
                },
            ),
            eval(
                "has number",
                Check::Regex {
                    pattern: r"\d+".into(),
                },
            ),
            eval(
                "greets",
                Check::StartsWith {
                    value: "Dear".into(),
                },
            ),
            eval(
                "signs",
                Check::EndsWith {
                    value: "ACME support".into(),
                },
            ),
            eval("json", Check::IsJson),
            eval(
                "schema",
                Check::JsonSchema {
                    schema: serde_json::json!({"type": "object", "required": ["answer"]}),
                },
            ),
            eval(
                "short",
                Check::Length {
                    min: Some(10),
                    max: Some(800),
                },
            ),
            eval("fast", Check::Latency { max_ms: 5000 }),
            eval("cheap", Check::Cost { max_usd: 0.01 }),
            eval(
                "few tokens",
                Check::Tokens {
                    max_output: Some(300),
                    max_total: None,
                },
            ),
            Evaluator {
                name: "judge quality".into(),
                weight: 2.0,
                check: Check::Judge(JudgeConfig {
                    metric: "custom".into(),
                    rubric: Some("Polite, correct, and signed by ACME support.".into()),
                    model: "bedrock:anthropic.claude-3-5-haiku-20241022-v1:0".into(),
                    pass_score: 0.6,
                }),
            },
        ],
        thresholds: Thresholds {
            min_pass_rate: Some(0.8),
            min_mean: BTreeMap::from([("judge quality".to_string(), 0.7)]),
            max_cost_per_case_usd: Some(0.02),
            max_p95_latency_ms: Some(8000),
        },
    }
}

/// A plain blueprint on an OpenAI-compatible endpoint.
pub(crate) fn on_endpoint() -> BlueprintContent {
    BlueprintContent {
        system: "You are terse.".into(),
        messages: vec![MessageTemplate {
            role: Role::User,
            template: "Capital of {{ country }}?".into(),
        }],
        variables: vec![var("country", VarType::String, Some("France"), "")],
        model: ModelSettings {
            provider: "openai".into(),
            endpoint: Some("sim".into()),
            model_id: "gpt-4o-mini".into(),
            max_tokens: Some(64),
            temperature: Some(0.0),
            top_p: None,
            stop_sequences: vec!["\n\n".into()],
            cache_prompt: false,
            guardrail: None,
            extra_fields: Some(serde_json::json!({"seed": 7})),
        },
        evaluators: vec![Evaluator {
            name: "judge".into(),
            weight: 1.0,
            check: Check::Judge(JudgeConfig {
                metric: "correctness".into(),
                rubric: None,
                model: "openai:sim/gpt-4o".into(),
                pass_score: 0.5,
            }),
        }],
        thresholds: Thresholds::default(),
    }
}

pub(crate) fn cases() -> Vec<Case> {
    vec![
        Case {
            values: BTreeMap::from([(
                "question".to_string(),
                "Where is my order #12?".to_string(),
            )]),
            reference: Some("Lyon".into()),
            category: Some("orders".into()),
            ..Default::default()
        },
        Case {
            values: BTreeMap::from([
                ("customer".to_string(), "Bo".to_string()),
                ("question".to_string(), "Can I pay: later?".to_string()),
                ("urgent".to_string(), "true".to_string()),
            ]),
            reference: None,
            ..Default::default()
        },
    ]
}

pub(crate) fn endpoints() -> Vec<NamedEndpoint> {
    vec![NamedEndpoint {
        name: "sim".into(),
        base_url: "http://127.0.0.1:4010/v1".into(),
        api_key_env: Some("SIM_API_KEY".into()),
    }]
}

/// Exports `content` under the fixture's name.
pub(crate) fn export(
    format: ExportFormat,
    content: &BlueprintContent,
    cases: &[Case],
) -> ForeignFile {
    let endpoints = endpoints();
    super::export(
        format,
        &ExportInput {
            name: NAME,
            slug: SLUG,
            content,
            cases,
            endpoints: &endpoints,
        },
    )
    .expect("a foreign format")
}

/// Compares with a golden file; `UPDATE_GOLDEN=1` rewrites it.
pub(crate) fn golden(name: &str, actual: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/formats/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing: run with UPDATE_GOLDEN=1", path.display()));
    assert_eq!(actual, expected, "{name} differs from its golden file");
}
