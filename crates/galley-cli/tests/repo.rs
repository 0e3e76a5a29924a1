//! `galley export`, `galley import` and `galley eval FILE.galley.yaml` as real processes: a
//! blueprint with an evaluator and a gate travels through a folder to another data folder, and
//! a CI runner with an empty data folder evaluates the exported file directly.

use bedrock_sim::{Sim, SimConfig};
use galley_engine::core::eval::{Check, Evaluator, Thresholds};
use galley_engine::core::BlueprintContent;
use galley_engine::*;
use support::{galley, run};

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

/// Saves one more version of "Capitals" in the data folder `dir`.
async fn save(dir: &std::path::Path, system: &str, message: &str) {
    let e = Engine::open(dir).await.unwrap();
    let id = e.blueprint_by_name("Capitals").await.unwrap().id;
    let mut c = BlueprintContent::chat(system, "{{ question }}");
    c.model.provider = "bedrock".into();
    c.model.model_id = "amazon.nova-lite-v1:0".into();
    e.versions_save(VersionsSaveReq {
        id,
        content: c,
        message: message.into(),
    })
    .await
    .unwrap();
    e.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conflict_exits_1_until_resolved_and_export_can_init_and_branch() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (ana, ben) = (tmp.path().join("ana"), tmp.path().join("ben"));
    let gitconfig = tmp.path().join("gitconfig");
    std::fs::write(
        &gitconfig,
        "[user]\n\tname = Ana\n\temail = ana@example.com\n[init]\n\tdefaultBranch = main\n",
    )
    .unwrap();
    let cli = |data: &std::path::Path| {
        let mut c = galley(data, tmp.path(), &sim);
        c.env("GIT_CONFIG_GLOBAL", &gitconfig)
            .env("GIT_CONFIG_NOSYSTEM", "1");
        c
    };
    seed(&ana).await;

    // Export into a new repository, on a branch.
    let (code, out, err) = run(cli(&ana).args([
        "export", "--to", "repo", "--init", "--branch", "prompts", "--commit", "Prompts",
    ]));
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("on branch prompts") && out.contains("committed "),
        "{out}"
    );

    run(cli(&ben).args(["import", "repo"]));
    save(&ben, "Ben's way.", "ben v2").await;
    save(&ana, "Ana's way.", "ana v2").await;
    run(cli(&ana).args(["export", "--to", "repo"]));

    let (code, out, err) = run(cli(&ben).args(["import", "repo"]));
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("CONFLICT  Capitals: version 2 differs"),
        "{out}"
    );
    assert!(out.contains("Galley  v2: “ben v2” by "), "{out}");
    assert!(out.contains("file    v2: “ana v2” by "), "{out}");
    assert!(
        err.contains("--resolve capitals.galley.yaml=keep, capitals.galley.yaml=copy or"),
        "{err}"
    );
    let (code, _, err) = run(cli(&ben).args(["import", "repo", "--resolve", "capitals=maybe"]));
    assert_eq!(code, Some(2));
    assert!(err.contains("`maybe` is not a choice"), "{err}");

    let (code, out, err) =
        run(cli(&ben).args(["import", "repo", "--resolve", "capitals.galley.yaml=theirs"]));
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(
        out.contains("the file's 1 version from v2 on: added after Galley's v2 as v3"),
        "{out}"
    );
    let e = Engine::open(&ben).await.unwrap();
    let id = e.blueprint_by_name("Capitals").await.unwrap().id;
    let mut versions = e
        .blueprints_open(BlueprintRef { id })
        .await
        .unwrap()
        .versions;
    versions.sort_by_key(|v| v.number);
    assert_eq!(
        versions
            .iter()
            .map(|v| v.message.as_str())
            .collect::<Vec<_>>(),
        ["gated", "ben v2", "ana v2 (v2 in capitals.galley.yaml)"]
    );
}
