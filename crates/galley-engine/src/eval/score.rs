//! Scoring a finished cell: the deterministic checks at once, LLM judges through their model
//! (under the same per-provider limits as the run's own calls, with retries on throttling and the
//! response cache).

use std::collections::HashMap;
use std::sync::Arc;

use galley_core::eval::{self, CellFacts, Check, Evaluator, JudgeConfig, Verdict};
use galley_core::ModelSettings;
use galley_providers::{
    CancellationToken, ChatMessage, ChatOutcome, ChatRequest, Provider, ProviderError,
    ProviderErrorCode,
};
use galley_store::ScoreRow;
use sha2::{Digest, Sha256};

use super::model::{CellScore, JudgeDetail};
use crate::runs::{limiter_for, pause, CellKey, CellStatus, Limiter, ModelRef, RunCell, RunSpec};
use crate::Engine;

/// Tries of a judge call when the provider throttles.
const JUDGE_TRIES: u32 = 8;
/// A judge's answer is a short verdict.
const JUDGE_MAX_TOKENS: u32 = 1024;

/// A judge model ready to call.
struct JudgeModel {
    label: String,
    provider: Result<Arc<dyn Provider>, ProviderError>,
    limiter: Arc<Limiter>,
    settings: ModelSettings,
    is_local: bool,
}

/// Everything scoring the cells of one run needs, built once per run.
pub(crate) struct Scorer {
    judges: HashMap<String, JudgeModel>,
    /// The run bypasses the response cache: judges are asked again too.
    bypass_cache: bool,
}

impl Scorer {
    /// Whether any column of the run has evaluators.
    pub(crate) fn needed(spec: &RunSpec) -> bool {
        spec.columns
            .iter()
            .any(|c| !spec.versions[&c.version].evaluators.is_empty())
    }
}

impl Engine {
    /// The scorer of a run: a provider and a limiter per judge model (sharing the run's limiters
    /// when a judge runs where the cells run).
    pub(crate) async fn scorer(
        &self,
        spec: &RunSpec,
        limiters: &mut HashMap<String, Arc<Limiter>>,
    ) -> Scorer {
        let mut judges = HashMap::new();
        for column in &spec.columns {
            for ev in &spec.versions[&column.version].evaluators {
                let Check::Judge(cfg) = &ev.check else {
                    continue;
                };
                if judges.contains_key(&cfg.model) {
                    continue;
                }
                let Ok(model) = ModelRef::parse(&cfg.model) else {
                    continue; // reported per cell
                };
                let settings = judge_settings(&model);
                let provider = self.provider_for(&settings).await;
                let is_local = model.provider == "local";
                let limiter = limiter_for(&model, spec, limiters);
                judges.insert(
                    cfg.model.clone(),
                    JudgeModel {
                        label: model.label(),
                        provider,
                        limiter,
                        settings,
                        is_local,
                    },
                );
            }
        }
        Scorer {
            judges,
            bypass_cache: spec.bypass_cache,
        }
    }

    /// Every evaluator of the cell's version on the cell. A cell that failed is not scored.
    pub(crate) async fn score_cell(
        &self,
        scorer: &Scorer,
        spec: &RunSpec,
        cell: &RunCell,
        cancel: &CancellationToken,
    ) -> Vec<CellScore> {
        if cell.status != CellStatus::Ok {
            return Vec::new();
        }
        let column = &spec.columns[cell.key.column as usize];
        let input = &spec.inputs[cell.key.input as usize];
        let evaluators = &spec.versions[&column.version].evaluators;
        let facts = CellFacts {
            output: &cell.text,
            variables: &input.values,
            reference: input.reference.as_deref(),
            latency_ms: cell.latency_ms,
            cost_usd: cell.cost_usd,
            input_tokens: cell.usage.map(|u| u.input_tokens),
            output_tokens: cell.usage.map(|u| u.output_tokens),
        };
        let mut out = Vec::with_capacity(evaluators.len());
        for ev in evaluators {
            let score = match &ev.check {
                Check::Judge(cfg) => self.judge(scorer, cfg, ev, cell, &facts, cancel).await,
                other => match eval::check(other, &facts) {
                    Ok(v) => verdict_score(cell.key, ev, v, None),
                    Err(e) => error_score(cell.key, ev, e.to_string(), None),
                },
            };
            out.push(score);
        }
        out
    }

    async fn judge(
        &self,
        scorer: &Scorer,
        cfg: &JudgeConfig,
        ev: &Evaluator,
        cell: &RunCell,
        facts: &CellFacts<'_>,
        cancel: &CancellationToken,
    ) -> CellScore {
        let key = cell.key;
        let Some(judge) = scorer.judges.get(&cfg.model) else {
            return error_score(
                key,
                ev,
                format!("`{}` does not name a judge model", cfg.model),
                None,
            );
        };
        let input = request_text(&cell.request);
        let prompt = match eval::judge_prompt(cfg, &input, facts.output, facts.reference) {
            Ok(p) => p,
            Err(e) => return error_score(key, ev, e.to_string(), None),
        };
        let mut request = ChatRequest::new(
            judge.settings.model_id.clone(),
            vec![ChatMessage::user(prompt.user.clone())],
        );
        request.system = Some(prompt.system.clone());
        request.params.temperature = Some(0.0);
        request.params.max_tokens = Some(JUDGE_MAX_TOKENS);
        let mut detail = JudgeDetail {
            model: judge.label.clone(),
            metric: cfg.metric.clone(),
            system: prompt.system.clone(),
            prompt: prompt.user.clone(),
            raw: String::new(),
            reasoning: String::new(),
            raw_score: None,
            usage: None,
            cost_usd: None,
            cache_hit: false,
        };
        let cache_key = judge_cache_key(&judge.label, &request);
        let cached = match self.store.cache_get(&cache_key).await {
            Ok(Some(v)) if !scorer.bypass_cache => serde_json::from_value::<ChatOutcome>(v).ok(),
            _ => None,
        };
        let outcome = match cached {
            Some(o) => {
                detail.cache_hit = true;
                detail.cost_usd = Some(0.0);
                o
            }
            None => match call_judge(judge, &request, key, cancel).await {
                Ok(o) => {
                    detail.cost_usd = if judge.is_local {
                        Some(0.0)
                    } else {
                        self.prices()
                            .ok()
                            .and_then(|p| p.cost_usd(&request.model_id, &o.usage))
                    };
                    if let Ok(json) = serde_json::to_value(&o) {
                        if let Err(e) = self.store.cache_put(&cache_key, &json, &self.now()).await {
                            tracing::warn!(error = %e, "a judge's answer could not be cached");
                        }
                    }
                    o
                }
                Err(e) => {
                    detail.raw = e.partial_text.clone().unwrap_or_default();
                    return error_score(
                        key,
                        ev,
                        format!("the judge {} failed: {}", judge.label, e.message),
                        Some(detail),
                    );
                }
            },
        };
        detail.raw = outcome.text.clone();
        detail.usage = Some(outcome.usage);
        match eval::parse_verdict(&outcome.text, &prompt.scale) {
            Ok(v) => {
                detail.reasoning = v.reasoning.clone();
                detail.raw_score = Some(v.raw_score);
                let verdict = eval::judge_to_verdict(cfg, &prompt.scale, &v);
                verdict_score(key, ev, verdict, Some(detail))
            }
            Err(e) => error_score(key, ev, e.to_string(), Some(detail)),
        }
    }
}

/// Calls the judge under its provider's limit, retrying throttled calls.
async fn call_judge(
    judge: &JudgeModel,
    request: &ChatRequest,
    key: CellKey,
    cancel: &CancellationToken,
) -> Result<ChatOutcome, ProviderError> {
    let provider = judge.provider.clone()?;
    let mut tries = 0;
    loop {
        tries += 1;
        let permit = tokio::select! {
            biased;
            _ = cancel.cancelled() => return Err(ProviderError::cancelled("")),
            p = judge.limiter.acquire() => p,
        };
        let result = provider.stream(request, cancel, &mut |_| {}).await;
        judge.limiter.release(permit);
        match result {
            Err(e) if e.code == ProviderErrorCode::Throttled && tries < JUDGE_TRIES => {
                judge.limiter.throttled();
                tokio::select! {
                    _ = cancel.cancelled() => return Err(ProviderError::cancelled("")),
                    _ = tokio::time::sleep(pause(tries, key)) => {}
                }
            }
            Ok(o) => {
                judge.limiter.succeeded();
                return Ok(o);
            }
            Err(e) => return Err(e),
        }
    }
}

/// The settings a judge runs with: greedy, a short answer.
fn judge_settings(model: &ModelRef) -> ModelSettings {
    ModelSettings {
        provider: model.provider.clone(),
        endpoint: model.endpoint.clone(),
        model_id: model.model_id.clone(),
        max_tokens: Some(JUDGE_MAX_TOKENS),
        temperature: Some(0.0),
        top_p: None,
        ..Default::default()
    }
}

/// What the model was asked, as the judge reads it: the system prompt and the messages.
fn request_text(request: &ChatRequest) -> String {
    let mut parts = Vec::new();
    if let Some(system) = request.system.as_deref().filter(|s| !s.trim().is_empty()) {
        parts.push(format!("[system]\n{system}"));
    }
    for m in &request.messages {
        parts.push(format!("[{}]\n{}", m.role.as_str(), m.text));
    }
    parts.join("\n\n")
}

fn judge_cache_key(label: &str, request: &ChatRequest) -> String {
    let material = serde_json::json!({ "judge": label, "request": request });
    hex::encode(Sha256::digest(material.to_string().as_bytes()))
}

fn verdict_score(
    key: CellKey,
    ev: &Evaluator,
    v: Verdict,
    judge: Option<JudgeDetail>,
) -> CellScore {
    CellScore {
        key,
        evaluator: ev.name.clone(),
        pass: Some(v.pass),
        score: Some(v.score),
        reason: v.reason,
        judge,
    }
}

fn error_score(
    key: CellKey,
    ev: &Evaluator,
    reason: String,
    judge: Option<JudgeDetail>,
) -> CellScore {
    CellScore {
        key,
        evaluator: ev.name.clone(),
        pass: None,
        score: None,
        reason,
        judge,
    }
}

pub(crate) fn score_row(s: &CellScore, now: &str) -> ScoreRow {
    ScoreRow {
        column_index: s.key.column,
        input_index: s.key.input,
        repeat: s.key.repeat,
        evaluator: s.evaluator.clone(),
        status: if s.is_error() { "error" } else { "ok" }.into(),
        pass: s.pass,
        score: s.score,
        reason: s.reason.clone(),
        detail: s
            .judge
            .as_ref()
            .map(|j| serde_json::to_value(j).expect("judge detail serialises")),
        created_at: now.to_string(),
    }
}

pub(crate) fn score_from_row(row: ScoreRow) -> CellScore {
    CellScore {
        key: CellKey {
            column: row.column_index,
            input: row.input_index,
            repeat: row.repeat,
        },
        evaluator: row.evaluator,
        pass: row.pass,
        score: row.score,
        reason: row.reason,
        judge: row.detail.and_then(|d| serde_json::from_value(d).ok()),
    }
}
