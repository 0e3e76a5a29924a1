//! A YAML document as a tree of values with the line of each node, to say where a problem found
//! after parsing is, and to check the document against the JSON Schema.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_saphyr::Spanned;

/// A node and the 1-based line it starts on (0 when unknown).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Tree {
    pub line: u64,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
    Scalar(Value),
    Seq(Vec<Tree>),
    Map(Vec<(String, Tree)>),
}

/// One step of a path into a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Step {
    Key(String),
    Index(usize),
}

/// A path as people read it: `versions[2].content.messages[0]`.
pub(super) fn path_text(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

impl Tree {
    pub fn get(&self, key: &str) -> Option<&Tree> {
        match &self.kind {
            Kind::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The line of the deepest node of `path` that the document has.
    pub fn line_of(&self, path: &[Step]) -> Option<u64> {
        let mut node = self;
        for step in path {
            let next = match (step, &node.kind) {
                (Step::Key(k), Kind::Map(_)) => node.get(k),
                (Step::Index(i), Kind::Seq(items)) => items.get(*i),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        (node.line > 0).then_some(node.line)
    }

    /// The steps of a JSON pointer (`/versions/2/content`), resolved against this document so
    /// that a number is an index only where the node is a sequence.
    pub fn steps(&self, pointer: &str) -> Vec<Step> {
        let mut steps = Vec::new();
        let mut node = Some(self);
        for token in pointer.split('/').skip(1) {
            let token = token.replace("~1", "/").replace("~0", "~");
            match node.map(|n| &n.kind) {
                Some(Kind::Seq(items)) if token.parse::<usize>().is_ok() => {
                    let i: usize = token.parse().expect("checked");
                    node = items.get(i);
                    steps.push(Step::Index(i));
                }
                _ => {
                    node = node.and_then(|n| n.get(&token));
                    steps.push(Step::Key(token));
                }
            }
        }
        steps
    }

    pub fn to_json(&self) -> Value {
        match &self.kind {
            Kind::Scalar(v) => v.clone(),
            Kind::Seq(items) => Value::Array(items.iter().map(Tree::to_json).collect()),
            Kind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

impl<'de> Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<Kind>::deserialize(d)?;
        Ok(Tree {
            line: spanned.referenced.line(),
            kind: spanned.value,
        })
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(KindVisitor)
    }
}

struct KindVisitor;

fn scalar<E>(v: impl Into<Value>) -> Result<Kind, E> {
    Ok(Kind::Scalar(v.into()))
}

impl<'de> Visitor<'de> for KindVisitor {
    type Value = Kind;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_unit<E>(self) -> Result<Kind, E> {
        scalar(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Kind, E> {
        scalar(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Kind, D::Error> {
        Kind::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Kind, E> {
        scalar(v)
    }
    fn visit_i64<E>(self, v: i64) -> Result<Kind, E> {
        scalar(v)
    }
    fn visit_u64<E>(self, v: u64) -> Result<Kind, E> {
        scalar(v)
    }
    fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Kind, E> {
        // Out of the range of JSON numbers: kept as a float, as a JSON reader would.
        scalar(v as f64)
    }
    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Kind, E> {
        scalar(v as f64)
    }
    fn visit_f64<E>(self, v: f64) -> Result<Kind, E> {
        // JSON has no NaN or infinity; a string keeps the value visible to the schema.
        match serde_json::Number::from_f64(v) {
            Some(n) => scalar(n),
            None => scalar(crate::yaml::float_text(v)),
        }
    }
    fn visit_str<E>(self, v: &str) -> Result<Kind, E> {
        scalar(v)
    }
    fn visit_string<E>(self, v: String) -> Result<Kind, E> {
        scalar(v)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Kind, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Kind::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Kind, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Key>()? {
            entries.push((key.0, map.next_value()?));
        }
        Ok(Kind::Map(entries))
    }
}

/// A mapping key of any scalar type, as text (JSON keys are strings).
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E>(self, v: &str) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<Key, E> {
                Ok(Key("null".into()))
            }
        }
        d.deserialize_any(KeyVisitor)
    }
}
