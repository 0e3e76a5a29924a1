//! `galley reviews` as a real process: a pairwise review made from a `galley run`, its pack
//! rated on another desktop (an engine in its own data folder), the ratings merged (twice: the
//! second time only duplicates), an edited file refused, and the results and CSV written.

use bedrock_sim::{Sim, SimConfig};
use galley_engine::core::review::{Choice, RatingValue};
use galley_engine::*;
use support::galley;

mod support;

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_makes_a_review_hands_out_its_pack_and_merges_ratings() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    support::seed_capitals(&data).await;
    let inputs = tmp.path().join("inputs.jsonl");
    std::fs::write(
        &inputs,
        ["France", "Peru", "Japan", "Kenya"]
            .map(|c| format!("{{\"country\": \"{c}\"}}"))
            .join("\n"),
    )
    .unwrap();
    let run = ok(&galley(&data, tmp.path(), &sim)
        .args([
            "run",
            "capitals",
            "--models",
            "bedrock:amazon.nova-lite-v1:0,bedrock:amazon.nova-micro-v1:0",
        ])
        .args(["--inputs", inputs.to_str().unwrap(), "--json"])
        .output()
        .unwrap());
    let run: serde_json::Value = serde_json::from_str(&run).unwrap();
    let run_id = run["id"].as_str().unwrap();

    let out = galley(&data, tmp.path(), &sim)
        .args([
            "reviews",
            "create",
            run_id,
            "--title",
            "Lite or micro",
            "--columns",
            "1,2,3",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("the run has 2 columns; there is no column 3"));
    let created = ok(&galley(&data, tmp.path(), &sim)
        .args([
            "reviews",
            "create",
            run_id,
            "--title",
            "Lite or micro",
            "--columns",
            "1,2",
        ])
        .args([
            "--metric",
            "overall:choice",
            "--instructions",
            "Pick the better answer.",
        ])
        .output()
        .unwrap());
    assert!(created.contains("Lite or micro (4 items)"), "{created}");
    let pack = tmp.path().join("lite-or-micro.review.json");
    ok(&galley(&data, tmp.path(), &sim)
        .args([
            "reviews",
            "pack",
            "lite or micro",
            "lite-or-micro.review.json",
        ])
        .output()
        .unwrap());
    let pack_text = std::fs::read_to_string(&pack).unwrap();
    assert!(!pack_text.contains("nova"), "the pack names no model");

    // A rater on another desktop rates every item "A".
    let rater_dir = tempfile::tempdir().unwrap();
    let rater = Engine::open(&rater_dir.path().join("data")).await.unwrap();
    let mut s = rater.settings_get().await.unwrap();
    s.rater = RaterIdentity {
        name: "Ravi".into(),
        email: "ravi@example.com".into(),
    };
    rater.settings_save(s).await.unwrap();
    let review = rater
        .reviews_import_pack(ReviewsImportReq {
            path: Some(pack.display().to_string()),
            ..Default::default()
        })
        .await
        .unwrap();
    let session = rater
        .reviews_session(ReviewRef {
            id: review.id.clone(),
        })
        .await
        .unwrap();
    for item in &session.queue {
        rater
            .reviews_rate(ReviewsRateReq {
                review_id: review.id.clone(),
                item: item.id.clone(),
                metric: "overall".into(),
                value: RatingValue::Choice(Choice::First),
                comment: String::new(),
            })
            .await
            .unwrap();
    }
    let ratings = tmp.path().join("ravi.ratings.json");
    rater
        .reviews_export_ratings(ReviewsFileReq {
            id: review.id.clone(),
            path: ratings.display().to_string(),
        })
        .await
        .unwrap();
    rater.close().await;

    let merged = ok(&galley(&data, tmp.path(), &sim)
        .args(["reviews", "merge", "Lite or micro", "ravi.ratings.json"])
        .output()
        .unwrap());
    assert!(
        merged.contains("Ravi <ravi@example.com>: 4 added, 0 already here, 0 conflicting"),
        "{merged}"
    );
    let again = ok(&galley(&data, tmp.path(), &sim)
        .args(["reviews", "merge", "Lite or micro", "ravi.ratings.json"])
        .output()
        .unwrap());
    assert!(again.contains("0 added, 4 already here"), "{again}");
    let edited = std::fs::read_to_string(&ratings).unwrap().replacen(
        "\"name\": \"Ravi\"",
        "\"name\": \"Eve\"",
        1,
    );
    assert!(
        edited.contains("\"name\": \"Eve\""),
        "the edit changes the file"
    );
    std::fs::write(tmp.path().join("edited.json"), edited).unwrap();
    let out = galley(&data, tmp.path(), &sim)
        .args(["reviews", "merge", "Lite or micro", "edited.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("edited.json: the file was changed after it was exported"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let results = ok(&galley(&data, tmp.path(), &sim)
        .args([
            "reviews",
            "results",
            "Lite or micro",
            "--json",
            "--csv",
            "ratings.csv",
        ])
        .output()
        .unwrap());
    let results: serde_json::Value = serde_json::from_str(&results).unwrap();
    assert_eq!(results["ratings"], 4);
    let pair = &results["metrics"][0]["pairs"][0];
    assert_eq!(
        pair["firstWins"].as_u64().unwrap() + pair["secondWins"].as_u64().unwrap(),
        4
    );
    let csv = std::fs::read_to_string(tmp.path().join("ratings.csv")).unwrap();
    assert_eq!(csv.lines().count(), 5, "{csv}");
    let listed = ok(&galley(&data, tmp.path(), &sim)
        .args(["reviews", "list"])
        .output()
        .unwrap());
    assert!(
        listed.contains("Lite or micro") && listed.contains("1 raters") && listed.contains("yours"),
        "{listed}"
    );
}
