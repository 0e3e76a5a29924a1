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
    assert!(messages(&f).is_empty(), "{:?}", messages(&f));
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
