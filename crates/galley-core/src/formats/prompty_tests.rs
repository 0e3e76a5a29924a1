use super::super::fixture::{self, cases, full, golden, on_endpoint};
use super::super::{import, messages, ExportFormat};
use super::*;
use crate::BlueprintContent;

#[test]
fn exports_front_matter_and_body() {
    let f = fixture::export(ExportFormat::Prompty, &full(), &cases());
    assert_eq!(f.path, "prompts/support-reply-en.prompty");
    golden("full.prompty", &f.text);
    let notes = messages(&f);
    assert_eq!(notes.len(), 22, "{notes:#?}");
    assert_eq!(
        notes[..3],
        [
            "guardrail gr-abc123 version 1 has no Prompty equivalent",
            "the prompt-cache checkpoint after the system prompt (cachePrompt) has no Prompty \
             equivalent",
            "the model's extra request fields {\"top_k\":50} has no Prompty equivalent",
        ]
    );
    assert_eq!(
        notes[3],
        "evaluator \"exact\" (equals) has no Prompty equivalent"
    );
    assert_eq!(
        notes[18],
        "threshold minPassRate 0.8 has no Prompty equivalent"
    );
    let f = fixture::export(ExportFormat::Prompty, &on_endpoint(), &[]);
    golden("endpoint.prompty", &f.text);
    assert_eq!(
        messages(&f),
        vec![
            "the connection's endpoint is written as a URL, which Prompty 2 loads only from a \
             trusted origin: set PROMPTY_TRUSTED_ENDPOINTS=http://127.0.0.1:4010 to load it",
            "the model's extra request fields {\"seed\":7} has no Prompty equivalent",
            "evaluator \"judge\" (judge) has no Prompty equivalent",
        ]
    );
}

#[test]
fn notes_what_prompty_would_read_otherwise() {
    let mut c = BlueprintContent::chat(" padded", "Line one\nuser:\nline three");
    c.model.provider = "openai".into();
    c.model.endpoint = Some("elsewhere".into());
    let f = fixture::export(ExportFormat::Prompty, &c, &[]);
    assert_eq!(
        messages(&f),
        vec![
            "the endpoint `elsewhere` is not in this Galley's settings: no connection is written",
            "system starts or ends with blank space, which Prompty trims",
            "message 1 (user) has the line `user:`, which Prompty reads as the start of another \
             message",
        ]
    );
}

#[test]
fn round_trips_its_own_files() {
    let mut c = full();
    c.model.guardrail = None;
    c.model.cache_prompt = false;
    c.model.extra_fields = None;
    c.evaluators.clear();
    c.thresholds = Default::default();
    let f = fixture::export(ExportFormat::Prompty, &c, &[]);
    let back = import("support-reply-en.prompty", &f.text).unwrap();
    assert_eq!(back.name, fixture::NAME);
    assert_eq!(back.content, c);
    assert!(back.notes.is_empty(), "{:?}", back.notes);
    let c = on_endpoint();
    let back = import(
        "x.prompty",
        &fixture::export(ExportFormat::Prompty, &c, &[]).text,
    )
    .unwrap();
    let mut expected = c.clone();
    expected.model.endpoint = None;
    expected.model.extra_fields = None;
    expected.evaluators.clear();
    assert_eq!(back.content, expected);
    assert!(back.notes.is_empty(), "{:?}", back.notes);
    assert_eq!(
        back.endpoint_url.as_deref(),
        Some("http://127.0.0.1:4010/v1")
    );

    // The connection's URL finds the endpoint of the settings it came from (a trailing `/` and
    // the case of the host do not matter), or says that none has it.
    let mut connected = back.clone();
    let mut endpoints = fixture::endpoints();
    endpoints[0].base_url = "HTTP://127.0.0.1:4010/v1/".into();
    connected.connect(&endpoints);
    expected.model.endpoint = Some("sim".into());
    assert_eq!(connected.content, expected);
    assert_eq!(
        connected.notes,
        vec!["runs on the endpoint `sim` of the settings (same URL); its key comes from there"]
    );
    let mut unknown = back.clone();
    unknown.connect(&[]);
    assert_eq!(unknown.content.model.endpoint, None);
    assert_eq!(
        unknown.notes,
        vec![
            "no endpoint of the settings has the URL http://127.0.0.1:4010/v1: add one in Settings → \
             OpenAI-compatible endpoints, then choose it in Model settings"
        ]
    );
}

#[test]
fn reads_version_1_files() {
    let text = "---\nname: Basic Prompt\ndescription: A basic prompt\nauthors: [me]\nmodel:\n  \
                api: chat\n  configuration:\n    type: azure_openai\n    azure_deployment: gpt-4o\n  \
                parameters:\n    max_tokens: 128\n    temperature: 0.2\n    stop: [\"##\"]\n\
                inputs:\n  question:\n    type: string\n    sample: Who?\n  n: 3\n\
                sample:\n  question: Who?\ntemplate: jinja2\n---\nsystem:\nYou help.\n\n\
                user:\n{{question}} x{{ n }}\n";
    let got = import("basic.prompty", text).unwrap();
    assert_eq!(got.name, "Basic Prompt");
    let c = &got.content;
    assert_eq!((c.system.as_str(), c.messages.len()), ("You help.", 1));
    assert_eq!(c.messages[0].template, "{{question}} x{{ n }}");
    assert_eq!(
        (c.model.provider.as_str(), c.model.model_id.as_str()),
        ("openai", "gpt-4o")
    );
    assert_eq!(c.model.max_tokens, Some(128));
    assert_eq!(c.model.stop_sequences, vec!["##"]);
    assert_eq!(c.variables[0].default.as_deref(), Some("Who?"));
    assert_eq!(c.variables[1].name, "n");
    assert_eq!(c.variables[1].default.as_deref(), Some("3"));
    assert_eq!(
        got.notes,
        vec![
            "the connection (endpoint, key) is not kept: choose the endpoint in Model settings",
            "an Azure OpenAI model is imported for an OpenAI-compatible endpoint",
            "description is not kept",
            "metadata (authors, tags, version) is not kept",
            "sample is not kept",
        ]
    );
}

#[test]
fn refuses_what_it_cannot_read() {
    let err = |text: &str| import("bad.prompty", text).unwrap_err().to_string();
    let front = "---\nname: x\nmodel:\n  id: m\n  provider: bedrock\n";
    assert_eq!(
        err("user:\nhi\n"),
        "bad.prompty, line 1: a .prompty file starts with its front matter between two `---` lines"
    );
    assert_eq!(
        err("---\nname: x\n"),
        "bad.prompty, line 1: the front matter has no closing `---` line"
    );
    let e = err(&format!("{front}  temprature: 1\n---\nuser:\nhi\n"));
    assert!(
        e.starts_with("bad.prompty, line 6, column 3: unknown field `temprature`"),
        "{e}"
    );
    assert_eq!(
        err(&format!("{front}template: mustache\n---\nuser:\nhi\n")),
        "bad.prompty, `template.format`: `mustache` templates cannot be imported: Galley \
         templates are Jinja (jinja2)"
    );
    assert_eq!(
        err("---\nmodel:\n  id: m\n  provider: anthropic\n---\nuser:\nhi\n"),
        "bad.prompty, `model.provider`: `anthropic`: Galley runs bedrock, openai or local models"
    );
    assert_eq!(
        err(&format!("{front}---\nhello\nuser:\nhi\n")),
        "bad.prompty, line 7: text before the first role line (`system:`, `user:` or `assistant:`)"
    );
    assert_eq!(
        err(&format!("{front}---\nuser:\nhi\nsystem:\nlate\n")),
        "bad.prompty, line 9: a system message must come first, and only once"
    );
    assert_eq!(
        err(&format!("{front}---\nuser:\nhi\ntool:\nx\n")),
        "bad.prompty, line 9: role `tool`: use system, user or assistant"
    );
    assert_eq!(
        err(&format!(
            "{front}inputs:\n  a:\n    kind: date\n---\nuser:\n{{{{ a }}}}\n"
        )),
        "bad.prompty, `inputs.a`: input kind `date`: use string, number, boolean, object or array"
    );
}

#[test]
fn defaults_are_typed_as_declared() {
    let mut c = BlueprintContent::chat("", "{{ n }} {{ on }} {{ labels }} {{ opts }} {{ rows }}");
    let var = |name: &str, var_type, default: &str| VariableDecl {
        name: name.into(),
        var_type,
        default: Some(default.into()),
        description: String::new(),
    };
    c.variables = vec![
        var("n", VarType::Number, " 2.5"),
        var("on", VarType::Boolean, "yes"),
        var("labels", VarType::Json, r#"["hardware", "office"]"#),
        var("opts", VarType::Json, r#"{"b": 1, "a": [true]}"#),
        var("rows", VarType::Json, r#"[[1, 2], [], "x"]"#),
        var("bad", VarType::Number, "many"),
    ];
    let f = fixture::export(ExportFormat::Prompty, &c, &[]);
    let front = f.text.split("---\n").nth(1).unwrap();
    let inputs = &front[front.find("inputs:\n").unwrap()..front.find("template:\n").unwrap()];
    assert_eq!(
        inputs,
        "inputs:\n\
         \x20 \"n\":\n    kind: number\n    default: 2.5\n\
         \x20 \"on\":\n    kind: boolean\n    default: true\n\
         \x20 labels:\n    kind: array\n    items:\n      kind: string\n    default:\n      \
         - hardware\n      - office\n\
         \x20 opts:\n    kind: object\n    default:\n      a:\n        - true\n      b: 1\n\
         \x20 rows:\n    kind: array\n    items:\n      kind: object\n    default:\n      \
         -\n        - 1\n        - 2\n      - []\n      - x\n\
         \x20 bad:\n    kind: number\n    default: many\n"
    );
    assert_eq!(
        messages(&f)[1..],
        ["variable \"bad\": its default `many` is not a number: written as text"]
    );
    // Galley reads the typed defaults back as the same values.
    let back = import("x.prompty", &f.text).unwrap();
    let defaults: Vec<Option<&str>> = back
        .content
        .variables
        .iter()
        .map(|v| v.default.as_deref())
        .collect();
    assert_eq!(
        defaults,
        [
            Some("2.5"),
            Some("true"),
            Some(r#"["hardware","office"]"#),
            Some(r#"{"a":[true],"b":1}"#),
            Some(r#"[[1,2],[],"x"]"#),
            Some("many"),
        ]
    );
    let types: Vec<VarType> = back.content.variables.iter().map(|v| v.var_type).collect();
    assert_eq!(
        types,
        [
            VarType::Number,
            VarType::Boolean,
            VarType::Json,
            VarType::Json,
            VarType::Json,
            VarType::Number
        ]
    );
}

#[test]
fn only_untrusted_endpoints_ask_for_trust() {
    assert_eq!(
        untrusted_origin("http://127.0.0.1:4010/v1").as_deref(),
        Some("http://127.0.0.1:4010")
    );
    assert_eq!(
        untrusted_origin("HTTPS://Models.Example.com:443/v1?x=1").as_deref(),
        Some("https://models.example.com")
    );
    assert_eq!(
        untrusted_origin("http://user:pw@[::1]:8080/v1").as_deref(),
        Some("http://[::1]:8080")
    );
    assert_eq!(untrusted_origin("https://api.openai.com/v1"), None);
    assert_eq!(
        untrusted_origin("https://acme.openai.azure.com/openai"),
        None
    );
    assert_eq!(
        untrusted_origin("https://api.openai.com:8443/v1").as_deref(),
        Some("https://api.openai.com:8443")
    );
}
