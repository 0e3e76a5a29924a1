//! The file formats a dataset is imported from and exported to.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum DatasetFormat {
    /// A header row of variable names (and reserved columns), one case per row.
    Csv,
    /// Galley's JSON Lines: `{"values": {..}, "reference": .., ..}` per line.
    Jsonl,
    /// Bedrock's evaluation dataset: `{"prompt": .., "referenceResponse": .., ..}` per line.
    BedrockJsonl,
}

impl DatasetFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            DatasetFormat::Csv => "csv",
            DatasetFormat::Jsonl => "jsonl",
            DatasetFormat::BedrockJsonl => "bedrock-jsonl",
        }
    }

    /// The file extension to write, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            DatasetFormat::Csv => "csv",
            DatasetFormat::Jsonl | DatasetFormat::BedrockJsonl => "jsonl",
        }
    }

    /// The format a file name says (`.csv`, `.jsonl`, `.ndjson`, any case). JSON Lines come
    /// back as [`DatasetFormat::Jsonl`]: whether they are Bedrock's is told by [`detect`].
    pub fn from_file_name(name: &str) -> Option<Self> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(DatasetFormat::Csv),
            "jsonl" | "ndjson" => Some(DatasetFormat::Jsonl),
            _ => None,
        }
    }

    /// The format of a file from its name, refined by its text: Bedrock JSON Lines are told
    /// apart from Galley's by [`detect`]. Without a known extension, the text decides.
    pub fn guess(file_name: &str, text: &str) -> Self {
        match Self::from_file_name(file_name) {
            Some(DatasetFormat::Csv) => DatasetFormat::Csv,
            Some(_) if detect(text) == DatasetFormat::Csv => DatasetFormat::Jsonl,
            _ => detect(text),
        }
    }
}

impl std::fmt::Display for DatasetFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for DatasetFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "csv" => Ok(DatasetFormat::Csv),
            "jsonl" => Ok(DatasetFormat::Jsonl),
            "bedrock-jsonl" => Ok(DatasetFormat::BedrockJsonl),
            _ => Err(format!(
                "unknown dataset format `{s}`: use csv, jsonl or bedrock-jsonl"
            )),
        }
    }
}

/// The format of a file's text. Text whose first non-blank line starts with `{` is JSON Lines;
/// it is Bedrock's when that first object has a `prompt` key and no `values` or `vars` key.
/// Anything else is CSV.
pub fn detect(text: &str) -> DatasetFormat {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(first) = text.lines().map(str::trim).find(|l| !l.is_empty()) else {
        return DatasetFormat::Csv;
    };
    if !first.starts_with('{') {
        return DatasetFormat::Csv;
    }
    match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(first) {
        Ok(obj)
            if obj.contains_key("prompt")
                && !obj.contains_key("values")
                && !obj.contains_key("vars") =>
        {
            DatasetFormat::BedrockJsonl
        }
        _ => DatasetFormat::Jsonl,
    }
}
