//! Parsing a judge model's answer into a score.
//!
//! Lenient about form (a JSON object alone, in a fence or amid prose; keys in any case; the score
//! as a number, a numeric string, `4/5`, or a `Score: 4` line), strict about substance: no score,
//! conflicting scores, or a score off the scale is an error quoting the answer, never a zero.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::check::Verdict;
use super::config::JudgeConfig;
use super::rubric::Scale;
use super::value::excerpt;

/// A judge's parsed answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JudgeVerdict {
    /// The score as the judge gave it (on a labelled scale: the label's score).
    pub raw_score: f64,
    /// Normalised to `0..=1`; higher is better, for every metric.
    pub score: f64,
    /// The label the judge chose, on a labelled scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub label: Option<String>,
    pub reasoning: String,
}

/// A judge's answer that gives no usable score.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{problem}; the judge answered {excerpt}")]
pub struct JudgeParseError {
    pub problem: String,
    /// The start of the answer, on one line, quoted.
    pub excerpt: String,
}

/// A score found in the answer, interpreted on the scale.
#[derive(Debug, Clone, PartialEq)]
struct Found {
    raw: f64,
    score: f64,
    label: Option<String>,
}

/// Parses a judge's raw answer on `scale`.
pub fn parse_verdict(raw: &str, scale: &Scale) -> Result<JudgeVerdict, JudgeParseError> {
    let fail = |problem: String| JudgeParseError {
        problem,
        excerpt: format!(
            "\"{}\"",
            excerpt(&raw.split_whitespace().collect::<Vec<_>>().join(" "), 120).escape_debug()
        ),
    };
    let text = raw.trim();
    if text.is_empty() {
        return Err(fail("the answer is empty".into()));
    }
    let mut found: Vec<Found> = Vec::new();
    let mut reasoning: Option<String> = None;
    let mut rest = String::new();
    let mut last = 0;
    for (start, end, obj) in json_objects(text) {
        rest.push_str(&text[last..start]);
        last = end;
        let Some(score) = score_value(&obj).or_else(|| {
            obj.values()
                .filter_map(Value::as_object)
                .find_map(score_value)
        }) else {
            continue;
        };
        let score = score.map_err(&fail)?;
        found.push(interpret(&score, scale).map_err(&fail)?);
        if reasoning.is_none() {
            reasoning = reasoning_value(&obj);
        }
    }
    rest.push_str(&text[last..]);
    // `Score: 4/5` lines outside any JSON object.
    let mut prose = Vec::new();
    for line in rest.lines() {
        match score_line(line) {
            Some(value) => match interpret_text(value, scale) {
                Ok(f) => found.push(f),
                Err(Some(problem)) => return Err(fail(problem)),
                Err(None) => prose.push(line),
            },
            None => prose.push(line),
        }
    }
    let Some(first) = found.first().cloned() else {
        return Err(fail(format!(
            "no score found: expected {{\"reasoning\": \"...\", \"score\": ...}} on the {} scale",
            scale.describe()
        )));
    };
    if let Some(other) = found.iter().find(|f| (f.score - first.score).abs() > 1e-9) {
        return Err(fail(format!(
            "two conflicting scores, {} and {}",
            show(&first),
            show(other)
        )));
    }
    let reasoning = reasoning.unwrap_or_else(|| {
        let text = prose.join("\n");
        let text = text.trim();
        REASONING_LABEL.replace(text, "").trim().to_string()
    });
    Ok(JudgeVerdict {
        raw_score: first.raw,
        score: first.score,
        label: first.label,
        reasoning,
    })
}

/// The verdict of a judge evaluator: passes when the normalised score reaches `pass_score`.
pub fn judge_to_verdict(config: &JudgeConfig, scale: &Scale, v: &JudgeVerdict) -> Verdict {
    let pass = v.score >= config.pass_score;
    let given = match (&v.label, scale) {
        (Some(label), _) => format!("\"{label}\""),
        (None, scale) => format!("{} on {}", fmt_num(v.raw_score), scale.describe()),
    };
    let why = v.reasoning.split_whitespace().collect::<Vec<_>>().join(" ");
    let why = if why.is_empty() {
        String::new()
    } else {
        format!(": {}", excerpt(&why, 120))
    };
    Verdict {
        pass,
        score: v.score,
        reason: format!(
            "{} {given} ({:.2} {} {:.2}){why}",
            config.metric,
            v.score,
            if pass { "≥" } else { "<" },
            config.pass_score
        ),
    }
}

fn show(f: &Found) -> String {
    match &f.label {
        Some(l) => format!("\"{l}\""),
        None => fmt_num(f.raw),
    }
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

static REASONING_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s*_#]*(reasoning|explanation|rationale)[\s*_]*:[\s*_]*").unwrap()
});

/// A line like `Score: 4/5`, `**Rating:** yes`, `"score" = 3`: the text after the separator.
static SCORE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)^[\s>*_#"'{,-]*(?:final\s+|overall\s+)?(?:score|rating|verdict)[\s*_"']*[:=][\s*_"']*(.*?)[\s*_"'.,;]*$"#)
        .unwrap()
});

fn score_line(line: &str) -> Option<&str> {
    SCORE_LINE
        .captures(line)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str())
}

/// Outermost `{...}` spans of `text` that parse as JSON objects: (start, end, object).
/// Braces are paired in one pass (skipping JSON strings inside braces); parsing is bounded so
/// that an answer full of braces cannot take long.
fn json_objects(text: &str) -> Vec<(usize, usize, Map<String, Value>)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut open = Vec::new();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' if !open.is_empty() => in_string = true,
                b'{' => open.push(i),
                b'}' => {
                    if let Some(start) = open.pop() {
                        spans.push((start, i + 1));
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    spans.sort_unstable();
    let mut out = Vec::new();
    let mut budget = 4 * bytes.len() + 100_000;
    let mut covered = 0;
    for (start, end) in spans {
        if start < covered {
            continue;
        }
        let Some(left) = budget.checked_sub(end - start) else {
            break;
        };
        budget = left;
        if let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(&text[start..end]) {
            out.push((start, end, obj));
            covered = end;
        }
    }
    out
}

/// The score of an object: `None` without a score key, an error for two different ones.
fn score_value(obj: &Map<String, Value>) -> Option<Result<Value, String>> {
    let mut values = obj
        .iter()
        .filter(|(k, _)| k.trim().eq_ignore_ascii_case("score"))
        .map(|(_, v)| v);
    let first = values.next()?.clone();
    if let Some(other) = values.find(|v| **v != first) {
        return Some(Err(format!("two conflicting scores, {first} and {other}")));
    }
    Some(Ok(first))
}

fn reasoning_value(obj: &Map<String, Value>) -> Option<String> {
    const KEYS: [&str; 5] = [
        "reasoning",
        "reason",
        "explanation",
        "rationale",
        "justification",
    ];
    KEYS.iter().find_map(|key| {
        obj.iter()
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(key))
            .and_then(|(_, v)| v.as_str())
            .map(|s| s.trim().to_string())
    })
}

/// A JSON score value on the scale.
fn interpret(value: &Value, scale: &Scale) -> Result<Found, String> {
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(x) => on_points(x, None, scale),
            None => Err(format!("score {n} is not a usable number")),
        },
        Value::String(s) => interpret_text(s, scale).map_err(|e| {
            e.unwrap_or_else(|| {
                format!(
                    "score \"{}\" is not on the {} scale",
                    excerpt(s, 40),
                    scale.describe()
                )
            })
        }),
        Value::Bool(b) => interpret_text(if *b { "yes" } else { "no" }, scale)
            .map_err(|_| format!("score {b} is not on the {} scale", scale.describe())),
        Value::Null => Err("the score is null".into()),
        other => Err(format!(
            "score {} is not a number or a label",
            excerpt(&other.to_string(), 40)
        )),
    }
}

static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^([+-]?(?:\d+(?:\.\d+)?|\.\d+|nan|inf(?:inity)?))(?:\s*(?:/|out\s+of|of)\s*(\d+))?\b",
    )
    .unwrap()
});

/// Text on the scale. `Err(None)` when the text holds no score at all (prose), `Err(Some)` when
/// it holds one that is not acceptable.
fn interpret_text(text: &str, scale: &Scale) -> Result<Found, Option<String>> {
    let t = text
        .trim()
        .trim_matches(|c: char| c == '"' || c == '\'' || c == '*' || c == '`')
        .trim();
    match scale {
        Scale::Points { .. } => {
            let caps = NUMBER.captures(t).ok_or(None)?;
            let x: f64 = caps[1].parse().map_err(|_| None)?;
            let out_of = caps.get(2).and_then(|m| m.as_str().parse::<u32>().ok());
            on_points(x, out_of, scale).map_err(Some)
        }
        Scale::Labels { labels } => {
            let word: String = t
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
                .collect::<String>()
                .to_lowercase();
            if word.is_empty() {
                return Err(None);
            }
            labels
                .iter()
                .find(|l| l.label == word)
                .map(|l| Found {
                    raw: l.score,
                    score: l.score,
                    label: Some(l.label.clone()),
                })
                .ok_or(None)
        }
    }
}

fn on_points(x: f64, out_of: Option<u32>, scale: &Scale) -> Result<Found, String> {
    if !x.is_finite() {
        return Err(format!("score {x} is not a finite number"));
    }
    let Scale::Points { max, .. } = scale else {
        return Err(format!(
            "score {} is a number; expected one of {}",
            fmt_num(x),
            scale.describe()
        ));
    };
    if let Some(d) = out_of {
        if d != u32::from(*max) {
            return Err(format!(
                "score {}/{d} is not on the {} scale",
                fmt_num(x),
                scale.describe()
            ));
        }
    }
    let score = scale.normalise(x).ok_or_else(|| {
        format!(
            "score {} is outside the {} scale",
            fmt_num(x),
            scale.describe()
        )
    })?;
    Ok(Found {
        raw: x,
        score,
        label: None,
    })
}

#[cfg(test)]
#[path = "verdict_tests.rs"]
mod tests;
