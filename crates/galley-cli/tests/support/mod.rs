//! What the CLI tests share: the `galley` binary set up for bedrock-sim, in a temporary home
//! (no real `~/.aws`) and data folder.
#![allow(dead_code)] // each test file uses part of it

use assert_cmd::cargo::CommandCargoExt;
use bedrock_sim::Sim;

/// `galley` with its data folder, a home with no AWS files, the simulator's credentials and
/// endpoint, run from `home`.
pub fn galley(data: &std::path::Path, home: &std::path::Path, sim: &Sim) -> std::process::Command {
    let mut cmd = std::process::Command::cargo_bin("galley").unwrap();
    cmd.env("GALLEY_DATA_DIR", data)
        .env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", "AKIDSIMULATOR")
        .env("AWS_SECRET_ACCESS_KEY", "sim-secret-key")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", home.join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("none"))
        .env("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", sim.url())
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .current_dir(home);
    cmd
}

/// A data folder with the blueprint "Capitals": one version, "What is the capital of
/// {{ country }}?" on Nova Lite, answering briefly.
pub async fn seed_capitals(dir: &std::path::Path) {
    use galley_engine::core::BlueprintContent;
    use galley_engine::{BlueprintsCreateReq, Engine, VersionsSaveReq};
    let e = Engine::open(dir).await.unwrap();
    let bp = e
        .blueprints_create(BlueprintsCreateReq {
            name: "Capitals".into(),
            tags: vec![],
        })
        .await
        .unwrap();
    let mut c = BlueprintContent::chat("Answer briefly.", "What is the capital of {{ country }}?");
    c.model.provider = "bedrock".into();
    c.model.model_id = "amazon.nova-lite-v1:0".into();
    e.versions_save(VersionsSaveReq {
        id: bp.id,
        content: c,
        message: "first".into(),
    })
    .await
    .unwrap();
    e.close().await;
}

/// Runs a command to its end: (exit code, stdout, stderr).
pub fn run(cmd: &mut std::process::Command) -> (Option<i32>, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Validates a JUnit file against the schema `make test` provides (`GALLEY_JUNIT_XSD`) with
/// xmllint; without it (a plain `cargo test`), says so.
pub fn validate_junit(path: &std::path::Path) {
    let Ok(xsd) = std::env::var("GALLEY_JUNIT_XSD") else {
        eprintln!("GALLEY_JUNIT_XSD is not set: the JUnit schema check is left to `make test`");
        return;
    };
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--schema", &xsd])
        .arg(path)
        .output()
        .expect("xmllint (Debian libxml2-utils) runs");
    assert!(
        out.status.success(),
        "the JUnit report does not validate against {xsd}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
