//! Requests and responses of the engine's commands: `<Command>Req` / `<Command>Res`. These and
//! the records they carry are generated into `ui/src/bindings/` (see `tests/bindings.rs`).

use std::collections::BTreeMap;

use galley_core::{BlueprintContent, Label, RenderedMessage, TemplateIssue};
use galley_store::{BlueprintSummary, Draft, LabelMove, LabelState, Version, VersionMeta};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BlueprintsListReq {
    #[serde(default)]
    pub search: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BlueprintsCreateReq {
    pub name: String,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BlueprintsRenameReq {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BlueprintsSetTagsReq {
    pub id: String,
    pub tags: Vec<String>,
}

/// Names one blueprint by id (duplicate, delete, open).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BlueprintRef {
    pub id: String,
}

/// Everything the workbench shows for one blueprint.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BlueprintsOpenRes {
    pub summary: BlueprintSummary,
    /// Newest first.
    pub versions: Vec<VersionMeta>,
    pub latest: Option<Version>,
    pub labels: Vec<LabelState>,
    /// Newest first.
    pub label_moves: Vec<LabelMove>,
    pub draft: Option<Draft>,
    /// What the editor starts from when there is neither a version nor a draft.
    pub starter: BlueprintContent,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VersionsGetReq {
    pub id: String,
    pub number: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VersionsSaveReq {
    pub id: String,
    pub content: BlueprintContent,
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VersionsSaveRes {
    /// False when the content equals the latest version: nothing was written.
    pub created: bool,
    /// The new version, or the unchanged latest one.
    pub version: VersionMeta,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VersionsDiffReq {
    pub id: String,
    pub from: u32,
    pub to: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LabelsMoveReq {
    pub id: String,
    pub label: Label,
    pub version: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LabelsMoveRes {
    /// None when the label already pointed at that version.
    pub moved: Option<LabelMove>,
    pub labels: Vec<LabelState>,
    pub label_moves: Vec<LabelMove>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DraftsSaveReq {
    pub id: String,
    pub content: BlueprintContent,
    pub base_version: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TemplatesCheckReq {
    pub content: BlueprintContent,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TemplatesRenderReq {
    pub content: BlueprintContent,
    /// Sample values as typed; converted by each variable's declared type.
    #[serde(default)]
    pub values: BTreeMap<String, String>,
}

/// A preview: the rendered messages, or the problems that prevent rendering.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TemplatesRenderRes {
    pub messages: Vec<RenderedMessage>,
    pub issues: Vec<TemplateIssue>,
}

/// Which version of a named blueprint: a number, a label, or (neither) the latest.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VersionSelector {
    pub version: Option<u32>,
    pub label: Option<Label>,
}

/// What the app shows about where its data lives.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub author: String,
}
