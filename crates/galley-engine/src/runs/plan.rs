//! From a request to a spec, rendered requests and an estimate, before anything is called.

use std::collections::{BTreeMap, HashMap, HashSet};

use galley_core::template::render;
use galley_providers::{ChatRequest, Usage};

use super::model::{RunEstimate, RunPlan, RunsStartReq};
use super::spec::{CellKey, ModelRef, RunColumn, RunSpec, BYO_PROVIDER};
use crate::{Engine, EngineError};

/// The most cells one run may have.
pub(crate) const MAX_CELLS: usize = 100_000;

/// Every request of a spec, by (column, input).
pub(crate) type Requests = BTreeMap<(u32, u32), ChatRequest>;

impl Engine {
    /// Checks a run request and says how big and how costly it is.
    pub async fn runs_plan(&self, req: RunsStartReq) -> Result<RunPlan, EngineError> {
        let spec = self.run_spec(req).await?;
        let requests = requests(&spec)?;
        let estimate = self.estimate(&spec, &requests, &HashSet::new()).await?;
        let confirm_above_usd = self.settings_get().await?.runs.confirm_above_usd;
        Ok(RunPlan {
            needs_confirmation: estimate.cost_usd_max > confirm_above_usd,
            confirm_above_usd,
            spec,
            estimate,
        })
    }

    pub(crate) async fn run_spec(&self, req: RunsStartReq) -> Result<RunSpec, EngineError> {
        let bp = self.store.blueprint(&req.blueprint_id).await?;
        let versions = if req.versions.is_empty() {
            vec![bp.latest_version.ok_or_else(|| {
                EngineError::invalid(format!(
                    "`{}` has no saved version: save one before running it",
                    bp.name
                ))
            })?]
        } else {
            let mut seen = HashSet::new();
            req.versions
                .iter()
                .copied()
                .filter(|v| seen.insert(*v))
                .collect()
        };
        let mut contents = BTreeMap::new();
        for number in &versions {
            let v = self.store.version(&bp.id, *number).await.map_err(|_| {
                EngineError::invalid(format!(
                    "`{}` has no version {number} (latest is {})",
                    bp.name,
                    bp.latest_version.unwrap_or(0)
                ))
            })?;
            contents.insert(*number, v.content);
        }
        let mut columns = Vec::new();
        for number in &versions {
            let settings = &contents[number].model;
            let models = if req.models.is_empty() {
                vec![ModelRef::of(settings)]
            } else {
                req.models.clone()
            };
            for model in models {
                if !galley_core::blueprint::PROVIDERS.contains(&model.provider.as_str())
                    && model.provider != BYO_PROVIDER
                {
                    return Err(EngineError::invalid(format!(
                        "the provider `{}` is not known: use `local`, `bedrock`, `openai`, or \
                         `dataset` for a dataset's own responses",
                        model.provider
                    )));
                }
                columns.push(RunColumn {
                    version: *number,
                    settings: model.apply(settings),
                    model,
                });
            }
        }
        let (inputs, dataset) = match &req.dataset {
            Some(d) => {
                if !req.inputs.is_empty() {
                    return Err(EngineError::invalid(
                        "a run takes its inputs from a dataset or from the request, not both",
                    ));
                }
                self.dataset_inputs(d).await?
            }
            None => (req.inputs, None),
        };
        if dataset.is_none() {
            if let Some(c) = columns.iter().find(|c| c.model.provider == BYO_PROVIDER) {
                return Err(EngineError::invalid(format!(
                    "`{}` answers with a dataset's own responses: run on a dataset that has them",
                    c.model.label()
                )));
            }
        }
        if inputs.is_empty() {
            return Err(EngineError::invalid(
                "a run needs at least one input (a set of variable values; empty for a prompt without variables)",
            ));
        }
        if req.repeats == 0 || req.repeats > 100 {
            return Err(EngineError::invalid(format!(
                "{} repeats is not possible: use 1 to 100",
                req.repeats
            )));
        }
        let cells = columns.len() * inputs.len() * req.repeats as usize;
        if cells > MAX_CELLS {
            return Err(EngineError::invalid(format!(
                "{cells} cells is more than one run holds ({MAX_CELLS}): use fewer inputs, models or repeats"
            )));
        }
        let concurrency = match req.concurrency {
            Some(c) => c,
            None => self.settings_get().await?.runs.concurrency,
        };
        if !(1..=256).contains(&concurrency) {
            return Err(EngineError::invalid(format!(
                "a concurrency of {concurrency} is not possible: use 1 to 256"
            )));
        }
        Ok(RunSpec {
            blueprint_id: bp.id,
            blueprint_name: bp.name,
            columns,
            inputs,
            repeats: req.repeats,
            concurrency,
            bypass_cache: req.bypass_cache,
            versions: contents,
            dataset,
        })
    }

    /// The cases of a dataset version as run inputs, and the version they came from.
    async fn dataset_inputs(
        &self,
        d: &crate::DatasetRef,
    ) -> Result<(Vec<super::spec::RunInput>, Option<super::spec::RunDataset>), EngineError> {
        let (summary, meta, content) = self.dataset_content(&d.id, d.version).await?;
        if content.cases.is_empty() {
            return Err(EngineError::invalid(format!(
                "version {} of the dataset `{}` has no cases",
                meta.number, summary.name
            )));
        }
        let inputs = content
            .cases
            .into_iter()
            .map(|c| super::spec::RunInput {
                name: None,
                values: c.values,
                reference: c.reference,
                category: c.category,
                responses: c
                    .responses
                    .into_iter()
                    .map(|r| (r.model, r.response))
                    .collect(),
            })
            .collect();
        Ok((
            inputs,
            Some(super::spec::RunDataset {
                id: summary.id,
                name: summary.name,
                version: meta.number,
                content_hash: meta.content_hash,
            }),
        ))
    }

    /// Tokens and cost of the cells not in `done`, with cached cells counted apart.
    pub(crate) async fn estimate(
        &self,
        spec: &RunSpec,
        requests: &Requests,
        done: &HashSet<CellKey>,
    ) -> Result<RunEstimate, EngineError> {
        let prices = self.prices()?;
        let counted = self.counted_tokens(spec, requests).await;
        let mut est = RunEstimate {
            cells: spec.cells_total(),
            cached_cells: 0,
            input_tokens: 0,
            max_output_tokens: 0,
            cost_usd_min: 0.0,
            cost_usd_max: 0.0,
            unpriced: Vec::new(),
            counted_requests: counted.len() as u32,
            judge_calls: 0,
        };
        for (c, column) in spec.columns.iter().enumerate() {
            let judges = spec.versions[&column.version]
                .evaluators
                .iter()
                .filter(|e| matches!(e.check, galley_core::eval::Check::Judge(_)))
                .count() as u32;
            let pending = (0..spec.inputs.len() as u32)
                .flat_map(|i| (0..spec.repeats).map(move |r| (i, r)))
                .filter(|(i, r)| {
                    !done.contains(&CellKey {
                        column: c as u32,
                        input: *i,
                        repeat: *r,
                    })
                })
                .count() as u32;
            est.judge_calls += judges * pending;
        }
        for (c, column) in spec.columns.iter().enumerate() {
            let c = c as u32;
            if column.model.provider == BYO_PROVIDER {
                continue; // answered from the dataset: no call, no cost
            }
            for i in 0..spec.inputs.len() as u32 {
                let request = &requests[&(c, i)];
                let input_tokens = counted
                    .get(&(c, i))
                    .map_or_else(|| estimate_tokens(request), |n| u64::from(*n));
                let max_out = u64::from(request.params.max_tokens.unwrap_or(1024));
                for r in 0..spec.repeats {
                    let key = CellKey {
                        column: c,
                        input: i,
                        repeat: r,
                    };
                    if done.contains(&key) {
                        continue;
                    }
                    if !spec.bypass_cache
                        && self
                            .store
                            .cache_get(&super::cache::key(column, request, r))
                            .await?
                            .is_some()
                    {
                        est.cached_cells += 1;
                        continue;
                    }
                    est.input_tokens += input_tokens;
                    est.max_output_tokens += max_out;
                    if column.model.provider == "local" {
                        continue;
                    }
                    let low = Usage {
                        input_tokens: clamp_u32(input_tokens),
                        ..Usage::default()
                    };
                    let high = Usage {
                        output_tokens: clamp_u32(max_out),
                        ..low
                    };
                    match (
                        prices.cost_usd(&request.model_id, &low),
                        prices.cost_usd(&request.model_id, &high),
                    ) {
                        (Some(lo), Some(hi)) => {
                            est.cost_usd_min += lo;
                            est.cost_usd_max += hi;
                        }
                        _ => {
                            let label = column.label();
                            if !est.unpriced.contains(&label) {
                                est.unpriced.push(label);
                            }
                        }
                    }
                }
            }
        }
        Ok(est)
    }
}

/// Bedrock requests counted exactly with CountTokens, by (column, input), when there are few
/// enough of them to ask quickly; a model that does not support it keeps the estimate.
const MAX_COUNTED: usize = 40;

impl Engine {
    async fn counted_tokens(
        &self,
        spec: &RunSpec,
        requests: &Requests,
    ) -> HashMap<(u32, u32), u32> {
        let wanted: Vec<((u32, u32), ChatRequest)> = requests
            .iter()
            .filter(|((c, _), _)| spec.columns[*c as usize].model.provider == "bedrock")
            .map(|(k, r)| (*k, r.clone()))
            .collect();
        if wanted.is_empty() || wanted.len() > MAX_COUNTED {
            return HashMap::new();
        }
        let Ok(provider) = self.bedrock_provider().await else {
            return HashMap::new();
        };
        let mut set = tokio::task::JoinSet::new();
        for (key, request) in wanted {
            let provider = provider.clone();
            set.spawn(async move {
                let counted = tokio::time::timeout(
                    std::time::Duration::from_secs(5),
                    provider.count_tokens(&request),
                )
                .await;
                (key, counted)
            });
        }
        let mut out = HashMap::new();
        while let Some(joined) = set.join_next().await {
            match joined {
                Ok((key, Ok(Ok(n)))) => {
                    out.insert(key, n);
                }
                Ok((_, Ok(Err(e)))) => {
                    tracing::debug!(error = %e.message, "CountTokens failed; estimating")
                }
                Ok((_, Err(_))) => tracing::debug!("CountTokens timed out; estimating"),
                Err(e) => tracing::debug!(error = %e, "CountTokens task failed"),
            }
        }
        out
    }
}

fn clamp_u32(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// About four characters a token, plus a few tokens of framing per message.
pub(crate) fn estimate_tokens(request: &ChatRequest) -> u64 {
    let chars: usize = request.system.as_deref().map_or(0, |s| s.chars().count())
        + request
            .messages
            .iter()
            .map(|m| m.text.chars().count())
            .sum::<usize>();
    (chars as u64).div_ceil(4) + 4 * (request.messages.len() as u64 + 1)
}

/// Renders every (column, input) strictly; the first problem is an error naming the input and
/// the version.
pub(crate) fn requests(spec: &RunSpec) -> Result<Requests, EngineError> {
    let mut out = BTreeMap::new();
    for (c, column) in spec.columns.iter().enumerate() {
        let content = &spec.versions[&column.version];
        for (i, input) in spec.inputs.iter().enumerate() {
            let rendered = render(content, &input.values).map_err(|issues| {
                let lines: Vec<String> = issues.iter().map(ToString::to_string).collect();
                EngineError::invalid(format!(
                    "v{} cannot be rendered for input {} ({}): {}",
                    column.version,
                    i + 1,
                    input.title(i),
                    lines.join("; ")
                ))
            })?;
            let request = ChatRequest::from_rendered(&column.settings, &rendered)
                .map_err(|e| EngineError::invalid(format!("{}: {}", column.label(), e.message)))?;
            out.insert((c as u32, i as u32), request);
        }
    }
    Ok(out)
}
