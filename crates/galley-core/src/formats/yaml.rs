//! A small block-YAML writer for the foreign formats: keys in the order they are put, text
//! plain only when every YAML reader (1.1 and 1.2: PyYAML, js-yaml, Go's yaml) reads it back
//! as the same string, multi-line text as literal blocks, anything else double-quoted.

/// A YAML value with its mapping keys in the order they were put.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Y {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Y>),
    Map(Vec<(String, Y)>),
}

impl Y {
    pub(crate) fn map() -> Y {
        Y::Map(Vec::new())
    }

    pub(crate) fn str(s: impl Into<String>) -> Y {
        Y::Str(s.into())
    }

    /// Adds a key (builder style).
    pub(crate) fn with(mut self, key: &str, value: Y) -> Y {
        self.put(key, value);
        self
    }

    /// Adds a key when the value is given.
    pub(crate) fn with_opt(mut self, key: &str, value: Option<Y>) -> Y {
        if let Some(v) = value {
            self.put(key, v);
        }
        self
    }

    pub(crate) fn put(&mut self, key: &str, value: Y) {
        match self {
            Y::Map(entries) => entries.push((key.to_string(), value)),
            other => unreachable!("put on {other:?}"),
        }
    }

    pub(crate) fn is_empty_map(&self) -> bool {
        matches!(self, Y::Map(m) if m.is_empty())
    }

    /// A JSON value as YAML; object keys in the JSON map's (sorted) order.
    pub(crate) fn from_json(v: &serde_json::Value) -> Y {
        use serde_json::Value;
        match v {
            Value::Null => Y::Null,
            Value::Bool(b) => Y::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Y::Int(i),
                None => Y::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => Y::Str(s.clone()),
            Value::Array(a) => Y::Seq(a.iter().map(Y::from_json).collect()),
            Value::Object(o) => Y::Map(
                o.iter()
                    .map(|(k, v)| (k.clone(), Y::from_json(v)))
                    .collect(),
            ),
        }
    }
}

/// A YAML document: the comment lines first (each without `#`), then the mapping; ends with a
/// newline.
pub(crate) fn document(comments: &[&str], root: &Y) -> String {
    let mut out = String::new();
    for c in comments {
        out.push_str("# ");
        out.push_str(c);
        out.push('\n');
    }
    match root {
        Y::Map(entries) if !entries.is_empty() => write_map(&mut out, entries, 0, false),
        other => {
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
    out
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn write_map(out: &mut String, entries: &[(String, Y)], at: usize, first_inline: bool) {
    for (i, (key, value)) in entries.iter().enumerate() {
        if i > 0 || !first_inline {
            pad(out, at);
        }
        out.push_str(&scalar(key));
        out.push(':');
        write_value(out, value, at);
    }
}

/// The value after `key:`, whose key is at column `at`.
fn write_value(out: &mut String, value: &Y, at: usize) {
    match value {
        Y::Map(m) if !m.is_empty() => {
            out.push('\n');
            write_map(out, m, at + 2, false);
        }
        Y::Seq(s) if !s.is_empty() => {
            out.push('\n');
            write_seq(out, s, at + 2);
        }
        Y::Str(s) if block_ok(s) => write_block(out, s, at + 2),
        other => {
            out.push(' ');
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
}

fn write_seq(out: &mut String, items: &[Y], at: usize) {
    for item in items {
        pad(out, at);
        out.push('-');
        match item {
            Y::Map(m) if !m.is_empty() => {
                out.push(' ');
                write_map(out, m, at + 2, true);
            }
            Y::Seq(s) if !s.is_empty() => {
                out.push('\n');
                write_seq(out, s, at + 2);
            }
            Y::Str(s) if block_ok(s) => write_block(out, s, at + 2),
            other => {
                out.push(' ');
                out.push_str(&inline(other));
                out.push('\n');
            }
        }
    }
}

fn inline(v: &Y) -> String {
    match v {
        Y::Null => "null".into(),
        Y::Bool(b) => b.to_string(),
        Y::Int(i) => i.to_string(),
        Y::Float(f) => float(*f),
        Y::Str(s) => scalar(s),
        Y::Seq(_) => "[]".into(),
        Y::Map(_) => "{}".into(),
    }
}

/// A float that YAML 1.1 and 1.2 both read back as the same number.
pub(crate) fn float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    let s = format!("{f:?}");
    match s.split_once('e') {
        Some((m, e)) => {
            let dot = if m.contains('.') { "" } else { ".0" };
            let sign = if e.starts_with('-') { "" } else { "+" };
            format!("{m}{dot}e{sign}{e}")
        }
        None => s,
    }
}

/// Words some YAML reader takes for a boolean or null.
const WORDS: [&str; 10] = [
    "y", "n", "yes", "no", "true", "false", "on", "off", "null", "~",
];

/// Whether `s` can be written without quotes. Deliberately narrow: letters, digits and a few
/// marks, starting with a letter, `_` or `$`; a `:` only when no blank follows it.
fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !(first.is_alphabetic() || first == '_' || first == '$') || s.ends_with([' ', ':']) {
        return false;
    }
    if WORDS.contains(&s.to_lowercase().as_str()) || s.contains(": ") || s.contains(" #") {
        return false;
    }
    s.chars().all(|c| {
        c.is_alphanumeric()
            || matches!(
                c,
                ' ' | '_' | '-' | '.' | '/' | '(' | ')' | ',' | ':' | '@' | '+' | '=' | '$' | '\''
            )
    })
}

/// A string on one line: plain when safe, else double-quoted.
pub(crate) fn scalar(s: &str) -> String {
    if plain_ok(s) {
        s.to_string()
    } else {
        quoted(s)
    }
}

/// A double-quoted YAML string (JSON's escapes are YAML's too).
pub(crate) fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}') => {
                let n = c as u32;
                if n <= 0xFFFF {
                    out.push_str(&format!("\\u{n:04X}"));
                } else {
                    out.push_str(&format!("\\U{n:08X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether multi-line text can be a literal block: no control characters but tabs, no line
/// of blanks only (read as indentation), and a first line that does not start with a blank.
fn block_ok(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\t'])
        && s.chars().all(|c| {
            c == '\n'
                || c == '\t'
                || !(c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}'))
        })
        && s.split('\n').any(|l| !l.is_empty())
        && s.split('\n')
            .all(|l| l.is_empty() || !l.chars().all(|c| c == ' ' || c == '\t'))
}

/// A literal block whose lines start at column `at`, keeping the final line breaks exactly.
fn write_block(out: &mut String, s: &str, at: usize) {
    let body = s.trim_end_matches('\n');
    let breaks = s.len() - body.len();
    out.push_str(match breaks {
        0 => " |-\n",
        1 => " |\n",
        _ => " |+\n",
    });
    for line in body.split('\n') {
        if !line.is_empty() {
            pad(out, at);
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
    fn text_is_quoted_unless_plainly_text() {
        for s in [
            "Support reply",
            "gpt-4o-mini",
            "bedrock:anthropic.claude-3-5-haiku-20241022-v1:0",
            "$HOME",
            "http://localhost:8000/v1",
            "café",
        ] {
            assert_eq!(scalar(s), s);
        }
        for (s, q) in [
            ("", r#""""#),
            ("yes", r#""yes""#),
            ("n", r#""n""#),
            ("${env:KEY}", r#""${env:KEY}""#),
            ("Null", r#""Null""#),
            ("1", r#""1""#),
            ("DRAFT: x", r#""DRAFT: x""#),
            ("{{ reference }}", r#""{{ reference }}""#),
            ("a #b", r##""a #b""##),
            ("- a", r#""- a""#),
            ("tab\there", r#""tab\there""#),
            ("bell\u{7}", r#""bell\u0007""#),
            ("say \"hi\"", r#""say \"hi\"""#),
        ] {
            assert_eq!(scalar(s), q, "{s:?}");
        }
    }

    #[test]
    fn documents_nest_and_keep_blocks() {
        let doc = Y::map()
            .with("name", Y::str("x"))
            .with(
                "list",
                Y::Seq(vec![
                    Y::map()
                        .with("role", Y::str("user"))
                        .with("content", Y::str("a\n\nb\n")),
                    Y::Int(3),
                ]),
            )
            .with("empty", Y::map())
            .with("t", Y::Float(0.5))
            .with("n", Y::Null)
            .with("s", Y::str("  lead\nx"));
        assert_eq!(
            document(&["c"], &doc),
            "# c\nname: x\nlist:\n  - role: user\n    content: |\n      a\n\n      b\n  - 3\n\
             empty: {}\nt: 0.5\n\"n\": null\ns: \"  lead\\nx\"\n"
        );
        assert_eq!(float(1e-7), "1.0e-7");
        assert_eq!(float(2.0), "2.0");
    }
}
