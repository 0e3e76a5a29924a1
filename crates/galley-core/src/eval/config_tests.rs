use serde_json::json;

use super::*;

fn ev(name: &str, check: Check) -> Evaluator {
    Evaluator {
        name: name.into(),
        weight: 1.0,
        check,
    }
}

fn judge(metric: &str, rubric: Option<&str>, model: &str, pass_score: f64) -> Check {
    Check::Judge(JudgeConfig {
        metric: metric.into(),
        rubric: rubric.map(String::from),
        model: model.into(),
        pass_score,
    })
}

fn fields(issues: &[EvalIssue]) -> Vec<(String, String)> {
    issues
        .iter()
        .map(|i| (i.evaluator.clone(), i.field.clone()))
        .collect()
}

fn every_variant() -> Vec<(Check, serde_json::Value)> {
    vec![
        (
            Check::Equals {
                value: "{{ reference }}".into(),
                ignore_case: true,
            },
            json!({"type": "equals", "value": "{{ reference }}", "ignoreCase": true}),
        ),
        (
            Check::Contains {
                value: "Paris".into(),
            },
            json!({"type": "contains", "value": "Paris"}),
        ),
        (
            Check::Icontains {
                value: "paris".into(),
            },
            json!({"type": "icontains", "value": "paris"}),
        ),
        (
            Check::NotContains {
                value: "sorry".into(),
                ignore_case: false,
            },
            json!({"type": "not-contains", "value": "sorry"}),
        ),
        (
            Check::Regex {
                pattern: r"^\d+$".into(),
            },
            json!({"type": "regex", "pattern": r"^\d+$"}),
        ),
        (
            Check::StartsWith { value: "A".into() },
            json!({"type": "starts-with", "value": "A"}),
        ),
        (
            Check::EndsWith { value: ".".into() },
            json!({"type": "ends-with", "value": "."}),
        ),
        (Check::IsJson, json!({"type": "is-json"})),
        (
            Check::JsonSchema {
                schema: json!({"type": "object"}),
            },
            json!({"type": "json-schema", "schema": {"type": "object"}}),
        ),
        (
            Check::Length {
                min: None,
                max: Some(280),
            },
            json!({"type": "length", "max": 280}),
        ),
        (
            Check::Latency { max_ms: 500 },
            json!({"type": "latency", "maxMs": 500}),
        ),
        (
            Check::Cost { max_usd: 0.01 },
            json!({"type": "cost", "maxUsd": 0.01}),
        ),
        (
            Check::Tokens {
                max_output: Some(300),
                max_total: None,
            },
            json!({"type": "tokens", "maxOutput": 300}),
        ),
        (
            judge("correctness", None, "local:SmolLM2-135M-Instruct", 0.75),
            json!({"type": "judge", "metric": "correctness", "model": "local:SmolLM2-135M-Instruct", "passScore": 0.75}),
        ),
    ]
}

#[test]
fn every_check_round_trips_with_a_kebab_case_tag() {
    for (check, mut expected) in every_variant() {
        let e = ev("x", check.clone());
        let json = serde_json::to_value(&e).unwrap();
        let map = expected.as_object_mut().unwrap();
        map.insert("name".into(), json!("x"));
        map.insert("weight".into(), json!(1.0));
        assert_eq!(json, expected, "{}", check.kind());
        assert_eq!(json["type"], check.kind());
        let back: Evaluator = serde_json::from_value(json).unwrap();
        assert_eq!(back, e);
        assert!(validate(&[back]).is_empty(), "{}", check.kind());
    }
}

#[test]
fn defaults_fill_weight_ignore_case_and_pass_score() {
    let list: Vec<Evaluator> = serde_json::from_str(
        r#"[{"name":"a","type":"not-contains","value":"x"},
            {"name":"b","weight":2,"type":"judge","metric":"custom","rubric":"Is it kind?","model":"bedrock:m"}]"#,
    )
    .unwrap();
    assert_eq!(list[0].weight, 1.0);
    assert_eq!(
        list[0].check,
        Check::NotContains {
            value: "x".into(),
            ignore_case: false
        }
    );
    assert_eq!(list[1].weight, 2.0);
    assert_eq!(
        list[1].check,
        judge("custom", Some("Is it kind?"), "bedrock:m", 0.5)
    );
    let bad: Result<Evaluator, _> = serde_json::from_str(r#"{"name":"a","type":"not-a-check"}"#);
    assert!(bad.is_err());
}

#[test]
fn typescript_types_export() {
    let ts = Evaluator::export_to_string().unwrap();
    assert!(ts.contains("name: string"), "{ts}");
    assert!(
        ts.contains(
            r#"weight: number, } & ({ "type": "equals", value: string, ignoreCase?: boolean, }"#
        ),
        "{ts}"
    );
    let ts = Check::export_to_string().unwrap();
    assert!(ts.contains("\"type\": \"not-contains\""), "{ts}");
    assert!(ts.contains("ignoreCase?: boolean"), "{ts}");
    assert!(ts.contains("maxMs: number"), "{ts}");
    assert!(ts.contains("\"type\": \"judge\" } & JudgeConfig"), "{ts}");
    let ts = JudgeConfig::export_to_string().unwrap();
    assert!(ts.contains("rubric?: string"), "{ts}");
    assert!(ts.contains("passScore: number"), "{ts}");
    assert!(EvalIssue::export_to_string()
        .unwrap()
        .contains("index?: number"));
}

#[test]
fn names_must_be_present_and_unique_and_weights_positive() {
    let c = Check::IsJson;
    let mut list = vec![ev("json", c.clone()), ev("json", c.clone()), ev(" ", c)];
    list[0].weight = 0.0;
    list[1].weight = f64::INFINITY;
    let issues = validate(&list);
    assert_eq!(
        fields(&issues),
        vec![
            ("json".into(), "weight".into()),
            ("json".into(), "name".into()),
            ("json".into(), "weight".into()),
            ("evaluator 3".into(), "name".into()),
        ]
    );
    assert_eq!(issues[1].index, Some(1));
    assert_eq!(
        issues[1].to_string(),
        "json, `name`: another evaluator is already named `json`"
    );
}

#[test]
fn text_values_are_checked() {
    let list = vec![
        ev(
            "bad regex",
            Check::Regex {
                pattern: "(unclosed".into(),
            },
        ),
        ev(
            "huge regex",
            Check::Regex {
                pattern: r"\w{1000}{1000}".into(),
            },
        ),
        ev(
            "templated regex",
            Check::Regex {
                pattern: "^{{ city | regex_escape }}".into(),
            },
        ),
        ev(
            "bad template",
            Check::Contains {
                value: "{{ reference ".into(),
            },
        ),
        ev("empty", Check::StartsWith { value: "".into() }),
    ];
    let issues = validate(&list);
    assert_eq!(
        fields(&issues),
        vec![
            ("bad regex".into(), "pattern".into()),
            ("huge regex".into(), "pattern".into()),
            ("bad template".into(), "value".into()),
            ("empty".into(), "value".into()),
        ]
    );
    assert!(issues[0].message.contains("regex"), "{}", issues[0].message);
    assert!(
        issues[1].message.contains("too large") || issues[1].message.contains("limit"),
        "{}",
        issues[1].message
    );
    assert!(issues[2].message.starts_with("template error, line 1"));
}

#[test]
fn schemas_and_bounds_are_checked() {
    let list = vec![
        ev(
            "schema",
            Check::JsonSchema {
                schema: json!({"type": "no-such-type"}),
            },
        ),
        ev(
            "len",
            Check::Length {
                min: Some(10),
                max: Some(5),
            },
        ),
        ev(
            "len2",
            Check::Length {
                min: None,
                max: None,
            },
        ),
        ev("lat", Check::Latency { max_ms: 0 }),
        ev("cost", Check::Cost { max_usd: f64::NAN }),
        ev(
            "tok",
            Check::Tokens {
                max_output: None,
                max_total: None,
            },
        ),
    ];
    assert_eq!(
        fields(&validate(&list)),
        vec![
            ("schema".into(), "schema".into()),
            ("len".into(), "min".into()),
            ("len2".into(), "max".into()),
            ("lat".into(), "maxMs".into()),
            ("cost".into(), "maxUsd".into()),
            ("tok".into(), "maxOutput".into()),
        ]
    );
}

#[test]
fn judges_are_checked() {
    let list = vec![
        ev("m", judge("correctnes", None, "local:x", 0.5)),
        ev("c", judge("custom", Some("  "), "local:x", 0.5)),
        ev("r", judge("coherence", Some("mine"), "local:x", 0.5)),
        ev("p", judge("relevance", None, "ollama:llama3", 1.5)),
        ev("e", judge("harmfulness", None, "bedrock:", -0.1)),
        ev(
            "ok",
            judge("custom", Some("Is it polite?"), "openai:lab/qwen", 1.0),
        ),
    ];
    let issues = validate(&list);
    assert_eq!(
        fields(&issues),
        vec![
            ("m".into(), "metric".into()),
            ("c".into(), "rubric".into()),
            ("r".into(), "rubric".into()),
            ("p".into(), "model".into()),
            ("p".into(), "passScore".into()),
            ("e".into(), "model".into()),
            ("e".into(), "passScore".into()),
        ]
    );
    assert!(issues[0].message.contains("correctness, completeness"));
    let j = JudgeConfig {
        metric: "x".into(),
        rubric: None,
        model: "bedrock:anthropic.claude-3-5-haiku-20241022-v1:0".into(),
        pass_score: 0.5,
    };
    assert_eq!(
        j.provider_and_model(),
        Some(("bedrock", "anthropic.claude-3-5-haiku-20241022-v1:0"))
    );
}
