//! Environment labels: movable pointers to versions.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    Dev,
    Staging,
    Prod,
}

impl Label {
    pub const ALL: [Label; 3] = [Label::Dev, Label::Staging, Label::Prod];

    pub fn as_str(self) -> &'static str {
        match self {
            Label::Dev => "dev",
            Label::Staging => "staging",
            Label::Prod => "prod",
        }
    }
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Label {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "dev" => Ok(Label::Dev),
            "staging" => Ok(Label::Staging),
            "prod" => Ok(Label::Prod),
            other => Err(format!("unknown label `{other}`: use dev, staging or prod")),
        }
    }
}

/// Whether moving `label` from `from` to `to` is a promotion or a rollback, for the history.
pub fn move_kind(from: Option<u32>, to: u32) -> &'static str {
    match from {
        None => "set",
        Some(f) if to > f => "promote",
        Some(f) if to < f => "rollback",
        Some(_) => "unchanged",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_parse_and_print() {
        assert_eq!("Prod".parse::<Label>().unwrap(), Label::Prod);
        assert_eq!(Label::Staging.to_string(), "staging");
        assert_eq!(
            "qa".parse::<Label>().unwrap_err(),
            "unknown label `qa`: use dev, staging or prod"
        );
    }

    #[test]
    fn moves_are_classified() {
        assert_eq!(move_kind(None, 1), "set");
        assert_eq!(move_kind(Some(1), 2), "promote");
        assert_eq!(move_kind(Some(3), 1), "rollback");
        assert_eq!(move_kind(Some(2), 2), "unchanged");
    }
}
