//! `galley eval` as a real process against bedrock-sim, the way CI runs it: exit 0 when every
//! threshold holds, 1 when one fails, 2 on an error; the JUnit XML validates against the JUnit
//! schema (`GALLEY_JUNIT_XSD`, which `make test` provides) with xmllint; `galley datasets`.

use bedrock_sim::{Script, Sim, SimConfig};
use galley_engine::core::eval::{Check, Evaluator, JudgeConfig, Thresholds};
use galley_engine::core::BlueprintContent;
use galley_engine::*;
use support::{galley, validate_junit};

mod support;

const NOVA: &str = "amazon.nova-lite-v1:0";
const JUDGE: &str = "anthropic.claude-3-5-haiku-20241022-v1:0";

/// The simulator echoes the question: three of four carry their answer.
const CSV: &str = "question,reference,category\n\
\"What is the capital of France? Paris\",Paris,europe\n\
\"What is the capital of Spain? Madrid\",Madrid,europe\n\
\"What is the capital of Peru?\",Lima,americas\n\
\"What is the capital of Chile? Santiago\",Santiago,americas\n";

/// v1 gates at a 70% pass rate (holds: 75%), v2 at 90% (fails); v3 has no evaluators.
async fn seed(dir: &std::path::Path) {
    let e = Engine::open(dir).await.unwrap();
    let bp = e
        .blueprints_create(BlueprintsCreateReq {
            name: "Capitals".into(),
            tags: vec![],
        })
        .await
        .unwrap();
    for (system, min_pass, evaluators) in [
        ("Answer briefly.", Some(0.7), true),
        ("Answer in one word.", Some(0.9), true),
        ("Answer.", None, false),
    ] {
        let mut c = BlueprintContent::chat(system, "{{ question }}");
        c.model.provider = "bedrock".into();
        c.model.model_id = NOVA.into();
        if evaluators {
            c.evaluators = vec![
                Evaluator {
                    name: "names the city".into(),
                    weight: 1.0,
                    check: Check::Icontains {
                        value: "{{ reference }}".into(),
                    },
                },
                Evaluator {
                    name: "correct".into(),
                    weight: 1.0,
                    check: Check::Judge(JudgeConfig {
                        metric: "correctness".into(),
                        rubric: None,
                        model: format!("bedrock:{JUDGE}"),
                        pass_score: 0.5,
                    }),
                },
            ];
            c.thresholds = Thresholds {
                min_pass_rate: min_pass,
                ..Default::default()
            };
        }
        e.versions_save(VersionsSaveReq {
            id: bp.id.clone(),
            content: c,
            message: system.into(),
        })
        .await
        .unwrap();
    }
    e.close().await;
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gate_passes_fails_and_errs_with_its_exit_codes() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    sim.script(
        JUDGE,
        Script::text("{\"reasoning\": \"Right city.\", \"score\": 5}"),
    );
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    seed(&data).await;
    std::fs::write(tmp.path().join("capitals.csv"), CSV).unwrap();

    // passes: exit 0, reports written
    let out = galley(&data, tmp.path(), &sim)
        .args(["eval", "Capitals", "--version", "1"])
        .args(["--dataset", "capitals.csv"])
        .args(["--junit", "out/junit.xml"])
        .args(["--markdown", "out/report.md"])
        .args(["--report-json", "out/report.json"])
        .output()
        .unwrap();
    // the out/ folder does not exist: writing the reports fails, exit 2
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("cannot write"),
        "{}",
        text(&out.stderr)
    );
    std::fs::create_dir_all(tmp.path().join("out")).unwrap();
    let out = galley(&data, tmp.path(), &sim)
        .args(["eval", "Capitals", "--version", "1"])
        .args(["--dataset", "capitals.csv"])
        .args(["--junit", "out/junit.xml"])
        .args(["--markdown", "out/report.md"])
        .args(["--report-json", "out/report.json"])
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    assert!(stdout.contains("4 cases from capitals v1"), "{stdout}");
    assert!(stdout.contains("pass 75.0% ["), "{stdout}");
    assert!(stdout.contains("PASS pass rate"), "{stdout}");
    assert!(stdout.trim_end().ends_with("gate: pass"), "{stdout}");
    let junit = tmp.path().join("out/junit.xml");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("tests=\"5\" failures=\"1\" errors=\"0\""),
        "{xml}"
    );
    validate_junit(&junit);
    let md = std::fs::read_to_string(tmp.path().join("out/report.md")).unwrap();
    assert!(md.starts_with("## Galley eval: Capitals — ✅"), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("out/report.json")).unwrap())
            .unwrap();
    assert_eq!(json["summary"]["gatePass"], true);

    // the file became a dataset; by name and version now, on v2: its threshold fails, exit 1
    let out = galley(&data, tmp.path(), &sim)
        .args(["datasets", "list"])
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains("capitals"),
        "{}",
        text(&out.stdout)
    );
    let out = galley(&data, tmp.path(), &sim)
        .args([
            "eval",
            "capitals",
            "--version",
            "2",
            "--dataset",
            "capitals@1",
        ])
        .args(["--junit", "out/junit2.xml"])
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    assert!(stdout.contains("FAIL pass rate"), "{stdout}");
    assert!(stdout.trim_end().ends_with("gate: FAIL"), "{stdout}");
    let xml = std::fs::read_to_string(tmp.path().join("out/junit2.xml")).unwrap();
    assert!(xml.contains("type=\"threshold\""), "{xml}");
    validate_junit(&tmp.path().join("out/junit2.xml"));

    // every call failing (here: a wrong secret key) is an error, not a verdict: exit 2
    let out = galley(&data, tmp.path(), &sim)
        .env("AWS_SECRET_ACCESS_KEY", "not-the-secret")
        .args([
            "eval",
            "Capitals",
            "--version",
            "1",
            "--dataset",
            "capitals",
        ])
        .args(["--junit", "out/junit3.xml", "--no-cache"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("no case got an answer"), "{stderr}");
    assert!(stderr.contains("(4 of 4 calls failed)"), "{stderr}");
    assert!(
        tmp.path().join("out/junit3.xml").exists(),
        "the reports are still written"
    );
    assert!(!stderr.contains("not-the-secret"), "{stderr}");

    // errors, exit 2: a missing blueprint, a version without evaluators, a missing dataset,
    // a label that points nowhere, a bad dataset file (its lines named)
    std::fs::write(
        tmp.path().join("bad.csv"),
        "question,reference\n\"a\",b\n\"c\",d,e\n",
    )
    .unwrap();
    for (args, says) in [
        (vec!["eval", "Nope", "--dataset", "capitals"], "Nope"),
        (
            vec![
                "eval",
                "Capitals",
                "--version",
                "3",
                "--dataset",
                "capitals",
            ],
            "has no evaluators",
        ),
        (
            vec!["eval", "Capitals", "--version", "1", "--dataset", "missing"],
            "no dataset is called `missing`",
        ),
        (
            vec![
                "eval",
                "Capitals",
                "--label",
                "prod",
                "--dataset",
                "capitals",
            ],
            "prod",
        ),
        (
            vec!["eval", "Capitals", "--version", "1", "--dataset", "bad.csv"],
            "line 3",
        ),
        (
            vec!["eval", "Capitals", "--version", "1"],
            "--dataset is required",
        ),
    ] {
        let out = galley(&data, tmp.path(), &sim)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stdout)
        );
        let stderr = text(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn datasets_import_and_export_from_the_command_line() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    seed(&data).await;
    std::fs::write(tmp.path().join("capitals.csv"), CSV).unwrap();
    let out = galley(&data, tmp.path(), &sim)
        .args(["datasets", "import", "capitals.csv", "--name", "World"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "World v1: 4 cases imported");
    // the same file again is no new version
    let out = galley(&data, tmp.path(), &sim)
        .args(["datasets", "import", "capitals.csv", "--into", "world"])
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stdout).trim(),
        "World: unchanged (the cases equal v1)"
    );
    let out = galley(&data, tmp.path(), &sim)
        .args(["datasets", "export", "World", "--format", "bedrock-jsonl"])
        .output()
        .unwrap();
    let jsonl = text(&out.stdout);
    assert_eq!(jsonl.lines().count(), 4);
    assert!(jsonl.starts_with(
        "{\"prompt\":\"What is the capital of France? Paris\",\"referenceResponse\":\"Paris\",\"category\":\"europe\"}\n"
    ));
    let out = galley(&data, tmp.path(), &sim)
        .args(["datasets", "export", "World", "--format", "xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("use csv, jsonl or bedrock-jsonl"));
}
