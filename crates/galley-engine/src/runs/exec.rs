//! Running the cells of a run: bounded concurrency per provider that slows down on throttling,
//! retries of throttled calls, the response cache, cancellation of the run or of one cell, and
//! every finished cell written at once.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use galley_providers::{
    CancellationToken, ChatOutcome, ChatRequest, Provider, ProviderError, ProviderErrorCode,
    StreamEvent,
};
use galley_store::{CacheEntry, CellRow};
use tokio::task::JoinSet;

use super::limiter::Limiter;
use super::model::{CellStatus, RunCell, RunEvent, RunProgress, RunStatus};
use super::plan::Requests;
use super::spec::{CellKey, RunSpec, BYO_PROVIDER};
use crate::eval::{score_row, Scorer};
use crate::{Engine, EngineError};

/// Tries per cell when the provider throttles (after its own retries).
const MAX_TRIES: u32 = 8;
const FIRST_PAUSE: Duration = Duration::from_millis(250);
const MAX_PAUSE: Duration = Duration::from_secs(10);

/// Where run events go; shared by the cells running at once.
pub type RunSink = Arc<dyn Fn(RunEvent) + Send + Sync>;

/// One cell to run.
struct Job {
    key: CellKey,
    request: ChatRequest,
    cache_key: String,
    provider: Result<Arc<dyn Provider>, ProviderError>,
    limiter: Arc<Limiter>,
    is_local: bool,
    /// For a `dataset:MODEL` column: the case's own response, or why it has none.
    byo: Option<Result<String, String>>,
}

/// What the cells share.
struct Shared {
    engine: Engine,
    run_id: String,
    bypass_cache: bool,
    sink: RunSink,
    run_cancel: CancellationToken,
    done: AtomicU32,
    failed: AtomicU32,
    total: u32,
    started: Instant,
    already: u32,
    spec: Arc<RunSpec>,
    scorer: Option<Arc<Scorer>>,
}

impl Engine {
    /// Runs the cells of `spec` not in `done`, writing each as it finishes; returns how the run
    /// ended.
    pub(crate) async fn execute(
        &self,
        run_id: &str,
        spec: &RunSpec,
        requests: &Requests,
        done: &HashSet<CellKey>,
        sink: RunSink,
    ) -> Result<RunStatus, EngineError> {
        let run_cancel = CancellationToken::new();
        self.running
            .lock()
            .await
            .insert(run_id.to_string(), run_cancel.clone());

        let mut providers: HashMap<String, Result<Arc<dyn Provider>, ProviderError>> =
            HashMap::new();
        let mut limiters: HashMap<String, Arc<Limiter>> = HashMap::new();
        let mut jobs = Vec::new();
        for (c, column) in spec.columns.iter().enumerate() {
            let label = column.model.label();
            let byo_column = column.model.provider == BYO_PROVIDER;
            if byo_column {
                providers.entry(label.clone()).or_insert_with(|| {
                    Err(ProviderError::invalid_request(
                        "a dataset's responses are not a model to call",
                    ))
                });
            } else if !providers.contains_key(&label) {
                let p = self.provider_for(&column.settings).await;
                providers.insert(label.clone(), p);
            }
            let is_local = column.model.provider == "local";
            let limiter = limiter_for(&column.model, spec, &mut limiters);
            for i in 0..spec.inputs.len() as u32 {
                let request = &requests[&(c as u32, i)];
                for r in 0..spec.repeats {
                    let key = CellKey {
                        column: c as u32,
                        input: i,
                        repeat: r,
                    };
                    if done.contains(&key) {
                        continue;
                    }
                    jobs.push(Job {
                        key,
                        request: request.clone(),
                        cache_key: super::cache::key(column, request, r),
                        provider: providers[&label].clone(),
                        limiter: limiter.clone(),
                        is_local,
                        byo: byo_column.then(|| {
                            spec.inputs[i as usize]
                                .responses
                                .get(&column.model.model_id)
                                .cloned()
                                .ok_or_else(|| {
                                    format!(
                                        "case {} has no response of `{}` in the dataset",
                                        i + 1,
                                        column.model.model_id
                                    )
                                })
                        }),
                    });
                }
            }
        }
        // grid order: row by row
        jobs.sort_by_key(|j| (j.key.input, j.key.column, j.key.repeat));
        let scorer = if Scorer::needed(spec) {
            Some(Arc::new(self.scorer(spec, &mut limiters).await))
        } else {
            None
        };
        // cells stored before (a resumed run) that some evaluator has not scored yet
        let unscored = match &scorer {
            Some(_) if !done.is_empty() => self.unscored_cells(run_id, spec).await?,
            _ => Vec::new(),
        };

        let shared = Arc::new(Shared {
            engine: self.clone(),
            run_id: run_id.to_string(),
            bypass_cache: spec.bypass_cache,
            sink: sink.clone(),
            run_cancel: run_cancel.clone(),
            done: AtomicU32::new(0),
            failed: AtomicU32::new(0),
            total: spec.cells_total(),
            started: Instant::now(),
            already: done.len() as u32,
            spec: Arc::new(spec.clone()),
            scorer,
        });
        sink(RunEvent::Started {
            run_id: run_id.to_string(),
            pending: jobs.len() as u32,
        });
        let mut set = JoinSet::new();
        for cell in unscored {
            let shared = shared.clone();
            set.spawn(async move { score_and_store(&shared, &cell).await });
        }
        for job in jobs {
            let shared = shared.clone();
            set.spawn(async move { run_cell(shared, job).await });
        }
        let mut first_error = None;
        while let Some(joined) = set.join_next().await {
            match joined {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    // a cell that could not be stored: stop the run, keep what is stored
                    tracing::error!(error = %e, "a cell could not be stored");
                    run_cancel.cancel();
                    first_error.get_or_insert(e);
                }
                Err(e) => {
                    tracing::error!(error = %e, "a cell task failed");
                    first_error.get_or_insert(EngineError::new(
                        crate::ErrorCode::Internal,
                        format!("a cell stopped unexpectedly: {e}"),
                    ));
                }
            }
        }
        self.running.lock().await.remove(run_id);
        if let Some(e) = first_error {
            return Err(e);
        }
        Ok(if run_cancel.is_cancelled() {
            RunStatus::Cancelled
        } else {
            RunStatus::Finished
        })
    }
}

/// The limiter of the model's provider (of its endpoint, for `openai`): local models run one call
/// at a time (each uses every core), the others as many as the run's concurrency.
pub(crate) fn limiter_for(
    model: &super::spec::ModelRef,
    spec: &RunSpec,
    limiters: &mut HashMap<String, Arc<Limiter>>,
) -> Arc<Limiter> {
    let max = if model.provider == "local" {
        1
    } else {
        spec.concurrency as usize
    };
    limiters
        .entry(model.pool_key())
        .or_insert_with(|| Arc::new(Limiter::new(max)))
        .clone()
}

pub(crate) fn cell_token_name(run_id: &str, key: CellKey) -> String {
    format!("{run_id}/{}/{}/{}", key.column, key.input, key.repeat)
}

async fn run_cell(shared: Arc<Shared>, job: Job) -> Result<(), EngineError> {
    let engine = &shared.engine;
    let Some((cell, answer)) = compute(&shared, &job).await? else {
        return Ok(()); // cancelled before it started: stays missing, for Resume
    };
    if shared.run_cancel.is_cancelled() && cell.status == CellStatus::Cancelled {
        // the whole run was stopped: leave the cell missing so Resume runs it
        return Ok(());
    }
    let cache = answer.as_ref().map(|outcome| CacheEntry {
        key: &job.cache_key,
        outcome,
    });
    engine
        .store
        .cell_put(&shared.run_id, &cell_row(&cell), cache)
        .await?;
    let done = shared.done.fetch_add(1, Ordering::AcqRel) + 1;
    let failed = if cell.status == CellStatus::Ok {
        shared.failed.load(Ordering::Acquire)
    } else {
        shared.failed.fetch_add(1, Ordering::AcqRel) + 1
    };
    let ok = cell.status == CellStatus::Ok;
    (shared.sink)(RunEvent::CellFinished {
        cell: Box::new(cell.clone()),
    });
    if ok {
        score_and_store(&shared, &cell).await?;
    }
    let finished = shared.already + done;
    let left = shared.total.saturating_sub(finished);
    let elapsed = shared.started.elapsed().as_millis() as u64;
    let eta_ms = (done > 0).then(|| elapsed * u64::from(left) / u64::from(done));
    (shared.sink)(RunEvent::Progress(RunProgress {
        done: finished,
        failed,
        total: shared.total,
        eta_ms,
    }));
    Ok(())
}

/// Scores a stored cell with its version's evaluators, stores the verdicts and reports them.
/// Verdicts lost to the run being stopped are not stored: Resume gives them.
async fn score_and_store(shared: &Shared, cell: &RunCell) -> Result<(), EngineError> {
    let Some(scorer) = &shared.scorer else {
        return Ok(());
    };
    let engine = &shared.engine;
    let mut scores = engine
        .score_cell(scorer, &shared.spec, cell, &shared.run_cancel)
        .await;
    if shared.run_cancel.is_cancelled() {
        scores.retain(|s| !s.is_error());
    }
    if scores.is_empty() {
        return Ok(());
    }
    let now = engine.now();
    let rows: Vec<_> = scores.iter().map(|s| score_row(s, &now)).collect();
    engine.store.scores_put(&shared.run_id, &rows).await?;
    (shared.sink)(RunEvent::CellScored {
        key: cell.key,
        scores,
    });
    Ok(())
}

/// The cell: from the cache, or from the model with retries on throttling, with the model's
/// answer to cache; `None` when the run was cancelled before the cell started.
///
/// A slot of the provider's limiter is held for the model call only (its retries and their
/// pauses included): the cache look-up before it and the writes after it wait for the database,
/// and holding a slot meanwhile would leave calls unmade.
async fn compute(
    shared: &Shared,
    job: &Job,
) -> Result<Option<(RunCell, Option<serde_json::Value>)>, EngineError> {
    let engine = &shared.engine;
    if shared.run_cancel.is_cancelled() {
        return Ok(None);
    }
    if let Some(answer) = &job.byo {
        return Ok(Some((brought(engine, job, answer), None)));
    }
    if !shared.bypass_cache {
        if let Some(cached) = engine.store.cache_get(&job.cache_key).await? {
            if let Ok(outcome) = serde_json::from_value::<ChatOutcome>(cached) {
                return Ok(Some((
                    finished(engine, job, Ok(outcome), 0, true, None),
                    None,
                )));
            }
        }
    }
    let permit = tokio::select! {
        biased;
        _ = shared.run_cancel.cancelled() => None,
        p = job.limiter.acquire() => Some(p),
    };
    let Some(permit) = permit else {
        return Ok(None);
    };
    let cancel = shared.run_cancel.child_token();
    let token_name = cell_token_name(&shared.run_id, job.key);
    engine
        .running
        .lock()
        .await
        .insert(token_name.clone(), cancel.clone());
    let (result, tries) = call(shared, job, &cancel).await;
    engine.running.lock().await.remove(&token_name);
    job.limiter.release(permit);
    Ok(Some(match result {
        Ok(outcome) => {
            let answer = serde_json::to_value(&outcome).expect("outcome serialises");
            let cost = if job.is_local {
                Some(0.0)
            } else {
                engine
                    .prices()?
                    .cost_usd(&job.request.model_id, &outcome.usage)
            };
            (
                finished(engine, job, Ok(outcome), tries, false, cost),
                Some(answer),
            )
        }
        Err(e) => (finished(engine, job, Err(e), tries, false, None), None),
    }))
}

/// Calls the model, retrying throttled calls with growing pauses; the outcome and the tries.
async fn call(
    shared: &Shared,
    job: &Job,
    cancel: &CancellationToken,
) -> (Result<ChatOutcome, ProviderError>, u32) {
    let key = job.key;
    let provider = match &job.provider {
        Ok(p) => p.clone(),
        Err(e) => return (Err(e.clone()), 0),
    };
    let mut tries = 0;
    loop {
        tries += 1;
        (shared.sink)(RunEvent::CellStarted {
            key,
            attempt: tries,
        });
        let sink = shared.sink.clone();
        let mut on_event = move |e: StreamEvent| {
            if let StreamEvent::TextDelta(text) = e {
                sink(RunEvent::CellDelta { key, text });
            }
        };
        let result = provider.stream(&job.request, cancel, &mut on_event).await;
        match result {
            Err(e) if e.code == ProviderErrorCode::Throttled && tries < MAX_TRIES => {
                job.limiter.throttled();
                let pause = pause(tries, key);
                tracing::debug!(
                    ?key,
                    tries,
                    pause_ms = pause.as_millis() as u64,
                    "throttled; retrying"
                );
                tokio::select! {
                    _ = cancel.cancelled() => return (Err(ProviderError::cancelled("")), tries),
                    _ = tokio::time::sleep(pause) => {}
                }
            }
            Ok(outcome) => {
                job.limiter.succeeded();
                return (Ok(outcome), tries);
            }
            Err(e) => return (Err(e), tries),
        }
    }
}

/// Exponential pause with a little spread per cell, so that throttled cells do not all return at
/// the same moment.
pub(crate) fn pause(tries: u32, key: CellKey) -> Duration {
    let base = FIRST_PAUSE.saturating_mul(2u32.saturating_pow(tries.saturating_sub(1)));
    let spread = u64::from((key.column * 31 + key.input * 17 + key.repeat * 7 + tries * 13) % 100);
    (base + Duration::from_millis(spread * base.as_millis() as u64 / 400)).min(MAX_PAUSE)
}

/// A cell answered by the dataset's own response: no call, no cost, no timings.
fn brought(engine: &Engine, job: &Job, answer: &Result<String, String>) -> RunCell {
    match answer {
        Ok(text) => RunCell {
            key: job.key,
            status: CellStatus::Ok,
            text: text.clone(),
            stop_reason: None,
            usage: None,
            ttft_ms: None,
            latency_ms: None,
            cost_usd: Some(0.0),
            cache_hit: false,
            attempts: 0,
            error: None,
            request: job.request.clone(),
            finished_at: engine.now(),
        },
        Err(why) => finished(
            engine,
            job,
            Err(ProviderError::invalid_request(why.clone())),
            0,
            false,
            None,
        ),
    }
}

fn finished(
    engine: &Engine,
    job: &Job,
    result: Result<ChatOutcome, ProviderError>,
    attempts: u32,
    cache_hit: bool,
    cost_usd: Option<f64>,
) -> RunCell {
    let now = engine.now();
    match result {
        Ok(o) => RunCell {
            key: job.key,
            status: CellStatus::Ok,
            text: o.text,
            stop_reason: Some(o.stop_reason),
            usage: Some(o.usage),
            ttft_ms: o.ttft_ms,
            latency_ms: Some(o.latency_ms),
            cost_usd: if cache_hit { Some(0.0) } else { cost_usd },
            cache_hit,
            attempts,
            error: None,
            request: job.request.clone(),
            finished_at: now,
        },
        Err(e) => RunCell {
            key: job.key,
            status: if e.code == ProviderErrorCode::Cancelled {
                CellStatus::Cancelled
            } else {
                CellStatus::Error
            },
            text: e.partial_text.clone().unwrap_or_default(),
            stop_reason: None,
            usage: None,
            ttft_ms: None,
            latency_ms: None,
            cost_usd: None,
            cache_hit: false,
            attempts,
            error: Some(e),
            request: job.request.clone(),
            finished_at: now,
        },
    }
}

pub(crate) fn cell_row(cell: &RunCell) -> CellRow {
    CellRow {
        column_index: cell.key.column,
        input_index: cell.key.input,
        repeat: cell.key.repeat,
        status: cell.status.as_str().to_string(),
        text: cell.text.clone(),
        stop_reason: cell.stop_reason.clone(),
        input_tokens: cell.usage.map(|u| u.input_tokens),
        output_tokens: cell.usage.map(|u| u.output_tokens),
        cache_read_tokens: cell.usage.map(|u| u.cache_read_tokens),
        cache_write_tokens: cell.usage.map(|u| u.cache_write_tokens),
        ttft_ms: cell.ttft_ms,
        latency_ms: cell.latency_ms,
        cost_usd: cell.cost_usd,
        cache_hit: cell.cache_hit,
        attempts: cell.attempts,
        error: cell
            .error
            .as_ref()
            .map(|e| serde_json::to_value(e).expect("error serialises")),
        request: serde_json::to_value(&cell.request).expect("request serialises"),
        finished_at: cell.finished_at.clone(),
    }
}

pub(crate) fn cell_from_row(row: CellRow) -> RunCell {
    let usage = row.input_tokens.map(|input| galley_providers::Usage {
        input_tokens: input,
        output_tokens: row.output_tokens.unwrap_or(0),
        cache_read_tokens: row.cache_read_tokens.unwrap_or(0),
        cache_write_tokens: row.cache_write_tokens.unwrap_or(0),
    });
    RunCell {
        key: CellKey {
            column: row.column_index,
            input: row.input_index,
            repeat: row.repeat,
        },
        status: CellStatus::parse(&row.status),
        text: row.text,
        stop_reason: row.stop_reason,
        usage,
        ttft_ms: row.ttft_ms,
        latency_ms: row.latency_ms,
        cost_usd: row.cost_usd,
        cache_hit: row.cache_hit,
        attempts: row.attempts,
        error: row.error.and_then(|e| serde_json::from_value(e).ok()),
        request: serde_json::from_value(row.request)
            .unwrap_or_else(|_| ChatRequest::new("", Vec::new())),
        finished_at: row.finished_at,
    }
}
