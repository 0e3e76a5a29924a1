//! What goes wrong when a blueprint file is read.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What kind of problem a [`FileProblem`] is, for a caller to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// Not readable as YAML.
    Syntax,
    /// YAML, but not a Galley blueprint file (`format` missing or another).
    NotBlueprint,
    /// Written by a newer Galley (`formatVersion` above [`super::FORMAT_VERSION`]).
    NewerFormat,
    /// A value has the wrong type, is missing or out of place, or breaks a rule of the format.
    Invalid,
    /// The latest version's content was edited by hand; [`super::parse`] with `allow_edited`
    /// accepts it.
    Edited,
}

/// One problem of a blueprint file, with where it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FileProblem {
    pub kind: ProblemKind,
    /// 1-based line in the file, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub line: Option<u64>,
    /// 1-based column, for syntax and type errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub column: Option<u64>,
    /// Where in the document: `versions[2].content.messages[0]`, `labels.prod`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub path: Option<String>,
    pub message: String,
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut place = Vec::new();
        if let Some(line) = self.line {
            place.push(format!("line {line}"));
        }
        if let Some(column) = self.column {
            place.push(format!("column {column}"));
        }
        if let Some(path) = &self.path {
            place.push(format!("`{path}`"));
        }
        if place.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", place.join(", "), self.message)
        }
    }
}

/// A blueprint file that was not read, with every problem found (in file order where lines
/// are known). Syntax, format and shape problems stop the reading at the first one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FileError {
    pub problems: Vec<FileProblem>,
}

impl FileError {
    pub(crate) fn one(problem: FileProblem) -> Self {
        FileError {
            problems: vec![problem],
        }
    }

    /// Whether the only problem is an edited latest version, which [`super::parse`] with
    /// `allow_edited` accepts.
    pub fn is_edit_only(&self) -> bool {
        !self.problems.is_empty() && self.problems.iter().all(|p| p.kind == ProblemKind::Edited)
    }
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.problems.as_slice() {
            [one] => write!(f, "the blueprint file was not read: {one}"),
            many => {
                write!(
                    f,
                    "the blueprint file was not read: {} problems",
                    many.len()
                )?;
                for p in many {
                    write!(f, "\n{p}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for FileError {}
