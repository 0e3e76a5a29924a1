//! The block-YAML writer of every YAML file Galley writes: blueprint files (`bpfile`) and the
//! neighbouring tools' files (`formats`).
//!
//! A [`Node`] tree, its mapping keys in the order they were put, is written as block YAML:
//! mappings and sequences one entry a line, empty ones as `{}` and `[]`, multi-line text as
//! literal blocks (`|`, `|-` or `|+`, keeping the final line breaks exactly), other text plain
//! when no YAML reader (1.1 or 1.2: PyYAML, js-yaml, Go's yaml, saphyr) could take it for
//! anything else, double-quoted otherwise, and floats in a form both YAML versions read back
//! as the same `f64`.
//!
//! The two kinds of files differ in a few choices, which a [`Style`] names; each is fixed by
//! the files already written (and their golden tests), so a re-export gives the same bytes.

use std::sync::LazyLock;

use regex::Regex;

/// A YAML value with its mapping keys in the order they were put.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    /// Any `i64` or `u64`.
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

/// How the writer chooses among equally correct ways of writing a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Style {
    /// Which strings are written plain.
    pub(crate) plain: Plain,
    /// How a double-quoted string escapes what is not printable.
    pub(crate) escapes: Escapes,
    /// Whether a literal block may carry an indentation indicator (`|2`), for text whose first
    /// line with text starts with a blank; without it such text is double-quoted.
    pub(crate) indentation_indicator: bool,
    /// Whether multi-line text that is a sequence item is a literal block after its `-`;
    /// without it, it is double-quoted.
    pub(crate) blocks_in_sequences: bool,
}

/// Which strings are written without quotes; both are safe, one is broader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plain {
    /// Every string no YAML 1.1 or 1.2 reader takes for anything else ([`plain_safe`]).
    Safe,
    /// Only the safe strings that look like words: starting with a letter, `_` or `$`, made of
    /// letters, digits, blanks and `_-./(),:@+=$'` ([`word_like`]).
    Words,
}

/// The escapes of a double-quoted string; both read back as the same text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Escapes {
    /// YAML's short forms (`\0`, `\a`, `\e`, `\N`, `\L`, `\x01`…) where YAML has one.
    Yaml,
    /// Only the escapes JSON shares with YAML: `\"`, `\\`, `\n`, `\t`, `\r`, else `\u0001`.
    Json,
}

impl Style {
    /// A string on one line: plain when this style allows it, else double-quoted.
    pub(crate) fn scalar(self, s: &str) -> String {
        let plain = plain_safe(s)
            && match self.plain {
                Plain::Safe => true,
                Plain::Words => word_like(s),
            };
        if plain {
            s.to_string()
        } else {
            double_quoted(s, self.escapes)
        }
    }

    /// Whether this style writes `s` as a literal block.
    fn block(self, s: &str) -> bool {
        block_safe(s) && (self.indentation_indicator || !needs_indicator(s))
    }
}

/// Writes a document's root: a non-empty mapping or sequence from column 0, anything else on
/// one line; ends with a line break.
pub(crate) fn write_document(out: &mut String, root: &Node, style: Style) {
    match root {
        Node::Map(m) if !m.is_empty() => write_map(out, m, 0, false, style),
        Node::Seq(s) if !s.is_empty() => write_seq(out, s, 0, style),
        other => {
            out.push_str(&inline(other, style));
            out.push('\n');
        }
    }
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// Writes mapping entries at column `at`; with `inline_first`, the first key goes on the
/// current line (after a sequence's `- `).
fn write_map(
    out: &mut String,
    entries: &[(String, Node)],
    at: usize,
    mut inline_first: bool,
    style: Style,
) {
    for (key, value) in entries {
        if !inline_first {
            indent(out, at);
        }
        inline_first = false;
        out.push_str(&style.scalar(key));
        out.push(':');
        write_value(out, value, at, false, style);
    }
}

/// Writes sequence items, their `-` at column `at`.
fn write_seq(out: &mut String, items: &[Node], at: usize, style: Style) {
    for item in items {
        indent(out, at);
        out.push('-');
        write_value(out, item, at, true, style);
    }
}

/// Writes what follows a key's `:` or, for an `item`, a sequence's `-`, both at column `at`:
/// a nested mapping or sequence on the next lines (a mapping item starting on the dash's
/// line), a literal block, or a value on the same line.
fn write_value(out: &mut String, value: &Node, at: usize, item: bool, style: Style) {
    match value {
        Node::Map(m) if !m.is_empty() => {
            out.push(if item { ' ' } else { '\n' });
            write_map(out, m, at + 2, item, style);
        }
        Node::Seq(s) if !s.is_empty() => {
            out.push('\n');
            write_seq(out, s, at + 2, style);
        }
        Node::Str(s) if (!item || style.blocks_in_sequences) && style.block(s) => {
            write_block(out, s, at + 2);
        }
        other => {
            out.push(' ');
            out.push_str(&inline(other, style));
            out.push('\n');
        }
    }
}

/// A value that fits on the line after its key or dash.
fn inline(node: &Node, style: Style) -> String {
    match node {
        Node::Null => "null".into(),
        Node::Bool(b) => b.to_string(),
        Node::Int(i) => i.to_string(),
        Node::Float(f) => float_text(*f),
        Node::Str(s) => style.scalar(s),
        Node::Seq(s) if s.is_empty() => "[]".into(),
        Node::Map(m) if m.is_empty() => "{}".into(),
        other => unreachable!("{other:?} is written as a block"),
    }
}

/// A float as a YAML 1.1 and 1.2 float that reads back as the same `f64`: Rust's shortest
/// round-trip digits, with a `.0` and a signed exponent where those need them.
pub(crate) fn float_text(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
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
pub(crate) fn plain_safe(s: &str) -> bool {
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

/// Whether `s` looks like a word or a phrase ([`Plain::Words`]): it starts with a letter, `_`
/// or `$` and has only letters, digits, spaces and `_-./(),:@+=$'`.
fn word_like(s: &str) -> bool {
    s.starts_with(|c: char| c.is_alphabetic() || c == '_' || c == '$')
        && s.chars().all(|c| {
            c.is_alphanumeric()
                || matches!(
                    c,
                    ' ' | '_'
                        | '-'
                        | '.'
                        | '/'
                        | '('
                        | ')'
                        | ','
                        | ':'
                        | '@'
                        | '+'
                        | '='
                        | '$'
                        | '\''
                )
        })
}

/// A double-quoted YAML string; what is not printable is escaped.
pub(crate) fn double_quoted(s: &str, escapes: Escapes) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if printable(c) => out.push(c),
            c => match (escapes, yaml_escape(c), c as u32) {
                (Escapes::Yaml, Some(e), _) => out.push_str(e),
                (Escapes::Yaml, None, n @ ..=0xFF) => out.push_str(&format!("\\x{n:02X}")),
                (_, _, n @ ..=0xFFFF) => out.push_str(&format!("\\u{n:04X}")),
                (_, _, n) => out.push_str(&format!("\\U{n:08X}")),
            },
        }
    }
    out.push('"');
    out
}

/// YAML's short escape of a character that is not printable, where it has one.
fn yaml_escape(c: char) -> Option<&'static str> {
    Some(match c {
        '\0' => "\\0",
        '\u{7}' => "\\a",
        '\u{8}' => "\\b",
        '\u{B}' => "\\v",
        '\u{C}' => "\\f",
        '\u{1B}' => "\\e",
        '\u{85}' => "\\N",
        '\u{2028}' => "\\L",
        '\u{2029}' => "\\P",
        _ => return None,
    })
}

/// Whether a string can be a literal block: it spans lines, has a line with text, every
/// character can stand in a block as it is, and no line is only blanks (a reader could take
/// one for indentation).
pub(crate) fn block_safe(s: &str) -> bool {
    s.contains('\n')
        && s.chars().all(|c| c == '\n' || c == '\t' || printable(c))
        && s.split('\n').any(|l| !l.is_empty())
        && s.split('\n')
            .all(|l| l.is_empty() || !l.chars().all(|c| c == ' ' || c == '\t'))
}

/// Whether the first line with text starts with a blank, which a reader would take for
/// indentation unless the block header gives it.
fn needs_indicator(s: &str) -> bool {
    s.split('\n')
        .find(|l| !l.is_empty())
        .is_some_and(|l| l.starts_with([' ', '\t']))
}

/// Writes `s` as a literal block scalar whose lines start at column `at`: `|` keeps one final
/// line break, `|-` none, `|+` several; an indentation indicator when the first line with text
/// starts with a blank, which would otherwise be taken for indentation.
fn write_block(out: &mut String, s: &str, at: usize) {
    let body = s.trim_end_matches('\n');
    let breaks = s.len() - body.len();
    out.push_str(" |");
    if needs_indicator(body) {
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
#[path = "yaml_tests.rs"]
mod tests;
