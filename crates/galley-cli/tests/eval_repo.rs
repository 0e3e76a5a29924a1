//! `galley eval DIR` on an exported repository, as CI runs it against bedrock-sim: the folder is
//! imported into an empty data folder, every blueprint with a dataset of the same name is
//! evaluated (at a label, or its latest version), the others are listed as not evaluated, and
//! one JUnit / Markdown / JSON report covers them all; exit 0 when every threshold holds, 1 when
//! one fails, 2 on an error. Bad input is refused by file (and line) with the data folder left
//! as it was.

use std::path::Path;

use bedrock_sim::{Sim, SimConfig};
use galley_engine::core::eval::{Check, Evaluator, Thresholds};
use galley_engine::core::{BlueprintContent, Label};
use galley_engine::*;
use support::{galley, run, validate_junit};

mod support;

/// The simulator echoes the question: three of four carry their answer (75%).
const CSV: &str = "question,reference,category\n\
\"What is the capital of France? Paris\",Paris,europe\n\
\"What is the capital of Spain? Madrid\",Madrid,europe\n\
\"What is the capital of Peru?\",Lima,americas\n\
\"What is the capital of Chile? Santiago\",Santiago,americas\n";

fn gated(system: &str, min_pass_rate: f64) -> BlueprintContent {
    let mut c = BlueprintContent::chat(system, "{{ question }}");
    c.model.provider = "bedrock".into();
    c.model.model_id = "amazon.nova-lite-v1:0".into();
    c.evaluators = vec![Evaluator {
        name: "names the city".into(),
        weight: 1.0,
        check: Check::Icontains {
            value: "{{ reference }}".into(),
        },
    }];
    c.thresholds = Thresholds {
        min_pass_rate: Some(min_pass_rate),
        ..Default::default()
    };
    c
}

/// "Capitals": v1 gates at 50% (prod, holds), v2 at 90% (staging, fails); its dataset
/// "Capitals". "Triage": one gated version at prod, no dataset.
async fn seed(dir: &Path) {
    let e = Engine::open(dir).await.unwrap();
    for (name, versions) in [
        (
            "Capitals",
            vec![
                ("Answer briefly.", 0.5, Label::Prod),
                ("Answer in one word.", 0.9, Label::Staging),
            ],
        ),
        ("Triage", vec![("Name the team.", 0.5, Label::Prod)]),
    ] {
        let bp = e
            .blueprints_create(BlueprintsCreateReq {
                name: name.into(),
                tags: vec![],
            })
            .await
            .unwrap();
        for (i, (system, min, label)) in versions.into_iter().enumerate() {
            e.versions_save(VersionsSaveReq {
                id: bp.id.clone(),
                content: gated(system, min),
                message: system.into(),
            })
            .await
            .unwrap();
            e.labels_move(LabelsMoveReq {
                id: bp.id.clone(),
                label,
                version: i as u32 + 1,
            })
            .await
            .unwrap();
        }
    }
    e.datasets_import(DatasetsImportReq {
        path: None,
        text: Some(CSV.into()),
        format: None,
        dataset_id: None,
        name: Some("Capitals".into()),
    })
    .await
    .unwrap();
    e.close().await;
}

/// (blueprints, blueprint versions, datasets, dataset versions) of a data folder.
async fn counts(dir: &Path) -> (usize, u32, usize, u32) {
    let e = Engine::open(dir).await.unwrap();
    let bps = e
        .blueprints_list(BlueprintsListReq::default())
        .await
        .unwrap();
    let ds = e.datasets_list().await.unwrap();
    e.close().await;
    (
        bps.len(),
        bps.iter().filter_map(|b| b.latest_version).sum(),
        ds.len(),
        ds.iter().filter_map(|d| d.latest_version).sum(),
    )
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A repository exported by Ana: two blueprints, one dataset, the workflow.
async fn exported(tmp: &Path, sim: &Sim) -> std::path::PathBuf {
    let ana = tmp.join("ana");
    seed(&ana).await;
    let (code, _, err) =
        run(galley(&ana, tmp, sim).args(["export", "--to", "repo", "--datasets", "--workflow"]));
    assert_eq!(code, Some(0), "{err}");
    let repo = tmp.join("repo");
    assert!(repo.join("datasets/capitals.csv").is_file());
    assert!(!repo.join("datasets/triage.csv").exists());
    repo
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_repository_is_evaluated_in_one_command() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let repo = exported(tmp.path(), &sim).await;
    let ci = tmp.path().join("ci");
    std::fs::create_dir_all(tmp.path().join("reports")).unwrap();

    // At prod: Capitals v1 holds its 50% gate; Triage has no dataset.
    let (code, out, err) = run(galley(&ci, tmp.path(), &sim).args([
        "eval",
        "repo",
        "--label",
        "prod",
        "--junit",
        "reports/galley.xml",
        "--markdown",
        "reports/galley.md",
        "--report-json",
        "reports/galley.json",
    ]));
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(
        out.contains("blueprints/triage.galley.yaml: not evaluated: no datasets/triage.csv\n"),
        "{out}"
    );
    assert!(
        out.contains("blueprints/capitals.galley.yaml: evaluating v1 (prod)\n"),
        "{out}"
    );
    assert!(out.contains("Capitals: 4 cases from capitals v1"), "{out}");
    assert!(
        out.contains("pass 75.0% [") && out.contains("PASS pass rate"),
        "{out}"
    );
    assert!(
        out.contains("2 blueprints: 1 evaluated (1 pass, 0 fail), 1 not evaluated\n"),
        "{out}"
    );
    assert!(out.trim_end().ends_with("gate: pass"), "{out}");
    // The folder came in whole: both blueprints with their versions, the dataset.
    assert_eq!(counts(&ci).await, (2, 3, 1, 1));

    let junit = tmp.path().join("reports/galley.xml");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<testsuite ").count(), 2, "{xml}");
    assert!(
        xml.contains("tests=\"5\" failures=\"1\" errors=\"0\""),
        "4 cases (one without its city) and the threshold: {xml}"
    );
    assert!(xml.contains("<testsuite name=\"Capitals: "), "{xml}");
    assert!(
        xml.contains(
            "<testsuite name=\"Triage\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\""
        ),
        "{xml}"
    );
    assert!(
        xml.contains(
            "<skipped message=\"blueprints/triage.galley.yaml: no datasets/triage.csv\"/>"
        ),
        "{xml}"
    );
    validate_junit(&junit);
    let md = std::fs::read_to_string(tmp.path().join("reports/galley.md")).unwrap();
    assert!(
        md.starts_with("# Galley eval: 1 of 2 blueprints evaluated — ✅ every threshold holds\n"),
        "{md}"
    );
    assert!(
        md.contains(
            "| Triage | blueprints/triage.galley.yaml | not evaluated: no datasets/triage.csv |"
        ),
        "{md}"
    );
    assert!(md.contains("\n## Galley eval: Capitals — ✅"), "{md}");
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("reports/galley.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["gatePass"], true);
    let entries = json["blueprints"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["blueprint"], "Capitals");
    assert_eq!(entries[0]["summary"]["cases"], 4);
    assert_eq!(entries[0]["scores"].as_array().unwrap().len(), 4);
    assert_eq!(entries[1]["evaluated"], false);
    assert_eq!(entries[1]["note"], "no datasets/triage.csv");

    // At staging: Capitals v2 misses its 90% gate (exit 1); Triage has no dataset either way.
    let (code, out, err) = run(galley(&ci, tmp.path(), &sim).args([
        "eval",
        "repo",
        "--label",
        "staging",
        "--junit",
        "reports/staging.xml",
    ]));
    assert_eq!(code, Some(1), "{out}\n{err}");
    assert!(out.contains("evaluating v2 (staging)"), "{out}");
    assert!(out.contains("FAIL pass rate"), "{out}");
    assert!(
        out.contains("2 blueprints: 1 evaluated (0 pass, 1 fail), 1 not evaluated\n"),
        "{out}"
    );
    assert!(
        out.trim_end()
            .ends_with("gate: FAIL (blueprints/capitals.galley.yaml)"),
        "{out}"
    );
    let xml = std::fs::read_to_string(tmp.path().join("reports/staging.xml")).unwrap();
    assert!(xml.contains("type=\"threshold\""), "{xml}");
    validate_junit(&tmp.path().join("reports/staging.xml"));

    // A label a blueprint lacks: skipped with a line; the one given dataset for every blueprint.
    let (code, out, err) = run(galley(&ci, tmp.path(), &sim).args([
        "eval",
        "repo",
        "--label",
        "prod",
        "--dataset",
        "capitals",
    ]));
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(
        out.contains("2 blueprints: 2 evaluated (2 pass, 0 fail), 0 not evaluated\n"),
        "{out}"
    );
    let (code, out, _) = run(galley(&ci, tmp.path(), &sim).args([
        "eval",
        "repo",
        "--label",
        "dev",
        "--dataset",
        "capitals",
    ]));
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains(
            "blueprints/capitals.galley.yaml: not evaluated: `Capitals` has no dev label\n"
        ),
        "{out}"
    );

    // The blueprints/ folder stands for its repository; no label: the latest versions.
    let (code, out, err) = run(galley(&ci, tmp.path(), &sim).args(["eval", "repo/blueprints"]));
    assert_eq!(code, Some(1), "{out}\n{err}");
    assert!(
        out.contains("blueprints/capitals.galley.yaml: evaluating v2\n"),
        "{out}"
    );
    assert_eq!(
        counts(&ci).await,
        (2, 3, 1, 1),
        "importing again added nothing"
    );

    // The exported workflow runs exactly this, once.
    let wf = std::fs::read_to_string(repo.join(".github/workflows/galley-eval.yml")).unwrap();
    assert!(
        wf.contains(
            "galley eval . --label prod --junit reports/galley.xml --markdown reports/galley.md"
        ),
        "{wf}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_by_file_and_line_and_changes_nothing() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let repo = exported(tmp.path(), &sim).await;

    // A broken dataset file in the repository: its line named, nothing imported.
    let broken = tmp.path().join("broken");
    copy_dir(&repo, &broken);
    let csv = broken.join("datasets/capitals.csv");
    let mut text = std::fs::read_to_string(&csv).unwrap();
    text.push_str("\"What is the capital of Italy?\",Rome,europe,,too many\n");
    std::fs::write(&csv, text).unwrap();

    // A blueprint file of a newer Galley in the folder.
    let newer = tmp.path().join("newer");
    copy_dir(&repo, &newer);
    let file = std::fs::read_to_string(newer.join("blueprints/capitals.galley.yaml")).unwrap();
    assert!(file.contains("\nformatVersion: 1\n"), "{file}");
    std::fs::write(
        newer.join("blueprints/future.galley.yaml"),
        file.replace("\nformatVersion: 1\n", "\nformatVersion: 7\n")
            .replace("name: Capitals", "name: Future"),
    )
    .unwrap();

    // A folder without blueprint files.
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(empty.join("datasets")).unwrap();
    std::fs::copy(
        repo.join("datasets/capitals.csv"),
        empty.join("datasets/capitals.csv"),
    )
    .unwrap();

    let cases: [(&[&str], &[&str]); 5] = [
        (
            &[
                "eval",
                "repo/blueprints/capitals.galley.yaml",
                "--dataset",
                "repo/datasets/missing.csv",
            ],
            &["the dataset file repo/datasets/missing.csv does not exist"],
        ),
        (
            &["eval", "repo", "--dataset", "datasets/missing.csv"],
            &["the dataset file datasets/missing.csv does not exist"],
        ),
        (
            &["eval", "broken", "--label", "prod"],
            &[
                "broken: a file was not imported, nothing was evaluated:",
                "datasets/capitals.csv: line 6: ",
            ],
        ),
        (
            &["eval", "newer", "--label", "prod"],
            &[
                "future.galley.yaml: ",
                "line 4, `formatVersion`",
                "formatVersion 7, but this Galley reads formatVersion 1 at most",
            ],
        ),
        (
            &["eval", "empty"],
            &["holds no blueprint files (*.galley.yaml)"],
        ),
    ];
    for (i, (args, says)) in cases.iter().enumerate() {
        let data = tmp.path().join(format!("data-{i}"));
        let (code, out, err) = run(galley(&data, tmp.path(), &sim).args(*args));
        assert_eq!(code, Some(2), "{args:?}: {out}\n{err}");
        for s in *says {
            assert!(err.contains(s), "{args:?} should say {s:?}: {err}");
        }
        assert_eq!(
            counts(&data).await,
            (0, 0, 0, 0),
            "{args:?} left the data folder as it was"
        );
    }

    // A data folder that already has the repository: a refused file changes nothing there
    // either.
    let ci = tmp.path().join("ci");
    let (code, _, err) = run(galley(&ci, tmp.path(), &sim).args(["import", "repo"]));
    assert_eq!(code, Some(0), "{err}");
    let before = counts(&ci).await;
    assert_eq!(before, (2, 3, 1, 1));
    let mut edited = std::fs::read_to_string(repo.join("datasets/capitals.csv")).unwrap();
    edited.push_str("\"What is the capital of Italy? Rome\",Rome,europe,\n");
    std::fs::write(broken.join("datasets/capitals.csv"), &edited).unwrap();
    std::fs::write(
        broken.join("blueprints/capitals.galley.yaml"),
        "format: galley.blueprint\nname: [\n",
    )
    .unwrap();
    let (code, _, err) = run(galley(&ci, tmp.path(), &sim).args(["eval", "broken"]));
    assert_eq!(code, Some(2));
    assert!(
        err.contains("capitals.galley.yaml: ") && err.contains("line "),
        "{err}"
    );
    assert_eq!(
        counts(&ci).await,
        before,
        "the changed dataset beside it was not imported"
    );
    // No dataset for any blueprint: nothing to evaluate is an error.
    std::fs::remove_dir_all(broken.join("datasets")).unwrap();
    std::fs::copy(
        repo.join("blueprints/capitals.galley.yaml"),
        broken.join("blueprints/capitals.galley.yaml"),
    )
    .unwrap();
    let (code, out, err) = run(galley(&ci, tmp.path(), &sim).args(["eval", "broken"]));
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("blueprints/capitals.galley.yaml: not evaluated: no datasets/capitals.csv\n"),
        "{out}"
    );
    assert!(
        err.contains("no blueprint in broken can be evaluated"),
        "{err}"
    );
}
