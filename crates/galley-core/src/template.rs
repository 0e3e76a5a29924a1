//! Jinja templates: checking, variable discovery and strict rendering (minijinja).
//!
//! Rendering is strict: a variable without a value is an error that names the variable and the
//! place (template, line, column) where it is first used. Nothing here panics on user input.

use std::collections::{BTreeMap, HashSet};

use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior, Value};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::blueprint::{BlueprintContent, VarType};
use crate::text::{human_size, line_col, utf16_len};

/// The largest template Galley accepts, in bytes (1 MiB).
pub const MAX_TEMPLATE_BYTES: usize = 1 << 20;
/// Upper bound on template instructions per render, so a runaway loop cannot hang the app.
const FUEL: u64 = 5_000_000;
/// Names minijinja provides itself; using them does not make a template variable.
const BUILTIN_GLOBALS: [&str; 5] = ["range", "dict", "namespace", "debug", "loop"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum IssueKind {
    /// The template does not parse.
    Syntax,
    /// A variable is used but has neither a value nor a default.
    MissingValue,
    /// A value cannot be converted to its declared type.
    BadValue,
    /// Rendering failed (unknown filter, undefined attribute, runaway loop...).
    Render,
    /// The template is over [`MAX_TEMPLATE_BYTES`].
    TooLarge,
}

/// A problem in one template, placed for an editor marker: 1-based line, 1-based UTF-16
/// column, and the marked length in UTF-16 units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TemplateIssue {
    /// `system`, `message 2 (assistant)`, or `variables` for a bad value.
    pub place: String,
    pub kind: IssueKind,
    pub line: u32,
    pub column: u32,
    pub length: u32,
    pub message: String,
}

impl std::fmt::Display for TemplateIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.place, self.message)
        } else {
            write!(
                f,
                "{} line {}, column {}: {}",
                self.place, self.line, self.column, self.message
            )
        }
    }
}

/// What the editor needs after each keystroke: the problems and the variables in use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TemplateReport {
    pub issues: Vec<TemplateIssue>,
    /// Variables the templates use, in order of first use (system first, then messages).
    pub variables: Vec<String>,
}

/// One rendered chat message, ready for a provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RenderedMessage {
    /// `system`, `user` or `assistant`.
    pub role: String,
    pub text: String,
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_keep_trailing_newline(true);
    env.set_fuel(Some(FUEL));
    env
}

fn too_large(place: &str, src: &str) -> Option<TemplateIssue> {
    (src.len() > MAX_TEMPLATE_BYTES).then(|| TemplateIssue {
        place: place.to_string(),
        kind: IssueKind::TooLarge,
        line: 0,
        column: 0,
        length: 0,
        message: format!(
            "template is {}; the limit is {}: split it or move the text into a variable",
            human_size(src.len()),
            human_size(MAX_TEMPLATE_BYTES)
        ),
    })
}

/// Turns a minijinja error into an issue placed in `src`.
fn issue_from_error(
    place: &str,
    src: &str,
    err: &minijinja::Error,
    kind: IssueKind,
) -> TemplateIssue {
    let (line, column, length) = match err.range() {
        Some(r) => {
            let (l, c) = line_col(src, r.start);
            (l, c, utf16_len(src, r.start, r.end).max(1))
        }
        None => match err.line() {
            Some(l) => (l as u32, 1, 0),
            None => (0, 0, 0),
        },
    };
    let mut message = err.kind().to_string();
    if let Some(detail) = err.detail() {
        message = format!("{message}: {detail}");
    }
    if err.kind() == ErrorKind::UndefinedError {
        if let Some(expr) = err.range().and_then(|r| src.get(r)) {
            message = format!("undefined value `{}`", expr.trim());
        }
    }
    TemplateIssue {
        place: place.to_string(),
        kind,
        line,
        column,
        length,
        message,
    }
}

/// Parses one template: syntax problems, and the variables it uses in order of first use.
pub fn check_template(place: &str, src: &str) -> (Vec<TemplateIssue>, Vec<String>) {
    if let Some(issue) = too_large(place, src) {
        return (vec![issue], Vec::new());
    }
    let env = environment();
    match env.template_from_named_str(place, src) {
        Err(err) => (
            vec![issue_from_error(place, src, &err, IssueKind::Syntax)],
            Vec::new(),
        ),
        Ok(tmpl) => {
            let names: HashSet<String> = tmpl
                .undeclared_variables(false)
                .into_iter()
                .filter(|n| !BUILTIN_GLOBALS.contains(&n.as_str()))
                .collect();
            let mut ordered: Vec<(usize, String)> = names
                .into_iter()
                .map(|n| (first_use(src, &n).map_or(usize::MAX, |(at, _)| at), n))
                .collect();
            ordered.sort();
            (Vec::new(), ordered.into_iter().map(|(_, n)| n).collect())
        }
    }
}

/// Checks every template of a content.
pub fn analyze(content: &BlueprintContent) -> TemplateReport {
    let mut issues = Vec::new();
    let mut variables: Vec<String> = Vec::new();
    for (place, src) in content.templates() {
        let (mut found, vars) = check_template(&place, src);
        issues.append(&mut found);
        for v in vars {
            if !variables.contains(&v) {
                variables.push(v);
            }
        }
    }
    TemplateReport { issues, variables }
}

/// Converts a value typed by the user into the declared type.
pub fn convert_value(var_type: VarType, raw: &str) -> Result<Value, String> {
    match var_type {
        VarType::String => Ok(Value::from(raw)),
        VarType::Number => {
            let t = raw.trim();
            if let Ok(i) = t.parse::<i64>() {
                Ok(Value::from(i))
            } else {
                match t.parse::<f64>() {
                    Ok(f) if f.is_finite() => Ok(Value::from(f)),
                    _ => Err(format!("`{raw}` is not a number")),
                }
            }
        }
        VarType::Boolean => match raw.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Ok(Value::from(true)),
            "false" | "no" | "0" => Ok(Value::from(false)),
            _ => Err(format!("`{raw}` is not a boolean (use true or false)")),
        },
        VarType::Json => serde_json::from_str::<serde_json::Value>(raw)
            .map(|v| Value::from_serialize(&v))
            .map_err(|e| format!("`{}` is not valid JSON: {e}", abbreviate(raw))),
    }
}

fn abbreviate(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// Renders every template of `content` with `values` (raw text per variable, converted by the
/// declared types; defaults fill the gaps). Either all messages, or every problem found.
pub fn render(
    content: &BlueprintContent,
    values: &BTreeMap<String, String>,
) -> Result<Vec<RenderedMessage>, Vec<TemplateIssue>> {
    let report = analyze(content);
    if !report.issues.is_empty() {
        return Err(report.issues);
    }
    let mut issues = Vec::new();
    let mut ctx: BTreeMap<String, Value> = BTreeMap::new();
    for name in &report.variables {
        let decl = content.variable(name);
        let var_type = decl.map(|d| d.var_type).unwrap_or_default();
        let raw = values
            .get(name)
            .or_else(|| decl.and_then(|d| d.default.as_ref()));
        match raw {
            Some(raw) => match convert_value(var_type, raw) {
                Ok(v) => {
                    ctx.insert(name.clone(), v);
                }
                Err(e) => issues.push(TemplateIssue {
                    place: "variables".into(),
                    kind: IssueKind::BadValue,
                    line: 0,
                    column: 0,
                    length: 0,
                    message: format!("variable `{name}`: {e}"),
                }),
            },
            None => {
                for (place, src) in content.templates() {
                    if let Some((at, len)) = first_use(src, name) {
                        let (line, column) = line_col(src, at);
                        issues.push(TemplateIssue {
                            place,
                            kind: IssueKind::MissingValue,
                            line,
                            column,
                            length: utf16_len(src, at, at + len),
                            message: format!(
                                "undefined variable `{name}`: give it a value or a default"
                            ),
                        });
                        break;
                    }
                }
            }
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let env = environment();
    let mut out = Vec::new();
    let roles = std::iter::once("system").chain(content.messages.iter().map(|m| m.role.as_str()));
    for ((place, src), role) in content.templates().into_iter().zip(roles) {
        if role == "system" && src.trim().is_empty() {
            continue;
        }
        let rendered = env
            .template_from_named_str(&place, src)
            .and_then(|t| t.render(&ctx));
        match rendered {
            Ok(text) => out.push(RenderedMessage {
                role: role.to_string(),
                text,
            }),
            Err(err) => issues.push(issue_from_error(&place, src, &err, IssueKind::Render)),
        }
    }
    if issues.is_empty() {
        Ok(out)
    } else {
        Err(issues)
    }
}

/// Byte offset and length of the first use of variable `name` inside a `{{ }}` or `{% %}` tag:
/// a whole identifier, not an attribute (`x.name`) and not inside a string literal.
pub fn first_use(src: &str, name: &str) -> Option<(usize, usize)> {
    let bytes = src.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        let open = &bytes[i..i + 2];
        let close: &[u8] = match open {
            b"{{" => b"}}",
            b"{%" => b"%}",
            b"{#" => {
                i = find(bytes, i + 2, b"#}").map_or(bytes.len(), |e| e + 2);
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        let end = find(bytes, i + 2, close).unwrap_or(bytes.len());
        let mut j = i + 2;
        let mut quote: Option<u8> = None;
        while j < end {
            let b = bytes[j];
            if let Some(q) = quote {
                if b == b'\\' {
                    j += 2;
                    continue;
                }
                if b == q {
                    quote = None;
                }
                j += 1;
                continue;
            }
            if b == b'"' || b == b'\'' {
                quote = Some(b);
                j += 1;
                continue;
            }
            if is_ident_start(b) {
                let start = j;
                while j < end && is_ident_char(bytes[j]) {
                    j += 1;
                }
                let prev = src[..start].trim_end().as_bytes().last().copied();
                if &src[start..j] == name && prev != Some(b'.') {
                    return Some((start, j - start));
                }
                continue;
            }
            j += 1;
        }
        i = end + 2;
    }
    None
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::VariableDecl;

    fn content(system: &str, user: &str) -> BlueprintContent {
        BlueprintContent::chat(system, user)
    }

    fn vals(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn discovers_variables_in_order_of_first_use() {
        let c = content(
            "You write about {{ topic }} for {{ audience }}.",
            "{% for p in points %}- {{ p }} ({{ loop.index }})\n{% endfor %}{{ topic | upper }} {{ range(3) | length }}",
        );
        let r = analyze(&c);
        assert!(r.issues.is_empty(), "{:?}", r.issues);
        assert_eq!(r.variables, vec!["topic", "audience", "points"]);
    }

    #[test]
    fn renders_with_values_defaults_and_types() {
        let mut c = content(
            "Be {{ tone }}.",
            "Give {{ n * 2 }} ideas on {{ topic }}.{% if formal %} Sir.{% endif %}",
        );
        c.variables = vec![
            VariableDecl {
                name: "tone".into(),
                var_type: VarType::String,
                default: Some("brief".into()),
                description: String::new(),
            },
            VariableDecl {
                name: "n".into(),
                var_type: VarType::Number,
                default: None,
                description: String::new(),
            },
            VariableDecl {
                name: "formal".into(),
                var_type: VarType::Boolean,
                default: Some("false".into()),
                description: String::new(),
            },
        ];
        let out = render(&c, &vals(&[("n", "3"), ("topic", "tea")])).unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(
            out[0],
            RenderedMessage {
                role: "system".into(),
                text: "Be brief.".into()
            }
        );
        assert_eq!(out[1].text, "Give 6 ideas on tea.");
        let out = render(
            &c,
            &vals(&[("n", "1"), ("topic", "tea"), ("formal", "yes")]),
        )
        .unwrap();
        assert_eq!(out[1].text, "Give 2 ideas on tea. Sir.");
    }

    #[test]
    fn missing_variable_names_it_and_its_line() {
        let c = content("", "Hello.\nTell me about {{ topc }} now.");
        let err = render(&c, &vals(&[])).unwrap_err();
        assert_eq!(err.len(), 1);
        let i = &err[0];
        assert_eq!(i.kind, IssueKind::MissingValue);
        assert_eq!(i.place, "message 1 (user)");
        assert_eq!((i.line, i.column, i.length), (2, 18, 4));
        assert!(i.message.contains("`topc`"), "{}", i.message);
        assert_eq!(
            i.to_string(),
            "message 1 (user) line 2, column 18: undefined variable `topc`: give it a value or a default"
        );
    }

    #[test]
    fn syntax_error_is_placed() {
        let c = content("ok", "line one\n{{ name ");
        let r = analyze(&c);
        assert_eq!(r.issues.len(), 1);
        let i = &r.issues[0];
        assert_eq!(i.kind, IssueKind::Syntax);
        assert_eq!(i.place, "message 1 (user)");
        assert_eq!(i.line, 2);
        assert!(i.message.starts_with("syntax error"), "{}", i.message);
        assert!(render(&c, &vals(&[("name", "x")])).is_err());
    }

    #[test]
    fn undefined_attribute_is_a_render_error_naming_the_expression() {
        let mut c = content("", "{{ user.nme }}");
        c.variables = vec![VariableDecl {
            name: "user".into(),
            var_type: VarType::Json,
            default: None,
            description: String::new(),
        }];
        let err = render(&c, &vals(&[("user", r#"{"name": "Ada"}"#)])).unwrap_err();
        assert_eq!(err[0].kind, IssueKind::Render);
        assert_eq!(err[0].line, 1);
        assert!(err[0].message.contains("user.nme"), "{}", err[0].message);
    }

    #[test]
    fn bad_typed_values_are_reported() {
        let mut c = content("", "{{ n }}");
        c.variables = vec![VariableDecl {
            name: "n".into(),
            var_type: VarType::Number,
            default: None,
            description: String::new(),
        }];
        let err = render(&c, &vals(&[("n", "many")])).unwrap_err();
        assert_eq!(err[0].kind, IssueKind::BadValue);
        assert_eq!(err[0].message, "variable `n`: `many` is not a number");
        assert!(convert_value(VarType::Json, "{oops").is_err());
        assert_eq!(
            convert_value(VarType::Number, "2.5").unwrap(),
            Value::from(2.5)
        );
    }

    #[test]
    fn large_templates_render_and_oversized_ones_are_refused() {
        let big = "x".repeat(1_000_000) + "{{ v }}";
        let out = render(&content("", &big), &vals(&[("v", "!")])).unwrap();
        assert_eq!(out[0].text.len(), 1_000_001);
        let huge = "y".repeat(MAX_TEMPLATE_BYTES + 1);
        let r = analyze(&content(&huge, "hi"));
        assert_eq!(r.issues[0].kind, IssueKind::TooLarge);
        assert_eq!(r.issues[0].place, "system");
        assert!(
            r.issues[0].message.contains("limit is 1.0 MB"),
            "{}",
            r.issues[0].message
        );
    }

    #[test]
    fn runaway_loops_stop() {
        let c = content(
            "",
            "{% for a in range(100000) %}{% for b in range(100000) %}.{% endfor %}{% endfor %}",
        );
        let err = render(&c, &vals(&[])).unwrap_err();
        assert_eq!(err[0].kind, IssueKind::Render);
    }

    #[test]
    fn first_use_skips_strings_comments_and_attributes() {
        let src = "{# topic #}{{ 'topic' }}{{ x.topic }} {{ topic }}";
        let (at, len) = first_use(src, "topic").unwrap();
        assert_eq!(&src[at..at + len], "topic");
        assert_eq!(at, src.rfind("topic").unwrap());
        assert_eq!(first_use("topic {{ other }}", "topic"), None);
    }

    #[test]
    fn output_is_never_html_escaped() {
        let out = render(&content("", "{{ v }}"), &vals(&[("v", "<b>&</b>")])).unwrap();
        assert_eq!(out[0].text, "<b>&</b>");
    }
}
