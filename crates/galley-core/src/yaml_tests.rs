use super::*;

/// Blueprint files' choices.
const BROAD: Style = Style {
    plain: Plain::Safe,
    escapes: Escapes::Yaml,
    indentation_indicator: true,
    blocks_in_sequences: false,
};

/// The neighbouring tools' files' choices.
const NARROW: Style = Style {
    plain: Plain::Words,
    escapes: Escapes::Json,
    indentation_indicator: false,
    blocks_in_sequences: true,
};

fn yaml_quoted(s: &str) -> String {
    double_quoted(s, Escapes::Yaml)
}

fn document(root: &Node, style: Style) -> String {
    let mut out = String::new();
    write_document(&mut out, root, style);
    out
}

#[test]
fn plain_only_when_nothing_else_reads_it() {
    for s in [
        "hello",
        "Support reply",
        "a:b",
        "C#",
        "café",
        "日本語",
        "x-y",
        "DRAFT",
        "v1",
        "model:1",
        "a, b",
        "4f1c28",
        "1.2.3a",
        "3 apples",
        "1e",
        "0xZ",
        "12:61",
    ] {
        assert!(plain_safe(s), "{s}");
    }
    for s in [
        "",
        " a",
        "a ",
        "yes",
        "No",
        "TRUE",
        "null",
        "~",
        "=",
        "1",
        "1.5",
        "-1",
        ".5",
        "+1",
        ".inf",
        "0x1F",
        "0o17",
        "0b101",
        "1_000",
        "1e3",
        "1.2.3",
        "12:30",
        "1:20:30.5",
        "1.",
        "2026-01-05",
        "2026-1-5 10:00",
        "2026-01-05T10:00:00Z",
        "a: b",
        "a #b",
        "a:",
        "- a",
        "#a",
        "&a",
        "*a",
        "!a",
        "|a",
        ">a",
        "'a",
        "\"a",
        "%a",
        "@a",
        "`a",
        "?a",
        "[a",
        "{a",
        ",a",
        "<<",
        "a\tb",
        "a\u{0}b",
        "a\u{FEFF}",
        "a\nb",
        "---",
        "...",
    ] {
        assert!(!plain_safe(s), "{s:?}");
    }
}

#[test]
fn escapes_what_is_not_printable() {
    assert_eq!(yaml_quoted("a\"b\\c"), r#""a\"b\\c""#);
    assert_eq!(
        yaml_quoted("\t\r\n\u{0}\u{1}\u{7F}"),
        r#""\t\r\n\0\x01\x7F""#
    );
    assert_eq!(yaml_quoted("\u{FEFF}\u{2028}é"), "\"\\uFEFF\\Lé\"");
}

#[test]
fn floats_read_back_in_yaml_1_1_and_1_2() {
    assert_eq!(float_text(1.0), "1.0");
    assert_eq!(float_text(0.7), "0.7");
    assert_eq!(float_text(-0.0), "-0.0");
    assert_eq!(float_text(1e20), "1.0e+20");
    assert_eq!(float_text(1.5e-7), "1.5e-7");
    for f in [0.1, 1e300, 2.5e-300, 123456.789, f64::MIN_POSITIVE] {
        assert_eq!(float_text(f).parse::<f64>().unwrap(), f);
    }
}

#[test]
fn blocks_keep_their_breaks() {
    let mut out = String::new();
    write_block(&mut out, "a\n\n  b\n", 4);
    assert_eq!(out, " |\n    a\n\n      b\n");
    let mut out = String::new();
    write_block(&mut out, "  a\nb", 2);
    assert_eq!(out, " |2-\n    a\n  b\n");
    let mut out = String::new();
    write_block(&mut out, "\na\n\n\n", 2);
    assert_eq!(out, " |+\n\n  a\n\n\n");
    assert!(!block_safe("one line"));
    assert!(!block_safe("a\r\nb"));
    assert!(!block_safe("a\n  \nb"));
    assert!(!block_safe("\n\n"));
}

#[test]
fn words_are_the_safe_strings_that_look_like_words() {
    for s in [
        "Support reply",
        "gpt-4o-mini",
        "$HOME",
        "a:b",
        "café",
        "it's",
    ] {
        assert_eq!(BROAD.scalar(s), s);
        assert_eq!(NARROW.scalar(s), s);
    }
    for (s, q) in [
        ("C#", r#""C#""#),
        ("4f1c28", r#""4f1c28""#),
        ("日本語!", r#""日本語!""#),
        ("x?", r#""x?""#),
    ] {
        assert_eq!(BROAD.scalar(s), s);
        assert_eq!(NARROW.scalar(s), q, "{s:?}");
    }
    for s in ["yes", "Null", "1", "a: b", "a #b", "a:", "a ", "=", ""] {
        assert!(BROAD.scalar(s).starts_with('"'), "{s:?}");
        assert!(NARROW.scalar(s).starts_with('"'), "{s:?}");
    }
}

#[test]
fn escapes_differ_only_in_notation() {
    let s = "\u{0}\u{7}\u{1B}\u{85}\u{2028}\u{FEFF}\u{FFFE}\t\"é";
    assert_eq!(
        double_quoted(s, Escapes::Yaml),
        r#""\0\a\e\N\L\uFEFF\uFFFE\t\"é""#
    );
    assert_eq!(
        double_quoted(s, Escapes::Json),
        r#""\u0000\u0007\u001B\u0085\u2028\uFEFF\uFFFE\t\"é""#
    );
}

#[test]
fn styles_choose_blocks() {
    let doc = Node::Map(vec![
        ("lead".into(), Node::Str("  a\nb".into())),
        ("late".into(), Node::Str("\n  a".into())),
        (
            "items".into(),
            Node::Seq(vec![Node::Str("a\nb\n".into()), Node::Int(-3)]),
        ),
    ]);
    assert_eq!(
        document(&doc, BROAD),
        "lead: |2-\n    a\n  b\nlate: |2-\n\n    a\nitems:\n  - \"a\\nb\\n\"\n  - -3\n"
    );
    assert_eq!(
        document(&doc, NARROW),
        "lead: \"  a\\nb\"\nlate: \"\\n  a\"\nitems:\n  - |\n    a\n    b\n  - -3\n"
    );
}

#[test]
fn roots_other_than_mappings() {
    assert_eq!(document(&Node::Map(vec![]), NARROW), "{}\n");
    assert_eq!(document(&Node::Seq(vec![]), NARROW), "[]\n");
    assert_eq!(document(&Node::Str("yes".into()), NARROW), "\"yes\"\n");
    let list = Node::Seq(vec![Node::Bool(true), Node::Float(1e20), Node::Null]);
    assert_eq!(document(&list, BROAD), "- true\n- 1.0e+20\n- null\n");
    let big = Node::Int(u64::MAX.into());
    assert_eq!(document(&big, BROAD), "18446744073709551615\n");
}

#[test]
fn every_style_reads_back_as_written() {
    let texts = [
        "plain",
        "C#",
        "yes",
        "1.5",
        "2026-01-05",
        "a: b",
        "- a",
        "  lead\nx",
        "\n  late",
        "a\n\n  b\n",
        "a\nb\n\n\n",
        "a\nb",
        "tab\there\n",
        "bell\u{7} \u{85} \u{2028} \u{FEFF} \u{FFFE} \u{1F600}",
        "{{ reference }}",
        "it's \"quoted\"",
    ];
    let list = Node::Seq(texts.iter().map(|t| Node::Str(t.to_string())).collect());
    let map = Node::Map(
        texts
            .iter()
            .map(|t| (t.to_string(), Node::Str(t.to_string())))
            .collect(),
    );
    for style in [BROAD, NARROW] {
        let read: Vec<String> = serde_saphyr::from_str(&document(&list, style)).unwrap();
        assert_eq!(read, texts, "{style:?}");
        let text = document(&map, style);
        let read: Vec<(String, String)> =
            serde_saphyr::from_str::<std::collections::BTreeMap<String, String>>(&text)
                .unwrap()
                .into_iter()
                .collect();
        let mut want: Vec<(String, String)> = texts
            .iter()
            .map(|t| (t.to_string(), t.to_string()))
            .collect();
        want.sort();
        assert_eq!(read, want, "{style:?}");
    }
}
