//! The JSON Schema of blueprint files (`schemas/blueprint.schema.json` at the repository root),
//! and the last check of a file read: what serde lets through, such as unknown keys.

use std::sync::LazyLock;

use jsonschema::error::ValidationErrorKind;

use super::error::{FileProblem, ProblemKind};
use super::tree::{path_text, Tree};

/// The JSON Schema (draft 2020-12) of a blueprint file, for editors and for an exporter to
/// write next to the files.
pub const SCHEMA_JSON: &str = include_str!("../../../../schemas/blueprint.schema.json");

/// At most this many schema problems are reported.
const MAX_SCHEMA_PROBLEMS: usize = 20;

static VALIDATOR: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    let schema: serde_json::Value =
        serde_json::from_str(SCHEMA_JSON).expect("the blueprint schema is JSON");
    jsonschema::validator_for(&schema).expect("the blueprint schema is a valid JSON Schema")
});

/// Every way the document breaks the schema, with its path and line.
pub(super) fn problems(tree: &Tree) -> Vec<FileProblem> {
    let json = tree.to_json();
    let mut out: Vec<FileProblem> = Vec::new();
    for error in VALIDATOR.iter_errors(&json) {
        let steps = tree.steps(error.instance_path().as_str());
        let message = match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                let keys: Vec<String> = unexpected.iter().map(|k| format!("`{k}`")).collect();
                format!(
                    "unknown key{} {}",
                    if keys.len() == 1 { "" } else { "s" },
                    keys.join(", ")
                )
            }
            _ => error.to_string(),
        };
        let problem = FileProblem {
            kind: ProblemKind::Invalid,
            line: tree.line_of(&steps),
            column: None,
            path: Some(path_text(&steps)).filter(|p| !p.is_empty()),
            message,
        };
        if !out.contains(&problem) {
            out.push(problem);
        }
        if out.len() == MAX_SCHEMA_PROBLEMS {
            break;
        }
    }
    out
}
