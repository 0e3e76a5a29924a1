//! Jinja templates against formats that only replace `{{name}}`: which part of a template is
//! plain text and placeholders, and what Jinja it uses beyond them.

use std::sync::LazyLock;

use regex::Regex;

/// A part of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    Text(&'a str),
    /// `{{ name }}`.
    Var(&'a str),
    /// Any other Jinja: a block, a comment, a filter, an expression. `what` says which.
    Logic {
        src: &'a str,
        what: &'static str,
    },
}

fn identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What a `{{ … }}` holds that is not a bare name.
fn expression_kind(inner: &str) -> &'static str {
    if inner.starts_with('-') || inner.ends_with('-') {
        "whitespace control"
    } else if inner.contains('|') {
        "a filter"
    } else if inner.contains('.') || inner.contains('[') {
        "attribute access"
    } else {
        "an expression"
    }
}

/// Splits a template into text, placeholders and Jinja logic.
pub(crate) fn pieces(src: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = src;
    let mut text_start = 0;
    let mut pos = 0;
    while let Some(i) = rest.find('{') {
        let at = pos + i;
        let tail = &src[at..];
        let (close, what) = if tail.starts_with("{{") {
            ("}}", "")
        } else if tail.starts_with("{%") {
            ("%}", "a {% %} block")
        } else if tail.starts_with("{#") {
            ("#}", "a {# #} comment")
        } else {
            pos = at + 1;
            rest = &src[pos..];
            continue;
        };
        let Some(end) = tail[2..].find(close) else {
            break;
        };
        let whole = &tail[..end + 4];
        if at > text_start {
            out.push(Piece::Text(&src[text_start..at]));
        }
        if close == "}}" {
            let inner = &whole[2..whole.len() - 2];
            let trimmed = inner.trim();
            if identifier(trimmed) && !inner.starts_with('-') && !inner.ends_with('-') {
                out.push(Piece::Var(trimmed));
            } else {
                out.push(Piece::Logic {
                    src: whole,
                    what: expression_kind(trimmed),
                });
            }
        } else {
            out.push(Piece::Logic { src: whole, what });
        }
        pos = at + whole.len();
        text_start = pos;
        rest = &src[pos..];
    }
    if text_start < src.len() {
        out.push(Piece::Text(&src[text_start..]));
    }
    out
}

/// The kinds of Jinja logic a template uses beyond `{{ name }}`, each once, in order.
pub(crate) fn logic(src: &str) -> Vec<&'static str> {
    let mut kinds = Vec::new();
    for p in pieces(src) {
        if let Piece::Logic { what, .. } = p {
            if !kinds.contains(&what) {
                kinds.push(what);
            }
        }
    }
    kinds
}

/// The template with each `{{ name }}` written `{{name}}` (renamed by `rename`); the rest as it
/// is.
pub(crate) fn to_plain_braces(src: &str, rename: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(src.len());
    for p in pieces(src) {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Var(v) => {
                out.push_str("{{");
                out.push_str(&rename(v));
                out.push_str("}}");
            }
            Piece::Logic { src, .. } => out.push_str(src),
        }
    }
    out
}

/// A `{{name}}` template read back as Jinja: each placeholder written `{{ name }}` (renamed by
/// `rename`).
pub(crate) fn from_plain_braces(src: &str, rename: impl Fn(&str) -> String) -> String {
    static VAR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}").expect("a valid pattern")
    });
    VAR.replace_all(src, |c: &regex::Captures<'_>| {
        format!("{{{{ {} }}}}", rename(&c[1]))
    })
    .into_owned()
}

/// The placeholders of a `{{name}}` template, each once, in order.
pub(crate) fn placeholders(src: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in pieces(src) {
        if let Piece::Var(v) = p {
            if !out.iter().any(|o| o == v) {
                out.push(v.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_logic_are_told_apart() {
        let src = "Hi {{ name }}, {{x|upper}} {{ user.name }} {% if a %}A{% endif %}{# c #} \
                   {{ a + 1 }} {{- b }} {{name}} { not jinja }";
        assert_eq!(
            logic(src),
            vec![
                "a filter",
                "attribute access",
                "a {% %} block",
                "a {# #} comment",
                "an expression",
                "whitespace control"
            ]
        );
        assert_eq!(placeholders(src), vec!["name"]);
        assert!(logic("Answer {{ q }} now {x}").is_empty());
        assert_eq!(
            to_plain_braces("Q: {{ q }} {{ q|trim }}", |v| v.to_string()),
            "Q: {{q}} {{ q|trim }}"
        );
        assert_eq!(
            from_plain_braces("Q: {{q}} {{  expected }}", |v| if v == "expected" {
                "reference".into()
            } else {
                v.into()
            }),
            "Q: {{ q }} {{ reference }}"
        );
        assert_eq!(pieces("a {{ unclosed"), vec![Piece::Text("a {{ unclosed")]);
    }
}
