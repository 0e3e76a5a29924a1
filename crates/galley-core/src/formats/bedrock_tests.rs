use super::super::fixture::{self, cases, full, golden, on_endpoint};
use super::super::{import, messages, ExportFormat};
use super::*;

#[test]
fn exports_a_create_prompt_request() {
    let f = fixture::export(ExportFormat::Bedrock, &full(), &cases());
    assert_eq!(f.path, "bedrock/support-reply-en.json");
    golden("full.bedrock.json", &f.text);
    let notes = messages(&f);
    assert_eq!(
        notes[..2],
        [
            "message 3 (user) uses Jinja logic (a {% %} block, a filter) that Bedrock Prompt \
             Management does not run: its {{name}} replacement sends that part as written",
            "guardrail gr-abc123 version 1 has no Bedrock Prompt Management equivalent",
        ]
    );
    assert_eq!(notes.len(), 2 + 15 + 4, "{notes:#?}");
    assert_eq!(
        notes[2],
        "evaluator \"exact\" (equals) has no Bedrock Prompt Management equivalent"
    );
}

#[test]
fn names_are_what_bedrock_accepts() {
    assert_eq!(prompt_name("support-reply-en"), "support-reply-en");
    assert_eq!(prompt_name("résumé-v2"), "r-sum-v2");
    assert_eq!(prompt_name("--"), "prompt");
    assert_eq!(prompt_name(&"a".repeat(150)).len(), 100);
    for ok in ["a", "a_b", "a-b-c", "A1_"] {
        assert!(valid_name(ok), "{ok}");
    }
    for bad in ["", "_a", "a__b", "a b", "é"] {
        assert!(!valid_name(bad), "{bad}");
    }
}

#[test]
fn what_bedrock_cannot_hold_is_noted() {
    let mut c = on_endpoint();
    c.model.temperature = Some(1.5);
    c.model.stop_sequences = (1..=5).map(|i| format!("S{i}")).collect();
    let f = fixture::export(ExportFormat::Bedrock, &c, &[]);
    assert!(!f.text.contains("modelId"), "{}", f.text);
    assert_eq!(
        messages(&f),
        vec![
            "the model `gpt-4o-mini` runs on an OpenAI-compatible endpoint, not Bedrock: no \
             modelId is written",
            "temperature 1.5 is above Bedrock's prompt limit of 1: left out",
            "stop sequence \"S5\": Bedrock takes at most 4, left out",
            "evaluator \"judge\" (judge) has no Bedrock Prompt Management equivalent",
        ]
    );
}

#[test]
fn round_trips_what_it_carries() {
    let mut c = full();
    c.messages.truncate(2);
    c.variables = crate::formats::prompt_yml::declared_from_templates(&c);
    c.model.guardrail = None;
    c.evaluators.clear();
    c.thresholds = Default::default();
    let f = fixture::export(ExportFormat::Bedrock, &c, &[]);
    assert!(f.notes.is_empty(), "{:?}", f.notes);
    let back = import("support-reply-en.json", &f.text).unwrap();
    assert_eq!(back.name, fixture::NAME);
    assert_eq!(back.content, c);
    assert!(back.notes.is_empty());
}

#[test]
fn refuses_what_it_cannot_read() {
    let err = |text: &str| import("bad.json", text).unwrap_err().to_string();
    assert_eq!(
        err("{\"name\": \"x\",\n \"variants\": [], \"colour\": 1}"),
        "bad.json, line 2, column 25: unknown field `colour`, expected one of `name`, \
         `description`, `customerEncryptionKeyArn`, `defaultVariant`, `variants`, `clientToken`, \
         `tags`, `id`, `arn`, `version`, `createdAt`, `updatedAt`"
    );
    assert_eq!(
        err("{\"name\": \"x\"}"),
        "bad.json, `variants`: the prompt has no variant"
    );
    let variant = |extra: &str| {
        format!(
            "{{\"name\":\"x\",\"variants\":[{{\"name\":\"v\",\"templateType\":\"CHAT\",\
             \"templateConfiguration\":{{\"chat\":{{\"messages\":[{{\"role\":\"user\",\
             \"content\":[{{\"text\":\"hi {{{{q}}}}\"}}]}}]}}}}{extra}}}]}}"
        )
    };
    assert_eq!(
        err(&variant("")),
        "bad.json, `variants[0].modelId`: the variant names no model: add its modelId"
    );
    let ok = import("ok.json", &variant(",\"modelId\":\"amazon.nova-pro-v1:0\"")).unwrap();
    assert_eq!(ok.content.messages[0].template, "hi {{ q }}");
    assert_eq!(ok.content.variables[0].name, "q");
    assert_eq!(
        err("{\"name\":\"x\",\"defaultVariant\":\"b\",\"variants\":[]}"),
        "bad.json, `defaultVariant`: no variant is named `b`"
    );
    let e = err("{\"name\": ");
    assert!(e.starts_with("bad.json, line 1, column 9: EOF"), "{e}");
}
