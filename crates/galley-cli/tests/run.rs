//! `galley run` as a real process against bedrock-sim: a grid with its summary, and a run killed
//! with SIGKILL mid-way that `galley runs resume` completes without calling a finished cell
//! again.

use std::process::Stdio;
use std::time::{Duration, Instant};

use bedrock_sim::{Sim, SimConfig};
use galley_engine::*;
use support::galley;

mod support;

const NOVA: &str = "amazon.nova-lite-v1:0";

fn stream_calls(sim: &Sim) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.operation == "ConverseStream")
        .count()
}

fn write_inputs(path: &std::path::Path, n: usize) {
    let lines: Vec<String> = (0..n)
        .map(|i| format!("{{\"country\": \"Country {i}\"}}"))
        .collect();
    std::fs::write(path, lines.join("\n")).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_prints_its_summary_and_lands_in_the_history() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    support::seed_capitals(&data).await;
    let out = galley(&data, tmp.path(), &sim)
        .args([
            "run",
            "capitals",
            "--models",
            &format!("bedrock:{NOVA},bedrock:amazon.nova-micro-v1:0"),
        ])
        .args(["--var", "country=France", "--repeats", "2", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["status"], "finished");
    assert_eq!(summary["cellsOk"], 4);
    assert_eq!(summary["source"], "cli");
    assert_eq!(stream_calls(&sim), 4);
    let id = summary["id"].as_str().unwrap().to_string();

    let out = galley(&data, tmp.path(), &sim)
        .args(["runs", "export", &id, "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert_eq!(csv.lines().count(), 5);
    assert!(
        csv.contains("echo: What is the capital of France?"),
        "{csv}"
    );

    // a bad model is an error naming it, exit 2
    let out = galley(&data, tmp.path(), &sim)
        .args([
            "run",
            "capitals",
            "--models",
            "gpt-4o",
            "--var",
            "country=Peru",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`gpt-4o` does not name a model"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_run_resumes_without_calling_finished_cells_again() {
    let sim = Sim::start(SimConfig {
        tokens_per_sec: Some(40.0),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    support::seed_capitals(&data).await;
    let inputs = tmp.path().join("inputs.jsonl");
    write_inputs(&inputs, 12);
    let mut child = galley(&data, tmp.path(), &sim)
        .args(["run", "Capitals", "--inputs"])
        .arg(&inputs)
        .args(["--concurrency", "2", "--json"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    // wait for some finished cells, then SIGKILL
    let engine = Engine::open(&data).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let run = loop {
        let runs = engine.runs_list(RunsListReq::default()).await.unwrap();
        if let Some(r) = runs.first().filter(|r| r.cells_ok >= 3) {
            assert_eq!(r.status, RunStatus::Running);
            break r.clone();
        }
        assert!(Instant::now() < deadline, "the run made no progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let killed = engine
        .runs_get(RunRef {
            run_id: run.id.clone(),
        })
        .await
        .unwrap();
    assert_eq!(killed.summary.status, RunStatus::Interrupted);
    let finished_before = killed.cells.len();
    assert!((3..12).contains(&finished_before), "{finished_before}");
    let calls_before = stream_calls(&sim);

    let out = galley(&data, tmp.path(), &sim)
        .args(["runs", "resume", &run.id, "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let detail = engine.runs_get(RunRef { run_id: run.id }).await.unwrap();
    assert_eq!(detail.summary.status, RunStatus::Finished);
    assert_eq!(detail.cells.len(), 12);
    let mut inputs: Vec<u32> = detail.cells.iter().map(|c| c.key.input).collect();
    inputs.dedup();
    assert_eq!(
        inputs,
        (0..12).collect::<Vec<_>>(),
        "every cell exactly once"
    );
    // none of the cells finished before the kill was called again
    assert_eq!(stream_calls(&sim) - calls_before, 12 - finished_before);
    for c in &detail.cells {
        assert_eq!(
            c.text,
            format!("echo: What is the capital of Country {}?", c.key.input)
        );
    }
    engine.close().await;
}
