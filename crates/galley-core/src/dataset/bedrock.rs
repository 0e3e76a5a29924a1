//! Bedrock's evaluation dataset: one prompt per line,
//! `{"prompt": "..", "referenceResponse": "..", "category": "..",
//!   "modelResponses": [{"response": "..", "modelIdentifier": ".."}]}`.

use super::content::{Case, DatasetContent, ModelResponse};
use super::json::{lines, model_responses, optional_string, parse_object, Json};
use super::problems::{ExportError, Imported, Problems};
use super::ImportError;

/// Prompts a Bedrock evaluation job takes at most.
pub const MAX_PROMPTS: usize = 1000;
/// Model responses a line of a Bedrock dataset carries at most.
pub const MAX_MODEL_RESPONSES: usize = 2;
/// The variable a Bedrock prompt is imported as.
pub const PROMPT_VARIABLE: &str = "prompt";

const KEYS: &str = "prompt, referenceResponse, category and modelResponses";

pub(crate) fn import(text: &str) -> Result<Imported, ImportError> {
    let mut problems = Problems::default();
    let mut cases = Vec::new();
    for (line_no, line) in lines(text) {
        let Some(pairs) = parse_object(line_no, line, &mut problems) else {
            continue;
        };
        if let Some(case) = read_case(line_no, pairs, &mut problems) {
            cases.push(case);
        }
    }
    let mut warnings = Vec::new();
    if cases.len() > MAX_PROMPTS {
        warnings.push(format!(
            "{} prompts: a Bedrock evaluation job takes at most {MAX_PROMPTS}, so run this \
             dataset in parts or sample it",
            cases.len()
        ));
    }
    problems.finish(Imported {
        content: DatasetContent {
            variables: vec![PROMPT_VARIABLE.to_string()],
            cases,
        },
        warnings,
    })
}

fn read_case(line_no: u64, pairs: Vec<(String, Json)>, problems: &mut Problems) -> Option<Case> {
    let before = problems.count();
    let mut case = Case::default();
    let mut prompt = None;
    for (key, value) in pairs {
        match key.as_str() {
            "prompt" => match value {
                Json::String(s) if !s.trim().is_empty() => prompt = Some(s),
                Json::String(_) => problems.push(line_no, Some("prompt"), "`prompt` is empty"),
                other => problems.push(
                    line_no,
                    Some("prompt"),
                    format!("`prompt` must be a string, found {}", other.kind()),
                ),
            },
            "referenceResponse" => {
                case.reference = optional_string(&key, value, line_no, &key, problems);
            }
            "category" => case.category = optional_string(&key, value, line_no, &key, problems),
            "modelResponses" => match read_responses(value) {
                Ok(r) => case.responses = r,
                Err(e) => problems.push(line_no, Some("modelResponses"), e),
            },
            _ => problems.push(
                line_no,
                Some(&key),
                format!("unknown key `{key}`: a Bedrock dataset line has {KEYS}"),
            ),
        }
    }
    match prompt {
        Some(p) => {
            case.values.insert(PROMPT_VARIABLE.to_string(), p);
        }
        None if problems.count() == before => {
            problems.push(line_no, Some("prompt"), "no `prompt`: every line needs one");
        }
        None => {}
    }
    (problems.count() == before).then_some(case)
}

fn read_responses(value: Json) -> Result<Vec<ModelResponse>, String> {
    let items = match value {
        Json::Null => return Ok(Vec::new()),
        Json::Array(items) => items,
        other => {
            return Err(format!(
                "`modelResponses` must be an array, found {}",
                other.kind()
            ))
        }
    };
    if items.len() > MAX_MODEL_RESPONSES {
        return Err(format!(
            "{} model responses: Bedrock takes at most {MAX_MODEL_RESPONSES} per prompt",
            items.len()
        ));
    }
    model_responses(items, "modelIdentifier", "model response")
}

/// Bedrock lines for a dataset of exactly one variable (written as `prompt`). Tags are not
/// part of Bedrock's format and are left out.
pub(crate) fn export(content: &DatasetContent) -> Result<String, ExportError> {
    let [variable] = content.variables.as_slice() else {
        return Err(ExportError::BedrockVariables {
            variables: content.variables.clone(),
        });
    };
    let mut out = String::new();
    for (i, case) in content.cases.iter().enumerate() {
        let prompt = case.values.get(variable).filter(|p| !p.trim().is_empty());
        let Some(prompt) = prompt else {
            return Err(ExportError::BedrockPrompt {
                case: i + 1,
                variable: variable.clone(),
            });
        };
        if case.responses.len() > MAX_MODEL_RESPONSES {
            return Err(ExportError::BedrockResponses {
                case: i + 1,
                count: case.responses.len(),
            });
        }
        let line = Line {
            prompt,
            reference_response: case.reference.as_deref(),
            category: case.category.as_deref(),
            model_responses: case
                .responses
                .iter()
                .map(|r| LineResponse {
                    response: &r.response,
                    model_identifier: &r.model,
                })
                .collect(),
        };
        out.push_str(&serde_json::to_string(&line).expect("lines always serialise"));
        out.push('\n');
    }
    Ok(out)
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Line<'a> {
    prompt: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference_response: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    model_responses: Vec<LineResponse<'a>>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct LineResponse<'a> {
    response: &'a str,
    model_identifier: &'a str,
}
