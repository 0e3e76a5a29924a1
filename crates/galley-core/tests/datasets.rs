//! Dataset import and export over the files in `tests/fixtures/datasets/`.

use std::collections::BTreeMap;

use galley_core::dataset::{
    detect, export, import, import_bytes, Case, DatasetContent, DatasetFormat, ExportError,
    ImportError, ModelResponse, MAX_PROBLEMS,
};

fn fixture(name: &str) -> String {
    String::from_utf8(fixture_bytes(name)).expect("fixture is UTF-8")
}

fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/datasets/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn response(model: &str, text: &str) -> ModelResponse {
    ModelResponse {
        model: model.into(),
        response: text.into(),
    }
}

fn lines_of(err: &ImportError) -> Vec<u64> {
    err.problems.iter().map(|p| p.line).collect()
}

fn import_ok(name: &str, format: DatasetFormat) -> (DatasetContent, Vec<String>) {
    let imported = import(&fixture(name), format).unwrap_or_else(|e| panic!("{name}: {e}"));
    (imported.content, imported.warnings)
}

fn import_err(name: &str, format: DatasetFormat) -> ImportError {
    match import(&fixture(name), format) {
        Ok(i) => panic!("{name} imported: {:?}", i.content),
        Err(e) => e,
    }
}

#[test]
fn csv_imports_variables_and_reserved_columns() {
    let (c, warnings) = import_ok("cases.csv", DatasetFormat::Csv);
    assert_eq!(c.variables, vec!["question", "context"]);
    assert_eq!(
        warnings,
        Vec::<String>::new(),
        "the blank line is skipped silently"
    );
    assert_eq!(c.cases.len(), 4);
    assert_eq!(
        c.cases[0],
        Case {
            values: values(&[("question", "What is 2+2?"), ("context", "")]),
            reference: Some("4".into()),
            category: Some("arith".into()),
            tags: vec!["easy".into(), "math".into(), "quick".into()],
            responses: vec![],
        }
    );
    assert_eq!(
        c.cases[1].values,
        values(&[
            ("question", "Name a city, any city"),
            ("context", "He said \"hi\"")
        ])
    );
    assert_eq!(c.cases[1].tags, Vec::<String>::new());
    assert_eq!(
        c.cases[2].values,
        values(&[
            ("question", "Write a haiku\nabout autumn"),
            ("context", "multi\nline\ncontext")
        ])
    );
    assert_eq!(c.cases[2].reference, None, "an empty reference is none");
    assert_eq!(c.cases[2].category.as_deref(), Some("poetry"));
    assert_eq!(
        c.cases[3].values,
        values(&[("question", "Ça va?"), ("context", " ")])
    );
    assert_eq!(c.cases[3].category, None);
}

#[test]
fn csv_bom_is_skipped() {
    let bytes = fixture_bytes("bom.csv");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let c = import_bytes(&bytes, DatasetFormat::Csv).unwrap().content;
    assert_eq!(c.variables, vec!["question"]);
    assert_eq!(c.cases[0].values, values(&[("question", "Hello?")]));
    assert_eq!(c.cases[0].reference.as_deref(), Some("Hi"));
    assert_eq!(detect(&fixture("bom.csv")), DatasetFormat::Csv);
}

#[test]
fn csv_bad_rows_are_all_reported_by_starting_line() {
    let err = import_err("bad_rows.csv", DatasetFormat::Csv);
    // Lines 4-5 and 7-8 are records with a quoted line break; 6 and 10 come after them.
    assert_eq!(lines_of(&err), vec![3, 6, 10]);
    assert_eq!(
        err.problems[0].message,
        "4 fields, but the header has 3: quote fields that contain commas or line breaks"
    );
    assert_eq!(err.problems[1].message.split(',').next(), Some("1 fields"));
    assert_eq!(err.more, 0);
    let text = err.to_string();
    assert!(text.starts_with("the file was not imported: 3 problems\nline 3: 4 fields"));
    assert!(text.contains("\nline 6: 1 fields"));
}

#[test]
fn csv_invalid_headers_are_reported_on_the_header_line() {
    let err = import_err("bad_header.csv", DatasetFormat::Csv);
    assert_eq!(lines_of(&err), vec![1; 7]);
    let shown: Vec<String> = err.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        shown,
        vec![
            "line 1: column \"2nd\": `2nd` is not a variable name: use letters, digits and `_`, \
             not starting with a digit",
            "line 1: column \"my var\": `my var` is not a variable name: use letters, digits and \
             `_`, not starting with a digit",
            "line 1: column \"Expected\": columns `reference` and `Expected` give the same field",
            "line 1: column 6 has no name: name every column",
            "line 1: column \"topic\": column `topic` appears twice",
            "line 1: column \"none\": `none` is a Jinja word: choose another variable name",
            "line 1: column \"response:\": a `response:` column needs a model: \
             `response:<model id>`",
        ]
    );
}

#[test]
fn csv_that_is_not_utf8_names_the_lines() {
    let err = import_bytes(&fixture_bytes("latin1.csv"), DatasetFormat::Csv).unwrap_err();
    assert_eq!(lines_of(&err), vec![2, 4]);
    assert_eq!(
        err.problems[0].message,
        "not UTF-8 text (byte 0xE9 at character 4): save the file as UTF-8"
    );
    assert_eq!(
        err.problems[1].message,
        "not UTF-8 text (byte 0xEF at character 3): save the file as UTF-8"
    );
    let utf16 = import_bytes(b"\xFF\xFEq\x00", DatasetFormat::Csv).unwrap_err();
    assert_eq!(
        utf16.problems[0].message,
        "the file is UTF-16: save it as UTF-8"
    );
}

#[test]
fn csv_without_header_or_with_empty_rows() {
    let err = import("\n\n", DatasetFormat::Csv).unwrap_err();
    assert_eq!(lines_of(&err), vec![1]);
    assert!(err.problems[0].message.starts_with("the file is empty"));

    let imported = import("q,reference\n,\na,b\n , \n", DatasetFormat::Csv).unwrap();
    assert_eq!(imported.content.cases.len(), 1);
    assert_eq!(imported.warnings, vec!["skipped 2 empty rows (lines 2, 4)"]);

    let header_only = import("q,tags\n", DatasetFormat::Csv).unwrap().content;
    assert_eq!(header_only.variables, vec!["q"]);
    assert!(header_only.cases.is_empty());
}

#[test]
fn csv_failures_are_capped() {
    let mut text = String::from("a,b\n");
    for _ in 0..60 {
        text.push_str("1,2,3\n");
    }
    let err = import(&text, DatasetFormat::Csv).unwrap_err();
    assert_eq!(err.problems.len(), MAX_PROBLEMS);
    assert_eq!(err.problems[0].line, 2);
    assert_eq!(err.problems[49].line, 51);
    assert_eq!(err.more, 10);
    assert!(err.to_string().ends_with("\nand 10 more"));
    assert!(err
        .to_string()
        .starts_with("the file was not imported: 60 problems"));
}

#[test]
fn jsonl_imports_all_fields_in_column_order() {
    let (c, warnings) = import_ok("all_fields.jsonl", DatasetFormat::Jsonl);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(c.variables, vec!["topic", "context"]);
    assert_eq!(
        c.cases[0],
        Case {
            values: values(&[
                ("topic", "Paris, France"),
                ("context", "Line one\nLine two, with \"quotes\"\n")
            ]),
            reference: Some("The capital of France.".into()),
            category: Some("geography".into()),
            tags: vec!["easy".into(), "capitals".into()],
            responses: vec![
                response("anthropic.claude-3-haiku", "Paris is the capital."),
                response("my-model:v2", "It is Paris,\nI think."),
            ],
        }
    );
    assert_eq!(c.cases[1].values["topic"], "Zürich — 東京 🚀");
    assert_eq!(c.cases[1].reference, None);
    assert_eq!(
        c.cases[2].reference.as_deref(),
        Some("Multi\r\nline\nreference")
    );
    assert_eq!(c.categories(), vec!["geography", "unicode"]);
    assert_eq!(c.models(), vec!["anthropic.claude-3-haiku", "my-model:v2"]);
}

#[test]
fn promptfoo_vars_become_text_values() {
    let (c, warnings) = import_ok("promptfoo.jsonl", DatasetFormat::Jsonl);
    assert_eq!(
        c.variables,
        vec!["topic", "count", "strict", "ratio", "options"]
    );
    assert_eq!(
        c.cases[0].values,
        values(&[
            ("topic", "bananas"),
            ("count", "3"),
            ("strict", "true"),
            ("ratio", "0.5"),
            ("options", r#"{"b":[1,2],"a":null}"#),
        ])
    );
    assert_eq!(c.cases[1].values["options"], "[]");
    assert_eq!(c.cases[1].tags, vec!["fruit"]);
    // null is no value; an empty reference is none.
    assert_eq!(c.cases[2].values, values(&[("topic", "pears")]));
    assert_eq!(c.cases[2].reference, None);
    assert_eq!(
        warnings,
        vec![
            "case 3 has no value for `count`: rendering uses the blueprint's default",
            "case 3 has no value for `strict`: rendering uses the blueprint's default",
            "2 cases (first: case 2) have no value for `ratio`: rendering uses the blueprint's \
             default",
            "case 3 has no value for `options`: rendering uses the blueprint's default",
        ]
    );
}

#[test]
fn bad_jsonl_reports_every_bad_line() {
    let err = import_err("bad.jsonl", DatasetFormat::Jsonl);
    assert_eq!(lines_of(&err), vec![2, 3, 4, 6, 8, 9, 10]);
    let shown: Vec<String> = err.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        shown,
        vec![
            "line 2: column \"assert\": unknown key `assert`: a line has values (or vars), \
             reference, category, tags and responses",
            "line 3: not valid JSON (character 2): expected ident",
            "line 4: column \"2q\": `2q` is not a variable name: use letters, digits and `_`, not \
             starting with a digit",
            "line 6: column \"tags\": `tags` must be an array of strings, found a string",
            "line 8: each line must be a JSON object, found an array",
            "line 9: column \"vars\": `values` and `vars` both give values: keep one",
            "line 10: not valid JSON (character 30): trailing comma",
        ]
    );
}

#[test]
fn jsonl_repeated_values_are_errors() {
    let err = import(
        "{\"values\": {\"a\": null, \"a\": \"x\"}}\n",
        DatasetFormat::Jsonl,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the file was not imported: 1 problem\nline 1: column \"a\": value `a` appears twice"
    );
}

#[test]
fn bedrock_imports_prompts_and_model_responses() {
    let (c, warnings) = import_ok("bedrock_byo.jsonl", DatasetFormat::BedrockJsonl);
    assert!(warnings.is_empty());
    assert_eq!(c.variables, vec!["prompt"]);
    assert_eq!(
        c.cases[0],
        Case {
            values: values(&[("prompt", "Bobigny is the capital of")]),
            reference: Some("Seine-Saint-Denis".into()),
            category: Some("Capitals".into()),
            ..Case::default()
        }
    );
    assert_eq!(
        c.cases[1].responses,
        vec![
            response("anthropic.claude-3-haiku-20240307-v1:0", "A cat sat."),
            response("my-fine-tuned-model", "The cat was on a mat."),
        ]
    );
    assert_eq!(c.cases[1].reference, None);
    assert_eq!(
        c.cases[2].values["prompt"],
        "Translate \"bonjour\"\nto English"
    );
    assert_eq!(
        c.models(),
        vec![
            "anthropic.claude-3-haiku-20240307-v1:0",
            "my-fine-tuned-model"
        ]
    );
}

#[test]
fn bedrock_over_1000_prompts_is_a_warning() {
    let (c, warnings) = import_ok("bedrock_1001.jsonl", DatasetFormat::BedrockJsonl);
    assert_eq!(c.cases.len(), 1001);
    assert_eq!(c.cases[1000].values["prompt"], "What is 1000 + 1000?");
    assert_eq!(c.cases[1000].reference.as_deref(), Some("2000"));
    assert_eq!(c.categories(), vec!["even", "odd"]);
    assert_eq!(
        warnings,
        vec![
            "1001 prompts: a Bedrock evaluation job takes at most 1000, so run this dataset in \
             parts or sample it"
        ]
    );
    let first_1000: String = fixture("bedrock_1001.jsonl")
        .lines()
        .take(1000)
        .map(|l| format!("{l}\n"))
        .collect();
    let ok = import(&first_1000, DatasetFormat::BedrockJsonl).unwrap();
    assert!(ok.warnings.is_empty());
}

#[test]
fn bad_bedrock_lines() {
    let err = import_err("bad_bedrock.jsonl", DatasetFormat::BedrockJsonl);
    let shown: Vec<String> = err.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        shown,
        vec![
            "line 2: column \"modelResponses\": 3 model responses: Bedrock takes at most 2 per \
             prompt",
            "line 3: column \"prompt\": no `prompt`: every line needs one",
            "line 4: column \"prompt\": `prompt` is empty",
            "line 5: column \"values\": unknown key `values`: a Bedrock dataset line has prompt, \
             referenceResponse, category and modelResponses",
            "line 6: column \"modelResponses\": a model response needs both `response` and \
             `modelIdentifier`",
        ]
    );
}

#[test]
fn bedrock_lines_read_as_galley_jsonl_get_a_hint() {
    let err = import_err("bedrock_byo.jsonl", DatasetFormat::Jsonl);
    let first: Vec<String> = err
        .problems
        .iter()
        .filter(|p| p.line == 1)
        .map(|p| p.to_string())
        .collect();
    assert_eq!(
        first,
        vec![
            "line 1: column \"prompt\": unknown key `prompt`: a line has values (or vars), \
             reference, category, tags and responses (this looks like a Bedrock dataset: import it \
             as bedrock-jsonl)",
            "line 1: column \"referenceResponse\": unknown key `referenceResponse`: a line has \
             values (or vars), reference, category, tags and responses (this looks like a Bedrock \
             dataset: import it as bedrock-jsonl)",
        ]
    );
    assert_eq!(lines_of(&err), vec![1, 1, 2, 2, 3, 3, 3]);
}

#[test]
fn round_trips_keep_every_field() {
    let (original, _) = import_ok("all_fields.jsonl", DatasetFormat::Jsonl);
    for format in [DatasetFormat::Csv, DatasetFormat::Jsonl] {
        let text = export(&original, format).unwrap();
        assert!(text.ends_with('\n'));
        let again = import(&text, format).unwrap();
        assert_eq!(again.content, original, "{format}:\n{text}");
        assert!(again.warnings.is_empty());
        assert_eq!(again.content.content_hash(), original.content_hash());
        assert_eq!(
            export(&again.content, format).unwrap(),
            text,
            "{format} is stable"
        );
    }
    // Galley JSONL is written back byte for byte.
    assert_eq!(
        export(&original, DatasetFormat::Jsonl).unwrap(),
        fixture("all_fields.jsonl")
    );

    let (bedrock, _) = import_ok("bedrock_byo.jsonl", DatasetFormat::BedrockJsonl);
    for format in [
        DatasetFormat::BedrockJsonl,
        DatasetFormat::Csv,
        DatasetFormat::Jsonl,
    ] {
        let text = export(&bedrock, format).unwrap();
        assert_eq!(import(&text, format).unwrap().content, bedrock, "{format}");
    }
    assert_eq!(
        export(&bedrock, DatasetFormat::BedrockJsonl).unwrap(),
        fixture("bedrock_byo.jsonl")
    );
}

#[test]
fn csv_export_is_deterministic_text() {
    let (original, _) = import_ok("all_fields.jsonl", DatasetFormat::Jsonl);
    let text = export(&original, DatasetFormat::Csv).unwrap();
    let expected = "topic,context,reference,category,tags,response:anthropic.claude-3-haiku,response:my-model:v2\n\
        \"Paris, France\",\"Line one\nLine two, with \"\"quotes\"\"\n\",The capital of France.,geography,easy;capitals,Paris is the capital.,\"It is Paris,\nI think.\"\n\
        Zürich — 東京 🚀,,,unicode,i18n,,\n\
        \x20 padded  ,\"a \"\"quoted\"\" word; a|pipe\",\"Multi\r\nline\nreference\",,,,no\n";
    assert_eq!(text, expected);
}

#[test]
fn bedrock_export_needs_exactly_one_variable() {
    let (two, _) = import_ok("all_fields.jsonl", DatasetFormat::Jsonl);
    let err = export(&two, DatasetFormat::BedrockJsonl).unwrap_err();
    assert_eq!(
        err,
        ExportError::BedrockVariables {
            variables: vec!["topic".into(), "context".into()]
        }
    );
    assert_eq!(
        err.to_string(),
        "a Bedrock dataset has one prompt per case, so the dataset needs exactly one variable; it \
         has 2 (`topic`, `context`): remove or merge variables first"
    );

    // Any single variable becomes `prompt`; tags are left out.
    let mut one = DatasetContent {
        variables: vec!["question".into()],
        cases: vec![Case {
            values: values(&[("question", "Why?")]),
            tags: vec!["t".into()],
            ..Case::default()
        }],
    };
    assert_eq!(
        export(&one, DatasetFormat::BedrockJsonl).unwrap(),
        "{\"prompt\":\"Why?\"}\n"
    );
    one.cases.push(Case::default());
    assert_eq!(
        export(&one, DatasetFormat::BedrockJsonl)
            .unwrap_err()
            .to_string(),
        "case 2: `question` has no value, and Bedrock needs a prompt in every case"
    );
    one.cases[1].values = values(&[("question", "How?")]);
    one.cases[1].responses = vec![response("a", "1"), response("b", "2"), response("c", "3")];
    assert_eq!(
        export(&one, DatasetFormat::BedrockJsonl).unwrap_err(),
        ExportError::BedrockResponses { case: 2, count: 3 }
    );
}

#[test]
fn export_refuses_invalid_content() {
    let bad = DatasetContent {
        variables: vec!["q".into()],
        cases: vec![Case {
            values: values(&[("q", "1"), ("other", "2")]),
            ..Case::default()
        }],
    };
    let err = export(&bad, DatasetFormat::Csv).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the dataset has errors: case 1 has a value for `other`, which is not a declared variable"
    );
}

#[test]
fn missing_values_become_empty_cells_in_csv() {
    let c = DatasetContent {
        variables: vec!["a".into(), "b".into()],
        cases: vec![Case {
            values: values(&[("a", "1")]),
            ..Case::default()
        }],
    };
    let warnings: Vec<_> = c.validate().into_iter().map(|i| i.message).collect();
    assert_eq!(
        warnings,
        vec!["case 1 has no value for `b`: rendering uses the blueprint's default"]
    );
    let text = export(&c, DatasetFormat::Csv).unwrap();
    assert_eq!(text, "a,b,reference,category,tags\n1,,,,\n");
    let back = import(&text, DatasetFormat::Csv).unwrap().content;
    assert_eq!(back.cases[0].values, values(&[("a", "1"), ("b", "")]));
    // JSON Lines keep the value missing, and the variable declared.
    let jsonl = export(&c, DatasetFormat::Jsonl).unwrap();
    assert_eq!(jsonl, "{\"values\":{\"a\":\"1\",\"b\":null}}\n");
    assert_eq!(import(&jsonl, DatasetFormat::Jsonl).unwrap().content, c);
}

#[test]
fn detect_tells_formats_apart() {
    assert_eq!(detect(&fixture("cases.csv")), DatasetFormat::Csv);
    assert_eq!(detect(&fixture("all_fields.jsonl")), DatasetFormat::Jsonl);
    assert_eq!(detect(&fixture("promptfoo.jsonl")), DatasetFormat::Jsonl);
    assert_eq!(
        detect(&fixture("bedrock_byo.jsonl")),
        DatasetFormat::BedrockJsonl
    );
    assert_eq!(
        detect("\u{feff}\n  {\"prompt\": \"x\"}\n"),
        DatasetFormat::BedrockJsonl
    );
    assert_eq!(
        detect("{\"prompt\": \"x\", \"vars\": {}}"),
        DatasetFormat::Jsonl
    );
    assert_eq!(detect("{not json"), DatasetFormat::Jsonl);
    assert_eq!(detect(""), DatasetFormat::Csv);

    assert_eq!(
        DatasetFormat::from_file_name("cases.CSV"),
        Some(DatasetFormat::Csv)
    );
    assert_eq!(
        DatasetFormat::from_file_name("a.b.ndjson"),
        Some(DatasetFormat::Jsonl)
    );
    assert_eq!(DatasetFormat::from_file_name("data.json"), None);
    assert_eq!(DatasetFormat::from_file_name("jsonl"), None);
    assert_eq!(
        DatasetFormat::guess("eval.jsonl", &fixture("bedrock_byo.jsonl")),
        DatasetFormat::BedrockJsonl
    );
    assert_eq!(
        DatasetFormat::guess("eval.csv", "{\"prompt\":1}"),
        DatasetFormat::Csv
    );
    assert_eq!(
        DatasetFormat::guess("data.txt", "q,reference\n"),
        DatasetFormat::Csv
    );

    assert_eq!(
        serde_json::to_string(&DatasetFormat::BedrockJsonl).unwrap(),
        "\"bedrock-jsonl\""
    );
    assert_eq!(
        "bedrock-jsonl".parse::<DatasetFormat>(),
        Ok(DatasetFormat::BedrockJsonl)
    );
}

#[test]
fn content_json_shape() {
    let (c, _) = import_ok("bedrock_byo.jsonl", DatasetFormat::BedrockJsonl);
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["variables"], serde_json::json!(["prompt"]));
    assert_eq!(
        json["cases"][0],
        serde_json::json!({
            "values": {"prompt": "Bobigny is the capital of"},
            "reference": "Seine-Saint-Denis",
            "category": "Capitals"
        })
    );
    assert_eq!(
        json["cases"][2]["responses"],
        serde_json::json!([{"model": "my-fine-tuned-model", "response": "hello"}])
    );
    let back: DatasetContent = serde_json::from_value(json).unwrap();
    assert_eq!(back, c);
}
