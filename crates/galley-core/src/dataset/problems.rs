//! What an import gives back, and what goes wrong in imports and exports.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::content::{DatasetContent, DatasetIssue};

/// At most this many problems are kept by a failed import; the rest are counted.
pub const MAX_PROBLEMS: usize = 50;

/// A dataset read from a file, with what the user should know about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Imported {
    pub content: DatasetContent,
    /// Things allowed but worth a look: missing values, skipped rows, Bedrock's limits.
    pub warnings: Vec<String>,
}

/// One bad row of an imported file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RowProblem {
    /// 1-based line in the file; for a CSV record spanning lines, the line where it starts.
    #[ts(type = "number")]
    pub line: u64,
    /// The column (CSV header, or the JSON key's column) the problem is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub column: Option<String>,
    pub message: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}: column {:?}: {}", self.line, c, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// A failed import: nothing is imported when any row is bad, and every bad row is listed
/// (the first [`MAX_PROBLEMS`], then a count).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportError {
    pub problems: Vec<RowProblem>,
    /// Problems found beyond those listed.
    #[ts(type = "number")]
    pub more: u64,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let total = self.problems.len() as u64 + self.more;
        write!(
            f,
            "the file was not imported: {total} problem{}",
            if total == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n{p}")?;
        }
        if self.more > 0 {
            write!(f, "\nand {} more", self.more)?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportError {}

/// Why a dataset cannot be written in a format.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExportError {
    #[error("the dataset has errors: {}", list(.0))]
    Invalid(Vec<DatasetIssue>),
    #[error(
        "a Bedrock dataset has one prompt per case, so the dataset needs exactly one variable; \
         it has {}: remove or merge variables first",
        names(.variables)
    )]
    BedrockVariables { variables: Vec<String> },
    #[error("case {case}: `{variable}` has no value, and Bedrock needs a prompt in every case")]
    BedrockPrompt { case: usize, variable: String },
    #[error("case {case}: {count} model responses, and Bedrock takes at most 2 per prompt")]
    BedrockResponses { case: usize, count: usize },
}

fn list(issues: &[DatasetIssue]) -> String {
    issues
        .iter()
        .map(|i| i.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

fn names(variables: &[String]) -> String {
    if variables.is_empty() {
        return "none".into();
    }
    let quoted: Vec<String> = variables.iter().map(|v| format!("`{v}`")).collect();
    format!("{} ({})", variables.len(), quoted.join(", "))
}

/// Problems of an import, capped at [`MAX_PROBLEMS`].
#[derive(Debug, Default)]
pub(crate) struct Problems {
    list: Vec<RowProblem>,
    more: u64,
}

impl Problems {
    pub(crate) fn push(&mut self, line: u64, column: Option<&str>, message: impl Into<String>) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(RowProblem {
                line,
                column: column.map(str::to_string),
                message: message.into(),
            });
        } else {
            self.more += 1;
        }
    }

    /// Problems pushed so far, listed or not.
    pub(crate) fn count(&self) -> u64 {
        self.list.len() as u64 + self.more
    }

    /// `Ok(value)` when nothing went wrong, else the problems in line order.
    pub(crate) fn finish<T>(self, value: T) -> Result<T, ImportError> {
        if self.list.is_empty() {
            return Ok(value);
        }
        let mut problems = self.list;
        problems.sort_by_key(|p| p.line);
        Err(ImportError {
            problems,
            more: self.more,
        })
    }
}
