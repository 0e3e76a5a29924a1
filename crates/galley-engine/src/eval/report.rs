//! The reports of an evaluation, for CI: JUnit XML (test runners and CI dashboards), JSON (the
//! summary with every verdict) and Markdown (a pull-request comment).

use std::collections::HashMap;
use std::fmt::Write as _;

use galley_core::stats::Interval;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::model::{CellScore, EvalSummary};
use crate::runs::{CellKey, CellStatus, RunDetail, RunRef};
use crate::{Engine, EngineError};

/// Which report files to write (absolute paths); each is optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EvalReportReq {
    pub run_id: String,
    #[serde(default)]
    #[ts(optional)]
    pub junit: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub json: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub markdown: Option<String>,
}

/// The files written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EvalReportFiles {
    pub written: Vec<String>,
}

impl Engine {
    /// Writes the reports asked for.
    pub async fn eval_report(&self, req: EvalReportReq) -> Result<EvalReportFiles, EngineError> {
        Ok(self.eval_summary_and_report(req).await?.1)
    }

    /// The run's summary, and the reports asked for written from that same summary: the run and
    /// its verdicts are read once and the bootstrap intervals computed once (what `galley eval`
    /// prints and what it writes agree by construction).
    pub async fn eval_summary_and_report(
        &self,
        req: EvalReportReq,
    ) -> Result<(EvalSummary, EvalReportFiles), EngineError> {
        let detail = self
            .runs_get(RunRef {
                run_id: req.run_id.clone(),
            })
            .await?;
        let scores = self.stored_scores(&req.run_id).await?;
        let summary = super::summary::summarize(&detail, &scores);
        let mut written = Vec::new();
        if let Some(path) = &req.junit {
            let text = junit(&summary, &detail, &scores, &hostname());
            written.push(crate::files::write_atomic(path, text.as_bytes())?);
        }
        if let Some(path) = &req.json {
            let text = json(&summary, &scores);
            written.push(crate::files::write_atomic(path, text.as_bytes())?);
        }
        if let Some(path) = &req.markdown {
            let text = markdown(&summary, &detail, &scores);
            written.push(crate::files::write_atomic(path, text.as_bytes())?);
        }
        let files = EvalReportFiles {
            written: written.iter().map(|p| p.display().to_string()).collect(),
        };
        Ok((summary, files))
    }
}

/// The summary and every verdict, as one JSON document.
pub fn json(summary: &EvalSummary, scores: &[CellScore]) -> String {
    let doc = serde_json::json!({
        "format": "galley-eval/1",
        "summary": summary,
        "scores": scores,
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("report serialises");
    text.push('\n');
    text
}

/// JUnit XML: one test suite per variant; one test case per threshold and per case (a case
/// fails when one of its cells fails an evaluator, errs when its model call or a verdict failed).
pub fn junit(
    summary: &EvalSummary,
    detail: &RunDetail,
    scores: &[CellScore],
    hostname: &str,
) -> String {
    let suites = junit_suites(summary, detail, scores, hostname, &SuiteNaming::default());
    junit_document(&suites)
}

/// The `<testsuites>` document around suites.
pub(super) fn junit_document(suites: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n{suites}</testsuites>\n")
}

/// How a run's suites are told apart from other runs' in one JUnit file.
#[derive(Debug, Default)]
pub(super) struct SuiteNaming {
    /// Put before each suite's name (e.g. the blueprint's name and `: `).
    pub prefix: String,
    /// Added to each suite's id (the suites written before).
    pub first_id: u32,
}

/// The `<testsuite>` elements of one run, one per variant (see [`junit`]).
pub(super) fn junit_suites(
    summary: &EvalSummary,
    detail: &RunDetail,
    scores: &[CellScore],
    hostname: &str,
    naming: &SuiteNaming,
) -> String {
    let spec = &detail.spec;
    let mut by_cell: HashMap<CellKey, Vec<&CellScore>> = HashMap::new();
    for s in scores {
        by_cell.entry(s.key).or_default().push(s);
    }
    let timestamp = junit_timestamp(&detail.summary.created_at);
    let mut suites = String::new();
    for v in &summary.variants {
        let class = format!("galley.{}.v{}", spec.blueprint_name, v.version);
        let mut cases = String::new();
        let (mut tests, mut failures, mut errors) = (0u32, 0u32, 0u32);
        let mut time_ms = 0u64;
        for g in &v.gate {
            tests += 1;
            let _ = write!(
                cases,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"0\">",
                attr(&format!("threshold: {}", g.name)),
                attr(&format!("{class}.thresholds"))
            );
            if g.pass {
                cases.push_str("</testcase>\n");
            } else {
                failures += 1;
                let _ = write!(
                    cases,
                    "\n      <failure message=\"{}\" type=\"threshold\">{}</failure>\n    </testcase>\n",
                    attr(&g.message),
                    text(&g.message)
                );
            }
        }
        for (i, input) in spec.inputs.iter().enumerate() {
            let mut problems: Vec<(bool, String)> = Vec::new(); // (is_error, message)
            let mut case_ms = 0u64;
            let mut any = false;
            for r in 0..spec.repeats {
                let key = CellKey {
                    column: v.column,
                    input: i as u32,
                    repeat: r,
                };
                let Some(cell) = detail.cells.iter().find(|c| c.key == key) else {
                    continue;
                };
                any = true;
                case_ms += cell.latency_ms.unwrap_or(0);
                let rep = if spec.repeats > 1 {
                    format!("repeat {}: ", r + 1)
                } else {
                    String::new()
                };
                if cell.status != CellStatus::Ok {
                    let why = cell
                        .error
                        .as_ref()
                        .map_or("the call failed".to_string(), |e| e.message.clone());
                    problems.push((true, format!("{rep}model call: {why}")));
                    continue;
                }
                for s in by_cell.get(&key).map(Vec::as_slice).unwrap_or(&[]) {
                    match s.pass {
                        None => {
                            problems.push((true, format!("{rep}{}: {}", s.evaluator, s.reason)))
                        }
                        Some(false) => {
                            problems.push((false, format!("{rep}{}: {}", s.evaluator, s.reason)))
                        }
                        Some(true) => {}
                    }
                }
            }
            if !any {
                continue;
            }
            tests += 1;
            time_ms += case_ms;
            let name = format!("case {}: {}", i + 1, shorten(&input.title(i), 80));
            let _ = write!(
                cases,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\">",
                attr(&name),
                attr(&class),
                seconds(case_ms)
            );
            if problems.is_empty() {
                cases.push_str("</testcase>\n");
                continue;
            }
            let is_error = problems.iter().any(|p| p.0);
            let body: Vec<&str> = problems.iter().map(|p| p.1.as_str()).collect();
            let (tag, kind) = if is_error {
                errors += 1;
                ("error", "error")
            } else {
                failures += 1;
                ("failure", "assertion")
            };
            let _ = write!(
                cases,
                "\n      <{tag} message=\"{}\" type=\"{kind}\">{}</{tag}>\n    </testcase>\n",
                attr(&shorten(body[0], 200)),
                text(&body.join("\n"))
            );
        }
        let _ = write!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" \
             time=\"{}\" timestamp=\"{timestamp}\" hostname=\"{}\" id=\"{}\" package=\"{}\">\n    \
             <properties>\n      <property name=\"run\" value=\"{}\"/>\n      \
             <property name=\"model\" value=\"{}\"/>\n      <property name=\"version\" value=\"{}\"/>\n{}    \
             </properties>\n{cases}    <system-out></system-out>\n    <system-err></system-err>\n  </testsuite>\n",
            attr(&format!("{}{}", naming.prefix, v.label)),
            seconds(time_ms),
            attr(hostname),
            naming.first_id + v.column,
            attr(&format!("galley.{}", spec.blueprint_name)),
            attr(&summary.run_id),
            attr(&v.model),
            v.version,
            summary.dataset.as_ref().map_or(String::new(), |d| format!(
                "      <property name=\"dataset\" value=\"{}\"/>\n",
                attr(d)
            )),
        );
    }
    suites
}

/// A Markdown summary for a pull request: the verdict first, then a table per variant.
pub fn markdown(summary: &EvalSummary, detail: &RunDetail, scores: &[CellScore]) -> String {
    let mut out = String::new();
    let verdict = if summary.gate_pass {
        "✅ every threshold holds"
    } else {
        "❌ a threshold fails"
    };
    let _ = writeln!(
        out,
        "## Galley eval: {} — {verdict}\n",
        md(&summary.blueprint_name)
    );
    let _ = writeln!(
        out,
        "{} cases{} × {} repeat{}, run `{}`.\n",
        summary.cases,
        summary
            .dataset
            .as_ref()
            .map_or(String::new(), |d| format!(" from {}", md(d))),
        summary.repeats,
        if summary.repeats == 1 { "" } else { "s" },
        summary.run_id
    );
    out.push_str("| variant | pass rate (95% CI) | mean score (95% CI) | cost / case | p95 latency | gate |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for v in &summary.variants {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            md(&v.label),
            pct(v.pass_rate.as_ref()),
            num(v.mean_score.as_ref()),
            v.cost_per_case_usd
                .map_or("—".into(), |c| format!("${c:.6}")),
            v.p95_latency_ms
                .map_or("—".into(), |l| format!("{l:.0} ms")),
            if v.gate.is_empty() {
                "no thresholds"
            } else if v.gate_pass {
                "✅"
            } else {
                "❌"
            }
        );
    }
    for v in summary.variants.iter().filter(|v| !v.gate.is_empty()) {
        let _ = writeln!(out, "\n**{}** thresholds:\n", md(&v.label));
        for g in &v.gate {
            let _ = writeln!(
                out,
                "- {} {}",
                if g.pass { "✅" } else { "❌" },
                md(&g.message)
            );
        }
    }
    if !summary.comparisons.is_empty() {
        out.push_str("\n| comparison | pairs | mean difference (95% CI) | better / worse / same | Wilcoxon p | sign test p |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for c in &summary.comparisons {
            let _ = writeln!(
                out,
                "| {} vs {}{} | {} | {} | {} / {} / {} | {} | {} |",
                md(&c.a_label),
                md(&c.b_label),
                if c.significant {
                    " **(significant)**"
                } else {
                    ""
                },
                c.pairs,
                signed(c.difference.as_ref()),
                c.a_better,
                c.b_better,
                c.ties,
                c.wilcoxon_p.map_or("—".into(), |p| format!("{p:.4}")),
                c.sign_test_p.map_or("—".into(), |p| format!("{p:.4}")),
            );
        }
    }
    let failing: Vec<&CellScore> = scores.iter().filter(|s| s.pass != Some(true)).collect();
    if !failing.is_empty() {
        let _ = writeln!(
            out,
            "\n<details><summary>{} failed or missing verdicts</summary>\n",
            failing.len()
        );
        for s in failing.iter().take(20) {
            let column = &detail.spec.columns[s.key.column as usize];
            let _ = writeln!(
                out,
                "- case {} on {}: {} — {}",
                s.key.input + 1,
                md(&column.label()),
                md(&s.evaluator),
                md(&shorten(&s.reason, 160))
            );
        }
        if failing.len() > 20 {
            let _ = writeln!(out, "- and {} more", failing.len() - 20);
        }
        out.push_str("\n</details>\n");
    }
    out
}

fn pct(i: Option<&Interval>) -> String {
    i.map_or("—".into(), |i| {
        format!(
            "{:.1}% ({:.1}–{:.1}%)",
            i.estimate * 100.0,
            i.low * 100.0,
            i.high * 100.0
        )
    })
}

fn num(i: Option<&Interval>) -> String {
    i.map_or("—".into(), |i| {
        format!("{:.3} ({:.3}–{:.3})", i.estimate, i.low, i.high)
    })
}

fn signed(i: Option<&Interval>) -> String {
    i.map_or("—".into(), |i| {
        format!("{:+.3} ({:+.3} to {:+.3})", i.estimate, i.low, i.high)
    })
}

/// Markdown-safe text: no HTML, no table breaks, no emphasis by accident.
pub(super) fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// XML attribute text.
pub(super) fn attr(s: &str) -> String {
    text(s).replace('"', "&quot;").replace('\n', "&#10;")
}

/// XML character data, without the characters XML 1.0 forbids.
pub(super) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn shorten(s: &str, max: usize) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let cut: String = one_line.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

fn seconds(ms: u64) -> String {
    format!("{:.3}", ms as f64 / 1000.0)
}

/// JUnit's timestamp: ISO 8601 without a time zone (`2026-11-27T15:04:05`), from RFC 3339 UTC.
pub(super) fn junit_timestamp(rfc3339: &str) -> String {
    rfc3339.chars().take(19).collect()
}

pub(super) fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_and_markdown_text_are_escaped() {
        assert_eq!(attr("a<b & \"c\"\n"), "a&lt;b &amp; &quot;c&quot;&#10;");
        assert_eq!(text("bell\u{7}"), "bell\u{FFFD}");
        assert_eq!(
            md("<img onerror=x> | *b*"),
            "\\<img onerror=x\\> \\| \\*b\\*"
        );
        assert_eq!(
            junit_timestamp("2026-11-27T15:04:05.123Z"),
            "2026-11-27T15:04:05"
        );
        assert_eq!(shorten("a  b\nc", 10), "a b c");
        assert_eq!(shorten("abcdefghijk", 5), "abcd…");
    }
}
