use super::super::fixture::{self, cases, full, golden, on_endpoint};
use super::super::{messages, ExportFormat};
use super::*;

#[test]
fn exports_prompt_provider_tests_and_assertions() {
    let f = fixture::export(ExportFormat::Promptfoo, &full(), &cases());
    assert_eq!(f.path, "promptfoo/support-reply-en/promptfooconfig.yaml");
    golden("full.promptfooconfig.yaml", &f.text);
    assert_eq!(
        messages(&f),
        vec![
            "stop sequences [\"END\"] (promptfoo's bedrock provider takes them per model family) \
             has no promptfoo equivalent",
            "the model's extra request fields {\"top_k\":50} has no promptfoo equivalent",
            "the prompt-cache checkpoint after the system prompt (cachePrompt) has no promptfoo \
             equivalent",
            "evaluator \"few tokens\" (tokens) has no promptfoo equivalent",
            "case 2 has no reference answer: the assertions of \"exact\", \"mentions city\" fail \
             there, as Galley's evaluation fails them (`reference` has no value); the judge \
             \"judge quality\" grades without a reference, as in Galley",
            "threshold minPassRate 0.8 has no promptfoo equivalent",
            "threshold minMean \"judge quality\" 0.7 has no promptfoo equivalent",
            "threshold maxCostPerCaseUsd 0.02 has no promptfoo equivalent",
            "threshold maxP95LatencyMs 8000 has no promptfoo equivalent",
        ]
    );
}

#[test]
fn an_endpoint_gives_its_url_and_key_variable_name() {
    let f = fixture::export(ExportFormat::Promptfoo, &on_endpoint(), &[]);
    golden("endpoint.promptfooconfig.yaml", &f.text);
    assert_eq!(
        messages(&f),
        vec![
            "the test of the defaults has no reference answer: the judge \"judge\" grades \
             without a reference, as in Galley"
        ]
    );
    assert!(!f.text.contains("sim-secret"));
}

#[test]
fn what_promptfoo_cannot_run_is_noted() {
    let mut c = on_endpoint();
    c.model.endpoint = Some("gone".into());
    c.evaluators = vec![
        Evaluator {
            name: "ends".into(),
            weight: 1.0,
            check: Check::EndsWith {
                value: "{{ x | upper }}".into(),
            },
        },
        Evaluator {
            name: "local judge".into(),
            weight: 1.0,
            check: Check::Judge(JudgeConfig {
                metric: "correctness".into(),
                rubric: None,
                model: "local:SmolLM2-135M-Instruct".into(),
                pass_score: 0.5,
            }),
        },
    ];
    let f = fixture::export(ExportFormat::Promptfoo, &c, &[]);
    assert_eq!(
        messages(&f),
        vec![
            "the endpoint `gone` is not in this Galley's settings: apiBaseUrl is not written",
            "evaluator \"ends\" (ends-with) uses Jinja logic in its value, which promptfoo's \
             JavaScript assertion cannot take: left out",
            "evaluator \"local judge\" (judge) runs on `local:SmolLM2-135M-Instruct`, which \
             promptfoo cannot name: the assertion uses promptfoo's default grader",
            "the test of the defaults has no reference answer: the judge \"local judge\" grades \
             without a reference, as in Galley",
        ]
    );
    let f = fixture::export(
        ExportFormat::Promptfoo,
        &BlueprintContent::chat("", "Hi"),
        &[],
    );
    assert!(f.text.contains("\nproviders: []\n"), "{}", f.text);
    assert_eq!(
        messages(&f),
        vec![
            "the model runs on Galley's local provider (SmolLM2-135M-Instruct), which promptfoo \
              cannot name: no model is written; choose one there"
        ]
    );
}

#[test]
fn template_values_become_javascript_over_the_vars() {
    assert_eq!(
        js_string("Dear {{ customer }}!").unwrap(),
        "\"Dear \" + String(context.vars.customer ?? '') + \"!\""
    );
    assert_eq!(js_string("").unwrap(), "''");
    assert_eq!(js_string("{% if a %}x{% endif %}"), None);
}

#[test]
fn variables_are_typed_as_galley_renders_them() {
    use crate::blueprint::{VarType, VariableDecl};
    use crate::dataset::Case;
    use std::collections::BTreeMap;

    let mut c = BlueprintContent::chat("", "{{ n }} {{ on }} {{ labels }} {{ note }}");
    let var = |name: &str, var_type, default: Option<&str>| VariableDecl {
        name: name.into(),
        var_type,
        default: default.map(str::to_string),
        description: String::new(),
    };
    c.variables = vec![
        var("n", VarType::Number, Some("3")),
        var("on", VarType::Boolean, Some("false")),
        var("labels", VarType::Json, Some(r#"["a", "b"]"#)),
        var("note", VarType::String, Some("007")),
    ];
    // No dataset: one test of the defaults, typed.
    let f = fixture::export(ExportFormat::Promptfoo, &c, &[]);
    let tail = &f.text[f.text.find("defaultTest:").unwrap()..];
    assert_eq!(
        tail,
        "defaultTest:\n  options:\n    disableVarExpansion: true\ntests:\n  \
         - description: defaults of the variables\n    vars:\n      \"n\": 3\n      \
         \"on\": false\n      labels:\n        - a\n        - b\n      note: \"007\"\n"
    );
    // Cases: their values typed the same way; a value that is not of its type stays text, noted.
    let cases = vec![Case {
        values: BTreeMap::from([
            ("n".to_string(), "2.5".to_string()),
            ("on".to_string(), "yes".to_string()),
            ("labels".to_string(), r#"{"k": [1, null]}"#.to_string()),
            ("extra".to_string(), "true".to_string()),
        ]),
        reference: Some("R".into()),
        ..Default::default()
    }];
    let mut bad = cases.clone();
    bad[0].values.insert("n".into(), "lots".into());
    let f = fixture::export(ExportFormat::Promptfoo, &c, &cases);
    let tail = &f.text[f.text.find("defaultTest:").unwrap()..];
    assert_eq!(
        tail,
        "defaultTest:\n  vars:\n    \"n\": 3\n    \"on\": false\n    labels:\n      - a\n      \
         - b\n    note: \"007\"\n  options:\n    disableVarExpansion: true\ntests:\n  \
         - description: case 1\n    vars:\n      \"n\": 2.5\n      \"on\": true\n      labels:\n        \
         k:\n          - 1\n          - null\n      extra: \"true\"\n      reference: R\n"
    );
    assert_eq!(
        messages(&f).len(),
        1,
        "only the local model's: {:?}",
        messages(&f)
    );
    let f = fixture::export(ExportFormat::Promptfoo, &c, &bad);
    assert!(f.text.contains("\n      \"n\": lots\n"), "{}", f.text);
    assert_eq!(
        messages(&f)[1..],
        [
            "case 1, variable \"n\": `lots` is not a number: written as text, which Galley would \
          not render"
        ]
    );
}

#[test]
fn a_case_without_reference_fails_the_checks_that_use_it() {
    let mut c = on_endpoint();
    c.evaluators = vec![
        Evaluator {
            name: "names it".into(),
            weight: 2.0,
            check: Check::Icontains {
                value: "{{ reference }}".into(),
            },
        },
        Evaluator {
            name: "short".into(),
            weight: 1.0,
            check: Check::Length {
                min: None,
                max: Some(20),
            },
        },
    ];
    let mut two = cases();
    two[1].values.clear();
    let f = fixture::export(ExportFormat::Promptfoo, &c, &two);
    let tail = &f.text[f.text.find("defaultTest:").unwrap()..];
    assert_eq!(
        tail,
        "defaultTest:\n  vars:\n    country: France\n  options:\n    disableVarExpansion: true\n  \
         assert:\n    - type: javascript\n      value: \"[...output.trim()].length <= 20\"\n      \
         metric: short\ntests:\n  - description: case 1\n    vars:\n      \
         question: \"Where is my order #12?\"\n      reference: Lyon\n    metadata:\n      \
         category: orders\n    assert:\n      - type: icontains\n        \
         value: \"{{ reference }}\"\n        weight: 2.0\n        metric: names it\n  \
         - description: case 2\n    vars: {}\n    assert:\n      - type: javascript\n        \
         value: \"({ pass: false, score: 0, reason: \\\"`value` template: uses `reference`, but \
         this case has no reference answer\\\" })\"\n        weight: 2.0\n        \
         metric: names it\n"
    );
    assert_eq!(
        messages(&f),
        ["case 2 has no reference answer: the assertions of \"names it\" fail there, as Galley's \
          evaluation fails them (`reference` has no value)"]
    );
    // Every case with a reference: the assertions stay in defaultTest.
    let f = fixture::export(ExportFormat::Promptfoo, &c, &two[..1]);
    assert!(!f.text.contains("\n    assert:"), "{}", f.text);
    assert!(f.text.contains("metric: names it"), "{}", f.text);
}
