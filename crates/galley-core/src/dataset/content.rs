//! The content of a dataset: its variables and its cases, and the rules they keep.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

/// One output of a model brought with the dataset (Bedrock's "bring your own responses").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ModelResponse {
    /// The model's identifier as the dataset names it (Bedrock `modelIdentifier`).
    pub model: String,
    pub response: String,
}

/// One row of a dataset: the variable values a template is rendered with, and what to judge
/// the answer against.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Case {
    /// Variable values by name. A declared variable may be absent: rendering then uses the
    /// blueprint's default, or fails.
    pub values: BTreeMap<String, String>,
    /// The expected answer (Bedrock `referenceResponse`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reference: Option<String>,
    /// A group for scores (Bedrock `category`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<String>>", optional)]
    pub tags: Vec<String>,
    /// Answers already produced by models, to be judged without calling them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<ModelResponse>>", optional)]
    pub responses: Vec<ModelResponse>,
}

/// Everything a dataset version freezes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DatasetContent {
    /// Variable names in column order, as imported or edited.
    pub variables: Vec<String>,
    pub cases: Vec<Case>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    /// The dataset cannot be saved or exported as it is.
    Error,
    /// Allowed, but probably not what was meant.
    Warning,
}

/// A problem found by [`DatasetContent::validate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DatasetIssue {
    pub severity: Severity,
    /// 0-based index of the case concerned (the first one, for a problem found in many cases).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub case: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub variable: Option<String>,
    pub message: String,
}

impl std::fmt::Display for DatasetIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Column names a CSV file reserves for case fields (compared case-insensitively), with the
/// field each stands for. Variables cannot take these names.
pub(crate) const RESERVED_COLUMNS: [(&str, &str); 6] = [
    ("reference", "reference"),
    ("referenceresponse", "reference"),
    ("expected", "reference"),
    ("reference_answer", "reference"),
    ("category", "category"),
    ("tags", "tags"),
];

/// Words a Jinja expression reads as literals or operators, so a variable cannot be named so.
const JINJA_WORDS: [&str; 16] = [
    "true", "false", "none", "True", "False", "None", "and", "or", "not", "in", "is", "if", "else",
    "loop", "self", "super",
];

/// Characters that separate tags in a CSV cell.
pub(crate) const TAG_SEPARATORS: [char; 2] = [';', '|'];

/// Whether `name` can be a variable: an identifier a Jinja template can use (ASCII letters,
/// digits and `_`, not starting with a digit) that is neither a Jinja word nor a reserved
/// column name. The error says why not.
pub fn check_variable_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a variable needs a name".into());
    }
    let first = name.chars().next().unwrap_or('_');
    if first.is_ascii_digit() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!(
            "`{name}` is not a variable name: use letters, digits and `_`, not starting with a digit"
        ));
    }
    if JINJA_WORDS.contains(&name) {
        return Err(format!(
            "`{name}` is a Jinja word: choose another variable name"
        ));
    }
    if let Some((_, field)) = reserved_column(name) {
        return Err(format!(
            "`{name}` is reserved for the case's {field}: choose another variable name"
        ));
    }
    Ok(())
}

/// The reserved column `name` matches, if any: `(column, field)`.
pub(crate) fn reserved_column(name: &str) -> Option<(&'static str, &'static str)> {
    let lower = name.to_ascii_lowercase();
    RESERVED_COLUMNS.iter().copied().find(|(c, _)| *c == lower)
}

/// Tags as imports store them: trimmed, without empties or repeats, in the order given.
pub(crate) fn clean_tags<'a>(raw: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in raw {
        let t = t.trim();
        if !t.is_empty() && !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    }
    out
}

/// Why a tag cannot be stored, if it cannot.
pub(crate) fn check_tag(tag: &str) -> Result<(), String> {
    if tag.trim().is_empty() {
        return Err("a tag is empty".into());
    }
    if tag.trim() != tag {
        return Err(format!("tag `{tag}` starts or ends with a space"));
    }
    if let Some(c) = tag.chars().find(|c| TAG_SEPARATORS.contains(c)) {
        return Err(format!(
            "tag `{tag}` contains `{c}`, which separates tags in CSV files"
        ));
    }
    Ok(())
}

/// An empty string is no value for a reference or a category.
pub(crate) fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

impl DatasetContent {
    /// A stable fingerprint of the content: SHA-256 of its canonical JSON, hex encoded.
    /// Two contents with the same hash are the same version.
    pub fn content_hash(&self) -> String {
        let json = serde_json::to_vec(self).expect("content always serialises");
        hex::encode(Sha256::digest(json))
    }

    /// Distinct categories of the cases, sorted.
    pub fn categories(&self) -> Vec<String> {
        let set: BTreeSet<&str> = self
            .cases
            .iter()
            .filter_map(|c| c.category.as_deref())
            .collect();
        set.into_iter().map(str::to_string).collect()
    }

    /// Distinct tags of the cases, sorted.
    pub fn tags(&self) -> Vec<String> {
        let set: BTreeSet<&str> = self
            .cases
            .iter()
            .flat_map(|c| c.tags.iter().map(String::as_str))
            .collect();
        set.into_iter().map(str::to_string).collect()
    }

    /// Models with brought responses, in order of first appearance.
    pub fn models(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in self.cases.iter().flat_map(|c| &c.responses) {
            if !out.contains(&r.model) {
                out.push(r.model.clone());
            }
        }
        out
    }

    /// Everything wrong with the content. Errors: a bad, reserved or repeated variable name;
    /// a value for an undeclared variable; an empty tag or one with a separator; a response
    /// without a model, or two for one model in a case. Warning: a case without a value for a
    /// declared variable (rendering then uses the blueprint's default, or fails).
    pub fn validate(&self) -> Vec<DatasetIssue> {
        let mut issues = Vec::new();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut declared: Vec<&str> = Vec::new();
        for name in &self.variables {
            if let Err(message) = check_variable_name(name) {
                issues.push(issue(Severity::Error, None, Some(name), message));
            }
            if seen.insert(name) {
                declared.push(name);
            } else {
                issues.push(issue(
                    Severity::Error,
                    None,
                    Some(name),
                    format!("variable `{name}` is declared twice"),
                ));
            }
        }

        // Per variable: the cases missing it; per undeclared name: the cases using it.
        let mut missing: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        let mut undeclared: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for (i, case) in self.cases.iter().enumerate() {
            for &name in &declared {
                if !case.values.contains_key(name) {
                    count(&mut missing, name, i);
                }
            }
            for name in case.values.keys() {
                if !seen.contains(name.as_str()) {
                    count(&mut undeclared, name, i);
                }
            }
            let place = format!("case {}", i + 1);
            for tag in &case.tags {
                if let Err(e) = check_tag(tag) {
                    issues.push(issue(
                        Severity::Error,
                        Some(i),
                        None,
                        format!("{place}: {e}"),
                    ));
                }
            }
            let mut models: Vec<&str> = Vec::new();
            for r in &case.responses {
                if r.model.trim().is_empty() {
                    let message = format!("{place}: a response has no model");
                    issues.push(issue(Severity::Error, Some(i), None, message));
                } else if models.contains(&r.model.as_str()) {
                    let message = format!("{place}: two responses of model `{}`", r.model);
                    issues.push(issue(Severity::Error, Some(i), None, message));
                }
                models.push(&r.model);
            }
        }
        for (name, (first, n)) in undeclared {
            let message = format!(
                "{} ha{} a value for `{name}`, which is not a declared variable",
                cases_phrase(first, n),
                if n == 1 { "s" } else { "ve" },
            );
            issues.push(issue(Severity::Error, Some(first), Some(name), message));
        }
        for name in declared {
            if let Some(&(first, n)) = missing.get(name) {
                let message = format!(
                    "{} ha{} no value for `{name}`: rendering uses the blueprint's default",
                    cases_phrase(first, n),
                    if n == 1 { "s" } else { "ve" },
                );
                issues.push(issue(Severity::Warning, Some(first), Some(name), message));
            }
        }
        issues
    }
}

fn count<'a>(map: &mut BTreeMap<&'a str, (usize, usize)>, name: &'a str, case: usize) {
    map.entry(name).or_insert((case, 0)).1 += 1;
}

/// `case 3`, or `4 cases (first: case 3)`.
fn cases_phrase(first: usize, n: usize) -> String {
    if n == 1 {
        format!("case {}", first + 1)
    } else {
        format!("{n} cases (first: case {})", first + 1)
    }
}

fn issue(
    severity: Severity,
    case: Option<usize>,
    variable: Option<&str>,
    message: String,
) -> DatasetIssue {
    DatasetIssue {
        severity,
        case: case.map(|c| u32::try_from(c).unwrap_or(u32::MAX)),
        variable: variable.map(str::to_string),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(values: &[(&str, &str)]) -> Case {
        Case {
            values: values
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn variable_names() {
        assert!(check_variable_name("topic_2").is_ok());
        assert!(check_variable_name("_x").is_ok());
        assert!(check_variable_name("2x")
            .unwrap_err()
            .contains("not a variable name"));
        assert!(check_variable_name("my topic").is_err());
        assert!(check_variable_name("é").is_err());
        assert!(check_variable_name("").is_err());
        assert!(check_variable_name("none")
            .unwrap_err()
            .contains("Jinja word"));
        assert!(check_variable_name("Category")
            .unwrap_err()
            .contains("category"));
        assert!(check_variable_name("Expected")
            .unwrap_err()
            .contains("reference"));
    }

    #[test]
    fn validate_reports_errors_and_warnings() {
        let mut c = DatasetContent {
            variables: vec!["a".into(), "b".into(), "a".into(), "".into()],
            cases: vec![
                case(&[("a", "1"), ("b", "2")]),
                case(&[("a", "1"), ("z", "9")]),
            ],
        };
        c.cases[0].tags = vec!["x;y".into(), " ".into()];
        c.cases[1].responses = vec![
            ModelResponse {
                model: "m".into(),
                response: "r".into(),
            },
            ModelResponse {
                model: "m".into(),
                response: "s".into(),
            },
        ];
        let issues = c.validate();
        let messages: Vec<_> = issues.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "variable `a` is declared twice",
                "a variable needs a name",
                "case 1: tag `x;y` contains `;`, which separates tags in CSV files",
                "case 1: a tag is empty",
                "case 2: two responses of model `m`",
                "case 2 has a value for `z`, which is not a declared variable",
                "case 2 has no value for `b`: rendering uses the blueprint's default",
                "2 cases (first: case 1) have no value for ``: rendering uses the blueprint's default",
            ]
        );
        assert_eq!(issues[5].case, Some(1));
        assert_eq!(issues[6].severity, Severity::Warning);
        assert_eq!(issues[6].variable.as_deref(), Some("b"));
    }

    #[test]
    fn helpers_list_categories_tags_and_models() {
        let mut a = case(&[]);
        a.category = Some("geo".into());
        a.tags = vec!["b".into(), "a".into()];
        a.responses = vec![ModelResponse {
            model: "m2".into(),
            response: String::new(),
        }];
        let mut b = case(&[]);
        b.category = Some("arith".into());
        b.tags = vec!["a".into()];
        b.responses = vec![
            ModelResponse {
                model: "m1".into(),
                response: String::new(),
            },
            ModelResponse {
                model: "m2".into(),
                response: String::new(),
            },
        ];
        let c = DatasetContent {
            variables: vec![],
            cases: vec![a, b, case(&[])],
        };
        assert_eq!(c.categories(), vec!["arith", "geo"]);
        assert_eq!(c.tags(), vec!["a", "b"]);
        assert_eq!(c.models(), vec!["m2", "m1"]);
    }

    #[test]
    fn hash_is_stable_and_json_is_lean() {
        let c = DatasetContent {
            variables: vec!["q".into()],
            cases: vec![case(&[("q", "hi")])],
        };
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"variables":["q"],"cases":[{"values":{"q":"hi"}}]}"#
        );
        assert_eq!(c.content_hash(), c.clone().content_hash());
        assert_eq!(c.content_hash().len(), 64);
        let mut d = c.clone();
        d.cases[0].reference = Some("hello".into());
        assert_ne!(c.content_hash(), d.content_hash());
    }
}
