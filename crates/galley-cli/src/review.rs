//! `galley reviews`: the owner's side of a human review from the command line.

use galley_engine::core::review::{Method, Metric, ReviewKind};
use galley_engine::{
    Engine, EngineError, ReviewRef, ReviewRole, ReviewSummary, ReviewsCreateReq, ReviewsFileReq,
    ReviewsMergeReq,
};

use crate::args::ReviewsCmd;
use crate::eval::absolute;

/// Runs a `reviews` subcommand; `Ok(false)` when it worked but left something to look at
/// (conflicts not merged).
pub async fn run(engine: &Engine, cmd: ReviewsCmd) -> Result<bool, EngineError> {
    match cmd {
        ReviewsCmd::List { json } => {
            let list = engine.reviews_list().await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&list).expect("list serialises")
                );
            } else if list.is_empty() {
                println!("no reviews");
            }
            for r in list.iter().filter(|_| !json) {
                println!(
                    "{}  {:<32} {:<9} {:>4} items {:>3} raters {:>5} ratings  {}",
                    r.id,
                    r.title,
                    r.kind.label(),
                    r.items,
                    r.raters,
                    r.ratings,
                    if r.role == ReviewRole::Owner {
                        "yours"
                    } else {
                        "to rate"
                    }
                );
            }
            Ok(true)
        }
        ReviewsCmd::Create {
            run_id,
            title,
            kind,
            columns,
            metrics,
            instructions,
            max_items,
        } => {
            let kind = parse_kind(&kind)?;
            let metrics = if metrics.is_empty() {
                vec![Metric {
                    name: "overall".into(),
                    instructions: String::new(),
                    method: Method::Choice,
                }]
            } else {
                metrics
                    .iter()
                    .map(|m| parse_metric(m))
                    .collect::<Result<_, _>>()?
            };
            if columns.contains(&0) {
                return Err(EngineError::invalid("--columns count from 1"));
            }
            let r = engine
                .reviews_create(ReviewsCreateReq {
                    run_id,
                    title,
                    kind,
                    columns: columns.iter().map(|c| c - 1).collect(),
                    metrics,
                    instructions,
                    max_items,
                })
                .await?;
            println!("{}  {} ({} items)", r.id, r.title, r.items);
            Ok(true)
        }
        ReviewsCmd::Pack { review, file } => {
            let r = find(engine, &review).await?;
            let path = engine
                .reviews_export_pack(ReviewsFileReq {
                    id: r.id,
                    path: absolute(&file)?,
                })
                .await?;
            println!("wrote {path}");
            Ok(true)
        }
        ReviewsCmd::Merge {
            review,
            files,
            replace,
        } => {
            let r = find(engine, &review).await?;
            let mut left = 0;
            for f in files {
                let m = engine
                    .reviews_merge(ReviewsMergeReq {
                        id: r.id.clone(),
                        path: Some(absolute(&f)?),
                        replace_conflicts: replace,
                        ..Default::default()
                    })
                    .await?;
                println!(
                    "{}: {} <{}>: {} added, {} already here, {} conflicting{}",
                    f.display(),
                    m.rater.name,
                    m.rater.email,
                    m.added,
                    m.duplicates,
                    m.conflicts.len(),
                    if m.replaced > 0 {
                        format!(" ({} replaced)", m.replaced)
                    } else {
                        String::new()
                    }
                );
                if m.replaced == 0 {
                    for c in &m.conflicts {
                        println!(
                            "  {} / {}: kept {}, file says {}",
                            c.item,
                            c.metric,
                            serde_json::to_string(&c.kept).unwrap_or_default(),
                            serde_json::to_string(&c.incoming).unwrap_or_default()
                        );
                    }
                    left += m.conflicts.len();
                }
            }
            if left > 0 {
                eprintln!("{left} conflicting ratings were left as they were; --replace takes the files' ones");
            }
            Ok(left == 0)
        }
        ReviewsCmd::Results { review, csv, json } => {
            let r = find(engine, &review).await?;
            let results = engine
                .reviews_results(ReviewRef { id: r.id.clone() })
                .await?;
            if let Some(file) = csv {
                let path = engine
                    .reviews_export_csv(ReviewsFileReq {
                        id: r.id.clone(),
                        path: absolute(&file)?,
                    })
                    .await?;
                eprintln!("wrote {path}");
            }
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&results).expect("results serialise")
                );
                return Ok(true);
            }
            println!(
                "{} — {} items, {} ratings, {} raters",
                r.title,
                results.items,
                results.ratings,
                results.raters.len()
            );
            for line in &results.summary {
                println!("  {line}");
            }
            for m in &results.metrics {
                for p in &m.pairs {
                    let i = &p.first_win_rate;
                    println!(
                        "  {}: {} vs {}: {} / {} / {} (wins / ties / losses), win rate {:.0}% [{:.0}–{:.0}%]",
                        m.metric.name,
                        p.first,
                        p.second,
                        p.first_wins,
                        p.ties,
                        p.second_wins,
                        i.estimate * 100.0,
                        i.low * 100.0,
                        i.high * 100.0
                    );
                }
                for v in m.variants.iter().filter(|v| v.ratings > 0) {
                    if let Some(i) = &v.mean {
                        println!(
                            "  {}: {} mean {:.2} [{:.2}–{:.2}] over {} ratings",
                            m.metric.name, v.variant, i.estimate, i.low, i.high, v.ratings
                        );
                    }
                }
            }
            Ok(true)
        }
    }
}

/// A review by id, or by title when exactly one has it.
async fn find(engine: &Engine, key: &str) -> Result<ReviewSummary, EngineError> {
    let list = engine.reviews_list().await?;
    if let Some(r) = list.iter().find(|r| r.id == key) {
        return Ok(r.clone());
    }
    let named: Vec<_> = list
        .iter()
        .filter(|r| r.title.eq_ignore_ascii_case(key))
        .collect();
    match named.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(EngineError::new(
            galley_engine::ErrorCode::NotFound,
            format!("no review with the id or title `{key}` (see `galley reviews list`)"),
        )),
        _ => Err(EngineError::invalid(format!(
            "{} reviews are titled `{key}`: give the id",
            named.len()
        ))),
    }
}

fn parse_kind(text: &str) -> Result<ReviewKind, EngineError> {
    match text {
        "single" => Ok(ReviewKind::Single),
        "pairwise" => Ok(ReviewKind::Pairwise),
        "rank" => Ok(ReviewKind::Rank),
        other => Err(EngineError::invalid(format!(
            "--kind `{other}`: use single, pairwise or rank"
        ))),
    }
}

fn parse_metric(text: &str) -> Result<Metric, EngineError> {
    let (name, method) = text.rsplit_once(':').ok_or_else(|| {
        EngineError::invalid(format!("--metric `{text}`: write it as NAME:METHOD"))
    })?;
    let method = match method {
        "thumbs" => Method::Thumbs,
        "likert" => Method::Likert,
        "comparison-likert" => Method::ComparisonLikert,
        "choice" => Method::Choice,
        "rank" => Method::Rank,
        other => {
            return Err(EngineError::invalid(format!(
                "--metric `{text}`: `{other}` is not a method (thumbs, likert, comparison-likert, choice, rank)"
            )))
        }
    };
    Ok(Metric {
        name: name.trim().to_string(),
        instructions: String::new(),
        method,
    })
}
