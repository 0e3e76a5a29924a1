//! Command-line arguments.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use galley_engine::core::Label;
use galley_engine::{EngineError, VersionSelector};

#[derive(Parser, Debug)]
#[command(
    name = "galley",
    version,
    about = "Galley: versioned prompt blueprints, from the command line."
)]
pub struct Cli {
    /// Data folder (default: $GALLEY_DATA_DIR, else the platform's app-data folder).
    #[arg(long, global = true, value_name = "PATH")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub cmd: Cmd,
}

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// List and inspect blueprints.
    Blueprints {
        #[command(subcommand)]
        cmd: BlueprintsCmd,
    },
    /// Render a blueprint version's messages with variable values.
    Render {
        /// Blueprint name (case-insensitive).
        name: String,
        #[command(flatten)]
        select: Select,
        /// A variable value, `name=value` (repeatable).
        #[arg(long = "var", value_name = "NAME=VALUE")]
        vars: Vec<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum BlueprintsCmd {
    /// List blueprints with their latest version and prod label.
    List {
        /// Only names or tags containing this text.
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show one version of a blueprint: templates, variables, model settings.
    Show {
        name: String,
        #[command(flatten)]
        select: Select,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
pub struct Select {
    /// Version number (default: the latest).
    #[arg(long, conflicts_with = "label")]
    pub version: Option<u32>,
    /// Label: dev, staging or prod.
    #[arg(long)]
    pub label: Option<String>,
}

impl Select {
    pub fn selector(&self) -> Result<VersionSelector, EngineError> {
        let label = match &self.label {
            Some(l) => Some(l.parse::<Label>().map_err(EngineError::invalid)?),
            None => None,
        };
        Ok(VersionSelector {
            version: self.version,
            label,
        })
    }
}

/// `k=v` pairs into a map; the first `=` splits, so values may contain `=`.
pub fn parse_vars(vars: &[String]) -> Result<BTreeMap<String, String>, EngineError> {
    let mut out = BTreeMap::new();
    for v in vars {
        let Some((k, val)) = v.split_once('=') else {
            return Err(EngineError::invalid(format!(
                "--var `{v}`: write it as name=value"
            )));
        };
        let k = k.trim();
        if k.is_empty() {
            return Err(EngineError::invalid(format!(
                "--var `{v}`: the name is empty"
            )));
        }
        if out.insert(k.to_string(), val.to_string()).is_some() {
            return Err(EngineError::invalid(format!("--var `{k}` is given twice")));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vars_split_on_the_first_equals() {
        let m = parse_vars(&["a=1".into(), "expr=x=y".into(), "empty=".into()]).unwrap();
        assert_eq!(m["a"], "1");
        assert_eq!(m["expr"], "x=y");
        assert_eq!(m["empty"], "");
        assert_eq!(
            parse_vars(&["novalue".into()]).unwrap_err().message,
            "--var `novalue`: write it as name=value"
        );
        assert!(parse_vars(&["a=1".into(), "a=2".into()]).is_err());
    }
}
