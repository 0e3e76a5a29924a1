//! Making a review from a run: which cells become items, and the blind pack they go into.

use std::collections::{BTreeSet, HashMap};

use galley_core::review::{present, validate_metrics, ItemSource, Pack, PackItem, ReviewKind};
use galley_providers::{ChatRequest, Role};
use galley_store::ReviewRow;
use tracing::instrument;

use super::rate::to_json;
use super::{kind_str, random_seed, ReviewSummary, ReviewsCreateReq};
use crate::{CellStatus, Engine, EngineError, RunCell, RunInput, RunRef};

impl Engine {
    /// Makes a review of a run's answers: one item per answered cell (single) or per input whose
    /// cells in every chosen column answered (pairwise, rank). Items, and answers within an item,
    /// are shuffled with a recorded seed so the pack reveals nothing.
    #[instrument(skip_all, fields(run_id = %req.run_id))]
    pub async fn reviews_create(
        &self,
        req: ReviewsCreateReq,
    ) -> Result<ReviewSummary, EngineError> {
        let title = req.title.trim().to_string();
        if title.is_empty() {
            return Err(EngineError::invalid("a review needs a title"));
        }
        validate_metrics(req.kind, &req.metrics).map_err(EngineError::invalid)?;
        let run = self
            .runs_get(RunRef {
                run_id: req.run_id.clone(),
            })
            .await?;
        let columns = checked_columns(req.kind, &req.columns, run.spec.columns.len())?;
        let same_version = columns
            .iter()
            .map(|&c| run.spec.columns[c as usize].version)
            .collect::<BTreeSet<_>>()
            .len()
            == 1;
        let answered: HashMap<(u32, u32, u32), &RunCell> = run
            .cells
            .iter()
            .filter(|c| c.status == CellStatus::Ok)
            .map(|c| ((c.key.column, c.key.input, c.key.repeat), c))
            .collect();

        // (input, repeat, columns) of every possible item, in grid order.
        let mut candidates: Vec<(u32, u32, Vec<u32>)> = Vec::new();
        for input in 0..run.spec.inputs.len() as u32 {
            for repeat in 0..run.spec.repeats {
                let ok = |c: &u32| answered.contains_key(&(*c, input, repeat));
                if req.kind == ReviewKind::Single {
                    candidates.extend(
                        columns
                            .iter()
                            .filter(|c| ok(c))
                            .map(|&c| (input, repeat, vec![c])),
                    );
                } else if columns.iter().all(ok) {
                    candidates.push((input, repeat, columns.clone()));
                }
            }
        }
        if candidates.is_empty() {
            return Err(EngineError::invalid(
                "nothing to review: no input has an answer in every chosen column",
            ));
        }

        let seed = random_seed();
        // A uniform sample when asked for fewer items, kept in grid order before shuffling.
        if let Some(max) = req.max_items {
            if max == 0 {
                return Err(EngineError::invalid("a review needs at least one item"));
            }
            if (max as usize) < candidates.len() {
                let mut keep: Vec<u32> = present(seed ^ 0x5a5a_5a5a, &vec![1; candidates.len()])
                    .order
                    .into_iter()
                    .take(max as usize)
                    .collect();
                keep.sort_unstable();
                candidates = keep
                    .into_iter()
                    .map(|i| candidates[i as usize].clone())
                    .collect();
            }
        }

        let shapes: Vec<usize> = candidates.iter().map(|c| c.2.len()).collect();
        let shuffle = present(seed, &shapes);
        let width = candidates.len().to_string().len().max(3);
        let mut items = Vec::with_capacity(candidates.len());
        let mut sources = Vec::with_capacity(candidates.len());
        for (n, &i) in shuffle.order.iter().enumerate() {
            let (input, repeat, cols) = &candidates[i as usize];
            let order: Vec<u32> = shuffle
                .sides_of(i as usize)
                .iter()
                .map(|&a| cols[a])
                .collect();
            let id = format!("item-{:0width$}", n + 1);
            let first = answered[&(order[0], *input, *repeat)];
            items.push(PackItem {
                id: id.clone(),
                prompt: prompt_text(
                    &first.request,
                    &run.spec.inputs[*input as usize],
                    same_version,
                ),
                answers: order
                    .iter()
                    .map(|c| answered[&(*c, *input, *repeat)].text.clone())
                    .collect(),
            });
            sources.push(ItemSource {
                item: id,
                input: *input,
                repeat: *repeat,
                columns: order,
            });
        }

        let now = self.now();
        let id = ulid::Ulid::new().to_string();
        let pack = Pack::new(
            id.clone(),
            title.clone(),
            req.instructions.trim().to_string(),
            req.kind,
            req.metrics,
            items,
            now.clone(),
        )
        .map_err(EngineError::invalid)?;
        self.store
            .review_insert(&ReviewRow {
                id: id.clone(),
                role: "owner".into(),
                title,
                kind: kind_str(req.kind).into(),
                run_id: Some(req.run_id),
                pack: to_json(&pack),
                pack_hash: pack.content_hash.clone(),
                sources: Some(to_json(&sources)),
                variants: Some(to_json(&run.summary.columns)),
                seed,
                created_at: now,
            })
            .await?;
        self.review_summary(&id).await
    }
}

/// The chosen columns, checked: they exist, are distinct, and their number fits the kind.
fn checked_columns(
    kind: ReviewKind,
    columns: &[u32],
    available: usize,
) -> Result<Vec<u32>, EngineError> {
    let mut seen = BTreeSet::new();
    for &c in columns {
        if c as usize >= available {
            return Err(EngineError::invalid(format!(
                "the run has {available} columns; there is no column {}",
                c + 1
            )));
        }
        if !seen.insert(c) {
            return Err(EngineError::invalid(format!(
                "column {} is chosen twice",
                c + 1
            )));
        }
    }
    let fits = match kind {
        ReviewKind::Single => !columns.is_empty(),
        ReviewKind::Pairwise => columns.len() == 2,
        ReviewKind::Rank => columns.len() >= 3,
    };
    if !fits {
        return Err(EngineError::invalid(match kind {
            ReviewKind::Single => "choose at least one column to rate".to_string(),
            ReviewKind::Pairwise => format!(
                "a pairwise review compares two columns, not {}",
                columns.len()
            ),
            ReviewKind::Rank => format!(
                "a rank review orders three columns or more, not {}",
                columns.len()
            ),
        }));
    }
    Ok(columns.to_vec())
}

/// What raters see as the question. When every answer came from the same version, the messages
/// sent (they are the same for all); otherwise the input's values, since each version's own
/// prompt would tell the versions apart.
fn prompt_text(request: &ChatRequest, input: &RunInput, same_version: bool) -> String {
    if same_version && !request.messages.is_empty() {
        if let [only] = request.messages.as_slice() {
            return only.text.clone();
        }
        return request
            .messages
            .iter()
            .map(|m| {
                let who = if m.role == Role::User {
                    "User"
                } else {
                    "Assistant"
                };
                format!("{who}: {}", m.text)
            })
            .collect::<Vec<_>>()
            .join("\n\n");
    }
    if input.values.is_empty() {
        return input
            .name
            .clone()
            .unwrap_or_else(|| "(no input values)".into());
    }
    input
        .values
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join("\n")
}
