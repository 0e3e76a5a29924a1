//! `galley export --repo DIR --format X` and `galley import FILE` with neighbouring tools'
//! formats, as real processes: the paths written, the notes printed per file, the exit codes,
//! and a refused format named with the choices.

use std::path::Path;
use std::process::{Command, Output};

use assert_cmd::cargo::CommandCargoExt;
use support::seed_capitals;

mod support;

fn galley(data: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("galley")
        .unwrap()
        .env("GALLEY_DATA_DIR", data)
        .env("HOME", data.parent().unwrap())
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_writes_each_format_with_its_notes() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    seed_capitals(&data).await;
    let repo = tmp.path().join("repo");
    let repo_arg = repo.display().to_string();
    for (format, path) in [
        ("prompt-yml", "prompts/capitals.prompt.yml"),
        ("prompty", "prompts/capitals.prompty"),
        ("promptfoo", "promptfoo/capitals/promptfooconfig.yaml"),
        ("bedrock", "bedrock/capitals.json"),
    ] {
        let o = galley(&data, &["export", "--repo", &repo_arg, "--format", format]);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(0), "{format}: {out}{err}");
        assert!(out.starts_with(&format!("added     {path}\n")), "{out}");
        assert!(repo.join(path).is_file(), "{path}");
    }
    let o = galley(
        &data,
        &["export", "--repo", &repo_arg, "--format", "prompt-yml"],
    );
    let (out, _) = text(&o);
    assert_eq!(
        out,
        format!(
            "unchanged prompts/capitals.prompt.yml\n\
             note  prompts/capitals.prompt.yml: model `amazon.nova-lite-v1:0` is a Bedrock model \
             id: GitHub Models runs the models of its own catalog (publisher/model)\n\
             note  prompts/capitals.prompt.yml: variable \"country\" has no default and there is \
             no dataset: the test leaves it empty\n\
             0 files written to {repo_arg}\n"
        )
    );
    // `--to` still works; the galley format is the default.
    let o = galley(&data, &["export", "--to", &repo_arg, "--dry-run"]);
    let (out, _) = text(&o);
    assert!(
        out.starts_with("added     blueprints/capitals.galley.yaml\n"),
        "{out}"
    );
    let o = galley(
        &data,
        &["export", "--repo", &repo_arg, "--format", "dotprompt"],
    );
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        err,
        "error: unknown export format `dotprompt`: use one of galley, prompt-yml, prompty, \
         promptfoo, bedrock\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_reads_an_exported_file_back() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    seed_capitals(&data).await;
    let repo = tmp.path().join("repo");
    let repo_arg = repo.display().to_string();
    let o = galley(
        &data,
        &["export", "--repo", &repo_arg, "--format", "bedrock"],
    );
    assert_eq!(o.status.code(), Some(0));
    let file = repo.join("bedrock/capitals.json");
    let file_arg = file.display().to_string();
    // Into another data folder: a new blueprint; again: unchanged.
    let other = tmp.path().join("other");
    let o = galley(&other, &["import", &file_arg]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert_eq!(out, "new       Capitals: new blueprint with 1 version\n");
    let o = galley(&other, &["import", &file_arg]);
    assert_eq!(
        text(&o).0,
        "unchanged Capitals: already up to date: the latest version has this content\n"
    );
    // Back into the first, whose version declares no variable: the imported content declares
    // `country`, so it differs and becomes version 2.
    let o = galley(&data, &["import", &file_arg]);
    assert_eq!(
        text(&o).0,
        "updated   Capitals: 1 version added: the content differs from the latest version\n"
    );
    let prompty = repo.join("bad.prompty");
    std::fs::write(
        &prompty,
        "---\nname: x\nmodel:\n  id: m\n  provider: cohere\n---\nuser:\nhi\n",
    )
    .unwrap();
    let o = galley(&data, &["import", &prompty.display().to_string()]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        out,
        format!(
            "INVALID   {}: bad.prompty, `model.provider`: `cohere`: Galley runs bedrock, openai or \
             local models\n",
            prompty.display()
        )
    );
    assert_eq!(err, "1 of 1 files were not imported\n");
}
