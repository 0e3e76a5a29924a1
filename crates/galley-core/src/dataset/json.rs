//! JSON Lines reading shared by Galley's and Bedrock's formats: a JSON value that keeps the
//! order of object keys (so variables keep their column order), and line splitting.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Number;

use super::problems::Problems;

/// A parsed JSON value whose objects keep their keys in file order (repeats included).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// What the value is, for messages: `a number`, `an object`...
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }

    /// Compact JSON text, keys in their original order.
    pub(crate) fn compact(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(&n.to_string()),
            Json::String(s) => out.push_str(&quote(s)),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(pairs) => {
                out.push('{');
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&quote(k));
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }

    /// The value as a variable's text: strings as they are, other scalars and containers as
    /// compact JSON; `None` for null (no value).
    pub(crate) fn into_text(self) -> Option<String> {
        match self {
            Json::Null => None,
            Json::String(s) => Some(s),
            other => Some(other.compact()),
        }
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).expect("strings always serialise")
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        Number::from_f64(v)
            .map(Json::Number)
            .ok_or_else(|| E::custom("a number is not finite"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut pairs = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Json>()? {
            pairs.push((k, v));
        }
        Ok(Json::Object(pairs))
    }
}

/// The non-blank lines of a JSON Lines text with their 1-based numbers (a BOM and `\r` ends
/// are dropped).
pub(crate) fn lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.split('\n')
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l.strip_suffix('\r').unwrap_or(l)))
        .filter(|(_, l)| !l.trim().is_empty())
}

/// One line as a JSON object's pairs, or a problem recorded. Keys given twice are reported.
pub(crate) fn parse_object(
    line_no: u64,
    line: &str,
    problems: &mut Problems,
) -> Option<Vec<(String, Json)>> {
    match serde_json::from_str::<Json>(line) {
        Ok(Json::Object(pairs)) => {
            let mut bad = false;
            for (i, (k, _)) in pairs.iter().enumerate() {
                if pairs[..i].iter().any(|(seen, _)| seen == k) {
                    problems.push(line_no, Some(k), format!("key `{k}` appears twice"));
                    bad = true;
                }
            }
            (!bad).then_some(pairs)
        }
        Ok(other) => {
            problems.push(
                line_no,
                None,
                format!("each line must be a JSON object, found {}", other.kind()),
            );
            None
        }
        Err(e) => {
            let full = e.to_string();
            let suffix = format!(" at line {} column {}", e.line(), e.column());
            let message = full.strip_suffix(&suffix).unwrap_or(&full);
            problems.push(
                line_no,
                None,
                format!("not valid JSON (character {}): {message}", e.column()),
            );
            None
        }
    }
}

/// A string field that may be absent or null; an empty string counts as none.
pub(crate) fn optional_string(
    key: &str,
    value: Json,
    line_no: u64,
    column: &str,
    problems: &mut Problems,
) -> Option<String> {
    match value {
        Json::Null => None,
        Json::String(s) => super::content::non_empty(s),
        other => {
            problems.push(
                line_no,
                Some(column),
                format!("`{key}` must be a string, found {}", other.kind()),
            );
            None
        }
    }
}

/// Bring-your-own responses from a JSON array of objects with a model key (`model_key`) and
/// `response`, both strings; `noun` names one in messages. One response per model.
pub(crate) fn model_responses(
    items: Vec<Json>,
    model_key: &str,
    noun: &str,
) -> Result<Vec<super::content::ModelResponse>, String> {
    let mut out: Vec<super::content::ModelResponse> = Vec::new();
    for item in items {
        let Json::Object(pairs) = item else {
            return Err(format!(
                "a {noun} must be an object with `response` and `{model_key}`, found {}",
                item.kind()
            ));
        };
        let (mut model, mut response) = (None, None);
        for (k, v) in pairs {
            let slot = if k == model_key {
                &mut model
            } else if k == "response" {
                &mut response
            } else {
                return Err(format!(
                    "unknown key `{k}` in a {noun}: use response and {model_key}"
                ));
            };
            match v {
                Json::String(s) => *slot = Some(s),
                other => {
                    return Err(format!(
                        "`{k}` of a {noun} must be a string, found {}",
                        other.kind()
                    ))
                }
            }
        }
        let (Some(model), Some(response)) = (model, response) else {
            return Err(format!("a {noun} needs both `response` and `{model_key}`"));
        };
        if model.trim().is_empty() {
            return Err(format!("a {noun} has an empty `{model_key}`"));
        }
        if out.iter().any(|r| r.model == model) {
            return Err(format!("two responses of model `{model}`"));
        }
        out.push(super::content::ModelResponse { model, response });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_order_and_writes_compact_text() {
        let j: Json =
            serde_json::from_str(r#"{"b": [1, 2.5, true, null], "a": {"z": "é\"", "y": -3}}"#)
                .unwrap();
        assert_eq!(
            j.compact(),
            r#"{"b":[1,2.5,true,null],"a":{"z":"é\"","y":-3}}"#
        );
        let Json::Object(pairs) = j else { panic!() };
        assert_eq!(pairs[0].0, "b");
        assert_eq!(Json::Number(7.into()).into_text().as_deref(), Some("7"));
        assert_eq!(Json::Null.into_text(), None);
    }

    #[test]
    fn syntax_errors_give_the_character() {
        let mut p = Problems::default();
        assert!(parse_object(4, r#"{"values": {"a": 1,}}"#, &mut p).is_none());
        let err = p.finish(()).unwrap_err();
        assert_eq!(err.problems[0].line, 4);
        assert_eq!(
            err.problems[0].message,
            "not valid JSON (character 20): trailing comma"
        );
    }
}
