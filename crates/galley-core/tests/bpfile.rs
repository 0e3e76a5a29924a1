//! The blueprint file format: writing, reading, the rules of the format and the JSON Schema
//! (`schemas/blueprint.schema.json`), over the fixtures in `tests/fixtures/bpfile/`.
//!
//! The golden file `sample.galley.yaml` is compared byte for byte, so that a change of the
//! format is deliberate: after one, rewrite it with `GALLEY_BLESS=1 cargo test -p galley-core
//! --test bpfile` and review the diff.

use std::collections::BTreeMap;

use galley_core::blueprint::PROVIDERS;
use galley_core::bpfile::{
    from_yaml, parse, to_yaml, BlueprintFile, FileError, FileProblem, FileVersion, ProblemKind,
    FORMAT_VERSION, SCHEMA_JSON,
};
use galley_core::eval::{Check, Evaluator, JudgeConfig, Thresholds};
use galley_core::{
    BlueprintContent, GuardrailConfig, Label, MessageTemplate, ModelSettings, Role, VarType,
    VariableDecl,
};
use serde_json::{json, Value};

const SCHEMA_PATH: &str = "../schemas/blueprint.schema.json";

fn fixture_path(name: &str) -> String {
    format!(
        "{}/tests/fixtures/bpfile/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn fixture(name: &str) -> String {
    let path = fixture_path(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn message(role: Role, template: &str) -> MessageTemplate {
    MessageTemplate {
        role,
        template: template.into(),
    }
}

fn variable(
    name: &str,
    var_type: VarType,
    default: Option<&str>,
    description: &str,
) -> VariableDecl {
    VariableDecl {
        name: name.into(),
        var_type,
        default: default.map(Into::into),
        description: description.into(),
    }
}

fn evaluator(name: &str, weight: f64, check: Check) -> Evaluator {
    Evaluator {
        name: name.into(),
        weight,
        check,
    }
}

fn version(
    number: u32,
    parent: Option<u32>,
    message: &str,
    content: BlueprintContent,
) -> FileVersion {
    FileVersion {
        number,
        message: message.into(),
        author: "ana@example.com".into(),
        created_at: format!("2026-01-0{number}T10:00:00Z"),
        parent,
        content_hash: content.content_hash(),
        content,
    }
}

/// Version 1: the defaults with an empty system prompt. Version 2: Bedrock with a guardrail,
/// variables and templates full of YAML's special characters. Version 3: an OpenAI endpoint,
/// evaluators of every kind and thresholds.
fn sample() -> BlueprintFile {
    let v1 = BlueprintContent::chat("", "Hello {{ name }}");

    let mut v2 = BlueprintContent {
        system: "You answer support e-mails for ACME.\n\n\
                 Rules:\n  - be brief: two paragraphs at most\n  - never promise refunds # policy\n\
                 Quote \"exactly\" and 'carefully'. Tabs\tstay.\nÜnïcødé: 日本語 ✓ — “curly”\n"
            .into(),
        messages: vec![
            message(Role::User, "  Indented first line\nsecond: line\n"),
            message(Role::Assistant, "- a dash, not a list"),
            message(Role::User, "{{ email }}"),
        ],
        variables: vec![
            variable(
                "email",
                VarType::String,
                None,
                "The customer's e-mail: verbatim",
            ),
            variable("urgent", VarType::Boolean, Some("yes"), ""),
            variable("budget", VarType::Number, Some("42"), "# in euros"),
            variable("meta", VarType::Json, Some("{\"a\": [1, 2]}"), "Any JSON"),
        ],
        ..BlueprintContent::default()
    };
    v2.model = ModelSettings {
        provider: "bedrock".into(),
        endpoint: None,
        model_id: "anthropic.claude-3-5-haiku-20241022-v1:0".into(),
        max_tokens: Some(1024),
        temperature: Some(0.2),
        top_p: None,
        stop_sequences: vec!["\n\nHuman:".into(), "END".into(), "null".into()],
        cache_prompt: true,
        guardrail: Some(GuardrailConfig {
            identifier: "gr-123abc".into(),
            version: "1".into(),
            trace: true,
        }),
        // Keys in sorted order, as serde_json keeps them (with or without `preserve_order`).
        extra_fields: Some(json!({"nested": {"list": [1, 2.5, true, null, "x: y"]}, "top_k": 50})),
    };

    let mut v3 = v2.clone();
    v3.system = "You answer support e-mails for ACME.\n".into();
    v3.model = ModelSettings {
        provider: "openai".into(),
        endpoint: Some("team gateway".into()),
        model_id: "gpt-4o-mini".into(),
        max_tokens: None,
        temperature: Some(1.0),
        top_p: Some(0.95),
        stop_sequences: Vec::new(),
        cache_prompt: false,
        guardrail: None,
        extra_fields: None,
    };
    v3.evaluators = vec![
        evaluator(
            "mentions city",
            1.0,
            Check::Icontains {
                value: "{{ reference }}".into(),
            },
        ),
        evaluator(
            "polite",
            0.5,
            Check::Regex {
                pattern: r"(?i)\b(thanks|thank you)\b".into(),
            },
        ),
        evaluator(
            "exact",
            1.0,
            Check::Equals {
                value: "OK".into(),
                ignore_case: true,
            },
        ),
        evaluator(
            "no refund",
            1.0,
            Check::NotContains {
                value: "refund".into(),
                ignore_case: false,
            },
        ),
        evaluator("json", 1.0, Check::IsJson),
        evaluator(
            "shape",
            2.0,
            Check::JsonSchema {
                schema: json!({"required": ["answer"], "type": "object"}),
            },
        ),
        evaluator(
            "short",
            1.0,
            Check::Length {
                min: None,
                max: Some(800),
            },
        ),
        evaluator("fast", 1.0, Check::Latency { max_ms: 1500 }),
        evaluator("cheap", 1.0, Check::Cost { max_usd: 0.0025 }),
        evaluator(
            "tokens",
            1.0,
            Check::Tokens {
                max_output: Some(300),
                max_total: None,
            },
        ),
        evaluator(
            "correct",
            3.0,
            Check::Judge(JudgeConfig {
                metric: "custom".into(),
                rubric: Some("5: answers the question\n1: does not answer\n".into()),
                model: "local:SmolLM2-135M-Instruct".into(),
                pass_score: 0.6,
            }),
        ),
    ];
    v3.thresholds = Thresholds {
        min_pass_rate: Some(0.8),
        min_mean: BTreeMap::from([("correct".into(), 0.6), ("mentions city".into(), 0.5)]),
        max_cost_per_case_usd: Some(0.002),
        max_p95_latency_ms: Some(2000),
    };

    BlueprintFile {
        name: "Support reply".into(),
        tags: vec!["support".into(), "e-mail".into()],
        labels: BTreeMap::from([(Label::Dev, 3), (Label::Staging, 2), (Label::Prod, 2)]),
        versions: vec![
            version(1, None, "first draft", v1),
            version(2, Some(1), "Bedrock: guardrail, variables", v2),
            version(3, Some(2), "scored on OpenAI", v3),
        ],
    }
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> u64 {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` is not in the text")) as u64
        + 1
}

fn only_problem(err: FileError) -> FileProblem {
    assert_eq!(err.problems.len(), 1, "{err}");
    err.problems.into_iter().next().unwrap()
}

fn read_err(text: &str) -> FileError {
    match from_yaml(text) {
        Ok(f) => panic!("read a bad file: {f:?}"),
        Err(e) => e,
    }
}

// ---- writing and reading back -------------------------------------------------------------

#[test]
fn round_trip_gives_the_same_blueprint() {
    let file = sample();
    let text = to_yaml(&file, Some(SCHEMA_PATH));
    assert_eq!(from_yaml(&text).unwrap(), file, "{text}");
    let parsed = parse(&text, true).unwrap();
    assert_eq!(parsed.edited, None);
    assert_eq!(parsed.file, file);
}

#[test]
fn writing_is_deterministic_and_a_reexport_changes_nothing() {
    let file = sample();
    let once = to_yaml(&file, Some(SCHEMA_PATH));
    assert_eq!(once, to_yaml(&file, Some(SCHEMA_PATH)));
    assert_eq!(to_yaml(&from_yaml(&once).unwrap(), Some(SCHEMA_PATH)), once);
    assert!(once.ends_with('\n') && !once.ends_with("\n\n"));
    assert!(once.starts_with(
        "# yaml-language-server: $schema=../schemas/blueprint.schema.json\n# Galley blueprint."
    ));
    let mut newest_first = file.clone();
    newest_first.versions.reverse();
    assert_eq!(to_yaml(&newest_first, Some(SCHEMA_PATH)), once);
    let without = to_yaml(&file, None);
    assert!(without.starts_with("# Galley blueprint."), "{without}");
    assert_eq!(to_yaml(&file, Some("bad\npath")), without);
}

#[test]
fn golden_file_is_written_byte_for_byte() {
    let text = to_yaml(&sample(), Some(SCHEMA_PATH));
    if std::env::var_os("GALLEY_BLESS").is_some() {
        std::fs::write(fixture_path("sample.galley.yaml"), &text).unwrap();
    }
    let golden = fixture("sample.galley.yaml");
    assert!(
        text == golden,
        "the blueprint file format changed: review the diff and bless it\n--- written\n{text}"
    );
    assert_eq!(from_yaml(&golden).unwrap(), sample());
}

#[test]
fn layout_is_readable() {
    let text = to_yaml(&sample(), None);
    let expect_lines = [
        "format: galley.blueprint",
        "formatVersion: 1",
        "name: Support reply",
        "tags:\n  - support\n  - e-mail\n",
        "labels:\n  dev: 3\n  staging: 2\n  prod: 2\n",
        "versions:\n  - number: 1\n    message: first draft\n    author: ana@example.com\n    createdAt: \"2026-01-01T10:00:00Z\"\n    parent: null\n    contentHash: ",
        // An empty system prompt, a template with a variable, the defaults.
        "    content:\n      system: \"\"\n      messages:\n        - role: user\n          template: Hello {{ name }}\n",
        // Multi-line text is a literal block; a first line starting with blanks gets an
        // indentation indicator; `|-` when there is no final line break.
        "      system: |\n        You answer support e-mails for ACME.\n\n        Rules:\n          - be brief: two paragraphs at most\n",
        "          template: |2\n              Indented first line\n            second: line\n",
        "          template: \"- a dash, not a list\"\n",
        // Strings YAML would read as something else are quoted.
        "          default: \"yes\"\n",
        "          default: \"42\"\n",
        "          description: \"# in euros\"\n",
        "          description: \"The customer's e-mail: verbatim\"\n",
        "        stopSequences:\n          - \"\\n\\nHuman:\"\n          - END\n          - \"null\"\n",
        "          version: \"1\"\n",
        "        modelId: anthropic.claude-3-5-haiku-20241022-v1:0\n",
        "        extraFields:\n          nested:\n            list:\n              - 1\n              - 2.5\n              - true\n              - null\n              - \"x: y\"\n          top_k: 50\n",
        "        temperature: 1.0\n",
        "        - name: correct\n          weight: 3.0\n          type: judge\n          metric: custom\n          rubric: |\n            5: answers the question\n",
        "      thresholds:\n        minPassRate: 0.8\n        minMean:\n          correct: 0.6\n          mentions city: 0.5\n",
    ];
    for (i, line) in expect_lines.iter().enumerate() {
        let line = line.strip_suffix("\n").unwrap_or(line);
        assert!(
            text.contains(line.trim_start_matches('\n')),
            "expectation {i} not found: {line:?}\n{text}"
        );
    }
}

#[test]
fn fields_skipped_when_empty_stay_skipped() {
    // Version 1 has no evaluators, thresholds, endpoint, guardrail, cachePrompt or
    // extraFields: its content JSON is what its hash was computed over, and so is its YAML.
    let file = sample();
    let text = to_yaml(&file, None);
    let v1 = &text[text.find("  - number: 1").unwrap()..text.find("  - number: 2").unwrap()];
    for key in [
        "evaluators",
        "thresholds",
        "endpoint",
        "guardrail",
        "cachePrompt",
        "extraFields",
        "ignoreCase",
    ] {
        assert!(!v1.contains(key), "{key} in\n{v1}");
    }
    assert!(
        v1.contains("maxTokens: 512") && v1.contains("stopSequences: []"),
        "{v1}"
    );
    assert!(v1.contains("variables: []"), "{v1}");
    let read = from_yaml(&text).unwrap();
    assert_eq!(
        read.versions[0].content.content_hash(),
        file.versions[0].content_hash
    );
}

/// A string that every field of a content round-trips, keys included.
fn round_trips(s: &str) -> Result<(), String> {
    let mut content = BlueprintContent::chat(s, s);
    content
        .variables
        .push(variable(s, VarType::String, Some(s), s));
    content.model.stop_sequences = vec![s.to_string()];
    content.model.extra_fields = Some(json!({ s: s }));
    content
        .evaluators
        .push(evaluator(s, 1.0, Check::Contains { value: s.into() }));
    content.thresholds.min_mean.insert(s.to_string(), 0.5);
    let file = BlueprintFile {
        name: "n".into(),
        tags: Vec::new(),
        labels: BTreeMap::new(),
        versions: vec![version(1, None, s, content)],
    };
    let text = to_yaml(&file, None);
    let read = from_yaml(&text).map_err(|e| format!("{e}\n{text}"))?;
    if read != file {
        return Err(format!("read back differently:\n{text}"));
    }
    if to_yaml(&read, None) != text {
        return Err("written differently the second time".into());
    }
    Ok(())
}

#[test]
fn special_strings_round_trip() {
    // As JSON, one line of kinds each: blanks and breaks, YAML 1.1 and 1.2 words and numbers,
    // indicators, quotes and escapes, what is not printable, Unicode, templates.
    let cases: Vec<String> = serde_json::from_str(
        r##"[
        "", " ", "  ", "\t", "\n", "\n\n", " \n", "a\n", "a\n\n", "a\n\n\n", "\na", "\n\na\n",
        " a", "a ", "  a\nb", "\ta\nb", "a\n  b", "a\n \nb", "a \nb", "a\t\nb", "a\r\nb", "\r",
        "yes", "No", "ON", "off", "y", "n", "true", "False", "null", "Null", "~", "=", "<<",
        "0", "-1", "+1", "1.5", "1e3", ".5", ".inf", "-.inf", ".nan", "0x1F", "0o17", "0b101",
        "1_000", "12:30", "2026-01-05", "2026-01-05T10:00:00Z", "007", "1.2.3", "4f1c", "3 apples",
        "---", "...", "--- a", "a: b", "a:b", "a:", ":a", "a #b", "a#b", "#a", "- a", "-a", "-",
        "?", "? a", "[a]", "{a}", "a, b", ",", "&a", "*a", "!a", "!!str", "|", ">", "|-", "'a'",
        "\"a\"", "%a", "@a", "`a`", "a'b", "a\"b", "a\\b", "\\", "\\n",
        "\u0000", "\u0001", "\u0007", "\u001b", "\u007f", "\u0085", "\u00a0", " \u00a0",
        "\u2028", "\u2029", "\ufeffa", "\ufffe", "é", "日本語", "emoji 🦀", "a\u0300",
        "{{ x }}", "{% if a %}b{% endif %}", "line1\n# not a comment\nline3", "a\n---\nb",
        "a\n...\nb", "key: value\n- item\n", "  leading\n\n\ntrailing  \n\n"
        ]"##,
    )
    .unwrap();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|s| round_trips(s).err().map(|e| format!("{s:?}: {e}")))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn generated_strings_round_trip() {
    // Strings drawn from YAML's troublesome characters, by a fixed linear congruential
    // generator (no randomness in tests).
    let alphabet: Vec<char> = " \n\t#:-?,[]{}&*!|>'\"%@`.+~=<0119aZé日\u{85}\u{2028}\r\\\u{0}"
        .chars()
        .collect();
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    let mut failures = Vec::new();
    for _ in 0..600 {
        let len = next() % 9;
        let s: String = (0..len)
            .map(|_| alphabet[next() % alphabet.len()])
            .collect();
        if let Err(e) = round_trips(&s) {
            failures.push(format!("{s:?}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn floats_keep_their_value_and_hash() {
    for f in [
        0.0,
        -0.0,
        1.0,
        0.1,
        1e-7,
        1.5e20,
        123456.789,
        f64::MAX,
        f64::MIN_POSITIVE,
    ] {
        let mut content = BlueprintContent::chat("s", "u");
        content.model.temperature = Some(f);
        content.model.extra_fields = Some(json!({ "f": f, "i": 7, "neg": -3 }));
        let file = BlueprintFile {
            name: "n".into(),
            tags: Vec::new(),
            labels: BTreeMap::new(),
            versions: vec![version(1, None, "m", content)],
        };
        let text = to_yaml(&file, None);
        let read = from_yaml(&text).unwrap_or_else(|e| panic!("{f}: {e}\n{text}"));
        assert_eq!(read, file, "{f}");
        assert_eq!(
            read.versions[0].content.content_hash(),
            file.versions[0].content_hash
        );
    }
}

// ---- what reading reports -----------------------------------------------------------------

#[test]
fn yaml_syntax_errors_name_their_line() {
    let golden = fixture("sample.galley.yaml");
    let broken = golden.replacen(
        "    message: first draft\n",
        "    message: [first draft\n",
        1,
    );
    let p = only_problem(read_err(&broken));
    assert_eq!(p.kind, ProblemKind::Syntax, "{p}");
    let line = p.line.expect("a line");
    assert!(line >= line_of(&broken, "message: [first draft"), "{p}");

    let dup = golden.replacen(
        "formatVersion: 1\n",
        "formatVersion: 1\nformatVersion: 1\n",
        1,
    );
    let p = only_problem(read_err(&dup));
    assert_eq!(p.kind, ProblemKind::Syntax, "{p}");
    assert_eq!(p.line, Some(line_of(&dup, "formatVersion") + 1), "{p}");

    let tab = golden.replacen("  - number: 1\n", "\t- number: 1\n", 1);
    let p = only_problem(read_err(&tab));
    assert_eq!(p.kind, ProblemKind::Syntax, "{p}");
    assert!(p.line.is_some(), "{p}");
}

#[test]
fn files_of_another_kind_are_named() {
    for empty in ["", "\n", "# only a comment\n", "---\n"] {
        let p = only_problem(read_err(empty));
        assert_eq!(
            (p.kind, p.message.as_str()),
            (ProblemKind::NotBlueprint, "the file is empty"),
            "{empty:?}"
        );
    }
    let p = only_problem(read_err("- a\n- b\n"));
    assert_eq!(p.kind, ProblemKind::NotBlueprint);
    assert_eq!(
        p.message,
        "not a Galley blueprint file: the document is a list, not a mapping starting with `format: galley.blueprint`"
    );

    let golden = fixture("sample.galley.yaml");
    let other = golden.replacen("format: galley.blueprint\n", "format: galley.dataset\n", 1);
    let p = only_problem(read_err(&other));
    assert_eq!(p.kind, ProblemKind::NotBlueprint);
    assert_eq!(p.line, Some(line_of(&other, "format: galley.dataset")));
    assert_eq!(
        p.message,
        "not a Galley blueprint file: `format` is `galley.dataset`, expected `galley.blueprint`"
    );
    assert_eq!(
        p.to_string(),
        format!(
            "line {}, `format`: not a Galley blueprint file: `format` is `galley.dataset`, expected `galley.blueprint`",
            line_of(&other, "format: galley.dataset")
        )
    );

    let missing = golden.replacen("format: galley.blueprint\n", "", 1);
    let p = only_problem(read_err(&missing));
    assert_eq!(
        (p.kind, p.message.as_str()),
        (
            ProblemKind::NotBlueprint,
            "not a Galley blueprint file: `format: galley.blueprint` is missing"
        )
    );
}

#[test]
fn newer_formats_ask_for_an_update() {
    let golden = fixture("sample.galley.yaml");
    let newer = golden.replacen("formatVersion: 1\n", "formatVersion: 2\n", 1);
    let err = read_err(&newer);
    let p = only_problem(err.clone());
    assert_eq!(p.kind, ProblemKind::NewerFormat);
    assert_eq!(p.line, Some(line_of(&newer, "formatVersion: 2")));
    assert_eq!(
        p.message,
        "the file has formatVersion 2, but this Galley reads formatVersion 1 at most: update Galley to import it"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "the blueprint file was not read: line {}, `formatVersion`: the file has formatVersion 2, but this Galley reads formatVersion 1 at most: update Galley to import it",
            line_of(&newer, "formatVersion: 2")
        )
    );
    for bad in ["0", "1.5", "one"] {
        let text = golden.replacen("formatVersion: 1\n", &format!("formatVersion: {bad}\n"), 1);
        let p = only_problem(read_err(&text));
        assert_eq!(p.kind, ProblemKind::Invalid, "{bad}");
        assert_eq!(
            p.message,
            format!(
                "`formatVersion` is `{bad}`: it must be a whole number from 1 to {FORMAT_VERSION}"
            )
        );
    }
}

#[test]
fn version_numbers_have_no_gaps() {
    let mut file = sample();
    file.versions[2].number = 4;
    file.labels.insert(Label::Dev, 4);
    let text = to_yaml(&file, None);
    let p = only_problem(read_err(&text));
    assert_eq!(p.kind, ProblemKind::Invalid);
    assert_eq!(p.path.as_deref(), Some("versions[2].number"));
    assert_eq!(p.line, Some(line_of(&text, "- number: 4")));
    assert_eq!(
        p.message,
        "versions are numbered 1, 2, 3… in order, without gaps: found version 4 where version 3 belongs"
    );

    let mut file = sample();
    file.versions.clear();
    file.labels.clear();
    let p = only_problem(read_err(&to_yaml(&file, None)));
    assert_eq!(
        p.message,
        "the file has no versions: a blueprint has at least one"
    );
}

#[test]
fn parents_are_earlier_versions() {
    let mut file = sample();
    file.versions[1].parent = Some(2);
    let text = to_yaml(&file, None);
    let p = only_problem(read_err(&text));
    assert_eq!(p.path.as_deref(), Some("versions[1].parent"));
    assert_eq!(p.line, Some(line_of(&text, "parent: 2")));
    assert_eq!(
        p.message,
        "version 2's parent is 2: a parent must be an earlier version"
    );
}

#[test]
fn labels_point_at_versions_of_the_file() {
    let mut file = sample();
    file.labels.insert(Label::Prod, 9);
    let text = to_yaml(&file, None);
    let p = only_problem(read_err(&text));
    assert_eq!(p.kind, ProblemKind::Invalid);
    assert_eq!(p.path.as_deref(), Some("labels.prod"));
    assert_eq!(p.line, Some(line_of(&text, "prod: 9")));
    assert_eq!(
        p.message,
        "label `prod` points at version 9, which is not in the file"
    );

    let golden = fixture("sample.galley.yaml");
    let qa = golden.replacen("  prod: 2\n", "  qa: 2\n", 1);
    let p = only_problem(read_err(&qa));
    assert_eq!(p.kind, ProblemKind::Invalid);
    assert!(p.message.contains("unknown variant `qa`"), "{p}");
    assert_eq!(p.line, Some(line_of(&qa, "qa: 2")), "{p}");
}

#[test]
fn names_and_tags_follow_the_library_rules() {
    let golden = fixture("sample.galley.yaml");
    let text = golden.replacen("name: Support reply\n", "name: \"  \"\n", 1);
    let p = only_problem(read_err(&text));
    assert_eq!(
        (p.path.as_deref(), p.line, p.message.as_str()),
        (
            Some("name"),
            Some(line_of(&text, "name: \"  \"")),
            "a blueprint needs a name"
        )
    );
    let text = golden.replacen("  - e-mail\n", "  - e mail\n", 1);
    let p = only_problem(read_err(&text));
    assert_eq!(p.path.as_deref(), Some("tags"));
    assert_eq!(
        p.message,
        "tag `e mail` contains ` `: use letters, digits, - _ . /"
    );
    // Names are trimmed and tags normalised, as the library does.
    let text = golden
        .replacen("name: Support reply\n", "name: \" Support reply \"\n", 1)
        .replacen("  - support\n", "  - Support\n  - support\n", 1);
    let read = from_yaml(&text).unwrap();
    assert_eq!(read.name, "Support reply");
    assert_eq!(read.tags, vec!["support", "e-mail"]);
}

#[test]
fn edits_to_the_latest_version_are_reported_and_may_be_allowed() {
    let golden = fixture("sample.galley.yaml");
    let edited = golden.replacen(
        "      system: |\n        You answer support e-mails for ACME.\n      messages:",
        "      system: |\n        You answer support e-mails for ACME, kindly.\n      messages:",
        1,
    );
    assert_ne!(edited, golden);
    let err = read_err(&edited);
    assert!(err.is_edit_only());
    let p = only_problem(err);
    assert_eq!(p.kind, ProblemKind::Edited);
    assert_eq!(p.path.as_deref(), Some("versions[2].content"));
    assert_eq!(
        p.message,
        "version 3 was edited: its contentHash no longer matches its content"
    );
    let content_line = edited
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "    content:")
        .map(|(i, _)| i as u64 + 1)
        .nth(2)
        .unwrap();
    // The content mapping starts on the line after its key.
    assert_eq!(p.line, Some(content_line + 1));

    let parsed = parse(&edited, true).unwrap();
    assert_eq!(parsed.edited, Some(3));
    let v3 = &parsed.file.versions[2];
    assert_eq!(
        v3.content.system,
        "You answer support e-mails for ACME, kindly.\n"
    );
    assert_eq!(
        v3.content_hash,
        sample().versions[2].content_hash,
        "the file's hash is kept"
    );
    assert_ne!(v3.content.content_hash(), v3.content_hash);
}

#[test]
fn edits_to_history_are_errors() {
    let golden = fixture("sample.galley.yaml");
    let edited = golden.replacen("template: Hello {{ name }}", "template: Hi {{ name }}", 1);
    assert_ne!(edited, golden);
    for allow in [false, true] {
        let err = parse(&edited, allow).unwrap_err();
        assert!(!err.is_edit_only());
        let p = only_problem(err);
        assert_eq!(p.kind, ProblemKind::Invalid);
        assert_eq!(p.path.as_deref(), Some("versions[0].content"));
        assert_eq!(
            p.message,
            "version 1 was edited: its contentHash no longer matches its content; only the latest version may be edited, earlier ones are history: undo the change"
        );
    }
}

#[test]
fn every_problem_is_listed_in_file_order() {
    let mut file = sample();
    file.labels.insert(Label::Prod, 7);
    file.versions[2].parent = Some(5);
    file.versions[2].content_hash = "0".repeat(64);
    let text = to_yaml(&file, None);
    let err = read_err(&text);
    let lines: Vec<Option<u64>> = err.problems.iter().map(|p| p.line).collect();
    assert_eq!(
        lines,
        vec![
            Some(line_of(&text, "prod: 7")),
            Some(line_of(&text, "parent: 5")),
            Some(line_of(&text, "parent: 5") + 3),
        ],
        "{err}"
    );
    assert!(!err.is_edit_only());
    assert!(err
        .to_string()
        .starts_with("the blueprint file was not read: 3 problems\nline "));
}

#[test]
fn shape_errors_name_their_line() {
    let golden = fixture("sample.galley.yaml");
    let text = golden.replacen(
        "    message: first draft\n",
        "    message: first draft\n    mood: happy\n",
        1,
    );
    let p = only_problem(read_err(&text));
    assert_eq!(p.kind, ProblemKind::Invalid);
    assert!(p.message.contains("unknown field `mood`"), "{p}");
    assert_eq!(p.line, Some(line_of(&text, "mood: happy")), "{p}");

    let text = golden.replacen("maxTokens: 1024", "maxTokens: lots", 1);
    let p = only_problem(read_err(&text));
    assert_eq!(p.kind, ProblemKind::Invalid);
    assert_eq!(p.line, Some(line_of(&text, "maxTokens: lots")), "{p}");
    assert_eq!(p.message, "expected a whole number");

    let text = golden.replacen("    author: ana@example.com\n", "    author:\n", 1);
    let p = only_problem(read_err(&text));
    assert_eq!(p.line, Some(line_of(&text, "    author:")), "{p}");
    assert_eq!(
        p.message,
        "expected text, found nothing: write \"\" for empty text"
    );
}

#[test]
fn keys_serde_would_drop_are_caught_by_the_schema() {
    // The content's own structs ignore unknown keys, so a misspelt setting would be lost
    // without changing the hash: the schema names it.
    let golden = fixture("sample.galley.yaml");
    let text = golden.replacen(
        "        temperature: 0.2\n",
        "        temperature: 0.2\n        temprature: 0.3\n",
        1,
    );
    let p = only_problem(read_err(&text));
    assert_eq!(p.kind, ProblemKind::Invalid);
    assert_eq!(p.path.as_deref(), Some("versions[1].content.model"));
    assert_eq!(p.message, "unknown key `temprature`");
    assert!(p.line.is_some(), "{p}");

    let text = golden.replacen(
        "          type: is-json\n",
        "          type: is-json\n          value: x\n",
        1,
    );
    let p = only_problem(read_err(&text));
    assert_eq!(p.path.as_deref(), Some("versions[2].content.evaluators[4]"));
    assert_eq!(p.message, "unknown key `value`");
}

// ---- the JSON Schema ----------------------------------------------------------------------

fn schema() -> Value {
    let path = format!(
        "{}/../../schemas/blueprint.schema.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(text, SCHEMA_JSON, "the embedded schema is the repository's");
    serde_json::from_str(&text).unwrap()
}

fn validator() -> jsonschema::Validator {
    let schema = schema();
    assert!(jsonschema::meta::is_valid(&schema), "a valid JSON Schema");
    jsonschema::validator_for(&schema).unwrap()
}

fn yaml_json(text: &str) -> Value {
    serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn schema_errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path().as_str()))
        .collect()
}

#[test]
fn written_files_and_fixtures_validate_against_the_schema() {
    let v = validator();
    let mut texts = vec![
        to_yaml(&sample(), Some(SCHEMA_PATH)),
        fixture("sample.galley.yaml"),
        fixture("minimal.galley.yaml"),
    ];
    let mut minimal = sample();
    minimal.versions.truncate(1);
    minimal.labels.clear();
    minimal.tags.clear();
    texts.push(to_yaml(&minimal, None));
    for text in &texts {
        let doc = yaml_json(text);
        let errors = schema_errors(&v, &doc);
        assert!(errors.is_empty(), "{}\n{text}", errors.join("\n"));
        from_yaml(text).unwrap();
    }
}

/// Sets (or with `None` removes) the value at a JSON pointer whose parent exists.
fn set(doc: &mut Value, pointer: &str, value: Option<Value>) {
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    match (doc.pointer_mut(parent).unwrap(), value) {
        (Value::Object(m), Some(v)) => drop(m.insert(last.into(), v)),
        (Value::Object(m), None) => drop(m.remove(last)),
        (Value::Array(a), Some(v)) => a[last.parse::<usize>().unwrap()] = v,
        (other, _) => panic!("{pointer}: {other}"),
    }
}

#[test]
fn the_schema_rejects_broken_files() {
    let v = validator();
    let good = yaml_json(&fixture("sample.galley.yaml"));
    assert!(schema_errors(&v, &good).is_empty());
    let evaluator = "/versions/2/content/evaluators";
    let broken = [
        ("no name", "/name".to_string(), None),
        (
            "another format",
            "/format".into(),
            Some(json!("galley.dataset")),
        ),
        ("a newer format", "/formatVersion".into(), Some(json!(2))),
        ("an unknown label", "/labels/qa".into(), Some(json!(1))),
        ("version 0", "/versions/0/number".into(), Some(json!(0))),
        (
            "a short hash",
            "/versions/0/contentHash".into(),
            Some(json!("abc")),
        ),
        (
            "a key of no version",
            "/versions/0/mood".into(),
            Some(json!("happy")),
        ),
        (
            "a role",
            "/versions/0/content/messages/0/role".into(),
            Some(json!("system")),
        ),
        (
            "a provider",
            "/versions/0/content/model/provider".into(),
            Some(json!("azure")),
        ),
        (
            "a typo",
            "/versions/1/content/model/temprature".into(),
            Some(json!(0.3)),
        ),
        (
            "an evaluator type",
            format!("{evaluator}/0/type"),
            Some(json!("fuzzy")),
        ),
        (
            "a regex with no pattern",
            format!("{evaluator}/1/pattern"),
            None,
        ),
        (
            "a field of another check",
            format!("{evaluator}/4/maxMs"),
            Some(json!(5)),
        ),
        (
            "a latency in text",
            format!("{evaluator}/7/maxMs"),
            Some(json!("fast")),
        ),
        (
            "a judge with no model",
            format!("{evaluator}/10/model"),
            None,
        ),
        (
            "a threshold",
            "/versions/2/content/thresholds/minPassrate".into(),
            Some(json!(0.5)),
        ),
        ("no versions", "/versions".into(), Some(json!([]))),
    ];
    for (what, pointer, value) in broken {
        let mut doc = good.clone();
        set(&mut doc, &pointer, value);
        assert_ne!(doc, good, "{what}");
        assert!(!v.is_valid(&doc), "the schema accepts {what}");
    }
}

#[test]
fn the_schema_knows_every_provider_label_and_check() {
    let schema = schema();
    let defs = &schema["$defs"];
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        strings(&defs["model"]["properties"]["provider"]["enum"]),
        PROVIDERS
    );
    let labels: Vec<&str> = Label::ALL.iter().map(|l| l.as_str()).collect();
    assert_eq!(
        strings(&schema["properties"]["labels"]["propertyNames"]["enum"]),
        labels
    );
    // One check of each kind, to list the kinds the schema must know.
    let checks = [
        Check::Equals {
            value: String::new(),
            ignore_case: false,
        },
        Check::Contains {
            value: String::new(),
        },
        Check::Icontains {
            value: String::new(),
        },
        Check::NotContains {
            value: String::new(),
            ignore_case: false,
        },
        Check::Regex {
            pattern: String::new(),
        },
        Check::StartsWith {
            value: String::new(),
        },
        Check::EndsWith {
            value: String::new(),
        },
        Check::IsJson,
        Check::JsonSchema { schema: json!({}) },
        Check::Length {
            min: None,
            max: None,
        },
        Check::Latency { max_ms: 1 },
        Check::Cost { max_usd: 0.0 },
        Check::Tokens {
            max_output: None,
            max_total: None,
        },
        Check::Judge(JudgeConfig {
            metric: String::new(),
            rubric: None,
            model: String::new(),
            pass_score: 0.5,
        }),
    ];
    let kinds: Vec<&str> = checks.iter().map(Check::kind).collect();
    assert_eq!(
        strings(&defs["evaluator"]["properties"]["type"]["enum"]),
        kinds
    );
    // Every check, with every optional field set, validates.
    let v = jsonschema::validator_for(&schema).unwrap();
    let mut file = sample();
    file.versions[2].content.evaluators = checks
        .iter()
        .enumerate()
        .map(|(i, c)| evaluator(&format!("e{i}"), 1.0, c.clone()))
        .collect();
    if let Check::Judge(j) = &mut file.versions[2].content.evaluators[13].check {
        j.rubric = Some("r".into());
    }
    file.versions[2].content_hash = file.versions[2].content.content_hash();
    let errors = schema_errors(&v, &yaml_json(&to_yaml(&file, None)));
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn an_alias_bomb_is_refused_by_line_without_being_expanded() {
    // "Billion laughs": ten levels of nine aliases each would expand to 10⁹ strings.
    let mut text = String::from("format: galley.blueprint\nformatVersion: 1\na0: &a0 [\"lol\"]\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        let row = [prev.as_str(); 9].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{row}]\n"));
    }
    text.push_str("name: *a9\nversions: []\n");
    let err = read_err(&text);
    let p = &err.problems[0];
    assert_eq!(p.kind, ProblemKind::Syntax, "{err}");
    assert_eq!(p.line, Some(9), "{err}");
    assert!(
        p.message.contains("YAML document too large or too complex"),
        "{err}"
    );
}
