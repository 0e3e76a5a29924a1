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
    /// Run a blueprint's versions on models for inputs, into the run history.
    Run(RunCmd),
    /// The run history: list, resume, export.
    Runs {
        #[command(subcommand)]
        cmd: RunsCmd,
    },
    /// Evaluate a blueprint version on a dataset: the CI quality gate. Exit 0 when every
    /// threshold holds, 1 when one fails, 2 on an error.
    Eval(EvalCmd),
    /// Datasets of reference cases: list, import, export.
    Datasets {
        #[command(subcommand)]
        cmd: DatasetsCmd,
    },
    /// Write blueprints (every version, their labels) as YAML files into a folder, e.g. the
    /// team's git checkout: `blueprints/NAME.galley.yaml` and the format's JSON Schema.
    Export {
        /// The folder, e.g. the root of the team's git checkout (`--to` is an alias).
        #[arg(long = "repo", visible_alias = "to", value_name = "DIR")]
        to: PathBuf,
        /// The file format: galley (every version and label, the default), or a neighbouring
        /// tool's, holding the version at --label (else the latest): prompt-yml
        /// (prompts/NAME.prompt.yml), prompty (prompts/NAME.prompty), promptfoo
        /// (promptfoo/NAME/promptfooconfig.yaml) or bedrock (bedrock/NAME.json, a CreatePrompt
        /// request). What a format cannot carry is printed as a note.
        #[arg(long, value_name = "FORMAT", default_value = "galley")]
        format: String,
        /// Only blueprints with this label: dev, staging or prod.
        #[arg(long)]
        label: Option<String>,
        /// Also write each dataset's latest version as datasets/NAME.csv.
        #[arg(long)]
        datasets: bool,
        /// Write the datasets as csv (the default) or jsonl (Galley's JSON Lines, which keep a
        /// missing value apart from an empty one); implies --datasets.
        #[arg(long = "datasets-format", value_name = "FORMAT")]
        datasets_format: Option<String>,
        /// Also write the CI workflow .github/workflows/galley-eval.yml.
        #[arg(long)]
        workflow: bool,
        /// Commit the written files with git, with this message.
        #[arg(long, value_name = "MESSAGE")]
        commit: Option<String>,
        /// Switch to this branch first (created from the current commit when missing).
        #[arg(long, value_name = "NAME")]
        branch: Option<String>,
        /// Run `git init` in the folder first (refused when it is already in a repository).
        #[arg(long)]
        init: bool,
        /// Say what would be written, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Read blueprint files (a folder or one file) into the data folder. One file of another
    /// tool (.prompt.yml, .prompty, a Bedrock prompt .json) is imported as a new blueprint, or
    /// as a new version of the blueprint of its name when its content differs. Exit 1 when a file was
    /// refused: a broken file, or a history that diverged from Galley's and has no --resolve.
    Import {
        path: PathBuf,
        /// Say what would happen, change nothing.
        #[arg(long)]
        dry_run: bool,
        /// What to do with a file whose history diverged: FILE=keep (Galley's history, the
        /// default), FILE=copy (import it as a new blueprint "NAME (from FILE)") or FILE=theirs
        /// (add the file's versions after Galley's). FILE is the file's name or path; repeatable.
        #[arg(long = "resolve", value_name = "FILE=CHOICE")]
        resolve: Vec<String>,
    },
    /// Human reviews: make one from a run, hand out its pack, merge ratings, read results.
    Reviews {
        #[command(subcommand)]
        cmd: ReviewsCmd,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReviewsCmd {
    /// List the reviews in the data folder.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Make a blind review of a run's answers.
    Create {
        /// The run's id.
        run_id: String,
        #[arg(long)]
        title: String,
        /// single, pairwise or rank.
        #[arg(long, default_value = "pairwise")]
        kind: String,
        /// Run columns to rate, counted from 1 (`--columns 1,2`).
        #[arg(long, value_delimiter = ',', required = true)]
        columns: Vec<u32>,
        /// A metric, `NAME:METHOD` with METHOD one of thumbs, likert, comparison-likert, choice,
        /// rank (repeatable; default `overall:choice`).
        #[arg(long = "metric", value_name = "NAME:METHOD")]
        metrics: Vec<String>,
        /// Shown to raters before the first item.
        #[arg(long, default_value = "")]
        instructions: String,
        /// Rate a random sample of this many items.
        #[arg(long)]
        max_items: Option<u32>,
    },
    /// Write the pack raters import (items and instructions, no model or version names).
    Pack {
        /// The review's id or title.
        review: String,
        /// Where to write it.
        file: PathBuf,
    },
    /// Merge raters' ratings files. Differing ratings are listed and kept as they were unless
    /// --replace is given. Exit 1 when conflicts were left.
    Merge {
        review: String,
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        replace: bool,
    },
    /// Print the results; `--csv FILE` also writes every rating.
    Results {
        review: String,
        #[arg(long)]
        csv: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
pub struct EvalCmd {
    /// The blueprint: its name in the data folder, or a blueprint file (`NAME.galley.yaml`,
    /// imported into the data folder first); or an exported repository folder (or its
    /// `blueprints/` folder): every blueprint with a dataset of the same name
    /// (`datasets/NAME.csv` or `.jsonl`) is evaluated, after the folder is imported.
    pub path: String,
    /// A version to evaluate (repeatable; default: the latest, or the label's). Not with a
    /// folder.
    #[arg(long = "version", value_name = "N")]
    pub versions: Vec<u32>,
    /// Evaluate the version this label points at: dev, staging or prod. With a folder, a
    /// blueprint without the label is skipped.
    #[arg(long)]
    pub label: Option<String>,
    /// Models, comma-separated or repeated (default: each version's own model).
    #[arg(long = "models", value_name = "MODELS")]
    pub models: Vec<String>,
    /// The cases: a dataset (`NAME` or `NAME@VERSION`) or a CSV / JSONL file. With a folder,
    /// used for every blueprint instead of the datasets of the same name.
    #[arg(long, value_name = "DATASET")]
    pub dataset: Option<String>,
    /// Times each case runs on each model.
    #[arg(long, default_value_t = 1)]
    pub repeats: u32,
    /// Calls at once per provider.
    #[arg(long)]
    pub concurrency: Option<u32>,
    /// Call the models even when the cache has the answer.
    #[arg(long)]
    pub no_cache: bool,
    /// Write a JUnit XML report here (with a folder: one file, suites per blueprint).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write the summary and every verdict as JSON here.
    #[arg(long = "report-json", value_name = "FILE")]
    pub report_json: Option<PathBuf>,
    /// Write a Markdown report (for a pull-request comment) here.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum DatasetsCmd {
    /// List datasets with their latest version.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Import a CSV or JSONL file (Bedrock's evaluation format included) as a new dataset, or
    /// as the next version of one (--into).
    Import {
        file: PathBuf,
        /// The new dataset's name (default: the file's name).
        #[arg(long, conflicts_with = "into")]
        name: Option<String>,
        /// Add a version to this dataset.
        #[arg(long)]
        into: Option<String>,
        /// csv, jsonl or bedrock-jsonl (default: from the file).
        #[arg(long)]
        format: Option<String>,
    },
    /// Write a dataset version to stdout.
    Export {
        name: String,
        #[arg(long)]
        version: Option<u32>,
        /// csv, jsonl or bedrock-jsonl.
        #[arg(long, default_value = "csv")]
        format: String,
    },
}

#[derive(Args, Debug)]
pub struct RunCmd {
    /// Blueprint name (case-insensitive).
    pub blueprint: String,
    /// A version to run (repeatable; default: the latest).
    #[arg(long = "version", value_name = "N")]
    pub versions: Vec<u32>,
    /// Also run the version this label points at: dev, staging or prod.
    #[arg(long)]
    pub label: Option<String>,
    /// Models, comma-separated or repeated: `local:MODEL`, `bedrock:MODEL_ID`,
    /// `openai:ENDPOINT/MODEL` (default: each version's own model).
    #[arg(long = "models", value_name = "MODELS")]
    pub models: Vec<String>,
    /// A variable value, `name=value` (repeatable): one input.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Inputs from a JSONL file, one object of variable values per line.
    #[arg(long = "inputs", value_name = "FILE")]
    pub inputs: Option<PathBuf>,
    /// Times each cell runs.
    #[arg(long, default_value_t = 1)]
    pub repeats: u32,
    /// Calls at once per provider.
    #[arg(long)]
    pub concurrency: Option<u32>,
    /// Call the models even when the cache has the answer.
    #[arg(long)]
    pub no_cache: bool,
    /// Refuse to start when the run may cost more than this many US dollars.
    #[arg(long, value_name = "USD")]
    pub max_cost: Option<f64>,
    /// Print the run's summary as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum RunsCmd {
    /// List runs, newest first.
    List {
        /// Only runs of this blueprint.
        #[arg(long)]
        blueprint: Option<String>,
        /// Words to find in templates, inputs or outputs.
        #[arg(long)]
        search: Option<String>,
        /// Only runs on a model whose label contains this.
        #[arg(long)]
        model: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Run the cells a run is missing (after it was cancelled or killed).
    Resume {
        run_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Write a run's cells to stdout as CSV or JSONL.
    Export {
        run_id: String,
        #[arg(long, default_value = "csv")]
        format: String,
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
