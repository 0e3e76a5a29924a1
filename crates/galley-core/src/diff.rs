//! Differences between two versions: templates line by line with inline word highlights
//! (`similar`), plus variables and model settings field by field.

use serde::{Deserialize, Serialize};
use similar::{Algorithm, ChangeTag, TextDiff};
use ts_rs::TS;

use crate::blueprint::{message_place, BlueprintContent, ModelSettings, VariableDecl};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum DiffOp {
    Equal,
    Insert,
    Delete,
}

/// A run of text inside a line; `emph` marks the words that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiffSegment {
    pub text: String,
    pub emph: bool,
}

/// One line of a unified diff. Side-by-side views pair deletes with the inserts that follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiffLine {
    pub op: DiffOp,
    /// 1-based line number in the old text (none for inserts).
    pub old_line: Option<u32>,
    /// 1-based line number in the new text (none for deletes).
    pub new_line: Option<u32>,
    pub segments: Vec<DiffSegment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ChangeStatus {
    Unchanged,
    Changed,
    Added,
    Removed,
}

/// The diff of one template place (`system`, `message 1 (user)`, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TemplateDiff {
    pub place: String,
    pub status: ChangeStatus,
    pub inserted: u32,
    pub deleted: u32,
    pub lines: Vec<DiffLine>,
}

/// One changed field of the variables or model settings, shown as text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContentDiff {
    pub templates: Vec<TemplateDiff>,
    pub variables: Vec<FieldChange>,
    pub model: Vec<FieldChange>,
    /// Evaluators (by name) and thresholds that changed.
    pub evaluation: Vec<FieldChange>,
}

impl ContentDiff {
    pub fn is_empty(&self) -> bool {
        self.variables.is_empty()
            && self.model.is_empty()
            && self.evaluation.is_empty()
            && self
                .templates
                .iter()
                .all(|t| t.status == ChangeStatus::Unchanged)
    }
}

/// Line diff of two texts with word-level emphasis inside changed lines.
pub fn diff_text(old: &str, new: &str) -> Vec<DiffLine> {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .diff_lines(old, new);
    let mut lines = Vec::new();
    for op in diff.ops() {
        for change in diff.iter_inline_changes(op) {
            let op = match change.tag() {
                ChangeTag::Equal => DiffOp::Equal,
                ChangeTag::Insert => DiffOp::Insert,
                ChangeTag::Delete => DiffOp::Delete,
            };
            let mut segments: Vec<DiffSegment> = Vec::new();
            for (emph, text) in change.iter_strings_lossy() {
                let text = text.trim_end_matches(['\n', '\r']);
                if text.is_empty() {
                    continue;
                }
                match segments.last_mut() {
                    Some(last) if last.emph == emph => last.text.push_str(text),
                    _ => segments.push(DiffSegment {
                        text: text.to_string(),
                        emph,
                    }),
                }
            }
            lines.push(DiffLine {
                op,
                old_line: change.old_index().map(|i| i as u32 + 1),
                new_line: change.new_index().map(|i| i as u32 + 1),
                segments,
            });
        }
    }
    lines
}

fn template_diff(place: String, old: Option<&str>, new: Option<&str>) -> TemplateDiff {
    let lines = diff_text(old.unwrap_or(""), new.unwrap_or(""));
    let inserted = lines.iter().filter(|l| l.op == DiffOp::Insert).count() as u32;
    let deleted = lines.iter().filter(|l| l.op == DiffOp::Delete).count() as u32;
    let status = match (old, new) {
        (None, Some(_)) => ChangeStatus::Added,
        (Some(_), None) => ChangeStatus::Removed,
        _ if inserted + deleted == 0 => ChangeStatus::Unchanged,
        _ => ChangeStatus::Changed,
    };
    TemplateDiff {
        place,
        status,
        inserted,
        deleted,
        lines,
    }
}

fn push_change(
    out: &mut Vec<FieldChange>,
    field: String,
    old: Option<String>,
    new: Option<String>,
) {
    if old != new {
        out.push(FieldChange { field, old, new });
    }
}

fn describe_var(v: &VariableDecl) -> String {
    let ty = serde_json::to_value(v.var_type)
        .ok()
        .and_then(|t| t.as_str().map(str::to_owned));
    let mut s = ty.unwrap_or_default();
    if let Some(d) = &v.default {
        s.push_str(&format!(", default {d:?}"));
    }
    if !v.description.is_empty() {
        s.push_str(&format!(", \"{}\"", v.description));
    }
    s
}

fn opt<T: std::fmt::Display>(v: &Option<T>) -> Option<String> {
    v.as_ref().map(|x| x.to_string())
}

fn model_changes(old: &ModelSettings, new: &ModelSettings) -> Vec<FieldChange> {
    let mut out = Vec::new();
    push_change(
        &mut out,
        "provider".into(),
        Some(old.provider.clone()),
        Some(new.provider.clone()),
    );
    push_change(
        &mut out,
        "model id".into(),
        Some(old.model_id.clone()),
        Some(new.model_id.clone()),
    );
    push_change(
        &mut out,
        "max tokens".into(),
        opt(&old.max_tokens),
        opt(&new.max_tokens),
    );
    push_change(
        &mut out,
        "temperature".into(),
        opt(&old.temperature),
        opt(&new.temperature),
    );
    push_change(&mut out, "top p".into(), opt(&old.top_p), opt(&new.top_p));
    let stops = |m: &ModelSettings| Some(format!("{:?}", m.stop_sequences));
    push_change(&mut out, "stop sequences".into(), stops(old), stops(new));
    push_change(
        &mut out,
        "prompt caching".into(),
        Some(old.cache_prompt.to_string()),
        Some(new.cache_prompt.to_string()),
    );
    let guard = |m: &ModelSettings| {
        m.guardrail
            .as_ref()
            .map(|g| format!("{} v{}", g.identifier, g.version))
    };
    push_change(&mut out, "guardrail".into(), guard(old), guard(new));
    let extra = |m: &ModelSettings| m.extra_fields.as_ref().map(|v| v.to_string());
    push_change(&mut out, "extra fields".into(), extra(old), extra(new));
    out
}

/// Everything that differs between two contents.
pub fn diff_content(old: &BlueprintContent, new: &BlueprintContent) -> ContentDiff {
    let mut templates = vec![template_diff(
        "system".into(),
        Some(old.system.as_str()),
        Some(new.system.as_str()),
    )];
    let n = old.messages.len().max(new.messages.len());
    for i in 0..n {
        let (o, w) = (old.messages.get(i), new.messages.get(i));
        let role = w.or(o).map(|m| m.role).expect("one side has the message");
        let mut d = template_diff(
            message_place(i, role),
            o.map(|m| m.template.as_str()),
            w.map(|m| m.template.as_str()),
        );
        if let (Some(o), Some(w)) = (o, w) {
            if o.role != w.role {
                d.status = ChangeStatus::Changed;
                d.place = format!(
                    "message {} ({} → {})",
                    i + 1,
                    o.role.as_str(),
                    w.role.as_str()
                );
            }
        }
        templates.push(d);
    }
    let mut variables = Vec::new();
    for v in &old.variables {
        let now = new.variable(&v.name);
        push_change(
            &mut variables,
            v.name.clone(),
            Some(describe_var(v)),
            now.map(describe_var),
        );
    }
    for v in new
        .variables
        .iter()
        .filter(|v| old.variable(&v.name).is_none())
    {
        push_change(&mut variables, v.name.clone(), None, Some(describe_var(v)));
    }
    ContentDiff {
        templates,
        variables,
        model: model_changes(&old.model, &new.model),
        evaluation: evaluation_changes(old, new),
    }
}

/// Evaluators matched by name (their settings shown as compact JSON), then each threshold.
fn evaluation_changes(old: &BlueprintContent, new: &BlueprintContent) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let describe =
        |e: &crate::eval::Evaluator| serde_json::to_string(e).expect("an evaluator serialises");
    for e in &old.evaluators {
        let now = new.evaluators.iter().find(|n| n.name == e.name);
        push_change(
            &mut out,
            format!("evaluator `{}`", e.name),
            Some(describe(e)),
            now.map(describe),
        );
    }
    for e in &new.evaluators {
        if !old.evaluators.iter().any(|o| o.name == e.name) {
            push_change(
                &mut out,
                format!("evaluator `{}`", e.name),
                None,
                Some(describe(e)),
            );
        }
    }
    let (a, b) = (&old.thresholds, &new.thresholds);
    push_change(
        &mut out,
        "min pass rate".into(),
        opt(&a.min_pass_rate),
        opt(&b.min_pass_rate),
    );
    let names: std::collections::BTreeSet<&String> =
        a.min_mean.keys().chain(b.min_mean.keys()).collect();
    for name in names {
        push_change(
            &mut out,
            format!("min mean of `{name}`"),
            a.min_mean.get(name).map(f64::to_string),
            b.min_mean.get(name).map(f64::to_string),
        );
    }
    push_change(
        &mut out,
        "max cost per case (USD)".into(),
        opt(&a.max_cost_per_case_usd),
        opt(&b.max_cost_per_case_usd),
    );
    push_change(
        &mut out,
        "max p95 latency (ms)".into(),
        opt(&a.max_p95_latency_ms),
        opt(&b.max_p95_latency_ms),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::{MessageTemplate, Role, VarType};

    fn emph_words(line: &DiffLine) -> Vec<&str> {
        line.segments
            .iter()
            .filter(|s| s.emph)
            .map(|s| s.text.trim())
            .collect()
    }

    #[test]
    fn changed_words_are_emphasised() {
        let lines = diff_text(
            "Summarise the text.\nBe brief.\n",
            "Summarise the text.\nBe very brief.\n",
        );
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].op, DiffOp::Equal);
        assert_eq!((lines[0].old_line, lines[0].new_line), (Some(1), Some(1)));
        let del = lines.iter().find(|l| l.op == DiffOp::Delete).unwrap();
        let ins = lines.iter().find(|l| l.op == DiffOp::Insert).unwrap();
        assert_eq!(del.old_line, Some(2));
        assert_eq!(ins.new_line, Some(2));
        assert!(emph_words(del).is_empty());
        assert_eq!(emph_words(ins), vec!["very"]);
        let text: String = ins.segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(text, "Be very brief.");
    }

    #[test]
    fn identical_texts_have_no_changes() {
        let lines = diff_text("a\nb", "a\nb");
        assert!(lines.iter().all(|l| l.op == DiffOp::Equal));
    }

    #[test]
    fn content_diff_covers_messages_variables_and_model() {
        let old = BlueprintContent {
            system: "Be kind.".into(),
            messages: vec![MessageTemplate {
                role: Role::User,
                template: "Hi {{ name }}".into(),
            }],
            variables: vec![VariableDecl {
                name: "name".into(),
                var_type: VarType::String,
                default: None,
                description: String::new(),
            }],
            model: ModelSettings::default(),
            ..Default::default()
        };
        let mut new = old.clone();
        new.messages.push(MessageTemplate {
            role: Role::Assistant,
            template: "Hello!".into(),
        });
        new.variables[0].default = Some("Ada".into());
        new.model.temperature = Some(0.0);
        let d = diff_content(&old, &new);
        assert!(!d.is_empty());
        assert_eq!(d.templates[0].status, ChangeStatus::Unchanged);
        assert_eq!(d.templates[1].status, ChangeStatus::Unchanged);
        assert_eq!(d.templates[2].status, ChangeStatus::Added);
        assert_eq!(d.templates[2].place, "message 2 (assistant)");
        assert_eq!(
            d.variables,
            vec![FieldChange {
                field: "name".into(),
                old: Some("string".into()),
                new: Some("string, default \"Ada\"".into())
            }]
        );
        assert_eq!(
            d.model,
            vec![FieldChange {
                field: "temperature".into(),
                old: Some("0.7".into()),
                new: Some("0".into())
            }]
        );
        assert!(diff_content(&old, &old).is_empty());
    }

    #[test]
    fn evaluator_and_threshold_changes_are_listed_by_name() {
        use crate::eval::{Check, Evaluator, Thresholds};
        let contains = |value: &str| Evaluator {
            name: "city".into(),
            weight: 1.0,
            check: Check::Contains {
                value: value.into(),
            },
        };
        let old = BlueprintContent {
            evaluators: vec![contains("Paris"), {
                let mut e = contains("x");
                e.name = "gone".into();
                e
            }],
            ..Default::default()
        };
        let new = BlueprintContent {
            evaluators: vec![contains("Lima")],
            thresholds: Thresholds {
                min_pass_rate: Some(0.8),
                ..Default::default()
            },
            ..Default::default()
        };
        let d = diff_content(&old, &new);
        assert!(!d.is_empty());
        let fields: Vec<&str> = d.evaluation.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["evaluator `city`", "evaluator `gone`", "min pass rate"]
        );
        assert_eq!(
            d.evaluation[0].new.as_deref(),
            Some(r#"{"name":"city","weight":1.0,"type":"contains","value":"Lima"}"#)
        );
        assert_eq!(d.evaluation[1].new, None);
        assert_eq!(d.evaluation[2].new.as_deref(), Some("0.8"));
        assert!(diff_content(&new, &new).is_empty());
    }
}
