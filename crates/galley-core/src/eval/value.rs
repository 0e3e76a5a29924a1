//! Helpers shared by the evaluators: templated values, short quotes for reasons, JSON fences.

use std::collections::BTreeMap;

use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use super::EvalError;

/// Upper bound on template instructions per value, so a runaway loop cannot hang a run.
const FUEL: u64 = 1_000_000;

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_keep_trailing_newline(true);
    env.set_fuel(Some(FUEL));
    // `{{ city | regex_escape }}` puts a value into a pattern literally.
    env.add_filter("regex_escape", |s: String| regex::escape(&s));
    env
}

/// Whether `src` has template syntax; plain text is used as is.
pub(crate) fn is_template(src: &str) -> bool {
    src.contains("{{") || src.contains("{%") || src.contains("{#")
}

/// `Ok` when `src` parses as a template, else minijinja's message with the line.
pub(crate) fn template_syntax(src: &str) -> Result<(), String> {
    if !is_template(src) {
        return Ok(());
    }
    environment()
        .template_from_str(src)
        .map(|_| ())
        .map_err(|e| describe(&e))
}

fn describe(err: &minijinja::Error) -> String {
    let mut message = err.kind().to_string();
    if let Some(detail) = err.detail() {
        message = format!("{message}: {detail}");
    }
    if let Some(line) = err.line() {
        message = format!("line {line}: {message}");
    }
    message
}

/// Why a value that uses `reference` cannot be rendered for a case without a reference answer.
pub(crate) const NO_REFERENCE: &str = "uses `reference`, but this case has no reference answer";

/// Whether a check's value uses the case's `reference` (a value that does not parse does not).
pub(crate) fn uses_reference(src: &str) -> bool {
    is_template(src)
        && environment()
            .template_from_str(src)
            .is_ok_and(|t| t.undeclared_variables(false).contains("reference"))
}

/// Renders a check's value with the case's variables and `reference`. The reference answer,
/// when the case has one, wins over a variable of the same name.
pub(crate) fn render(
    field: &'static str,
    src: &str,
    variables: &BTreeMap<String, String>,
    reference: Option<&str>,
) -> Result<String, EvalError> {
    if !is_template(src) {
        return Ok(src.to_string());
    }
    let fail = |message: String| EvalError::Template { field, message };
    let env = environment();
    let tmpl = env.template_from_str(src).map_err(|e| fail(describe(&e)))?;
    let mut ctx: BTreeMap<&str, &str> = variables
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    if let Some(r) = reference {
        ctx.insert("reference", r);
    }
    let mut missing: Vec<String> = tmpl
        .undeclared_variables(false)
        .into_iter()
        .filter(|n| !ctx.contains_key(n.as_str()) && !BUILTINS.contains(&n.as_str()))
        .collect();
    missing.sort();
    if let Some(name) = missing.first() {
        return Err(fail(if name == "reference" {
            NO_REFERENCE.to_string()
        } else {
            format!("undefined variable `{name}`: the case has no such variable")
        }));
    }
    tmpl.render(&ctx).map_err(|e| fail(describe(&e)))
}

const BUILTINS: [&str; 5] = ["range", "dict", "namespace", "debug", "loop"];

/// `s` in double quotes for a one-line reason: escaped, and cut to 60 characters.
pub(crate) fn quote(s: &str) -> String {
    format!("\"{}\"", excerpt(s, 60).escape_debug())
}

/// The first `max` characters of `s` with `…` when cut.
pub(crate) fn excerpt(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// A dollar amount without trailing zeros: `$0.0123`, `$2`.
pub(crate) fn usd(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("${s}")
}

/// The body of a text that is exactly one fenced code block tagged `json` (or untagged).
pub(crate) fn json_fence_body(text: &str) -> Option<&str> {
    let rest = text.trim().strip_prefix("```")?;
    let (tag, body) = rest.split_once('\n')?;
    let tag = tag.trim();
    if !(tag.is_empty() || tag.eq_ignore_ascii_case("json")) {
        return None;
    }
    let body = body.trim_end().strip_suffix("```")?;
    (!body.contains("```")).then_some(body.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn renders_variables_and_reference() {
        let v = vars(&[("city", "Paris"), ("reference", "from a variable")]);
        assert_eq!(render("value", "{{ city }}!", &v, None).unwrap(), "Paris!");
        assert_eq!(
            render("value", "{{ reference }}", &v, Some("the answer")).unwrap(),
            "the answer"
        );
        assert_eq!(
            render("value", "{{ reference }}", &v, None).unwrap(),
            "from a variable"
        );
        assert_eq!(
            render(
                "pattern",
                "^{{ x | regex_escape }}$",
                &vars(&[("x", "a.b")]),
                None
            )
            .unwrap(),
            r"^a\.b$"
        );
        // Plain text with a lone brace is not a template.
        assert_eq!(render("value", "{x}", &v, None).unwrap(), "{x}");
    }

    #[test]
    fn missing_values_are_named() {
        let e = render("value", "{{ reference }}", &BTreeMap::new(), None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`value` template: uses `reference`, but this case has no reference answer"
        );
        let e = render("value", "{{ cty }}", &vars(&[("city", "x")]), None).unwrap_err();
        assert!(e.to_string().contains("undefined variable `cty`"), "{e}");
    }

    #[test]
    fn values_using_the_reference_are_found() {
        assert!(uses_reference("{{ reference }}"));
        assert!(uses_reference("^{{ reference | regex_escape }}$"));
        assert!(uses_reference("{% if reference %}x{% endif %}"));
        assert!(!uses_reference("reference"));
        assert!(!uses_reference("{{ city }}"));
        assert!(!uses_reference("{% set reference = 1 %}{{ reference }}"));
    }

    #[test]
    fn syntax_errors_have_a_line() {
        assert!(template_syntax("plain {").is_ok());
        let e = template_syntax("a\n{{ x ").unwrap_err();
        assert!(e.starts_with("line 2"), "{e}");
    }

    #[test]
    fn fences_and_quotes() {
        assert_eq!(
            json_fence_body("```json\n{\"a\":1}\n```"),
            Some("{\"a\":1}")
        );
        assert_eq!(json_fence_body(" ```\n[1]\n``` \n"), Some("[1]"));
        assert_eq!(json_fence_body("```python\n1\n```"), None);
        assert_eq!(json_fence_body("```json\n1\n```\n```json\n2\n```"), None);
        assert_eq!(json_fence_body("{}"), None);
        assert_eq!(quote("a\"b\nc"), r#""a\"b\nc""#);
        assert_eq!(quote(&"é".repeat(70)).chars().count(), 63);
        assert_eq!(usd(0.0123), "$0.0123");
        assert_eq!(usd(2.0), "$2");
    }
}
