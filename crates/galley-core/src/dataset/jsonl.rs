//! Galley's JSON Lines: one case per line,
//! `{"values": {..}, "reference": "..", "category": "..", "tags": [..], "responses": [..]}`.
//! promptfoo's `{"vars": {..}}` is read as `values`. A `null` value is a missing value; the
//! key still declares the variable.

use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::content::{
    check_tag, check_variable_name, clean_tags, Case, DatasetContent, ModelResponse,
};
use super::json::{lines, model_responses, optional_string, parse_object, Json};
use super::problems::{Imported, Problems};
use super::ImportError;

const KEYS: &str = "values (or vars), reference, category, tags and responses";

pub(crate) fn import(text: &str) -> Result<Imported, ImportError> {
    let mut problems = Problems::default();
    let mut content = DatasetContent::default();
    for (line_no, line) in lines(text) {
        let Some(pairs) = parse_object(line_no, line, &mut problems) else {
            continue;
        };
        if let Some(case) = read_case(line_no, pairs, &mut content.variables, &mut problems) {
            content.cases.push(case);
        }
    }
    problems.finish(Imported {
        content,
        warnings: Vec::new(),
    })
}

/// One line's case; variables met for the first time are appended to `variables`.
fn read_case(
    line_no: u64,
    pairs: Vec<(String, Json)>,
    variables: &mut Vec<String>,
    problems: &mut Problems,
) -> Option<Case> {
    let before = problems.count();
    let mut case = Case::default();
    let mut values_key: Option<String> = None;
    for (key, value) in pairs {
        let mut fail =
            |column: &str, message: String| problems.push(line_no, Some(column), message);
        match key.as_str() {
            "values" | "vars" => {
                if let Some(first) = &values_key {
                    fail(
                        &key,
                        format!("`{first}` and `{key}` both give values: keep one"),
                    );
                    continue;
                }
                values_key = Some(key.clone());
                match value {
                    Json::Object(vals) => {
                        let mut names: Vec<String> = Vec::new();
                        for (name, v) in vals {
                            if let Err(e) = check_variable_name(&name) {
                                fail(&name, e);
                            } else if names.contains(&name) {
                                fail(&name, format!("value `{name}` appears twice"));
                            } else {
                                names.push(name.clone());
                                if !variables.contains(&name) {
                                    variables.push(name.clone());
                                }
                                if let Some(text) = v.into_text() {
                                    case.values.insert(name, text);
                                }
                            }
                        }
                    }
                    Json::Null => {}
                    other => fail(
                        &key,
                        format!(
                            "`{key}` must be an object of variable values, found {}",
                            other.kind()
                        ),
                    ),
                }
            }
            "reference" => {
                case.reference = optional_string(&key, value, line_no, &key, problems);
            }
            "category" => {
                case.category = optional_string(&key, value, line_no, &key, problems);
            }
            "tags" => match read_tags(value) {
                Ok(tags) => case.tags = tags,
                Err(e) => fail(&key, e),
            },
            "responses" => match read_responses(value) {
                Ok(r) => case.responses = r,
                Err(e) => fail(&key, e),
            },
            _ => {
                let hint =
                    if ["prompt", "referenceResponse", "modelResponses"].contains(&key.as_str()) {
                        " (this looks like a Bedrock dataset: import it as bedrock-jsonl)"
                    } else {
                        ""
                    };
                fail(
                    &key,
                    format!("unknown key `{key}`: a line has {KEYS}{hint}"),
                );
            }
        }
    }
    (problems.count() == before).then_some(case)
}

fn read_tags(value: Json) -> Result<Vec<String>, String> {
    let items = match value {
        Json::Null => return Ok(Vec::new()),
        Json::Array(items) => items,
        other => {
            return Err(format!(
                "`tags` must be an array of strings, found {}",
                other.kind()
            ))
        }
    };
    let mut raw = Vec::new();
    for item in items {
        match item {
            Json::String(s) => raw.push(s),
            other => return Err(format!("a tag must be a string, found {}", other.kind())),
        }
    }
    let tags = clean_tags(raw.iter().map(String::as_str));
    for t in &tags {
        check_tag(t)?;
    }
    Ok(tags)
}

fn read_responses(value: Json) -> Result<Vec<ModelResponse>, String> {
    let items = match value {
        Json::Null => return Ok(Vec::new()),
        Json::Array(items) => items,
        other => {
            return Err(format!(
                "`responses` must be an array of {{\"model\", \"response\"}} objects, found {}",
                other.kind()
            ))
        }
    };
    model_responses(items, "model", "response")
}

pub(crate) fn export(content: &DatasetContent) -> String {
    let mut out = String::new();
    for case in &content.cases {
        let line = Line {
            values: Values(&content.variables, &case.values),
            reference: case.reference.as_deref(),
            category: case.category.as_deref(),
            tags: &case.tags,
            responses: &case.responses,
        };
        out.push_str(&serde_json::to_string(&line).expect("lines always serialise"));
        out.push('\n');
    }
    out
}

#[derive(serde::Serialize)]
struct Line<'a> {
    values: Values<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    tags: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    responses: &'a [ModelResponse],
}

/// A case's values in the dataset's variable order, `null` for a missing one (so a variable
/// without any value is still declared).
struct Values<'a>(&'a [String], &'a BTreeMap<String, String>);

impl Serialize for Values<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for name in self.0 {
            map.serialize_entry(name, &self.1.get(name))?;
        }
        map.end()
    }
}
