//! The unsigned `/_sim/*` endpoints and the `bedrock-sim` binary, as another process uses them.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use bedrock_sim::LoggedRequest;
use common::{get_json, post_json, send_converse, sim};
use serde_json::{json, Value};

#[tokio::test]
async fn scripts_and_faults_set_over_http_drive_the_sdk() {
    let sim = sim().await;
    let url = sim.url();
    let model = "meta.llama3-3-70b-instruct-v1:0";
    let res = post_json(
        &url,
        "/_sim/script",
        &json!({"modelId": model, "text": "Rome.", "stopReason": "end_turn"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = post_json(
        &url,
        "/_sim/fault",
        &json!({"modelId": model, "fault": {"kind": "status", "status": 503, "errorType": "ServiceUnavailableException", "times": 1}}),
    )
    .await;
    assert_eq!(res.status(), 200);

    let out = send_converse(&sim, model, "Capital of Italy?")
        .await
        .unwrap();
    let text = out.output().unwrap().as_message().unwrap().content()[0]
        .as_text()
        .unwrap()
        .clone();
    assert_eq!(text, "Rome.");

    let log: Vec<LoggedRequest> = get_json(&url, "/_sim/requests").await;
    let statuses: Vec<u16> = log.iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![503, 200], "503 is retried");
    assert_eq!(log[1].attempt, Some(2));

    let raw: Value = get_json(&url, "/_sim/requests").await;
    assert_eq!(raw[0]["modelId"], model);
    assert_eq!(raw[0]["signatureValid"], true);

    reqwest::Client::new()
        .post(format!("{url}/_sim/clear"))
        .send()
        .await
        .unwrap();
    assert!(sim.requests().is_empty());

    let bad = post_json(
        &url,
        "/_sim/fault",
        &json!({"modelId": model, "fault": {"kind": "nonsense"}}),
    )
    .await;
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn the_binary_prints_its_url_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bedrock-sim"))
        .args(["--port", "0", "--no-verify"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("bedrock-sim listening on ")
        .expect("url line")
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let res: Value = post_json(
        &url,
        "/model/amazon.nova-micro-v1%3A0/converse",
        &json!({"messages": [{"role": "user", "content": [{"text": "hi"}]}]}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(res["output"]["message"]["content"][0]["text"], "echo: hi");
    assert_eq!(res["usage"]["totalTokens"], 3);
    child.kill().unwrap();
    child.wait().unwrap();
}
