//! Rules of versions: numbering, when a save creates a version, what a version must satisfy.

use crate::blueprint::{BlueprintContent, PROVIDERS};
use crate::template::{analyze, TemplateIssue};

/// Versions are numbered 1, 2, 3... per blueprint.
pub fn next_number(latest: Option<u32>) -> u32 {
    latest.map_or(1, |n| n + 1)
}

/// Saving creates a version only when the content differs from the latest version.
pub fn creates_version(latest_hash: Option<&str>, new_hash: &str) -> bool {
    latest_hash != Some(new_hash)
}

/// Why a content cannot become a version: template syntax errors, oversized templates, and
/// model settings out of range. Missing sample values do not block a save.
pub fn validate(content: &BlueprintContent) -> Result<(), Vec<String>> {
    let mut problems: Vec<String> = analyze(content)
        .issues
        .iter()
        .map(TemplateIssue::to_string)
        .collect();
    let m = &content.model;
    if !PROVIDERS.contains(&m.provider.as_str()) {
        problems.push(format!(
            "model provider `{}`: use bedrock, openai or local",
            m.provider
        ));
    }
    if m.model_id.trim().is_empty() {
        problems.push("model id is empty".into());
    }
    if matches!(m.max_tokens, Some(0)) {
        problems.push("max tokens must be at least 1".into());
    }
    if let Some(t) = m.temperature {
        if !(0.0..=2.0).contains(&t) {
            problems.push(format!("temperature {t} is outside 0–2"));
        }
    }
    if let Some(p) = m.top_p {
        if !(0.0..=1.0).contains(&p) {
            problems.push(format!("top p {p} is outside 0–1"));
        }
    }
    if m.stop_sequences.iter().any(|s| s.is_empty()) {
        problems.push("a stop sequence is empty".into());
    }
    let mut seen = Vec::new();
    for v in &content.variables {
        if v.name.trim().is_empty() {
            problems.push("a variable has no name".into());
        } else if seen.contains(&&v.name) {
            problems.push(format!("variable `{}` is declared twice", v.name));
        }
        seen.push(&v.name);
    }
    problems.extend(
        crate::eval::validate(&content.evaluators)
            .iter()
            .map(ToString::to_string),
    );
    problems.extend(
        content
            .thresholds
            .validate(&content.evaluators)
            .iter()
            .map(ToString::to_string),
    );
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_and_no_op_saves() {
        assert_eq!(next_number(None), 1);
        assert_eq!(next_number(Some(4)), 5);
        assert!(creates_version(None, "abc"));
        assert!(!creates_version(Some("abc"), "abc"));
        assert!(creates_version(Some("abc"), "abd"));
    }

    #[test]
    fn invalid_contents_are_explained() {
        let mut c = BlueprintContent::default();
        assert!(validate(&c).is_ok());
        c.system = "{% if %}".into();
        c.model.temperature = Some(3.0);
        c.model.provider = "azure".into();
        let problems = validate(&c).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("system line 1"), "{}", problems[0]);
        assert!(problems.contains(&"temperature 3 is outside 0–2".to_string()));
    }
}
