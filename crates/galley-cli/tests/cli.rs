//! The real `galley` binary on a temporary data folder, seeded through the same engine the app
//! uses. Never touches the user's data: GALLEY_DATA_DIR points at a temp dir.

use assert_cmd::Command;
use galley_engine::core::{BlueprintContent, Label, MessageTemplate, Role, VarType, VariableDecl};
use galley_engine::*;
use predicates::prelude::*;

async fn seed(dir: &std::path::Path) {
    let e = Engine::open_with(dir, std::sync::Arc::new(SystemClock), "ci".into())
        .await
        .unwrap();
    let bp = e
        .blueprints_create(BlueprintsCreateReq {
            name: "Support reply".into(),
            tags: vec!["support".into()],
        })
        .await
        .unwrap();
    let mut c = BlueprintContent {
        system: "You are a {{ tone }} support agent.".into(),
        messages: vec![MessageTemplate {
            role: Role::User,
            template: "Customer asks: {{ question }}".into(),
        }],
        variables: vec![VariableDecl {
            name: "tone".into(),
            var_type: VarType::String,
            default: Some("calm".into()),
            description: "voice".into(),
        }],
        ..Default::default()
    };
    e.versions_save(VersionsSaveReq {
        id: bp.id.clone(),
        content: c.clone(),
        message: "first".into(),
    })
    .await
    .unwrap();
    c.system = "You are a {{ tone }}, brief support agent.".into();
    e.versions_save(VersionsSaveReq {
        id: bp.id.clone(),
        content: c,
        message: "brief".into(),
    })
    .await
    .unwrap();
    e.labels_move(LabelsMoveReq {
        id: bp.id.clone(),
        label: Label::Prod,
        version: 1,
    })
    .await
    .unwrap();
    e.blueprints_create(BlueprintsCreateReq {
        name: "Empty one".into(),
        tags: vec![],
    })
    .await
    .unwrap();
    e.close().await;
}

fn galley(dir: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("galley").unwrap();
    cmd.env("GALLEY_DATA_DIR", dir)
        .env_remove("RUST_LOG")
        .env("HOME", dir);
    cmd
}

#[tokio::test]
async fn list_show_and_render() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path()).await;

    galley(dir.path())
        .args(["blueprints", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("NAME            LATEST   PROD  TAGS\nEmpty one            -      -\nSupport reply       v2     v1  support\n"));

    let out = galley(dir.path())
        .args(["blueprints", "list", "--json"])
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[1]["name"], "Support reply");
    assert_eq!(list[1]["latestVersion"], 2);
    assert_eq!(list[1]["prodVersion"], 1);

    galley(dir.path())
        .args(["blueprints", "show", "support reply", "--label", "prod"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "Support reply v1 [prod]\nmessage: first\nauthor:  ci\n",
        ))
        .stdout(predicate::str::contains(
            "── system ──\nYou are a {{ tone }} support agent.",
        ));

    let out = galley(dir.path())
        .args(["blueprints", "show", "Support reply", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"]["number"], 2);
    assert_eq!(
        v["content"]["system"],
        "You are a {{ tone }}, brief support agent."
    );

    galley(dir.path())
        .args(["render", "Support reply", "--var", "question=Where is my parcel?"])
        .assert()
        .success()
        .stdout("── system ──\nYou are a calm, brief support agent.\n\n── user ──\nCustomer asks: Where is my parcel?\n");

    let out = galley(dir.path())
        .args([
            "render",
            "Support reply",
            "--version",
            "1",
            "--var",
            "question=Hi",
            "--var",
            "tone=warm",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["messages"][0]["text"], "You are a warm support agent.");
    assert_eq!(
        v["messages"][1],
        serde_json::json!({"role": "user", "text": "Customer asks: Hi"})
    );
}

#[tokio::test]
async fn errors_are_clear_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path()).await;
    galley(dir.path())
        .args(["render", "Support reply"])
        .assert()
        .code(2)
        .stderr("error: cannot render `Support reply` v2:\n  message 1 (user) line 1, column 19: undefined variable `question`: give it a value or a default\n");
    galley(dir.path())
        .args(["blueprints", "show", "Nope"])
        .assert()
        .code(2)
        .stderr("error: blueprint `Nope` not found\n");
    galley(dir.path())
        .args(["blueprints", "show", "Empty one"])
        .assert()
        .code(2)
        .stderr("error: `Empty one` has no saved version yet\n");
    galley(dir.path())
        .args(["render", "Support reply", "--label", "qa"])
        .assert()
        .code(2)
        .stderr("error: unknown label `qa`: use dev, staging or prod\n");
    galley(dir.path())
        .args([
            "render",
            "Support reply",
            "--label",
            "staging",
            "--var",
            "question=x",
        ])
        .assert()
        .code(2)
        .stderr("error: label `staging` of `Support reply` is not set\n");
    galley(dir.path())
        .args(["render", "Support reply", "--var", "question"])
        .assert()
        .code(2)
        .stderr("error: --var `question`: write it as name=value\n");
}

#[test]
fn help_and_empty_store() {
    let dir = tempfile::tempdir().unwrap();
    galley(dir.path())
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("blueprints").and(predicate::str::contains("render")));
    galley(dir.path())
        .args(["blueprints", "list"])
        .assert()
        .success()
        .stdout("no blueprints\n");
    assert!(dir.path().join("galley.sqlite").exists());
}

#[test]
fn a_newer_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    galley(dir.path())
        .args(["blueprints", "list"])
        .assert()
        .success();
    // Mark the schema as written by a future Galley, through SQLite itself.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use sqlx::Connection;
        let url = format!("sqlite://{}", dir.path().join("galley.sqlite").display());
        let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (42, 'future', 1, x'00', 0)")
            .execute(&mut c).await.unwrap();
        c.close().await.unwrap();
    });
    galley(dir.path())
        .args(["blueprints", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "was written by a newer Galley (schema 42",
        ));
}

#[test]
fn non_utf8_arguments_are_refused_clearly() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let bad = std::ffi::OsStr::from_bytes(b"question=caf\xe9");
    galley(dir.path())
        .args(["render", "Support reply", "--var"])
        .arg(bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid UTF-8"));
}
