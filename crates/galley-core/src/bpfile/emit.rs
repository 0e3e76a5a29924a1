//! The layout of blueprint files.
//!
//! The file is first serialised to JSON with serde, which gives the keys in the structs' serde
//! order and applies every `skip_serializing_if` exactly as the content hash sees them; that JSON
//! is read back into an ordered [`Node`] tree and written by the crate's YAML writer
//! ([`crate::yaml`]) in the blueprint [`STYLE`]: strings plain when no YAML reader (1.1 or 1.2)
//! could take them for anything else, as a literal block when they span lines (except as a
//! sequence item), and double-quoted otherwise.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Serialize;

use super::{BlueprintFile, FORMAT, FORMAT_VERSION};
use crate::yaml::{write_document, Escapes, Node, Plain, Style};

/// How blueprint files have always been written, so that a re-export gives the same bytes:
/// every safe string plain, YAML's short escapes, literal blocks with an indentation indicator
/// where one is needed, and multi-line sequence items double-quoted.
const STYLE: Style = Style {
    plain: Plain::Safe,
    escapes: Escapes::Yaml,
    indentation_indicator: true,
    blocks_in_sequences: false,
};

/// The file as written: the format keys first, then the blueprint.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    format: &'static str,
    format_version: u32,
    #[serde(flatten)]
    file: &'a BlueprintFile,
}

const HEADER: &str =
    "# Galley blueprint. Versions are history, each fingerprinted by its contentHash: \
to propose a new version, edit the content of the last one and import the file in Galley.\n";

pub(super) fn document(file: &BlueprintFile, schema_path: Option<&str>) -> String {
    // Versions by number whatever order they were given in (the store lists newest first).
    let sorted;
    let file = if file.versions.is_sorted_by_key(|v| v.number) {
        file
    } else {
        let mut copy = file.clone();
        copy.versions.sort_by_key(|v| v.number);
        sorted = copy;
        &sorted
    };
    let json = serde_json::to_string(&Document {
        format: FORMAT,
        format_version: FORMAT_VERSION,
        file,
    })
    .expect("a blueprint file always serialises");
    let node: Node = serde_json::from_str(&json).expect("serde_json reads what it wrote");
    let mut out = String::new();
    if let Some(path) =
        schema_path.filter(|p| !p.trim().is_empty() && !p.chars().any(char::is_control))
    {
        out.push_str("# yaml-language-server: $schema=");
        out.push_str(path.trim());
        out.push('\n');
    }
    out.push_str(HEADER);
    assert!(
        matches!(&node, Node::Map(m) if !m.is_empty()),
        "a document is a mapping, not {node:?}"
    );
    write_document(&mut out, &node, STYLE);
    out
}

/// Reads a JSON value into the YAML tree, keeping its mapping keys in the order they were
/// written.
impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Int(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Node>()? {
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }
}
