//! The blueprint file: a blueprint with its whole history as one YAML file, for teams that keep
//! their prompts in a git repository.
//!
//! ```yaml
//! # yaml-language-server: $schema=../schemas/blueprint.schema.json
//! # Galley blueprint. Versions are history, each fingerprinted by its contentHash: to propose …
//! format: galley.blueprint
//! formatVersion: 1
//! name: Support reply
//! tags:
//!   - support
//! labels:
//!   dev: 2
//!   prod: 1
//! versions:
//!   - number: 1
//!     message: first draft
//!     author: ana@example.com
//!     createdAt: "2026-01-01T10:00:00Z"
//!     parent: null
//!     contentHash: 4f1c28533b42e97845f36ea34c81e10cce44ad4d8021f1c5e738d929dfaa2ad8
//!     content:
//!       system: |
//!         You answer support e-mails for ACME.
//!
//!         Rules:
//!           - be brief: two paragraphs at most
//!       messages:
//!         - role: user
//!           template: "{{ email }}"
//!       variables: []
//!       model:
//!         provider: local
//!         …
//!   - number: 2
//!     …
//! ```
//!
//! Writing ([`to_yaml`]) is deterministic: the same blueprint gives the same bytes, keys in a
//! fixed order (the file's, then each content's serde order, which is the order its hash is
//! computed over), multi-line text as block scalars, and anything YAML would read as another
//! type quoted. The writer is this module's own, so the format does not move with a library.
//!
//! Reading ([`from_yaml`], [`parse`]) checks, in this order: YAML syntax; that the file is a
//! Galley blueprint of a format version this build reads; the shape of every field (serde, with
//! the line); then what a shape cannot say: a valid name and tags, versions numbered 1..n,
//! parents that are earlier versions, labels that point at versions of the file, and each
//! version's `contentHash` against its content; last, the JSON Schema
//! (`schemas/blueprint.schema.json`), which catches the keys serde would silently drop, such
//! as a misspelt `temprature`.
//!
//! Edits. Versions are immutable history, fingerprinted by their `contentHash`. Changing the
//! content of the **latest** version by hand is how a file proposes a new version: strict
//! reading ([`from_yaml`], or [`parse`] with `allow_edited: false`) reports it as a problem of
//! kind [`ProblemKind::Edited`] (so a caller can ask before going on), and
//! `parse(text, true)` accepts it and names the version in [`ParsedFile::edited`], for the
//! engine to save that content as a new version. Its `contentHash` is returned as the file has
//! it, the hash of the version it was edited from. An edit to any earlier version is always an
//! error. Metadata (message, author, time) is not hashed: the engine compares it with its
//! store.

mod emit;
mod error;
mod read;
mod schema;
mod tree;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::blueprint::BlueprintContent;
use crate::label::Label;

pub use error::{FileError, FileProblem, ProblemKind};
pub use schema::SCHEMA_JSON;

/// The value of a blueprint file's `format` key.
pub const FORMAT: &str = "galley.blueprint";

/// The file format version this build writes, and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

/// A blueprint and its history, as exported to a file. The `format` and `formatVersion` keys are
/// written by [`to_yaml`] and checked by [`from_yaml`]; they are not kept here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BlueprintFile {
    pub name: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Where each environment label points.
    #[serde(default)]
    pub labels: BTreeMap<Label, u32>,
    /// Every version, by ascending number from 1.
    pub versions: Vec<FileVersion>,
}

/// One version of a blueprint file: the store's version metadata and its content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FileVersion {
    pub number: u32,
    pub message: String,
    pub author: String,
    /// RFC 3339 UTC, as the store has it.
    pub created_at: String,
    pub parent: Option<u32>,
    /// [`BlueprintContent::content_hash`] of `content` when the version was saved.
    pub content_hash: String,
    pub content: BlueprintContent,
}

/// A file read by [`parse`].
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFile {
    pub file: BlueprintFile,
    /// The latest version's number when its content was edited by hand (its `contentHash` no
    /// longer matches); only with `allow_edited`.
    pub edited: Option<u32>,
}

/// Writes a blueprint file: deterministic YAML ending with a newline, versions by ascending
/// number whatever their order in `file`. Nothing is checked: a file that breaks the rules of
/// the format is written as it is, and [`from_yaml`] says what is wrong with it.
///
/// `schema_path`, when given, is written as a `# yaml-language-server: $schema=…` comment so
/// that editors check and complete the file; it is the path of `blueprint.schema.json`
/// relative to the file (e.g. `../schemas/blueprint.schema.json`). A path with a line break
/// or another control character is left out.
pub fn to_yaml(file: &BlueprintFile, schema_path: Option<&str>) -> String {
    emit::document(file, schema_path)
}

/// Reads a blueprint file strictly: a version whose content no longer matches its
/// `contentHash` is an error.
pub fn from_yaml(text: &str) -> Result<BlueprintFile, FileError> {
    parse(text, false).map(|p| p.file)
}

/// Reads a blueprint file. With `allow_edited`, the latest version's content may differ from
/// its `contentHash`: it is reported in [`ParsedFile::edited`] instead of failing.
pub fn parse(text: &str, allow_edited: bool) -> Result<ParsedFile, FileError> {
    read::parse(text, allow_edited)
}
