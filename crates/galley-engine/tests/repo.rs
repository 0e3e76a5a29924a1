//! Blueprints exported to a folder and imported into another Galley: the same versions (numbers,
//! messages, authors, times, hashes) and labels; exporting again writes nothing new; new versions
//! travel as updates, a hand edit of the latest version becomes a new version, a diverged
//! history and a broken file are refused without touching anything.

use std::path::Path;

use galley_engine::core::{BlueprintContent, Label};
use galley_engine::*;
use support::engine;

mod support;

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
        ..Default::default()
    }
}

/// Git as a user has it, but hermetic: HOME and the global configuration in a temporary folder
/// (identity "Galley Tests", first branch `main`), no system configuration. Set once for the
/// whole test binary, since the environment is the process's.
fn hermetic_git() {
    static HOME: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    HOME.get_or_init(|| {
        let home = tempfile::tempdir().unwrap().keep();
        let config = home.join("gitconfig");
        std::fs::write(
            &config,
            "[user]\n\tname = Galley Tests\n\temail = tests@galley.invalid\n[init]\n\tdefaultBranch = main\n",
        )
        .unwrap();
        for k in [
            "GIT_AUTHOR_NAME",
            "GIT_AUTHOR_EMAIL",
            "GIT_COMMITTER_NAME",
            "GIT_COMMITTER_EMAIL",
            "GIT_DIR",
            "GIT_WORK_TREE",
        ] {
            std::env::remove_var(k);
        }
        std::env::set_var("HOME", &home);
        std::env::set_var("GIT_CONFIG_GLOBAL", &config);
        std::env::set_var("GIT_CONFIG_NOSYSTEM", "1");
        home
    });
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
    // The engine runs git as the user would, with the (temporary) global configuration.
    hermetic_git();
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
    // The workflow is YAML a CI reads: one job whose steps run galley eval once on the folder.
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
        run.contains(
            "galley eval . --label prod --junit reports/galley.xml --markdown reports/galley.md"
        ),
        "{run}"
    );
    assert_eq!(run.matches("galley eval").count(), 1, "{run}");
    assert!(run.contains("exit \"$status\""), "{run}");
    assert!(wf["on"]["pull_request"].is_object());

    // Nothing changed: no new commit.
    let again = ana.repo_export(req).await.unwrap();
    assert_eq!(again.commit, None);
    assert_eq!(git(&repo, &["rev-list", "--count", "HEAD"]).trim(), "1");
}

/// The names in a folder, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn lines(text: String) -> Vec<String> {
    let mut l: Vec<String> = text.lines().map(str::to_string).collect();
    l.sort();
    l
}

/// A repository with one commit (README.md) on `main`.
fn repo_with_readme(repo: &Path) {
    std::fs::create_dir_all(repo).unwrap();
    git(repo, &["init", "-q", "-b", "main"]);
    std::fs::write(repo.join("README.md"), "# Prompts\n").unwrap();
    git(repo, &["add", "README.md"]);
    git(repo, &["commit", "-q", "-m", "Start"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commit_is_the_users_and_holds_only_the_exported_files() {
    hermetic_git();
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    let repo = work.join("repo");
    repo_with_readme(&repo);
    git(&repo, &["config", "user.name", "Ana Lima"]);
    git(&repo, &["config", "user.email", "ana@example.com"]);
    std::fs::write(work.join("notes.txt"), "mine\n").unwrap();
    // Work in progress: a staged change and an untracked file, which the export leaves alone.
    std::fs::write(repo.join("README.md"), "# Prompts, soon\n").unwrap();
    git(&repo, &["add", "README.md"]);
    std::fs::write(repo.join("scratch.txt"), "draft\n").unwrap();
    let around = listing(&work);

    let ana = engine(&tmp.path().join("ana")).await;
    blueprint(&ana, "Capitals", &["Answer briefly."]).await;
    let plan = ana
        .repo_export(RepoExportReq {
            dry_run: true,
            ..export_to(&repo)
        })
        .await
        .unwrap();
    let state = plan.repo.expect("the folder is a repository");
    assert_eq!(
        (state.root.as_str(), state.branch.as_deref(), state.clean),
        (
            repo.canonicalize().unwrap().to_str().unwrap(),
            Some("main"),
            false
        )
    );
    assert_eq!(state.branches, ["main"]);

    let done = ana
        .repo_export(RepoExportReq {
            commit: Some("Prompts".into()),
            ..export_to(&repo)
        })
        .await
        .unwrap();
    let sha = done.commit.expect("a commit");
    assert_eq!(
        git(
            &repo,
            &["log", "-1", "--format=%an <%ae>|%cn <%ce>|%s", &sha]
        )
        .trim(),
        "Ana Lima <ana@example.com>|Ana Lima <ana@example.com>|Prompts"
    );
    assert_eq!(
        lines(git(&repo, &["show", "--name-only", "--format=", &sha])),
        [
            "blueprints/capitals.galley.yaml",
            "schemas/blueprint.schema.json"
        ]
    );
    // The staged change is still staged (not committed), the untracked file still untracked.
    assert_eq!(
        git(&repo, &["diff", "--cached", "--name-only"]).trim(),
        "README.md"
    );
    assert_eq!(
        git(&repo, &["status", "--porcelain", "scratch.txt"]).trim(),
        "?? scratch.txt"
    );
    // Nothing outside the folder changed.
    assert_eq!(listing(&work), around);
    assert_eq!(
        std::fs::read_to_string(work.join("notes.txt")).unwrap(),
        "mine\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_makes_the_folder_a_repository_once() {
    hermetic_git();
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join("notes.txt"), "mine\n").unwrap();
    let dir = work.join("prompts");
    let ana = engine(&tmp.path().join("ana")).await;
    blueprint(&ana, "Capitals", &["Answer briefly."]).await;

    let plan = ana
        .repo_export(RepoExportReq {
            init: true,
            commit: Some("First prompts".into()),
            dry_run: true,
            ..export_to(&dir)
        })
        .await
        .unwrap();
    assert_eq!(plan.repo, None, "not a repository yet");
    assert!(!dir.exists(), "a dry run initialises nothing");

    let done = ana
        .repo_export(RepoExportReq {
            init: true,
            commit: Some("First prompts".into()),
            ..export_to(&dir)
        })
        .await
        .unwrap();
    let state = done.repo.clone().expect("a repository now");
    assert_eq!(
        (state.root.as_str(), state.branch.as_deref(), state.clean),
        (
            dir.canonicalize().unwrap().to_str().unwrap(),
            Some("main"),
            true
        )
    );
    // The identity is the user's global git configuration.
    assert_eq!(
        git(&dir, &["log", "--format=%an <%ae>|%s"]).trim(),
        "Galley Tests <tests@galley.invalid>|First prompts"
    );
    assert_eq!(listing(&work), ["notes.txt", "prompts"]);
    assert_eq!(
        listing(&dir),
        [".git", "blueprints", "schemas"],
        "only the export and the repository"
    );

    let again = ana
        .repo_export(RepoExportReq {
            init: true,
            ..export_to(&dir)
        })
        .await
        .unwrap_err();
    assert!(
        again
            .message
            .contains("is already in the git repository at"),
        "{}",
        again.message
    );
    assert_eq!(git(&dir, &["rev-list", "--count", "HEAD"]).trim(), "1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_branch_is_created_from_head_switched_to_or_refused_with_gits_reason() {
    hermetic_git();
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    repo_with_readme(&repo);
    let start = git(&repo, &["rev-parse", "main"]).trim().to_string();
    let ana = engine(&tmp.path().join("ana")).await;
    blueprint(&ana, "Capitals", &["Answer briefly."]).await;
    let on = |branch: &str| RepoExportReq {
        branch: Some(branch.into()),
        commit: Some("Prompts".into()),
        ..export_to(&repo)
    };

    let bad = ana.repo_export(on("bad..name")).await.unwrap_err();
    assert_eq!(
        bad.message,
        "branch: `bad..name` is not a valid branch name"
    );

    let done = ana.repo_export(on("prompts")).await.unwrap();
    let sha = done.commit.clone().unwrap();
    assert_eq!(
        done.repo.as_ref().unwrap().branch.as_deref(),
        Some("prompts")
    );
    assert_eq!(done.repo.as_ref().unwrap().branches, ["main", "prompts"]);
    assert_eq!(git(&repo, &["rev-parse", "prompts"]).trim(), sha);
    assert_eq!(git(&repo, &["rev-parse", &format!("{sha}^")]).trim(), start);
    assert_eq!(
        git(&repo, &["rev-parse", "main"]).trim(),
        start,
        "main is untouched"
    );

    // Back on main (without the files): a preview for `prompts` compares with that branch.
    git(&repo, &["switch", "-q", "main"]);
    assert!(!repo.join("blueprints").exists());
    let plan = ana
        .repo_export(RepoExportReq {
            dry_run: true,
            ..on("prompts")
        })
        .await
        .unwrap();
    assert!(
        plan.files.iter().all(|f| f.change == FileChange::Unchanged),
        "{:?}",
        plan.files
    );
    let here = ana
        .repo_export(RepoExportReq {
            dry_run: true,
            ..export_to(&repo)
        })
        .await
        .unwrap();
    assert!(here.files.iter().all(|f| f.change == FileChange::Added));

    // An untracked file in the way of the switch: refused with git's reason, nothing written.
    std::fs::create_dir_all(repo.join("blueprints")).unwrap();
    std::fs::write(repo.join("blueprints/capitals.galley.yaml"), "mine\n").unwrap();
    let refused = ana.repo_export(on("prompts")).await.unwrap_err();
    assert!(
        refused
            .message
            .starts_with("cannot switch to the branch `prompts`: ")
            && refused.message.contains("would be overwritten"),
        "{}",
        refused.message
    );
    assert_eq!(
        std::fs::read_to_string(repo.join("blueprints/capitals.galley.yaml")).unwrap(),
        "mine\n"
    );
    assert!(!repo.join("schemas").exists());
    assert_eq!(
        git(&repo, &["symbolic-ref", "--short", "HEAD"]).trim(),
        "main"
    );
}

/// Ana's "Support reply" (v1, v2) imported by Ben, who then saves his own v3 and points dev at
/// it, while Ana saves v3 and v4 (prod on v4, staging on v3, dev on v1) and exports again.
async fn diverged(tmp: &Path, ben_name: &str) -> (Engine, std::path::PathBuf) {
    let first = tmp.join("first");
    let second = tmp.join("second");
    let ana_dir = tmp.join("ana");
    let ana = if ana_dir.exists() {
        engine(&ana_dir).await
    } else {
        let ana = Engine::open_with(
            &ana_dir.join("data"),
            std::sync::Arc::new(SystemClock),
            "ana".into(),
        )
        .await
        .unwrap();
        let id = blueprint(&ana, "Support reply", &["Be brief.", "Be brief and warm."]).await;
        ana.repo_export(export_to(&first)).await.unwrap();
        for (system, message) in [("Ana's third.", "ana v3"), ("Ana's fourth.", "ana v4")] {
            ana.versions_save(VersionsSaveReq {
                id: id.clone(),
                content: BlueprintContent::chat(system, "{{ question }}"),
                message: message.into(),
            })
            .await
            .unwrap();
        }
        label(&ana, &id, Label::Prod, 4).await;
        label(&ana, &id, Label::Staging, 3).await;
        label(&ana, &id, Label::Dev, 1).await;
        ana.repo_export(export_to(&second)).await.unwrap();
        ana
    };
    ana.close().await;
    let ben = Engine::open_with(
        &tmp.join(ben_name).join("data"),
        std::sync::Arc::new(SystemClock),
        "ben".into(),
    )
    .await
    .unwrap();
    ben.repo_import(import_from(&first)).await.unwrap();
    let id = ben.blueprint_by_name("Support reply").await.unwrap().id;
    ben.versions_save(VersionsSaveReq {
        id: id.clone(),
        content: BlueprintContent::chat("Ben's third.", "{{ question }}"),
        message: "ben v3".into(),
    })
    .await
    .unwrap();
    label(&ben, &id, Label::Dev, 3).await;
    (ben, second)
}

fn resolve(dir: &Path, choice: ImportChoice, dry_run: bool) -> RepoImportReq {
    RepoImportReq {
        dry_run,
        resolutions: vec![ImportResolution {
            file: "support-reply.galley.yaml".into(),
            choice,
        }],
        ..import_from(dir)
    }
}

fn summary(versions: &[VersionMeta]) -> Vec<(u32, Option<u32>, &str, &str)> {
    versions
        .iter()
        .map(|v| (v.number, v.parent, v.message.as_str(), v.author.as_str()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_diverged_file_is_a_conflict_with_its_facts_and_keep_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (ben, repo) = diverged(tmp.path(), "ben").await;
    let before = history(&ben, "Support reply").await;

    let open = ben.repo_import(import_from(&repo)).await.unwrap();
    let item = &open[0];
    assert_eq!(
        (item.outcome, item.resolution, item.versions_added),
        (ImportOutcome::Conflict, None, 0)
    );
    assert!(
        item.message
            .starts_with("version 3 differs from Galley's (“ben v3” here, “ana v3”"),
        "{}",
        item.message
    );
    let c = item.conflict.clone().expect("the facts");
    assert_eq!(
        (c.version, c.ours_count, c.theirs_count),
        (3, 1, 2),
        "{c:?}"
    );
    assert_eq!(
        (
            c.ours.number,
            c.ours.message.as_str(),
            c.ours.author.as_str()
        ),
        (3, "ben v3", "ben")
    );
    assert_eq!(
        (
            c.theirs.number,
            c.theirs.message.as_str(),
            c.theirs.author.as_str()
        ),
        (3, "ana v3", "ana")
    );
    assert!(c.ours.created_at.ends_with('Z') && c.theirs.created_at.ends_with('Z'));
    assert_eq!(history(&ben, "Support reply").await, before);

    let kept = ben
        .repo_import(resolve(&repo, ImportChoice::Keep, false))
        .await
        .unwrap();
    assert_eq!(
        (kept[0].outcome, kept[0].resolution),
        (ImportOutcome::Conflict, Some(ImportChoice::Keep))
    );
    assert!(kept[0].message.starts_with("kept Galley's history"));
    assert_eq!(
        history(&ben, "Support reply").await,
        before,
        "keep changes nothing"
    );
    assert_eq!(
        ben.blueprints_list(BlueprintsListReq::default())
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taking_the_files_versions_appends_them_after_galleys_with_their_labels() {
    let tmp = tempfile::tempdir().unwrap();
    let (ben, repo) = diverged(tmp.path(), "ben").await;
    let before = history(&ben, "Support reply").await;

    let preview = ben
        .repo_import(resolve(&repo, ImportChoice::Theirs, true))
        .await
        .unwrap();
    assert_eq!(
        (preview[0].versions_added, preview[0].resolution),
        (2, Some(ImportChoice::Theirs))
    );
    assert_eq!(preview[0].labels_moved, ["staging → v4", "prod → v5"]);
    assert_eq!(
        preview[0].message,
        "the file's 2 versions from v3 on: added after Galley's v3 as v4–v5"
    );
    assert_eq!(history(&ben, "Support reply").await, before, "a dry run");

    let done = ben
        .repo_import(resolve(&repo, ImportChoice::Theirs, false))
        .await
        .unwrap();
    assert_eq!(done[0], preview[0], "the preview said what happened");
    let (versions, labels) = history(&ben, "Support reply").await;
    assert_eq!(
        summary(&versions),
        [
            (1, None, "step 1", "ana"),
            (2, Some(1), "step 2", "ana"),
            (3, Some(2), "ben v3", "ben"),
            (
                4,
                Some(3),
                "ana v3 (v3 in support-reply.galley.yaml)",
                "ana"
            ),
            (
                5,
                Some(4),
                "ana v4 (v4 in support-reply.galley.yaml)",
                "ana"
            ),
        ]
    );
    // Dev stays on Ben's v3 (the file's dev points at a common version).
    assert_eq!(
        labels,
        [(Label::Dev, 3), (Label::Staging, 4), (Label::Prod, 5)]
    );
    // The appended versions are Ana's: same content, time.
    let ana = engine(&tmp.path().join("ana")).await;
    let (theirs, _) = history(&ana, "Support reply").await;
    assert_eq!(versions[3].content_hash, theirs[2].content_hash);
    assert_eq!(versions[4].content_hash, theirs[3].content_hash);
    assert_eq!(versions[4].created_at, theirs[3].created_at);
    // Importing again: still a conflict (v3 differs), now decided by keeping.
    let again = ben.repo_import(import_from(&repo)).await.unwrap();
    assert_eq!(again[0].outcome, ImportOutcome::Conflict);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn importing_as_a_copy_makes_a_new_blueprint_with_the_whole_history() {
    let tmp = tempfile::tempdir().unwrap();
    let (ben, repo) = diverged(tmp.path(), "ben").await;
    let before = history(&ben, "Support reply").await;

    let done = ben
        .repo_import(resolve(&repo, ImportChoice::Copy, false))
        .await
        .unwrap();
    assert_eq!(
        done[0].message,
        "as a new blueprint “Support reply (from support-reply.galley.yaml)” with 4 versions"
    );
    assert_eq!(
        done[0].labels_moved,
        ["dev → v1", "staging → v3", "prod → v4"]
    );
    assert_eq!(
        history(&ben, "Support reply").await,
        before,
        "the original is kept"
    );
    let ana = engine(&tmp.path().join("ana")).await;
    assert_eq!(
        history(&ben, "Support reply (from support-reply.galley.yaml)").await,
        history(&ana, "Support reply").await,
        "the copy has the file's versions and labels"
    );
    // A second copy gets the next free name.
    let next = ben
        .repo_import(resolve(&repo, ImportChoice::Copy, true))
        .await
        .unwrap();
    assert!(
        next[0]
            .message
            .contains("“Support reply (from support-reply.galley.yaml, 2)”"),
        "{}",
        next[0].message
    );
}
