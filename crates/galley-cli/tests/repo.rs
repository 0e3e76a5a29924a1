//! `galley export`, `galley import` and `galley eval FILE.galley.yaml` as real processes: a
//! blueprint with an evaluator and a gate travels through a folder to another data folder, and
//! a CI runner with an empty data folder evaluates the exported file directly.

use bedrock_sim::{Sim, SimConfig};
use galley_engine::core::eval::{Check, Evaluator, Thresholds};
use galley_engine::core::BlueprintContent;
use galley_engine::*;
use support::galley;

mod support;

async fn seed(dir: &std::path::Path) {
    let e = Engine::open(dir).await.unwrap();
    let bp = e
        .blueprints_create(BlueprintsCreateReq {
            name: "Capitals".into(),
            tags: vec![],
        })
        .await
        .unwrap();
    let mut c = BlueprintContent::chat("Answer briefly.", "{{ question }}");
    c.model.provider = "bedrock".into();
    c.model.model_id = "amazon.nova-lite-v1:0".into();
    c.evaluators = vec![Evaluator {
        name: "names the city".into(),
        weight: 1.0,
        check: Check::Contains {
            value: "{{ reference }}".into(),
        },
    }];
    c.thresholds = Thresholds {
        min_pass_rate: Some(0.5),
        ..Default::default()
    };
    e.versions_save(VersionsSaveReq {
        id: bp.id.clone(),
        content: c,
        message: "gated".into(),
    })
    .await
    .unwrap();
    e.labels_move(LabelsMoveReq {
        id: bp.id,
        label: galley_engine::core::Label::Prod,
        version: 1,
    })
    .await
    .unwrap();
    e.close().await;
}

fn run(cmd: &mut std::process::Command) -> (Option<i32>, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blueprints_go_to_a_folder_come_back_and_are_evaluated_from_their_file() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (ana, ben, ci) = (
        tmp.path().join("ana"),
        tmp.path().join("ben"),
        tmp.path().join("ci"),
    );
    seed(&ana).await;

    let (code, out, _) = run(galley(&ana, tmp.path(), &sim).args([
        "export",
        "--to",
        "repo",
        "--label",
        "prod",
        "--dry-run",
    ]));
    assert_eq!(code, Some(0));
    assert!(
        out.contains("added     blueprints/capitals.galley.yaml"),
        "{out}"
    );
    assert!(
        !tmp.path().join("repo").exists(),
        "a dry run writes nothing"
    );
    let (code, out, err) = run(galley(&ana, tmp.path(), &sim).args(["export", "--to", "repo"]));
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("2 files written"), "{out}");
    let (_, out, _) = run(galley(&ana, tmp.path(), &sim).args(["export", "--to", "repo"]));
    assert!(
        out.contains("unchanged blueprints/capitals.galley.yaml")
            && out.contains("0 files written"),
        "{out}"
    );

    let (code, out, err) = run(galley(&ben, tmp.path(), &sim).args(["import", "repo"]));
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("new       Capitals: new blueprint with 1 version (prod → v1)"),
        "{out}"
    );
    let (_, out, _) = run(galley(&ben, tmp.path(), &sim).args(["blueprints", "list"]));
    assert!(out.contains("Capitals"), "{out}");

    // CI: an empty data folder evaluates the file itself at its prod label.
    std::fs::write(
        tmp.path().join("cases.csv"),
        "question,reference\n\"Capital of France? Paris\",Paris\n\"Capital of Peru?\",Lima\n",
    )
    .unwrap();
    let (code, out, err) = run(galley(&ci, tmp.path(), &sim).args([
        "eval",
        "repo/blueprints/capitals.galley.yaml",
        "--label",
        "prod",
        "--dataset",
        "cases.csv",
    ]));
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(
        out.contains("pass 50.0% [") && out.contains("PASS pass rate"),
        "{out}"
    );

    // A broken file: exit 1 from import, 2 from eval, each naming the file.
    std::fs::write(
        tmp.path().join("repo/blueprints/broken.galley.yaml"),
        "name: [\n",
    )
    .unwrap();
    let (code, out, err) = run(galley(&ben, tmp.path(), &sim).args(["import", "repo"]));
    assert_eq!(code, Some(1));
    assert!(
        out.contains("INVALID") && out.contains("broken.galley.yaml: "),
        "{out}"
    );
    assert!(err.contains("1 of 2 files were not imported"), "{err}");
    let (code, _, err) = run(galley(&ci, tmp.path(), &sim).args([
        "eval",
        "repo/blueprints/broken.galley.yaml",
        "--dataset",
        "cases.csv",
    ]));
    assert_eq!(code, Some(2));
    assert!(err.contains("broken.galley.yaml: "), "{err}");
}
