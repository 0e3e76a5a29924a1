use std::collections::BTreeMap;

use serde_json::json;

use super::*;

fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn facts<'a>(output: &'a str, variables: &'a BTreeMap<String, String>) -> CellFacts<'a> {
    CellFacts {
        output,
        variables,
        reference: None,
        latency_ms: None,
        cost_usd: None,
        input_tokens: None,
        output_tokens: None,
    }
}

/// Runs `c` on `output` and returns (pass, reason).
fn run(c: &Check, output: &str) -> (bool, String) {
    let v = vars(&[]);
    let verdict = check(c, &facts(output, &v)).unwrap();
    assert_eq!(verdict.score, if verdict.pass { 1.0 } else { 0.0 });
    (verdict.pass, verdict.reason)
}

fn pass(c: &Check, output: &str) -> String {
    let (p, reason) = run(c, output);
    assert!(p, "expected a pass on {output:?}: {reason}");
    reason
}

fn fail(c: &Check, output: &str) -> String {
    let (p, reason) = run(c, output);
    assert!(!p, "expected a failure on {output:?}: {reason}");
    reason
}

fn value(v: &str) -> String {
    v.to_string()
}

#[test]
fn equals_compares_trimmed_text() {
    let c = Check::Equals {
        value: value(" Paris "),
        ignore_case: false,
    };
    assert_eq!(pass(&c, "Paris\n"), r#"equals "Paris""#);
    assert_eq!(fail(&c, "paris"), r#"expected "Paris", got "paris""#);
    let c = Check::Equals {
        value: value("ÉCOLE"),
        ignore_case: true,
    };
    assert_eq!(pass(&c, "école"), r#"equals "ÉCOLE" (ignoring case)"#);
    fail(&c, "ecole");
}

#[test]
fn values_are_templates_over_variables_and_reference() {
    let v = vars(&[("expected_city", "Paris")]);
    let mut f = facts("The capital is Paris.", &v);
    let c = Check::Contains {
        value: value("{{ expected_city }}"),
    };
    assert_eq!(check(&c, &f).unwrap().reason, r#"contains "Paris""#);
    let c = Check::Equals {
        value: value("{{ reference }}"),
        ignore_case: true,
    };
    f.output = "  the CAPITAL is paris. ";
    f.reference = Some("The capital is Paris.");
    assert!(check(&c, &f).unwrap().pass);
    f.reference = Some("Lyon");
    assert!(!check(&c, &f).unwrap().pass);
    // A template that needs a reference the case does not have is an error, not a verdict.
    f.reference = None;
    let e = check(&c, &f).unwrap_err();
    assert!(
        matches!(e, EvalError::Template { field: "value", .. }),
        "{e:?}"
    );
    // A value that renders to nothing cannot be looked for.
    let empty = vars(&[("x", "")]);
    let c = Check::Contains {
        value: value("{{ x }}"),
    };
    assert!(matches!(
        check(&c, &facts("abc", &empty)),
        Err(EvalError::Invalid(_))
    ));
}

#[test]
fn contains_and_icontains() {
    let c = Check::Contains {
        value: value("Paris"),
    };
    assert_eq!(pass(&c, "I love Paris!"), r#"contains "Paris""#);
    assert_eq!(fail(&c, "I love PARIS"), r#"does not contain "Paris""#);
    let c = Check::Icontains {
        value: value("straße"),
    };
    assert_eq!(
        pass(&c, "Die STRAßE ist lang"),
        r#"contains "straße" (ignoring case)"#
    );
    assert_eq!(
        fail(&c, "die strasse"),
        r#"does not contain "straße" (ignoring case)"#
    );
    let c = Check::Contains {
        value: value("日本"),
    };
    pass(&c, "東京は日本の首都です");
    fail(&c, "東京");
}

#[test]
fn not_contains() {
    let c = Check::NotContains {
        value: value("sorry"),
        ignore_case: false,
    };
    assert_eq!(pass(&c, "Sorry, no."), r#"does not contain "sorry""#);
    assert_eq!(
        fail(&c, "so sorry"),
        r#"contains "sorry", which it must not"#
    );
    let c = Check::NotContains {
        value: value("sorry"),
        ignore_case: true,
    };
    assert_eq!(
        fail(&c, "SORRY"),
        r#"contains "sorry" (ignoring case), which it must not"#
    );
    pass(&c, "Here you are.");
}

#[test]
fn regex_matches_anywhere() {
    let c = Check::Regex {
        pattern: value(r"\b\d{4}\b"),
    };
    assert_eq!(pass(&c, "It was 1789."), r#"matches /\b\d{4}\b/ at "1789""#);
    assert_eq!(fail(&c, "It was 17890."), r#"does not match /\b\d{4}\b/"#);
    let c = Check::Regex {
        pattern: value("(?i)^ça va"),
    };
    pass(&c, "ÇA VA bien");
    // A pattern built from a variable, escaped.
    let v = vars(&[("price", "$4.99")]);
    let c = Check::Regex {
        pattern: value("costs {{ price | regex_escape }}"),
    };
    assert!(check(&c, &facts("it costs $4.99", &v)).unwrap().pass);
    assert!(!check(&c, &facts("it costs $4999", &v)).unwrap().pass);
    // A rendered pattern that does not compile is an error.
    let v = vars(&[("p", "(")]);
    let c = Check::Regex {
        pattern: value("{{ p }}"),
    };
    let e = check(&c, &facts("x", &v)).unwrap_err();
    assert!(e.to_string().starts_with("invalid regex"), "{e}");
    // A pattern that would compile to something huge is refused.
    let e = compile_regex(r"(\w{100}){100}{100}").unwrap_err();
    assert!(e.to_string().contains("size limit"), "{e}");
    assert!(compile_regex(&"a".repeat(20_000)).is_err());
}

#[test]
fn starts_and_ends_with() {
    let c = Check::StartsWith {
        value: value("Dear"),
    };
    assert_eq!(pass(&c, "\n  Dear Ana,"), r#"starts with "Dear""#);
    assert_eq!(
        fail(&c, "Hello Ana, how are you"),
        r#"does not start with "Dear" (starts with "Hello Ana,")"#
    );
    let c = Check::EndsWith {
        value: value("— Ωmega"),
    };
    assert_eq!(pass(&c, "Best, — Ωmega\n\n"), r#"ends with "— Ωmega""#);
    assert_eq!(
        fail(&c, "Kind regards, Ana"),
        r#"does not end with "— Ωmega" (ends with "gards, Ana")"#
    );
}

#[test]
fn is_json_accepts_trimmed_and_one_fence() {
    assert_eq!(
        pass(&Check::IsJson, " {\"a\": [1, 2]}\n"),
        "valid JSON (object)"
    );
    assert_eq!(
        pass(&Check::IsJson, "```json\n[1, 2]\n```"),
        "valid JSON (array) (inside a ```json fence)"
    );
    assert_eq!(
        fail(&Check::IsJson, "Here it is: {\"a\": 1}"),
        "not valid JSON: expected value at line 1 column 1"
    );
    let r = fail(&Check::IsJson, "```json\n{\"a\": }\n```");
    assert!(r.ends_with("(inside the ```json fence)"), "{r}");
    assert_eq!(
        fail(&Check::IsJson, "  "),
        "not valid JSON: the output is empty"
    );
    fail(&Check::IsJson, "```json\n1\n```\n```json\n2\n```");
}

#[test]
fn json_schema() {
    let c = Check::JsonSchema {
        schema: json!({
            "type": "object",
            "required": ["city", "population"],
            "properties": {
                "city": {"type": "string", "pattern": "^[A-Z]"},
                "population": {"type": "integer", "minimum": 0}
            }
        }),
    };
    assert_eq!(
        pass(
            &c,
            "```json\n{\"city\": \"Paris\", \"population\": 2100000}\n```"
        ),
        "matches the schema (inside a ```json fence)"
    );
    let r = fail(&c, r#"{"city": "paris", "population": -1}"#);
    assert!(r.starts_with("does not match the schema at /"), "{r}");
    assert!(r.ends_with("(and 1 more)"), "{r}");
    let r = fail(&c, r#"{"city": "Paris"}"#);
    assert!(r.contains("population"), "{r}");
    assert!(r.contains("at /:"), "{r}");
    assert!(fail(&c, "Paris").starts_with("not valid JSON"));
    let bad = Check::JsonSchema {
        schema: json!({"type": 12}),
    };
    let v = vars(&[]);
    assert!(matches!(
        check(&bad, &facts("{}", &v)),
        Err(EvalError::Invalid(_))
    ));
    // An external reference is not fetched.
    let remote = json!({"$ref": "https://example.com/schema.json"});
    assert!(compile_schema(&remote).is_err());
}

#[test]
fn length_counts_characters_of_the_trimmed_output() {
    let c = Check::Length {
        min: Some(3),
        max: Some(5),
    };
    assert_eq!(pass(&c, " 日本語です \n"), "5 characters, within 3–5");
    assert_eq!(fail(&c, "ab"), "2 characters < min 3");
    assert_eq!(fail(&c, "abcdef"), "6 characters > max 5");
    assert_eq!(
        pass(
            &Check::Length {
                min: None,
                max: Some(2)
            },
            "ab"
        ),
        "2 characters ≤ 2"
    );
    assert_eq!(
        pass(
            &Check::Length {
                min: Some(0),
                max: None
            },
            ""
        ),
        "0 characters ≥ 0"
    );
}

#[test]
fn metric_checks_need_their_facts() {
    let v = vars(&[]);
    let mut f = facts("x", &v);
    let latency = Check::Latency { max_ms: 500 };
    let cost = Check::Cost { max_usd: 0.01 };
    let tokens = Check::Tokens {
        max_output: Some(100),
        max_total: Some(150),
    };
    for c in [&latency, &cost, &tokens] {
        let e = check(c, &f).unwrap_err();
        assert!(matches!(e, EvalError::MissingFact { .. }), "{e:?}");
    }
    assert_eq!(
        check(&cost, &f).unwrap_err().to_string(),
        "cost check needs the cell's cost, which is not known"
    );
    f.latency_ms = Some(812);
    f.cost_usd = Some(0.0123);
    f.output_tokens = Some(90);
    // The total needs the input tokens too.
    assert_eq!(
        check(&tokens, &f).unwrap_err(),
        EvalError::MissingFact {
            check: "tokens",
            fact: "input token count"
        }
    );
    f.input_tokens = Some(70);
    let v = check(&latency, &f).unwrap();
    assert_eq!(
        (v.pass, v.reason.as_str()),
        (false, "latency 812 ms > 500 ms")
    );
    let v = check(&cost, &f).unwrap();
    assert_eq!((v.pass, v.reason.as_str()), (false, "cost $0.0123 > $0.01"));
    let v = check(&tokens, &f).unwrap();
    assert_eq!(
        (v.pass, v.reason.as_str()),
        (false, "output 90 tokens ≤ 100, total 160 tokens > 150")
    );
    f.latency_ms = Some(500);
    f.cost_usd = Some(0.002);
    f.input_tokens = Some(10);
    assert_eq!(
        check(&latency, &f).unwrap().reason,
        "latency 500 ms ≤ 500 ms"
    );
    assert_eq!(check(&cost, &f).unwrap().reason, "cost $0.002 ≤ $0.01");
    let v = check(&tokens, &f).unwrap();
    assert!(v.pass);
    assert_eq!(v.score, 1.0);
    // A cost that is not a number is not known.
    f.cost_usd = Some(f64::NAN);
    assert!(check(&cost, &f).is_err());
    // Only output tokens: the input count is not needed.
    f.input_tokens = None;
    let only_out = Check::Tokens {
        max_output: Some(100),
        max_total: None,
    };
    assert_eq!(
        check(&only_out, &f).unwrap().reason,
        "output 90 tokens ≤ 100"
    );
}

#[test]
fn judges_are_not_deterministic_checks() {
    let v = vars(&[]);
    let c = Check::Judge(crate::eval::JudgeConfig {
        metric: "correctness".into(),
        rubric: None,
        model: "local:m".into(),
        pass_score: 0.5,
    });
    assert_eq!(
        check(&c, &facts("x", &v)).unwrap_err(),
        EvalError::NeedsJudgeModel
    );
}
