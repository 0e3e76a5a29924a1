//! The unsigned `/_sim/*` endpoints and the `bedrock-sim` binary, as another process uses them.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use bedrock_sim::LoggedRequest;
use common::{runtime, sim, user};
use serde_json::{json, Value};

#[tokio::test]
async fn scripts_and_faults_set_over_http_drive_the_sdk() {
    let sim = sim().await;
    let http = reqwest::Client::new();
    let model = "meta.llama3-3-70b-instruct-v1:0";
    let res = http
        .post(format!("{}/_sim/script", sim.url()))
        .json(&json!({"modelId": model, "text": "Rome.", "stopReason": "end_turn"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = http
        .post(format!("{}/_sim/fault", sim.url()))
        .json(&json!({"modelId": model, "fault": {"kind": "status", "status": 503, "errorType": "ServiceUnavailableException", "times": 1}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let out = runtime(&sim)
        .converse()
        .model_id(model)
        .messages(user("Capital of Italy?"))
        .send()
        .await
        .unwrap();
    let text = out.output().unwrap().as_message().unwrap().content()[0]
        .as_text()
        .unwrap()
        .clone();
    assert_eq!(text, "Rome.");

    let log: Vec<LoggedRequest> = http
        .get(format!("{}/_sim/requests", sim.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let statuses: Vec<u16> = log.iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![503, 200], "503 is retried");
    assert_eq!(log[1].attempt, Some(2));

    let raw: Value = http
        .get(format!("{}/_sim/requests", sim.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(raw[0]["modelId"], model);
    assert_eq!(raw[0]["signatureValid"], true);

    http.post(format!("{}/_sim/clear", sim.url()))
        .send()
        .await
        .unwrap();
    assert!(sim.requests().is_empty());

    let bad = http
        .post(format!("{}/_sim/fault", sim.url()))
        .json(&json!({"modelId": model, "fault": {"kind": "nonsense"}}))
        .send()
        .await
        .unwrap();
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

    let res: Value = reqwest::Client::new()
        .post(format!("{url}/model/amazon.nova-micro-v1%3A0/converse"))
        .json(&json!({"messages": [{"role": "user", "content": [{"text": "hi"}]}]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(res["output"]["message"]["content"][0]["text"], "echo: hi");
    assert_eq!(res["usage"]["totalTokens"], 3);
    child.kill().unwrap();
    child.wait().unwrap();
}
