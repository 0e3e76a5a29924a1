//! Reading a blueprint file: YAML, format, shape, the rules of the format, then the schema.

use std::collections::{BTreeMap, BTreeSet};

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::Value;

use super::error::{FileError, FileProblem, ProblemKind};
use super::tree::{path_text, Kind, Step, Tree};
use super::{schema, BlueprintFile, FileVersion, ParsedFile, FORMAT, FORMAT_VERSION};
use crate::label::Label;
use crate::name::{normalize_tags, validate_name};

/// The document as serde reads it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawDocument {
    #[serde(rename = "format")]
    _format: IgnoredAny,
    #[serde(rename = "formatVersion")]
    _format_version: IgnoredAny,
    name: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    labels: BTreeMap<Label, u32>,
    versions: Vec<FileVersion>,
}

fn options() -> serde_saphyr::Options {
    serde_saphyr::options! { with_snippet: false }
}

/// A problem of the YAML reader, with its place, in words for people.
fn yaml_problem(kind: ProblemKind, e: &serde_saphyr::Error) -> FileProblem {
    use serde_saphyr::{Error, MessageFormatter, UserMessageFormatter};
    let location = e.location().filter(|l| l.line() > 0);
    let message = match e.without_snippet() {
        Error::InvalidScalar { ty, .. } => match *ty {
            "boolean" | "bool" => "expected true or false".to_string(),
            "floating point" | "f32" | "f64" => "expected a number".to_string(),
            t if t.starts_with(['u', 'i']) && t[1..].parse::<u32>().is_ok() => {
                "expected a whole number".to_string()
            }
            t => format!("expected a value of type {t}"),
        },
        Error::NullIntoString { .. } => {
            "expected text, found nothing: write \"\" for empty text".to_string()
        }
        inner => UserMessageFormatter.format_message(inner).into_owned(),
    };
    FileProblem {
        kind,
        line: location.map(|l| l.line()),
        column: location.map(|l| l.column()),
        path: None,
        message,
    }
}

pub(super) fn parse(text: &str, allow_edited: bool) -> Result<ParsedFile, FileError> {
    let tree: Tree = serde_saphyr::from_str_with_options(text, options())
        .map_err(|e| FileError::one(yaml_problem(ProblemKind::Syntax, &e)))?;
    if tree.kind == Kind::Scalar(Value::Null) {
        return Err(FileError::one(problem(
            ProblemKind::NotBlueprint,
            None,
            None,
            "the file is empty".into(),
        )));
    }
    check_header(&tree).map_err(FileError::one)?;
    let raw: RawDocument = serde_saphyr::from_str_with_options(text, options())
        .map_err(|e| FileError::one(yaml_problem(ProblemKind::Invalid, &e)))?;

    let mut rules = Rules {
        tree: &tree,
        problems: Vec::new(),
    };
    let name = match validate_name(&raw.name) {
        Ok(name) => name,
        Err(e) => {
            rules.push(ProblemKind::Invalid, &[key("name")], e);
            raw.name.clone()
        }
    };
    let tags = match normalize_tags(&raw.tags) {
        Ok(tags) => tags,
        Err(e) => {
            rules.push(ProblemKind::Invalid, &[key("tags")], e);
            raw.tags.clone()
        }
    };
    let edited = rules.versions(&raw.versions, allow_edited);
    rules.labels(&raw.labels, &raw.versions);
    let mut problems = rules.problems;
    // The schema says again some of what the rules said (no versions): once is enough.
    let schema_problems: Vec<FileProblem> = schema::problems(&tree)
        .into_iter()
        .filter(|s| !problems.iter().any(|p| p.path == s.path))
        .collect();
    problems.extend(schema_problems);
    // In file order; problems without a line last.
    problems.sort_by_key(|p| p.line.unwrap_or(u64::MAX));
    if !problems.is_empty() {
        return Err(FileError { problems });
    }
    Ok(ParsedFile {
        file: BlueprintFile {
            name,
            tags,
            labels: raw.labels,
            versions: raw.versions,
        },
        edited,
    })
}

fn problem(
    kind: ProblemKind,
    line: Option<u64>,
    path: Option<String>,
    message: String,
) -> FileProblem {
    FileProblem {
        kind,
        line,
        column: None,
        path,
        message,
    }
}

fn key(k: &str) -> Step {
    Step::Key(k.to_string())
}

/// A scalar as the user wrote it, for messages.
fn shown(tree: &Tree) -> String {
    match &tree.kind {
        Kind::Scalar(Value::String(s)) => format!("`{s}`"),
        Kind::Scalar(v) => format!("`{v}`"),
        Kind::Seq(_) => "a list".into(),
        Kind::Map(_) => "a mapping".into(),
    }
}

/// The `format` and `formatVersion` keys, checked before anything else so that a file of
/// another kind or of a newer Galley is named as such.
fn check_header(tree: &Tree) -> Result<(), FileProblem> {
    let at = |k: &str| Some(k.to_string());
    if !matches!(tree.kind, Kind::Map(_)) {
        return Err(problem(
            ProblemKind::NotBlueprint,
            Some(tree.line).filter(|l| *l > 0),
            None,
            format!(
                "not a Galley blueprint file: the document is {}, not a mapping starting with `format: {FORMAT}`",
                shown(tree)
            ),
        ));
    }
    match tree.get("format") {
        None => {
            return Err(problem(
                ProblemKind::NotBlueprint,
                None,
                at("format"),
                format!("not a Galley blueprint file: `format: {FORMAT}` is missing"),
            ))
        }
        Some(t) if t.kind == Kind::Scalar(Value::String(FORMAT.into())) => {}
        Some(t) => {
            return Err(problem(
                ProblemKind::NotBlueprint,
                Some(t.line),
                at("format"),
                format!(
                    "not a Galley blueprint file: `format` is {}, expected `{FORMAT}`",
                    shown(t)
                ),
            ))
        }
    }
    let Some(t) = tree.get("formatVersion") else {
        return Err(problem(
            ProblemKind::Invalid,
            None,
            at("formatVersion"),
            format!(
                "`formatVersion` is missing: this Galley writes `formatVersion: {FORMAT_VERSION}`"
            ),
        ));
    };
    match &t.kind {
        Kind::Scalar(Value::Number(n)) if n.as_u64().is_some_and(|v| v > u64::from(FORMAT_VERSION)) => {
            Err(problem(
                ProblemKind::NewerFormat,
                Some(t.line),
                at("formatVersion"),
                format!(
                    "the file has formatVersion {n}, but this Galley reads formatVersion {FORMAT_VERSION} at most: update Galley to import it"
                ),
            ))
        }
        Kind::Scalar(Value::Number(n)) if n.as_u64().is_some_and(|v| v >= 1) => Ok(()),
        _ => Err(problem(
            ProblemKind::Invalid,
            Some(t.line),
            at("formatVersion"),
            format!(
                "`formatVersion` is {}: it must be a whole number from 1 to {FORMAT_VERSION}",
                shown(t)
            ),
        )),
    }
}

/// The rules a shape cannot say, with the lines of the document.
struct Rules<'a> {
    tree: &'a Tree,
    problems: Vec<FileProblem>,
}

impl Rules<'_> {
    fn push(&mut self, kind: ProblemKind, path: &[Step], message: String) {
        self.problems.push(problem(
            kind,
            self.tree.line_of(path),
            Some(path_text(path)),
            message,
        ));
    }

    /// Numbers, parents and hashes; the number of an edited latest version when allowed.
    fn versions(&mut self, versions: &[FileVersion], allow_edited: bool) -> Option<u32> {
        let at = |i: usize, field: &str| [key("versions"), Step::Index(i), key(field)];
        if versions.is_empty() {
            self.push(
                ProblemKind::Invalid,
                &[key("versions")],
                "the file has no versions: a blueprint has at least one".into(),
            );
            return None;
        }
        if let Some((i, v)) = versions
            .iter()
            .enumerate()
            .find(|(i, v)| v.number as usize != i + 1)
        {
            self.push(
                ProblemKind::Invalid,
                &at(i, "number"),
                format!(
                    "versions are numbered 1, 2, 3… in order, without gaps: found version {} where version {} belongs",
                    v.number,
                    i + 1
                ),
            );
        }
        let mut edited = None;
        let last = versions.len() - 1;
        for (i, v) in versions.iter().enumerate() {
            if let Some(p) = v.parent {
                if p == 0 || p >= v.number {
                    self.push(
                        ProblemKind::Invalid,
                        &at(i, "parent"),
                        format!(
                            "version {}'s parent is {p}: a parent must be an earlier version",
                            v.number
                        ),
                    );
                }
            }
            if v.content.content_hash() != v.content_hash {
                let message = format!(
                    "version {} was edited: its contentHash no longer matches its content",
                    v.number
                );
                if i < last {
                    self.push(
                        ProblemKind::Invalid,
                        &at(i, "content"),
                        format!(
                            "{message}; only the latest version may be edited, earlier ones are history: undo the change"
                        ),
                    );
                } else if allow_edited {
                    edited = Some(v.number);
                } else {
                    self.push(ProblemKind::Edited, &at(i, "content"), message);
                }
            }
        }
        edited
    }

    fn labels(&mut self, labels: &BTreeMap<Label, u32>, versions: &[FileVersion]) {
        let numbers: BTreeSet<u32> = versions.iter().map(|v| v.number).collect();
        for (label, number) in labels {
            if !numbers.contains(number) {
                self.push(
                    ProblemKind::Invalid,
                    &[key("labels"), key(label.as_str())],
                    format!("label `{label}` points at version {number}, which is not in the file"),
                );
            }
        }
    }
}
