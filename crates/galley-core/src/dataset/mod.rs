//! Datasets: cases of variable values (with a reference answer, a category, tags and brought
//! model responses) that a blueprint is run and judged on, and their files.
//!
//! Imports are all-or-nothing: one bad row fails the whole file, and every bad row is reported
//! with its line. Exports are deterministic and end with a newline. Formats:
//! - CSV: a header row, one case per row. Every header is a variable except the reserved
//!   columns (case-insensitive) `reference` (or `referenceResponse`, `expected`,
//!   `reference_answer`), `category`, `tags` (split on `;` or `|`) and `response:<model>` (a
//!   model's brought response). Rows with nothing but whitespace are skipped.
//! - Galley JSON Lines, `{"values": {..}, "reference": .., "category": .., "tags": [..],
//!   "responses": [{"model": .., "response": ..}]}` (promptfoo's `vars` is read as `values`).
//! - Bedrock's evaluation JSON Lines, whose `prompt` is the single variable `prompt`.
//!
//! What a format cannot carry: CSV has no missing value (an empty cell is an empty string) and
//! no empty response, and drops a case with nothing in it; JSON Lines cannot declare variables
//! without a case; Bedrock's has one variable and no tags. An empty reference or category is
//! none in every format.

mod bedrock;
mod content;
mod csv_format;
mod format;
mod json;
mod jsonl;
mod problems;

pub use bedrock::{MAX_MODEL_RESPONSES, MAX_PROMPTS, PROMPT_VARIABLE};
pub use content::{
    check_variable_name, Case, DatasetContent, DatasetIssue, ModelResponse, Severity,
};
pub use csv_format::RESPONSE_PREFIX;
pub use format::{detect, DatasetFormat};
pub use problems::{ExportError, ImportError, Imported, RowProblem, MAX_PROBLEMS};

use problems::Problems;

/// Reads a dataset file's text. Missing values are reported as warnings.
pub fn import(text: &str, format: DatasetFormat) -> Result<Imported, ImportError> {
    let mut imported = match format {
        DatasetFormat::Csv => csv_format::import(text)?,
        DatasetFormat::Jsonl => jsonl::import(text)?,
        DatasetFormat::BedrockJsonl => bedrock::import(text)?,
    };
    let issues = imported.content.validate();
    debug_assert!(
        issues.iter().all(|i| i.severity == Severity::Warning),
        "imports check what validate checks: {issues:?}"
    );
    imported
        .warnings
        .extend(issues.into_iter().map(|i| i.message));
    Ok(imported)
}

/// Reads a dataset file's bytes: like [`import`], after checking that the file is UTF-8 (each
/// line that is not is reported).
pub fn import_bytes(bytes: &[u8], format: DatasetFormat) -> Result<Imported, ImportError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => import(text, format),
        Err(_) => Err(utf8_problems(bytes).finish(()).unwrap_err()),
    }
}

fn utf8_problems(bytes: &[u8]) -> Problems {
    let mut problems = Problems::default();
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        problems.push(1, None, "the file is UTF-16: save it as UTF-8");
        return problems;
    }
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if let Err(e) = std::str::from_utf8(line) {
            let valid = std::str::from_utf8(&line[..e.valid_up_to()]).unwrap_or_default();
            problems.push(
                i as u64 + 1,
                None,
                format!(
                    "not UTF-8 text (byte 0x{:02X} at character {}): save the file as UTF-8",
                    line[e.valid_up_to()],
                    valid.chars().count() + 1
                ),
            );
        }
    }
    problems
}

/// Writes a dataset in a format, deterministically, ending with a newline. Fails when the
/// content has errors (see [`DatasetContent::validate`]) or does not fit Bedrock's format.
pub fn export(content: &DatasetContent, format: DatasetFormat) -> Result<String, ExportError> {
    let errors: Vec<DatasetIssue> = content
        .validate()
        .into_iter()
        .filter(|i| i.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        return Err(ExportError::Invalid(errors));
    }
    match format {
        DatasetFormat::Csv => Ok(csv_format::export(content)),
        DatasetFormat::Jsonl => Ok(jsonl::export(content)),
        DatasetFormat::BedrockJsonl => bedrock::export(content),
    }
}

#[cfg(test)]
mod tests {
    use ts_rs::TS;

    use super::*;

    #[test]
    fn typescript_shapes() {
        let case = Case::decl();
        assert!(
            case.contains("values: { [key in string]?: string }"),
            "{case}"
        );
        assert!(case.contains("reference?: string"), "{case}");
        assert!(case.contains("tags?: Array<string>"), "{case}");
        assert!(case.contains("responses?: Array<ModelResponse>"), "{case}");
        assert!(RowProblem::decl().contains("line: number"));
        assert!(ImportError::decl().contains("more: number"));
        assert_eq!(
            DatasetFormat::decl(),
            r#"type DatasetFormat = "csv" | "jsonl" | "bedrock-jsonl";"#
        );
    }
}
