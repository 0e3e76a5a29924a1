//! A run as CSV (one row per cell, for spreadsheets) or JSONL (one JSON object per cell, with the
//! exact request).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::model::{RunCell, RunDetail, RunRef};
use crate::{Engine, EngineError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum RunExportFormat {
    Csv,
    Jsonl,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunsExportReq {
    pub run_id: String,
    pub format: RunExportFormat,
}

const CSV_HEADER: [&str; 18] = [
    "run_id",
    "version",
    "provider",
    "endpoint",
    "model_id",
    "input",
    "variables",
    "repeat",
    "status",
    "output",
    "stop_reason",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "ttft_ms",
    "latency_ms",
    "cost_usd",
    "cache_hit",
];

impl Engine {
    /// The run's cells as text in `format`.
    pub async fn runs_export(&self, req: RunsExportReq) -> Result<String, EngineError> {
        let detail = self
            .runs_get(RunRef {
                run_id: req.run_id.clone(),
            })
            .await?;
        Ok(match req.format {
            RunExportFormat::Csv => csv(&detail),
            RunExportFormat::Jsonl => jsonl(&detail),
        })
    }

    /// Writes the export to a file the user chose (through a temporary file, so a failure leaves
    /// no half-written file); returns the path.
    pub async fn runs_export_save(
        &self,
        req: super::model::RunsExportSaveReq,
    ) -> Result<String, EngineError> {
        let text = self
            .runs_export(RunsExportReq {
                run_id: req.run_id,
                format: req.format,
            })
            .await?;
        let path = crate::files::write_atomic(&req.path, text.as_bytes())?;
        Ok(path.display().to_string())
    }
}

fn fields(d: &RunDetail, cell: &RunCell) -> Vec<String> {
    let column = &d.spec.columns[cell.key.column as usize];
    let input = &d.spec.inputs[cell.key.input as usize];
    let num = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
    vec![
        d.summary.id.clone(),
        column.version.to_string(),
        column.model.provider.clone(),
        column.model.endpoint.clone().unwrap_or_default(),
        column.model.model_id.clone(),
        input.title(cell.key.input as usize),
        serde_json::to_string(&input.values).expect("values serialise"),
        (cell.key.repeat + 1).to_string(),
        cell.status.as_str().to_string(),
        cell.text.clone(),
        cell.stop_reason.clone().unwrap_or_default(),
        num(cell.usage.map(|u| u64::from(u.input_tokens))),
        num(cell.usage.map(|u| u64::from(u.output_tokens))),
        num(cell.usage.map(|u| u64::from(u.cache_read_tokens))),
        num(cell.ttft_ms),
        num(cell.latency_ms),
        cell.cost_usd.map(|c| format!("{c:.8}")).unwrap_or_default(),
        cell.cache_hit.to_string(),
    ]
}

/// RFC 4180: every field quoted when it holds a comma, quote or line break; quotes doubled.
/// A field that a spreadsheet would run as a formula is prefixed with `'`.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) && value.parse::<f64>().is_err() {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn csv(d: &RunDetail) -> String {
    let mut out = CSV_HEADER.join(",");
    out.push_str("\r\n");
    for cell in &d.cells {
        let row: Vec<String> = fields(d, cell).iter().map(|f| csv_field(f)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

fn jsonl(d: &RunDetail) -> String {
    let mut out = String::new();
    for cell in &d.cells {
        let column = &d.spec.columns[cell.key.column as usize];
        let input = &d.spec.inputs[cell.key.input as usize];
        let line = serde_json::json!({
            "runId": d.summary.id,
            "version": column.version,
            "model": column.model,
            "input": input,
            "repeat": cell.key.repeat + 1,
            "cell": cell,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\"\nbye"), "\"say \"\"hi\"\"\nbye\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-12.5"), "-12.5");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
    }
}
