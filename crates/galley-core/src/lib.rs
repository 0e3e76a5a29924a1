//! Galley's pure domain.
//!
//! Everything here is deterministic: no file or network I/O, no clock, no randomness. Times, ids
//! and authors are passed in by the caller (`galley-engine`), so every rule is unit-testable.

pub mod blueprint;
pub mod bpfile;
pub mod dataset;
pub mod diff;
pub mod eval;
pub mod formats;
pub mod label;
pub mod name;
pub mod review;
pub mod stats;
pub mod template;
pub mod text;
pub mod version;
mod yaml;

pub use blueprint::{
    BlueprintContent, GuardrailConfig, MessageTemplate, ModelSettings, Role, VarType, VariableDecl,
};
pub use diff::{ContentDiff, DiffLine, DiffOp, DiffSegment, FieldChange, TemplateDiff};
pub use label::Label;
pub use template::{RenderedMessage, TemplateIssue, TemplateReport};
