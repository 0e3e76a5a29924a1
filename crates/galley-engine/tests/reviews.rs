//! Human review through the engine: a pairwise review made from a run against bedrock-sim, its
//! pack rated blind on two other desktops (their own data folders), the ratings files merged
//! back with duplicates, conflicts, tampering and mix-ups caught, and the results pointing at
//! the version the raters preferred whatever side it was shown on.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use bedrock_sim::{Script, Sim, SimConfig};
use galley_engine::core::eval::{Check, Evaluator, JudgeConfig};
use galley_engine::core::review::{Choice, Method, Metric, RatingValue, ReviewKind};
use galley_engine::core::BlueprintContent;
use galley_engine::*;

mod support;

const NOVA: &str = "amazon.nova-lite-v1:0";
const JUDGE: &str = "anthropic.claude-3-5-haiku-20241022-v1:0";
const QUESTIONS: [&str; 6] = [
    "capital of France",
    "capital of Spain",
    "capital of Peru",
    "capital of Chile",
    "capital of Japan",
    "capital of Kenya",
];

fn metrics() -> Vec<Metric> {
    vec![
        Metric {
            name: "overall".into(),
            instructions: "Which answer serves the user better?".into(),
            method: Method::Choice,
        },
        Metric {
            name: "tone".into(),
            instructions: "Which answer sounds friendlier?".into(),
            method: Method::ComparisonLikert,
        },
    ]
}

/// The owner's engine with a finished run: v1 and v2 of a blueprint (different user templates,
/// so different answers) on the same model, six questions, a judge scoring every answer.
async fn owner(sim: &Sim) -> (tempfile::TempDir, Engine, RunSummary) {
    let (dir, engine) = support::engine_on_sim(sim, Some(2)).await;
    set_rater(&engine, "Olga Owner", "owner@example.com").await;
    sim.script(
        JUDGE,
        Script::text("{\"reasoning\": \"fine\", \"score\": 4}"),
    );
    let bp = engine
        .blueprints_create(BlueprintsCreateReq {
            name: "Capitals".into(),
            tags: vec![],
        })
        .await
        .unwrap();
    for user in ["{{ question }}", "Answer kindly: {{ question }}"] {
        let mut c = BlueprintContent::chat("", user);
        c.model.provider = "bedrock".into();
        c.model.model_id = NOVA.into();
        c.evaluators = vec![Evaluator {
            name: "correct".into(),
            weight: 1.0,
            check: Check::Judge(JudgeConfig {
                metric: "correctness".into(),
                rubric: None,
                model: format!("bedrock:{JUDGE}"),
                pass_score: 0.5,
            }),
        }];
        engine
            .versions_save(VersionsSaveReq {
                id: bp.id.clone(),
                content: c,
                message: user.into(),
            })
            .await
            .unwrap();
    }
    let inputs = QUESTIONS
        .iter()
        .map(|q| RunInput {
            values: [("question".to_string(), q.to_string())].into(),
            ..Default::default()
        })
        .collect();
    let sink: RunSink = Arc::new(|_| {});
    let run = engine
        .runs_start(
            RunsStartReq {
                blueprint_id: bp.id,
                versions: vec![1, 2],
                models: vec![],
                inputs,
                dataset: None,
                repeats: 1,
                concurrency: Some(4),
                bypass_cache: false,
            },
            "app",
            sink,
        )
        .await
        .unwrap();
    assert_eq!(run.cells_ok, 12);
    (dir, engine, run)
}

async fn set_rater(engine: &Engine, name: &str, email: &str) {
    let mut s = engine.settings_get().await.unwrap();
    s.rater = RaterIdentity {
        name: name.into(),
        email: email.into(),
    };
    engine.settings_save(s).await.unwrap();
}

/// A rater's desktop: its own data folder and identity.
async fn rater(name: &str, email: &str) -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(&dir.path().join("data")).await.unwrap();
    set_rater(&engine, name, email).await;
    (dir, engine)
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

/// Rates every item: `overall` by `choose(item position, is v2 shown as A)`, `tone` 4 toward the
/// same side. The rater only knows v2 by its words ("Answer kindly").
async fn rate_all(
    engine: &Engine,
    review: &str,
    choose: impl Fn(usize, bool) -> Choice,
) -> RatingSession {
    let session = engine
        .reviews_session(ReviewRef { id: review.into() })
        .await
        .unwrap();
    for (n, item) in session.queue.iter().enumerate() {
        let v2_is_a = item.answers[0].contains("Answer kindly");
        assert_ne!(
            v2_is_a,
            item.answers[1].contains("Answer kindly"),
            "one answer per version"
        );
        let choice = choose(n, v2_is_a);
        engine
            .reviews_rate(ReviewsRateReq {
                review_id: review.into(),
                item: item.id.clone(),
                metric: "overall".into(),
                value: RatingValue::Choice(choice),
                comment: if n == 0 {
                    "the second, kinder one, obviously".into()
                } else {
                    String::new()
                },
            })
            .await
            .unwrap();
        let tone = match choice {
            Choice::First => 2,
            Choice::Second => 4,
            Choice::Tie => 3,
        };
        engine
            .reviews_rate(ReviewsRateReq {
                review_id: review.into(),
                item: item.id.clone(),
                metric: "tone".into(),
                value: RatingValue::ComparisonLikert(tone),
                comment: String::new(),
            })
            .await
            .unwrap();
    }
    session
}

/// Picks v2 wherever it is shown.
fn prefer_v2(_: usize, v2_is_a: bool) -> Choice {
    if v2_is_a {
        Choice::First
    } else {
        Choice::Second
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blind_pairwise_review_round_trips_through_packs_and_ratings_files() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let (dir, owner, run) = owner(&sim).await;

    let bad = owner
        .reviews_create(ReviewsCreateReq {
            run_id: run.id.clone(),
            title: "Kindness".into(),
            kind: ReviewKind::Pairwise,
            columns: vec![0],
            metrics: metrics(),
            instructions: String::new(),
            max_items: None,
        })
        .await
        .unwrap_err();
    assert_eq!(bad.message, "a pairwise review compares two columns, not 1");

    let review = owner
        .reviews_create(ReviewsCreateReq {
            run_id: run.id.clone(),
            title: "Kindness".into(),
            kind: ReviewKind::Pairwise,
            columns: vec![0, 1],
            metrics: metrics(),
            instructions: "Read both answers before choosing.".into(),
            max_items: None,
        })
        .await
        .unwrap();
    assert_eq!(
        (review.items, review.role, review.ratings),
        (6, ReviewRole::Owner, 0)
    );

    // The pack carries prompts and answers, nothing that names the run, model or version.
    let pack_path = path(dir.path(), "kindness.review.json");
    owner
        .reviews_export_pack(ReviewsFileReq {
            id: review.id.clone(),
            path: pack_path.clone(),
        })
        .await
        .unwrap();
    let pack_text = std::fs::read_to_string(&pack_path).unwrap();
    for secret in [NOVA, "Capitals", run.id.as_str(), "v1 ·", "v2 ·", "column"] {
        assert!(!pack_text.contains(secret), "the pack reveals {secret:?}");
    }
    assert!(
        pack_text.contains("question: capital of Kenya"),
        "versions differ: the inputs are shown"
    );

    // Two raters on their own desktops.
    let (r1_dir, r1) = rater("Ravi Rater", "ravi@example.com").await;
    let (_r2_dir, r2) = rater("Rita Rater", "rita@example.com").await;
    let imported = r1
        .reviews_import_pack(ReviewsImportReq {
            path: Some(pack_path.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((imported.role, imported.items), (ReviewRole::Rater, 6));
    let again = r1
        .reviews_import_pack(ReviewsImportReq {
            path: Some(pack_path.clone()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(again.message.contains("already here"), "{}", again.message);
    // Rita's copy comes as text (a file chosen in the page), named for messages.
    r2.reviews_import_pack(ReviewsImportReq {
        text: Some(pack_text.clone()),
        file_name: Some("kindness.review.json".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    let own = owner
        .reviews_import_pack(ReviewsImportReq {
            path: Some(pack_path.clone()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(
        own.message.contains("is your own review"),
        "{}",
        own.message
    );

    // Ravi always picks v2; Rita picks v2 except on her last two items, where she sees a tie.
    let s1 = rate_all(&r1, &review.id, prefer_v2).await;
    let s2 = rate_all(&r2, &review.id, |n, v2_is_a| {
        if n >= 4 {
            Choice::Tie
        } else {
            prefer_v2(n, v2_is_a)
        }
    })
    .await;
    // Raters see their own order; a session reopened is the same (resumable) and holds the ratings.
    let reopened = r1
        .reviews_session(ReviewRef {
            id: review.id.clone(),
        })
        .await
        .unwrap();
    assert_eq!(reopened.queue, s1.queue);
    assert_eq!(reopened.ratings.len(), 12);
    assert_eq!(
        reopened
            .ratings
            .iter()
            .find(|r| r.item == s1.queue[0].id && r.metric == "overall")
            .unwrap()
            .comment,
        "the second, kinder one, obviously"
    );
    let order = |s: &RatingSession| s.queue.iter().map(|q| q.id.clone()).collect::<Vec<_>>();
    let sides = |s: &RatingSession| -> HashMap<String, bool> {
        s.queue
            .iter()
            .map(|q| (q.id.clone(), q.answers[0].contains("Answer kindly")))
            .collect()
    };
    assert!(
        order(&s1) != order(&s2) || sides(&s1) != sides(&s2),
        "each rater has their own order and sides"
    );

    // Ratings go back as files; the owner merges them.
    let f1 = path(r1_dir.path(), "ravi.ratings.json");
    let f2 = path(r1_dir.path(), "rita.ratings.json");
    assert_eq!(
        r1.reviews_export_ratings(ReviewsFileReq {
            id: review.id.clone(),
            path: f1.clone()
        })
        .await
        .unwrap(),
        12
    );
    assert_eq!(
        r2.reviews_export_ratings(ReviewsFileReq {
            id: review.id.clone(),
            path: f2.clone()
        })
        .await
        .unwrap(),
        12
    );
    let file_text = std::fs::read_to_string(&f1).unwrap();
    assert!(
        !file_text.contains(NOVA) && !file_text.contains("Answer kindly"),
        "ratings carry no answers"
    );

    let merge = |p: &str, replace: bool| {
        owner.reviews_merge(ReviewsMergeReq {
            id: review.id.clone(),
            path: Some(p.to_string()),
            replace_conflicts: replace,
            ..Default::default()
        })
    };
    let m1 = merge(&f1, false).await.unwrap();
    assert_eq!(
        (
            m1.rater.email.as_str(),
            m1.added,
            m1.duplicates,
            m1.conflicts.len()
        ),
        ("ravi@example.com", 12, 0, 0)
    );
    let m2 = merge(&f2, false).await.unwrap();
    assert_eq!((m2.added, m2.duplicates), (12, 0));
    let dup = merge(&f1, false).await.unwrap();
    assert_eq!((dup.added, dup.duplicates, dup.conflicts.len()), (0, 12, 0));

    let results = owner
        .reviews_results(ReviewRef {
            id: review.id.clone(),
        })
        .await
        .unwrap();
    assert_eq!(
        (results.items, results.ratings, results.raters.len()),
        (6, 24, 2)
    );
    let overall = &results.metrics[0];
    assert_eq!(overall.metric.name, "overall");
    let pair = &overall.pairs[0];
    assert_eq!(
        (pair.first.as_str(), pair.second.as_str()),
        (run.columns[0].as_str(), run.columns[1].as_str())
    );
    // v2 won 10 ratings, 2 ties, v1 none — wherever v2 was shown.
    assert_eq!((pair.first_wins, pair.second_wins, pair.ties), (0, 10, 2));
    // Per item (ties ½): four items 0, two items 0.25 → v1's win rate 1/12.
    assert!(
        (pair.first_win_rate.estimate - 1.0 / 12.0).abs() < 1e-12,
        "{:?}",
        pair.first_win_rate
    );
    assert!(
        pair.first_win_rate.high < 0.5,
        "v2 wins with confidence: {:?}",
        pair.first_win_rate
    );
    let bias = overall.position_bias.as_ref().unwrap();
    assert_eq!(bias.decisive, 10);
    let shown_first = [(&s1, 6usize), (&s2, 4)]
        .iter()
        .map(|(s, decisive)| {
            s.queue
                .iter()
                .take(*decisive)
                .filter(|q| q.answers[0].contains("Answer kindly"))
                .count()
        })
        .sum::<usize>();
    assert_eq!(
        bias.shown_first_wins as usize, shown_first,
        "position bias counts the sides raters saw"
    );
    assert_eq!(overall.agreement.raters, 2);
    assert_eq!(overall.agreement.units, 6);
    // Ravi is constant (v2 six times), Rita agrees on four: observed = expected agreement (4/6),
    // so Cohen's kappa is exactly 0.
    let kappa = overall
        .agreement
        .cohen_kappa
        .expect("two raters: Cohen's kappa");
    assert!(kappa.abs() < 1e-12, "{kappa}");
    // The judge scored every answer alike (a tie everywhere); the raters preferred v2.
    let judge = overall.judge.as_ref().unwrap();
    assert_eq!((judge.items, judge.agree), (6, 0));
    assert!(
        results
            .summary
            .iter()
            .any(|s| s.contains(run.columns[1].as_str())),
        "{:?}",
        results.summary
    );

    // Rita changes her mind on one item: a conflict, listed and not applied until asked.
    let item = s2.queue[5].id.clone();
    let v2_is_a = s2.queue[5].answers[0].contains("Answer kindly");
    r2.reviews_rate(ReviewsRateReq {
        review_id: review.id.clone(),
        item: item.clone(),
        metric: "overall".into(),
        value: RatingValue::Choice(prefer_v2(5, v2_is_a)),
        comment: "on second thought".into(),
    })
    .await
    .unwrap();
    r2.reviews_export_ratings(ReviewsFileReq {
        id: review.id.clone(),
        path: f2.clone(),
    })
    .await
    .unwrap();
    let m3 = merge(&f2, false).await.unwrap();
    assert_eq!(
        (m3.added, m3.duplicates, m3.conflicts.len(), m3.replaced),
        (0, 11, 1, 0)
    );
    assert_eq!(m3.conflicts[0].item, item);
    assert_eq!(m3.conflicts[0].kept, RatingValue::Choice(Choice::Tie));
    assert_eq!(m3.conflicts[0].incoming_comment, "on second thought");
    let unchanged = owner
        .reviews_results(ReviewRef {
            id: review.id.clone(),
        })
        .await
        .unwrap();
    assert_eq!(
        unchanged.metrics[0].pairs[0].ties, 2,
        "nothing overwritten silently"
    );
    let m4 = merge(&f2, true).await.unwrap();
    assert_eq!(m4.replaced, 1);
    let replaced = owner
        .reviews_results(ReviewRef {
            id: review.id.clone(),
        })
        .await
        .unwrap();
    assert_eq!(
        (
            replaced.metrics[0].pairs[0].second_wins,
            replaced.metrics[0].pairs[0].ties
        ),
        (11, 1)
    );

    // Edited and mismatched files are refused whole.
    let tampered = path(r1_dir.path(), "tampered.ratings.json");
    let edited = file_text.replacen("kinder one", "kinder answer", 1);
    assert_ne!(edited, file_text, "the edit changes the file");
    std::fs::write(&tampered, edited).unwrap();
    let err = merge(&tampered, false).await.unwrap_err();
    assert!(
        err.message
            .starts_with("tampered.ratings.json: the file was changed after it was exported"),
        "{}",
        err.message
    );
    let err = merge(&pack_path, false).await.unwrap_err();
    assert!(
        err.message
            .contains("this is a review pack file, not a ratings file"),
        "{}",
        err.message
    );
    let other = owner
        .reviews_create(ReviewsCreateReq {
            run_id: run.id.clone(),
            title: "Other".into(),
            kind: ReviewKind::Pairwise,
            columns: vec![1, 0],
            metrics: metrics(),
            instructions: String::new(),
            max_items: Some(3),
        })
        .await
        .unwrap();
    assert_eq!(other.items, 3, "a sample of the items");
    let err = owner
        .reviews_merge(ReviewsMergeReq {
            id: other.id.clone(),
            path: Some(f1.clone()),
            replace_conflicts: false,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(
        err.message.contains("belong to another review (\""),
        "{}",
        err.message
    );
    let err = r1
        .reviews_merge(ReviewsMergeReq {
            id: review.id.clone(),
            path: Some(f2.clone()),
            replace_conflicts: false,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(err.message.contains("is a copy to rate"), "{}", err.message);
    assert!(
        r1.reviews_results(ReviewRef {
            id: review.id.clone()
        })
        .await
        .is_err(),
        "raters see no results"
    );

    // The CSV has one row per rating, variants revealed.
    let csv_path = path(dir.path(), "kindness.csv");
    owner
        .reviews_export_csv(ReviewsFileReq {
            id: review.id.clone(),
            path: csv_path.clone(),
        })
        .await
        .unwrap();
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(rdr.records().count(), 24);
    assert!(csv.contains(run.columns[1].as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rating_here_needs_an_identity_and_can_be_undone() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let (_dir, owner, run) = owner(&sim).await;
    let review = owner
        .reviews_create(ReviewsCreateReq {
            run_id: run.id.clone(),
            title: "Single answers".into(),
            kind: ReviewKind::Single,
            columns: vec![0, 1],
            metrics: vec![Metric {
                name: "helpful".into(),
                instructions: String::new(),
                method: Method::Likert,
            }],
            instructions: String::new(),
            max_items: None,
        })
        .await
        .unwrap();
    assert_eq!(review.items, 12, "one item per answered cell");
    let session = owner
        .reviews_session(ReviewRef {
            id: review.id.clone(),
        })
        .await
        .unwrap();
    assert!(session.queue.iter().all(|q| q.answers.len() == 1));
    let rate = |item: &str, v: u8| {
        owner.reviews_rate(ReviewsRateReq {
            review_id: review.id.clone(),
            item: item.to_string(),
            metric: "helpful".into(),
            value: RatingValue::Likert(v),
            comment: String::new(),
        })
    };
    let err = rate(&session.queue[0].id, 6).await.unwrap_err();
    assert_eq!(err.message, "helpful: a Likert rating is 1 to 5, not 6");
    let err = owner
        .reviews_rate(ReviewsRateReq {
            review_id: review.id.clone(),
            item: session.queue[0].id.clone(),
            metric: "helpful".into(),
            value: RatingValue::Choice(Choice::First),
            comment: String::new(),
        })
        .await
        .unwrap_err();
    assert!(
        err.message.contains("cannot be a choice value"),
        "{}",
        err.message
    );
    rate(&session.queue[0].id, 5).await.unwrap();
    rate(&session.queue[1].id, 2).await.unwrap();
    assert!(owner
        .reviews_unrate(ReviewsUnrateReq {
            review_id: review.id.clone(),
            item: session.queue[1].id.clone(),
            metric: "helpful".into(),
        })
        .await
        .unwrap());
    let results = owner
        .reviews_results(ReviewRef {
            id: review.id.clone(),
        })
        .await
        .unwrap();
    assert_eq!(results.ratings, 1);
    let rated: Vec<_> = results.metrics[0]
        .variants
        .iter()
        .filter(|v| v.ratings > 0)
        .collect();
    assert_eq!(rated.len(), 1);
    assert_eq!(rated[0].mean.as_ref().unwrap().estimate, 5.0);

    // Without a rater in Settings, rating is refused with the way out.
    set_rater(&owner, "", "").await;
    let err = owner
        .reviews_session(ReviewRef {
            id: review.id.clone(),
        })
        .await
        .unwrap_err();
    assert!(
        err.message.contains("Settings → Reviews"),
        "{}",
        err.message
    );
    let mut s = owner.settings_get().await.unwrap();
    s.rater = RaterIdentity {
        name: "No Mail".into(),
        email: "not-an-address".into(),
    };
    let err = owner.settings_save(s).await.unwrap_err();
    assert_eq!(
        err.message,
        "rater: \"not-an-address\" is not an email address (name@example.com)"
    );

    // Deleting the review deletes its ratings.
    owner
        .reviews_delete(ReviewRef {
            id: review.id.clone(),
        })
        .await
        .unwrap();
    assert!(owner
        .reviews_list()
        .await
        .unwrap()
        .iter()
        .all(|r| r.id != review.id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_keep_the_rater_and_the_runs_defaults_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let engine = Engine::open(&data).await.unwrap();
    let mut s = engine.settings_get().await.unwrap();
    s.runs.concurrency = 9;
    s.runs.confirm_above_usd = 2.5;
    s.rater = RaterIdentity {
        name: " Ada ".into(),
        email: "ada@example.com".into(),
    };
    engine.settings_save(s).await.unwrap();
    engine.close().await;
    let engine = Engine::open(&data).await.unwrap();
    let s = engine.settings_get().await.unwrap();
    assert_eq!((s.runs.concurrency, s.runs.confirm_above_usd), (9, 2.5));
    assert_eq!(
        (s.rater.name.as_str(), s.rater.email.as_str()),
        ("Ada", "ada@example.com")
    );
}
