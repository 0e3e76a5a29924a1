//! Deterministic checks of one cell: text, JSON, length and metric assertions.

use std::collections::BTreeMap;

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::config::Check;
use super::value::{json_fence_body, quote, render, usd};
use super::EvalError;

/// The longest regex pattern accepted, in bytes.
const MAX_PATTERN_BYTES: usize = 10_000;
/// Compiled-size limits so that a hostile pattern cannot exhaust memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;
const REGEX_DFA_LIMIT: usize = 2 << 20;

/// What is known about one cell when it is scored.
#[derive(Debug, Clone, Copy)]
pub struct CellFacts<'a> {
    /// The model's answer text.
    pub output: &'a str,
    /// The case's variables, as raw text.
    pub variables: &'a BTreeMap<String, String>,
    /// The case's reference answer.
    pub reference: Option<&'a str>,
    pub latency_ms: Option<u64>,
    pub cost_usd: Option<f64>,
    pub input_tokens: Option<u32>,
    pub output_tokens: Option<u32>,
}

/// One evaluator's verdict on one cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub pass: bool,
    /// Normalised to `0..=1`; higher is better. Deterministic checks give 0 or 1.
    pub score: f64,
    /// One line for people: `contains "Paris"`, `latency 812 ms > 500 ms`.
    pub reason: String,
}

impl Verdict {
    fn of(pass: bool, reason: String) -> Self {
        Verdict {
            pass,
            score: if pass { 1.0 } else { 0.0 },
            reason,
        }
    }
}

/// Compiles a pattern with size limits.
pub(crate) fn compile_regex(pattern: &str) -> Result<Regex, EvalError> {
    if pattern.len() > MAX_PATTERN_BYTES {
        return Err(EvalError::Invalid(format!(
            "regex is {} bytes; the limit is {MAX_PATTERN_BYTES}",
            pattern.len()
        )));
    }
    RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_DFA_LIMIT)
        .nest_limit(100)
        .build()
        .map_err(|e| EvalError::Invalid(format!("invalid regex: {}", one_line(&e.to_string()))))
}

/// Compiles a JSON Schema. Patterns inside use the linear-time `regex` engine with size limits;
/// external `$ref`s are not fetched.
pub(crate) fn compile_schema(
    schema: &serde_json::Value,
) -> Result<jsonschema::Validator, EvalError> {
    jsonschema::options()
        .with_pattern_options(
            jsonschema::PatternOptions::regex()
                .size_limit(REGEX_SIZE_LIMIT)
                .dfa_size_limit(REGEX_DFA_LIMIT),
        )
        .build(schema)
        .map_err(|e| {
            EvalError::Invalid(format!("invalid JSON Schema: {}", one_line(&e.to_string())))
        })
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Runs a deterministic check on a cell. A metric check whose fact is missing is an error,
/// never a pass; a judge is an error too ([`EvalError::NeedsJudgeModel`]).
pub fn check(check: &Check, facts: &CellFacts<'_>) -> Result<Verdict, EvalError> {
    let value =
        |field: &'static str, src: &str| render(field, src, facts.variables, facts.reference);
    let output = facts.output;
    let verdict = match check {
        Check::Equals {
            value: v,
            ignore_case,
        } => {
            let want = value("value", v)?;
            let (got, want) = (output.trim(), want.trim());
            let pass = if *ignore_case {
                got.to_lowercase() == want.to_lowercase()
            } else {
                got == want
            };
            let note = case_note(*ignore_case);
            if pass {
                Verdict::of(true, format!("equals {}{note}", quote(want)))
            } else {
                Verdict::of(
                    false,
                    format!("expected {}{note}, got {}", quote(want), quote(got)),
                )
            }
        }
        Check::Contains { value: v } => contains(output, &non_empty(value("value", v)?)?, false),
        Check::Icontains { value: v } => contains(output, &non_empty(value("value", v)?)?, true),
        Check::NotContains {
            value: v,
            ignore_case,
        } => {
            let v = non_empty(value("value", v)?)?;
            let found = contains(output, &v, *ignore_case);
            let note = case_note(*ignore_case);
            if found.pass {
                Verdict::of(
                    false,
                    format!("contains {}{note}, which it must not", quote(&v)),
                )
            } else {
                Verdict::of(true, format!("does not contain {}{note}", quote(&v)))
            }
        }
        Check::Regex { pattern } => {
            let pattern = non_empty(value("pattern", pattern)?)?;
            let re = compile_regex(&pattern)?;
            let shown = format!("/{}/", super::value::excerpt(&pattern, 60));
            match re.find(output) {
                Some(m) => Verdict::of(true, format!("matches {shown} at {}", quote(m.as_str()))),
                None => Verdict::of(false, format!("does not match {shown}")),
            }
        }
        Check::StartsWith { value: v } => {
            let v = non_empty(value("value", v)?)?;
            let text = output.trim_start();
            if text.starts_with(v.as_str()) {
                Verdict::of(true, format!("starts with {}", quote(&v)))
            } else {
                let head: String = text.chars().take(v.chars().count().max(10)).collect();
                Verdict::of(
                    false,
                    format!(
                        "does not start with {} (starts with {})",
                        quote(&v),
                        quote(&head)
                    ),
                )
            }
        }
        Check::EndsWith { value: v } => {
            let v = non_empty(value("value", v)?)?;
            let text = output.trim_end();
            if text.ends_with(v.as_str()) {
                Verdict::of(true, format!("ends with {}", quote(&v)))
            } else {
                let n = text.chars().count();
                let tail: String = text
                    .chars()
                    .skip(n.saturating_sub(v.chars().count().max(10)))
                    .collect();
                Verdict::of(
                    false,
                    format!(
                        "does not end with {} (ends with {})",
                        quote(&v),
                        quote(&tail)
                    ),
                )
            }
        }
        Check::IsJson => match parse_output_json(output) {
            Ok((json, fenced)) => Verdict::of(
                true,
                format!("valid JSON {}{}", json_kind(&json), fence_note(fenced)),
            ),
            Err(e) => Verdict::of(false, format!("not valid JSON: {e}")),
        },
        Check::JsonSchema { schema } => {
            let validator = compile_schema(schema)?;
            match parse_output_json(output) {
                Err(e) => Verdict::of(false, format!("not valid JSON: {e}")),
                Ok((json, fenced)) => {
                    let errors: Vec<String> = validator
                        .iter_errors(&json)
                        .map(|e| {
                            let at = e.instance_path().as_str();
                            let at = if at.is_empty() { "/" } else { at };
                            format!(
                                "at {at}: {}",
                                one_line(&super::value::excerpt(&e.to_string(), 120))
                            )
                        })
                        .collect();
                    match errors.split_first() {
                        None => {
                            Verdict::of(true, format!("matches the schema{}", fence_note(fenced)))
                        }
                        Some((first, rest)) => {
                            let more = if rest.is_empty() {
                                String::new()
                            } else {
                                format!(" (and {} more)", rest.len())
                            };
                            Verdict::of(false, format!("does not match the schema {first}{more}"))
                        }
                    }
                }
            }
        }
        Check::Length { min, max } => {
            let n = output.trim().chars().count() as u64;
            let (min, max) = (min.map(u64::from), max.map(u64::from));
            match (min, max) {
                (None, None) => {
                    return Err(EvalError::Invalid(
                        "length check has neither min nor max".into(),
                    ))
                }
                (Some(lo), _) if n < lo => Verdict::of(false, format!("{n} characters < min {lo}")),
                (_, Some(hi)) if n > hi => Verdict::of(false, format!("{n} characters > max {hi}")),
                (Some(lo), Some(hi)) => {
                    Verdict::of(true, format!("{n} characters, within {lo}–{hi}"))
                }
                (Some(lo), None) => Verdict::of(true, format!("{n} characters ≥ {lo}")),
                (None, Some(hi)) => Verdict::of(true, format!("{n} characters ≤ {hi}")),
            }
        }
        Check::Latency { max_ms } => {
            let ms = facts.latency_ms.ok_or(EvalError::MissingFact {
                check: "latency",
                fact: "latency",
            })?;
            let pass = ms <= *max_ms;
            Verdict::of(
                pass,
                format!(
                    "latency {ms} ms {} {max_ms} ms",
                    if pass { "≤" } else { ">" }
                ),
            )
        }
        Check::Cost { max_usd } => {
            let cost = facts
                .cost_usd
                .filter(|c| c.is_finite())
                .ok_or(EvalError::MissingFact {
                    check: "cost",
                    fact: "cost",
                })?;
            let pass = cost <= *max_usd;
            Verdict::of(
                pass,
                format!(
                    "cost {} {} {}",
                    usd(cost),
                    if pass { "≤" } else { ">" },
                    usd(*max_usd)
                ),
            )
        }
        Check::Tokens {
            max_output,
            max_total,
        } => tokens(*max_output, *max_total, facts)?,
        Check::Judge(_) => return Err(EvalError::NeedsJudgeModel),
    };
    Ok(verdict)
}

fn case_note(ignore_case: bool) -> &'static str {
    if ignore_case {
        " (ignoring case)"
    } else {
        ""
    }
}

fn fence_note(fenced: bool) -> &'static str {
    if fenced {
        " (inside a ```json fence)"
    } else {
        ""
    }
}

fn non_empty(v: String) -> Result<String, EvalError> {
    if v.is_empty() {
        Err(EvalError::Invalid(
            "the value rendered to empty text: nothing to look for".into(),
        ))
    } else {
        Ok(v)
    }
}

fn contains(output: &str, value: &str, ignore_case: bool) -> Verdict {
    let found = if ignore_case {
        output.to_lowercase().contains(&value.to_lowercase())
    } else {
        output.contains(value)
    };
    let note = case_note(ignore_case);
    if found {
        Verdict::of(true, format!("contains {}{note}", quote(value)))
    } else {
        Verdict::of(false, format!("does not contain {}{note}", quote(value)))
    }
}

/// The output as JSON: trimmed, or the body of one ```json fence; `true` when fenced.
pub(crate) fn parse_output_json(output: &str) -> Result<(serde_json::Value, bool), String> {
    match serde_json::from_str(output.trim()) {
        Ok(v) => Ok((v, false)),
        Err(e) => match json_fence_body(output) {
            Some(body) => serde_json::from_str(body.trim())
                .map(|v| (v, true))
                .map_err(|e| format!("{e} (inside the ```json fence)")),
            None if output.trim().is_empty() => Err("the output is empty".into()),
            None => Err(e.to_string()),
        },
    }
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "(null)",
        serde_json::Value::Bool(_) => "(boolean)",
        serde_json::Value::Number(_) => "(number)",
        serde_json::Value::String(_) => "(string)",
        serde_json::Value::Array(_) => "(array)",
        serde_json::Value::Object(_) => "(object)",
    }
}

fn tokens(
    max_output: Option<u32>,
    max_total: Option<u32>,
    facts: &CellFacts<'_>,
) -> Result<Verdict, EvalError> {
    if max_output.is_none() && max_total.is_none() {
        return Err(EvalError::Invalid(
            "tokens check has neither maxOutput nor maxTotal".into(),
        ));
    }
    let out = facts.output_tokens.ok_or(EvalError::MissingFact {
        check: "tokens",
        fact: "output token count",
    })?;
    let mut parts = Vec::new();
    let mut pass = true;
    if let Some(limit) = max_output {
        let ok = out <= limit;
        pass &= ok;
        parts.push(format!(
            "output {out} tokens {} {limit}",
            if ok { "≤" } else { ">" }
        ));
    }
    if let Some(limit) = max_total {
        let input = facts.input_tokens.ok_or(EvalError::MissingFact {
            check: "tokens",
            fact: "input token count",
        })?;
        let total = u64::from(input) + u64::from(out);
        let ok = total <= u64::from(limit);
        pass &= ok;
        parts.push(format!(
            "total {total} tokens {} {limit}",
            if ok { "≤" } else { ">" }
        ));
    }
    Ok(Verdict::of(pass, parts.join(", ")))
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
