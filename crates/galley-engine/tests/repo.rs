//! Blueprints exported to a folder and imported into another Galley: the same versions (numbers,
//! messages, authors, times, hashes) and labels; exporting again writes nothing new; new versions
//! travel as updates, a hand edit of the latest version becomes a new version, a diverged
//! history and a broken file are refused without touching anything.

use std::path::Path;

use galley_engine::core::{BlueprintContent, Label};
use galley_engine::*;

async fn engine(dir: &Path) -> Engine {
    Engine::open(&dir.join("data")).await.unwrap()
}

async fn blueprint(e: &Engine, name: &str, systems: &[&str]) -> String {
    let bp = e
        .blueprints_create(BlueprintsCreateReq {
            name: name.into(),
            tags: vec!["support".into()],
        })
        .await
        .unwrap();
    for (i, system) in systems.iter().enumerate() {
        e.versions_save(VersionsSaveReq {
            id: bp.id.clone(),
            content: BlueprintContent::chat(system, "Answer this: {{ question }}\n\nBe kind."),
            message: format!("step {}", i + 1),
        })
        .await
        .unwrap();
    }
    bp.id
}

async fn label(e: &Engine, id: &str, label: Label, version: u32) {
    e.labels_move(LabelsMoveReq {
        id: id.into(),
        label,
        version,
    })
    .await
    .unwrap();
}

async fn history(e: &Engine, name: &str) -> (Vec<VersionMeta>, Vec<(Label, u32)>) {
    let bp = e.blueprint_by_name(name).await.unwrap();
    let opened = e.blueprints_open(BlueprintRef { id: bp.id }).await.unwrap();
    let mut versions = opened.versions;
    versions.sort_by_key(|v| v.number);
    let mut labels: Vec<_> = opened.labels.iter().map(|l| (l.label, l.version)).collect();
    labels.sort();
    (versions, labels)
}

fn export_to(dir: &Path) -> RepoExportReq {
    RepoExportReq {
        dir: dir.display().to_string(),
        ..Default::default()
    }
}

fn import_from(dir: &Path) -> RepoImportReq {
    RepoImportReq {
        path: dir.display().to_string(),
        dry_run: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blueprints_travel_through_a_folder_with_their_history() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let ana = engine(&tmp.path().join("ana")).await;
    let reply = blueprint(
        &ana,
        "Support reply",
        &["Be brief.", "Be brief and warm.", "  Be brief: #1 rule"],
    )
    .await;
    label(&ana, &reply, Label::Prod, 2).await;
    label(&ana, &reply, Label::Dev, 3).await;
    blueprint(&ana, "Triage", &["Classify the e-mail."]).await;

    // Only prod blueprints, first as a plan.
    let plan = ana
        .repo_export(RepoExportReq {
            label: Some(Label::Prod),
            dry_run: true,
            ..export_to(&repo)
        })
        .await
        .unwrap();
    let paths: Vec<_> = plan
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.change))
        .collect();
    assert_eq!(
        paths,
        [
            ("blueprints/support-reply.galley.yaml", FileChange::Added),
            ("schemas/blueprint.schema.json", FileChange::Added)
        ]
    );
    assert!(!repo.exists(), "a dry run writes nothing");

    let all = ana.repo_export(export_to(&repo)).await.unwrap();
    assert_eq!(all.files.len(), 3);
    let file = repo.join("blueprints/support-reply.galley.yaml");
    let first = std::fs::read_to_string(&file).unwrap();
    assert!(
        first.contains("name: Support reply") && first.contains("prod: 2"),
        "{first}"
    );
    let again = ana.repo_export(export_to(&repo)).await.unwrap();
    assert!(again
        .files
        .iter()
        .all(|f| f.change == FileChange::Unchanged));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        first,
        "exporting twice yields no diff"
    );

    // A colleague imports the folder: the same history and labels.
    let ben = engine(&tmp.path().join("ben")).await;
    let dry = ben
        .repo_import(RepoImportReq {
            dry_run: true,
            ..import_from(&repo)
        })
        .await
        .unwrap();
    assert_eq!(
        dry.iter().map(|i| i.outcome).collect::<Vec<_>>(),
        [ImportOutcome::New, ImportOutcome::New]
    );
    assert!(ben
        .blueprints_list(BlueprintsListReq::default())
        .await
        .unwrap()
        .is_empty());
    let done = ben.repo_import(import_from(&repo)).await.unwrap();
    let reply_item = done.iter().find(|i| i.name == "Support reply").unwrap();
    assert_eq!(
        (reply_item.outcome, reply_item.versions_added),
        (ImportOutcome::New, 3)
    );
    assert_eq!(
        history(&ben, "Support reply").await,
        history(&ana, "Support reply").await
    );
    assert_eq!(history(&ben, "Triage").await, history(&ana, "Triage").await);
    let unchanged = ben.repo_import(import_from(&repo)).await.unwrap();
    assert!(
        unchanged
            .iter()
            .all(|i| i.outcome == ImportOutcome::Unchanged),
        "{unchanged:?}"
    );
    // Lossless: Ben's own export is byte for byte Ana's.
    let copy = tmp.path().join("copy");
    ben.repo_export(export_to(&copy)).await.unwrap();
    for f in &all.files {
        assert_eq!(
            std::fs::read(copy.join(&f.path)).unwrap(),
            std::fs::read(repo.join(&f.path)).unwrap(),
            "{} differs after a round trip",
            f.path
        );
    }

    // Ana adds v4 and promotes it: the file changes, Ben gets one version and the label move.
    ana.versions_save(VersionsSaveReq {
        id: reply.clone(),
        content: BlueprintContent::chat("Be brief, warm and exact.", "{{ question }}"),
        message: "exact".into(),
    })
    .await
    .unwrap();
    label(&ana, &reply, Label::Prod, 4).await;
    let changed = ana.repo_export(export_to(&repo)).await.unwrap();
    let modified: Vec<_> = changed
        .files
        .iter()
        .filter(|f| f.change == FileChange::Modified)
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(modified, ["blueprints/support-reply.galley.yaml"]);
    let update = ben.repo_import(import_from(&repo)).await.unwrap();
    let u = update.iter().find(|i| i.name == "Support reply").unwrap();
    assert_eq!((u.outcome, u.versions_added), (ImportOutcome::Updated, 1));
    assert_eq!(u.labels_moved, ["prod → v4"]);
    assert_eq!(
        history(&ben, "Support reply").await,
        history(&ana, "Support reply").await
    );

    // A hand edit of the latest version in the file becomes Ben's v5, with the label on it.
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("Be brief, warm and exact.", "Be brief, warm, exact."),
    )
    .unwrap();
    let edited = ben.repo_import(import_from(&repo)).await.unwrap();
    let e = edited.iter().find(|i| i.name == "Support reply").unwrap();
    assert_eq!(
        (e.outcome, e.versions_added),
        (ImportOutcome::Updated, 1),
        "{}",
        e.message
    );
    let (versions, labels) = history(&ben, "Support reply").await;
    assert_eq!(versions.len(), 5);
    assert_eq!(versions[4].message, "Edited in support-reply.galley.yaml");
    assert!(labels.contains(&(Label::Prod, 5)), "{labels:?}");

    // Diverged: Ana's v5 is not Ben's v5. Nothing is imported from that file.
    ana.versions_save(VersionsSaveReq {
        id: reply.clone(),
        content: BlueprintContent::chat("Something else.", "{{ question }}"),
        message: "other v5".into(),
    })
    .await
    .unwrap();
    ana.repo_export(export_to(&repo)).await.unwrap();
    let before = history(&ben, "Support reply").await;
    let diverged = ben.repo_import(import_from(&repo)).await.unwrap();
    let d = diverged.iter().find(|i| i.name == "Support reply").unwrap();
    assert_eq!(d.outcome, ImportOutcome::Conflict);
    assert!(d.message.contains("version 5 differs"), "{}", d.message);
    assert_eq!(
        history(&ben, "Support reply").await,
        before,
        "nothing changed"
    );

    // A broken file is reported by name and line; the other files still import.
    std::fs::write(
        repo.join("blueprints/broken.galley.yaml"),
        "format: galley.blueprint\nname: [unclosed\n",
    )
    .unwrap();
    let mixed = ben.repo_import(import_from(&repo)).await.unwrap();
    let broken = mixed
        .iter()
        .find(|i| i.file.ends_with("broken.galley.yaml"))
        .unwrap();
    assert_eq!(broken.outcome, ImportOutcome::Invalid);
    assert!(
        broken.message.starts_with("broken.galley.yaml: ") && broken.message.contains("line"),
        "{}",
        broken.message
    );
    assert!(mixed
        .iter()
        .any(|i| i.name == "Triage" && i.outcome == ImportOutcome::Unchanged));
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Ana")
        .env("GIT_AUTHOR_EMAIL", "ana@example.com")
        .env("GIT_COMMITTER_NAME", "Ana")
        .env("GIT_COMMITTER_EMAIL", "ana@example.com")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_with_datasets_and_the_workflow_is_one_commit() {
    // The engine runs git as the user would: its identity comes from the environment here.
    for (k, v) in [
        ("GIT_AUTHOR_NAME", "Ana"),
        ("GIT_AUTHOR_EMAIL", "ana@example.com"),
        ("GIT_COMMITTER_NAME", "Ana"),
        ("GIT_COMMITTER_EMAIL", "ana@example.com"),
        ("GIT_CONFIG_NOSYSTEM", "1"),
    ] {
        std::env::set_var(k, v);
    }
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let ana = engine(&tmp.path().join("ana")).await;
    let id = blueprint(&ana, "Capitals", &["Answer briefly."]).await;
    label(&ana, &id, Label::Prod, 1).await;
    ana.datasets_import(DatasetsImportReq {
        path: None,
        text: Some("question,reference\nCapital of Peru?,Lima\n".into()),
        format: None,
        dataset_id: None,
        name: Some("Capitals".into()),
    })
    .await
    .unwrap();
    let req = RepoExportReq {
        datasets: true,
        workflow: true,
        commit: Some("Export prod blueprints".into()),
        ..export_to(&repo)
    };

    let err = ana.repo_export(req.clone()).await.unwrap_err();
    assert!(
        err.message.contains("is not in a git repository"),
        "{}",
        err.message
    );
    assert!(
        !repo.exists(),
        "nothing written when the commit cannot happen"
    );

    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    let done = ana.repo_export(req.clone()).await.unwrap();
    let sha = done.commit.clone().expect("a commit");
    assert_eq!(git(&repo, &["rev-parse", "HEAD"]).trim(), sha);
    let mut committed: Vec<String> = git(&repo, &["show", "--name-only", "--format=", "HEAD"])
        .lines()
        .map(str::to_string)
        .collect();
    committed.sort();
    assert_eq!(
        committed,
        [
            ".github/workflows/galley-eval.yml",
            "blueprints/capitals.galley.yaml",
            "datasets/capitals.csv",
            "schemas/blueprint.schema.json"
        ]
    );
    assert_eq!(
        git(&repo, &["log", "--format=%s"]).trim(),
        "Export prod blueprints"
    );
    assert_eq!(
        std::fs::read_to_string(repo.join("datasets/capitals.csv")).unwrap(),
        "question,reference,category,tags\nCapital of Peru?,Lima,,\n"
    );
    // The workflow is YAML a CI reads: one job whose steps run galley eval per blueprint.
    let wf: serde_json::Value = serde_saphyr::from_str(
        &std::fs::read_to_string(repo.join(".github/workflows/galley-eval.yml")).unwrap(),
    )
    .unwrap();
    let steps = wf["jobs"]["eval"]["steps"].as_array().unwrap();
    let run = steps
        .iter()
        .find(|s| s["name"] == "Evaluate blueprints")
        .unwrap()["run"]
        .as_str()
        .unwrap();
    assert!(
        run.contains(r#"galley eval "$file" --label prod --dataset "datasets/$name.csv""#),
        "{run}"
    );
    assert!(wf["on"]["pull_request"].is_object());

    // Nothing changed: no new commit.
    let again = ana.repo_export(req).await.unwrap();
    assert_eq!(again.commit, None);
    assert_eq!(git(&repo, &["rev-list", "--count", "HEAD"]).trim(), "1");
}
