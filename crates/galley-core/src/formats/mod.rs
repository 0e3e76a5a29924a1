//! Blueprints in the file formats of neighbouring tools: GitHub Models `.prompt.yml`, Prompty,
//! a promptfoo configuration, and a Bedrock Prompt Management `CreatePrompt` request.
//!
//! Export writes one version's content (not the history: these formats have none). What a
//! format cannot carry is never dropped silently: each loss is a [`FormatNote`] naming the
//! file, the blueprint and the thing left behind. Output is deterministic (keys in a fixed
//! order, a final newline), so exporting again gives no diff.
//!
//! Import reads `.prompt.yml`, `.prompty` and `CreatePrompt` JSON back into a name and a
//! [`BlueprintContent`], strictly: an unknown key or a wrong type is an error naming the file
//! and the line or field; what Galley keeps no place for comes back as notes.

mod bedrock;
mod jinja;
mod prompt_yml;
mod promptfoo;
mod prompty;
mod prompty_read;
mod read;
mod yaml;

#[cfg(test)]
mod fixture;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::blueprint::{BlueprintContent, MessageTemplate, Role, VarType};
use crate::dataset::Case;

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ExportFormat {
    /// `blueprints/<slug>.galley.yaml`: every version, its labels. The only lossless format.
    #[default]
    Galley,
    /// GitHub Models: `prompts/<slug>.prompt.yml`.
    PromptYml,
    /// Prompty: `prompts/<slug>.prompty`.
    Prompty,
    /// promptfoo: `promptfoo/<slug>/promptfooconfig.yaml`.
    Promptfoo,
    /// Bedrock Prompt Management: `bedrock/<slug>.json`, a `CreatePrompt` request.
    Bedrock,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 5] = [
        ExportFormat::Galley,
        ExportFormat::PromptYml,
        ExportFormat::Prompty,
        ExportFormat::Promptfoo,
        ExportFormat::Bedrock,
    ];

    /// The name on the wire and on the command line: `prompt-yml`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Galley => "galley",
            ExportFormat::PromptYml => "prompt-yml",
            ExportFormat::Prompty => "prompty",
            ExportFormat::Promptfoo => "promptfoo",
            ExportFormat::Bedrock => "bedrock",
        }
    }

    /// The format as people name it in a note: `.prompt.yml`, `Prompty`.
    pub fn title(self) -> &'static str {
        match self {
            ExportFormat::Galley => "Galley",
            ExportFormat::PromptYml => ".prompt.yml",
            ExportFormat::Prompty => "Prompty",
            ExportFormat::Promptfoo => "promptfoo",
            ExportFormat::Bedrock => "Bedrock Prompt Management",
        }
    }

    /// Where a blueprint's file goes, relative to the exported folder.
    pub fn path(self, slug: &str) -> String {
        match self {
            ExportFormat::Galley => format!("blueprints/{slug}.galley.yaml"),
            ExportFormat::PromptYml => format!("prompts/{slug}.prompt.yml"),
            ExportFormat::Prompty => format!("prompts/{slug}.prompty"),
            ExportFormat::Promptfoo => format!("promptfoo/{slug}/promptfooconfig.yaml"),
            ExportFormat::Bedrock => format!("bedrock/{slug}.json"),
        }
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ExportFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        ExportFormat::ALL
            .into_iter()
            .find(|f| f.as_str() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = ExportFormat::ALL.iter().map(|f| f.as_str()).collect();
                format!(
                    "unknown export format `{}`: use one of {}",
                    s.trim(),
                    names.join(", ")
                )
            })
    }
}

/// Something of a blueprint that a file format cannot carry, or carries differently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FormatNote {
    /// The file, relative to the exported folder, with `/` (or the imported file's name).
    pub path: String,
    /// The blueprint's name.
    pub blueprint: String,
    pub message: String,
}

impl fmt::Display for FormatNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// An OpenAI-compatible endpoint as the user's settings hold it: its URL and the *name* of the
/// variable with its key, never the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedEndpoint {
    pub name: String,
    /// The API root, ending before `/chat/completions` (`http://localhost:11434/v1`).
    pub base_url: String,
    pub api_key_env: Option<String>,
}

/// What exporting one blueprint needs.
#[derive(Debug, Clone, Copy)]
pub struct ExportInput<'a> {
    pub name: &'a str,
    /// The file-name stem ([`ExportFormat::path`]).
    pub slug: &'a str,
    pub content: &'a BlueprintContent,
    /// Test cases for the formats that hold tests (promptfoo, `.prompt.yml`); when empty, one
    /// test is made from the variables' defaults.
    pub cases: &'a [Case],
    /// The endpoints of the settings, to resolve an `openai` model's endpoint by name.
    pub endpoints: &'a [NamedEndpoint],
}

/// One exported file.
#[derive(Debug, Clone, PartialEq)]
pub struct ForeignFile {
    /// Relative to the exported folder, with `/`.
    pub path: String,
    pub text: String,
    pub notes: Vec<FormatNote>,
}

/// A blueprint in a foreign format; `None` for [`ExportFormat::Galley`], which the blueprint
/// file writer ([`crate::bpfile`]) handles with the whole history.
pub fn export(format: ExportFormat, input: &ExportInput<'_>) -> Option<ForeignFile> {
    let path = format.path(input.slug);
    let mut notes = Notes::new(&path, input.name, format);
    let text = match format {
        ExportFormat::Galley => return None,
        ExportFormat::PromptYml => prompt_yml::export(input, &mut notes),
        ExportFormat::Prompty => prompty::export(input, &mut notes),
        ExportFormat::Promptfoo => promptfoo::export(input, &mut notes),
        ExportFormat::Bedrock => bedrock::export(input, &mut notes),
    };
    Some(ForeignFile {
        path,
        text,
        notes: notes.list,
    })
}

/// A blueprint read from a foreign file.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub name: String,
    pub content: BlueprintContent,
    /// What the file had that Galley did not keep, in words.
    pub notes: Vec<String>,
    /// The URL of the OpenAI-compatible endpoint the file connects to, when it names one
    /// (Prompty's connection). [`Imported::connect`] turns it into an endpoint of the settings.
    pub endpoint_url: Option<String>,
}

impl Imported {
    /// Points an `openai` model at the endpoint of the settings with the file's URL (compared
    /// without a trailing `/` and without case), and says which; or says that no endpoint has
    /// that URL. Keys are never read from a file: the endpoint's own key variable applies.
    pub fn connect(&mut self, endpoints: &[NamedEndpoint]) {
        let Some(url) = self.endpoint_url.as_deref() else {
            return;
        };
        if self.content.model.provider != "openai" {
            return;
        }
        let same = |a: &str, b: &str| {
            a.trim()
                .trim_end_matches('/')
                .eq_ignore_ascii_case(b.trim().trim_end_matches('/'))
        };
        match endpoints.iter().find(|e| same(&e.base_url, url)) {
            Some(e) => {
                self.content.model.endpoint = Some(e.name.clone());
                self.notes.push(format!(
                    "runs on the endpoint `{}` of the settings (same URL); its key comes from \
                     there",
                    e.name
                ));
            }
            None => self.notes.push(format!(
                "no endpoint of the settings has the URL {url}: add one in Settings → OpenAI-compatible \
                 endpoints, then choose it in Model settings"
            )),
        }
    }
}

/// Why a foreign file cannot be imported. The message names the file and, when known, the
/// line and column or the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}", place(.line, .column, .field))]
pub struct ImportError {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The field at fault as the file spells it: `model.options.temperature`.
    pub field: Option<String>,
    pub message: String,
}

fn place(line: &Option<usize>, column: &Option<usize>, field: &Option<String>) -> String {
    let mut out = String::new();
    match (line, column) {
        (Some(l), Some(c)) => out.push_str(&format!(", line {l}, column {c}")),
        (Some(l), None) => out.push_str(&format!(", line {l}")),
        _ => {}
    }
    if let Some(f) = field {
        out.push_str(&format!(", `{f}`"));
    }
    out
}

impl ImportError {
    pub(crate) fn new(file: &str, message: impl Into<String>) -> Self {
        ImportError {
            file: file.to_string(),
            line: None,
            column: None,
            field: None,
            message: message.into(),
        }
    }

    pub(crate) fn field(file: &str, field: &str, message: impl Into<String>) -> Self {
        ImportError {
            field: Some(field.to_string()),
            ..ImportError::new(file, message)
        }
    }

    pub(crate) fn at(mut self, line: usize, column: Option<usize>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }
}

/// The foreign format of a file, by its name: `.prompt.yml` / `.prompt.yaml`, `.prompty`, or
/// `.json` (a Bedrock `CreatePrompt` request).
pub fn import_format(file_name: &str) -> Option<ExportFormat> {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".prompt.yml") || lower.ends_with(".prompt.yaml") {
        Some(ExportFormat::PromptYml)
    } else if lower.ends_with(".prompty") {
        Some(ExportFormat::Prompty)
    } else if lower.ends_with(".json") {
        Some(ExportFormat::Bedrock)
    } else {
        None
    }
}

/// Reads a foreign file; its format is chosen by [`import_format`]. The content is checked
/// against the rules of a version ([`crate::version::validate`]).
pub fn import(file_name: &str, text: &str) -> Result<Imported, ImportError> {
    let imported =
        match import_format(file_name) {
            Some(ExportFormat::PromptYml) => prompt_yml::import(file_name, text)?,
            Some(ExportFormat::Prompty) => prompty_read::import(file_name, text)?,
            Some(ExportFormat::Bedrock) => bedrock::import(file_name, text)?,
            _ => return Err(ImportError::new(
                file_name,
                "not a file Galley imports: use a .galley.yaml, .prompt.yml, .prompty or Bedrock \
                 prompt .json file",
            )),
        };
    let name = crate::name::validate_name(&imported.name)
        .map_err(|e| ImportError::field(file_name, "name", e))?;
    if let Err(problems) = crate::version::validate(&imported.content) {
        return Err(ImportError::new(
            file_name,
            format!(
                "the prompt cannot be a Galley version: {}",
                problems.join("; ")
            ),
        ));
    }
    Ok(Imported { name, ..imported })
}

/// The notes of one exported file.
pub(crate) struct Notes {
    path: String,
    blueprint: String,
    format: ExportFormat,
    list: Vec<FormatNote>,
}

impl Notes {
    fn new(path: &str, blueprint: &str, format: ExportFormat) -> Self {
        Notes {
            path: path.to_string(),
            blueprint: blueprint.to_string(),
            format,
            list: Vec::new(),
        }
    }

    pub(crate) fn add(&mut self, message: impl Into<String>) {
        self.list.push(FormatNote {
            path: self.path.clone(),
            blueprint: self.blueprint.clone(),
            message: message.into(),
        });
    }

    /// `… has no <format> equivalent`.
    pub(crate) fn lost(&mut self, what: impl fmt::Display) {
        let title = self.format.title();
        self.add(format!("{what} has no {title} equivalent"));
    }

    /// One note per evaluator: the formats without tests carry none.
    pub(crate) fn evaluators(&mut self, content: &BlueprintContent) {
        for e in &content.evaluators {
            self.lost(format_args!(
                "evaluator \"{}\" ({})",
                e.name,
                e.check.kind()
            ));
        }
    }

    /// One note per threshold that is set.
    pub(crate) fn thresholds(&mut self, content: &BlueprintContent) {
        let t = &content.thresholds;
        if let Some(r) = t.min_pass_rate {
            self.lost(format_args!("threshold minPassRate {r}"));
        }
        for (name, m) in &t.min_mean {
            self.lost(format_args!("threshold minMean \"{name}\" {m}"));
        }
        if let Some(c) = t.max_cost_per_case_usd {
            self.lost(format_args!("threshold maxCostPerCaseUsd {c}"));
        }
        if let Some(l) = t.max_p95_latency_ms {
            self.lost(format_args!("threshold maxP95LatencyMs {l}"));
        }
    }

    /// The guardrail, the prompt cache and the extra request fields, for formats without them.
    pub(crate) fn guardrail(&mut self, content: &BlueprintContent) {
        if let Some(g) = &content.model.guardrail {
            self.lost(format_args!(
                "guardrail {} version {}",
                g.identifier, g.version
            ));
        }
    }

    pub(crate) fn cache_prompt(&mut self, content: &BlueprintContent) {
        if content.model.cache_prompt {
            self.lost("the prompt-cache checkpoint after the system prompt (cachePrompt)");
        }
    }

    pub(crate) fn extra_fields(&mut self, content: &BlueprintContent) {
        if let Some(extra) = &content.model.extra_fields {
            self.lost(format_args!("the model's extra request fields {extra}"));
        }
    }

    /// The local provider runs a GGUF model inside Galley, which no other tool can name.
    pub(crate) fn local_model(&mut self, content: &BlueprintContent) {
        let title = self.format.title();
        self.add(format!(
            "the model runs on Galley's local provider ({}), which {title} cannot name: no \
             model is written; choose one there",
            content.model.model_id
        ));
    }
}

/// The endpoint an `openai` model runs on: the one named, else the only one there is.
pub(crate) fn find_endpoint<'a>(
    endpoints: &'a [NamedEndpoint],
    name: Option<&str>,
) -> Option<&'a NamedEndpoint> {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => endpoints.iter().find(|e| e.name.eq_ignore_ascii_case(n)),
        None => match endpoints {
            [only] => Some(only),
            _ => None,
        },
    }
}

/// The variables a content uses: the declared ones in order, then those only its templates
/// use, in order of first use.
pub(crate) fn variable_names(content: &BlueprintContent) -> Vec<String> {
    let mut names: Vec<String> = content.variables.iter().map(|v| v.name.clone()).collect();
    for v in crate::template::analyze(content).variables {
        if !names.contains(&v) {
            names.push(v);
        }
    }
    names
}

/// A variable's raw text typed as Galley types it when rendering
/// ([`crate::template::convert_value`]): a number, a boolean, a JSON structure or the text.
/// `Err` is Galley's own message when the text is not of the declared type.
pub(crate) fn typed_value(var_type: VarType, raw: &str) -> Result<serde_json::Value, String> {
    let value = crate::template::convert_value(var_type, raw)?;
    serde_json::to_value(&value).map_err(|e| format!("`{raw}`: {e}"))
}

/// The notes of a file as text, for tests.
#[cfg(test)]
pub(crate) fn messages(file: &ForeignFile) -> Vec<String> {
    file.notes.iter().map(|n| n.message.clone()).collect()
}

/// Takes one message of a foreign file in order: the first may be the system prompt, the others
/// are user or assistant messages. The error says what is wrong with the role; the caller names
/// where.
pub(crate) fn push_message(
    role: &str,
    first: bool,
    text: String,
    system: &mut String,
    messages: &mut Vec<MessageTemplate>,
) -> Result<(), String> {
    let role = match role {
        "system" if first => {
            *system = text;
            return Ok(());
        }
        "system" => return Err("a system message must come first, and only once".into()),
        "user" => Role::User,
        "assistant" => Role::Assistant,
        other => return Err(format!("role `{other}`: use system, user or assistant")),
    };
    messages.push(MessageTemplate {
        role,
        template: text,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_read_and_write_their_names() {
        for f in ExportFormat::ALL {
            assert_eq!(f.as_str().parse::<ExportFormat>().unwrap(), f);
            assert_eq!(
                serde_json::to_string(&f).unwrap(),
                format!("\"{}\"", f.as_str())
            );
        }
        assert_eq!(
            " Prompt-YML ".parse::<ExportFormat>().unwrap(),
            ExportFormat::PromptYml
        );
        assert_eq!(
            "yaml".parse::<ExportFormat>().unwrap_err(),
            "unknown export format `yaml`: use one of galley, prompt-yml, prompty, promptfoo, \
             bedrock"
        );
        assert_eq!(ExportFormat::default(), ExportFormat::Galley);
        let ts = ExportFormat::export_to_string().unwrap();
        assert!(
            ts.contains(r#""galley" | "prompt-yml" | "prompty" | "promptfoo" | "bedrock""#),
            "{ts}"
        );
    }

    #[test]
    fn paths_follow_the_layout() {
        assert_eq!(
            ExportFormat::PromptYml.path("a-b"),
            "prompts/a-b.prompt.yml"
        );
        assert_eq!(ExportFormat::Prompty.path("a-b"), "prompts/a-b.prompty");
        assert_eq!(
            ExportFormat::Promptfoo.path("a-b"),
            "promptfoo/a-b/promptfooconfig.yaml"
        );
        assert_eq!(ExportFormat::Bedrock.path("a-b"), "bedrock/a-b.json");
        assert_eq!(
            import_format("x.Prompt.YAML"),
            Some(ExportFormat::PromptYml)
        );
        assert_eq!(import_format("x.prompty"), Some(ExportFormat::Prompty));
        assert_eq!(import_format("x.json"), Some(ExportFormat::Bedrock));
        assert_eq!(import_format("x.galley.yaml"), None);
    }

    #[test]
    fn an_unknown_file_is_refused_by_name() {
        let e = import("notes.txt", "hello").unwrap_err();
        assert_eq!(
            e.to_string(),
            "notes.txt: not a file Galley imports: use a .galley.yaml, .prompt.yml, .prompty or \
             Bedrock prompt .json file"
        );
    }

    #[test]
    fn errors_name_the_place() {
        let e = ImportError::field("a.prompty", "model.id", "empty").at(3, Some(7));
        assert_eq!(
            e.to_string(),
            "a.prompty, line 3, column 7, `model.id`: empty"
        );
    }
}
