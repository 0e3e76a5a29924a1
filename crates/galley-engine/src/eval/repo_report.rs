//! The reports of evaluating a whole repository (`galley eval DIR`): one file of each kind for
//! every blueprint in it. JUnit XML has the suites of every run (each named after its blueprint)
//! and a skipped suite per blueprint that was not evaluated; Markdown has a table of the
//! blueprints and then one section per run; JSON has one entry per blueprint.

use std::fmt::Write as _;

use super::model::{CellScore, EvalSummary};
use super::report::{self, SuiteNaming};
use super::summary::summarize;
use crate::runs::{RunDetail, RunRef};
use crate::{Engine, EngineError, EvalReportFiles};

/// One blueprint file of the repository, evaluated or not.
#[derive(Debug, Clone, Default)]
pub struct EvalRepoEntry {
    /// The file as the repository names it (`blueprints/capitals.galley.yaml`).
    pub file: String,
    /// The blueprint's name.
    pub blueprint: String,
    /// The evaluation run; none when the blueprint was not evaluated.
    pub run_id: Option<String>,
    /// Why it was not evaluated (`no datasets/capitals.csv`).
    pub note: String,
}

/// Which reports to write for a repository (absolute paths); each is optional.
#[derive(Debug, Clone, Default)]
pub struct EvalRepoReportReq {
    pub entries: Vec<EvalRepoEntry>,
    pub junit: Option<String>,
    pub json: Option<String>,
    pub markdown: Option<String>,
}

/// A run read once for every report.
struct Evaluated<'a> {
    entry: &'a EvalRepoEntry,
    summary: EvalSummary,
    detail: RunDetail,
    scores: Vec<CellScore>,
}

impl Engine {
    /// Writes the reports of a repository's evaluation: every run's summary is computed as
    /// `galley eval` prints it (the bootstrap is seeded by the run, so the numbers agree).
    pub async fn eval_repo_report(
        &self,
        req: EvalRepoReportReq,
    ) -> Result<EvalReportFiles, EngineError> {
        let mut runs = Vec::new();
        for entry in &req.entries {
            let Some(run_id) = &entry.run_id else {
                continue;
            };
            let detail = self
                .runs_get(RunRef {
                    run_id: run_id.clone(),
                })
                .await?;
            let scores = self.stored_scores(run_id).await?;
            let summary = summarize(&detail, &scores);
            runs.push(Evaluated {
                entry,
                summary,
                detail,
                scores,
            });
        }
        let mut written = Vec::new();
        if let Some(path) = &req.junit {
            let text = junit(&req.entries, &runs, &report::hostname());
            written.push(crate::files::write_atomic(path, text.as_bytes())?);
        }
        if let Some(path) = &req.json {
            let text = json(&req.entries, &runs);
            written.push(crate::files::write_atomic(path, text.as_bytes())?);
        }
        if let Some(path) = &req.markdown {
            let text = markdown(&req.entries, &runs);
            written.push(crate::files::write_atomic(path, text.as_bytes())?);
        }
        Ok(EvalReportFiles {
            written: written.iter().map(|p| p.display().to_string()).collect(),
        })
    }
}

fn run_of<'a, 'b>(runs: &'b [Evaluated<'a>], entry: &EvalRepoEntry) -> Option<&'b Evaluated<'a>> {
    runs.iter().find(|r| std::ptr::eq(r.entry, entry))
}

/// One JUnit document: each run's suites named `BLUEPRINT: VARIANT`, and for a blueprint not
/// evaluated a suite with one skipped test saying why.
fn junit(entries: &[EvalRepoEntry], runs: &[Evaluated<'_>], hostname: &str) -> String {
    let mut suites = String::new();
    let mut next_id = 0u32;
    for entry in entries {
        match run_of(runs, entry) {
            Some(r) => {
                let naming = SuiteNaming {
                    prefix: format!("{}: ", entry.blueprint),
                    first_id: next_id,
                };
                suites.push_str(&report::junit_suites(
                    &r.summary, &r.detail, &r.scores, hostname, &naming,
                ));
                next_id += u32::try_from(r.summary.variants.len()).unwrap_or(u32::MAX);
            }
            None => {
                let _ = write!(
                    suites,
                    "  <testsuite name=\"{name}\" tests=\"1\" failures=\"0\" errors=\"0\" \
                     skipped=\"1\" time=\"0\" hostname=\"{host}\" id=\"{next_id}\" \
                     package=\"{package}\">\n    <testcase name=\"not evaluated\" \
                     classname=\"{package}\" time=\"0\">\n      <skipped message=\"{note}\"/>\n    \
                     </testcase>\n    <system-out></system-out>\n    <system-err></system-err>\n  \
                     </testsuite>\n",
                    name = report::attr(&entry.blueprint),
                    host = report::attr(hostname),
                    package = report::attr(&format!("galley.{}", entry.blueprint)),
                    note = report::attr(&format!("{}: {}", entry.file, entry.note)),
                );
                next_id += 1;
            }
        }
    }
    report::junit_document(&suites)
}

/// One JSON document with an entry per blueprint: its summary and every verdict, or why it was
/// not evaluated.
fn json(entries: &[EvalRepoEntry], runs: &[Evaluated<'_>]) -> String {
    let list: Vec<serde_json::Value> = entries
        .iter()
        .map(|entry| match run_of(runs, entry) {
            Some(r) => serde_json::json!({
                "file": entry.file,
                "blueprint": entry.blueprint,
                "evaluated": true,
                "summary": r.summary,
                "scores": r.scores,
            }),
            None => serde_json::json!({
                "file": entry.file,
                "blueprint": entry.blueprint,
                "evaluated": false,
                "note": entry.note,
            }),
        })
        .collect();
    let doc = serde_json::json!({
        "format": "galley-eval-repo/1",
        "gatePass": gate_pass(runs),
        "blueprints": list,
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("report serialises");
    text.push('\n');
    text
}

/// The verdict and a table of the blueprints, then each run's report as a section.
fn markdown(entries: &[EvalRepoEntry], runs: &[Evaluated<'_>]) -> String {
    let mut out = String::new();
    let verdict = if gate_pass(runs) {
        "✅ every threshold holds"
    } else {
        "❌ a threshold fails"
    };
    let _ = writeln!(
        out,
        "# Galley eval: {} of {} blueprint{} evaluated — {verdict}\n",
        runs.len(),
        entries.len(),
        if entries.len() == 1 { "" } else { "s" }
    );
    out.push_str("| blueprint | file | result |\n|---|---|---|\n");
    for entry in entries {
        let result = match run_of(runs, entry) {
            Some(r) if r.summary.gate_pass => "✅ pass".to_string(),
            Some(_) => "❌ fail".to_string(),
            None => format!("not evaluated: {}", report::md(&entry.note)),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {result} |",
            report::md(&entry.blueprint),
            report::md(&entry.file)
        );
    }
    for r in runs {
        out.push('\n');
        out.push_str(&report::markdown(&r.summary, &r.detail, &r.scores));
    }
    out
}

fn gate_pass(runs: &[Evaluated<'_>]) -> bool {
    runs.iter().all(|r| r.summary.gate_pass)
}
