//! Comparison runs: versions × models × inputs × repeats, streamed cell by cell, stored as they
//! finish, resumable, searchable, exportable and comparable.

mod cache;
mod diff;
mod exec;
mod export;
mod limiter;
mod model;
mod plan;
mod spec;

use std::collections::HashSet;

use tracing::instrument;

pub use diff::{ColumnRef, RunDiff, RunDiffRow, RunsDiffReq};
pub use exec::RunSink;
pub(crate) use exec::{limiter_for, pause};
pub use export::{RunExportFormat, RunsExportReq};
pub(crate) use limiter::Limiter;
pub use model::*;
pub use spec::{CellKey, ModelRef, RunColumn, RunDataset, RunInput, RunSpec};

use crate::{Engine, EngineError, ErrorCode};
pub(crate) use exec::cell_from_row;
use exec::cell_token_name;

impl Engine {
    /// Creates the run and runs every cell; events report progress. `source` is `app` or `cli`.
    #[instrument(skip_all)]
    pub async fn runs_start(
        &self,
        req: RunsStartReq,
        source: &str,
        sink: RunSink,
    ) -> Result<RunSummary, EngineError> {
        let spec = self.run_spec(req).await?;
        let requests = plan::requests(&spec)?;
        let id = ulid::Ulid::new().to_string();
        let spec_json = serde_json::to_value(&spec).expect("spec serialises");
        self.store
            .run_insert(&galley_store::RunInsert {
                id: &id,
                blueprint_id: &spec.blueprint_id,
                blueprint_name: &spec.blueprint_name,
                spec: &spec_json,
                cells_total: spec.cells_total(),
                source,
                pid: std::process::id(),
                now: &self.now(),
                search_text: &search_text(&spec),
            })
            .await?;
        let status = self
            .execute(&id, &spec, &requests, &HashSet::new(), sink)
            .await;
        self.end_run(&id, status).await
    }

    /// Runs the cells a run is missing (or that failed); finished cells are not run again.
    #[instrument(skip_all, fields(run_id = %req.run_id))]
    pub async fn runs_resume(&self, req: RunRef, sink: RunSink) -> Result<RunSummary, EngineError> {
        let row = self.store.run_get(&req.run_id).await?;
        if self.running.lock().await.contains_key(&req.run_id) || pid_alive(row.pid, &row.status) {
            return Err(EngineError::new(
                ErrorCode::Conflict,
                format!("run {} is still running", req.run_id),
            ));
        }
        let spec: RunSpec = serde_json::from_value(row.spec).map_err(|e| {
            EngineError::new(
                ErrorCode::Database,
                format!("run {} is unreadable: {e}", req.run_id),
            )
        })?;
        let requests = plan::requests(&spec)?;
        let done: HashSet<CellKey> = self
            .store
            .run_cells(&req.run_id)
            .await?
            .into_iter()
            .filter(|c| c.status == "ok")
            .map(|c| CellKey {
                column: c.column_index,
                input: c.input_index,
                repeat: c.repeat,
            })
            .collect();
        self.store
            .run_set_status(
                &req.run_id,
                "running",
                Some(std::process::id()),
                &self.now(),
            )
            .await?;
        let status = self
            .execute(&req.run_id, &spec, &requests, &done, sink)
            .await;
        self.end_run(&req.run_id, status).await
    }

    async fn end_run(
        &self,
        id: &str,
        status: Result<RunStatus, EngineError>,
    ) -> Result<RunSummary, EngineError> {
        let (stored, result) = match status {
            Ok(s) => (s, Ok(())),
            Err(e) => (RunStatus::Interrupted, Err(e)),
        };
        self.store
            .run_set_status(id, stored.as_str(), None, &self.now())
            .await?;
        result?;
        self.run_summary(id).await
    }

    /// Stops a whole run (its unfinished cells stay missing, for Resume) or one cell.
    pub async fn runs_cancel(&self, req: RunsCancelReq) -> bool {
        let name = match req.cell {
            Some(key) => cell_token_name(&req.run_id, key),
            None => req.run_id.clone(),
        };
        match self.running.lock().await.get(&name) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    /// Runs, newest first, filtered.
    #[instrument(skip_all)]
    pub async fn runs_list(&self, req: RunsListReq) -> Result<Vec<RunSummary>, EngineError> {
        let rows = self
            .store
            .runs_list(&galley_store::RunsQuery {
                blueprint_id: req.blueprint_id.clone(),
                text: req.text.clone(),
                since: req.since.clone(),
                until: req.until.clone(),
                limit: if req.model.is_some() || req.version.is_some() || req.label.is_some() {
                    0
                } else {
                    req.limit.unwrap_or(500)
                },
            })
            .await?;
        let mut out = Vec::new();
        for row in rows {
            let spec: Option<RunSpec> = serde_json::from_value(row.spec.clone()).ok();
            if let Some(spec) = &spec {
                if let Some(model) = req.model.as_deref().map(str::to_lowercase) {
                    if !spec
                        .columns
                        .iter()
                        .any(|c| c.model.label().to_lowercase().contains(&model))
                    {
                        continue;
                    }
                }
                if let Some(v) = req.version {
                    if !spec.columns.iter().any(|c| c.version == v) {
                        continue;
                    }
                }
                if let Some(label) = req.label {
                    let labelled = self.store.label_version(&row.blueprint_id, label).await?;
                    if !labelled.is_some_and(|v| spec.columns.iter().any(|c| c.version == v)) {
                        continue;
                    }
                }
            }
            out.push(self.summary_of(row, spec.as_ref()).await);
            if req.limit.is_some_and(|l| out.len() >= l as usize) {
                break;
            }
        }
        Ok(out)
    }

    /// A run with its spec and every stored cell.
    #[instrument(skip_all, fields(run_id = %req.run_id))]
    pub async fn runs_get(&self, req: RunRef) -> Result<RunDetail, EngineError> {
        let row = self.store.run_get(&req.run_id).await?;
        let spec: RunSpec = serde_json::from_value(row.spec.clone()).map_err(|e| {
            EngineError::new(
                ErrorCode::Database,
                format!("run {} is unreadable: {e}", req.run_id),
            )
        })?;
        let summary = self.summary_of(row, Some(&spec)).await;
        let cells = self
            .store
            .run_cells(&req.run_id)
            .await?
            .into_iter()
            .map(cell_from_row)
            .collect();
        Ok(RunDetail {
            summary,
            spec,
            cells,
        })
    }

    pub async fn runs_delete(&self, req: RunRef) -> Result<(), EngineError> {
        if self.running.lock().await.contains_key(&req.run_id) {
            return Err(EngineError::new(
                ErrorCode::Conflict,
                "the run is still running: cancel it first",
            ));
        }
        Ok(self.store.run_delete(&req.run_id).await?)
    }

    async fn run_summary(&self, id: &str) -> Result<RunSummary, EngineError> {
        let row = self.store.run_get(id).await?;
        let spec: Option<RunSpec> = serde_json::from_value(row.spec.clone()).ok();
        Ok(self.summary_of(row, spec.as_ref()).await)
    }

    async fn summary_of(&self, row: galley_store::RunRow, spec: Option<&RunSpec>) -> RunSummary {
        let status = match row.status.as_str() {
            "finished" => RunStatus::Finished,
            "cancelled" => RunStatus::Cancelled,
            "interrupted" => RunStatus::Interrupted,
            _ if self.running.lock().await.contains_key(&row.id) => RunStatus::Running,
            _ if pid_alive(row.pid, &row.status) && row.pid != Some(std::process::id()) => {
                RunStatus::Running
            }
            _ => RunStatus::Interrupted,
        };
        RunSummary {
            id: row.id,
            blueprint_id: row.blueprint_id,
            blueprint_name: row.blueprint_name,
            status,
            columns: spec
                .map(|s| s.columns.iter().map(RunColumn::label).collect())
                .unwrap_or_default(),
            inputs: spec.map_or(0, |s| s.inputs.len() as u32),
            repeats: spec.map_or(0, |s| s.repeats),
            cells_total: row.cells_total,
            cells_ok: row.cells_ok,
            cells_failed: row.cells_failed,
            cost_usd: row.cost_usd,
            source: row.source,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// Whether the process recorded as running a run is alive (Linux: `/proc/<pid>`); another
/// process's run in progress must not be resumed twice.
fn pid_alive(pid: Option<u32>, status: &str) -> bool {
    status == "running"
        && pid.is_some_and(|pid| {
            pid != std::process::id() && std::path::Path::new(&format!("/proc/{pid}")).exists()
        })
}

/// What search finds a run by: its templates and inputs (outputs are added as cells finish).
fn search_text(spec: &RunSpec) -> String {
    let mut parts = vec![spec.blueprint_name.clone()];
    for content in spec.versions.values() {
        for (_, text) in content.templates() {
            parts.push(text.to_string());
        }
    }
    for input in &spec.inputs {
        parts.extend(input.values.values().cloned());
        parts.extend(input.name.clone());
    }
    for c in &spec.columns {
        parts.push(c.model.label());
    }
    parts.join("\n")
}
