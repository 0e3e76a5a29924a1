//! The foreign formats' YAML: builders of the crate's YAML tree ([`crate::yaml::Node`], here
//! `Y`) and documents with leading comment lines, written in the [`STYLE`] of the neighbouring
//! tools' files.

pub(crate) use crate::yaml::Node as Y;
use crate::yaml::{write_document, Escapes, Plain, Style};

/// Keys in the order they are put; text plain only when it looks like words and every YAML
/// reader (1.1 and 1.2: PyYAML, js-yaml, Go's yaml) reads it back as the same string;
/// multi-line text as literal blocks, also as sequence items, but double-quoted when its first
/// line with text starts with a blank (no indentation indicators); escapes JSON has too.
/// These files are compared with golden files, so a re-export gives the same bytes.
const STYLE: Style = Style {
    plain: Plain::Words,
    escapes: Escapes::Json,
    indentation_indicator: false,
    blocks_in_sequences: true,
};

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
                Some(i) => Y::Int(i.into()),
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
    write_document(&mut out, root, STYLE);
    out
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
            assert_eq!(STYLE.scalar(s), s);
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
            assert_eq!(STYLE.scalar(s), q, "{s:?}");
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
        assert_eq!(crate::yaml::float_text(1e-7), "1.0e-7");
        assert_eq!(crate::yaml::float_text(2.0), "2.0");
    }
}
