//! Blueprints exported in neighbouring tools' formats through the same plan/apply as blueprint
//! files (dry run, added/modified/unchanged), the version at a label, tests from the dataset of
//! the blueprint's name, an endpoint's URL and key variable name from the settings; and one
//! foreign file imported as a new blueprint, left unchanged, then as a new version.

use std::path::Path;

use galley_engine::core::formats::ExportFormat;
use galley_engine::core::{BlueprintContent, Label};
use galley_engine::providers::OpenAiSettings;
use galley_engine::*;
use support::engine;

mod support;

/// "Capitals": v1 on Bedrock, v2 on the endpoint `sim` (labelled prod at v1); the dataset
/// "capitals" with two cases; the endpoint `sim` in the settings.
async fn seed(e: &Engine) {
    let bp = e
        .blueprints_create(BlueprintsCreateReq {
            name: "Capitals".into(),
            tags: vec![],
        })
        .await
        .unwrap();
    let mut v1 = BlueprintContent::chat("Answer briefly.", "Capital of {{ country }}?");
    v1.model.provider = "bedrock".into();
    v1.model.model_id = "amazon.nova-lite-v1:0".into();
    let mut v2 = v1.clone();
    v2.model.provider = "openai".into();
    v2.model.endpoint = Some("sim".into());
    v2.model.model_id = "gpt-4o-mini".into();
    for (c, m) in [(v1, "bedrock"), (v2, "endpoint")] {
        e.versions_save(VersionsSaveReq {
            id: bp.id.clone(),
            content: c,
            message: m.into(),
        })
        .await
        .unwrap();
    }
    e.labels_move(LabelsMoveReq {
        id: bp.id,
        label: Label::Prod,
        version: 1,
    })
    .await
    .unwrap();
    e.datasets_import(DatasetsImportReq {
        path: None,
        text: Some("country,reference\nFrance,Paris\nPeru,Lima\n".into()),
        format: Some(galley_engine::core::dataset::DatasetFormat::Csv),
        dataset_id: None,
        name: Some("capitals".into()),
    })
    .await
    .unwrap();
    let mut settings = e.settings_get().await.unwrap();
    settings.endpoints = vec![EndpointConfig {
        name: "sim".into(),
        settings: OpenAiSettings::new("http://127.0.0.1:4010/v1", Some("SIM_API_KEY")),
    }];
    e.settings_save(settings).await.unwrap();
}

fn export(dir: &Path, format: ExportFormat) -> RepoExportReq {
    RepoExportReq {
        dir: dir.display().to_string(),
        format,
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_format_is_planned_written_and_stable() {
    let tmp = tempfile::tempdir().unwrap();
    let e = engine(tmp.path()).await;
    seed(&e).await;
    let repo = tmp.path().join("repo");
    for (format, path) in [
        (ExportFormat::PromptYml, "prompts/capitals.prompt.yml"),
        (ExportFormat::Prompty, "prompts/capitals.prompty"),
        (
            ExportFormat::Promptfoo,
            "promptfoo/capitals/promptfooconfig.yaml",
        ),
        (ExportFormat::Bedrock, "bedrock/capitals.json"),
    ] {
        let dry = e
            .repo_export(RepoExportReq {
                dry_run: true,
                ..export(&repo, format)
            })
            .await
            .unwrap();
        assert_eq!(dry.files.len(), 1, "{format}: only the blueprint's file");
        assert_eq!(dry.files[0].path, path);
        assert_eq!(dry.files[0].change, FileChange::Added);
        assert_eq!(dry.files[0].blueprint.as_deref(), Some("Capitals"));
        assert!(!dry.written);
        assert!(
            !repo.join(path).exists(),
            "{format}: a dry run writes nothing"
        );

        let res = e.repo_export(export(&repo, format)).await.unwrap();
        assert_eq!(res.files[0].change, FileChange::Added);
        assert!(res
            .notes
            .iter()
            .all(|n| n.path == path && n.blueprint == "Capitals"));
        let again = e.repo_export(export(&repo, format)).await.unwrap();
        assert_eq!(again.files[0].change, FileChange::Unchanged, "{format}");
    }
    let read = |p: &str| std::fs::read_to_string(repo.join(p)).unwrap();
    // The latest version (v2, on the endpoint), tests from the dataset "capitals".
    let pf = read("promptfoo/capitals/promptfooconfig.yaml");
    assert!(pf.contains(
        "  - id: openai:chat:gpt-4o-mini\n    config:\n      apiBaseUrl: http://127.0.0.1:4010/v1\n      \
         apiKeyEnvar: SIM_API_KEY\n"
    ), "{pf}");
    assert!(
        pf.contains("    vars:\n      country: Peru\n      reference: Lima\n"),
        "{pf}"
    );
    let yml = read("prompts/capitals.prompt.yml");
    assert!(
        yml.contains("testData:\n  - country: France\n    expected: Paris\n"),
        "{yml}"
    );
    let bedrock = e
        .repo_export(export(&repo, ExportFormat::Bedrock))
        .await
        .unwrap();
    assert_eq!(
        bedrock
            .notes
            .iter()
            .map(|n| n.message.as_str())
            .collect::<Vec<_>>(),
        vec![
            "the model `gpt-4o-mini` runs on an OpenAI-compatible endpoint, not Bedrock: no \
              modelId is written"
        ]
    );
    // At the prod label: v1, on Bedrock; the file changes.
    let prod = e
        .repo_export(RepoExportReq {
            label: Some(Label::Prod),
            ..export(&repo, ExportFormat::Bedrock)
        })
        .await
        .unwrap();
    assert_eq!(prod.files[0].change, FileChange::Modified);
    assert!(prod.notes.is_empty(), "{:?}", prod.notes);
    assert!(read("bedrock/capitals.json").contains("\"modelId\": \"amazon.nova-lite-v1:0\""));
    // The galley format is unchanged by all this: blueprint file and schema.
    let galley = e
        .repo_export(export(&repo, ExportFormat::Galley))
        .await
        .unwrap();
    let paths: Vec<&str> = galley.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "blueprints/capitals.galley.yaml",
            "schemas/blueprint.schema.json"
        ]
    );
    assert!(galley.notes.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workflow_is_only_for_blueprint_files() {
    let tmp = tempfile::tempdir().unwrap();
    let e = engine(tmp.path()).await;
    seed(&e).await;
    let err = e
        .repo_export(RepoExportReq {
            workflow: true,
            ..export(&tmp.path().join("repo"), ExportFormat::Promptfoo)
        })
        .await
        .unwrap_err();
    assert_eq!(
        err.message,
        "the CI workflow runs `galley eval` on .galley.yaml files: export with the galley format \
         to add it, not promptfoo"
    );
    assert!(!tmp.path().join("repo").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_file_is_a_new_blueprint_then_a_new_version() {
    let tmp = tempfile::tempdir().unwrap();
    let e = engine(tmp.path()).await;
    let file = tmp.path().join("greeting.prompty");
    let text = "---\nname: Greeting\nmodel:\n  id: amazon.nova-lite-v1:0\n  provider: bedrock\n\
                inputs:\n  who:\n    kind: string\n    default: World\n---\nsystem:\nBe kind.\n\n\
                user:\nSay hello to {{ who }}.\n";
    std::fs::write(&file, text).unwrap();
    let import = |dry_run| RepoImportReq {
        path: file.display().to_string(),
        dry_run,
        ..Default::default()
    };
    let dry = e.repo_import(import(true)).await.unwrap();
    assert_eq!(dry[0].outcome, ImportOutcome::New);
    assert!(
        e.blueprint_by_name("Greeting").await.is_err(),
        "a dry run saves nothing"
    );
    let items = e.repo_import(import(false)).await.unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        (
            items[0].name.as_str(),
            items[0].outcome,
            items[0].versions_added
        ),
        ("Greeting", ImportOutcome::New, 1)
    );
    assert_eq!(items[0].message, "new blueprint with 1 version");
    let v = e
        .versions_resolve("Greeting", &VersionSelector::default())
        .await
        .unwrap();
    assert_eq!(v.content.system, "Be kind.");
    assert_eq!(v.content.variables[0].default.as_deref(), Some("World"));
    assert_eq!(v.meta.message, "Imported from greeting.prompty");

    let items = e.repo_import(import(false)).await.unwrap();
    assert_eq!(items[0].outcome, ImportOutcome::Unchanged);

    std::fs::write(&file, text.replace("Be kind.", "Be warm.")).unwrap();
    let items = e.repo_import(import(false)).await.unwrap();
    assert_eq!(
        (items[0].outcome, items[0].versions_added),
        (ImportOutcome::Updated, 1)
    );
    let v = e
        .versions_resolve("Greeting", &VersionSelector::default())
        .await
        .unwrap();
    assert_eq!((v.meta.number, v.content.system.as_str()), (2, "Be warm."));

    std::fs::write(&file, "---\nname: Greeting\nmodel: [\n---\nuser:\nhi\n").unwrap();
    let items = e.repo_import(import(false)).await.unwrap();
    assert_eq!(items[0].outcome, ImportOutcome::Invalid);
    assert_eq!(
        items[0].message,
        "greeting.prompty, line 3, column 8: expected mapping start"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prompty_connection_finds_the_endpoint_with_its_url() {
    let tmp = tempfile::tempdir().unwrap();
    let e = engine(tmp.path()).await;
    seed(&e).await;
    let write = |name: &str, url: &str| {
        let file = tmp.path().join(format!("{name}.prompty"));
        let text = format!(
            "---\nname: {name}\nmodel:\n  id: gpt-4o-mini\n  provider: openai\n  connection:\n    \
             kind: key\n    endpoint: {url}\n    apiKey: ${{env:OTHER_KEY}}\n---\nuser:\nHi\n"
        );
        std::fs::write(&file, text).unwrap();
        RepoImportReq {
            path: file.display().to_string(),
            ..Default::default()
        }
    };
    let endpoint = |name: &str| {
        let e = &e;
        let name = name.to_string();
        async move {
            e.versions_resolve(&name, &VersionSelector::default())
                .await
                .unwrap()
                .content
                .model
                .endpoint
        }
    };

    let items = e
        .repo_import(write("Known", "http://127.0.0.1:4010/v1/"))
        .await
        .unwrap();
    assert_eq!(
        items[0].message,
        "new blueprint with 1 version; runs on the endpoint `sim` of the settings (same URL); its \
         key comes from there"
    );
    assert_eq!(endpoint("Known").await.as_deref(), Some("sim"));

    let items = e
        .repo_import(write("Unknown", "https://models.example.invalid/v1"))
        .await
        .unwrap();
    assert_eq!(items[0].outcome, ImportOutcome::New);
    assert!(
        items[0]
            .message
            .contains("no endpoint of the settings has the URL https://models.example.invalid/v1"),
        "{}",
        items[0].message
    );
    assert_eq!(endpoint("Unknown").await, None);
    let settings = e.settings_get().await.unwrap();
    assert_eq!(
        settings.endpoints.len(),
        1,
        "nothing is added to the settings"
    );
}
