//! The YAML writer of blueprint files.
//!
//! The file is first serialised to JSON with serde, which gives the keys in the structs' serde
//! order and applies every `skip_serializing_if` exactly as the content hash sees them; that JSON
//! is read back into an ordered [`Node`] tree and written as block YAML. Strings are written
//! plain when no YAML reader (1.1 or 1.2) could take them for anything else, as a literal block
//! when they span lines, and double-quoted otherwise.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Serialize;

use super::{BlueprintFile, FORMAT, FORMAT_VERSION};

/// The file as written: the format keys first, then the blueprint.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    format: &'static str,
    format_version: u32,
    #[serde(flatten)]
    file: &'a BlueprintFile,
}

const HEADER: &str =
    "# Galley blueprint. Versions are history, each fingerprinted by its contentHash: \
to propose a new version, edit the content of the last one and import the file in Galley.\n";

pub(super) fn document(file: &BlueprintFile, schema_path: Option<&str>) -> String {
    // Versions by number whatever order they were given in (the store lists newest first).
    let sorted;
    let file = if file.versions.is_sorted_by_key(|v| v.number) {
        file
    } else {
        let mut copy = file.clone();
        copy.versions.sort_by_key(|v| v.number);
        sorted = copy;
        &sorted
    };
    let json = serde_json::to_string(&Document {
        format: FORMAT,
        format_version: FORMAT_VERSION,
        file,
    })
    .expect("a blueprint file always serialises");
    let node: Node = serde_json::from_str(&json).expect("serde_json reads what it wrote");
    let mut out = String::new();
    if let Some(path) =
        schema_path.filter(|p| !p.trim().is_empty() && !p.chars().any(char::is_control))
    {
        out.push_str("# yaml-language-server: $schema=");
        out.push_str(path.trim());
        out.push('\n');
    }
    out.push_str(HEADER);
    match &node {
        Node::Map(entries) => write_map(&mut out, entries, 0, false),
        other => unreachable!("a document is a mapping, not {other:?}"),
    }
    out
}

/// A JSON value with its mapping keys in the order they were written.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    Null,
    Bool(bool),
    /// An integer, as its decimal text.
    Int(String),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Int(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Node>()? {
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// Writes mapping entries at column `at`; with `inline_first`, the first key goes on the
/// current line (after a sequence's `- `).
fn write_map(out: &mut String, entries: &[(String, Node)], at: usize, mut inline_first: bool) {
    for (key, value) in entries {
        if !inline_first {
            indent(out, at);
        }
        inline_first = false;
        out.push_str(&scalar_text(key));
        out.push(':');
        match value {
            Node::Map(m) if !m.is_empty() => {
                out.push('\n');
                write_map(out, m, at + 2, false);
            }
            Node::Seq(s) if !s.is_empty() => {
                out.push('\n');
                write_seq(out, s, at + 2);
            }
            Node::Str(s) if block_safe(s) => write_block(out, s, at + 2),
            other => {
                out.push(' ');
                out.push_str(&inline(other));
                out.push('\n');
            }
        }
    }
}

/// Writes sequence items, their `-` at column `at`.
fn write_seq(out: &mut String, items: &[Node], at: usize) {
    for item in items {
        indent(out, at);
        out.push('-');
        match item {
            Node::Map(m) if !m.is_empty() => {
                out.push(' ');
                write_map(out, m, at + 2, true);
            }
            Node::Seq(s) if !s.is_empty() => {
                out.push('\n');
                write_seq(out, s, at + 2);
            }
            other => {
                out.push(' ');
                out.push_str(&inline(other));
                out.push('\n');
            }
        }
    }
}

/// A value that fits on the line after its key or dash.
fn inline(node: &Node) -> String {
    match node {
        Node::Null => "null".into(),
        Node::Bool(b) => b.to_string(),
        Node::Int(i) => i.clone(),
        Node::Float(f) => float_text(*f),
        Node::Str(s) => scalar_text(s),
        Node::Seq(s) if s.is_empty() => "[]".into(),
        Node::Map(m) if m.is_empty() => "{}".into(),
        other => unreachable!("{other:?} is written as a block"),
    }
}

/// A float as a YAML 1.1 and 1.2 float that reads back as the same `f64`: Rust's shortest
/// round-trip digits, with a `.0` and a signed exponent where those need them.
pub(super) fn float_text(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        };
    }
    let s = format!("{f:?}");
    match s.split_once('e') {
        Some((mantissa, exp)) => {
            let dot = if mantissa.contains('.') { "" } else { ".0" };
            let sign = if exp.starts_with('-') { "" } else { "+" };
            format!("{mantissa}{dot}e{sign}{exp}")
        }
        None => s,
    }
}

/// A string on one line: plain when safe, else double-quoted.
pub(super) fn scalar_text(s: &str) -> String {
    if plain_safe(s) {
        s.to_string()
    } else {
        double_quoted(s)
    }
}

/// Characters YAML can show as they are (its printable set), less those some readers take for
/// line breaks or a byte-order mark.
fn printable(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{7E}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// Words that YAML 1.1 or 1.2 reads as booleans or null, compared lower-cased.
const RESERVED: [&str; 11] = [
    "y", "n", "yes", "no", "true", "false", "on", "off", "null", "~", "=",
];

/// Whether a string that starts with a digit could be read as a number or a time by some YAML
/// reader: the integers, floats and sexagesimals of YAML 1.1 and 1.2 (with `_` separators and
/// `0x`, `0o`, `0b` prefixes), and anything starting like a date.
fn numeric(s: &str) -> bool {
    static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"^(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+",
            r"|[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9._]*)?(?:[eE][-+]?[0-9]+)?",
            r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*)$",
        ))
        .expect("a valid pattern")
    });
    NUMBER.is_match(s)
}

/// Whether `s` reads back as the same string when written plain, in a block context, by a
/// YAML 1.1 or 1.2 reader. Errs towards quoting.
pub(super) fn plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s || !s.chars().all(printable) {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`.+".contains(first) || (first.is_ascii_digit() && numeric(s)) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.starts_with("<<") {
        return false;
    }
    !RESERVED.contains(&s.to_ascii_lowercase().as_str())
}

/// A double-quoted YAML string; what is not printable is escaped.
pub(super) fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{B}' => out.push_str("\\v"),
            '\u{C}' => out.push_str("\\f"),
            '\u{1B}' => out.push_str("\\e"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if printable(c) => out.push(c),
            c if (c as u32) <= 0xFF => out.push_str(&format!("\\x{:02X}", c as u32)),
            c if (c as u32) <= 0xFFFF => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push_str(&format!("\\U{:08X}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Whether a string is written as a literal block: it spans lines, has a line with text, every
/// character can stand in a block as it is, and no line is only blanks (a reader could take
/// one for indentation).
pub(super) fn block_safe(s: &str) -> bool {
    s.contains('\n')
        && s.chars().all(|c| c == '\n' || c == '\t' || printable(c))
        && s.split('\n').any(|l| !l.is_empty())
        && s.split('\n')
            .all(|l| l.is_empty() || !l.chars().all(|c| c == ' ' || c == '\t'))
}

/// Writes `s` as a literal block scalar whose lines start at column `at`: `|` keeps one final
/// line break, `|-` none, `|+` several; an indentation indicator when the first line with text
/// starts with a blank, which would otherwise be taken for indentation.
fn write_block(out: &mut String, s: &str, at: usize) {
    let body = s.trim_end_matches('\n');
    let breaks = s.len() - body.len();
    out.push_str(" |");
    let first = body.split('\n').find(|l| !l.is_empty()).unwrap_or("");
    if first.starts_with([' ', '\t']) {
        out.push('2');
    }
    out.push_str(match breaks {
        0 => "-\n",
        1 => "\n",
        _ => "+\n",
    });
    for line in body.split('\n') {
        if !line.is_empty() {
            indent(out, at);
            out.push_str(line);
        }
        out.push('\n');
    }
    for _ in 1..breaks {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(double_quoted("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(
            double_quoted("\t\r\n\u{0}\u{1}\u{7F}"),
            r#""\t\r\n\0\x01\x7F""#
        );
        assert_eq!(double_quoted("\u{FEFF}\u{2028}é"), "\"\\uFEFF\\Lé\"");
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
}
